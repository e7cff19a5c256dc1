"""Uploads within limits: an over-size body, too many rows, a zip bomb or a forged sheet size
get a clear 413 (or 422 for a bad cell), never an out-of-memory kill (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from models.spreadsheet import SheetLimits, SheetTooLarge, SpreadsheetError, read_sheet_bytes
from tests.sheet_bombs import forged_dimension_xlsx, small_xlsx, zip_bomb_xlsx
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api, start_api

HEADER = "Etunimi;Sukunimi;Sähköposti;Organisaatio;Sektori\n"


def _rows(n: int) -> str:
    return "".join(f"Etu{k};Suku{k};p{k}@example.fi;Org {k % 7} Oy;yksityinen\n" for k in range(n))


@pytest.fixture
def small_api(api_url: str) -> Iterator[Api]:
    """The app with small limits: 1 MiB uploads, 5 rows, XLSX unpacking to at most 2 MiB."""
    yield from start_api(
        api_url, migrate=False, upload_max_mib=1, import_max_rows=5, import_max_unpacked_mib=2
    )


def _post(api: Api, token: str, event: int, data: Any, name: str = "ilmo.csv") -> Any:
    return api.client.post(
        f"/events/{event}/import", headers=api.auth(token), files={"file": (name, data, "text/csv")}
    )


def test_an_over_size_body_is_a_413_before_it_is_read(small_api: Api) -> None:
    a = small_api.organiser("a@example.fi")
    event = small_api.event(a)
    big = (HEADER + "x" * (2 * 1024 * 1024)).encode()
    response = _post(small_api, a, event, big)
    assert response.status_code == 413, response.text
    assert response.json()["detail"] == "request body: larger than 1 MiB (the limit)"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b"x" * (600 * 1024)
        yield b"x" * (600 * 1024)

    chunked = small_api.client.post(
        f"/events/{event}/import",
        headers={**small_api.auth(a), "Content-Type": "multipart/form-data; boundary=b"},
        content=chunks(),
    )
    assert chunked.status_code == 413, chunked.text
    # within the limit all is as before
    assert _post(small_api, a, event, (HEADER + _rows(2)).encode()).status_code == 200


def test_too_many_rows_is_a_413_and_nothing_is_imported(small_api: Api) -> None:
    a = small_api.organiser("a@example.fi")
    event = small_api.event(a)
    response = _post(small_api, a, event, (HEADER + _rows(6)).encode())
    assert response.status_code == 413, response.text
    assert response.json()["detail"] == "file: ilmo.csv: more than 5 data rows (the limit); split the file"
    assert (
        small_api.client.get(f"/events/{event}/registrations", headers=small_api.auth(a)).json()["total"] == 0
    )
    assert _post(small_api, a, event, (HEADER + _rows(5)).encode()).status_code == 200


def test_a_zip_bomb_is_a_413(small_api: Api) -> None:
    a = small_api.organiser("a@example.fi")
    event = small_api.event(a)
    bomb = zip_bomb_xlsx(unpacked_mib=50)
    assert len(bomb) < 1024 * 1024  # passes the body limit: only unpacking would hurt
    response = _post(small_api, a, event, bomb, name="ilmo.xlsx")
    assert response.status_code == 413, response.text
    assert "unpacks to 50 MiB, more than the 2 MiB allowed" in response.json()["detail"]


def test_a_huge_cell_is_a_422_naming_row_and_column(small_api: Api) -> None:
    a = small_api.organiser("a@example.fi")
    event = small_api.event(a)
    data = (HEADER + "Maija;Mäki;m@x.fi;" + "O" * 40_000 + ";yksityinen\n").encode()
    response = _post(small_api, a, event, data)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["msg"] == (
        "file: ilmo.csv: row 2, column 4: a cell of 40000 characters (at most 32767)"
    )


def test_the_default_limits_refuse_a_large_zip_bomb() -> None:
    bomb = zip_bomb_xlsx(unpacked_mib=300)
    with pytest.raises(SheetTooLarge, match="unpacks to 300 MiB, more than the 100 MiB allowed"):
        read_sheet_bytes(bomb, "pommi.xlsx")


def test_a_forged_sheet_size_pads_no_rows() -> None:
    rows = [["Etunimi", "Sukunimi"], ["Maija", "Mäki"], ["Erik", "Åberg"]]
    sheet = read_sheet_bytes(forged_dimension_xlsx(rows, "A1:XFD3"), "x.xlsx")
    assert sheet.headers == rows[0]
    assert [r.values for r in sheet.rows] == rows[1:]


def test_columns_past_the_limit_are_an_error() -> None:
    header = [f"c{i}" for i in range(5)]
    data = small_xlsx([header, ["a", "b", "c", "d", "e"]])
    with pytest.raises(SpreadsheetError, match="row 1 has more than 4 columns"):
        read_sheet_bytes(data, "x.xlsx", SheetLimits(max_columns=4))
    blank_tail = small_xlsx([[*header[:4], ""], ["a", "b", "c", "d"]])
    assert read_sheet_bytes(blank_tail, "x.xlsx", SheetLimits(max_columns=4)).headers == header[:4]


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Any) -> None:
    from models.spreadsheet import read_sheet

    path = tmp_path / "iso.csv"
    path.write_bytes((HEADER + _rows(50)).encode())
    with pytest.raises(SheetTooLarge, match=r"larger than 1000 bytes \(the limit\)"):
        read_sheet(path, SheetLimits(max_bytes=1000))
