"""Reasons: every kind renders in fi, sv and en with the quoted phrases and taxonomy labels;
1-3 concrete reasons per suggestion; a slow end-to-end check with the real default model."""

from __future__ import annotations

import os

import numpy as np
import pytest

from matcher.affinity import AffinityConfig, affinity
from matcher.profile import Profile
from matcher.reasons import Reason, explain, explain_many
from matcher.suggest import SuggestConfig, suggest
from matcher.taxonomy import REGIONS, THEMES
from tests.test_affinity import EMB, NO_LEX, PHRASES, _ring


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_kind_renders_with_its_quotes_and_labels(language: str) -> None:
    reasons = [
        Reason("they_offer", 1, phrase="kotihoidon yöpartiointi", other="yöhoito"),
        Reason("you_offer", 1, phrase="ruokapalvelu", other="ateriat kotiin"),
        Reason("shared_themes", 1, codes=("digital_services", "productisation")),
        Reason("shared_keywords", 1, codes=("omaishoito", "Kela")),
        Reason("cross_sector", 1, codes=("private", "third_sector")),
        Reason("same_region", 1, codes=("kanta_hame",)),
        Reason("their_offer", 1, phrase="kuljetuspalvelu"),
        Reason("their_work", 1, phrase="Teemme kotihoitoa"),
    ]
    texts = [r.render(language) for r in reasons]
    assert "'kotihoidon yöpartiointi'" in texts[0] and "'yöhoito'" in texts[0]
    assert "'ruokapalvelu'" in texts[1] and "'ateriat kotiin'" in texts[1]
    assert THEMES["digital_services"].label(language) in texts[2]
    assert THEMES["productisation"].label(language) in texts[2]
    assert "omaishoito, Kela" in texts[3]
    assert REGIONS["kanta_hame"].label(language) in texts[5]
    assert "'kuljetuspalvelu'" in texts[6] and "'Teemme kotihoitoa'" in texts[7]
    assert len(set(texts)) == len(texts)


def test_known_renderings() -> None:
    assert Reason("they_offer", 1, phrase="kotihoidon yöpartiointi").render("fi") == (
        "He tarjoavat 'kotihoidon yöpartiointi', jota etsitte"
    )
    assert Reason("shared_themes", 1, codes=("home_care",)).render("sv") == "Gemensamma teman: hemvård"
    assert Reason("cross_sector", 1, codes=("private", "public")).render("en") == (
        "Across sectors: you private sector, they public sector"
    )
    with pytest.raises(ValueError, match="language"):
        Reason("same_region", 1, codes=("kainuu",)).render("de")


def test_shared_themes_keywords_and_both_directions_are_found() -> None:
    a = Profile(
        id="a",
        organisation="A",
        sector="private",
        region="kainuu",
        offers=(PHRASES[0],),
        needs=(PHRASES[1],),
        themes=("home_care", "impact"),
        keywords=("Yöhoito", "kela"),
    )
    b = Profile(
        id="b",
        organisation="B",
        sector="public",
        region="kainuu",
        offers=(PHRASES[1],),
        needs=(PHRASES[0],),
        themes=("impact",),
        keywords=("yöhoito",),
    )
    aff = affinity([a, b, *_ring(10)[2:]], EMB, NO_LEX)
    kinds = {r.kind: r for r in explain(aff, 0, 1, max_reasons=3)}
    assert set(kinds) == {"they_offer", "you_offer", "shared_themes"}
    assert kinds["they_offer"].phrase == PHRASES[1] and kinds["you_offer"].phrase == PHRASES[0]
    everything = explain(aff, 0, 1, max_reasons=3) + explain_many(aff, [(0, 1)], max_reasons=3)[0]
    assert all(r.kind != "shared_keywords" or r.codes == ("Yöhoito",) for r in everything)


