"""The dashboard's print buttons: the table plan as A4 PDF (api.printing), behind the log-in
and the organiser's scope, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.pages_support import Site, build_site, log_in
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


@pytest.fixture
def site(api: Api) -> Site:
    return build_site(api, plan=True)


def test_the_print_buttons_give_the_plan_as_pdf_to_its_organisers_only(site: Site) -> None:
    client = site.api.client
    assert (
        client.get(f"/dashboard/events/{site.event_a}/tables/tables.pdf", follow_redirects=False).status_code
        == 303
    )
    log_in(client, site.token_a)
    page = client.get(f"/dashboard/events/{site.event_a}/tables")
    assert f"/dashboard/events/{site.event_a}/tables/cards.pdf?lang=fi" in page.text
    response = client.get(f"/dashboard/events/{site.event_a}/tables/tables.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert all(f"Henkilo{i}" in text for i in range(6))  # everyone is on the table lists
    assert client.get(f"/dashboard/events/{site.event_a}/tables/menu.pdf").status_code == 404
    nothing = client.get(f"/dashboard/events/{site.event_b}/tables/tables.pdf")
    assert nothing.status_code == 404 and "Sivua ei löydy" in nothing.text
    log_in(client, site.token_b)
    assert client.get(f"/dashboard/events/{site.event_a}/tables/all.pdf").status_code == 404
    no_plan = client.get(f"/dashboard/events/{site.event_b}/tables/tables.pdf")
    assert no_plan.status_code == 404 and "text/html" in no_plan.headers["content-type"]
