"""Look-alike benchmark (issue 9): a hand-written Finnish set with other wording and look-alike distractors.

``bench/data/lookalikes_fi.json`` holds 20 cases, each on its own concrete sote topic. A *seeker*
states one need; three *providers* meet it in other words (paraphrase, few shared word stems); two
*distractors* share the need's salient words (the same nouns, the same target group) but do not
meet it. Every organisation is a profile of one event (120 profiles); each method proposes k = 5
partners per profile, and only the seekers' lists are scored, because only they have an answer key.

Figures: precision@5 (at most 3/5 = 0.6, the ceiling, since a seeker has three providers),
recall@5, MRR, and *distractors suggested*: the distractors in the seekers' lists over all
(seeker, distractor) pairs (issue 9's target: at most 5 %). :func:`theme_check` shows that themes
do not give the answer away (distractors share the seeker's themes about as often as providers).

Run: ``python -m bench.lookalikes`` (the engine with ``max_per_organisation=None`` and the
baselines of :mod:`bench.baselines`, with the default embedding model).

Example:
    >>> event = build_event(load())
    >>> len(event.profiles), len(event.seekers)
    (120, 20)
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bench.leaks import bootstrap_mean
from matcher.profile import Profile
from matcher.taxonomy import SECTORS, THEMES

K = 5
N_PROVIDERS = 3
N_DISTRACTORS = 2
CEILING = N_PROVIDERS / K
PATH = Path(__file__).resolve().parent / "data" / "lookalikes_fi.json"
ENGLISH_PATH = PATH.with_name("lookalikes_en.json")
"""The same cases in English (a translation made here), for the English-pairs bench."""
MIN_WORDS, MAX_WORDS = 4, 20
Lists = list[list[int]]
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Organisation:
    """One organisation of a case: its name, sector, self-description, statements and themes."""

    name: str
    sector: str
    description: str
    offers: tuple[str, ...]
    needs: tuple[str, ...]
    themes: tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """One topic: a seeker with one need, the providers who meet it, the distractors who look alike."""

    code: str
    seeker: Organisation
    providers: tuple[Organisation, ...]
    distractors: tuple[Organisation, ...]


def _fail(code: str, where: str, name: str, message: str) -> ValueError:
    return ValueError(f"case {code!r}, {where}, field {name!r}: {message}")


def _text(raw: Mapping[str, Any], name: str, code: str, where: str) -> str:
    value = raw.get(name)
    if not isinstance(value, str) or not value.strip():
        raise _fail(code, where, name, "must be a non-empty string")
    return value.strip()


def _statements(
    raw: Mapping[str, Any], name: str, counts: tuple[int, ...], code: str, where: str
) -> tuple[str, ...]:
    value = raw.get(name)
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        raise _fail(code, where, name, "must be a list of non-empty strings")
    if len(value) not in counts:
        raise _fail(
            code, where, name, f"has {len(value)} statements, expected {' or '.join(map(str, counts))}"
        )
    for s in value:
        if not MIN_WORDS <= len(s.split()) <= MAX_WORDS:
            raise _fail(code, where, name, f"{s!r} has {len(s.split())} words, not {MIN_WORDS}-{MAX_WORDS}")
    return tuple(x.strip() for x in value)


def _organisation(raw: Any, code: str, where: str, needs: tuple[int, ...]) -> Organisation:
    if not isinstance(raw, dict):
        raise _fail(code, where, "-", "must be an object")
    sector = _text(raw, "sector", code, where)
    if sector not in SECTORS:
        raise _fail(code, where, "sector", f"{sector!r} is not one of {SECTORS}")
    themes = raw.get("themes")
    if not isinstance(themes, list) or not 1 <= len(themes) <= 3:
        raise _fail(code, where, "themes", "must be a list of 1-3 theme codes")
    unknown = [t for t in themes if t not in THEMES]
    if unknown:
        raise _fail(code, where, "themes", f"{unknown!r} are not codes of matcher.taxonomy.THEMES")
    return Organisation(
        name=_text(raw, "name", code, where),
        sector=sector,
        description=_text(raw, "description", code, where),
        offers=_statements(raw, "offers", (1,), code, where),
        needs=_statements(raw, "needs", needs, code, where),
        themes=tuple(themes),
    )


def _group(raw: Mapping[str, Any], role: str, count: int, code: str) -> tuple[Organisation, ...]:
    items = raw.get(role)
    if not isinstance(items, list) or len(items) != count:
        n = len(items) if isinstance(items, list) else "no list of"
        raise _fail(code, role, role, f"has {n} organisations, expected {count}")
    return tuple(_organisation(x, code, f"{role}[{i}]", (0, 1)) for i, x in enumerate(items))


def _case(raw: Any, index: int) -> Case:
    code = raw.get("code") if isinstance(raw, dict) else None
    if not isinstance(code, str) or not _CODE.match(code):
        raise ValueError(f"case #{index}, field 'code': {code!r} is not a snake_case code")
    case = Case(
        code=code,
        seeker=_organisation(raw.get("seeker"), code, "seeker", (1,)),
        providers=_group(raw, "providers", N_PROVIDERS, code),
        distractors=_group(raw, "distractors", N_DISTRACTORS, code),
    )
    for role, group in (("providers", case.providers), ("distractors", case.distractors)):
        for i, o in enumerate(group):
            if o.sector == case.seeker.sector:
                raise _fail(
                    code, f"{role}[{i}]", "sector", f"{o.sector!r} is the seeker's (must be cross-sector)"
                )
    return case


def _members(case: Case) -> list[tuple[str, Organisation]]:
    return [
        ("seeker", case.seeker),
        *((f"providers[{i}]", o) for i, o in enumerate(case.providers)),
        *((f"distractors[{i}]", o) for i, o in enumerate(case.distractors)),
    ]


def _check_unique(cases: Sequence[Case]) -> None:
    codes: set[str] = set()
    names: dict[str, str] = {}
    seen: dict[str, str] = {}
    for case in cases:
        if case.code in codes:
            raise ValueError(f"case {case.code!r}, field 'code': appears twice")
        codes.add(case.code)
        for where, o in _members(case):
            key = o.name.casefold()
            if key in names:
                raise _fail(case.code, where, "name", f"{o.name!r} is already used in case {names[key]!r}")
            names[key] = case.code
            for name in ("offers", "needs"):
                for s in getattr(o, name):
                    k = " ".join(s.casefold().split())
                    if k in seen:
                        raise _fail(case.code, where, name, f"{s!r} repeats a statement of case {seen[k]!r}")
                    seen[k] = case.code


def load(path: str | Path = PATH) -> tuple[Case, ...]:
    """Read and validate the look-alike set; any problem raises ``ValueError`` naming case and field.

    Checked: codes (snake_case, unique), sectors and themes (taxonomy codes, 1-3 themes), counts
    (3 providers, 2 distractors; 1 offer each; the seeker 1 need, the others 0 or 1), statement
    length (4-20 words), cross-sector (no provider or distractor of the seeker's sector), no
    statement twice in the file, no organisation name twice.

    Example:
        >>> cases = load()
        >>> len(cases), len(cases[0].providers), len(cases[0].distractors)
        (20, 3, 2)
    """
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("about"), str):
        raise ValueError(f"{path}: field 'about': the file must be an object with an 'about' string")
    if not isinstance(raw.get("cases"), list) or not raw["cases"]:
        raise ValueError(f"{path}: field 'cases': must be a non-empty list")
    cases = tuple(_case(c, i) for i, c in enumerate(raw["cases"]))
    _check_unique(cases)
    return cases


@dataclass(frozen=True)
class LookalikeEvent:
    """All organisations of the set as one event, with the answer key of each seeker.

    ``seekers``: profile indices of the seekers; ``good`` and ``distractors`` map a seeker's index
    to the indices of its providers and of its distractors.
    """

    profiles: list[Profile]
    seekers: tuple[int, ...]
    good: dict[int, frozenset[int]]
    distractors: dict[int, frozenset[int]]


def _profile(pid: str, o: Organisation, language: str) -> Profile:
    return Profile(
        id=pid,
        organisation=o.name,
        sector=o.sector,
        region=None,
        description=o.description,
        offers=o.offers,
        needs=o.needs,
        themes=o.themes,
        language=language,
    )


def build_event(cases: Sequence[Case], language: str = "fi") -> LookalikeEvent:
    """One profile per organisation, case by case: the seeker, its providers, its distractors
    (every profile's ``language`` field is ``language``).

    Ids are ``{code}-seeker``, ``{code}-p1`` ... and ``{code}-d1`` ...; the order is the file's.

    Example:
        >>> ev = build_event(load()[:2])
        >>> len(ev.profiles), ev.seekers, sorted(ev.good[6]), sorted(ev.distractors[6])
        (12, (0, 6), [7, 8, 9], [10, 11])
        >>> ev.profiles[10].id
        'koulukuraattori-d1'
    """
    profiles: list[Profile] = []
    seekers: list[int] = []
    good: dict[int, frozenset[int]] = {}
    distractors: dict[int, frozenset[int]] = {}
    for case in cases:
        s = len(profiles)
        seekers.append(s)
        profiles.append(_profile(f"{case.code}-seeker", case.seeker, language))
        profiles += [_profile(f"{case.code}-p{i + 1}", o, language) for i, o in enumerate(case.providers)]
        profiles += [_profile(f"{case.code}-d{i + 1}", o, language) for i, o in enumerate(case.distractors)]
        good[s] = frozenset(range(s + 1, s + 1 + len(case.providers)))
        distractors[s] = frozenset(range(s + 1 + len(case.providers), len(profiles)))
    return LookalikeEvent(profiles, tuple(seekers), good, distractors)


@dataclass
class LookalikeScores:
    """Per-seeker figures of one method, in the order of ``event.seekers``.

    ``precision`` = hits / 5, ``recall`` = hits / 3, ``rr`` = 1 / rank of the first provider (0 if
    none), ``distractor_hits`` = distractors in the list, ``distractor_pairs`` = its distractors,
    ``distractors_first`` = distractors in the list's first 3 places, where a perfect list holds
    only the 3 providers (a full list of 5 has 2 places left, and the look-alikes, being on the
    same topic, are what a good ranker puts there: that is what the 5 % target counts).
    """

    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    rr: list[float] = field(default_factory=list)
    distractor_hits: list[int] = field(default_factory=list)
    distractor_pairs: list[int] = field(default_factory=list)
    distractors_first: list[int] = field(default_factory=list)

    def distractor_share(self) -> float:
        """Distractors suggested over all (seeker, distractor) pairs (0 with no pairs)."""
        pairs = sum(self.distractor_pairs)
        return sum(self.distractor_hits) / pairs if pairs else 0.0

    def interval(self, name: str) -> tuple[float, float, float]:
        """Mean and 95 % bootstrap interval over seekers of ``precision``, ``recall``, ``rr``,
        ``distractor_share`` (then per seeker: its distractors suggested / its distractors) or
        ``first_share`` (its distractors in the first 3 places / its distractors)."""
        if name in ("distractor_share", "first_share"):
            hits = self.distractor_hits if name == "distractor_share" else self.distractors_first
            values = [h / p if p else 0.0 for h, p in zip(hits, self.distractor_pairs, strict=True)]
        else:
            values = [float(v) for v in getattr(self, name)]
        x = np.asarray(values, dtype=np.float64)
        low, high = bootstrap_mean(x, seed=0, level=0.95)
        return float(x.mean()), low, high


def score(lists: Lists, event: LookalikeEvent) -> LookalikeScores:
    """Score the seekers' k-lists against their providers and distractors.

    ``lists`` has one list per profile (the indices of its suggestions, best first), but only the
    seekers' lists are scored: the other organisations have no answer key. A repeated index
    counts once, and only the first k = 5 distinct indices count.

    Example:
        >>> ev = build_event(load()[:1])
        >>> s = score([[1, 4, 2], [], [], [], [], []], ev)
        >>> s.precision, s.recall, s.rr, s.distractor_share()
        ([0.4], [0.6666666666666666], [1.0], 0.5)
    """
    if len(lists) != len(event.profiles):
        raise ValueError(f"lists: {len(lists)} lists for {len(event.profiles)} profiles")
    out = LookalikeScores()
    for s in event.seekers:
        top = list(dict.fromkeys(lists[s]))[:K]  # a repeated suggestion counts once
        hits = [j in event.good[s] for j in top]
        out.precision.append(sum(hits) / K)
        out.recall.append(sum(hits) / len(event.good[s]))
        out.rr.append(next((1 / (r + 1) for r, h in enumerate(hits) if h), 0.0))
        out.distractor_hits.append(sum(j in event.distractors[s] for j in top))
        out.distractor_pairs.append(len(event.distractors[s]))
        out.distractors_first.append(sum(j in event.distractors[s] for j in top[:N_PROVIDERS]))
    return out


def _jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def theme_check(event: LookalikeEvent) -> tuple[float, float]:
    """Mean theme Jaccard of seeker ↔ providers and of seeker ↔ distractors (themes must not leak).

    Example:
        >>> p, d = theme_check(build_event(load()))
        >>> abs(p - d) < 0.1
        True
    """
    ps = event.profiles

    def mean(groups: dict[int, frozenset[int]]) -> float:
        return float(
            np.mean([_jaccard(ps[s].themes, ps[j].themes) for s in event.seekers for j in groups[s]])
        )

    return mean(event.good), mean(event.distractors)


def run(
    methods: Mapping[str, Callable[[list[Profile]], Lists]], event: LookalikeEvent
) -> dict[str, LookalikeScores]:
    """Run every method on the event's profiles and score it (a method: profiles → k-lists).

    Example:
        >>> ev = build_event(load()[:1])
        >>> def first_five(ps):
        ...     return [[j for j in range(len(ps)) if j != i][:5] for i in range(len(ps))]
        >>> r = run({"first five": first_five}, ev)
        >>> r["first five"].precision, r["first five"].distractor_hits
        ([0.6], [2])
    """
    return {name: score(method(list(event.profiles)), event) for name, method in methods.items()}


def render(results: Mapping[str, LookalikeScores], event: LookalikeEvent) -> str:
    """A markdown table of the results, then the theme check and the ceiling.

    Example:
        >>> ev = build_event(load()[:1])
        >>> print(render({"none": score([[] for _ in ev.profiles], ev)}, ev).splitlines()[2])
        | none | 0.000 (0.000-0.000) | 0.000 | 0.000 | 0 / 2 (0 %, 0-0) | 0 / 2 (0 %, 0-0) |
    """
    lines = [
        "| method | precision@5 (95 % interval) | recall@5 | MRR | distractors suggested (95 % interval) "
        "| distractors in the first 3 places (95 % interval) |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in results.items():
        p, lo, hi = s.interval("precision")
        pairs = sum(s.distractor_pairs)
        shares = [
            f"{sum(hits)} / {pairs} ({100 * m:.0f} %, {100 * a:.0f}-{100 * b:.0f})"
            for hits, (m, a, b) in (
                (s.distractor_hits, s.interval("distractor_share")),
                (s.distractors_first, s.interval("first_share")),
            )
        ]
        lines.append(
            f"| {name} | {p:.3f} ({lo:.3f}-{hi:.3f}) | {np.mean(s.recall):.3f} | {np.mean(s.rr):.3f} "
            f"| {shares[0]} | {shares[1]} |"
        )
    tp, td = theme_check(event)
    lines += [
        "",
        f"{len(event.seekers)} seekers, {len(event.profiles)} profiles; 95 % bootstrap over seekers. "
        f"Ceiling: precision@5 = {N_PROVIDERS}/{K} = {CEILING:.1f}. Theme check (mean Jaccard with the "
        f"seeker's themes): providers {tp:.2f}, distractors {td:.2f}. Target: distractors suggested <= 5 %.",
    ]
    return "\n".join(lines)


def main() -> None:
    """``python -m bench.lookalikes``: the engine (``max_per_organisation=None``) and four baselines.

    Uses the default embedding model (``matcher.embed.Embedder(None)``) offline and prints
    :func:`render`.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bench import baselines
    from bench.quality import top_k  # lazily: bench.quality will import this module
    from matcher.embed import Embedder
    from matcher.suggest import SuggestConfig, suggest

    event = build_event(load())
    embedder = Embedder(None)
    config = SuggestConfig(max_per_organisation=None)

    def engine(ps: list[Profile]) -> Lists:
        index = {p.id: i for i, p in enumerate(ps)}
        return [[index[s.target_id] for s in lst] for lst in suggest(ps, K, config=config, embedder=embedder)]

    methods: dict[str, Callable[[list[Profile]], Lists]] = {
        "engine (matcher.suggest, max_per_organisation=None)": engine,
        "TF-IDF, whole profile": lambda ps: top_k(baselines.tfidf_whole(ps), ps),
        "TF-IDF, needs → offers": lambda ps: top_k(baselines.tfidf_needs_offers(ps), ps),
        "BM25, needs → offers": lambda ps: top_k(baselines.bm25_needs_offers(ps), ps),
        "dense, needs → offers": lambda ps: top_k(baselines.dense_needs_offers(ps, embedder), ps),
    }
    print(render(run(methods, event), event))


if __name__ == "__main__":
    main()
