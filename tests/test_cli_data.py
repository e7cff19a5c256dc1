"""The data commands through the real entry point: exit codes, one-line errors, files written."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from api import cli
from models.spreadsheet import read_sheet
from tests.import_helpers import ERIK, MAIJA, with_value, write_csv


def run(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["kohtaamo", *argv])
    monkeypatch.setenv("COLUMNS", "200")
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    return ["--database-url", f"sqlite:///{tmp_path / 'cli.db'}"]


def test_event_import_export_round(
    db: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        ["event", "create", "Soteuttamo", "--region", "kanta_hame", "--date", "2026-12-03", *db],
        monkeypatch,
        capsys,
    )
    assert (code, out.strip()) == (0, "Created event 1: Soteuttamo")
    code, out, _ = run(
        ["import", str(write_csv(tmp_path / "a.csv", [MAIJA, ERIK])), "--event", "Soteuttamo", *db],
        monkeypatch,
        capsys,
    )
    assert code == 0 and "2/2 rows imported: people 2 new" in out
    code, out, _ = run(["event", "list", *db], monkeypatch, capsys)
    assert code == 0 and "Soteuttamo" in out and "2026-12-03" in out
    code, out, _ = run(
        [
            "export",
            "--what",
            "registrations",
            "--format",
            "xlsx",
            "--out",
            str(tmp_path / "r.xlsx"),
            "--event",
            "1",
            *db,
        ],
        monkeypatch,
        capsys,
    )
    assert code == 0 and "Wrote 2 registrations" in out
    assert [r.values[4] for r in read_sheet(tmp_path / "r.xlsx").rows] == [
        "maija.makinen@hoiva-aurinko.fi",
        "erik.aberg@vard.example",
    ]


def test_invalid_rows_exit_1_with_problems_and_one_error_line(
    db: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(["event", "create", "E", *db], monkeypatch, capsys)
    path = write_csv(tmp_path / "a.csv", [MAIJA, with_value(ERIK, "Sähköposti", "erik@")])
    code, out, err = run(["import", str(path), "--event", "1", *db], monkeypatch, capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0].strip() == "row 3, email: 'erik@' is not a valid address"
    assert lines[-1].startswith("error: ") and "1 problem(s), nothing imported" in lines[-1]
    assert "Traceback" not in err

    code, out, err = run(
        [
            "import",
            str(path),
            "--event",
            "1",
            "--skip-invalid",
            "--rejected-out",
            str(tmp_path / "rej.csv"),
            *db,
        ],
        monkeypatch,
        capsys,
    )
    assert code == 0 and "1 rows rejected" in out
    assert read_sheet(tmp_path / "rej.csv").rows[0].values[-1] == "email: 'erik@' is not a valid address"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "{missing}", "--event", "1"], "cannot read the file"),
        (["import", "{utf16}", "--event", "1"], "UTF-16"),
        (["import", "{ok}", "--event", "Ei ole"], "--event: no event with id or name 'Ei ole'"),
        (["import", "{ok}", "--event", "1", "--mapping", '{"Kenkä": "kenkä"}'], "unknown field 'kenkä'"),
        (["import", "{ok}", "--event", "1", "--mapping", "{oops"], "--mapping: not valid JSON"),
        (["export", "--what", "kissat", "--out", "{tmp}/x.csv"], "--what: 'kissat' is not one of"),
        (
            ["export", "--what", "people", "--format", "ods", "--out", "{tmp}/x.csv"],
            "--format: 'ods' is not csv or xlsx",
        ),
        (["event", "create", "X", "--region", "mars"], "--region: 'mars' is not one of"),
        (["event", "create", "X", "--date", "3.12.2026"], "--date: '3.12.2026' is not a date"),
    ],
)
def test_errors_are_one_line(
    argv: list[str],
    message: str,
    db: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(["event", "create", "E", *db], monkeypatch, capsys)
    (tmp_path / "u16.csv").write_bytes("Etunimi;Sähköposti\r\n".encode("utf-16"))
    names = {
        "missing": str(tmp_path / "nope.csv"),
        "utf16": str(tmp_path / "u16.csv"),
        "ok": str(write_csv(tmp_path / "ok.csv", [MAIJA])),
        "tmp": str(tmp_path),
    }
    code, _, err = run(
        [
            a.format(**names) if "{" in a and "}" in a and not a.startswith('{"') and a != "{oops" else a
            for a in argv
        ]
        + db,
        monkeypatch,
        capsys,
    )
    assert code == 1
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("error: ") and message in err


def test_db_upgrade_is_repeatable(
    db: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["db", "upgrade", *db], monkeypatch, capsys)
    assert code == 0 and "(was empty)" in out
    code, out, _ = run(["db", "upgrade", *db], monkeypatch, capsys)
    assert code == 0 and "(was empty)" not in out
