"""The click record's schema: table definitions, audit triggers and the records they hold."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import geo
from ..errors import IsageError
from . import gpkg

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4  # 2: REPLACE, UPSERT and a retraction's who, when and why are guarded too; 3: the
# accuracy assessment's designs, sample points and reference labels (record/assessment.py); 4: where each
# frame's imagery came from (a service, a remote COG, a STAC item) and every fetch of it (frame_sources)
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
POINTER_NAME = "isage-postgis.json"  # in a workspace folder whose record is in PostGIS: where it is
RASTER_SUFFIXES = _RASTER_SUFFIXES = {".tif", ".tiff", ".vrt", ".jp2", ".img", ".png", ".jpg", ".jpeg"}
_FIXED = ("fid", "geom", "uid", "frame", "row", "col", "class_id", "iteration", "annotator", "created_utc")
_CLICK_COLS = (
    "fid, uid, frame, row, col, class_id, iteration, annotator, created_utc, note, retracted, "
    "retracted_utc, retracted_by, retract_reason, geom"
)
_FRAME_COLS = "name, path, width, height, band_count, dtype, crs_wkt, transform, nodata, fingerprint"
_RUN_COLS = (
    "iteration, model_path, clicks_used, clicks_hash, metrics, unresolved, started_utc, "
    "finished_utc, duration_s, device"
)
_RETRACTION = ("retracted_utc", "retracted_by", "retract_reason")
# added in schema 2 (records of schema 1 get them on their first write: MIGRATIONS)
_V2_TRIGGERS = (
    # REPLACE deletes the row it conflicts with without firing delete triggers; an UPSERT would update
    # it: both start as an insert, refused here before SQLite resolves the conflict
    """CREATE TRIGGER isage_clicks_no_replace BEFORE INSERT ON clicks
        WHEN EXISTS (SELECT 1 FROM clicks WHERE uid = NEW.uid OR fid = NEW.fid) BEGIN SELECT RAISE(ABORT,
        'iSAGE clicks cannot be replaced: a click with this uid or fid exists; add a new click or retract
        it'); END""",
    "CREATE TRIGGER isage_clicks_retraction_once BEFORE UPDATE ON clicks WHEN (OLD.retracted = 1 OR "
    "NEW.retracted = 0) AND ("
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _RETRACTION)
    + """) BEGIN SELECT RAISE(ABORT, 'who retracted an iSAGE click, when and why are written once, by the
        retraction itself'); END""",
)
# schema 3: the accuracy assessment (record/assessment.py). Designs and sample points are never changed
# or deleted; labels follow the clicks' audit rules (no delete, only the note and a one-time retraction
# change); a live training click never lands on a sample pixel.
_LABEL_FIXED = ("fid", "uid", "design_id", "point_id", "class_id", "unsure", "annotator", "created_utc")


def _abort(message: str, where: str = "") -> str:
    """``SELECT RAISE(ABORT, 'message')`` (one line, as errors are) [``WHERE where``]."""
    return f"SELECT RAISE(ABORT, '{message}')" + (f" WHERE {where}" if where else "")


