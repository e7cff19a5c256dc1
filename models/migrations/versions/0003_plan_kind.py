"""Plan kind and a meeting plan's odd-person rule as checked columns (they were JSON keys
with defaults for unknown values)

Existing rows move over: ``params["kind"]`` missing means a table plan (the only plans
stored before meeting plans existed); a meeting plan without ``params["odd"]`` was planned
with the default rule, ``bye``. Any other value stops the upgrade with the plan's id, so
nothing is guessed. The downgrade writes both back into ``params``.

Revision ID: 0003_plan_kind
Revises: 0002_api
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0003_plan_kind"
down_revision: str | None = "0002_api"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("tables", "meetings")
ODD_RULES = ("bye", "trio")

_plans = sa.table(
    "stored_table_plan",
    sa.column("id", sa.Integer()),
    sa.column("params", sa.JSON()),
    sa.column("kind", sa.String(16)),
    sa.column("odd", sa.String(8)),
)


def _moved(plan_id: int, params: dict[str, Any]) -> tuple[str, str | None, dict[str, Any]]:
    rest = dict(params)
    kind = rest.pop("kind", "tables")
    if kind not in KINDS:
        raise RuntimeError(f"stored_table_plan {plan_id}: unknown plan kind {kind!r} in params")
    odd = rest.pop("odd", "bye") if kind == "meetings" else None
    if odd is not None and odd not in ODD_RULES:
        raise RuntimeError(f"stored_table_plan {plan_id}: unknown odd-person rule {odd!r} in params")
    return kind, odd, rest


def upgrade() -> None:
    connection = op.get_bind()
    moved = [  # every row is checked before the schema changes, so a refusal leaves nothing half-done
        (plan_id, *_moved(plan_id, params or {}))
        for plan_id, params in connection.execute(sa.select(_plans.c.id, _plans.c.params)).all()
    ]
    with op.batch_alter_table("stored_table_plan") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="tables"))
        batch.add_column(sa.Column("odd", sa.String(8), nullable=True))
    for plan_id, kind, odd, rest in moved:
        connection.execute(
            _plans.update().where(_plans.c.id == plan_id).values(kind=kind, odd=odd, params=rest)
        )
    with op.batch_alter_table("stored_table_plan") as batch:
        batch.alter_column("kind", server_default=None, existing_type=sa.String(16), existing_nullable=False)
        batch.create_check_constraint(op.f("ck_stored_table_plan_kind"), "kind IN ('tables', 'meetings')")
        batch.create_check_constraint(
            op.f("ck_stored_table_plan_odd"), "odd IS NULL OR odd IN ('bye', 'trio')"
        )


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_plans.c.id, _plans.c.params, _plans.c.kind, _plans.c.odd)).all()
    for plan_id, params, kind, odd in rows:
        back = {**(params or {}), "kind": kind, **({"odd": odd} if odd is not None else {})}
        connection.execute(_plans.update().where(_plans.c.id == plan_id).values(params=back))
    with op.batch_alter_table("stored_table_plan") as batch:
        batch.drop_constraint(op.f("ck_stored_table_plan_odd"), type_="check")
        batch.drop_constraint(op.f("ck_stored_table_plan_kind"), type_="check")
        batch.drop_column("odd")
        batch.drop_column("kind")
