"""The ``kohtaamo`` command line (Typer): one module per area of commands, over the same
``api/workflows`` the HTTP API uses, with the terminal's rendering in :mod:`api.cli.render`.

Example:
    >>> sorted(c.name for c in build_app().registered_commands)[:3]
    ['demo', 'export', 'import']
"""

from api.cli.commands import build_app, main

__all__ = ["build_app", "main"]
