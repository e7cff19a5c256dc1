"""``kohtaamo suggest`` and the demo stage on a real database (SQLite, PostgreSQL)."""

from __future__ import annotations

import typer
from rich.console import Console
from typer.testing import CliRunner

from api.cli import suggest as cli_suggest


def _app() -> typer.Typer:
    app = typer.Typer()
    cli_suggest.register(app)

    @app.callback()
    def _root() -> None: ...

    return app


def test_suggest_prints_reasons_for_the_sample_event(database_url: str) -> None:
    from api.workflows.sample import import_sample_event

    event_id = import_sample_event(database_url)
    args = ["suggest", "--event", str(event_id), "--k", "2", "--limit", "3", "--language", "sv"]
    result = CliRunner().invoke(_app(), [*args, "--model", "hashing", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "Gemensamma teman" in result.output or "Samarbete över sektorsgränser" in result.output
    assert "got 2 suggestions" in result.output
    console = Console(record=True, width=120)
    cli_suggest.print_suggestions([], [], console)
    assert console.export_text() == ""


def test_unknown_event_and_language_are_one_clear_error(database_url: str) -> None:
    from api.workflows.sample import import_sample_event

    import_sample_event(database_url)
    runner = CliRunner()
    bad_event = runner.invoke(
        _app(), ["suggest", "--event", "999", "--model", "hashing", "--database-url", database_url]
    )
    assert isinstance(bad_event.exception, LookupError) and "999" in str(bad_event.exception)
    bad_lang = runner.invoke(
        _app(), ["suggest", "--event", "1", "--language", "de", "--database-url", database_url]
    )
    assert isinstance(bad_lang.exception, ValueError) and "--language" in str(bad_lang.exception)
