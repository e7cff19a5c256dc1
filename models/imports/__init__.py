"""Import a registration spreadsheet (CSV or XLSX) into an event, all or nothing.

The import has three steps, each testable alone:

1. :func:`models.spreadsheet.read_sheet` reads the file (cp1252 or UTF-8, ``;``/``,``/tab, XLSX);
2. :func:`parse_sheet` (:mod:`models.imports.rows`) maps headers to fields
   (:mod:`models.imports.headers`: Finnish, Swedish and English headers, or the caller's own
   ``--mapping``) and validates every row, collecting *every* problem as "row 17, email:
   'maija@' is not a valid address" (row numbers as Excel shows them);
3. :func:`import_sheet` (:mod:`models.imports.run`) merges rows of one organisation, checks
   them against the stored ones and writes everything in one transaction with bulk
   statements (:mod:`models.imports.organisations`, :mod:`models.imports.people`).

By default nothing is written unless every row is valid (:class:`ImportErrors` carries the
full list). With ``skip_invalid=True`` the valid rows are written and the rejected ones go
to a file with a ``reason`` column. Re-importing updates and never duplicates: people are
keyed by e-mail (lower-cased), organisations by business ID or normalised name. Rows of one
organisation are merged: the first non-empty value of a single field wins (a different
later value is reported as a warning), offers, needs, themes, keywords and languages are
united. An empty cell never erases a stored value; a different value replaces it.

Example:
    >>> import sqlalchemy as sa, tempfile, os
    >>> from sqlmodel import Session
    >>> from models.db import make_engine, upgrade_database
    >>> from models.entities import Event
    >>> engine = make_engine("sqlite://", poolclass=sa.pool.StaticPool)
    >>> upgrade_database(engine)
    >>> with Session(engine) as s:
    ...     s.add(Event(name="Soteuttamo")); s.commit()
    >>> path = os.path.join(tempfile.mkdtemp(), "ilmo.csv")
    >>> _ = open(path, "w", encoding="utf-8-sig").write(
    ...     "Etunimi;Sukunimi;Sähköposti;Organisaatio;Sektori\\n"
    ...     "Maija;Mäki;maija@hoiva.fi;Hoiva Oy;yksityinen\\n")
    >>> import_file(engine, path, event_id=1).people_created
    1
    >>> import_file(engine, path, event_id=1).people_unchanged
    1
"""

from models.imports.headers import DEFAULT_MAPPING, FIELDS, extend_mapping, normalise_header
from models.imports.result import ImportResult
from models.imports.rows import ImportErrors, ParsedSheet, RowProblem, parse_sheet
from models.imports.run import Progress, default_rejected_path, import_bytes, import_file, import_sheet
from models.spreadsheet import SpreadsheetError

__all__ = [
    "DEFAULT_MAPPING",
    "FIELDS",
    "ImportErrors",
    "ImportResult",
    "ParsedSheet",
    "Progress",
    "RowProblem",
    "SpreadsheetError",
    "default_rejected_path",
    "extend_mapping",
    "import_bytes",
    "import_file",
    "import_sheet",
    "normalise_header",
    "parse_sheet",
]
