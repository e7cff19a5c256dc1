"""The quality benchmark's own parts (bench/baselines.py, bench/quality.py): BM25 against a
hand computation, baselines that see every field, the metrics on tiny known cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bench.baselines import BM25, bm25_needs_offers, profile_document, tokens
from bench.planted import generate_event
from bench.quality import Scores, gini, methods, oracle, top_k
from matcher.embed import Embedder, HashingEmbedder
from matcher.profile import Profile
from matcher.suggest import SuggestConfig


def test_bm25_matches_a_hand_computation() -> None:
    docs = ["kotihoito yö", "kotihoito kotihoito päivä", "perhetyö"]
    bm = BM25(k1=1.2, b=0.75, prefix=20).fit(docs)
    s = bm.scores(["kotihoito"])[0]
    n, df, avgdl = 3, 2, 2.0
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))

    def weight(tf: int, dl: int) -> float:
        return idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl))

    assert s == pytest.approx([weight(1, 2), weight(2, 3), 0.0])
    assert bm.scores(["kotihoito kotihoito"])[0] == pytest.approx(s), "a query term counts once"
    assert bm.scores(["tuntematon"]).tolist() == [[0.0, 0.0, 0.0]]


def test_tokens_cut_words_to_a_prefix() -> None:
    assert tokens("Kotihoidon YÖpartio, kotihoito!") == ["kotih", "yöpar", "kotih"]


def test_baselines_see_every_field_the_engine_reads() -> None:
    p = Profile(
        id="1",
        organisation="A",
        sector="third_sector",
        region="pirkanmaa",
        description="Yhdistys",
        offers=("vapaaehtoiset",),
        needs=("tilat",),
        themes=("prevention",),
        keywords=("ystävätoiminta",),
        language="sv",
    )
    text = profile_document(p)
    for part in ("Yhdistys", "vapaaehtoiset", "tilat", "ystävätoiminta", "tredje sektorn", "Birkaland"):
        assert part in text


def test_needs_offers_baselines_are_reciprocal() -> None:
    a = Profile(id="a", organisation="A", sector="private", offers=("kotihoito",), needs=("rekrytointi",))
    b = Profile(id="b", organisation="B", sector="public", offers=("rekrytointi",), needs=("kotihoito",))
    c = Profile(id="c", organisation="C", sector="public", offers=("perhetyö",), needs=("kotihoito",))
    s = bm25_needs_offers([a, b, c])
    assert np.allclose(s, s.T) and s[0, 1] > s[0, 2] > 0


def test_top_k_never_lists_the_same_organisation() -> None:
    ps = [Profile(id=str(i), organisation="AB"[i % 2], sector="public") for i in range(4)]
    lists = top_k(np.ones((4, 4)), ps)
    assert all(ps[j].organisation != ps[i].organisation for i, lst in enumerate(lists) for j in lst)
    assert [len(x) for x in lists] == [2, 2, 2, 2]


def test_scores_and_gini_on_known_cases() -> None:
    event = generate_event(6, seed=0)
    index = {p.id: i for i, p in enumerate(event.profiles)}
    perfect = [[index[q] for q in sorted(event.good_partners[p.id])][:5] for p in event.profiles]
    s = Scores()
    s.add(perfect, event, 0.0)
    assert s.recall == [min(1.0, 5 / len(event.good_partners[p.id])) for p in event.profiles]
    assert max(s.rr) == 1.0 and min(s.rr) == 1.0
    assert gini(np.array([2, 2, 2])) == 0.0 and gini(np.array([0, 0, 6])) == pytest.approx(2 / 3)


def test_every_method_gives_k_lists_on_a_small_event() -> None:
    event = generate_event(12, seed=1)
    emb = Embedder(HashingEmbedder(dimension=64), cache_dir=False)
    rows = methods(emb, SuggestConfig(), SuggestConfig(max_per_organisation=None))
    assert len({m.name for m in rows}) == len(rows) and {m.group for m in rows} == {
        "engine",
        "ablation",
        "baseline",
        "exploration",
        "ceiling",
    }
    for m in rows:
        lists = m.sees_labels(event) if m.sees_labels else m.run(event.profiles)
        assert len(lists) == len(event.profiles), m.name
        assert all(len(x) == 5 and len(set(x)) == 5 for x in lists), m.name


def test_the_ceiling_row_finds_every_reachable_partner() -> None:
    """The oracle lists each person's planted partners first: it finds every partner it can
    (hits = min(partners, 5)), so its precision@5 is mean(min(partners, 5)) / 5, the ceiling."""
    events = [generate_event(12, seed=s) for s in (1, 2)]
    s = Scores()
    for event in events:
        lists = oracle(event)
        assert all(len(x) == 5 and len(set(x)) == 5 for x in lists)
        s.add(lists, event, 0.0)
    partners = [len(e.good_partners[p.id]) for e in events for p in e.profiles]
    assert s.recall == [min(1.0, 5 / n) for n in partners]
    assert np.mean(s.precision) == pytest.approx(np.mean([min(n, 5) for n in partners]) / 5)
    assert np.mean(s.precision) < 1.0  # people with fewer than 5 partners cap it below 1
