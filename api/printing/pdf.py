"""Draw a :class:`~api.printing.document.Printout` as HTML (Jinja2 templates and print CSS in
``api/printing/templates/``) and turn it into an A4 PDF with WeasyPrint.

WeasyPrint needs Pango and HarfBuzz from the system (Debian: ``libpango-1.0-0
libpangoft2-1.0-0 libharfbuzz-subset0``, and ``fonts-dejavu-core`` for a font with ä, ö, å;
``make demo`` and ``make test`` install them); without them :func:`html_to_pdf` fails with one
line naming the packages. It is imported on first use, so the server starts without it.

Example:
    >>> from api.printing.document import Printout
    >>> html = render_html(Printout("Soteuttamo", "", "fi", 1, rounds=((),)), PrintWhat.TABLES)
    >>> "Pöytäsuunnitelma – Kierros 1" in html
    True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from api.printing.document import Printout, PrintWhat
from api.printing.texts import role_words, sector_legend, sector_mark, words
from matcher.taxonomy import SECTOR_LABELS

TEMPLATES = Path(__file__).resolve().parent / "templates"
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
_TITLES = {PrintWhat.TABLES: "tables_title", PrintWhat.CARDS: "cards_title", PrintWhat.SLIPS: "slips_title"}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates' Jinja2 environment (HTML-escaped, undefined names are errors)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(printout: Printout, what: PrintWhat) -> str:
    """The HTML of ``what`` (tables, cards, slips, or all three in that order)."""
    w = words(printout.lang)
    parts = [p.value for p in what.parts]
    title = " · ".join(w[_TITLES[p]] for p in what.parts)
    return (
        environment()
        .get_template("base.html.j2")
        .render(
            printout=printout,
            parts=parts,
            title=title,
            w=w,
            legend=sector_legend(printout.lang),
            mark=lambda code: sector_mark(code, printout.lang),
            role=lambda m: role_words(printout.lang, host=m.host, facilitator=m.facilitator),
            sector_label=lambda code: SECTOR_LABELS[code].label(printout.lang),
        )
    )


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """``html`` as PDF bytes and their page count (WeasyPrint); missing system libraries are
    one clear error."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # cffi could not open Pango: the system packages are missing
        raise RuntimeError(
            f"PDF printing needs the system packages {SYSTEM_PACKAGES} "
            f"(apt-get install -y --no-install-recommends {SYSTEM_PACKAGES}): {exc}"
        ) from None
    document = HTML(string=html, base_url=str(TEMPLATES)).render()
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf), len(document.pages)


def render_pdf(printout: Printout, what: PrintWhat) -> tuple[bytes, int]:
    """``what`` of ``printout`` as an A4 PDF, and its page count."""
    return html_to_pdf(render_html(printout, what))
