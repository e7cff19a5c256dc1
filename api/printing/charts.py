"""Charts for reports as SVG text, drawn to read in black-and-white print: horizontal bars
with their numbers written on them, and a graph of who met whom (networkx lays it out; line
width and a number on each line give the count, a loop-free label says "within").

The SVG uses presentation attributes only (no ``style``), so the dashboard's Content Security
Policy lets it render inline, and WeasyPrint prints it as vector graphics.

Example:
    >>> svg = bar_chart([("koulutus", 3), ("tutkimus", 1)], title="Sovittu yhteistyö")
    >>> svg.startswith("<svg") and "koulutus" in svg and ">3<" in svg
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import networkx as nx

FONT = "DejaVu Sans, Arial, sans-serif"
INK, GREY, PALE = "#000000", "#555555", "#d9d9d9"


def _text(
    x: float, y: float, body: str, *, size: int = 12, anchor: str = "start", weight: str = "normal"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" fill="{INK}"'
        f' text-anchor="{anchor}" font-weight="{weight}">{escape(body)}</text>'
    )


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def bar_chart(
    items: Sequence[tuple[str, float]], *, title: str, width: int = 560, percent: bool = False
) -> str:
    """Horizontal bars, one per ``(label, value)``, longest first as given; ``percent``: values
    are shares (0-1), written as per cent."""
    row, label_w, top = 24, min(250, width // 2), 28
    height = top + row * max(1, len(items)) + 8
    peak = max((v for _, v in items), default=0) or 1
    body = [_text(0, 16, title, size=13, weight="bold")]
    for i, (label, value) in enumerate(items):
        y = top + i * row
        length = (width - label_w - 60) * (value / peak)
        shown = f"{100 * value:.0f} %" if percent else f"{value:g}"
        short = label if len(label) <= 36 else label[:35].rstrip() + "…"
        body.append(_text(label_w - 6, y + 15, short, anchor="end"))
        body.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{max(length, 1):.1f}" height="{row - 8}"'
            f' fill="{PALE}" stroke="{INK}" stroke-width="0.8"/>'
        )
        body.append(_text(label_w + max(length, 1) + 4, y + 15, shown))
    if not items:
        body.append(_text(label_w, top + 15, "–"))
    return _svg(width, height, title, body)


def link_graph(
    links: Sequence[tuple[str, str, int]], labels: dict[str, str], *, title: str, size: int = 360
) -> str:
    """A graph of meetings between groups (sectors or regions): a node per group, a line per
    pair of groups, as wide as its share of the meetings and marked with the count; meetings
    within a group are written under its name."""
    graph = nx.Graph()
    within: dict[str, int] = {}
    for a, b, n in links:
        graph.add_node(a)
        graph.add_node(b)
        if a == b:
            within[a] = within.get(a, 0) + n
        else:
            graph.add_edge(a, b, weight=n)
    nodes = sorted(graph.nodes)
    width, centre = size + 340, (size / 2 + 170, size / 2 + 20)
    positions = nx.circular_layout(nodes, scale=size / 2 - 30, center=centre)
    peak = max((d["weight"] for *_, d in graph.edges(data=True)), default=1)
    body = [_text(0, 16, title, size=13, weight="bold")]
    for a, b, data in sorted(graph.edges(data=True)):
        (x1, y1), (x2, y2) = positions[a], positions[b]
        body.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{GREY}"'
            f' stroke-width="{1 + 9 * data["weight"] / peak:.1f}" stroke-linecap="round"/>'
        )
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        body.append(
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="11" fill="#ffffff" stroke="{INK}" stroke-width="0.8"/>'
        )
        body.append(_text(mx, my + 4, str(data["weight"]), size=11, anchor="middle"))
    for node in nodes:
        x, y = positions[node]
        angle = math.atan2(y - centre[1], x - centre[0])
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{INK}"/>')
        lx, ly = x + 22 * math.cos(angle), y + 22 * math.sin(angle) + 4
        anchor = "start" if math.cos(angle) > 0.3 else "end" if math.cos(angle) < -0.3 else "middle"
        body.append(_text(lx, ly, labels.get(node, node), anchor=anchor, weight="bold"))
        if within.get(node):
            body.append(_text(lx, ly + 15, f"({within[node]})", size=11, anchor=anchor))
    if not nodes:
        body.append(_text(centre[0], centre[1], "–", anchor="middle"))
    return _svg(width, size + 50, title, body)
