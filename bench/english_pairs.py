"""English statements: does reading English pairs with MiniLM (:mod:`matcher.routing`) help on
short event statements, and does it leave Finnish events alone? (issue 9;
``python -m bench.english_pairs``)

Two sets, one run:

- the look-alike set in English (``bench/data/lookalikes_en.json``, a translation made here of
  the hand-written Finnish set, same answers): the engine with the multilingual model alone,
  with MiniLM also reading English pairs (``english_minilm(0.5)`` and ``(1.0)``), the engine on
  MiniLM alone, and the keyword and dense baselines;
- the Finnish look-alike set, with and without routing (no statement there reads as English, so
  the two rows must agree).

Beside precision@5 and the distractors suggested, a diagnosis of each model: over every
(provider, distractor) pair of every case, how often the distractor's best offer is closer to
the seeker's need than the provider's best offer (0 % = the model tells meaning from shared
words; 50 % = chance).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

import numpy as np

from bench import baselines, lookalikes
from bench.quality import top_k
from bench.report import load, machine, now, write_section
from matcher.affinity import affinity
from matcher.embed import Embedder, english_minilm
from matcher.profile import Profile
from matcher.routing import EnglishModel
from matcher.statements import Encoder
from matcher.suggest import SuggestConfig, suggest

Lists = list[list[int]]
Method = Callable[[list[Profile]], Lists]


def engine(embedder: Embedder, english: EnglishModel | None = None) -> Method:
    """The engine's suggestions (defaults, ``max_per_organisation=None`` as in the look-alike
    bench), optionally with ``english`` reading the English pairs."""
    config = SuggestConfig(max_per_organisation=None)

    def run(ps: list[Profile]) -> Lists:
        scores = affinity(ps, embedder, config.affinity, english=english)
        index = scores.index
        return [[index[s.target_id] for s in lst] for lst in suggest(ps, 5, config=config, affinity=scores)]

    return run


def distractor_above_provider(event: lookalikes.LookalikeEvent, embedder: Encoder) -> tuple[int, int]:
    """(pairs where a distractor's best offer beats a provider's for the seeker's need, pairs)."""
    ps = event.profiles
    above = total = 0
    for s in event.seekers:
        need = embedder.encode(list(ps[s].needs))

        def best(j: int, need: np.ndarray = need) -> float:
            return float((need @ embedder.encode(list(ps[j].offers)).T).max())

        for p in event.good[s]:
            for d in event.distractors[s]:
                above += best(d) > best(p)
                total += 1
    return above, total


def methods(multi: Embedder, minilm: Embedder) -> dict[str, Method]:
    """The rows of the English set, engine rows first."""
    return {
        "engine, multilingual-e5-small alone (defaults)": engine(multi),
        "engine + MiniLM on English pairs, even mix (`english_minilm()`)": engine(multi, english_minilm(0.5)),
        "engine + MiniLM on English pairs, MiniLM alone there (`english_minilm(1.0)`)": engine(
            multi, english_minilm(1.0)
        ),
        "engine on MiniLM alone (`Embedder('all-MiniLM-L6-v2')`)": engine(minilm),
        "TF-IDF, whole profile": lambda ps: top_k(baselines.tfidf_whole(ps), ps),
        "BM25, needs → offers": lambda ps: top_k(baselines.bm25_needs_offers(ps), ps),
        "dense mE5, one vector per profile": lambda ps: top_k(baselines.dense_whole(ps, multi), ps),
        "dense MiniLM, one vector per profile": lambda ps: top_k(baselines.dense_whole(ps, minilm), ps),
    }


def main() -> None:
    """``python -m bench.english_pairs [--no-write]``: both sets, printed and written to RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    before = load()
    multi, minilm = Embedder(None), Embedder("all-MiniLM-L6-v2")
    english = lookalikes.build_event(lookalikes.load(lookalikes.ENGLISH_PATH), language="en")
    finnish = lookalikes.build_event(lookalikes.load())
    english_rows = lookalikes.run(methods(multi, minilm), english)
    finnish_rows = lookalikes.run(
        {
            "engine, multilingual-e5-small alone (defaults)": engine(multi),
            "engine + MiniLM on English pairs (`english_minilm()`)": engine(multi, english_minilm()),
        },
        finnish,
    )
    diagnosis = [
        f"| {name} | {above} / {total} ({100 * above / total:.0f} %) |"
        for name, (above, total) in (
            ("multilingual-e5-small, English set", distractor_above_provider(english, multi)),
            ("MiniLM, English set", distractor_above_provider(english, minilm)),
            ("multilingual-e5-small, Finnish set", distractor_above_provider(finnish, multi)),
        )
    ]
    body = "\n".join(
        [
            f"Run of {now()}, load {before} → {load()}, {machine()} (`python -m bench.english_pairs`).",
            "",
            "English look-alike set (`bench/data/lookalikes_en.json`, translated here from the Finnish set):",
            "",
            lookalikes.render(english_rows, english),
            "",
            "Finnish look-alike set, with and without routing:",
            "",
            lookalikes.render(finnish_rows, finnish),
            "",
            "A distractor's best offer closer to the seeker's need than a provider's (need against offer):",
            "",
            "| model, set | (provider, distractor) pairs |",
            "|---|---|",
            *diagnosis,
        ]
    )
    print(body)
    if not args.no_write:
        write_section("english-pairs", "## English pairs read by MiniLM (issue 9)\n\n" + body)


if __name__ == "__main__":
    main()
