"""Helpers of the accuracy assessment tests: a record as schema 2 wrote it, a workspace with maps."""

import sqlite3


def drop_assessment_tables(conn: sqlite3.Connection) -> None:
    """Remove what schemas 3 and 4 added (the accuracy assessment's tables and triggers, the frames'
    imagery sources) from a record."""
    prefixes = ("isage_assessment", "isage_labels", "isage_clicks_not_on_sample", "isage_frame_sources")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        if name.startswith(prefixes):
            conn.execute(f"DROP TRIGGER {name}")
    for table in ("assessment_designs", "assessment_points", "assessment_labels", "frame_sources"):
        conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (table,))
        conn.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = ?", (table,))
