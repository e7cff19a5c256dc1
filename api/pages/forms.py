"""Page forms to the workflows' request shapes, and what was wrong with them, by field.

Errors are catalogue keys (``form.required``, ``form.bad_email``, ...) so each page shows
them in its own language next to the field they concern.

Example:
    >>> from starlette.datastructures import FormData
    >>> answers, errors = feedback_answers(FormData([("met-7", "yes"), ("useful-7", "4")]), [7, 8])
    >>> [(a.target_id, a.met, a.usefulness) for a in answers], errors
    ([(7, True, 4)], {})
    >>> [(a.target_id, a.realised) for a in followup_answers(FormData([("done-7", "no")]), [7])[0]]
    [(7, False)]
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from api.schemas import WalkIn
from matcher.taxonomy import COOPERATION_TYPES, THEMES
from models.feedback import FeedbackCreate, FollowupCreate, ThemeWishCreate

Errors = dict[str, str]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def feedback_answers(form: FormData, partners: list[int]) -> tuple[list[FeedbackCreate], Errors]:
    """One answer per suggested partner the form says something about (a partner left at
    "not answered" is skipped); errors keyed ``partner-<id>``."""
    answers: list[FeedbackCreate] = []
    errors: Errors = {}
    for target in partners:
        met = _text(form, f"met-{target}")
        useful = _text(form, f"useful-{target}")
        comment = _text(form, f"comment-{target}")
        types = [t for t in form.getlist(f"coop-{target}") if isinstance(t, str)]
        if not met:
            if useful or types or comment:
                errors[f"partner-{target}"] = "feedback.error_met_first"
            continue
        if met not in ("yes", "no") or any(t not in COOPERATION_TYPES for t in types):
            errors[f"partner-{target}"] = "form.invalid"
            continue
        if met == "no" and useful:
            errors[f"partner-{target}"] = "feedback.error_rate_unmet"
            continue
        try:
            answers.append(
                FeedbackCreate(
                    target_id=target,
                    met=met == "yes",
                    usefulness=int(useful) if useful else None,
                    cooperation_types=types,
                    comment=comment,
                )
            )
        except (ValidationError, ValueError):
            errors[f"partner-{target}"] = "form.invalid"
    return answers, errors


def theme_wish(form: FormData) -> ThemeWishCreate | None:
    """The themes ticked under "next time" (``None``: the form did not carry that question, or
    named a theme that does not exist)."""
    if form.get("wishes") != "1":
        return None
    codes = [code for code in form.getlist("wish") if isinstance(code, str)]
    if any(code not in THEMES for code in codes):
        return None
    return ThemeWishCreate(themes=codes)


def followup_answers(form: FormData, partners: list[int]) -> tuple[list[FollowupCreate], Errors]:
    """One follow-up answer per met partner the form says something about; errors keyed
    ``partner-<id>`` (types or a note without saying whether it happened)."""
    answers: list[FollowupCreate] = []
    errors: Errors = {}
    for target in partners:
        done = _text(form, f"done-{target}")
        note = _text(form, f"note-{target}")
        types = [t for t in form.getlist(f"rtype-{target}") if isinstance(t, str)]
        if not done:
            if types or note:
                errors[f"partner-{target}"] = "followup.error_done_first"
            continue
        if done not in ("yes", "no") or any(t not in COOPERATION_TYPES for t in types):
            errors[f"partner-{target}"] = "form.invalid"
            continue
        if done == "no" and types:
            errors[f"partner-{target}"] = "followup.error_types_not_done"
            continue
        try:
            answer = FollowupCreate(
                target_id=target, realised=done == "yes", realised_types=types, realised_note=note
            )
            answers.append(answer)
        except (ValidationError, ValueError):
            errors[f"partner-{target}"] = "form.invalid"
    return answers, errors


WALK_IN_FIELDS = ("name", "email", "role", "language", "organisation", "sector", "offers", "needs")


def _walk_in_body(form: FormData, region: str | None) -> dict[str, Any]:
    return {
        "person": {
            "name": _text(form, "name"),
            "email": _text(form, "email"),
            "role": _text(form, "role"),
            "language": _text(form, "language") or "fi",
            "consent_email": form.get("consent_email") == "on",
            "consent_share_contact": form.get("consent_share_contact") == "on",
        },
        "organisation": {
            "name": _text(form, "organisation"),
            "sector": _text(form, "sector"),
            "region": region,
            "offers": _text(form, "offers"),
            "needs": _text(form, "needs"),
        },
        "check_in": True,
    }


def _error_key(error: Any) -> tuple[str, str]:
    loc = [str(part) for part in error.get("loc", ())]
    field = loc[-1] if loc else ""
    field = "organisation" if loc[:1] == ["organisation"] and field == "name" else field
    if error.get("type") in ("missing", "string_too_short"):
        return field, "form.required"
    if field == "email":
        return field, "form.bad_email"
    return field, "form.invalid"


def walk_in(form: FormData, *, region: str | None) -> tuple[WalkIn | None, Errors, dict[str, str]]:
    """The walk-in the form describes (or ``None``), errors by field, and the values typed
    (to fill the form again)."""
    body = _walk_in_body(form, region)
    typed = {name: _text(form, name) for name in WALK_IN_FIELDS}
    errors: Errors = {}
    for name in ("name", "email", "organisation", "sector"):
        if not typed[name]:
            errors[name] = "form.required"
    if errors:
        return None, errors, typed
    try:
        return WalkIn.model_validate(body), {}, typed
    except ValidationError as exc:
        for error in exc.errors():
            field, key = _error_key(error)
            errors.setdefault(field if field in WALK_IN_FIELDS else "name", key)
        return None, errors, typed