_ASSESSMENT = (
    """CREATE TABLE assessment_designs (fid INTEGER PRIMARY KEY AUTOINCREMENT, design_id TEXT NOT NULL
        UNIQUE, created_utc TEXT NOT NULL, created_by TEXT, iteration INTEGER NOT NULL, seed INTEGER NOT NULL,
        settings TEXT NOT NULL, strata TEXT NOT NULL, population TEXT NOT NULL)""",
    """CREATE TABLE assessment_points (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT, design_id TEXT NOT
        NULL, point_id INTEGER NOT NULL, frame TEXT NOT NULL, row INTEGER NOT NULL, col INTEGER NOT NULL,
        stratum INTEGER NOT NULL, click_distance_px INTEGER, UNIQUE (design_id, point_id))""",
    "CREATE INDEX isage_assessment_points_pixel ON assessment_points (frame, row, col)",
    """CREATE TABLE assessment_labels (fid INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL UNIQUE,
        design_id TEXT NOT NULL, point_id INTEGER NOT NULL, class_id INTEGER, unsure INTEGER NOT NULL
        DEFAULT 0 CHECK (unsure IN (0, 1)), annotator TEXT, created_utc TEXT NOT NULL, note TEXT,
        retracted INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)), retracted_utc TEXT,
        retracted_by TEXT, retract_reason TEXT, CHECK ((unsure = 1) = (class_id IS NULL)))""",
    *(
        f"CREATE TRIGGER isage_{table}_no_{op.lower()} BEFORE {op} ON {table} BEGIN "
        + _abort(f"iSAGE assessment {what} are never changed or deleted: create a new design instead")
        + "; END"
        for table, what in (("assessment_designs", "designs"), ("assessment_points", "sample points"))
        for op in ("UPDATE", "DELETE")
    ),
    "CREATE TRIGGER isage_labels_no_delete BEFORE DELETE ON assessment_labels BEGIN "
    + _abort(
        "iSAGE assessment labels are retracted, not deleted: set retracted = 1 (with retracted_by and "
        "retract_reason)"
    )
    + "; END",
    "CREATE TRIGGER isage_labels_fixed BEFORE UPDATE ON assessment_labels WHEN "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _LABEL_FIXED)
    + " BEGIN "
    + _abort(
        "iSAGE assessment labels cannot be changed, only retracted: retract it and label the point again"
    )
    + "; END",
    "CREATE TRIGGER isage_labels_retraction BEFORE UPDATE ON assessment_labels WHEN OLD.retracted = 1 AND "
    + "(NEW.retracted IS NOT 1 OR "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _RETRACTION)
    + ") BEGIN "
    + _abort("iSAGE assessment labels: a retraction is written once and never undone; label the point again")
    + "; END",
    "CREATE TRIGGER isage_labels_insert BEFORE INSERT ON assessment_labels BEGIN "
    + "; ".join(
        (
            _abort(
                "iSAGE assessment labels cannot be replaced: a label with this uid or fid exists",
                "EXISTS (SELECT 1 FROM assessment_labels WHERE uid = NEW.uid OR fid = NEW.fid)",
            ),
            _abort(
                "iSAGE assessment labels need a sample point of their design: no such point",
                "NOT EXISTS (SELECT 1 FROM assessment_points WHERE design_id = NEW.design_id AND "
                "point_id = NEW.point_id)",
            ),
            _abort(
                "iSAGE assessment labels need a class of the record: unknown class",
                "NEW.class_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM classes WHERE id = NEW.class_id)",
            ),
            _abort(
                "iSAGE assessment labels: this point already has a label; retract it first",
                "NEW.retracted = 0 AND EXISTS (SELECT 1 FROM assessment_labels WHERE design_id = "
                "NEW.design_id AND point_id = NEW.point_id AND retracted = 0)",
            ),
        )
    )
    + "; END",
    "CREATE TRIGGER isage_clicks_not_on_sample BEFORE INSERT ON clicks WHEN NEW.retracted = 0 AND EXISTS "  # nosec B608
    + "(SELECT 1 FROM assessment_points WHERE frame = NEW.frame AND row = NEW.row AND col = NEW.col) BEGIN "
    + _abort(
        "iSAGE clicks never land on a pixel of the accuracy assessment sample (the sample must stay "
        "independent of training); click a neighbouring pixel"
    )
    + "; END",
    """INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) SELECT
        'assessment_points', 'features', 'assessment_points', 'iSAGE accuracy assessment sample', srs_id
        FROM gpkg_geometry_columns WHERE table_name = 'clicks'""",
    """INSERT INTO gpkg_geometry_columns SELECT 'assessment_points', 'geom', 'POINT', srs_id, 0, 0
        FROM gpkg_geometry_columns WHERE table_name = 'clicks'""",
    *(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "  # nosec B608
        f"VALUES ('{t}', 'attributes', '{t}', 'iSAGE accuracy assessment')"
        for t in ("assessment_designs", "assessment_labels")
    ),
)
# schema 4: a frame's imagery source (credentials never stored) and each fetch or check of it, append-only
_SOURCES = (
    """CREATE TABLE frame_sources (fid INTEGER PRIMARY KEY AUTOINCREMENT, frame TEXT NOT NULL, event TEXT NOT
        NULL CHECK (event IN ('added', 'unchanged', 'changed')), source TEXT NOT NULL, fingerprint TEXT NOT
        NULL, fetched_utc TEXT NOT NULL, detail TEXT)""",
    *(
        f"CREATE TRIGGER isage_frame_sources_no_{op.lower()} BEFORE {op} ON frame_sources BEGIN "
        + _abort("iSAGE frame sources are never changed or deleted: each fetch adds a row")
        + "; END"
        for op in ("UPDATE", "DELETE")
    ),
    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
    "VALUES ('frame_sources', 'attributes', 'frame_sources', 'iSAGE imagery sources of the frames')",
)
MIGRATIONS = {
    1: _V2_TRIGGERS,
    2: _ASSESSMENT,
    3: _SOURCES,
}  # schema version -> statements to bring it to the next
_SCHEMA = (
    """CREATE TABLE clicks (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT, uid TEXT NOT NULL UNIQUE,
        frame TEXT NOT NULL, row INTEGER NOT NULL, col INTEGER NOT NULL, class_id INTEGER NOT NULL,
        iteration INTEGER NOT NULL, annotator TEXT, created_utc TEXT NOT NULL, note TEXT,
        retracted INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)), retracted_utc TEXT,
        retracted_by TEXT, retract_reason TEXT)""",
    "CREATE TABLE classes (fid INTEGER PRIMARY KEY AUTOINCREMENT, id INTEGER NOT NULL UNIQUE, name TEXT, "
    "color TEXT)",
    """CREATE TABLE frames (fid INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, path TEXT,
        width INTEGER, height INTEGER, band_count INTEGER, dtype TEXT, crs_wkt TEXT, transform TEXT,
        nodata REAL, fingerprint TEXT, added_utc TEXT)""",
    """CREATE TABLE runs (fid INTEGER PRIMARY KEY AUTOINCREMENT, iteration INTEGER NOT NULL, model_path TEXT,
        clicks_used INTEGER, clicks_hash TEXT, metrics TEXT, unresolved TEXT, started_utc TEXT,
        finished_utc TEXT, duration_s REAL, device TEXT)""",
    "CREATE TABLE isage_meta (fid INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, value TEXT)",
    """CREATE TRIGGER isage_clicks_no_delete BEFORE DELETE ON clicks BEGIN SELECT RAISE(ABORT,
        'iSAGE clicks are retracted, not deleted: set retracted = 1 (with retracted_by and retract_reason)');
        END""",
    "CREATE TRIGGER isage_clicks_fixed BEFORE UPDATE ON clicks WHEN "
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _FIXED)
    + """ BEGIN SELECT RAISE(ABORT, 'iSAGE clicks cannot be changed, only retracted: edit only note,
        retracted, retracted_utc, retracted_by and retract_reason; add a new click instead'); END""",
    """CREATE TRIGGER isage_clicks_no_unretract BEFORE UPDATE ON clicks
        WHEN OLD.retracted = 1 AND NEW.retracted IS NOT 1 BEGIN SELECT RAISE(ABORT,
        'a retracted iSAGE click cannot be restored: add a new click instead'); END""",
    *_V2_TRIGGERS,
)


