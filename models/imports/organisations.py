"""Organisations in an import: rows of one organisation merged into one plan, matched to the
stored organisations by business ID or normalised name, then written in bulk.

Example:
    >>> plan = OrgPlan(fields={"name": "Hoiva Oy", "offers": "kotihoito"}, rows=[2])
    >>> merge(plan, {"name": "Hoiva Oy", "offers": "yöpartiointi"}, 3, [])
    >>> plan.fields["offers"], plan.rows
    ('kotihoito\\nyöpartiointi', [2, 3])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from models.entities import Organisation
from models.imports.bulk import changes, insert_rows, stored_rows
from models.imports.result import ImportResult
from models.imports.rows import ImportRecord, RowProblem
from models.validation import normalise_name

_SCALARS = ("business_id", "sector", "region", "size_class", "website", "description")
_TEXTS = ("offers", "needs")
_LISTS = ("themes", "keywords", "languages")


@dataclass
class OrgPlan:
    fields: dict[str, Any]
    rows: list[int]
    stored: Any = None  # the stored organisation's row, if any
    id: int | None = None

    @property
    def key(self) -> str:
        return normalise_name(self.fields["name"])


def _union_lines(old: str, new: str) -> str:
    lines = old.split("\n") if old else []
    seen = {line.casefold() for line in lines}
    lines += [line for line in new.split("\n") if line and line.casefold() not in seen]
    return "\n".join(lines)


def merge(plan: OrgPlan, org: Mapping[str, Any], row: int, warnings: list[str]) -> None:
    for name, value in org.items():
        kept = plan.fields.get(name)
        if kept is None:
            plan.fields[name] = value
        elif name in _TEXTS:
            plan.fields[name] = _union_lines(kept, value)
        elif name in _LISTS:
            plan.fields[name] = list(dict.fromkeys([*kept, *value]))
        elif name in _SCALARS and kept != value:
            warnings.append(
                f"row {row}, {name}: {value!r} differs from {kept!r} on row {plan.rows[0]} for "
                f"organisation {plan.fields['name']!r}; kept row {plan.rows[0]}'s value"
            )
    plan.rows.append(row)


def group_organisations(
    records: Sequence[ImportRecord],
) -> tuple[list[OrgPlan], dict[int, OrgPlan], list[str], list[RowProblem]]:
    """One plan per organisation in the file; rows of one organisation are merged."""
    plans: list[OrgPlan] = []
    by_bid: dict[str, OrgPlan] = {}
    by_name: dict[str, OrgPlan] = {}
    of_row: dict[int, OrgPlan] = {}
    warnings: list[str] = []
    problems: list[RowProblem] = []
    for record in records:
        org = record.organisation
        bid, key = org.get("business_id"), normalise_name(org["name"])
        plan = (by_bid.get(bid) if bid else None) or by_name.get(key)
        if plan is not None and bid and plan.fields.get("business_id") not in (None, bid):
            problems.append(
                RowProblem(
                    record.row,
                    "business_id",
                    f"{bid!r} differs from {plan.fields['business_id']!r} given for organisation "
                    f"{plan.fields['name']!r} on row {plan.rows[0]}",
                )
            )
            continue
        if plan is None:
            plan = OrgPlan(fields=dict(org), rows=[record.row])
            plans.append(plan)
        else:
            merge(plan, org, record.row, warnings)
        by_name.setdefault(key, plan)
        if bid:
            by_bid[bid] = plan
        of_row[record.row] = plan
    return plans, of_row, warnings, problems


def _load_organisations(session: Session, plans: Sequence[OrgPlan]) -> tuple[dict[str, Any], dict[str, Any]]:
    bids = sorted({p.fields["business_id"] for p in plans if p.fields.get("business_id")})
    keys = sorted({p.key for p in plans})
    found = {o.id: o for o in stored_rows(session, Organisation, "business_id", bids)}
    found.update((o.id, o) for o in stored_rows(session, Organisation, "normalised_name", keys))
    by_bid = {o.business_id: o for o in found.values() if o.business_id}
    by_name = {o.normalised_name: o for o in found.values()}
    return by_bid, by_name


def match_stored(session: Session, plans: Sequence[OrgPlan]) -> list[RowProblem]:
    """Find each planned organisation's stored row; conflicting keys are problems on its rows."""
    by_bid, by_name = _load_organisations(session, plans)
    problems: list[RowProblem] = []
    for plan in plans:
        bid, name = plan.fields.get("business_id"), plan.fields["name"]
        with_bid, with_name = by_bid.get(bid) if bid else None, by_name.get(plan.key)
        message = None
        if with_bid is not None and with_name is not None and with_bid.id != with_name.id:
            message = (
                "organisation",
                f"{name!r} is stored already, but business ID {bid} belongs to "
                f"the stored organisation {with_bid.name!r}",
            )
        stored = with_bid or with_name
        if message is None and stored is not None and bid and stored.business_id not in (None, bid):
            message = (
                "business_id",
                f"{bid!r} but organisation {name!r} is stored with business ID {stored.business_id!r}",
            )
        if message is not None:
            problems.extend(RowProblem(row, *message) for row in plan.rows)
        plan.stored = stored
    return problems


def _organisation_values(plan: OrgPlan) -> dict[str, Any]:
    f = plan.fields
    values: dict[str, Any] = {"name": f["name"], "normalised_name": plan.key}
    values.update({name: f[name] for name in (*_SCALARS, *_TEXTS, *_LISTS) if name in f})
    return values


def write_organisations(session: Session, plans: Sequence[OrgPlan], result: ImportResult) -> None:
    new = [p for p in plans if p.stored is None]
    defaults: dict[str, Any] = {name: None for name in _SCALARS}
    defaults.update(description="", offers="", needs="", themes=[], keywords=[], languages=[])
    new_ids = insert_rows(session, Organisation, [{**defaults, **_organisation_values(p)} for p in new])
    updates = []
    for plan in plans:
        if plan.stored is None:
            continue
        values = _organisation_values(plan)
        if plan.stored.normalised_name == plan.key:
            del values["name"]  # same organisation, maybe spelled differently: keep the stored spelling
        changed = changes(plan.stored, values)
        if changed:
            updates.append({"id": plan.stored.id, **changed})
        plan.id = plan.stored.id
    if updates:
        session.execute(sa.update(Organisation), updates)
    for plan, new_id in zip(new, new_ids, strict=True):
        plan.id = new_id
    result.organisations_created = len(new)
    result.organisations_updated = len(updates)
    result.organisations_unchanged = len(plans) - len(new) - len(updates)
