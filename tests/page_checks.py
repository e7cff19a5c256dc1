"""Accessibility checks on rendered pages, shared by the HTML-level and the browser tests:
``lang`` set, one ``h1`` and headings that never skip a level, a label on every input, no
click-only widgets (``onclick`` on something that is not a button or link), a title.

:func:`page_problems` reads HTML (TestClient answers); :data:`BROWSER_CHECK` is the same in
JavaScript, run in Chromium on the page as the browser built it.
"""

from __future__ import annotations

from html.parser import HTMLParser

FIELDS = {"input", "select", "textarea"}
HEADINGS = {f"h{n}" for n in range(1, 7)}


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.headings: list[int] = []
        self.fields: list[tuple[str, dict[str, str]]] = []
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.wrapped: list[str] = []
        self.clickables: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = values.get("lang")
        if tag in HEADINGS:
            self.headings.append(int(tag[1]))
        if tag == "label":
            self.label_depth += 1
            if "for" in values:
                self.label_for.add(values["for"])
        if tag in FIELDS and values.get("type") not in ("hidden", "submit", "button"):
            self.fields.append((tag, values))
            if self.label_depth:
                self.wrapped.append(values.get("id", ""))
        if "onclick" in values and tag not in ("button", "a"):
            self.clickables.append(tag)
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def page_problems(html: str) -> list[str]:
    """What is wrong with ``html`` by the checks above (empty: nothing found)."""
    scan = _Scan()
    scan.feed(html)
    problems = []
    if scan.lang not in ("fi", "sv", "en"):
        problems.append(f"html lang is {scan.lang!r}")
    if not scan.title.strip():
        problems.append("no title")
    if scan.headings.count(1) != 1:
        problems.append(f"{scan.headings.count(1)} h1 headings")
    last = 0
    for level in scan.headings:
        if level > last + 1:
            problems.append(f"heading jumps from h{last} to h{level}")
        last = level
    for tag, values in scan.fields:
        labelled = (
            values.get("id") in scan.label_for
            or values.get("aria-label")
            or values.get("id", "") in scan.wrapped
        )
        if not labelled:
            problems.append(f"{tag} {values.get('name', '?')!r} has no label")
    problems += [f"click handler on <{tag}>" for tag in scan.clickables]
    return problems


BROWSER_CHECK = """() => {
  const problems = [];
  if (!["fi", "sv", "en"].includes(document.documentElement.lang)) problems.push("html lang");
  const headings = [...document.querySelectorAll("h1,h2,h3,h4,h5,h6")].map(h => +h.tagName[1]);
  if (headings.filter(l => l === 1).length !== 1) problems.push("h1 count");
  let last = 0;
  for (const level of headings) { if (level > last + 1) problems.push("heading jump to h" + level); last = level; }
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea, progress")) {
    if (!(el.labels && el.labels.length) && !el.getAttribute("aria-label")) problems.push("unlabelled " + (el.name || el.id));
  }
  return problems;
}"""