def test_unrelated_pair_still_gets_one_concrete_reason() -> None:
    a = Profile(id="a", organisation="A", sector="public")
    b = Profile(id="b", organisation="B", sector="public", description="Kotihoitoa. Myös siivousta")
    c = Profile(id="c", organisation="C", sector="public")
    aff = affinity([a, b, c], EMB, NO_LEX)
    assert [r.render("en") for r in explain(aff, 0, 1)] == ["Their work: 'Kotihoitoa'"]
    assert [r.render("en") for r in explain(aff, 0, 2)] == ["Their work: 'C'"]


def test_each_suggestion_has_one_to_three_reasons_strongest_first() -> None:
    lists = suggest(_ring(12), 3, config=SuggestConfig(affinity=NO_LEX), embedder=EMB)
    for lst in lists:
        for s in lst:
            assert 1 <= len(s.reasons) <= 3
            strengths = [r.strength for r in s.reasons]
            assert strengths == sorted(strengths, reverse=True)


STATEMENT = ("they_offer", "you_offer")


@pytest.fixture(scope="module")
def real_embedder():  # type: ignore[no-untyped-def]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from matcher.embed import Embedder

    return Embedder()


@pytest.mark.slow
def test_real_model_finds_planted_partners_and_quotes_them(real_embedder) -> None:  # type: ignore[no-untyped-def]
    from bench.planted import generate_event

    # Planted themes are noise since issue 14 (drawn apart from the partners), so the theme
    # channel is off here: the test is about the statements. Tiny events vary, so five pooled.
    # Quotes are checked at the previous, looser threshold (planted paraphrases rarely reach the
    # default's 4.8), and the default threshold must quote a subset of them on the same lists.
    config = SuggestConfig(affinity=AffinityConfig(theme_weight=0.0, reason_min_z=2.0))
    strict_config = SuggestConfig(affinity=AffinityConfig(theme_weight=0.0))
    hits, chance = [], []
    for seed in range(5, 10):
        event = generate_event(12, seed=seed)
        lists = suggest(event.profiles, 3, config=config, embedder=real_embedder)
        hits += [
            s.target_id in event.good_partners[p.id]
            for p, lst in zip(event.profiles, lists, strict=True)
            for s in lst
        ]
        chance += [len(event.good_partners[p.id]) / (len(event.profiles) - 1) for p in event.profiles]
        quoted = [r for lst in lists for s in lst for r in s.reasons if r.kind in STATEMENT]
        offers = {o for p in event.profiles for o in p.offers}
        assert quoted and all(r.phrase in offers for r in quoted)
        strict = suggest(event.profiles, 3, config=strict_config, embedder=real_embedder)
        for loose_list, strict_list in zip(lists, strict, strict=True):
            assert [s.target_id for s in strict_list] == [s.target_id for s in loose_list]
            for x, y in zip(loose_list, strict_list, strict=True):
                assert {r for r in y.reasons if r.kind in STATEMENT} <= {
                    r for r in x.reasons if r.kind in STATEMENT
                }
    assert np.mean(hits) > 2 * np.mean(chance)


def test_batch_reasons_equal_one_pair_at_a_time() -> None:
    ps = _ring(10)
    ps[3] = Profile(
        id="p3",
        organisation="Org 3",
        sector="public",
        region="uusimaa",
        offers=(PHRASES[3], PHRASES[5]),
        needs=(PHRASES[4], PHRASES[9]),
        themes=tuple(list(THEMES)[:2]),
        keywords=("Hoiva", "digi"),
    )
    ps[6] = Profile(
        id="p6",
        organisation="Org 6",
        sector="public",
        region="uusimaa",
        offers=(PHRASES[9],),
        themes=tuple(list(THEMES)[1:3]),
        keywords=("hoiva", "robotiikka"),
    )
    aff = affinity(ps, EMB, NO_LEX)
    pairs = [(i, j) for i in range(10) for j in range(10) if i != j]
    batch = explain_many(aff, pairs, max_reasons=3)
    assert batch == [explain(aff, i, j, max_reasons=3) for i, j in pairs]
    kinds = {r.kind for rs in batch for r in rs}
    assert {"they_offer", "you_offer", "shared_themes", "shared_keywords"} <= kinds
