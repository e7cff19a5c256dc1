"""Header values written as RFC 2047 encoded words by hand, where the standard library's folder
loses text.

Python's header folder (3.11, and at least up to 3.13) splits a long name or subject outside
ASCII into encoded words and drops a space that falls between two of them: a reader sees
``"࢘࢘¡"`` where the name was ``"࢘࢘ ¡"``. A text outside ASCII is therefore written here as
encoded words that each carry whole characters and every space inside them, one to a line, so
that the whitespace a reader discards (RFC 2047 §6.2: between adjacent encoded words) is only
the folding. ASCII text stays with the standard library, which folds it at spaces and quotes
it where needed, and which writes it readable (encoding a plain subject counts against a
message in spam filters).

Example:
    >>> encoded_words("Päivi Öhman")
    ['=?utf-8?b?UMOkaXZpIMOWaG1hbg==?=']
    >>> fold_address("Päivi Öhman", "paivi@example.fi")
    '=?utf-8?b?UMOkaXZpIMOWaG1hbg==?= <paivi@example.fi>'
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from email.headerregistry import Address
from email.message import EmailMessage

LINE = 78
"""The line length RFC 5322 §2.1.1 asks for (the hard limit is 998)."""
WORD_BYTES = 42
"""UTF-8 bytes in one encoded word: 56 base64 characters, a word of 68, so that
``Subject: `` and a word stay within :data:`LINE` (and every word within RFC 2047's 75)."""


def _chunks(text: str) -> Iterator[str]:
    """``text`` cut into runs of whole characters of at most :data:`WORD_BYTES` bytes each."""
    run: list[str] = []
    size = 0
    for char in text:
        width = len(char.encode("utf-8"))
        if run and size + width > WORD_BYTES:
            yield "".join(run)
            run, size = [], 0
        run.append(char)
        size += width
    if run:
        yield "".join(run)


def encoded_words(text: str) -> list[str]:
    """``text`` as base64 encoded words (``=?utf-8?b?...?=``), each of whole characters, that
    decode and join (with nothing between them) back to ``text``.

    Example:
        >>> [len(word) for word in encoded_words("ä" * 30)]
        [68, 36]
    """
    return [f"=?utf-8?b?{base64.b64encode(run.encode('utf-8')).decode('ascii')}?=" for run in _chunks(text)]


def fold_unstructured(text: str) -> str:
    """A subject (or another free-text header) outside ASCII as a raw header value: its
    encoded words, one to a line (``"\\n "`` between them, which the writer turns into CRLF
    and a space).

    Example:
        >>> fold_unstructured("Tervetuloa – Häme")
        '=?utf-8?b?VGVydmV0dWxvYSDigJMgSMOkbWU=?='
    """
    return "\n ".join(encoded_words(text))


def fold_address(display_name: str, addr_spec: str, *, field: str = "To") -> str:
    """``display_name <addr_spec>`` as a raw header value of ``field``, the name as encoded
    words (an encoded word is an atom, so no quoting is needed) and the address on the last
    line when it fits there.

    Example:
        >>> lines = fold_address("Å" * 25, "a@b.fi").splitlines()
        >>> len(lines), lines[1].startswith(" =?utf-8?b?"), lines[1].endswith("?= <a@b.fi>")
        (2, True, True)
    """
    lines = encoded_words(display_name)
    address = f"<{addr_spec}>"
    if not lines:
        return address
    taken = len(field) + 2 if len(lines) == 1 else 1  # "To: " or the folding space
    if taken + len(lines[-1]) + 1 + len(address) <= LINE:
        lines[-1] = f"{lines[-1]} {address}"
    else:
        lines.append(address)
    return "\n ".join(lines)


def set_text(message: EmailMessage, field: str, text: str) -> None:
    """Set a free-text header: ASCII through the standard library, anything else as
    :func:`fold_unstructured` writes it."""
    if text.isascii():
        message[field] = text
    else:
        message.set_raw(field, fold_unstructured(text))


def set_mailbox(message: EmailMessage, field: str, mailbox: Address) -> None:
    """Set an address header of one mailbox: an ASCII name through the standard library (which
    quotes it where needed), any other as :func:`fold_address` writes it.

    Example:
        >>> message = EmailMessage()
        >>> set_mailbox(message, "To", Address("Åsa Öhman", "asa", "example.fi"))
        >>> str(message["To"])
        'Åsa Öhman <asa@example.fi>'
    """
    if mailbox.display_name.isascii():
        message[field] = mailbox
    else:
        message.set_raw(field, fold_address(mailbox.display_name, mailbox.addr_spec, field=field))
