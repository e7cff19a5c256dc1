"""Load benchmark of the HTTP API: one participant's suggestions under a fixed request rate.

``python -m bench.api_load`` loads a ~1,300-participant event (``bench.planted.generate_event``,
650 organisations, 1-3 people each), computes and stores suggestions (k=5, the engine on the
default CPU model's real vectors, embedded once and cached by ``bench.vectors``; the GET path
itself never touches the model), starts ``uvicorn --factory api.app:create_app
--workers 2`` on loopback, and sends ``GET /me/suggestions`` with random participants' link
tokens at a fixed rate (open loop: request i is due at ``t0 + i / rate``; latency is counted
from that due time, so a stalled server cannot hide its queue). Once on SQLite, once on
PostgreSQL. Figures go to the ``load`` section of ``bench/results/api.md`` and the ``api-load``
table of ``bench/RESULTS.md``.

The load generator is a small asyncio HTTP/1.1 client over keep-alive connections (no wrk on
this machine); it shares the CPU with the server, which the report states.

Example:
    .venv/bin/python -m bench.api_load --rate 200 --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlmodel import Session

from api.security import LinkSigner
from bench import report
from bench.planted import generate_event
from bench.vectors import CachedEncoder
from matcher.profile import Profile
from matcher.statements import Statements
from matcher.suggest import suggest
from models.db import make_engine, upgrade_database
from models.entities import Event, Organisation, Person, Registration
from models.suggestions import StoredSuggestion
from models.validation import normalise_name

SECRET = "bench-secret"
PG_ADMIN_URL = os.environ.get(
    "KOHTAAMO_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
RESULTS = Path(__file__).parent / "results" / "api.md"


@dataclass
class Loaded:
    event_id: int
    person_ids: list[int]
    seconds: float


def load_event(
    url: str, profiles: list[Profile], lists: list[list[tuple[str, float, dict[str, list[str]]]]]
) -> Loaded:
    """Write organisations, people, registrations and stored suggestions for ``profiles``."""
    start = time.perf_counter()
    engine = make_engine(url)
    with Session(engine) as session:
        event = Event(name="Soteuttamo benchmark", region="kanta_hame", status="planning")
        session.add(event)
        orgs: dict[str, Organisation] = {}
        for p in profiles:
            if p.organisation not in orgs:
                orgs[p.organisation] = Organisation(
                    name=p.organisation,
                    normalised_name=normalise_name(p.organisation) + f" {len(orgs)}",
                    sector=p.sector,
                    region=p.region,
                    description=p.description,
                    offers="\n".join(p.offers),
                    needs="\n".join(p.needs),
                    themes=list(p.themes),
                    keywords=list(p.keywords),
                )
        session.add_all(orgs.values())
        session.flush()
        people = {
            p.id: Person(
                name=f"Osallistuja {k}",
                email=f"p{k}@bench.fi",
                organisation_id=orgs[p.organisation].id,
                language=p.language,
                consent_share_contact=k % 2 == 0,
            )
            for k, p in enumerate(profiles)
        }
        session.add_all(people.values())
        session.flush()
        assert event.id is not None
        session.add_all(Registration(person_id=person.id, event_id=event.id) for person in people.values())  # type: ignore[arg-type]
        for p, suggestions in zip(profiles, lists, strict=True):
            for rank, (target, score, reasons) in enumerate(suggestions, start=1):
                session.add(
                    StoredSuggestion(
                        event_id=event.id,
                        person_id=people[p.id].id,  # type: ignore[arg-type]
                        target_id=people[target].id,  # type: ignore[arg-type]
                        rank=rank,
                        score=score,
                        reasons=reasons,
                    )
                )
        session.commit()
        ids = [int(person.id) for person in people.values() if person.id is not None]
        event_id = event.id
    engine.dispose()
    return Loaded(event_id=event_id, person_ids=ids, seconds=time.perf_counter() - start)


def compute_lists(
    profiles: list[Profile],
) -> tuple[list[list[tuple[str, float, dict[str, list[str]]]]], float]:
    """Suggestions for every profile (k=5) with reasons rendered in fi/sv/en."""
    encoder = CachedEncoder()
    encoder.encode(Statements.of(profiles).all_texts())  # embedded once, then cached: not part of the time
    start = time.perf_counter()
    lists = suggest(profiles, k=5, embedder=encoder)
    out = [
        [
            (
                s.target_id,
                float(s.score),
                {lang: [r.render(lang) for r in s.reasons] for lang in ("fi", "sv", "en")},
            )
            for s in row
        ]
        for row in lists
    ]
    return out, time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = {**os.environ, "KOHTAAMO_DATABASE_URL": url, "KOHTAAMO_SECRET_KEY": SECRET, "HF_HUB_OFFLINE": "1"}
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    proc = subprocess.Popen(cmd, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
                if b"200 OK" in sock.recv(1024):
                    return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("uvicorn did not answer /healthz within 60 s")


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, token: str) -> int:
    writer.write(
        f"GET /me/suggestions HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
    )
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return status


async def run_load(
    port: int, tokens: list[str], rate: float, seconds: float, connections: int
) -> dict[str, float]:
    """Open-loop load at ``rate`` requests/s for ``seconds``; latency from each request's due time."""
    total = int(rate * seconds)
    queue: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        queue.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies = np.zeros(total)
    errors = 0
    loop = asyncio.get_running_loop()
    t0 = loop.time() + 0.1

    async def one(i: int) -> None:
        nonlocal errors
        due = t0 + i / rate
        await asyncio.sleep(max(0.0, due - loop.time()))
        conn = await queue.get()
        try:
            status = await _request(*conn, tokens[i % len(tokens)])
            errors += status != 200
        except (OSError, asyncio.IncompleteReadError, ValueError):
            errors += 1
            conn = await asyncio.open_connection("127.0.0.1", port)
        latencies[i] = loop.time() - due
        queue.put_nowait(conn)

    await asyncio.gather(*(one(i) for i in range(total)))
    elapsed = loop.time() - t0
    while not queue.empty():
        queue.get_nowait()[1].close()
    ms = latencies * 1000
    return {
        "requests": total,
        "errors": errors,
        "rps": total / elapsed,
        "p50": float(np.percentile(ms, 50)),
        "p90": float(np.percentile(ms, 90)),
        "p99": float(np.percentile(ms, 99)),
        "max": float(ms.max()),
    }


