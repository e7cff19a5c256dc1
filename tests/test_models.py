"""Tables, schemas, CRUD helpers and the mapping to matcher.Profile, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import Session, col, select

from api.workflows.people import list_people
from matcher import Profile, split_statements
from models import crud
from models.db import make_engine, upgrade_database
from models.entities import (
    EventCreate,
    Organisation,
    OrganisationCreate,
    OrganisationUpdate,
    Person,
    PersonCreate,
    PersonUpdate,
    Registration,
    RegistrationCreate,
)
from models.profiles import (
    event_profiles,
    organisation_update_from_profile,
    profile_for_person,
    profiles_by_id,
)
from models.validation import normalise_name


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    upgrade_database(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def _org(session: Session, name: str, sector: str = "private", **kw: object) -> int:
    org = crud.create_organisation(
        session=session, organisation_in=OrganisationCreate(name=name, sector=sector, **kw)
    )
    assert org.id is not None
    return org.id


def _person(session: Session, email: str, organisation_id: int | None, **kw: object) -> int:
    person_in = PersonCreate(name=email.split("@")[0], email=email, organisation_id=organisation_id, **kw)
    person = crud.save(session, Person.model_validate(person_in))
    assert person.id is not None
    return person.id


def _register(session: Session, person_id: int, event_id: int, **kw: object) -> Registration:
    registration_in = RegistrationCreate(person_id=person_id, event_id=event_id, **kw)
    return crud.save(session, Registration.model_validate(registration_in))


# --------------------------------------------------------------------------- schemas (no database)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sector": "valtio"}, "sector"),
        ({"business_id": "0112038-8"}, "business_id"),
        ({"region": "mars"}, "region"),
        ({"themes": ["home_care", "kissat"]}, "themes"),
        ({"languages": ["de"]}, "languages"),
        ({"size_class": "huge"}, "size_class"),
        ({"name": "--"}, "name"),
    ],
)
def test_organisation_schema_refuses_unknown_values(kwargs: dict[str, object], field: str) -> None:
    data = {"name": "Hoiva Oy", "sector": "private", **kwargs}
    with pytest.raises(ValidationError) as caught:
        OrganisationCreate.model_validate(data)
    assert caught.value.errors()[0]["loc"] == (field,)


def test_schemas_normalise() -> None:
    org = OrganisationCreate(
        name=" Hoiva Oy ", sector="public", business_id="112038-9", themes=["impact", "impact"]
    )
    assert (org.name, org.business_id, org.themes) == ("Hoiva Oy", "0112038-9", ["impact"])
    assert PersonCreate(name="M", email=" Maija@Example.FI").email == "maija@example.fi"
    with pytest.raises(ValidationError):
        PersonCreate(name="M", email="maija@")
    with pytest.raises(ValidationError):
        PersonCreate(name="M", email="m@x.fi", language="de")
    with pytest.raises(ValidationError):
        EventCreate(name="E", status="open")
    with pytest.raises(ValidationError):
        RegistrationCreate(person_id=1, event_id=1, source="late")
    assert OrganisationUpdate(sector=None).model_dump(exclude_unset=True) == {"sector": None}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hoiva Oy", "HOIVA oy"),
        ("Kehitys-Aurinko ry.", "kehitys aurinko"),
        ("Vård  Ab", "vård"),
        ("Oy", "OY"),
    ],
)
def test_normalised_names_equal(a: str, b: str) -> None:
    assert normalise_name(a) == normalise_name(b)


def test_normalised_names_differ() -> None:
    assert normalise_name("Hoiva Oy") != normalise_name("Hoivа Oy")  # Cyrillic а
    assert normalise_name("Hämeen Hoiva") != normalise_name("Hameen Hoiva")


# --------------------------------------------------------------------------- CRUD


def test_crud_filters_and_pages(session: Session) -> None:
    a = _org(session, "Aurinko Oy", "private", region="kanta_hame", themes=["home_care", "digital_services"])
    _org(session, "Beta ry", "third_sector", region="kanta_hame", themes=["impact"])
    _org(session, "Gamma kunta", "public", region="uusimaa", themes=["home_care"])

    def names(offset: int = 0, limit: int = 100, **filters: str) -> tuple[list[str], int]:
        statement = select(Organisation).where(*crud.organisation_filters(**filters))
        rows, total = crud.page(
            session, statement.order_by(col(Organisation.name)), offset=offset, limit=limit
        )
        return [r.name for r in rows], total

    assert names() == (["Aurinko Oy", "Beta ry", "Gamma kunta"], 3)
    assert names(theme="home_care") == (["Aurinko Oy", "Gamma kunta"], 2)
    assert names(region="kanta_hame", sector="third_sector") == (["Beta ry"], 1)
    assert names(offset=1, limit=1) == (["Beta ry"], 3)  # the total counts every page
    assert names(q="GAMMA") == (["Gamma kunta"], 1)
    assert names(theme="home") == ([], 0)  # whole codes only
    assert names(theme="home_car_") == ([], 0)  # _ is no wildcard
    with pytest.raises(ValueError, match="limit"):
        names(limit=0)
    with pytest.raises(ValueError, match="offset"):
        names(offset=-1)
    found = crud.find_organisation(session=session, name="AURINKO oy")
    assert found is not None and found.id == a
    updated = crud.update_organisation(
        session=session, db_organisation=found, organisation_in=OrganisationUpdate(name="Aurinko Hoiva Oy")
    )
    assert updated.normalised_name == "aurinko hoiva"


def test_crud_unique_keys(session: Session) -> None:
    _org(session, "Aurinko Oy", business_id="0112038-9")
    with pytest.raises(sa.exc.IntegrityError):
        _org(session, "aurinko OY")
    session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        _org(session, "Toinen Oy", business_id="0112038-9")
    session.rollback()
    _person(session, "maija@x.fi", None)
    with pytest.raises(sa.exc.IntegrityError):
        _person(session, "MAIJA@x.fi", None)


def test_people_and_registrations(session: Session) -> None:
    org = _org(session, "Aurinko Oy", themes=["home_care"])
    other = _org(session, "Beta ry", "third_sector")
    event = crud.create_event(session=session, event_in=EventCreate(name="E", date=dt.date(2026, 12, 3)))
    assert event.id is not None
    p1, p2, p3 = (
        _person(session, "a@x.fi", org),
        _person(session, "b@x.fi", org),
        _person(session, "c@x.fi", other),
    )
    _register(session, p1, event.id)
    reg = _register(session, p2, event.id, source="walk_in")
    _register(session, p3, event.id, cancelled=True)
    assert crud.find_registration(session=session, event_id=event.id, person_id=p2) == reg
    assert crud.find_registration(session=session, event_id=event.id, person_id=999) is None
    assert crud.count_registrations(session=session, event_id=event.id) == 2  # the cancelled one not counted
    people, total = list_people(session=session, organiser=None, event_id=event.id, theme="home_care")
    assert ([p.email for p in people], total) == (["a@x.fi", "b@x.fi"], 2)
    now = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    reg.checked_in_at = now
    crud.save(session, reg)
    session.expire_all()
    stored = crud.find_registration(session=session, event_id=event.id, person_id=p2)
    assert stored is not None and stored.checked_in_at == now and stored.checked_in_at.tzinfo == dt.UTC
    person = crud.get_person_by_email(session=session, email="A@X.FI")
    assert person is not None and person.id == p1
    crud.update_person(session=session, db_person=person, person_in=PersonUpdate(language="sv"))
    session.expire_all()
    assert session.get(Person, p1).language == "sv"  # type: ignore[union-attr]


def test_naive_timestamps_are_refused(session: Session) -> None:
    event = crud.create_event(session=session, event_in=EventCreate(name="E"))
    person = _person(session, "a@x.fi", None)
    assert event.id is not None
    session.add(Registration(person_id=person, event_id=event.id, checked_in_at=dt.datetime(2026, 12, 3, 9)))
    with pytest.raises(sa.exc.StatementError, match="no time zone"):
        session.commit()


def test_deleting_an_event_deletes_its_registrations(session: Session) -> None:
    event = crud.create_event(session=session, event_in=EventCreate(name="E"))
    assert event.id is not None
    _register(session, _person(session, "a@x.fi", None), event.id)
    session.delete(event)
    session.commit()
    assert session.exec(sa.select(sa.func.count()).select_from(Registration)).one()[0] == 0  # type: ignore[call-overload]


# --------------------------------------------------------------------------- mapping to matcher.Profile


def test_event_profiles(session: Session) -> None:
    org = _org(
        session,
        "Aurinko Oy",
        "private",
        region="kanta_hame",
        themes=["home_care"],
        keywords=["yöpartio"],
        offers="Kotihoidon yöpartio\nLomitus",
        needs="Digitaalinen ajanvaraus",
        description="Kotihoitoa.",
    )
    other = _org(session, "Kunta", "public")
    event = crud.create_event(session=session, event_in=EventCreate(name="E"))
    assert event.id is not None
    ids = [
        _person(session, "a@x.fi", org, language="sv"),
        _person(session, "b@x.fi", org),
        _person(session, "c@x.fi", other),
        _person(session, "d@x.fi", None),
    ]
    registrations = [_register(session, pid, event.id) for pid in ids]
    registrations[2].cancelled = True
    registrations[0].checked_in_at = dt.datetime.now(dt.UTC)
    for registration in registrations:
        crud.save(session, registration)

    profiles = event_profiles(session, event.id)
    assert [p.id for p in profiles] == [str(ids[0]), str(ids[1]), str(ids[3])]
    assert profiles[0] == Profile(
        id=str(ids[0]),
        organisation=str(org),
        sector="private",
        region="kanta_hame",
        description="Kotihoitoa.",
        offers=("Kotihoidon yöpartio", "Lomitus"),
        needs=("Digitaalinen ajanvaraus",),
        themes=("home_care",),
        keywords=("yöpartio",),
        language="sv",
    )
    assert profiles[0].organisation == profiles[1].organisation
    assert (profiles[2].organisation, profiles[2].sector) == (f"person:{ids[3]}", "other")
    assert [p.id for p in event_profiles(session, event.id, present_only=True)] == [str(ids[0])]
    assert profile_for_person(session, ids[1]) == profiles[1]
    assert set(profiles_by_id(session, [ids[0], ids[3]])) == {str(ids[0]), str(ids[3])}
    with pytest.raises(LookupError, match="no person with id 999"):
        profile_for_person(session, 999)


def test_profile_round_trip_through_an_update(session: Session) -> None:
    org_id = _org(session, "Aurinko Oy", "private")
    person = _person(session, "a@x.fi", org_id)
    wanted = Profile(
        id=str(person),
        organisation=str(org_id),
        sector="public",
        region="uusimaa",
        description="D",
        offers=("a", "b"),
        needs=("c",),
        themes=("impact",),
        keywords=("k",),
    )
    org = session.get(Organisation, org_id)
    assert org is not None
    crud.update_organisation(
        session=session, db_organisation=org, organisation_in=organisation_update_from_profile(wanted)
    )
    assert profile_for_person(session, person) == wanted
    assert split_statements(org.offers) == ("a", "b")
