"""Character n-grams within word boundaries, TF-IDF weighted: a fast twin of scikit-learn's ``char_wb``.

:class:`CharWbTfidf` gives the matrix of ``TfidfVectorizer(analyzer="char_wb", ngram_range=...,
sublinear_tf=True, lowercase=True, norm="l2", dtype=np.float32)`` (same vocabulary, same column
order, same values to 1e-6), but cuts the n-grams of each *distinct* word once: statements repeat
their words, and scikit-learn cuts every occurrence in Python. The document-term counts are one
sparse product, (documents x distinct words) @ (distinct words x n-grams).

Example:
    >>> tfidf = CharWbTfidf(ngram_range=(3, 4)).fit(["kotihoito", "kotihoidon tuki"])
    >>> tfidf.transform(["kotihoito"]).shape
    (1, 32)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import repeat

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from matcher.encoders.base import check_texts

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

_WHITE_SPACES = re.compile(r"\s\s+")  # as scikit-learn's _VectorizerMixin._white_spaces


def _checked_range(ngram_range: tuple[int, int]) -> tuple[int, int]:
    """``ngram_range`` as two ints ``1 <= min_n <= max_n``, or a ValueError naming it."""
    ok = (
        isinstance(ngram_range, tuple)
        and len(ngram_range) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in ngram_range)
        and 1 <= ngram_range[0] <= ngram_range[1]
    )
    if not ok:
        raise ValueError(
            f"ngram_range: need a tuple (min_n, max_n) of ints with 1 <= min_n <= max_n, got {ngram_range!r}"
        )
    return ngram_range[0], ngram_range[1]


def word_ngrams(word: str, ngram_range: tuple[int, int] = (3, 5)) -> list[str]:
    """The n-grams scikit-learn's ``char_wb`` analyzer cuts from one (lowercased) word.

    The word is padded with one space on each side; for each n in the range come all its
    n-grams, except that a padded word no longer than n gives itself once and ends the loop.

    Example:
        >>> word_ngrams("ab", (3, 5))
        [' ab', 'ab ', ' ab ']
        >>> word_ngrams("koti", (5, 6))
        [' koti', 'koti ', ' koti ']
    """
    min_n, max_n = _checked_range(ngram_range)
    return _cut(word, min_n, max_n)


def _cut(word: str, min_n: int, max_n: int) -> list[str]:
    padded = " " + word + " "
    size = len(padded)
    grams: list[str] = []
    for n in range(min_n, max_n + 1):
        if size <= n:
            grams.append(padded)
            break
        grams.extend([padded[i : i + n] for i in range(size - n + 1)])
    return grams


def text_words(text: str) -> list[str]:
    """The words of ``text`` as ``char_wb`` sees them: lowercased, split on whitespace.

    Example:
        >>> text_words("Kotihoito  ja\\tYÖPARTIO")
        ['kotihoito', 'ja', 'yöpartio']
    """
    return _WHITE_SPACES.sub(" ", text.lower()).split()


def _doc_words(texts: Sequence[str]) -> tuple[list[str], sp.csr_matrix]:
    """Distinct words (first-seen order) and the (texts x words) occurrence counts.

    A word repeated within a text is a repeated entry of its row: the sparse product that
    consumes the matrix sums repeated entries, so they are never merged here.
    """
    per_text = [text_words(t) for t in texts]
    tokens = [w for words in per_text for w in words]
    index = {w: i for i, w in enumerate(dict.fromkeys(tokens))}
    cols = np.fromiter(map(index.__getitem__, tokens), dtype=np.int64, count=len(tokens))
    indptr = _indptr(len(w) for w in per_text)
    counts = sp.csr_matrix(
        (np.ones(len(tokens), dtype=np.float64), cols, indptr), shape=(len(per_text), len(index))
    )
    return list(index), counts


def _indptr(lengths: Iterable[int]) -> IntArray:
    """CSR row pointers for rows of the given lengths."""
    return np.concatenate(([0], np.cumsum(np.fromiter(lengths, dtype=np.int64)))).astype(np.int64)


def _word_grams(
    words: list[str], vocabulary: dict[str, int] | None, min_n: int, max_n: int
) -> tuple[dict[str, int], sp.csr_matrix]:
    """(words x n-grams) counts; with ``vocabulary=None`` the vocabulary is learnt (sorted).

    N-grams outside a given vocabulary are dropped; repeated entries are left for the product.
    """
    per_word = [_cut(w, min_n, max_n) for w in words]
    grams = [g for gs in per_word for g in gs]
    if vocabulary is None:
        vocabulary = {g: i for i, g in enumerate(sorted(set(grams)))}
        cols = np.fromiter(map(vocabulary.__getitem__, grams), dtype=np.int64, count=len(grams))
        indptr = _indptr(len(g) for g in per_word)
    else:
        cols = np.fromiter(map(vocabulary.get, grams, repeat(-1)), dtype=np.int64, count=len(grams))
        known = cols >= 0
        # known n-grams before each word's end: the cumulative count at the row boundaries
        ends = np.cumsum(np.fromiter((len(g) for g in per_word), dtype=np.int64, count=len(per_word)))
        indptr = np.concatenate(([0], np.cumsum(known)[ends - 1] if len(grams) else ends)).astype(np.int64)
        cols = cols[known]
    matrix = sp.csr_matrix(
        (np.ones(len(cols), dtype=np.float64), cols, indptr), shape=(len(words), len(vocabulary))
    )
    return vocabulary, matrix


class CharWbTfidf:
    """TF-IDF of character n-grams within word boundaries, as scikit-learn computes it.

    Equal to ``TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True,
    lowercase=True, norm="l2", dtype=np.float32)``: ``vocabulary_`` maps each n-gram to its
    column (n-grams sorted), ``idf_`` is the smooth idf ``ln((1 + n) / (1 + df)) + 1``, a
    cell is ``(1 + ln(tf)) * idf`` and rows are L2-normalised. N-grams unseen by ``fit`` are
    ignored, so a text with none known gives a zero row.

    Example:
        >>> tfidf = CharWbTfidf().fit(["kotihoidon yöpartiointi", "ruokapalvelu kotiin"])
        >>> m = tfidf.transform(["kotihoito", "xyzq"])
        >>> [round(float(v), 3) for v in (m.multiply(m).sum(axis=1)).A1]
        [1.0, 0.0]
    """

    def __init__(self, *, ngram_range: tuple[int, int] = (3, 5)):
        self.ngram_range = ngram_range
        self.vocabulary_: dict[str, int] = {}
        self.idf_: FloatArray = np.zeros(0, dtype=np.float64)
        self._fitted = False

    def fit(self, texts: Sequence[str]) -> CharWbTfidf:
        """Learn the n-gram vocabulary and idf weights from ``texts``; returns ``self``."""
        self._fit_counts(texts)
        return self

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """``fit(texts).transform(texts)``, cutting the n-grams once."""
        return self._weighted(self._fit_counts(texts))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sparse ``(len(texts), len(vocabulary_))`` float32 matrix, rows L2-normalised (or zero)."""
        if not self._fitted:
            raise RuntimeError("CharWbTfidf: call fit(corpus) before transform")
        min_n, max_n = _checked_range(self.ngram_range)
        words, doc_words = _doc_words(check_texts(texts))
        _, word_grams = _word_grams(words, self.vocabulary_, min_n, max_n)
        return self._weighted(sp.csr_matrix(doc_words @ word_grams))

    def _fit_counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Learn ``vocabulary_`` and ``idf_``; the (texts x n-grams) counts of ``texts``."""
        min_n, max_n = _checked_range(self.ngram_range)
        items = check_texts(texts)
        if not items:
            raise ValueError("texts: fit needs at least one text")
        words, doc_words = _doc_words(items)
        if not words:
            raise ValueError("texts: no n-grams to learn from (every text is empty or whitespace)")
        vocabulary, word_grams = _word_grams(words, None, min_n, max_n)
        counts = sp.csr_matrix(doc_words @ word_grams)
        df = np.bincount(counts.indices, minlength=len(vocabulary)).astype(np.float64)
        self.vocabulary_ = vocabulary
        self.idf_ = np.log((1.0 + len(items)) / (1.0 + df)) + 1.0
        self._fitted = True
        return counts

    def _weighted(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Sublinear tf times idf, rows L2-normalised, as float32 with sorted indices."""
        data = np.log(counts.data) + 1.0
        data *= self.idf_[counts.indices]
        n_rows = counts.shape[0]
        rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n_rows))
        data /= norms[rows]
        out = sp.csr_matrix(
            (data.astype(np.float32), counts.indices, counts.indptr), shape=counts.shape, dtype=np.float32
        )
        out.sort_indices()
        return out
