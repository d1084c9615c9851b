"""The SQL the PostGIS record runs, composed from constant column lists (every value is a bound
parameter), and the typed objects made from the rows it reads back."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import psycopg
from psycopg import sql

from ..schema import Click, FrameSource, Run

CLICK_COLS = (
    "fid, uid, frame, row, col, class_id, iteration, annotator, created_utc, note, retracted, "
    "retracted_utc, retracted_by, retract_reason, ST_X(geom), ST_Y(geom)"
)
FRAME_COLS = "name, path, width, height, band_count, dtype, crs_wkt, transform, nodata, fingerprint"
RUN_COLS = (
    "iteration, model_path, clicks_used, clicks_hash, metrics, unresolved, started_utc, finished_utc, "
    "duration_s, device"
)
SOURCE_COLS = "frame, event, source, fingerprint, fetched_utc, detail"
# The queries: composed from the constant column lists above; every value is a bound parameter.
RETRACT = sql.SQL(
    "UPDATE clicks SET retracted = true, retract_reason = %s WHERE uid = %s RETURNING {}"
).format(sql.SQL(CLICK_COLS))
SELECT_CLICKS = sql.SQL("SELECT {} FROM clicks WHERE (%(all)s OR NOT retracted)").format(sql.SQL(CLICK_COLS))
SELECT_CLICK = sql.SQL("SELECT {} FROM clicks WHERE uid = %s").format(sql.SQL(CLICK_COLS))
SELECT_FRAMES = sql.SQL(
    "SELECT {} FROM frames WHERE (%(name)s::text IS NULL OR name = %(name)s) ORDER BY fid"
)
SELECT_FRAMES = SELECT_FRAMES.format(sql.SQL(FRAME_COLS))
SELECT_RUNS = sql.SQL("SELECT {} FROM runs ORDER BY iteration, fid").format(sql.SQL(RUN_COLS))
SELECT_SOURCES = sql.SQL(
    "SELECT {} FROM frame_sources WHERE (%(f)s::text IS NULL OR frame = %(f)s) ORDER BY fid"
)
SELECT_SOURCES = SELECT_SOURCES.format(sql.SQL(SOURCE_COLS))
INSERT_RUN = sql.SQL("INSERT INTO runs ({}) VALUES ({})").format(
    sql.SQL(RUN_COLS), sql.SQL(", ".join(["%s"] * 10))
)
INSERT_FRAME = sql.SQL("INSERT INTO frames ({}) VALUES ({})").format(
    sql.SQL(FRAME_COLS), sql.SQL(", ".join(["%s"] * 10))
)


def current_iteration(cur: psycopg.Cursor) -> int:
    return int(cur.execute("SELECT coalesce(max(iteration) + 1, 0) FROM runs").fetchone()[0])


def run_row(r: tuple) -> Run:
    return Run(*r[:4], json.loads(r[4] or "{}"), json.loads(r[5] or "[]"), *r[6:])


def source_row(r: tuple) -> FrameSource:
    return FrameSource(r[0], r[1], json.loads(r[2]), r[3], utc(r[4]) or "", r[5] or "")


def utc(value: datetime | None) -> str | None:
    """A server timestamp as the GeoPackage record writes times: ISO 8601, UTC, seconds."""
    return None if value is None else value.astimezone(timezone.utc).isoformat(timespec="seconds")


def click_row(r: tuple) -> Click:
    x = float("nan") if r[14] is None else float(r[14])
    y = float("nan") if r[15] is None else float(r[15])
    return Click(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], utc(r[8]) or "", r[9] or "", bool(r[10]),
                 utc(r[11]), r[12], r[13], x, y)  # fmt: skip
