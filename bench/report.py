"""Writing benchmark figures into the results files, between markers, with the machine's state.

Each benchmark regenerates its own tables: the detailed ones in ``bench/results/<area>.md`` and
its headline table in ``bench/RESULTS.md``, each between ``<!-- name:start -->`` and
``<!-- name:end -->``, so the text around them (notes, other benchmarks' sections) stays as it is.

Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "r.md"
    >>> _ = path.write_text("# R\\n\\n<!-- a:start -->\\nold\\n<!-- a:end -->\\nnotes\\n")
    >>> write_section("a", "new", path)
    >>> path.read_text()
    '# R\\n\\n<!-- a:start -->\\nnew\\n<!-- a:end -->\\nnotes\\n'
"""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path

HEADLINES = Path(__file__).parent / "RESULTS.md"


def write_section(name: str, body: str, path: Path = HEADLINES) -> None:
    """Replace (or append) the block between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def load() -> str:
    """The 1, 5 and 15 minute load averages, e.g. ``"1.43 1.63 2.73"``."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def now() -> str:
    """The current UTC date and time, e.g. ``"2026-11-23 01:09 UTC"``."""
    return f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"


def machine() -> str:
    """The machine in words: architecture, cores, memory, Python; CPU only unless CUDA is seen."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        memory = ""
    gpu = "GPU present" if Path("/proc/driver/nvidia/version").exists() else "CPU only"
    return f"{platform.machine()}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, {gpu}"
