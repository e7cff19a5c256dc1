"""Rendering is pure: content in, one multipart message out, in the reader's language, with
ä, ö and å intact through RFC 2047 headers and quoted-printable bodies, the personal and
unsubscribe links, and calendar entries whose UIDs stay put while SEQUENCE grows."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import parseaddr

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from api.mail.calendar import escape, fold
from api.mail.content import (
    Contact,
    Envelope,
    EventInfo,
    Links,
    MailContent,
    Meeting,
    MeetingPerson,
    Partner,
    Seat,
    Slot,
    content_hash,
)
from api.mail.render import header_name, message_bytes, render_message, render_parts, tidy_text
from api.mail.words import WORDS

HELSINKI = dt.timezone(dt.timedelta(hours=2))
EVENT = EventInfo(3, "Soteuttamo Kanta-Häme 2026", dt.date(2026, 12, 3), "Verkatehdas, Hämeenlinna")
LINKS = Links(
    "https://k.example.fi/p/TOKEN",
    "https://k.example.fi/p/TOKEN/feedback",
    "https://k.example.fi/unsubscribe/TOKEN",
)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, 3, hour, minute, tzinfo=HELSINKI)


MEETING_1 = Slot(1, at(15), at(15, 15))
MEETING_2 = Slot(2, at(15, 20), at(15, 35))
PEKKA = Partner(
    "Pekka Virtanen",
    "Pirkanmaan hyvinvointialue",
    "public",
    ("He tarjoavat 'kotihoidon yöpartiointi', jota etsitte",),
    Contact("pekka@example.fi", "kehittämispäällikkö"),
    (Seat(Slot(1, at(13), at(13, 45)), 5),),
)
ASA = Partner("Åsa Öberg", "Föreningen Hjälp rf", "third_sector", ("Ni delar temat hemvård",), None, ())


def content(kind: str = "before", language: str = "fi", **changes: object) -> MailContent:
    base: dict[str, object] = dict(
        kind=kind,
        language=language,
        event=EVENT,
        person_id=7,
        name="Päivi Öhman-Åström",
        email="paivi@example.fi",
        partners=(PEKKA, ASA),
    )
    if kind == "live":
        base.update(
            seats=(Seat(Slot(1, at(13), at(13, 45)), 2),),
            meetings=(Meeting(MEETING_1, 4, (MeetingPerson("Pekka Virtanen", "PHA", None),)),),
            no_meeting=(MEETING_2,),
        )
    base.update(changes)
    return MailContent(**base)  # type: ignore[arg-type]


def envelope(sequence: int = 0, updated: bool = False, earlier: tuple[int, ...] = ()) -> Envelope:
    return Envelope(
        sender="Soteuttamo Kanta-Häme <kohtaamo@example.fi>",
        message_id="<kohtaamo.e3.p7@example.fi>",
        date=dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC),
        calendar_host="k.example.fi",
        sequence=sequence,
        earlier_rounds=earlier,
        updated=updated,
    )


def reparse(message: EmailMessage) -> EmailMessage:
    raw = message_bytes(message)
    assert raw.isascii(), "the message must be 7-bit: no SMTPUTF8, no 8BITMIME needed"
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("kind", ["before", "live", "feedback"])
def test_every_kind_in_every_language_is_one_multipart_message(kind: str, language: str) -> None:
    message = reparse(render_message(content(kind, language), LINKS, envelope()))
    assert message["Subject"] == WORDS[language].subject(kind, EVENT.name)
    assert message["To"].addresses[0].display_name == "Päivi Öhman-Åström"
    assert message["From"].addresses[0].display_name == "Soteuttamo Kanta-Häme"
    assert message["Content-Language"] == language
    assert message["List-Unsubscribe"] == "<https://k.example.fi/unsubscribe/TOKEN>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'<html lang="{language}">' in html
    for body in (" ".join(text.split()), " ".join(html.split())):  # wrapped lines joined
        assert "Päivi Öhman-Åström" in body and EVENT.name in body
        assert LINKS.page in body and LINKS.unsubscribe in body
        assert "Pekka Virtanen" in body and "Åsa Öberg" in body
    if kind == "feedback":
        assert LINKS.feedback in text and LINKS.feedback in html
        assert "pekka@example.fi" not in text  # names only after the event


def test_headers_are_encoded_words_and_bodies_quoted_printable() -> None:
    raw = message_bytes(render_message(content(), LINKS, envelope())).decode("ascii")
    assert "=?utf-8?" in raw.split("\r\n\r\n", 1)[0]  # the header block
    assert "Content-Transfer-Encoding: quoted-printable" in raw
    assert "ä" not in raw and "\n" not in raw.replace("\r\n", "")


def test_contact_details_only_where_the_partner_consented() -> None:
    for kind in ("before", "live"):
        text = render_parts(content(kind), LINKS, envelope()).text
        assert "pekka@example.fi, kehittämispäällikkö" in text
        # Åsa did not consent: no contact line follows her reasons
        asa = text.split("Åsa Öberg", 1)[1].split("\n\n", 1)[0]
        assert "Yhteystiedot" not in asa and "@" not in asa


def test_html_escapes_what_people_typed() -> None:
    sly = Partner("<script>alert(1)</script>", "A & B Oy", "private", ('"quoted" <b>',))
    html = render_parts(content(partners=(sly,)), LINKS, envelope()).html
    assert "<script>" not in html and "&lt;script&gt;" in html and "A &amp; B Oy" in html
    text = render_parts(content(partners=(sly,)), LINKS, envelope()).text
    assert "<script>alert(1)</script>" in text  # plain text is not HTML: nothing to escape


def test_live_message_shows_seats_meetings_where_partners_sit_and_times() -> None:
    parts = render_parts(content("live"), LINKS, envelope())
    assert "Kierros 1, klo 13.00–13.45: pöytä 2" in parts.text
    assert "Kierros 1, klo 15.00–15.15: tapaamispöytä 4 – Pekka Virtanen (PHA)" in parts.text
    assert "Kierros 2, klo 15.20–15.35: ei tapaamista" in parts.text
    assert "Missä: kierros 1 pöytä 5" in parts.text
    english = render_parts(content("live", "en"), LINKS, envelope()).text
    assert "Round 1, 13:00–13:45: table 2" in english


def test_without_a_schedule_rounds_are_numbers_and_there_is_no_calendar() -> None:
    untimed = content(
        "live",
        meetings=(Meeting(Slot(1), 4, (MeetingPerson("Pekka Virtanen", None),)),),
        no_meeting=(Slot(2),),
        seats=(Seat(Slot(1), 2),),
    )
    parts = render_parts(untimed, LINKS, envelope())
    assert parts.calendar is None and "kohtaamo.ics" not in parts.text
    assert "Kierros 1: tapaamispöytä 4 – Pekka Virtanen" in parts.text
    message = render_message(untimed, LINKS, envelope())
    assert message.get_content_type() == "multipart/alternative"


def _calendar(message: EmailMessage) -> str:
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH" and attachment.get_filename() == "kohtaamo.ics"
    return str(attachment.get_content())


def test_calendar_uids_are_stable_and_a_replan_raises_the_sequence() -> None:
    first = _calendar(reparse(render_message(content("live"), LINKS, envelope(sequence=0))))
    assert re.findall(r"UID:(\S+)", first) == ["kohtaamo-e3-p7-r1@k.example.fi"]  # no cancelled entry yet
    assert "SEQUENCE:0" in first and "DTSTART:20261203T130000Z" in first and "DTEND:20261203T131500Z" in first
    # the re-plan moves the meeting to round 2: round 1's entry is cancelled, same UIDs, SEQUENCE 1
    replanned = content(
        "live",
        meetings=(Meeting(MEETING_2, 1, (MeetingPerson("Åsa Öberg", "Föreningen Hjälp rf", None),)),),
        no_meeting=(MEETING_1,),
    )
    second = _calendar(
        reparse(render_message(replanned, LINKS, envelope(sequence=1, updated=True, earlier=(1,))))
    )
    events = second.split("BEGIN:VEVENT")[1:]
    by_uid = {re.search(r"UID:(\S+)", e).group(1): e for e in events}  # type: ignore[union-attr]
    assert set(by_uid) == {"kohtaamo-e3-p7-r1@k.example.fi", "kohtaamo-e3-p7-r2@k.example.fi"}
    assert "STATUS:CANCELLED" in by_uid["kohtaamo-e3-p7-r1@k.example.fi"]
    assert "STATUS:CONFIRMED" in by_uid["kohtaamo-e3-p7-r2@k.example.fi"]
    assert all("SEQUENCE:1" in e for e in events)
    assert "Åsa Öberg" in by_uid["kohtaamo-e3-p7-r2@k.example.fi"]


def test_only_rounds_an_earlier_message_put_in_the_calendar_are_cancelled() -> None:
    # round 2 never had a meeting for this reader: an update does not send a cancellation for it
    update = _calendar(reparse(render_message(content("live"), LINKS, envelope(sequence=3, updated=True))))
    assert re.findall(r"UID:(\S+)", update) == ["kohtaamo-e3-p7-r1@k.example.fi"]
    assert "STATUS:CANCELLED" not in update and "SEQUENCE:3" in update


def test_an_update_says_so_in_the_subject() -> None:
    parts = render_parts(content("live", "sv"), LINKS, envelope(sequence=1, updated=True))
    assert parts.subject == "Uppdaterat: Dina bord och möten – Soteuttamo Kanta-Häme 2026"


def test_the_hash_follows_what_the_reader_sees_and_nothing_else() -> None:
    assert content_hash(content()) == content_hash(content())
    assert content_hash(content()) != content_hash(content(partners=(PEKKA,)))
    assert content_hash(content()) != content_hash(content(email="other@example.fi"))
    assert content_hash(content()) != content_hash(content(language="sv"))


def test_an_address_that_needs_smtputf8_is_refused() -> None:
    with pytest.raises(ValueError, match="needs SMTPUTF8"):
        render_message(content(email="päivi@example.fi"), LINKS, envelope())
    idn = reparse(render_message(content(email="paivi@hyvä.fi"), LINKS, envelope()))
    domain = idn["To"].addresses[0].domain
    assert domain.startswith("xn--") and domain.encode("ascii").decode("idna") == "hyvä.fi"


def test_plain_text_is_wrapped_but_links_never_broken() -> None:
    long_link = "https://k.example.fi/p/" + "x" * 100
    text = tidy_text("word " * 40 + "\n" + long_link + "\n")
    assert all(len(line) <= 76 for line in text.splitlines()[:-1])
    assert long_link in text.splitlines()


def _to_as_a_mail_reader_sees_it(message: EmailMessage) -> tuple[str, str]:
    """The To header decoded per RFC 2047, as mail readers do. (The stdlib's newer header
    parser adds a space between adjacent encoded words inside a long name; the classic
    decoder follows the RFC.)"""
    raw = email.message_from_bytes(message_bytes(message), policy=email.policy.compat32)["To"]
    name, address = parseaddr(raw)  # the structure first: encoded words are plain atoms in it
    return str(make_header(decode_header(name))), address


@settings(deadline=None)  # a whole message per example: slow on a loaded machine
@example("0 000¡¡ࠀࠀࠀࠀࠀࠀࠀࠀࠀࠀ࢘࢘ ¡")  # the standard library's folder dropped its last space
@given(st.text(min_size=1, max_size=60))
def test_any_display_name_survives_the_wire(name: str) -> None:
    message = render_message(content(name=name), LINKS, envelope())
    assert message_bytes(message).isascii()
    assert _to_as_a_mail_reader_sees_it(message) == (header_name(name), "paivi@example.fi")


def test_a_long_finnish_name_survives_the_wire() -> None:
    name = "Anna-Liisa Äijälä-Öhman-Åkerström, hyvinvointialueen kehittämispäällikkö"
    message = render_message(content(name=name), LINKS, envelope())
    assert _to_as_a_mail_reader_sees_it(message) == (name, "paivi@example.fi")


@given(st.text(max_size=300))
def test_calendar_lines_fold_under_75_octets_and_unfold_to_the_original(value: str) -> None:
    line = "SUMMARY:" + escape(value)
    folded = fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    assert "\n" not in escape(value) and "\r" not in escape(value).replace("\\n", "")
