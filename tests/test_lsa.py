"""LSA through the Gram matrix (matcher/lsa.py): against exact eigen- and singular-value
decompositions on small matrices, and the invariants the lexical channel relies on."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.lsa import OVERSAMPLE, GramLSA, top_eigenpairs
from matcher.statements import CharNgramSpace


def low_rank_psd(n: int, rank: int, seed: int) -> np.ndarray:
    """A PSD matrix of the given rank with eigenvalues rank, rank - 1, ..., 1."""
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((n, rank)))
    return (q * np.arange(rank, 0, -1.0)) @ q.T


@settings(max_examples=40, deadline=None)
@given(n=st.integers(3, 40), seed=st.integers(0, 10_000), data=st.data())
def test_top_eigenpairs_match_a_full_eigendecomposition(n: int, seed: int, data: st.DataObject) -> None:
    """Exact where the oversampled block covers the rank (k + OVERSAMPLE >= rank)."""
    k = data.draw(st.integers(1, n))
    rank = data.draw(st.integers(1, min(n, k + OVERSAMPLE)))
    g = low_rank_psd(n, rank, seed)
    w, u = top_eigenpairs(g, k, n_iter=4, random_state=seed)
    exact = np.sort(np.linalg.eigvalsh(g))[::-1][: min(k, rank)]
    assert w.shape == exact.shape == (min(k, rank),)
    np.testing.assert_allclose(w, exact, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(u.T @ u, np.eye(len(w)), atol=1e-8)
    np.testing.assert_allclose(g @ u, u * w, atol=1e-7)


def test_top_eigenpairs_approximate_the_top_of_a_large_spectrum() -> None:
    """Rank 60 > k + OVERSAMPLE: the randomized answer is close, and closer with more iterations."""
    g = low_rank_psd(80, 60, 7)
    exact = np.arange(60, 0, -1.0)[:5]
    errors = [np.abs(top_eigenpairs(g, 5, n_iter=it)[0] - exact).max() for it in (0, 2, 8)]
    assert errors[2] < errors[0]
    assert errors[2] < 0.05 * exact[-1]


def test_top_eigenpairs_hand_made_diagonal_and_bad_input() -> None:
    w, u = top_eigenpairs(np.diag([1.0, 7.0, 3.0]), 2)
    np.testing.assert_allclose(w, [7.0, 3.0])
    np.testing.assert_allclose(np.abs(u), [[0, 0], [1, 0], [0, 1]], atol=1e-12)
    with pytest.raises(ValueError, match="gram: need a square matrix"):
        top_eigenpairs(np.zeros((2, 3)), 1)
    with pytest.raises(ValueError, match="k: need at least 1"):
        top_eigenpairs(np.eye(2), 0)


def sparse_rows(n: int, m: int, seed: int) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    dense = rng.random((n, m)) * (rng.random((n, m)) < 0.3)
    return sp.csr_matrix(dense)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 25), m=st.integers(2, 30), seed=st.integers(0, 10_000))
def test_gram_lsa_equals_the_truncated_svd(n: int, m: int, seed: int) -> None:
    """The reduced rows are X V for X's top right singular vectors V: their inner products equal
    those of an exact SVD's rank-d reconstruction (sign-free), and corpus rows transform to rows_."""
    x = sparse_rows(n, m, seed)
    dims = min(n, m)
    lsa = GramLSA(dims=dims, n_iter=4, random_state=seed).fit(x)
    _, s, vt = np.linalg.svd(x.toarray(), full_matrices=False)
    keep = s > 1e-6 * max(s.max(initial=0.0), 1e-300)
    exact = x.toarray() @ vt[keep].T
    np.testing.assert_allclose(lsa.rows_ @ lsa.rows_.T, exact @ exact.T, atol=1e-8)
    np.testing.assert_allclose(lsa.transform(x), lsa.rows_, atol=1e-8)


def test_gram_lsa_keeps_the_largest_directions_and_is_deterministic() -> None:
    x = sparse_rows(30, 50, 3)
    lsa = GramLSA(dims=5, random_state=1).fit(x)
    s = np.linalg.svd(x.toarray(), compute_uv=False)
    np.testing.assert_allclose(np.linalg.norm(lsa.rows_, axis=0), s[:5], rtol=1e-3)
    again = GramLSA(dims=5, random_state=1).fit(x)
    assert np.array_equal(lsa.rows_, again.rows_)
    with pytest.raises(ValueError, match="x: need at least one row"):
        GramLSA().fit(sp.csr_matrix((0, 3)))


def test_char_ngram_space_walk_in_rows_match_the_fitted_rows() -> None:
    """A text encoded later (a walk-in's statement) gets the row it would have had in the corpus."""
    texts = [
        "kotihoidon yöpartiointi ikääntyneille",
        "ruokapalvelu kotiin",
        "digitaitojen opastus ikääntyville",
        "kaatumisten ehkäisy ja tasapainoharjoittelu",
        "omaishoitajien vertaistuki",
    ]
    space = CharNgramSpace(dims=4).fit(texts)
    fresh = space._reduce(space.space_.transform(texts))
    np.testing.assert_allclose(fresh, space.encode(texts), atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(space.encode(texts), axis=1), 1.0, atol=1e-5)
    unseen = space.encode(["qqqq zzzz"])
    assert np.all(unseen == 0.0)
