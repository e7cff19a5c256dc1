"""Charts for reports as SVG text, drawn with matplotlib to read in black-and-white print:
horizontal grey bars, hatched and outlined in black, with their numbers written at each bar,
and a graph of who met whom (networkx lays it out with a fixed seed; line width and a number
on each line give the count, meetings within a group are written under its name).

matplotlib is imported on first use (the server does not pay for it at start-up), and only
its object API is used (a :class:`~matplotlib.figure.Figure` with the SVG canvas, never
pyplot's global state). The output is deterministic: the same input gives the same bytes
(no date in the metadata, a fixed ``svg.hashsalt``). Text stays text (``svg.fonttype:
none``), so labels can be searched in the page and the PDF. matplotlib writes its styles as
``style`` attributes; :func:`presentation_attributes` turns them into presentation
attributes, so the dashboard's Content Security Policy (no inline styles) lets the SVG render
inline, and WeasyPrint prints it as vector graphics.

Example:
    >>> svg = bar_chart([("koulutus", 3), ("tutkimus", 1)], title="Sovittu yhteistyö")
    >>> svg.startswith("<svg") and ">koulutus</text>" in svg and ">3</text>" in svg
    True
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONT = "DejaVu Sans"
INK, GREY, PALE = "#000000", "#555555", "#d9d9d9"
TEXT_PT, TITLE_PT = 9, 11
LAYOUT_SEED = 11
# The CSS properties matplotlib writes that SVG also takes as presentation attributes.
PRESENTATION = frozenset(
    (
        *("fill", "fill-opacity", "fill-rule", "opacity", "clip-path"),
        *("stroke", "stroke-width", "stroke-linejoin", "stroke-linecap", "stroke-opacity"),
        *("stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit"),
        *("font-size", "font-family", "font-weight", "font-style", "text-anchor", "dominant-baseline"),
    )
)
_STYLE = re.compile(r'\sstyle="([^"]*)"')
_SHEET = re.compile(r"<style[^>]*>\*\{([^}]*)\}</style>")


def _attributes(css: str) -> str:
    out = []
    for declaration in filter(None, (d.strip() for d in css.split(";"))):
        name, _, value = (part.strip() for part in declaration.partition(":"))
        if name not in PRESENTATION:
            raise ValueError(f"svg style: {name!r} has no presentation attribute")
        out.append(f'{name}="{value}"')
    return " " + " ".join(out) if out else ""


def presentation_attributes(svg: str) -> str:
    """matplotlib's SVG without XML prolog, metadata or CSS: each ``style`` attribute and the
    global ``*{...}`` sheet become presentation attributes (a CSP without inline styles
    allows those); a property with no such attribute is an error naming it.

    Example:
        >>> presentation_attributes('<svg><style>*{stroke-linecap: butt}</style>'
        ...     '<path style="fill: #000"/></svg>')
        '<svg stroke-linecap="butt"><path fill="#000"/></svg>'
    """
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    sheet = _SHEET.search(svg)
    if sheet:
        svg = svg.replace(sheet.group(0), "")
        svg = svg.replace("<svg", "<svg" + _attributes(sheet.group(1)), 1)
    svg = re.sub(r"<defs>\s*</defs>", "", svg)
    return _STYLE.sub(lambda m: _attributes(m.group(1)), svg).strip()


def _figure(width_pt: float, height_pt: float) -> Figure:
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_pt / 72, height_pt / 72), dpi=72, facecolor="white")
    FigureCanvasSVG(figure)
    return figure


def _svg(figure: Figure, title: str) -> str:
    import matplotlib

    out = io.StringIO()
    salt = f"kohtaamo {title}"  # fixed ids (clip paths, hatches), distinct per chart on a page
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none", "font.family": FONT}):
        figure.savefig(out, format="svg", metadata={"Date": None, "Title": title})
    svg = presentation_attributes(out.getvalue())
    label = f' role="img" aria-label="{escape(title)}"'
    return svg.replace("<svg", "<svg" + label, 1)


def _bare(axes: Any, title: str) -> None:
    axes.figure.text(0.005, 0.99, title, va="top", fontsize=TITLE_PT, fontweight="bold", fontfamily=FONT)
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.set_xticks([])


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    width: int = 560,
    percent: bool = False,
    empty: str = "–",
) -> str:
    """Horizontal bars, one per ``(label, value)``, top to bottom as given; ``percent``: values
    are shares (0-1), written as per cent; without items, the ``empty`` text stands alone.

    Example:
        >>> ">40 %</text>" in bar_chart([("uusi", 0.4)], title="Osuudet", percent=True)
        True
    """
    figure = _figure(width, 40 + 22 * max(1, len(items)))
    axes = figure.add_axes((0.42, 0.04, 0.5, 1 - 0.04 - 30 / (40 + 22 * max(1, len(items)))))
    _bare(axes, title)
    peak = max((v for _, v in items), default=0) or 1
    rows = range(len(items))
    axes.barh(
        list(rows), [v for _, v in items], height=0.62, color=PALE, edgecolor=INK, linewidth=0.8, hatch="///"
    )
    for row, (_, value) in zip(rows, items, strict=True):
        shown = f"{100 * value:.0f} %" if percent else f"{value:g}"
        axes.text(value + peak * 0.02, row, shown, va="center", fontsize=TEXT_PT, fontfamily=FONT)
    short = [label if len(label) <= 36 else label[:35].rstrip() + "…" for label, _ in items]
    axes.set_yticks(list(rows), labels=short, fontsize=TEXT_PT, fontfamily=FONT)
    axes.tick_params(axis="y", length=0)
    axes.set_xlim(0, peak * 1.18)
    axes.set_ylim(max(len(items), 1) - 0.5, -0.5)  # the first item on top
    if not items:
        axes.spines["left"].set_visible(False)
        axes.text(0, 0, empty, va="center", fontsize=TEXT_PT, fontfamily=FONT)
    return _svg(figure, title)


def link_graph(
    links: Sequence[tuple[str, str, int]],
    labels: dict[str, str],
    *,
    title: str,
    size: int = 360,
    empty: str = "–",
) -> str:
    """A graph of meetings between groups (sectors or regions): a node per group, a line per
    pair of groups, as wide as its share of the meetings and marked with the count; meetings
    within a group are written in brackets under its name; without links, ``empty`` stands.

    Example:
        >>> svg = link_graph([("a", "b", 2), ("a", "a", 1)], {"a": "A"}, title="Tapaamiset")
        >>> ">2</text>" in svg and ">(1)</text>" in svg
        True
    """
    import networkx as nx

    graph = nx.Graph()
    within: dict[str, int] = {}
    for a, b, n in sorted(links):
        graph.add_nodes_from((a, b))
        if a == b:
            within[a] = within.get(a, 0) + n
        else:
            graph.add_edge(a, b, weight=n)
    figure = _figure(size + 200, size + 30)
    axes = figure.add_axes((0.02, 0.02, 0.96, 1 - 0.02 - 26 / (size + 30)))
    _bare(axes, title)
    axes.spines["left"].set_visible(False)
    axes.set_yticks([])
    if graph.number_of_nodes() == 0:
        axes.text(0.5, 0.5, empty, ha="center", va="center", fontsize=TEXT_PT, fontfamily=FONT)
        return _svg(figure, title)
    _draw_graph(axes, graph, labels, within)
    return _svg(figure, title)


def _draw_graph(axes: Any, graph: Any, labels: dict[str, str], within: dict[str, int]) -> None:
    import networkx as nx

    sub = nx.Graph()
    sub.add_nodes_from(sorted(graph.nodes))
    sub.add_edges_from(sorted(graph.edges(data=True)))
    positions = nx.spring_layout(sub, seed=LAYOUT_SEED, weight=None)
    edges = list(sub.edges(data="weight"))
    peak = max((n for *_, n in edges), default=1)
    nx.draw_networkx_edges(
        sub, positions, ax=axes, edge_color=GREY, width=[1 + 7 * n / peak for *_, n in edges]
    )
    nx.draw_networkx_nodes(sub, positions, ax=axes, node_color=INK, node_size=60)
    nx.draw_networkx_edge_labels(
        sub,
        positions,
        ax=axes,
        edge_labels={(a, b): str(n) for a, b, n in edges},
        font_size=TEXT_PT,
        font_family=FONT,
        rotate=False,
        bbox={"boxstyle": "circle,pad=0.25", "facecolor": "white", "edgecolor": INK, "linewidth": 0.8},
    )
    for node, (x, y) in positions.items():
        axes.text(x, y + 0.07, labels.get(node, node), ha="center", va="bottom", fontsize=TEXT_PT,
                  fontweight="bold", fontfamily=FONT)  # fmt: skip
        if within.get(node):
            axes.text(
                x, y - 0.07, f"({within[node]})", ha="center", va="top", fontsize=TEXT_PT, fontfamily=FONT
            )
    axes.margins(0.22)
