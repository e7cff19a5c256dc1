"""The project's shape holds: small files, no import cycles anywhere, the server free of the
terminal's libraries, every table and command module named explicitly (nothing skipped in
silence), and stored enum columns that fail loudly on an unknown value."""

from __future__ import annotations

import ast
import subprocess
import sys
from enum import StrEnum
from pathlib import Path

import pytest
import sqlalchemy as sa

from api.cli import commands as cli_main
from models import db
from models.types import StrEnumColumn

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("matcher", "models", "api")
MAX_LINES = 400


def _python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", ["api", "models"])
def test_no_file_in_api_or_models_is_over_400_lines(package: str) -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in _python_files(package)
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Project modules ``path`` imports, at any depth (function bodies too); ``from a import b``
    counts ``a.b`` as well, which drops out later where ``b`` is not a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {n for n in found if n.split(".")[0] in PACKAGES}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = 1
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                return [*path, module, dep]
            if dep not in state and (found := visit(dep, [*path, module])):
                return found
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module, [])):
            return found
    return None


def test_no_import_cycle_in_the_project() -> None:
    files = [p for package in PACKAGES for p in _python_files(package) if "migrations" not in p.parts]
    graph = {_module_name(p): _imports(p) for p in files}
    # a package's __init__ importing its own submodules is how packages re-export, not a cycle
    graph = {
        m: {d for d in deps if d in graph and d != m and not m.startswith(d + ".")}
        for m, deps in graph.items()
    }
    assert _cycle(graph) is None


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_server_does_not_import_the_terminal_libraries() -> None:
    code = "import sys, api.app; print(sorted(m for m in ('rich', 'typer') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def _defines_a_table(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef) and any(
            k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in node.keywords
        ):
            return True
    return False


def test_every_table_module_is_listed_by_name() -> None:
    with_tables = {_module_name(p) for p in _python_files("models") if _defines_a_table(p)}
    assert with_tables == {m.__name__ for m in db.TABLE_MODULES}
    assert {"organisation", "person", "stored_table_plan", "outbox_message"} <= set(
        db.load_table_modules().tables
    )


def test_every_command_module_is_registered_by_name() -> None:
    with_commands = {
        _module_name(p)
        for p in _python_files("api/cli")
        if any(isinstance(n, ast.FunctionDef) and n.name == "register" for n in ast.parse(p.read_text()).body)
    }
    assert with_commands == {m.__name__ for m in cli_main.AREAS}
    names = {c.name for c in cli_main.build_app().registered_commands}
    assert {"import", "export", "suggest", "tables", "meetings", "serve", "demo"} <= names


class _Kind(StrEnum):
    A = "a"
    B = "b"


def test_an_enum_column_reads_members_and_refuses_unknown_values() -> None:
    column = StrEnumColumn(_Kind, 8)
    assert column.process_result_value("b", None) is _Kind.B
    assert column.process_bind_param(_Kind.A, sa.engine.default.DefaultDialect()) == "a"
    with pytest.raises(ValueError, match="'c' is not a valid _Kind"):
        column.process_result_value("c", None)
    with pytest.raises(ValueError, match="'c' is not a valid _Kind"):
        column.process_bind_param("c", sa.engine.default.DefaultDialect())
