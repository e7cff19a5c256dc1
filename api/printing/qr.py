"""QR codes of participants' personal links, as inline SVG for the printed slips (segno:
pure Python, no image library), and the module matrix they encode (for checks).

Example:
    >>> svg = qr_svg("https://kohtaamo.example/p/abc")
    >>> svg.startswith("<svg") and 'class="qr"' in svg
    True
"""

from __future__ import annotations

import segno

ERROR_LEVEL = "m"
"""Medium error correction (15 %): survives a crease or a pen mark on a slip."""


def make_qr(url: str) -> segno.QRCode:
    """The QR code of ``url`` (byte mode, the smallest version that fits, error level M)."""
    if not url:
        raise ValueError("url: a QR code needs a non-empty link")
    return segno.make_qr(url, error=ERROR_LEVEL, boost_error=False)


def qr_svg(url: str, *, size_mm: float = 32.0) -> str:
    """``url`` as an inline ``<svg>`` of ``size_mm`` square (quiet zone included), black on white."""
    svg = make_qr(url).svg_inline(
        scale=1, dark="#000", light="#fff", svgclass="qr", lineclass=None, omitsize=True
    )
    # omitsize gives a viewBox in modules; the printed size is set in millimetres
    return svg.replace("<svg ", f'<svg width="{size_mm:g}mm" height="{size_mm:g}mm" ', 1)


def qr_matrix(url: str) -> list[list[bool]]:
    """The dark (True) and light modules of ``url``'s code, without the quiet zone."""
    return [[bool(m) for m in row] for row in make_qr(url).matrix]
