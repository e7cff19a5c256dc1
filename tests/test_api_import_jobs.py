"""The bulk import endpoint as a background job (SQLite and PostgreSQL): large files, or any
with ``background=true``, answer 202 with a job whose result is the import summary, or whose
failure carries the same row-level problems as the synchronous 422."""

from __future__ import annotations

from typing import Any

from api.routes.imports import BACKGROUND_ROWS
from tests.test_api_support import *  # noqa: F403  (the api fixtures)
from tests.test_api_support import Api

HEADER = "Etunimi;Sukunimi;Sähköposti;Organisaatio;Sektori\n"
CSV_BAD = (
    HEADER
    + "Maija;Mäki;maija@;Hoiva Oy;yksityinen\nPekka;Puro;pekka@kunta.fi;Kunta;julkinen\nAino;Aho;aino@x.fi;X Oy;planeetta\n"
)


def _post(api: Api, token: str, event: int, data: bytes, **params: Any) -> Any:
    return api.client.post(
        f"/events/{event}/import",
        headers=api.auth(token),
        params=params,
        files={"file": ("ilmo.csv", data, "text/csv")},
    )


def test_a_refused_background_import_lists_the_same_row_problems(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    sync = _post(api, a, event, CSV_BAD.encode())
    assert sync.status_code == 422
    assert [(p["row"], p["field"]) for p in sync.json()["detail"]] == [(2, "email"), (4, "sector")]
    started = _post(api, a, event, CSV_BAD.encode(), background=True)
    assert started.status_code == 202, started.text
    assert started.json()["kind"] == "import" and started.json()["event_id"] == event
    job = api.wait_job(a, started.json())
    assert job["status"] == "failed"
    assert job["result"]["problems"] == sync.json()["detail"]
    assert "2 problem(s), nothing imported" in job["message"]
    assert api.client.get(f"/events/{event}/registrations", headers=api.auth(a)).json()["total"] == 0
    skipped = api.wait_job(
        a, _post(api, a, event, CSV_BAD.encode(), background=True, skip_invalid=True).json()
    )
    assert skipped["status"] == "succeeded", skipped["message"]
    assert skipped["result"]["created"]["people"] == 1 and [
        r["row"] for r in skipped["result"]["rejected"]
    ] == [2, 4]
    # a file that cannot be read at all is refused at once, job or not
    unreadable = _post(api, a, event, b"", background=True)
    assert unreadable.status_code == 422 and unreadable.json() == _post(api, a, event, b"").json()
    assert unreadable.json()["detail"][0]["msg"].startswith("file:")


def test_a_large_file_is_imported_in_the_background(api: Api) -> None:
    a = api.organiser("a@example.fi")
    event = api.event(a)
    n = BACKGROUND_ROWS + 1
    rows = "".join(f"Etu{k};Suku{k};p{k}@example.fi;Org {k % 40} Oy;yksityinen\n" for k in range(n))
    started = _post(api, a, event, (HEADER + rows).encode())
    assert started.status_code == 202, started.text
    job = api.wait_job(a, started.json())
    assert job["status"] == "succeeded", job["message"]
    assert job["progress"] == 1.0 and job["result"]["rows"] == n
    assert job["result"]["created"] == {"organisations": 40, "people": n, "registrations": n}
    assert api.client.get(f"/events/{event}/registrations", headers=api.auth(a)).json()["total"] == n
    small = _post(api, a, event, (HEADER + rows.splitlines(keepends=True)[0]).encode())
    assert small.status_code == 200, "a small file stays synchronous"
    assert small.json()["rows"] == 1 and small.json()["created"]["people"] == 0  # already there
    assert api.client.get(f"/events/{event}/registrations", headers=api.auth(a)).json()["total"] == n
    b = api.organiser("b@example.fi")
    assert _post(api, b, event, (HEADER + rows).encode()).status_code == 404
