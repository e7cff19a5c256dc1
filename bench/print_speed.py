"""Printout rendering speed: the 1,300-participant event's table lists, table cards and slips
as A4 PDF (WeasyPrint), seconds, pages and peak memory.

    .venv/bin/python -m bench.print_speed [--orgs 650] [--rounds 4] [--meeting-rounds 4] [--out bench/results/print.md]

The event is ``bench.planted.generate_event(650, people_per_org=(1, 3))`` (about 1,300 people
with Finnish offers, needs and themes), stored in a throwaway SQLite file with names of
realistic length. Its table plan (tables of 6-8, ``--rounds``) and meeting plan come from
the engine through the same workflows as ``kohtaamo tables`` and ``kohtaamo meetings``, with
short search times (this benchmark is about rendering) and hashed embeddings (no model).
Each printout then renders in a fresh process, through :func:`api.printing.render_printout`
as ``kohtaamo print`` and the API call it: reading the plan, conversation starters, QR codes,
HTML, layout and PDF. Peak memory is that process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bench.planted import generate_event

FIRST = (
    "Aino",
    "Eero",
    "Helmi",
    "Juhani",
    "Kaisa",
    "Lauri",
    "Minna",
    "Pekka",
    "Sari",
    "Ville",
    "Åsa",
    "Örjan",
)
LAST = ("Hämäläinen", "Korhonen", "Mäkelä", "Nieminen", "Järvinen", "Lehtonen", "Söderström", "Väisänen")
KINDS = (
    "Hoivapalvelut Oy",
    "ry",
    "hyvinvointialue, ikääntyneiden palvelut",
    "ammattikorkeakoulu",
    "Osuuskunta",
)


def build(url: str, *, orgs: int, rounds: int, meeting_rounds: int, seed: int) -> dict[str, Any]:
    """Store the event, its table plan and its meeting plan; returns ids, sizes and timings."""
    from api.schemas import MeetingPlanCreate, TablePlanCreate
    from api.workflows import meeting_plans, table_plans
    from matcher.embed import HashingEmbedder
    from models.db import make_engine, upgrade_database
    from models.entities import Event, Organisation, Person, Registration

    upgrade_database(url)
    engine = make_engine(url)
    event_data = generate_event(orgs, seed=seed, people_per_org=(1, 3))
    with Session(engine) as session:
        event = Event(name="Soteuttamo Kanta-Häme 2027", region="kanta_hame", date=dt.date(2027, 2, 10))
        session.add(event)
        rows: dict[str, Organisation] = {}
        for p in event_data.profiles:
            if p.organisation not in rows:
                k = len(rows)
                rows[p.organisation] = Organisation(
                    name=f"{LAST[k % len(LAST)]} {KINDS[k % len(KINDS)]} {k}",
                    normalised_name=f"org {k}",
                    sector=p.sector,
                    offers="\n".join(p.offers),
                    needs="\n".join(p.needs),
                    themes=list(p.themes),
                )
        session.add_all(rows.values())
        session.flush()
        people = [
            Person(
                name=f"{FIRST[k % len(FIRST)]} {LAST[(k // len(FIRST)) % len(LAST)]}-{k}",
                email=f"p{k}@bench.fi",
                organisation_id=rows[p.organisation].id,
            )
            for k, p in enumerate(event_data.profiles)
        ]
        session.add_all(people)
        session.flush()
        assert event.id is not None
        session.add_all(Registration(person_id=p.id, event_id=event.id) for p in people)  # type: ignore[arg-type]
        session.commit()
        encoder = HashingEmbedder(dimension=64)
        started = time.perf_counter()
        params = TablePlanCreate(rounds=rounds, min_size=6, max_size=8, seconds=5.0)
        profiles, layout, plan = table_plans.plan_event(
            session=session, event_id=event.id, params=params, encoder=encoder
        )
        stored = table_plans.store_plan(
            session=session, event_id=event.id, params=params, profiles=profiles, layout=layout, plan=plan
        )
        table_seconds = time.perf_counter() - started
        started = time.perf_counter()
        if meeting_rounds:
            m_params = MeetingPlanCreate(rounds=meeting_rounds, mode="registered", seconds=5.0)
            m_profiles, m_plan = meeting_plans.plan_event(
                session=session, event_id=event.id, params=m_params, encoder=encoder
            )
            meeting_plans.store_plan(
                session=session, event=event, params=m_params, profiles=m_profiles, plan=m_plan
            )
        info = {
            "event_id": event.id,
            "plan_id": stored.id,
            "people": len(profiles),
            "tables": len(layout),
            "table_seconds": table_seconds,
            "meeting_seconds": time.perf_counter() - started,
        }
    engine.dispose()
    return info


def _status_mib(field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, in MiB. (``ru_maxrss`` would not
    do: Linux keeps it across exec, so a spawned child would report its parent's peak.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def render(url: str, event_id: int, what: str) -> dict[str, Any]:
    """Render one printout (run in a fresh process): seconds, pages, size, memory."""
    import io

    import pypdf

    from api.printing import render_printout
    from api.security import LinkSigner
    from models.db import make_engine

    engine = make_engine(url)
    signer = LinkSigner("bench-secret", max_age_seconds=30 * 24 * 3600)
    with Session(engine) as session:
        baseline = _status_mib("VmRSS")
        started = time.perf_counter()
        pdf = render_printout(
            session,
            event_id=event_id,
            what=what,
            lang="fi",
            signer=signer,
            base_url="https://kohtaamo.example",
        )
        seconds = time.perf_counter() - started
    engine.dispose()
    peak = _status_mib("VmHWM")
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return {
        "what": what,
        "seconds": seconds,
        "pages": pages,
        "mib": len(pdf) / 2**20,
        "base": baseline,
        "peak": peak,
    }


def _in_child(url: str, event_id: int, what: str) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return dict(pool.apply(render, (url, event_id, what)))


def report(
    args: argparse.Namespace, info: dict[str, Any], results: list[dict[str, Any]], loads: list[str]
) -> str:
    """The results as Markdown, with the command, machine, date and load beside the table."""
    command = (
        f"python -m bench.print_speed --orgs {args.orgs} --rounds {args.rounds} "
        f"--meeting-rounds {args.meeting_rounds} --what {args.what}"
    )
    lines = [
        "# Printout rendering speed",
        "",
        f"`{command}` (timed under `flock /tmp/kohtaamo-timed.lock`), "
        f"finished {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, CPU only.",
        f"Load average before / after: {loads[0]} / {loads[1]} (the machine is shared; times are pessimistic).",
        "",
        f"Event: `bench.planted.generate_event({args.orgs}, people_per_org=(1, 3))`: {info['people']} participants "
        f"at {info['tables']} tables of 6-8, {args.rounds} rounds; {args.meeting_rounds} meeting rounds. Plans from "
        f"the engine (hashed embeddings, 5 s searches: table plan {info['table_seconds']:.1f} s, "
        f"meeting plan {info['meeting_seconds']:.1f} s including scoring).",
        "Each printout rendered once in a fresh process through `api.printing.render_printout` (Finnish):",
        "",
        "| printout | pages | seconds | pages/s | PDF size | RSS before | peak RSS |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['what']} | {r['pages']} | {r['seconds']:.1f} | {r['pages'] / r['seconds']:.1f} "
            f"| {r['mib']:.1f} MiB | {r['base']:.0f} MiB | {r['peak']:.0f} MiB |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=650, help="organisations (about 2 people each)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--meeting-rounds", type=int, default=4)
    parser.add_argument("--what", default="tables,cards,slips,all", help="printouts to time, comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="write the Markdown table here too")
    args = parser.parse_args()
    before = Path("/proc/loadavg").read_text().split()[:3]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'print.db'}"
        info = build(
            url, orgs=args.orgs, rounds=args.rounds, meeting_rounds=args.meeting_rounds, seed=args.seed
        )
        print(
            f"{info['people']} people, {info['tables']} tables; plans in {info['table_seconds']:.1f} s + {info['meeting_seconds']:.1f} s"
        )
        results = []
        for what in args.what.split(","):
            results.append(_in_child(url, info["event_id"], what))
            print(results[-1], flush=True)
    after = Path("/proc/loadavg").read_text().split()[:3]
    text = report(args, info, results, [" ".join(before), " ".join(after)])
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
