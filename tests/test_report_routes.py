"""The impact report through the organisers' API and the dashboard on SQLite and PostgreSQL:
the three formats, the tour's, and nobody else's."""

from __future__ import annotations

import csv
import io

from tests.pages_support import log_in
from tests.printing_helpers import page_texts
from tests.test_api import _store_suggestions
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


def _event_with_feedback(api: Api, token: str, name: str) -> tuple[int, list[int]]:
    event = api.event(token, name)
    people = [
        api.walk_in(token, event, f"{name.lower()}{k}@x.fi", f"Org {k}", sector=("private", "public")[k % 2])
        for k in range(3)
    ]
    _store_suggestions(api.url, event, people[0], [people[1], people[2]])
    link = api.link(token, event, people[0])
    for target, met in ((people[1], True), (people[2], False)):
        body = {"target_id": target, "met": met, **({"cooperation_types": ["training"]} if met else {})}
        assert api.client.post("/me/feedback", headers=api.auth(link), json=body).status_code == 201
    return event, people


def test_the_report_in_three_formats_and_only_for_its_organisers(api: Api) -> None:
    a, b = api.organiser("a@example.fi"), api.organiser("b@example.fi")
    event, _ = _event_with_feedback(api, a, "Häme")
    url = f"/events/{event}/report"
    page = api.client.get(url, headers=api.auth(a))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Vaikuttavuusraportti: Häme" in page.text and "<svg" in page.text
    table = api.client.get(f"{url}?format=csv", headers=api.auth(a))
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig")), delimiter=";"))
    figures = {key: value for section, _, key, value in rows[1:] if section == "figure"}
    assert figures["meetings"] == "1" and figures["cross_sector_share"] == "1.0000"
    assert ["agreed", "Häme", "training", "1"] in rows
    pdf = api.client.get(f"{url}?format=pdf&lang=sv", headers=api.auth(a))
    assert pdf.headers["content-type"] == "application/pdf" and "Effektrapport" in page_texts(pdf.content)[0]
    assert api.client.get(url, headers=api.auth(b)).status_code == 404
    assert api.client.get(f"{url}?format=docx", headers=api.auth(a)).status_code == 422


def test_the_tour_report_and_the_dashboard_pages(api: Api) -> None:
    a, b = api.organiser("a@example.fi"), api.organiser("b@example.fi")
    first, _ = _event_with_feedback(api, a, "Häme")
    second, _ = _event_with_feedback(api, a, "Savo")
    tour = api.client.post("/tours", headers=api.auth(a), json={"name": "Kiertue"}).json()["id"]
    for event in (first, second):
        api.client.put(f"/tours/{tour}/events/{event}", headers=api.auth(a))
    table = api.client.get(f"/tours/{tour}/report?format=csv", headers=api.auth(a)).content.decode(
        "utf-8-sig"
    )
    labels = {row.split(";")[1] for row in table.splitlines()[1:] if row.startswith("figure;")}
    assert labels == {"Häme", "Savo", "total"}
    assert api.client.get(f"/tours/{tour}/report", headers=api.auth(b)).status_code == 404
    client = api.client
    log_in(client, a)
    page = client.get(f"/dashboard/events/{first}/report")
    assert page.status_code == 200 and f'href="/dashboard/tours/{tour}/report"' in page.text
    assert 'aria-current="page"' in page.text  # the report tab
    # The charts render inline under the page's CSP (no inline styles allowed, none used).
    assert page.text.count("<svg") == 6 and " style=" not in page.text and "<style" not in page.text
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]
    whole = client.get(f"/dashboard/tours/{tour}/report?lang=en")
    assert whole.status_code == 200 and "Whole tour" in whole.text
    assert client.get(f"/dashboard/tours/{tour}/report.pdf").content.startswith(b"%PDF")
    assert client.get(f"/dashboard/events/{first}/report.csv").content.startswith(
        "section".encode("utf-8-sig")
    )
    log_in(client, b)
    assert client.get(f"/dashboard/tours/{tour}/report").status_code == 404
    assert client.get(f"/dashboard/events/{first}/report.pdf").status_code == 404
