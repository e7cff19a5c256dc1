"""Suggest taxonomy themes from a profile's own words, for profiles that name none (issue 11).

A profile without themes gets no theme reasons and no place at theme tables; the organiser
can ask the person, and a suggestion drawn from their description, offers and needs makes
the question concrete ("is this home care and rehabilitation?"). :class:`ThemeClassifier`
is TF-IDF over character n-grams (they survive Finnish inflection and compounds:
"kotihoidon", "kotihoitoon") and one logistic regression per theme (one-vs-rest), fitted on
profiles whose themes are known. How well it does is measured in ``bench.theme_classifier``;
a suggestion is a question to put to the person, never a theme set for them.

Example:
    >>> texts = ["kotihoito ja kotihoidon yöpartio", "kotihoidon tukipalvelut kotiin",
    ...          "lastensuojelu ja perhetyö", "perhepalvelut ja lastensuojelun sijaishuolto"]
    >>> themes = [["home_care"], ["home_care"], ["child_welfare"], ["child_welfare"]]
    >>> model = ThemeClassifier(random_state=0).fit(texts, themes)
    >>> model.suggest(["kotihoidon palvelut"], k=1)
    [('home_care',)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.profile import Profile
from matcher.taxonomy import THEMES


def profile_text(profile: Profile) -> str:
    """The words a theme can be read from: description, offers, needs and keywords, one a line.

    Example:
        >>> profile_text(Profile(id="1", organisation="1", sector="private",
        ...                      description="Hoivayritys.", offers=("kotihoito",)))
        'Hoivayritys.\\nkotihoito'
    """
    parts = [profile.description, *profile.offers, *profile.needs, *profile.keywords]
    return "\n".join(p.strip() for p in parts if p.strip())


class ThemeClassifier:
    """Text → theme codes of :data:`matcher.taxonomy.THEMES` (multi-label).

    ``ngram_range``: character n-gram lengths (within words); ``C``: inverse regularisation
    strength of each theme's logistic regression; ``threshold``: the probability from which
    :meth:`predict` names a theme; ``random_state`` seeds the solver. Themes never seen in
    training are never suggested (``classes_`` holds those seen, in taxonomy order).
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (2, 5),
        C: float = 10.0,  # noqa: N803 (scikit-learn's name)
        threshold: float = 0.3,
        random_state: int = 0,
    ) -> None:
        self.ngram_range = ngram_range
        self.C = C
        self.threshold = threshold
        self.random_state = random_state

    def fit(self, texts: Sequence[str], themes: Sequence[Sequence[str]]) -> ThemeClassifier:
        """Fit on ``texts`` and each text's theme codes; every theme seen needs a text without it."""
        if len(texts) != len(themes):
            raise ValueError(
                f"texts, themes: need one theme list per text, got {len(texts)} and {len(themes)}"
            )
        for row, codes in enumerate(themes):
            if isinstance(codes, str):
                raise TypeError(f"themes[{row}]: give a list of codes, not one string")
            if unknown := [c for c in codes if c not in THEMES]:
                raise ValueError(f"themes[{row}]: {unknown!r} are not taxonomy codes")
        seen = {c for codes in themes for c in codes}
        self.classes_ = [c for c in THEMES if c in seen]
        if not self.classes_:
            raise ValueError("themes: no text has a theme; nothing to learn from")
        labels = np.array([[c in codes for c in self.classes_] for codes in themes], dtype=np.int64)
        if always := [c for c, col in zip(self.classes_, labels.T, strict=True) if col.all()]:
            raise ValueError(f"themes: {always} are on every text; a classifier needs texts without them")
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier

        self.vectorizer_: Any = TfidfVectorizer(
            analyzer="char_wb", ngram_range=self.ngram_range, sublinear_tf=True, lowercase=True
        )
        features = self.vectorizer_.fit_transform(list(texts))
        base = LogisticRegression(
            C=self.C, class_weight="balanced", solver="liblinear", random_state=self.random_state
        )
        self.model_: Any = OneVsRestClassifier(base).fit(features, labels)
        return self

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Probability of each theme of ``classes_`` (columns) for each text (rows)."""
        if not hasattr(self, "model_"):
            raise RuntimeError("ThemeClassifier: call fit first")
        proba = self.model_.predict_proba(self.vectorizer_.transform(list(texts)))
        return np.asarray(proba, dtype=np.float64).reshape(len(texts), len(self.classes_))

    def suggest(self, texts: Sequence[str], k: int = 3) -> list[tuple[str, ...]]:
        """The ``k`` most probable themes of each text, most probable first (ties: taxonomy order)."""
        if k < 1:
            raise ValueError(f"k: must be at least 1, got {k}")
        proba = self.predict_proba(texts)
        order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        return [tuple(self.classes_[int(j)] for j in row) for row in order]

    def predict(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """The themes whose probability reaches ``threshold``, most probable first; at least the
        most probable one, since every profile of these events has some theme."""
        proba = self.predict_proba(texts)
        out = []
        for row in proba:
            order = np.argsort(-row, kind="stable")
            keep = [int(j) for j in order if row[j] >= self.threshold] or [int(order[0])]
            out.append(tuple(self.classes_[j] for j in keep))
        return out
