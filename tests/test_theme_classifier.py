"""Theme suggestion: a tiny hand-made corpus with known answers, the scikit-learn conventions,
bad input named, and the benchmark's metrics on cases worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from bench.theme_classifier import at_k, majority, micro_f1
from matcher.theme_classifier import ThemeClassifier

TEXTS = [
    "kotihoito ja kotihoidon yöpartio",
    "kotihoidon tukipalvelut ikäihmisten koteihin",
    "lastensuojelu ja perhetyö",
    "perhepalvelut ja lastensuojelun sijaishuolto",
    "rekrytointi ja hoitajien työnvälitys",
    "osaajien rekrytointi ulkomailta",
]
THEMES = [
    ["home_care"],
    ["home_care", "elderly_housing"],
    ["child_welfare"],
    ["child_welfare"],
    ["recruitment"],
    ["recruitment", "internationalisation"],
]


def test_it_finds_the_theme_of_unseen_wordings() -> None:
    model = ThemeClassifier(random_state=0).fit(TEXTS, THEMES)
    top = model.suggest(["kotihoitoa kotiin", "lastensuojelun perhetyötä", "hoitajien rekrytointia"], k=1)
    assert top == [("home_care",), ("child_welfare",), ("recruitment",)]
    assert set(model.classes_) == {c for codes in THEMES for c in codes}
    proba = model.predict_proba(["kotihoitoa kotiin"])
    assert proba.shape == (1, len(model.classes_)) and np.all((proba >= 0) & (proba <= 1))


def test_fit_returns_self_stores_params_and_is_deterministic() -> None:
    model = ThemeClassifier(ngram_range=(3, 4), C=2.0, threshold=0.4, random_state=7)
    assert (model.ngram_range, model.C, model.threshold, model.random_state) == ((3, 4), 2.0, 0.4, 7)
    assert model.fit(TEXTS, THEMES) is model
    again = ThemeClassifier(ngram_range=(3, 4), C=2.0, threshold=0.4, random_state=7).fit(TEXTS, THEMES)
    assert np.array_equal(model.predict_proba(TEXTS), again.predict_proba(TEXTS))


def test_predict_names_at_least_one_theme_and_follows_the_threshold() -> None:
    model = ThemeClassifier(threshold=1.0).fit(TEXTS, THEMES)
    assert all(len(p) == 1 for p in model.predict(TEXTS))
    everything = ThemeClassifier(threshold=0.0).fit(TEXTS, THEMES).predict(TEXTS[:1])
    assert set(everything[0]) == set(model.classes_)


def test_bad_input_is_named() -> None:
    with pytest.raises(RuntimeError, match="call fit first"):
        ThemeClassifier().predict(["x"])
    with pytest.raises(ValueError, match="one theme list per text"):
        ThemeClassifier().fit(TEXTS, THEMES[:2])
    with pytest.raises(ValueError, match=r"themes\[0\]: \['kotihoito'\] are not taxonomy codes"):
        ThemeClassifier().fit(["a"], [["kotihoito"]])
    with pytest.raises(TypeError, match=r"themes\[0\]: give a list"):
        ThemeClassifier().fit(["a"], ["home_care"])
    with pytest.raises(ValueError, match="on every text"):
        ThemeClassifier().fit(["a", "b"], [["home_care"], ["home_care", "impact"]])
    with pytest.raises(ValueError, match="no text has a theme"):
        ThemeClassifier().fit(["a", "b"], [[], []])
    with pytest.raises(ValueError, match="k: must be at least 1"):
        ThemeClassifier().fit(TEXTS, THEMES).suggest(["x"], k=0)


def test_the_benchmark_metrics_by_hand() -> None:
    assert micro_f1([["a"], ["b", "c"]], [["a"], ["b"]]) == pytest.approx(2 * 2 / (3 + 2))
    assert micro_f1([["x"]], [["a"]]) == 0.0
    assert at_k([["a", "b", "c"], ["d", "e", "f"]], [["a", "b"], ["z"]]) == pytest.approx((1 / 3, 0.5))
    train = [("t", ("a", "b")), ("t", ("a",)), ("t", ("a", "c", "b"))]
    sets, top = majority(train, 2)
    assert sets == [["a", "b"], ["a", "b"]] and top[0] == ["a", "b", "c"]
