"""The feedback form's comments, met partners and "themes next time", and the follow-up page,
at the HTML level on SQLite and PostgreSQL: saved once however often sent, shown again as
saved, and a follow-up only for partners one said one met."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models.feedback import Feedback, ThemeWish
from tests.pages_support import Site, build_site, csrf_of
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api


@pytest.fixture
def site(api: Api) -> Site:
    return build_site(api, plan=False, meetings=True)


def _rows(site: Site, person_id: int) -> dict[int, Feedback]:
    with Session(site.api.app.state.engine) as session:
        rows = session.exec(select(Feedback).where(Feedback.person_id == person_id)).all()
        return {r.target_id: r for r in rows}


def _met_partners(site: Site, person_id: int) -> set[int]:
    mine = site.api.client.get(f"/me/meetings?token={site.link(person_id)}").json()["meetings"]
    return {p["person_id"] for m in mine for p in m["partners"]}


def test_feedback_with_comments_wishes_and_met_partners(site: Site) -> None:
    client, me = site.api.client, site.people[0]
    path = f"/p/{site.link(me)}/feedback"
    page = client.get(path)
    met = _met_partners(site, me)
    for partner in met:  # the 1:1 partners are on the form, suggested or not
        assert f'name="met-{partner}"' in page.text
    target = sorted(met)[0]
    body = {
        "csrf_token": csrf_of(page.text),
        f"met-{target}": "yes",
        f"useful-{target}": "3",
        f"comment-{target}": "Jatketaan <keskustelua>",
        "wishes": "1",
        "wish": ["home_care", "digital_services"],
    }
    for _ in range(2):
        assert client.post(path, data=body, follow_redirects=False).status_code == 303
    rows = _rows(site, me)
    assert list(rows) == [target] and rows[target].comment == "Jatketaan <keskustelua>"
    with Session(site.api.app.state.engine) as session:
        wish = session.get(ThemeWish, (site.event_a, me))
        assert wish is not None and wish.themes == ["digital_services", "home_care"]
    shown = client.get(path).text
    assert "Jatketaan &lt;keskustelua&gt;</textarea>" in shown
    assert 'id="wish-home_care" name="wish" value="home_care" checked' in shown
    # a comment without saying whether they met is an error on that partner, nothing saved
    other = next(p for p in met if p != target) if len(met) > 1 else None
    if other is not None:
        bad = client.post(path, data={"csrf_token": body["csrf_token"], f"comment-{other}": "hei"})
        assert bad.status_code == 422 and f'id="partner-{other}-error"' in bad.text
        assert other not in _rows(site, me)


def test_the_followup_page_asks_only_about_partners_met_and_saves_once(site: Site) -> None:
    client, me = site.api.client, site.people[1]
    feedback_path, path = f"/p/{site.link(me)}/feedback", f"/p/{site.link(me)}/followup"
    empty = client.get(path)
    assert empty.status_code == 200 and "Anna ensin palaute" in empty.text
    met = sorted(_met_partners(site, me))
    token = csrf_of(client.get(feedback_path).text)
    answers = {"csrf_token": token, f"met-{met[0]}": "yes", f"coop-{met[0]}": "training"}
    if len(met) > 1:
        answers[f"met-{met[1]}"] = "no"
    client.post(feedback_path, data=answers)
    page = client.get(path)
    assert f'name="done-{met[0]}"' in page.text
    if len(met) > 1:
        assert f'name="done-{met[1]}"' not in page.text  # they did not meet
    body = {
        "csrf_token": token,
        f"done-{met[0]}": "yes",
        f"rtype-{met[0]}": "training",
        f"note-{met[0]}": "Kurssi",
    }
    for _ in range(2):
        sent = client.post(path, data=body, follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"].endswith("/followup?saved=1")
    row = _rows(site, me)[met[0]]
    assert (row.realised, row.realised_types, row.realised_note) == (True, ["training"], "Kurssi")
    assert row.cooperation_types == ["training"] and row.followed_up_at is not None
    shown = client.get(path + "?saved=1").text
    assert "Kiitos!" in shown and f'id="done-{met[0]}-yes" name="done-{met[0]}" value="yes" checked' in shown
    bad = client.post(path, data={"csrf_token": token, f"done-{met[0]}": "no", f"rtype-{met[0]}": "training"})
    assert bad.status_code == 422 and "vain, jos yhteistyö toteutui" in bad.text
    assert _rows(site, me)[met[0]].realised is True  # the bad answer changed nothing
    swedish = client.get(path + "?lang=sv")
    assert "Blev samarbetet av?" in swedish.text