def upgrade_schema(conn) -> int:
    """Bring a record's schema up to :data:`SCHEMA_VERSION` inside the caller's write transaction;
    the version it had."""
    row = conn.execute("SELECT value FROM isage_meta WHERE key = 'schema_version'").fetchone()
    version = start = int(row[0])
    while version < SCHEMA_VERSION:
        for sql in MIGRATIONS[version]:
            conn.execute(sql)
        version += 1
    if version != start:
        conn.execute("UPDATE isage_meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    return start


@dataclass(frozen=True)
class ClassDef:
    id: int
    name: str
    color: str  # '#rrggbb'


@dataclass(frozen=True)
class Frame:
    name: str
    path: Path  # absolute; may not exist (then re-link it)
    stored_path: str  # relative to the record's folder (posix) when possible, else absolute
    info: geo.FrameInfo  # as stored in the record, not re-read

    @property
    def exists(self) -> bool:
        return self.path.is_file()


@dataclass(frozen=True)
class FrameSource:
    """One row of a frame's imagery history: where it came from, and a fetch or check of it."""

    frame: str
    event: str  # 'added', 'unchanged' or 'changed' (a refresh found other imagery)
    source: dict  # ImagerySource.public(): the source without credentials
    fingerprint: str  # of the imagery fetched or checked then
    fetched_utc: str
    detail: str


@dataclass(frozen=True)
class Click:
    fid: int
    uid: str
    frame: str
    row: int
    col: int
    class_id: int
    iteration: int
    annotator: str
    created_utc: str
    note: str
    retracted: bool
    retracted_utc: str | None
    retracted_by: str | None
    retract_reason: str | None
    x: float  # pixel centre in the record CRS
    y: float


@dataclass(frozen=True)
class ClickRequest:
    """One click to add in a batch: a pixel of a frame (or no frame: ``refusal`` says why), its class,
    who made it and a note (where it came from)."""

    source: str  # what the report calls it: file and feature id, or the pixel
    frame: str | None
    row: int
    col: int
    class_id: int | None  # None: the source's class matched no class of the record (``refusal`` says)
    annotator: str = ""
    note: str = ""
    refusal: str = ""  # set when the point was refused before reaching the record
    uid: str = ""  # kept when a click comes back from an offline copy; new clicks get a new one


@dataclass
class BatchReport:
    """What :meth:`ClickRecord.add_clicks` accepted and refused (``source``, reason) in one batch."""

    accepted: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    written: bool = False

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for _, reason in self.refused:
            kind = reason.split(":")[0]
            counts[kind] = counts.get(kind, 0) + 1
        return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items(), key=lambda kv: -kv[1]))

    def settle(self, path, total: int, items: str, keep_valid: bool) -> None:
        """Log each refusal; with refusals and not ``keep_valid`` (so nothing was written), raise
        :class:`ImportRefused` naming ``path`` and how many of the ``total`` ``items`` were refused."""
        for source, reason in self.refused:
            log.warning("%s: refused (%s)", source, reason)
        if self.refused and not keep_valid:
            raise ImportRefused(
                f"{path}: {len(self.refused)} of {total} {items} refused ({self.summary()}); nothing was "
                f"imported: fix them, or pass --keep-valid to import the {self.accepted} accepted",
                self,
            )


