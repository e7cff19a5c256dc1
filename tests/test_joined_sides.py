"""The joined-sides channel of complementarity (AffinityConfig.joined_weight): a profile's needs
embedded as one text against another's offers as one text, added in z units to each need's best
statement match. Hand-made vectors with known answers, a brute-force reference, the walk-in path
and clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.affinity import affinity, affinity_from_vectors
from matcher.affinity_config import AffinityConfig
from matcher.live import LiveAffinity
from matcher.profile import Profile
from matcher.statements import Statements, Vectors, encode_statements, join_side

NO_LEX = AffinityConfig(lexical_weight=0.0)


class TableEncoder:
    """Vectors looked up from a dict (unit rows); unknown texts get a fixed unrelated direction."""

    def __init__(self, table: dict[str, list[float]], dim: int):
        self.table, self.dim = table, dim

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = [np.asarray(self.table.get(t, [0.0] * (self.dim - 1) + [1.0]), np.float32) for t in texts]
        m = np.vstack(rows)
        return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_join_side_and_statements_carry_one_text_per_side() -> None:
    p = Profile(id="a", organisation="A", sector="public", needs=("x", " ", "y"), offers=())
    st_ = Statements.of([p])
    assert st_.joined_needs == ("x. y",) and st_.joined_offers == ("",)
    assert join_side([]) == ""
    assert "x. y" in st_.all_texts() and "x. y" not in st_.all_texts(joined=False)


def event() -> tuple[list[Profile], TableEncoder]:
    """A needs two things that only B offers as a whole; C offers a look-alike of one of them.

    Statement by statement, C's offer is as close to A's first need as B's is; as whole sides,
    B's offers are A's needs and C's are not, so the joined channel must rank B above C."""
    people = [
        Profile(id="a", organisation="A", sector="public", needs=("n1", "n2")),
        Profile(id="b", organisation="B", sector="private", offers=("b1", "b2")),
        Profile(id="c", organisation="C", sector="private", offers=("c1", "c2")),
        Profile(id="d", organisation="D", sector="third_sector", offers=("d1",), needs=("dn",)),
    ]
    e = np.eye(6)
    table = {
        "n1": e[0] + 0.2 * e[1],
        "n2": e[2] + 0.2 * e[3],
        "b1": e[0] + 0.2 * e[3],
        "b2": e[4] + 0.2 * e[5],
        "c1": e[0] + 0.2 * e[3],
        "c2": e[4] + 0.2 * e[1],
        "d1": e[5],
        "dn": e[4],
        "n1. n2": e[1] + e[2],
        "b1. b2": e[1] + e[2] + 0.1 * e[0],
        "c1. c2": e[4] + e[5],
    }
    return people, TableEncoder({k: list(v) for k, v in table.items()}, 6)


def test_joined_sides_rank_the_whole_match_above_the_look_alike() -> None:
    people, enc = event()
    off = affinity(people, enc, AffinityConfig(lexical_weight=0.0, joined_weight=0.0))
    on = affinity(people, enc, NO_LEX)
    c_off, c_on = off.components["complementarity"], on.components["complementarity"]
    assert c_off[0, 1] == pytest.approx(c_off[0, 2], abs=1e-6)  # statement by statement: a tie
    assert c_on[0, 1] > c_on[0, 2] + 0.01  # whole sides break it for B
    assert c_on[1, 0] == 0.0 and c_on[0, 0] == 0.0  # B has no needs; nobody meets themselves


def brute_force_complementarity(profiles: list[Profile], v: Vectors, config: AffinityConfig) -> np.ndarray:
    """Entry [i, j] recomputed pair by pair from the scorer's own calibration."""
    aff = affinity_from_vectors(profiles, v, None, config)
    sc = aff.scorer
    st_ = sc.statements
    n = len(profiles)
    out = np.zeros((n, n))
    jn = sc.joined
    assert jn is not None and v.joined_needs is not None and v.joined_offers is not None
    (mu_j, sd_j), (mu_jf, sd_jf) = jn.channel_stats[0], jn.fused_stats
    (mu_s, sd_s), (mu_sf, sd_sf) = sc.need_offer.channel_stats[0], sc.need_offer.fused_stats
    for i in range(n):
        for j in range(n):
            needs = np.flatnonzero(st_.need_owner == i)
            offers = np.flatnonzero(st_.offer_owner == j)
            if not len(needs) or not len(offers):
                continue
            zj = ((v.joined_needs[i] @ v.joined_offers[j] - mu_j) / sd_j - mu_jf) / sd_jf
            best = []
            for r in needs:
                z = max(((v.needs[r] @ v.offers[c] - mu_s) / sd_s - mu_sf) / sd_sf for c in offers)
                z += config.joined_weight * zj
                best.append(1 / (1 + np.exp(-(z - config.calibration_center) / config.calibration_scale)))
            w = config.need_max_weight
            out[i, j] = (1 - w) * np.mean(best) + w * np.max(best)
    return out


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), weight=st.sampled_from([0.5, 1.0, 2.0]))
def test_complementarity_matches_a_pair_by_pair_reference(seed: int, weight: float) -> None:
    rng = np.random.default_rng(seed)
    profiles = [
        Profile(
            id=f"p{i}",
            organisation=f"O{i}",
            sector="public",
            needs=tuple(f"n{i}-{k}" for k in range(int(rng.integers(0, 3)))),
            offers=tuple(f"o{i}-{k}" for k in range(int(rng.integers(0, 3)))),
        )
        for i in range(6)
    ]
    st_ = Statements.of(profiles)

    def unit(rows: int) -> np.ndarray:
        m = rng.normal(size=(rows, 5)).astype(np.float32)
        return m / np.linalg.norm(m, axis=1, keepdims=True)

    v = Vectors(unit(len(st_.needs)), unit(len(st_.offers)), unit(6), unit(6), unit(6))
    config = AffinityConfig(lexical_weight=0.0, joined_weight=weight)
    got = affinity_from_vectors(profiles, v, None, config).components["complementarity"]
    np.testing.assert_allclose(got, brute_force_complementarity(profiles, v, config), atol=2e-5)


def test_missing_joined_vectors_are_an_error_unless_the_channel_is_off() -> None:
    people, enc = event()
    st_ = Statements.of(people)
    v = encode_statements(st_, enc, joined=False)
    assert v.joined_needs is None
    with pytest.raises(ValueError, match="dense: no vectors of the joined sides"):
        affinity_from_vectors(people, v, None, NO_LEX)
    aff = affinity_from_vectors(people, v, None, AffinityConfig(lexical_weight=0.0, joined_weight=0.0))
    assert aff.matrix.shape == (4, 4)
    bad = Vectors(v.needs, v.offers, v.texts, v.texts[:2], v.texts[:2])
    with pytest.raises(ValueError, match="2 rows of joined_needs, expected one per profile"):
        affinity_from_vectors(people, bad, None, NO_LEX)
    with pytest.raises(ValueError, match="joined_weight"):
        AffinityConfig(joined_weight=-1.0)


def test_a_walk_in_gets_the_joined_channel_too() -> None:
    people, enc = event()
    live = LiveAffinity(people[1:], enc, NO_LEX)
    live.add(people[0])
    walked = live.affinity
    rows = np.arange(4, dtype=np.int64)
    np.testing.assert_allclose(
        walked.components["complementarity"], walked.scorer.complementarity(rows, rows), atol=1e-6
    )
    c = walked.components["complementarity"]
    a = walked.ids.index("a")
    assert c[a, walked.ids.index("b")] > c[a, walked.ids.index("c")]
