"""One participant's e-mail, rendered: content in, a multipart :class:`~email.message.EmailMessage`
out (plain text and HTML from the Jinja2 templates of the reader's language, and for 1:1
meetings with times an ``.ics`` attachment). Pure: no database, no network, no clock.

Headers are written without SMTPUTF8: names and subjects with ä, ö and å go out as RFC 2047
encoded words (:mod:`api.mail.headers`), bodies as quoted-printable UTF-8, so the whole
message is 7-bit ASCII and any server takes it.

Example:
    >>> import datetime as dt
    >>> from api.mail.content import EventInfo
    >>> content = MailContent(kind="feedback", language="fi", person_id=2, name="Päivi Öhman",
    ...     email="paivi@example.fi", event=EventInfo(1, "Soteuttamo Häme", date=None, venue=""))
    >>> links = Links(page="https://k.fi/p/T", feedback="https://k.fi/p/T/feedback", unsubscribe="https://k.fi/unsubscribe/T")
    >>> envelope = Envelope(sender="Kohtaamo <k@k.fi>", message_id="<1@k.fi>",
    ...                     date=dt.datetime(2026, 12, 4, tzinfo=dt.UTC), calendar_host="k.fi")
    >>> message = render_message(content, links, envelope)
    >>> str(message["To"]), message["List-Unsubscribe"]
    ('Päivi Öhman <paivi@example.fi>', '<https://k.fi/unsubscribe/T>')
    >>> message_bytes(message).isascii()
    True
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from api.mail.calendar import METHOD, CalendarEntry, calendar_uid, ics
from api.mail.content import Envelope, Links, MailContent, Meeting, Slot
from api.mail.headers import fold_address, set_mailbox, set_text
from api.mail.words import WORDS, Words
from matcher.taxonomy import SECTOR_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"
WIDTH = 76
CALENDAR_FILE = "kohtaamo.ics"
WIRE = SMTP.clone(refold_source="none")
"""How messages are written: CRLF, 7-bit, and a raw header (a long link) never refolded."""


@dataclass(frozen=True)
class RenderedParts:
    """A message's subject, plain text, HTML and calendar file (``None`` without one)."""

    subject: str
    text: str
    html: str
    calendar: str | None


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The templates' environment: HTML escaped, plain text not, unknown names an error."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _wrap(line: str) -> str:
    if len(line) <= WIDTH or "://" in line:
        return line
    indent = line[: len(line) - len(line.lstrip())]
    more = indent + ("  " if indent else "")
    return textwrap.fill(line, WIDTH, subsequent_indent=more, break_long_words=False, break_on_hyphens=False)


