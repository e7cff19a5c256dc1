"""matcher.ngrams.CharWbTfidf: the same matrix as scikit-learn's char_wb TfidfVectorizer, faster."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.lexical import LexicalSpace
from matcher.ngrams import CharWbTfidf, text_words, word_ngrams


def _sklearn(ngram_range: tuple[int, int]) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=ngram_range,
        sublinear_tf=True,
        lowercase=True,
        norm="l2",
        dtype=np.float32,
    )


# short Finnish-looking words (1-2 letters included), upper case too, and every kind of gap
WORDS = st.one_of(
    st.text(alphabet="aäöåkotihAÄÖÅ", min_size=1, max_size=2),
    st.text(alphabet="aäöåkotihoidnsyplurAÄÖÅK", min_size=3, max_size=12),
    st.sampled_from(["kotihoito", "kotihoidon", "yöpartiointi", "ja", "å", "Ä"]),
)
GAPS = st.sampled_from([" ", "  ", "\t", "\n", " \t ", "\r\n"])


@st.composite
def texts(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["words", "words", "words", "empty", "spaces"]))
    if kind == "empty":
        return ""
    if kind == "spaces":
        return " " * draw(st.integers(1, 4))
    words = draw(st.lists(WORDS, min_size=1, max_size=8))
    words += draw(st.lists(st.sampled_from(words), max_size=4))  # repeated words
    gaps = draw(st.lists(GAPS, min_size=len(words) + 1, max_size=len(words) + 1))
    return gaps[0] * draw(st.booleans()) + "".join(w + g for w, g in zip(words, gaps[1:], strict=True))


RANGES = st.sampled_from([(1, 1), (2, 4), (3, 5), (1, 3), (4, 4)])


def _assert_same(ours: sp.csr_matrix, theirs: sp.spmatrix) -> None:
    assert isinstance(ours, sp.csr_matrix) and ours.dtype == np.float32
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours.toarray(), theirs.toarray(), atol=1e-6, rtol=0)


@settings(max_examples=150, deadline=None)
@given(
    corpus=st.lists(texts(), min_size=1, max_size=8).filter(lambda c: any(t.strip() for t in c)),
    unseen=st.lists(texts(), max_size=5),
    ngram_range=RANGES,
)
def test_same_matrix_and_vocabulary_as_sklearn(
    corpus: list[str], unseen: list[str], ngram_range: tuple[int, int]
) -> None:
    theirs = _sklearn(ngram_range)
    expected = theirs.fit_transform(corpus)
    ours = CharWbTfidf(ngram_range=ngram_range)
    _assert_same(ours.fit_transform(corpus), expected)
    assert ours.vocabulary_ == theirs.vocabulary_
    assert list(ours.vocabulary_) == sorted(theirs.vocabulary_)  # columns in sorted order
    np.testing.assert_allclose(ours.idf_, theirs.idf_, rtol=1e-6)
    _assert_same(ours.transform(unseen + corpus), theirs.transform(unseen + corpus))
    _assert_same(CharWbTfidf(ngram_range=ngram_range).fit(corpus).transform(corpus), expected)


@settings(max_examples=60, deadline=None)
@given(word=st.text(alphabet="aäöåbk ", min_size=0, max_size=9).map(str.strip), ngram_range=RANGES)
def test_word_ngrams_are_sklearns_analyzer(word: str, ngram_range: tuple[int, int]) -> None:
    analyzer = _sklearn(ngram_range).build_analyzer()
    for w in word.split():
        assert word_ngrams(w, ngram_range) == analyzer(w)


def test_known_ngrams() -> None:
    # a padded word no longer than n gives itself once and ends the loop over n
    assert word_ngrams("ab", (3, 5)) == [" ab", "ab ", " ab "]
    assert word_ngrams("a", (3, 5)) == [" a "]
    assert word_ngrams("a", (1, 2)) == [" ", "a", " ", " a", "a "]
    assert word_ngrams("koti", (3, 3)) == [" ko", "kot", "oti", "ti "]
    assert word_ngrams("koti", (5, 6)) == [" koti", "koti ", " koti "]
    assert text_words("  Kotihoito\t\tJA  \n yö ") == ["kotihoito", "ja", "yö"]


def test_counts_idf_and_zero_rows_by_hand() -> None:
    tfidf = CharWbTfidf(ngram_range=(3, 3))
    m = tfidf.fit_transform(["ab ab", "ab", "cd"])
    assert tfidf.vocabulary_ == {" ab": 0, " cd": 1, "ab ": 2, "cd ": 3}
    # df: " ab" and "ab " in 2 of 3 texts, the cd grams in 1
    np.testing.assert_allclose(
        tfidf.idf_, [np.log(4 / 3) + 1, np.log(2) + 1, np.log(4 / 3) + 1, np.log(2) + 1]
    )
    half = np.sqrt(0.5)
    np.testing.assert_allclose(
        m.toarray(), [[half, 0, half, 0], [half, 0, half, 0], [0, half, 0, half]], atol=1e-6
    )
    unseen = tfidf.transform(["", "   ", "xyz", "AB"])
    assert unseen.shape == (4, 4) and unseen[:3].nnz == 0
    np.testing.assert_allclose(unseen[3].toarray(), [[half, 0, half, 0]], atol=1e-6)
    assert tfidf.transform([]).shape == (0, 4)


def test_errors() -> None:
    with pytest.raises(RuntimeError, match="CharWbTfidf"):
        CharWbTfidf().transform(["koti"])
    with pytest.raises(ValueError, match=r"^texts: "):
        CharWbTfidf().fit([])
    with pytest.raises(ValueError, match=r"^texts: "):
        CharWbTfidf().fit(["", "  \t"])
    for bad in [(0, 2), (3, 2), (1.0, 2), (1,), [3, 5], (True, 2)]:
        with pytest.raises(ValueError, match="ngram_range"):
            CharWbTfidf(ngram_range=bad).fit(["koti"])  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="ngram_range"):
            word_ngrams("koti", bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not one string"):
        CharWbTfidf().fit("kotihoito")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        CharWbTfidf().fit(["koti", 3])  # type: ignore[list-item]


def test_lexical_space_uses_it_on_the_default_path_only() -> None:
    corpus = ["Tarjoamme kotihoidon yöpartiointia", "Etsimme kumppania kotihoidon yöpalveluihin", "Ruoka"]
    space = LexicalSpace().fit(corpus)
    assert isinstance(space._vectorizer, CharWbTfidf)
    _assert_same(space.transform(corpus), _sklearn((3, 5)).fit_transform(corpus))
    for other in (LexicalSpace(min_df=2), LexicalSpace(max_features=10), LexicalSpace(sublinear_tf=False)):
        assert isinstance(other.fit(corpus)._vectorizer, TfidfVectorizer)
    assert isinstance(LexicalSpace(analyzer="char").fit(corpus)._vectorizer, TfidfVectorizer)
