"""The bundled sample event: shape, value conventions and realism of the registration export.

The import of this file is tested by the data layer; here we pin what the file itself promises
(models/sample_data/README.md): Finnish Excel format, the Soteuttamo sector mix, walk-ins,
valid identifiers, known theme labels and varied wording.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from functools import cache
from importlib import resources

import pytest
from email_validator import EmailNotValidError, validate_email

from matcher.taxonomy import REGIONS, THEMES

SAMPLE = resources.files("models") / "sample_data"
CSV_NAME = "soteuttamo_kanta_hame_2026.csv"
JSON_NAME = "soteuttamo_kanta_hame_2026.json"

HEADERS = [
    "Etunimi",
    "Sukunimi",
    "Sähköposti",
    "Rooli",
    "Kieli",
    "Organisaatio",
    "Y-tunnus",
    "Sektori",
    "Maakunta",
    "Kokoluokka",
    "Verkkosivu",
    "Kuvaus",
    "Tarjoamme",
    "Tarvitsemme",
    "Teemat",
    "Avainsanat",
    "Kielet",
    "Sähköpostilupa",
    "Yhteystietolupa",
    "Ilmoittautuminen",
]
ORG_COLUMNS = HEADERS[5:17]  # Organisaatio .. Kielet: repeated identically per person
SECTOR_TARGETS = {  # DOMAIN.md: participants by sector at Soteuttamo 2.0
    "yksityinen": 0.45,
    "julkinen": 0.235,
    "kolmas sektori": 0.235,
    "koulutus ja tutkimus / muu": 0.08,
}


def business_id_is_valid(value: str) -> bool:
    """Finnish Y-tunnus check: weights 7,9,10,5,8,4,2; remainder 1 is never issued."""
    if not re.fullmatch(r"\d{7}-\d", value):
        return False
    digits, check = value[:7], int(value[8])
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return False
    return check == (0 if remainder == 0 else 11 - remainder)


@cache
def _raw() -> bytes:
    return (SAMPLE / CSV_NAME).read_bytes()


@cache
def _rows() -> tuple[dict[str, str], ...]:
    text = _raw().decode("utf-8-sig")
    return tuple(csv.DictReader(text.splitlines(keepends=True), delimiter=";"))


def _orgs() -> dict[str, dict[str, str]]:
    return {row["Organisaatio"]: row for row in _rows()}


def _items(cell: str) -> list[str]:
    return [line.strip() for line in cell.split("\n") if line.strip()]


def test_business_id_check_known_answers() -> None:
    # 1*7 + 2*9 + 3*10 + 4*5 + 5*8 + 6*4 + 7*2 = 153; 153 mod 11 = 10; check 11 - 10 = 1
    assert business_id_is_valid("1234567-1")
    assert not business_id_is_valid("1234567-2")
    # digits 0000006: 6*2 = 12, 12 mod 11 = 1: such numbers are never issued
    assert not business_id_is_valid("0000006-0")
    assert business_id_is_valid("0000000-0")
    assert not business_id_is_valid("1234567")


def test_file_is_finnish_excel_csv() -> None:
    raw = _raw()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, as Finnish Excel writes"
    header = raw.decode("utf-8-sig").split("\r\n", 1)[0]
    assert header.split(";") == HEADERS
    for row in _rows():
        assert None not in row, f"extra cells in row of {row['Sähköposti']}"
        assert all(row[h] is not None for h in HEADERS)


def test_counts_of_people_and_organisations() -> None:
    rows = _rows()
    assert 70 <= len(rows) <= 90
    assert 55 <= len(_orgs()) <= 75
    per_org = Counter(row["Organisaatio"] for row in rows)
    assert max(per_org.values()) <= 3
    assert sum(1 for n in per_org.values() if n > 1) >= 8, "some organisations send 2-3 people"


def test_sector_mix_matches_soteuttamo() -> None:
    rows = _rows()
    counts = Counter(row["Sektori"] for row in rows)
    assert set(counts) <= {"yksityinen", "julkinen", "kolmas sektori", "koulutus ja tutkimus", "muu"}
    counts["koulutus ja tutkimus / muu"] = counts.pop("koulutus ja tutkimus", 0) + counts.pop("muu", 0)
    for sector, target in SECTOR_TARGETS.items():
        share = counts[sector] / len(rows)
        assert abs(share - target) <= 0.03, f"{sector}: {share:.3f} vs {target}"


def test_walk_ins_and_registration_values() -> None:
    values = Counter(row["Ilmoittautuminen"] for row in _rows())
    assert set(values) == {"ennakko", "paikan päällä"}
    assert 12 <= values["paikan päällä"] <= 18


def test_emails_unique_and_valid() -> None:
    emails = [row["Sähköposti"] for row in _rows()]
    assert len(set(e.casefold() for e in emails)) == len(emails)
    for email in emails:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError as exc:  # pragma: no cover - the message names the address
            pytest.fail(f"{email}: {exc}")
        assert email.endswith("-example.fi"), f"{email}: must be under a fictitious domain"


def test_business_ids_valid_and_one_per_organisation() -> None:
    owner: dict[str, str] = {}
    for name, org in _orgs().items():
        bid = org["Y-tunnus"]
        if not bid:
            continue
        assert business_id_is_valid(bid), f"{name}: {bid!r} has a wrong check digit"
        assert owner.setdefault(bid, name) == name, f"{bid} used by {owner[bid]} and {name}"
    assert len(owner) >= 40
    assert any(not org["Y-tunnus"] for org in _orgs().values()), "some units have no business ID"


def test_organisation_columns_repeat_identically() -> None:
    by_org: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for row in _rows():
        by_org[row["Organisaatio"]].add(tuple(row[c] for c in ORG_COLUMNS))
    inconsistent = [name for name, variants in by_org.items() if len(variants) > 1]
    assert not inconsistent


def test_value_domains() -> None:
    region_labels = {label.fi for label in REGIONS.values()}
    for row in _rows():
        who = row["Sähköposti"]
        assert row["Kieli"] in {"fi", "sv", "en"}, who
        assert row["Maakunta"] in region_labels, who
        assert row["Kokoluokka"] in {"mikro", "pieni", "keskisuuri", "suuri"}, who
        assert row["Sähköpostilupa"] in {"kyllä", "ei"}, who
        assert row["Yhteystietolupa"] in {"kyllä", "ei"}, who
        assert set(row["Kielet"].split(", ")) <= {"fi", "sv", "en"}, who
        assert row["Kieli"] in row["Kielet"].split(", "), who
        assert re.fullmatch(r"https://[a-z0-9-]+\.example", row["Verkkosivu"]), who
        assert row["Etunimi"] and row["Sukunimi"] and row["Rooli"] and row["Kuvaus"], who
    consents = Counter(row["Sähköpostilupa"] for row in _rows()) + Counter(
        row["Yhteystietolupa"] for row in _rows()
    )
    assert consents["ei"] >= 2, "a few people decline"
    assert Counter(row["Maakunta"] for row in _rows()).most_common(1)[0][0] == "Kanta-Häme"


def test_theme_labels_known_in_profile_language() -> None:
    for row in _rows():
        known = {label.label(row["Kieli"]) for label in THEMES.values()}
        themes = [t.strip() for t in row["Teemat"].split(",")]
        assert themes and all(themes), row["Sähköposti"]
        unknown = [t for t in themes if t not in known]
        assert not unknown, f"{row['Sähköposti']}: unknown themes {unknown}"


def test_offers_and_needs_are_itemised_and_never_repeated() -> None:
    cells: list[str] = []
    items: list[str] = []
    for name, org in _orgs().items():
        for column in ("Tarjoamme", "Tarvitsemme"):
            found = _items(org[column])
            assert 1 <= len(found) <= 4, f"{name}, {column}: {len(found)} items"
            cells.append(org[column])
            items.extend(item.casefold() for item in found)
    assert len(set(cells)) == len(cells)
    repeated = [item for item, n in Counter(items).items() if n > 1]
    assert not repeated


def test_swedish_and_english_profiles_present() -> None:
    languages = Counter(row["Kieli"] for row in _rows())
    assert 3 <= languages["sv"] <= 8
    assert 2 <= languages["en"] <= 5
    assert languages["fi"] >= 0.8 * len(_rows())
    swedish = next(row for row in _rows() if row["Kieli"] == "sv")
    assert any(ch in swedish["Tarjoamme"] + swedish["Tarvitsemme"] for ch in "åÅ"), "Swedish text"


def test_event_json() -> None:
    event = json.loads((SAMPLE / JSON_NAME).read_text(encoding="utf-8"))
    assert set(event) == {"name", "region", "date", "venue", "themes"}
    assert event["name"] == "Soteuttamo Kanta-Häme 2026"
    assert event["region"] in REGIONS
    assert dt.date.fromisoformat(event["date"]) == dt.date(2026, 12, 3)
    assert "Hämeenlinna" in event["venue"]
    assert event["themes"] and all(code in THEMES for code in event["themes"])
