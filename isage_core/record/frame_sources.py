"""Where each frame's imagery came from, and every later check of it: the record's append-only
``frame_sources`` table (schema 4). The source is stored without credentials."""

from __future__ import annotations

import json
import sqlite3

from ..events import utc_now
from . import gpkg
from .schema import FrameSource

_COLS = "frame, event, source, fingerprint, fetched_utc, detail"


def insert_frame_source(
    conn: sqlite3.Connection, frame: str, event: str, source: dict, fingerprint: str, detail: str = ""
) -> None:
    """Append one row inside the caller's write transaction."""
    conn.execute(
        f"INSERT INTO frame_sources ({_COLS}) VALUES (?, ?, ?, ?, ?, ?)",  # nosec B608: constant columns
        (frame, event, json.dumps(source, sort_keys=True), fingerprint, utc_now(), detail),
    )
    gpkg.touch(conn, "frame_sources")


class FrameSources:
    """The imagery history of a record's frames."""

    def __init__(self, record):
        self.record = record

    def add(self, frame: str, event: str, source: dict, fingerprint: str, detail: str = "") -> None:
        if self.record.backend != "geopackage":
            self.record.add_frame_source(frame, event, source, fingerprint, detail)
            return
        with self.record._connect(write=True) as conn:
            self.record._get_frame(conn, frame)  # a known frame, or a one-line error
            insert_frame_source(conn, frame, event, source, fingerprint, detail)

    def history(self, frame: str | None = None) -> list[FrameSource]:
        """Rows of ``frame`` (all frames: None), oldest first."""
        if self.record.backend != "geopackage":
            return self.record.frame_sources(frame)
        where, params = ("WHERE frame = ?", (frame,)) if frame is not None else ("", ())
        with self.record._connect(write=False) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "frame_sources" not in tables:  # a record of schema 3 not yet written to
                return []
            sql = f"SELECT {_COLS} FROM frame_sources {where} ORDER BY fid"  # nosec B608: constants only
            rows = conn.execute(sql, params).fetchall()
        return [FrameSource(r[0], r[1], json.loads(r[2]), r[3], r[4], r[5] or "") for r in rows]

    def source_of(self, frame: str) -> dict | None:
        """The source a frame was added from (None: a local file added as it is)."""
        added = [row for row in self.history(frame) if row.event == "added"]
        return added[-1].source if added else None
