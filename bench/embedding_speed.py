"""Embedding 1,300 profiles' statements: cold (empty vector cache) and warm (every text cached).

One command: ``.venv/bin/python -m bench.embedding_speed [--model NAME]``

The event is ``bench.planted.generate_event(650, people_per_org=(2, 2))`` (1,300 participants;
synthetic Finnish statements if bench.planted is missing). Each phase runs in its own child
process so that its peak memory is its own: ``ru_maxrss`` of the child (whole process: Python,
torch, model weights) and tracemalloc's peak during encoding (Python-level allocations only,
traced after the model has loaded; torch's own buffers are not traced). The converted model folder is built beforehand, so "cold" means "no cached
vectors", not "first install". Figures go to the "speed" section of bench/results/embedding.md
and the ``embedding-speed`` table of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np

from bench import report
from bench.embedding_models import machine, write_section


def event_texts(n_orgs: int = 650) -> tuple[int, list[str]]:
    """(number of profiles, every text the engine embeds for them, in profile order)."""
    try:
        from bench.planted import generate_event

        profiles = generate_event(n_orgs, seed=0, people_per_org=(2, 2)).profiles
    except ImportError:
        return _synthetic(2 * n_orgs)
    texts: list[str] = []
    for p in profiles:
        texts += [*p.offers, *p.needs, *([p.description] if p.description else []), *p.keywords]
    return len(profiles), texts


def _synthetic(n: int) -> tuple[int, list[str]]:
    rng = np.random.default_rng(0)
    services = [
        "kotihoidon yöpartiointia",
        "ruokapalvelua",
        "kotikuntoutusta",
        "palvelumuotoilua",
        "tulkkausta",
    ]
    groups = ["ikääntyneille", "lapsiperheille", "vammaisille", "mielenterveyskuntoutujille"]
    texts = [
        f"{verb} {services[rng.integers(len(services))]} {groups[rng.integers(len(groups))]} ({i})"
        for i in range(n)
        for verb in ("Tarjoamme", "Etsimme kumppania")
    ]
    return n, texts


def phase(model: str, cache_dir: str, n_orgs: int) -> dict[str, float]:
    """Run one phase in this process and return its figures."""
    from matcher.embed import Embedder

    n_profiles, texts = event_texts(n_orgs)
    t0 = time.perf_counter()
    embedder = Embedder(model, cache_dir=cache_dir, batch_size=32)
    embedder.encode(["lämmittely"])  # load the model: timed separately
    t1 = time.perf_counter()
    tracemalloc.start()  # after loading: tracing the weight load would slow it tenfold
    vectors = embedder.encode(texts)
    t2 = time.perf_counter()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert vectors.shape[0] == len(texts)
    return {
        "profiles": n_profiles,
        "texts": len(texts),
        "unique_texts": len(set(texts)),
        "embedded": embedder.encoded_count - 1 if embedder.encoded_count else 0,
        "load_s": t1 - t0,
        "encode_s": t2 - t1,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "tracemalloc_peak_mib": traced_peak / 2**20,
    }


def run_child(model: str, cache_dir: str, n_orgs: int) -> dict[str, float]:
    cmd = [sys.executable, "-m", "bench.embedding_speed", "--phase", "--model", model, "--cache", cache_dir]
    out = subprocess.run([*cmd, "--orgs", str(n_orgs)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def interleaved(models: list[str], rounds: int, batch: int) -> tuple[list[str], dict[str, float]]:
    """Sentences/s of each backend, measured in alternating rounds on fresh texts (fair on a noisy machine)."""
    from matcher.embed import Embedder

    _, texts = event_texts()
    unique = list(dict.fromkeys(texts))
    embedders = {m: Embedder(m, cache_dir=False, batch_size=32) for m in models}
    for emb in embedders.values():
        emb.encode(["lämmittely"])
    rates: dict[str, list[float]] = {m: [] for m in models}
    for r in range(rounds):
        chunk = unique[r * batch : (r + 1) * batch]
        for m, emb in embedders.items():
            start = time.perf_counter()
            emb.encode(chunk)
            rates[m].append(len(chunk) / (time.perf_counter() - start))
    lines = [
        f"\nSide by side: {rounds} alternating rounds of {batch} unique statements each (same texts for every "
        "backend in a round), one process, sentences/s:\n",
        "| model | median | min | max |",
        "|---|---|---|---|",
    ]
    for m, values in rates.items():
        lines.append(f"| {m} | {np.median(values):.1f} | {min(values):.1f} | {max(values):.1f} |")
    return lines, {m: float(np.median(v)) for m, v in rates.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", help="backend(s); default: multilingual-e5-small")
    parser.add_argument("--orgs", type=int, default=650)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--phase", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds of the side-by-side run")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results alone")
    args = parser.parse_args()
    models = args.model or ["multilingual-e5-small"]
    if args.phase:
        print(json.dumps(phase(models[0], args.cache, args.orgs)))
        return
    before, when, load_start = machine(), report.now(), report.load()
    phases: dict[tuple[str, str], dict[str, float]] = {}
    lines = [
        "| model | phase | profiles | texts (unique) | embedded | model load s | encode s | texts/s | "
        "embedded/s | peak RSS MiB | tracemalloc peak MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for model in models:
        with tempfile.TemporaryDirectory() as cache:
            for name in ("cold", "warm"):
                r = phases[model, name] = run_child(model, cache, args.orgs)
                rate = r["texts"] / r["encode_s"]
                fresh = r["embedded"] / r["encode_s"]
                lines.append(
                    f"| {model} | {name} | {r['profiles']:.0f} | {r['texts']:.0f} ({r['unique_texts']:.0f}) | "
                    f"{r['embedded']:.0f} | {r['load_s']:.1f} | {r['encode_s']:.2f} | {rate:.0f} | {fresh:.1f} | "
                    f"{r['maxrss_mib']:.0f} | {r['tracemalloc_peak_mib']:.1f} |"
                )
                print(lines[-1], flush=True)
    side, rates = interleaved(models, args.rounds, 64)
    print("\n".join(side), flush=True)
    body = "\n".join(
        [
            "## Embedding 1,300 profiles, cold and warm (`python -m bench.embedding_speed`)\n",
            f"Machine at start: {before}",
            f"At end: {machine()}\n",
            "Cold: empty vector cache (model folder already built); warm: a new process, every text in the "
            "SQLite cache. Each phase in its own process; peak RSS includes torch and the model. texts/s counts "
            "every text served (duplicates included); embedded/s counts texts the model actually embedded. "
            "The model loads lazily, so a fully cached run never loads it (load 0 s).\n",
            *lines,
            *side,
        ]
    )
    print(body)
    command = "python -m bench.embedding_speed " + " ".join(f"--model {m}" for m in models)
    if args.orgs != 650:
        command += f" --orgs {args.orgs}"
    table = headline(phases, rates, command, when, (load_start, report.load()))
    print(table)
    if not args.no_write:
        write_section("speed", body)
        report.write_section("embedding-speed", table)


def headline(
    phases: dict[tuple[str, str], dict[str, float]],
    rates: dict[str, float],
    command: str,
    when: str,
    loads: tuple[str, str],
) -> str:
    """The ``embedding-speed`` table of bench/RESULTS.md."""
    any_cold = next(v for (_, phase), v in phases.items() if phase == "cold")
    rows = [
        f"{any_cold['profiles']:.0f} profiles ({any_cold['texts']:.0f} texts, {any_cold['unique_texts']:.0f} distinct), "
        f"each phase in its own process; run of {when}, load {loads[0]} → {loads[1]} (`{command}`; "
        "`results/embedding.md`):",
        "",
        "| model | cold: encode s (embedded/s) | model load s | cold peak RSS | warm (all cached): s, peak RSS | "
        "side by side, sentences/s |",
        "|---|---|---|---|---|---|",
    ]
    for model in rates:
        cold, warm = phases[model, "cold"], phases[model, "warm"]
        rows.append(
            f"| {model} | {cold['encode_s']:.1f} ({cold['embedded'] / cold['encode_s']:.1f}/s) | {cold['load_s']:.1f} | "
            f"{cold['maxrss_mib']:.0f} MiB | {warm['encode_s']:.2f} s, {warm['maxrss_mib']:.0f} MiB | {rates[model]:.1f} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    main()
