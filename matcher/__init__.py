"""Kohtaamo's pure matching engine: profiles in, scores, suggestions and seating plans out.

Nothing here imports a database, a web framework or e-mail code (a test enforces it).
Each public name is re-exported from the module that owns it.
"""

from matcher.affinity import Affinity, AffinityConfig, affinity, affinity_from_vectors
from matcher.embed import Embedder, HashingEmbedder, TextEncoder
from matcher.fairness import assign, assignment_violations
from matcher.lexical import LexicalSpace, fused_similarity
from matcher.live import LiveAffinity
from matcher.meetings import (
    Meeting,
    MeetingPlan,
    is_valid_meeting_plan,
    meeting_plan_violations,
    plan_meetings,
)
from matcher.profile import Profile, split_statements
from matcher.reasons import Reason, explain
from matcher.registry import Registry
from matcher.replan import ReplannedMeetings, replan_meetings, replan_tables
from matcher.suggest import SuggestConfig, Suggestion, suggest, suggest_from_affinity
from matcher.suggest_checks import is_valid_suggestions, suggestion_violations
from matcher.tables import (
    InfeasibleTablesError,
    TablePlan,
    check_table_rules,
    is_valid_table_plan,
    locked_from,
    plan_tables,
    table_plan_violations,
)
from matcher.taxonomy import COOPERATION_TYPES, REGIONS, SECTORS, THEMES

__all__ = [
    "COOPERATION_TYPES",
    "REGIONS",
    "SECTORS",
    "THEMES",
    "Affinity",
    "AffinityConfig",
    "Embedder",
    "HashingEmbedder",
    "InfeasibleTablesError",
    "LexicalSpace",
    "LiveAffinity",
    "Meeting",
    "MeetingPlan",
    "Profile",
    "Reason",
    "Registry",
    "ReplannedMeetings",
    "SuggestConfig",
    "Suggestion",
    "TablePlan",
    "TextEncoder",
    "affinity",
    "affinity_from_vectors",
    "assign",
    "assignment_violations",
    "check_table_rules",
    "explain",
    "fused_similarity",
    "is_valid_meeting_plan",
    "is_valid_suggestions",
    "is_valid_table_plan",
    "locked_from",
    "meeting_plan_violations",
    "plan_meetings",
    "plan_tables",
    "replan_meetings",
    "replan_tables",
    "split_statements",
    "suggest",
    "suggest_from_affinity",
    "suggestion_violations",
    "table_plan_violations",
]
