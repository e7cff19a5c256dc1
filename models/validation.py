"""Value checks and normal forms shared by the tables' schemas and the spreadsheet import.

Each ``check_*`` function returns the normal form of a valid value and raises
:class:`ValueError` with a message that quotes the bad value, so callers can prefix the
row and field ("row 17, email: 'maija@' is not a valid address").

Example:
    >>> check_business_id("0112038-9")
    '0112038-9'
    >>> normalise_name("  Hoivapalvelu   Aurinko OY ")
    'hoivapalvelu aurinko'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from matcher.taxonomy import LANGUAGES, SECTORS

SIZE_CLASSES: tuple[str, ...] = ("micro", "small", "medium", "large")
EVENT_STATUSES: tuple[str, ...] = ("planning", "live", "closed")
REGISTRATION_SOURCES: tuple[str, ...] = ("pre_registered", "walk_in")
THEME_KINDS: tuple[str, ...] = ("theme", "cooperation_type")

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
_WORD = re.compile(r"\w+")
_SPECIAL_USE = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})
_BUSINESS_ID = re.compile(r"^(\d{6,7})-(\d)$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
# Legal-form words dropped from the end of a name so "Aurinko Oy" and "Aurinko" are one key.
_LEGAL_FORMS = frozenset({"oy", "oyj", "ab", "abp", "ry", "rf", "ky", "ay", "tmi", "sr", "osk", "ltd", "inc"})


def business_id_check_digit(digits: str) -> int | None:
    """The check digit of the seven first digits of a Y-tunnus, or None if none exists.

    A remainder of 1 gives no valid check digit: such numbers are never issued.

    Example:
        >>> business_id_check_digit("0112038")
        9
    """
    if len(digits) != 7 or not digits.isdigit():
        raise ValueError(f"business_id: {digits!r} must be seven digits")
    remainder = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    if remainder == 0:
        return 0
    if remainder == 1:
        return None
    return 11 - remainder


def check_business_id(value: str) -> str:
    """Return the normal form ``NNNNNNN-C`` of a Finnish business ID (Y-tunnus).

    Spaces are ignored; old six-digit IDs get their leading zero back. The check digit
    must match, so typos are caught at the door.

    Example:
        >>> check_business_id(" 112038-9")
        '0112038-9'
    """
    compact = re.sub(r"\s+", "", value)
    match = _BUSINESS_ID.match(compact)
    if match is None:
        raise ValueError(f"{value!r} is not a business ID of the form 1234567-8")
    digits = match.group(1).zfill(7)
    expected = business_id_check_digit(digits)
    if expected is None or expected != int(match.group(2)):
        raise ValueError(f"{value!r} is not a valid business ID (check digit does not match)")
    return f"{digits}-{match.group(2)}"


def check_email(value: str) -> str:
    """Return the e-mail address, trimmed and lower-cased (it is the key of a person).

    Example:
        >>> check_email(" Maija.Meikalainen@Example.FI ")
        'maija.meikalainen@example.fi'
    """
    text = value.strip()
    if _is_plain_email(text):  # the common case, 20x faster than the full check below
        return text.lower()
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValueError(f"{value!r} is not a valid address") from None
    return text.lower()


def _is_plain_email(text: str) -> bool:
    """True for plain ASCII addresses that the full validator certainly accepts.

    Anything unusual (IDN, ``--`` labels, special-use domains, quotes) goes to the full check.
    """
    if len(text) > 254 or "--" in text or _PLAIN_EMAIL.fullmatch(text) is None:
        return False
    local, domain = text.rsplit("@", 1)
    last = domain.rsplit(".", 1)[-1].lower()
    return len(local) <= 64 and last not in _SPECIAL_USE


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """The key that makes spellings of one organisation's name equal.

    Case, accents kept (ä is not a), punctuation, repeated spaces and a trailing legal
    form (Oy, Ab, ry ...) are ignored.

    Example:
        >>> normalise_name("Kehitys-Aurinko ry.")
        'kehitys aurinko'
    """
    text = unicodedata.normalize("NFC", name).casefold()
    words = _WORD.findall(text)
    while len(words) > 1 and words[-1] in _LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def check_choice(value: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``; otherwise raise naming the choices.

    Example:
        >>> check_choice("sv", ("fi", "sv", "en"))
        'sv'
    """
    if value not in choices:
        raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
    return value


def check_sector(value: str) -> str:
    """A sector code of :data:`matcher.taxonomy.SECTORS`."""
    return check_choice(value, SECTORS)


def check_language(value: str) -> str:
    """A language code: fi, sv or en."""
    return check_choice(value, tuple(LANGUAGES))
