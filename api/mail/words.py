"""The words the e-mail templates share, in Finnish, Swedish and English: subjects, labels,
and how dates and times are written (Finnish ``klo 13.00``, Swedish ``kl. 13.00``, English
``13:00``). The prose of each message is in the templates themselves.

Example:
    >>> import datetime as dt
    >>> WORDS["fi"].subject("before", "Soteuttamo")
    'Ihmiset, jotka kannattaa tavata – Soteuttamo'
    >>> WORDS["en"].day(dt.date(2026, 12, 3)), WORDS["sv"].day(dt.date(2026, 12, 3))
    ('3 December 2026', '3.12.2026')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

_MONTHS_EN = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


@dataclass(frozen=True)
class Words:
    """One language's words for the messages."""

    language: str
    subjects: tuple[tuple[str, str], ...]
    updated: str
    organisation: str
    sector: str
    reasons: str
    contact: str
    partners_before: str
    partners_live: str
    where: str
    my_seats: str
    my_meetings: str
    round: str
    table: str
    meeting_table: str
    no_meeting: str
    page: str
    feedback: str
    unsubscribe: str
    calendar_note: str
    calendar_summary: str
    calendar_cancelled: str
    at: str
    time_separator: str
    followup: str

    def subject(self, kind: str, event_name: str, *, updated: bool = False) -> str:
        """The subject of a ``kind`` message about ``event_name``."""
        text = dict(self.subjects)[kind].format(event=event_name)
        return f"{self.updated}: {text}" if updated else text

    def day(self, value: dt.date) -> str:
        """A date as the language writes it."""
        if self.language == "en":
            return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
        return f"{value.day}.{value.month}.{value.year}"

    def clock(self, value: dt.datetime) -> str:
        """A time of day (``13.00`` or ``13:00``)."""
        return f"{value.hour:02d}{self.time_separator}{value.minute:02d}"

    def span(self, starts: dt.datetime | None, ends: dt.datetime | None) -> str:
        """``klo 13.00–13.45``, or empty without times."""
        if starts is None or ends is None:
            return ""
        at = f"{self.at} " if self.at else ""
        return f"{at}{self.clock(starts)}–{self.clock(ends)}"


WORDS: dict[str, Words] = {
    "fi": Words(
        language="fi",
        subjects=(
            ("before", "Ihmiset, jotka kannattaa tavata – {event}"),
            ("live", "Pöytäsi ja tapaamisesi – {event}"),
            ("feedback", "Kiitos osallistumisesta – kerro palautteesi: {event}"),
            ("followup", "Syntyikö yhteistyötä? Seurantakysely – {event}"),
        ),
        updated="Päivitetty",
        organisation="Organisaatio",
        sector="Sektori",
        reasons="Miksi",
        contact="Yhteystiedot",
        partners_before="Ihmiset, jotka kannattaa tavata",
        partners_live="Ihmiset, jotka kannattaa tavata, ja mistä heidät löytää",
        where="Missä",
        my_seats="Pöytäsi työpajakierroksilla",
        my_meetings="Kahdenkeskiset tapaamisesi",
        round="Kierros",
        table="pöytä",
        meeting_table="tapaamispöytä",
        no_meeting="ei tapaamista tällä kierroksella",
        page="Oma sivusi",
        feedback="Palautelomake",
        unsubscribe="Peru sähköpostit",
        calendar_note="Tapaamiset ovat liitteenä kalenterimerkintöinä (kohtaamo.ics).",
        calendar_summary="Tapaaminen",
        calendar_cancelled="Peruttu",
        at="klo",
        time_separator=".",
        followup="Seurantakysely",
    ),
    "sv": Words(
        language="sv",
        subjects=(
            ("before", "Personer som du borde träffa – {event}"),
            ("live", "Dina bord och möten – {event}"),
            ("feedback", "Tack för att du deltog – ge oss respons: {event}"),
            ("followup", "Blev det samarbete? Uppföljning – {event}"),
        ),
        updated="Uppdaterat",
        organisation="Organisation",
        sector="Sektor",
        reasons="Varför",
        contact="Kontaktuppgifter",
        partners_before="Personer som du borde träffa",
        partners_live="Personer som du borde träffa, och var du hittar dem",
        where="Var",
        my_seats="Ditt bord i workshoprundorna",
        my_meetings="Dina möten på tu man hand",
        round="Runda",
        table="bord",
        meeting_table="mötesbord",
        no_meeting="inget möte den här rundan",
        page="Din egen sida",
        feedback="Responsformulär",
        unsubscribe="Avsluta e-postmeddelanden",
        calendar_note="Mötena finns som kalenderposter i bilagan (kohtaamo.ics).",
        calendar_summary="Möte",
        calendar_cancelled="Inställt",
        at="kl.",
        time_separator=".",
        followup="Uppföljning",
    ),
    "en": Words(
        language="en",
        subjects=(
            ("before", "People you should meet at {event}"),
            ("live", "Your tables and meetings at {event}"),
            ("feedback", "Thank you for coming – tell us how it went: {event}"),
            ("followup", "Did cooperation come of it? Follow-up – {event}"),
        ),
        updated="Updated",
        organisation="Organisation",
        sector="Sector",
        reasons="Why",
        contact="Contact",
        partners_before="People you should meet",
        partners_live="People you should meet, and where to find them",
        where="Where",
        my_seats="Your workshop tables",
        my_meetings="Your one-to-one meetings",
        round="Round",
        table="table",
        meeting_table="meeting table",
        no_meeting="no meeting this round",
        page="Your own page",
        feedback="Feedback form",
        unsubscribe="Unsubscribe",
        calendar_note="Your meetings are attached as calendar entries (kohtaamo.ics).",
        calendar_summary="Meeting",
        calendar_cancelled="Cancelled",
        at="",
        time_separator=":",
        followup="Follow-up form",
    ),
}
"""The words of each language the service speaks (the keys are :data:`matcher.taxonomy.LANGUAGES`)."""