def tidy_text(text: str) -> str:
    """Plain text as mail readers like it: lines wrapped at 76 characters (links never
    broken), no trailing spaces except the ``-- `` signature mark, at most one blank line
    in a row.

    Example:
        >>> tidy_text("a  \\n\\n\\n\\nb\\n-- \\n")
        'a\\n\\nb\\n-- \\n'
    """
    lines = [line if line == "-- " else line.rstrip() for line in text.splitlines()]
    joined = "\n".join(_wrap(line) for line in lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", joined) + "\n"


def _when(content: MailContent, words: Words) -> str:
    bits = [words.day(content.event.date)] if content.event.date else []
    if content.event.venue:
        bits.append(content.event.venue)
    return f" ({', '.join(bits)})" if bits else ""


def _meeting_rows(content: MailContent) -> list[tuple[Slot, Meeting | None]]:
    rows: list[tuple[Slot, Meeting | None]] = [(m.slot, m) for m in content.meetings]
    rows += [(slot, None) for slot in content.no_meeting]
    return sorted(rows, key=lambda row: row[0].round)


def calendar_rounds(content: MailContent) -> tuple[int, ...]:
    """The rounds whose meetings go into the reader's calendar (those with times)."""
    if content.kind != "live":
        return ()
    return tuple(m.slot.round for m in content.meetings if m.slot.starts is not None)


def calendar_entries(content: MailContent, envelope: Envelope, words: Words) -> list[CalendarEntry]:
    """The reader's 1:1 meetings with times as calendar entries, and a cancelled entry for
    each round an earlier message put in their calendar that has no meeting now."""
    event = content.event
    entries = []
    for slot, meeting in _meeting_rows(content):
        if slot.starts is None or slot.ends is None:
            continue
        if meeting is None and slot.round not in envelope.earlier_rounds:
            continue
        uid = calendar_uid(
            event_id=event.event_id,
            person_id=content.person_id,
            round_number=slot.round,
            host=envelope.calendar_host,
        )
        if meeting is None:
            summary = f"{words.calendar_cancelled}: {words.calendar_summary} ({event.name})"
            entries.append(CalendarEntry(uid, slot.starts, slot.ends, summary, event.venue, cancelled=True))
            continue
        names = ", ".join(p.name for p in meeting.people)
        where = ", ".join(x for x in (event.venue, f"{words.meeting_table} {meeting.table}") if x)
        description = "\n".join(
            f"{p.name} ({p.organisation})" if p.organisation else p.name for p in meeting.people
        )
        summary = f"{words.calendar_summary}: {names} ({event.name})"
        entries.append(CalendarEntry(uid, slot.starts, slot.ends, summary, where, description))
    return entries


def _sector(words: Words) -> Any:
    return lambda code: SECTOR_LABELS[code].label(words.language)


def render_parts(content: MailContent, links: Links, envelope: Envelope) -> RenderedParts:
    """Subject, plain text, HTML and calendar file of ``content`` in the reader's language."""
    words = WORDS.get(content.language)
    if words is None:
        raise ValueError(f"language: {content.language!r} is not one of {', '.join(WORDS)}")
    subject = words.subject(content.kind, content.event.name, updated=envelope.updated)
    entries = calendar_entries(content, envelope, words) if content.kind == "live" else []
    context = {
        "c": content,
        "w": words,
        "links": links,
        "subject": subject,
        "when": _when(content, words),
        "sector": _sector(words),
        "meeting_rows": _meeting_rows(content),
        "calendar": bool(entries),
    }
    env = environment()
    name = f"{content.language}/{content.kind}"
    text = tidy_text(env.get_template(f"{name}.txt.j2").render(context))
    html = env.get_template(f"{name}.html.j2").render(context)
    calendar = ics(entries, sequence=envelope.sequence, stamp=envelope.date) if entries else None
    return RenderedParts(subject=subject, text=text, html=html, calendar=calendar)


def header_name(name: str) -> str:
    """A name as a header can hold it: one line, single spaces, no control characters.

    Example:
        >>> header_name(" Maija\\t Meikäläinen\\n")
        'Maija Meikäläinen'
    """
    return " ".join("".join(c if c.isprintable() else " " for c in name).split())


def mail_address(name: str, email: str) -> Address:
    """``name <email>`` as a header address; the domain goes out in IDNA form. A local part
    outside ASCII would need SMTPUTF8, which these messages never use: that is an error.

    Example:
        >>> str(mail_address("Åsa", "asa@bär.fi"))
        'Åsa <asa@xn--br-via.fi>'
    """
    local, _, domain = email.rpartition("@")
    if not local or not domain:
        raise ValueError(f"email: {email!r} is not an address")
    if not local.isascii():
        raise ValueError(f"email: {email!r} has non-ASCII letters before the @ (needs SMTPUTF8)")
    domain = domain.encode("idna").decode("ascii")
    return Address(display_name=header_name(name), username=local, domain=domain)


def render_message(content: MailContent, links: Links, envelope: Envelope) -> EmailMessage:
    """``content`` as one e-mail: multipart/alternative (text, HTML), inside multipart/mixed
    with ``kohtaamo.ics`` when the reader has 1:1 meetings with times; personal links and
    the one-click unsubscribe (RFC 8058) in the headers and the body."""
    parts = render_parts(content, links, envelope)
    message = EmailMessage()
    sender_name, sender_address = parseaddr(envelope.sender)
    if sender_name.isascii() or "@" not in sender_address:
        message["From"] = envelope.sender
    else:
        message.set_raw("From", fold_address(header_name(sender_name), sender_address, field="From"))
    set_mailbox(message, "To", mail_address(content.name, content.email))
    set_text(message, "Subject", header_name(parts.subject))
    message["Date"] = format_datetime(envelope.date)
    message["Message-ID"] = envelope.message_id
    # A link is one token that cannot be folded; set raw, it is written as it is (under 998).
    message.set_raw("List-Unsubscribe", f"<{links.unsubscribe}>")
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    for name, value in envelope.extra_headers:
        message[name] = value
    message.set_content(parts.text, cte="quoted-printable")
    message.add_alternative(parts.html, subtype="html", cte="quoted-printable")
    if parts.calendar is not None:
        message.add_attachment(
            parts.calendar,
            subtype="calendar",
            filename=CALENDAR_FILE,
            params={"method": METHOD},
            cte="quoted-printable",
        )
    message["Content-Language"] = content.language  # after the body: set_content clears Content-*
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message as it goes over SMTP (CRLF line ends; headers set raw stay as set)."""
    return message.as_bytes(policy=WIRE)
