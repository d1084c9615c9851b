"""The click record on PostgreSQL/PostGIS, for a team on shared infrastructure (issue 28): the database
layer. schema.sql holds the tables and the rules the database enforces, admin.sql the administrator's
setup; :mod:`.store` is the engine's typed way in, :mod:`.connection` connects, :mod:`.create` creates a
record, :mod:`.team` is the administrator's."""

from ..schema import BatchReport, ClassDef, Click, ClickRequest, Frame, FrameSource, Run, hash_clicks
from .connection import connect, describe_target
from .create import create_record
from .store import (
    ADMIN,
    ANNOTATOR,
    DEFAULT_SCHEMA,
    GROUPS,
    OWNER,
    REVIEWER,
    TRAINER,
    PostgisRecord,
    Snapshot,
    open_record,
)
from .team import add_person, admin_sql_path

__all__ = [
    "ADMIN", "ANNOTATOR", "DEFAULT_SCHEMA", "GROUPS", "OWNER", "REVIEWER", "TRAINER", "BatchReport",
    "ClassDef", "Click", "ClickRequest", "Frame", "FrameSource", "PostgisRecord", "Run", "Snapshot",
    "add_person", "admin_sql_path", "connect", "create_record", "describe_target", "hash_clicks",
    "open_record",
]  # fmt: skip
