"""Kohtaamo's data layer: SQLModel tables and schemas, engine and sessions, migrations,
import and export, and the mapping from rows to :class:`matcher.Profile`."""
