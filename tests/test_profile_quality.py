"""Thin-profile flags: hand-made profiles with known answers, and invariants over any profile."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.profile import Profile
from matcher.profile_quality import FLAGS, profile_flags, word_count

DESCRIPTION = "Yhdistys järjestää vertaistukea ja neuvontaa omaishoitajille."


def make(**fields: object) -> Profile:
    base: dict[str, object] = {
        "id": "1",
        "organisation": "1",
        "sector": "third_sector",
        "description": DESCRIPTION,
        "offers": ("vertaistukiryhmät omaishoitajille",),
        "needs": ("tiloja ryhmille",),
        "themes": ("home_care",),
    }
    base.update(fields)
    return Profile(**base)  # type: ignore[arg-type]


def test_a_full_profile_has_no_flags() -> None:
    assert profile_flags(make()) == []


def test_an_empty_profile_has_every_flag_but_the_one_word_ones() -> None:
    empty = Profile(id="9", organisation="person:9", sector="other")
    assert profile_flags(empty) == ["no_offers", "no_needs", "no_themes", "short_description"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"needs": ()}, ["no_needs"]),
        ({"offers": ()}, ["no_offers"]),
        ({"themes": ()}, ["no_themes"]),
        ({"offers": ("kotihoito",)}, ["one_word_offers"]),
        ({"offers": ("kotihoito", "kuntoutus")}, ["one_word_offers"]),
        ({"offers": ("kotihoito", "yöpartiointi ikäihmisille")}, []),
        ({"offers": ("IT-tuki",)}, ["one_word_offers"]),
        ({"needs": ("  rahoitus ",)}, ["one_word_needs"]),
        ({"description": ""}, ["short_description"]),
        ({"description": "Pieni yritys Hämeenlinnassa."}, ["short_description"]),
        ({"description": "Pieni kotihoidon yritys keskellä Hämeenlinnaa."}, []),
        ({"needs": (), "themes": (), "offers": ("siivous",)}, ["no_needs", "one_word_offers", "no_themes"]),
    ],
)
def test_each_gap_is_named(fields: dict[str, object], expected: list[str]) -> None:
    assert profile_flags(make(**fields)) == expected


def test_the_description_threshold_is_a_parameter() -> None:
    short = make(description="Pieni yritys.")
    assert profile_flags(short, short_description_words=2) == []
    assert profile_flags(short, short_description_words=3) == ["short_description"]
    assert profile_flags(make(description=""), short_description_words=0) == []
    with pytest.raises(ValueError, match="short_description_words: must be at least 0"):
        profile_flags(short, short_description_words=-1)


def test_words_are_runs_without_white_space() -> None:
    assert word_count("") == 0
    assert word_count("kotihoito") == 1
    assert word_count("sosiaali- ja terveyspalvelut\nHämeessä") == 4


statements = st.lists(st.text(alphabet="ab -", max_size=8), max_size=3).map(tuple)


@given(
    offers=statements,
    needs=statements,
    themes=st.lists(st.sampled_from(["home_care", "impact", "recruitment"]), max_size=2, unique=True),
    description=st.text(alphabet="ab \n", max_size=20),
)
def test_flags_are_known_ordered_and_agree_with_the_fields(
    offers: tuple[str, ...], needs: tuple[str, ...], themes: list[str], description: str
) -> None:
    profile = make(offers=offers, needs=needs, themes=tuple(themes), description=description)
    flags = profile_flags(profile)
    assert flags == [code for code in FLAGS if code in flags]
    assert ("no_offers" in flags) == (not offers)
    assert ("no_needs" in flags) == (not needs)
    assert ("no_themes" in flags) == (not themes)
    assert not {"no_offers", "one_word_offers"} <= set(flags)
    assert ("one_word_offers" in flags) == (bool(offers) and all(len(o.split()) <= 1 for o in offers))
    # A longer description can only clear the description flag, never raise another.
    richer = profile_flags(make(offers=offers, needs=needs, themes=tuple(themes), description=DESCRIPTION))
    assert set(richer) == set(flags) - {"short_description"}