def _pg_database() -> tuple[str, sa.Engine, str]:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"kohtaamo_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return (
        sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False),
        admin,
        name,
    )


def bench_one(
    kind: str,
    url: str,
    profiles: list[Profile],
    lists: list[list[tuple[str, float, dict[str, list[str]]]]],
    args: argparse.Namespace,
) -> dict[str, float | str]:
    upgrade_database(url)
    loaded = load_event(url, profiles, lists)
    rng = np.random.default_rng(args.seed)
    signer = LinkSigner(SECRET, max_age_seconds=3600)
    chosen = rng.choice(loaded.person_ids, size=min(500, len(loaded.person_ids)), replace=False)
    tokens = [signer.dump(person_id=int(p), event_id=loaded.event_id) for p in chosen]
    proc, port = start_server(url, args.workers)
    try:
        asyncio.run(run_load(port, tokens, args.rate, 2.0, args.connections))  # warm-up
        cpu = _cpu_seconds(proc.pid)
        result: dict[str, float | str] = dict(
            asyncio.run(run_load(port, tokens, args.rate, args.seconds, args.connections))
        )
        result["cpu_ms"] = (_cpu_seconds(proc.pid) - cpu) * 1000 / float(result["requests"])
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    result["db"] = kind
    result["load_s"] = loaded.seconds
    print(f"{kind}: {result}", flush=True)
    return result


def _cpu_seconds(root: int) -> float:
    """User + system CPU seconds of process ``root`` and its children (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == root or int(fields[1]) == root:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def write_report(
    rows: list[dict[str, float | str]],
    args: argparse.Namespace,
    n: int,
    suggest_s: float,
    before: str,
    after: str,
) -> None:
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    command = f"python -m bench.api_load --rate {args.rate:.0f} --seconds {args.seconds:.0f} --workers {args.workers}"
    table = [
        "| database | requests | errors | achieved req/s | p50 ms | p90 ms | p99 ms | max ms | server CPU ms/req |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        table.append(
            f"| {r['db']} | {r['requests']:.0f} | {r['errors']:.0f} | {r['rps']:.1f} | {r['p50']:.1f} | "
            f"{r['p90']:.1f} | {r['p99']:.1f} | {r['max']:.1f} | {r['cpu_ms']:.2f} |"
        )
    lines = [
        f"Date {when}; machine {report.machine()}, shared with the whole team while measuring.",
        f"Load average before: `{before}`; after: `{after}`. Command: `{command}`.",
        "",
        f"Event: `bench.planted.generate_event(650, seed={args.seed}, people_per_org=(1, 3))`: {n} participants, "
        f"k=5 suggestions each stored with reasons in fi/sv/en (computed in {suggest_s:.1f} s on the default "
        "model's cached vectors; the GET path never touches the model).",
        f"Server: `uvicorn --factory api.app:create_app --workers {args.workers}` on loopback. Load: `GET /me/suggestions` with "
        f"500 random participants' link tokens, open loop at a fixed {args.rate:.0f} req/s for {args.seconds:.0f} s "
        f"over {args.connections} keep-alive connections, after a 2 s warm-up; latency counted from each "
        "request's due time. The Python load generator runs on the same 2 cores as the server.",
        "",
        *table,
        "",
        "Target: p99 under 50 ms at 200 req/s with 2 workers. `server CPU ms/req` is the CPU time of "
        "the uvicorn processes (from /proc) divided by the requests: a load-independent cost; "
        "PostgreSQL's own server processes are not included.",
    ]
    report.write_section("load", "\n".join(lines), RESULTS)
    headline = [
        f"`GET /me/suggestions` for a {n:,}-participant event at a fixed {args.rate:.0f} requests/s for "
        f"{args.seconds:.0f} s, {args.workers} uvicorn workers on loopback, the load generator on the same 2 cores. "
        f"Run of {when}, load `{before.split('load average:')[-1].strip()}` → `{after.split('load average:')[-1].strip()}` "
        f"(`{command}`; `results/api.md`):",
        "",
        *table,
        "",
        "Target: p99 under 50 ms. "
        + (
            "Met on both."
            if all(float(r["p99"]) < 50 and not r["errors"] for r in rows)
            else "**Not met everywhere.**"
        ),
    ]
    report.write_section("api-load", "\n".join(headline))
    print(f"wrote {RESULTS} and {report.HEADLINES}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args(argv)
    before = _uptime()
    event = generate_event(650, seed=args.seed, people_per_org=(1, 3))
    profiles = event.profiles
    lists, suggest_s = compute_lists(profiles)
    print(f"{len(profiles)} participants, suggestions in {suggest_s:.1f} s", flush=True)
    rows = []
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(bench_one("SQLite", f"sqlite:///{tmp}/bench.db", profiles, lists, args))
    if args.db in ("postgresql", "both"):
        url, admin, name = _pg_database()
        try:
            rows.append(bench_one("PostgreSQL", url, profiles, lists, args))
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    write_report(rows, args, len(profiles), suggest_s, before, _uptime())


if __name__ == "__main__":
    main()
