"""Hosts and facilitators on the printouts, in words (black-and-white print): marked on the
table lists and the table cards at their own table only, told on their own slip, in every
language; and the role column of the plan's CSV."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session, select

from api.printing import render_printout
from api.printing.sheets import plan_sheet_bytes
from api.printing.texts import words
from api.schemas import TablePlanCreate
from api.workflows import table_plans
from matcher.embed import HashingEmbedder
from models.db import make_engine, upgrade_database
from models.entities import Event, Registration
from tests.printing_helpers import BASE_URL, NAME, SIGNER, add_people, page_texts

ROUNDS, PINNED_TABLE = 2, 3


@dataclass
class RoleEvent:
    """A seated event with one host pinned to :data:`PINNED_TABLE` and one facilitator."""

    url: str
    event_id: int
    host: str
    facilitator: str
    seat_of: dict[tuple[int, str], int]  # (round, name) -> table


def _role_event(url: str) -> RoleEvent:
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            event = Event(name="Soteuttamo Roolit", region="kanta_hame")
            session.add(event)
            session.flush()
            assert event.id is not None
            names = add_people(session, event.id, 16)
            ids = sorted(names)
            host_id, facilitator_id = ids[3], ids[8]
            for reg in session.exec(select(Registration).where(Registration.event_id == event.id)):
                reg.pinned_table = PINNED_TABLE if reg.person_id == host_id else None
                reg.facilitator = reg.person_id == facilitator_id
                session.add(reg)
            session.commit()
            params = TablePlanCreate(rounds=ROUNDS, min_size=4, max_size=4, seconds=0.3)
            profiles, layout, plan = table_plans.plan_event(
                session=session, event_id=event.id, params=params, encoder=HashingEmbedder(dimension=64)
            )
            table_plans.store_plan(
                session=session, event_id=event.id, params=params, profiles=profiles, layout=layout, plan=plan
            )
            pos = {int(p.id): k for k, p in enumerate(profiles)}
            seat_of = {
                (r + 1, names[pid]): int(plan.assignment[r, pos[pid]]) + 1
                for r in range(ROUNDS)
                for pid in ids
            }
            return RoleEvent(url, event.id, names[host_id], names[facilitator_id], seat_of)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def seated(tmp_path_factory: pytest.TempPathFactory) -> RoleEvent:
    return _role_event(f"sqlite:///{tmp_path_factory.mktemp('roles') / 'k.db'}")


def _pdf_texts(seated: RoleEvent, what: str, lang: str) -> list[str]:
    engine = make_engine(seated.url)
    try:
        with Session(engine) as session:
            pdf = render_printout(
                session, event_id=seated.event_id, what=what, lang=lang, signer=SIGNER, base_url=BASE_URL
            )
    finally:
        engine.dispose()
    return page_texts(pdf)


def _marked(text: str, word: str) -> list[str]:
    """The names marked with ``word`` (as '(word)' after the name) in ``text``."""
    return re.findall(rf"(Äijä\d\d Öberg) \({re.escape(word)}\)", text)


LANGS = ("fi", "sv", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_table_lists_mark_the_host_and_the_facilitator_at_their_table_only(
    seated: RoleEvent, lang: str
) -> None:
    w = words(lang)
    heading = re.compile(rf"{w['table']} (\d+) ·")
    found: dict[str, list[tuple[int, int]]] = {"host": [], "facilitator": []}
    for text in _pdf_texts(seated, "tables", lang):
        rounds = re.findall(rf"{w['tables_title']} – {w['round']} (\d+)", text)
        assert len(set(rounds)) == 1, text[:200]
        parts = heading.split(text)  # [before, table, block, table, block, ...]
        for table, block in zip(parts[1::2], parts[2::2], strict=True):
            for role in found:
                found[role] += [(int(rounds[0]), int(table))] * len(_marked(block, w[role]))
                assert set(_marked(block, w[role])) <= {getattr(seated, role)}, (role, block)
    assert found["host"] == [(r, PINNED_TABLE) for r in range(1, ROUNDS + 1)]
    assert sorted(found["facilitator"]) == [
        (r, seated.seat_of[(r, seated.facilitator)]) for r in range(1, ROUNDS + 1)
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_table_cards_mark_the_host_and_the_facilitator_on_their_card_only(
    seated: RoleEvent, lang: str
) -> None:
    w = words(lang)
    cards = {}
    for text in _pdf_texts(seated, "cards", lang):
        where = re.search(rf"{w['table']} (\d+)\s*{w['round']} (\d+) ·", text)
        assert where, text[:200]
        cards[(int(where.group(2)), int(where.group(1)))] = text
    for role in ("host", "facilitator"):
        person = getattr(seated, role)
        marked = {key for key, text in cards.items() if _marked(text, w[role])}
        assert marked == {(r, seated.seat_of[(r, person)]) for r in range(1, ROUNDS + 1)}, role
        assert all(_marked(cards[key], w[role]) == [person] for key in marked)
    assert {seated.seat_of[(r, seated.host)] for r in range(1, ROUNDS + 1)} == {PINNED_TABLE}


@pytest.mark.parametrize("lang", LANGS)
def test_slips_tell_the_host_their_table_and_the_facilitator_their_task(seated: RoleEvent, lang: str) -> None:
    w = words(lang)
    text = " ".join(" ".join(_pdf_texts(seated, "slips", lang)).split())
    starts = [m.start() for m in NAME.finditer(text)]
    slips = {text[a : a + 12]: text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)}
    assert len(slips) == 16, "one slip each, and no other names on the slips"
    host_line = w["slip_host"].format(table=PINNED_TABLE)
    for name, slip in slips.items():
        assert (host_line in slip) == (name == seated.host), name
        assert (w["slip_facilitator"] in slip) == (name == seated.facilitator), name


def test_the_plan_csv_has_a_role_column(seated: RoleEvent, tmp_path: Path) -> None:
    engine = make_engine(seated.url)
    try:
        with Session(engine) as session:
            body = plan_sheet_bytes(session, event_id=seated.event_id, fmt="csv")
    finally:
        engine.dispose()
    rows = list(csv.DictReader(body.decode("utf-8-sig").splitlines()))
    assert len(rows) == 16 * ROUNDS
    roles = {(int(r["round"]), r["person"]): r["role"] for r in rows}
    for (r, name), role in roles.items():
        expected = {seated.host: "host", seated.facilitator: "facilitator"}.get(name, "")
        assert role == expected, (r, name, role)
    assert {int(r["table"]) for r in rows if r["role"] == "host"} == {PINNED_TABLE}
