"""The report's charts (matplotlib SVG): labels and counts are text, the same input gives the
same bytes, an empty input a placeholder, no inline styles (the dashboard's CSP), matplotlib
only imported on first use, and the PDF keeps the charts' words as text."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from api.printing.charts import bar_chart, link_graph, presentation_attributes
from api.printing.pdf import html_to_pdf
from tests.printing_helpers import page_texts

SVG = "{http://www.w3.org/2000/svg}"
LINKS = [("public", "third", 4), ("public", "private", 1), ("third", "third", 2)]
NAMES = {"public": "julkinen sektori", "third": "järjestöt", "private": "yritykset"}


def _texts(svg: str) -> list[str]:
    return ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_bars_write_each_label_and_count_as_text() -> None:
    items = [("koulutus", 7), ("tutkimus", 3), ("hankkeet", 12)]
    texts = _texts(bar_chart(items, title="Sovittu yhteistyö"))
    for label, n in items:
        assert label in texts and str(n) in texts
    assert "Sovittu yhteistyö" in texts
    shares = _texts(bar_chart([("uusi toimija", 0.375)], title="Osuudet", percent=True))
    assert "38 %" in shares and "uusi toimija" in shares


def test_the_graph_writes_names_counts_and_meetings_within_a_group() -> None:
    texts = _texts(link_graph(LINKS, NAMES, title="Tapaamiset"))
    assert {"julkinen sektori", "järjestöt", "yritykset", "4", "1", "(2)"} <= set(texts)
    widths = [
        float(p.get("stroke-width", "0"))
        for g in ET.fromstring(link_graph(LINKS, NAMES, title="T")).iter(f"{SVG}g")
        if (g.get("id") or "").startswith("LineCollection")
        for p in g.iter(f"{SVG}path")
    ]
    assert len(widths) == 2 and max(widths) > 2 * min(widths)  # the width tells the count


def test_the_same_input_gives_the_same_bytes() -> None:
    assert bar_chart([("a", 1), ("b", 2)], title="T") == bar_chart([("a", 1), ("b", 2)], title="T")
    assert link_graph(LINKS, NAMES, title="T") == link_graph(list(reversed(LINKS)), NAMES, title="T")
    assert bar_chart([("a", 1)], title="T") != bar_chart([("a", 2)], title="T")


def test_an_empty_chart_says_so() -> None:
    assert sorted(_texts(bar_chart([], title="Teemat", empty="Ei vielä vastauksia."))) == [
        "Ei vielä vastauksia.",
        "Teemat",
    ]
    assert "No answers yet." in _texts(link_graph([], {}, title="Graph", empty="No answers yet."))


def test_charts_use_presentation_attributes_only_and_dejavu_at_9pt_or_more() -> None:
    for svg in (bar_chart([("a", 1)], title="T"), link_graph(LINKS, NAMES, title="G")):
        assert svg.startswith("<svg") and "style" not in svg and "<?xml" not in svg
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)]
        assert sizes and min(sizes) >= 9
        assert all(f.startswith("'DejaVu Sans'") for f in re.findall(r'font-family="([^"]+)"', svg))


def test_a_style_without_an_attribute_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="'mix-blend-mode'"):
        presentation_attributes('<svg><path style="mix-blend-mode: multiply"/></svg>')


def test_matplotlib_is_imported_on_first_use_only() -> None:
    code = (
        "import sys, api.printing.impact, api.printing.charts as c;"
        "assert 'matplotlib' not in sys.modules; c.bar_chart([('a', 1)], title='t');"
        "assert 'matplotlib' in sys.modules and 'matplotlib.pyplot' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_pdf_keeps_the_charts_words_as_text() -> None:
    charts = bar_chart([("koulutusyhteistyö", 5)], title="Sovittu") + link_graph(
        LINKS, NAMES, title="Tapaamiset"
    )
    pdf, pages = html_to_pdf(f"<!doctype html><html><body>{charts}</body></html>")
    text = " ".join(page_texts(pdf))
    assert pages >= 1 and "koulutusyhteistyö" in text and "julkinen sektori" in text
