"""Spreadsheet import speed: 10,000 registration rows into SQLite and PostgreSQL.

    .venv/bin/python -m bench.import_speed [--rows 10000] [--repeats 5] [--pg URL] [--no-write]

Generates a realistic file (two people per organisation, multi-line offers, themes as
Finnish labels) as semicolon CSV in cp1252 and as XLSX, then times, for each database:
reading + validating only, a first import into an empty database, and a re-import of the
same file (every row found, nothing changed). Medians of ``--repeats`` runs. PostgreSQL
runs in a throwaway database on the server at ``--pg`` (skipped if it does not answer).
Writes the ``import`` section of ``bench/results/import.md`` and the ``import-speed`` table of
``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session

from bench import report
from models.db import make_engine, upgrade_database
from models.entities import Event
from models.imports import import_file, parse_sheet
from models.spreadsheet import read_sheet, write_sheet
from tests.import_helpers import FI_HEADERS

RESULTS = Path(__file__).parent / "results" / "import.md"
HEADERS = FI_HEADERS  # the sample event's columns, as the import tests write them
SECTORS = ("yksityinen", "julkinen", "kolmas sektori", "koulutus ja tutkimus")


def rows(n: int) -> list[list[str]]:
    """``n`` valid rows, two people per organisation (deterministic, no randomness needed)."""
    out = []
    for i in range(n):
        org = i // 2
        out.append(
            [
                f"Etu{i}",
                f"Sukunimi{i}",
                f"henkilo{i}@organisaatio{org}.fi",
                "asiantuntija",
                "suomi",
                f"Organisaatio {org} Oy",
                "",
                SECTORS[org % 4],
                "Kanta-Häme",
                "pieni",
                f"https://org{org}.example",
                f"Organisaatio {org} tuottaa palveluja Hämeenlinnassa.",
                f"Kotihoidon palvelu {org}\nKuntoutus {org}\nVertaistuki",
                f"Tarve {org}\nKumppani hankkeeseen",
                "kotihoito, kuntoutus, digitaaliset palvelut",
                "omaishoito, lomitus",
                "fi, sv",
                "kyllä",
                "ei",
                "ennakko" if i % 7 else "paikan päällä",
            ]
        )
    return out


def write_csv(path: Path, data: list[list[str]]) -> Path:
    def cell(v: str) -> str:
        return f'"{v}"' if any(c in v for c in ';"\n') else v

    text = "\r\n".join(";".join(cell(v) for v in row) for row in [HEADERS, *data]) + "\r\n"
    path.write_bytes(text.encode("cp1252"))
    return path


def timed(fn: Callable[[], object], repeats: int, setup: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(repeats):
        if setup:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fresh(url: str) -> sa.Engine:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
    else:
        Path(engine.url.database or "").unlink(missing_ok=True)
        engine.dispose()
        engine = make_engine(url)
    upgrade_database(engine)
    with Session(engine) as s:
        s.add(Event(name="bench"))
        s.commit()
    return engine


def bench_db(name: str, url: str, path: Path, repeats: int) -> tuple[float, float]:
    """Median seconds of a first import into an empty database and of a re-import of the same file."""
    state: dict[str, sa.Engine] = {}

    def setup() -> None:
        if "engine" in state:
            state["engine"].dispose()
        state["engine"] = fresh(url)

    first = timed(lambda: import_file(state["engine"], path, event_id=1), repeats, setup)
    again = timed(lambda: import_file(state["engine"], path, event_id=1), repeats)
    state["engine"].dispose()
    return first, again


def pg_url(admin: str) -> tuple[str, Callable[[], None]] | None:
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            db = f"kohtaamo_bench_{uuid.uuid4().hex[:8]}"
            conn.execute(sa.text(f'CREATE DATABASE "{db}"'))
    except sa.exc.OperationalError:
        return None

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        engine.dispose()

    return sa.make_url(admin).set(database=db).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "KOHTAAMO_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/results alone")
    args = parser.parse_args()
    when, start = report.now(), report.load()
    tmp = Path(tempfile.mkdtemp())
    data = rows(args.rows)
    csv_path = write_csv(tmp / "ilmo.csv", data)
    xlsx_path = write_sheet(tmp / "ilmo.xlsx", HEADERS, data)
    parse_sheet(read_sheet(csv_path))  # warm-up: one-off imports and caches are not the import's speed
    read = {
        p.suffix[1:]: timed(lambda p=p: parse_sheet(read_sheet(p)), args.repeats)
        for p in (csv_path, xlsx_path)
    }
    stored = {
        ("SQLite", p.suffix[1:]): bench_db("SQLite", f"sqlite:///{tmp / 'bench.db'}", p, args.repeats)
        for p in (csv_path, xlsx_path)
    }
    pg = pg_url(args.pg)
    if pg is not None:
        try:
            stored["PostgreSQL 15", "csv"] = bench_db("PostgreSQL 15", pg[0], csv_path, args.repeats)
        finally:
            pg[1]()
    end = report.load()
    command = f"python -m bench.import_speed --rows {args.rows} --repeats {args.repeats}"
    table = [
        f"| stage | file | what | median of {args.repeats} |",
        "|---|---|---|---|",
        *(f"| read + validate | {f} | {args.rows} rows, no database | {t:.2f} s |" for f, t in read.items()),
    ]
    for (db, f), (first, again) in stored.items():
        table += [
            f"| {db} | {f} | first import (all new) | {first:.2f} s |",
            f"| {db} | {f} | re-import (all unchanged) | {again:.2f} s |",
        ]
    detail = [
        f"`{command}`, {when}, {report.machine()}.",
        f"Load average at start / end: {start} / {end} (the machine is shared; compare rows of one run, not across runs).",
        "",
        f"{args.rows} rows = {args.rows} people, {args.rows // 2} organisations, one event; one transaction per import.",
        "",
        *table,
    ]
    headline = [
        f"{args.rows:,} rows ({args.rows // 2:,} organisations), median of {args.repeats} runs, {when}, load {start} → {end} "
        f"(`{command}`; `results/import.md`):",
        "",
        "| step | time |",
        "|---|---|",
        f"| read and validate CSV / XLSX, no database | {read['csv']:.2f} s / {read['xlsx']:.2f} s |",
        *(
            f"| {db}, first import / re-import ({f.upper()}) | {first:.2f} s / {again:.2f} s |"
            for (db, f), (first, again) in stored.items()
        ),
    ]
    print("\n".join([*detail, "", *headline]))
    if not args.no_write:
        report.write_section("import", "\n".join(detail), RESULTS)
        report.write_section("import-speed", "\n".join(headline))


if __name__ == "__main__":
    main()