class ImportRefused(IsageError):
    """Some clicks of a batch were refused and nothing was imported; ``report`` lists each refusal."""

    def __init__(self, message: str, report: BatchReport):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Run:
    iteration: int
    model_path: str  # relative to the workspace folder
    clicks_used: int
    clicks_hash: str
    metrics: dict
    unresolved: list
    started_utc: str
    finished_utc: str
    duration_s: float
    device: str


def _json(value: Any) -> str:
    return json.dumps(value, default=lambda v: v.item() if hasattr(v, "item") else str(v))


def _click(row: tuple) -> Click:
    x, y = gpkg.decode_point(row[14]) if row[14] is not None else (float("nan"), float("nan"))
    return Click(*row[:9], row[9] or "", bool(row[10]), *row[11:14], x, y)


def hash_clicks(clicks: list[Click]) -> str:
    """SHA-1 over what a model learns from each click (uid, frame, pixel, class, iteration), any order.
    The GeoPackage record and the PostGIS record (record/postgres) hash a run's clicks with it."""
    lines = sorted(f"{c.uid}|{c.frame}|{c.row}|{c.col}|{c.class_id}|{c.iteration}" for c in clicks)
    return hashlib.sha1("\n".join(lines).encode(), usedforsecurity=False).hexdigest()


def unique_name(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted_2``, ``wanted_3``... whichever is not in ``taken``."""
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted}_{n}"
    return name
