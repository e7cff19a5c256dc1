// Kohtaamo pages: small enhancements only. Every page works without this script.
// - [data-print]: a print button on the printable plan.
// - [data-job]: follows a background job's progress; when it ends, the page reloads to show
//   the result and the way on.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var job = document.querySelector("[data-job]");
  if (!job) { return; }
  var bar = job.querySelector("progress");
  var state = job.querySelector("[data-job-state]");
  var text = job.querySelector("[data-job-text]");
  var done = job.querySelector("[data-job-done]");
  var waiting = job.querySelector("[data-job-waiting]");
  var names = {};
  var template = document.getElementById("job-states");
  if (template) {
    template.content.querySelectorAll("[data-state]").forEach(function (el) {
      names[el.getAttribute("data-state")] = el.textContent;
    });
  }

  function finished(status) { return status === "succeeded" || status === "failed"; }

  function show(data) {
    bar.value = data.progress;
    bar.textContent = Math.round(data.progress * 100) + " %";
    state.textContent = names[data.status] || data.status;
    text.textContent = data.message ? ": " + data.message : "";
    job.setAttribute("data-status", data.status);
    if (finished(data.status)) {
      done.hidden = false;
      waiting.hidden = true;
      var link = done.querySelector("a");
      if (link && data.next) { link.href = data.next; }
    }
  }

  function poll() {
    fetch(job.getAttribute("data-job"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        show(data);
        if (!finished(data.status)) { window.setTimeout(poll, 700); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }

  if (!finished(job.getAttribute("data-status"))) { poll(); }
})();
