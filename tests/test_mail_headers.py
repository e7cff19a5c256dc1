"""Encoded-word headers: what a reader decodes (RFC 2047, as mail readers do) is exactly the
text that was set, whatever the script or length, in 7-bit lines within 78 characters.

The standard library's own folder fails this (a space between two encoded words is lost);
the examples below are ones hypothesis found against it."""

from __future__ import annotations

import base64
import dataclasses
import email
import email.policy
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr

from hypothesis import example, given, settings
from hypothesis import strategies as st

from api.mail.headers import LINE, encoded_words, fold_address, set_mailbox, set_text
from api.mail.render import header_name, message_bytes, render_message
from api.mail.words import WORDS
from tests.test_mail_render import LINKS, content, envelope

FOUND_NAME = "0 000¡¡ࠀࠀࠀࠀࠀࠀࠀࠀࠀࠀ࢘࢘ ¡"
FOUND_SUBJECT = "0000 00000000000000¡¡¡¡¡¡¡¡¡¡ࠀ\ud7fc¡"
TEXTS = st.text(min_size=1, max_size=120).map(header_name).filter(bool)


def _wire(message: EmailMessage) -> email.message.Message:
    if not message.is_multipart() and not message.get_payload():
        message.set_content("x")
    raw = message_bytes(message)
    assert raw.isascii()
    parsed = email.message_from_bytes(raw, policy=email.policy.compat32)
    return parsed


def _decoded(value: str) -> str:
    return str(make_header(decode_header(value)))


def _header_lines(message: EmailMessage, field: str) -> list[str]:
    head = message_bytes(message).decode("ascii").split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{field}: "))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
    return lines[start:end]


def test_encoded_words_carry_whole_characters_and_every_space() -> None:
    words = encoded_words("Ää " * 20)
    runs = [base64.b64decode(word.removeprefix("=?utf-8?b?").removesuffix("?=")) for word in words]
    assert all(len(word) <= 75 for word in words) and len(words) > 1
    assert "".join(run.decode("utf-8") for run in runs) == "Ää " * 20  # each run decodes alone


def test_an_address_goes_on_its_own_line_when_the_last_word_leaves_no_room() -> None:
    lines = fold_address("Å" * 21, "a" * 40 + "@example.fi").split("\n")
    assert lines[-1] == " <" + "a" * 40 + "@example.fi>"
    assert fold_address("Å", "a@b.fi") == "=?utf-8?b?w4U=?= <a@b.fi>"


@settings(max_examples=200, deadline=None)
@example(FOUND_SUBJECT)
@given(TEXTS)
def test_any_subject_reads_back_as_set(text: str) -> None:
    message = EmailMessage()
    set_text(message, "Subject", text)
    assert _decoded(_wire(message)["Subject"]) == text
    assert all(len(line) <= LINE for line in _header_lines(message, "Subject")) or text.isascii()


@settings(max_examples=200, deadline=None)
@example(FOUND_NAME)
@given(TEXTS)
def test_any_display_name_reads_back_as_set(name: str) -> None:
    message = EmailMessage()
    set_mailbox(message, "To", Address(name, "paivi", "example.fi"))
    display, address = parseaddr(_wire(message)["To"])
    assert (_decoded(display), address) == (name, "paivi@example.fi")
    assert all(len(line) <= LINE for line in _header_lines(message, "To")) or name.isascii()


@settings(max_examples=50, deadline=None)
@example(FOUND_NAME)
@given(TEXTS)
def test_a_sender_name_outside_ascii_survives_the_wire(name: str) -> None:
    quoted = name.replace("\\", "").replace('"', "")  # a quoted string in the setting
    sender = dataclasses.replace(envelope(), sender=f'"{quoted}" <kohtaamo@example.fi>')
    message = render_message(content(), LINKS, sender)
    display, address = parseaddr(_wire(message)["From"])
    assert address == "kohtaamo@example.fi"
    assert _decoded(display) == header_name(quoted)
    assert all(len(line) <= LINE for line in _header_lines(message, "From")) or quoted.isascii()


@settings(max_examples=50, deadline=None)
@example(FOUND_SUBJECT)
@given(TEXTS)
def test_any_event_name_survives_in_the_subject(name: str) -> None:
    event = dataclasses.replace(content().event, name=name)
    message = render_message(content(event=event), LINKS, envelope())
    assert _decoded(_wire(message)["Subject"]) == header_name(WORDS["fi"].subject("before", name))
