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
