"""The engine stays pure: matcher/ never imports the database, web or e-mail layers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

FORBIDDEN = {"sqlmodel", "sqlalchemy", "fastapi", "starlette", "jinja2", "smtplib", "models", "api"}
MATCHER = Path(__file__).resolve().parents[1] / "matcher"


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(MATCHER.rglob("*.py")), ids=lambda p: p.name)
def test_matcher_module_imports_nothing_forbidden(path: Path) -> None:
    assert not (_imported_roots(path) & FORBIDDEN)


def test_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import smtplib\nfrom sqlmodel import Field\n", encoding="utf-8")
    assert _imported_roots(bad) & FORBIDDEN == {"smtplib", "sqlmodel"}


def test_models_do_not_import_api() -> None:
    models = Path(__file__).resolve().parents[1] / "models"
    for path in models.rglob("*.py"):
        assert "api" not in _imported_roots(path), path


def _matcher_imports(path: Path) -> set[str]:
    """Modules of matcher/ that ``path`` imports, at any depth of the file (function bodies too).

    ``from matcher import embed`` names the module ``matcher.embed``; names that are not modules
    drop out later, when only the modules of the package are kept.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {n for n in found if n.startswith("matcher.")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(MATCHER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_matcher_has_no_import_cycle() -> None:
    graph = {_module_name(p): _matcher_imports(p) for p in MATCHER.rglob("*.py")}
    graph = {m: {d for d in deps if d in graph and d != "matcher" and d != m} for m, deps in graph.items()}
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            assert state.get(dep) != 1, "import cycle: " + " -> ".join([*path, module, dep])
            if dep not in state:
                visit(dep, [*path, module])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    assert "matcher.encoders.registry" in graph and "matcher.embed" in graph  # the walk saw the package
