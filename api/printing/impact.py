"""The impact report of an event or a tour as HTML (a page fragment for the dashboard, or a
whole document), as an A4 PDF (WeasyPrint) and as CSV. The charts are inline SVG drawn by
matplotlib (:mod:`api.printing.charts`), vector graphics in the PDF too.

The CSV is long and tidy, one figure a row (``section;label;key;value``, UTF-8 with a byte
order mark and ``;`` as Finnish Excel reads it): ``figure`` rows per event and for the tour,
then cooperation by type, wanted themes and meetings between sectors and regions.

Example:
    >>> from api.workflows.impact import Actor, EventData, tour_impact
    >>> from api.workflows.impact_data import ImpactReport
    >>> data = EventData(1, "E", None, {1: Actor(1, "private", None)})
    >>> report = ImpactReport("E", "event", 1, (data,), tour_impact([data]))
    >>> impact_csv(report).splitlines()[1]
    'figure;E;participants;1'
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from api.printing.charts import bar_chart, link_graph
from api.printing.impact_words import report_words
from api.printing.pdf import TEMPLATES, html_to_pdf
from api.workflows.impact import Impact
from api.workflows.impact_data import ImpactReport
from matcher.taxonomy import COOPERATION_TYPES, REGIONS, SECTOR_LABELS, THEMES

FIGURES = (
    ("participants", "participants", "count"),
    ("respondents", "respondents", "count"),
    ("new_actor", "new_actor_share", "share"),
    ("meetings", "meetings", "count"),
    ("cross_sector", "cross_sector_share", "share"),
    ("coverage", "coverage", "share"),
    ("gini", "exposure_gini", "ratio"),
    ("acceptance", "acceptance", "share"),
    ("usefulness", "mean_usefulness", "mean"),
    ("agreed_pairs", "agreed_pairs", "count"),
    ("followup", "followup_respondents", "count"),
    ("realised_pairs", "realised_pairs", "count"),
)
"""(word key, :class:`Impact` attribute, kind) of each figure, in the order shown."""


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "share":
        return f"{100 * value:.0f} %"
    if kind in ("ratio", "mean"):
        return f"{value:.2f}"
    return str(value)


def _labels(table: dict[str, Any], language: str) -> dict[str, str]:
    return {code: label.label(language) for code, label in table.items()}


def _context(report: ImpactReport, language: str) -> dict[str, Any]:
    w = report_words(language)
    impact = report.impact
    coop, themes = _labels(COOPERATION_TYPES, language), _labels(THEMES, language)
    columns = [*report.figures.events, report.figures.total] if report.scope == "tour" else [impact]

    def figure_rows(impacts: list[Impact]) -> list[tuple[str, list[str]]]:
        return [(w[key], [_shown(getattr(i, attr), kind) for i in impacts]) for key, attr, kind in FIGURES]

    def bars(pairs: tuple[tuple[str, int], ...], labels: dict[str, str], title: str) -> str:
        return bar_chart(
            [(labels.get(code, code), n) for code, n in pairs[:10]], title=title, empty=w["none"]
        )

    return {
        "w": w,
        "lang": language,
        "report": report,
        "heading": f"{w['title']}: {report.title}",
        "columns": [
            w["total"] if c is report.figures.total and report.scope == "tour" else c.label for c in columns
        ],
        "rows": figure_rows(columns),
        "shares": bar_chart(
            [(w[k], getattr(impact, a) or 0.0) for k, a, kind in FIGURES if kind == "share"],
            title=w["figures"],
            percent=True,
        ),
        "agreed": bars(impact.agreed, coop, w["agreed"]),
        "realised": bars(impact.realised, coop, w["realised"]),
        "themes": bars(impact.wanted_themes, themes, w["themes"]),
        "sector_graph": link_graph(
            impact.sector_links, _labels(SECTOR_LABELS, language), title=w["sector_graph"], empty=w["none"]
        ),
        "region_graph": link_graph(
            impact.region_links, _labels(REGIONS, language), title=w["region_graph"], empty=w["none"]
        ),
    }


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def impact_html(report: ImpactReport, language: str = "fi", *, fragment: bool = False) -> str:
    """The report as HTML: a whole printable document, or (``fragment``) the part a page embeds."""
    template = "impact_body.html.j2" if fragment else "impact.html.j2"
    return _environment().get_template(template).render(_context(report, language))


def impact_pdf(report: ImpactReport, language: str = "fi") -> tuple[bytes, int]:
    """The report as A4 PDF bytes, and the page count."""
    return html_to_pdf(impact_html(report, language))


def _csv_rows(report: ImpactReport) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    impacts = [*report.figures.events, report.figures.total] if report.scope == "tour" else [report.impact]
    for impact in impacts:
        for _, attr, kind in FIGURES:
            value = getattr(impact, attr)
            text = "" if value is None else f"{value:.4f}" if kind != "count" else str(value)
            rows.append(("figure", impact.label, attr, text))
    total = report.impact
    for section, pairs in (
        ("agreed", total.agreed),
        ("realised", total.realised),
        ("theme", total.wanted_themes),
    ):
        rows += [(section, total.label, code, str(n)) for code, n in pairs]
    for section, links in (("sectors", total.sector_links), ("regions", total.region_links)):
        rows += [(section, total.label, f"{a}|{b}", str(n)) for a, b, n in links]
    if report.learning is not None:
        rows.append(("learning", total.label, "use_learned", str(report.learning.use_learned).lower()))
        rows.append(("learning", total.label, "reason", report.learning.reason))
    return rows


def impact_csv(report: ImpactReport) -> str:
    """The report as CSV text (see the module docstring); write it with ``encoding="utf-8-sig"``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(("section", "label", "key", "value"))
    writer.writerows(_csv_rows(report))
    return out.getvalue()


REPORT_FORMATS = ("html", "pdf", "csv")
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf", "csv": "text/csv; charset=utf-8"}


def report_bytes(report: ImpactReport, fmt: str, language: str = "fi") -> bytes:
    """The report as a file's bytes in ``fmt`` (html, pdf or csv; anything else is an error
    naming the parameter)."""
    if fmt == "pdf":
        return impact_pdf(report, language)[0]
    if fmt == "csv":
        return impact_csv(report).encode("utf-8-sig")
    if fmt == "html":
        return impact_html(report, language).encode("utf-8")
    raise ValueError(f"format: {fmt!r} is not one of {', '.join(REPORT_FORMATS)}")


def summary_lines(report: ImpactReport, language: str = "fi") -> list[str]:
    """The report's key figures as lines of text (for the terminal), with the top cooperation
    types and wanted themes."""
    w, impact = report_words(language), report.impact
    lines = [f"{w['title']}: {report.title}"]
    lines += [f"  {w[key]}: {_shown(getattr(impact, attr), kind)}" for key, attr, kind in FIGURES]
    coop, themes = _labels(COOPERATION_TYPES, language), _labels(THEMES, language)
    for key, pairs, labels in (
        ("agreed", impact.agreed, coop),
        ("realised", impact.realised, coop),
        ("themes", impact.wanted_themes, themes),
    ):
        shown = ", ".join(f"{labels.get(code, code)} {n}" for code, n in pairs[:5]) or "–"
        lines.append(f"  {w[key]}: {shown}")
    return lines
