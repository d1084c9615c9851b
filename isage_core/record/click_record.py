"""The click record: one GeoPackage holding the expert's clicks (the training set), frames, classes, runs.

Every public mutating method is exactly one SQLite transaction on a fresh connection, so a crash never
leaves a half-written file and the file can stay open in QGIS meanwhile. Clicks are never deleted or
rewritten: database triggers refuse DELETE, changes to anything but the note and the retraction fields,
and un-retracting, whoever edits the file. ``row``/``col`` in the frame are the truth used for training;
the point geometry is the pixel centre in the record CRS, for display.
"""

from __future__ import annotations

import json
import logging
import operator
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path

from rasterio.crs import CRS
from rasterio.windows import Window

from .. import geo
from ..atomic import atomic_output
from ..errors import IsageError
from ..events import utc_now
from . import gpkg, locate
from .batch_check import BatchCheck
from .frame_sources import insert_frame_source
from .schema import (  # noqa: F401 (re-exported: the record's public types)
    _ASSESSMENT,
    _CLICK_COLS,
    _COLOR,
    _FIXED,
    _FRAME_COLS,
    _RASTER_SUFFIXES,
    _RUN_COLS,
    _SCHEMA,
    _SOURCES,
    SCHEMA_VERSION,
    BatchReport,
    ClassDef,
    Click,
    ClickRequest,
    Frame,
    Run,
    _click,
    _json,
    hash_clicks,
    unique_name,
    upgrade_schema,
)

log = logging.getLogger(__name__)
# The SQL below formats in only module constants (column lists, table names, WHERE clauses written here):
# every value is a bound parameter. The ``nosec B608`` markers say so to Bandit.


class ClickRecord:
    """A click record GeoPackage; use :meth:`create` or :meth:`open`."""

    backend = "geopackage"
    BUSY_TIMEOUT_MS = 5000  # how long a write waits for another program's lock

    def __init__(self, path: str | Path):
        self.path = Path(path).resolve()
        self._schema_current = False

    @property
    def where(self) -> str:
        """What messages call the record: its file."""
        return str(self.path)

    # ---- opening -------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, classes: list[ClassDef], crs=None) -> ClickRecord:
        """Create a new record; refuses to overwrite. ``crs`` None: the first frame added sets it."""
        path = Path(path).resolve()
        if path.exists():
            raise IsageError(f"{path}: already exists; open it, or choose another file name for a new record")
        if path.suffix.lower() != ".gpkg":
            raise IsageError(f"{path}: a click record must be a GeoPackage; give a name ending in .gpkg")
        if len({c.id for c in classes}) != len(classes):
            raise IsageError(f"{path}: class ids must be unique; fix the class list")
        for c in classes:
            _check_class(path, c, [])
        rcrs = None if crs is None else _as_crs(crs, path)
        with atomic_output(path) as tmp:
            conn = gpkg.create_geopackage(tmp)
            try:
                conn.execute("BEGIN")
                for sql in _SCHEMA:
                    conn.execute(sql)
                srs_id = gpkg.ensure_srs(conn, rcrs) if rcrs else gpkg.UNDEFINED_CARTESIAN
                gpkg.register_features(conn, "clicks", "geom", "POINT", srs_id, "iSAGE expert clicks")
                for table in ("classes", "frames", "runs", "isage_meta"):
                    gpkg.register_attributes(conn, table, f"iSAGE {table}")
                for sql in (*_ASSESSMENT, *_SOURCES):  # after the clicks: sample points take their CRS
                    conn.execute(sql)
                meta = [("schema_version", str(SCHEMA_VERSION)), ("crs_wkt", rcrs.to_wkt() if rcrs else "")]
                conn.executemany("INSERT INTO isage_meta (key, value) VALUES (?, ?)", meta)
                rows = [(c.id, c.name, c.color.lower()) for c in classes]
                conn.executemany("INSERT INTO classes (id, name, color) VALUES (?, ?, ?)", rows)
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise IsageError(f"{path}: could not create the record ({exc}); check the folder") from exc
            finally:
                conn.close()
        return cls(path)

    @classmethod
    def open(cls, path: str | Path) -> ClickRecord:
        """Open an existing record, checking it is an iSAGE GeoPackage this version understands."""
        path = Path(path).resolve()
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "not found"
            raise IsageError(f"{path}: click record {what}; give the .gpkg file, or create a record first")
        with open(path, "rb") as fh:
            if fh.read(16) != gpkg.SQLITE_HEADER:
                raise IsageError(f"{path}: not a GeoPackage (not an SQLite file); give an iSAGE click record")
        record = cls(path)
        with record._connect(write=False) as conn:
            if not gpkg.is_geopackage(conn):
                raise IsageError(f"{path}: not a GeoPackage; give an iSAGE click record (.gpkg)")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not {"isage_meta", "clicks", "classes", "frames", "runs"} <= tables:
                raise IsageError(f"{path}: a GeoPackage but not an iSAGE click record; create one with iSAGE")
            row = conn.execute("SELECT value FROM isage_meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else None
        if version is None:
            raise IsageError(f"{path}: iSAGE record without a schema version; restore it from a copy")
        if version > SCHEMA_VERSION:
            newer = f"record schema {version}, this iSAGE reads {SCHEMA_VERSION}"
            raise IsageError(f"{path}: written by a newer iSAGE ({newer}); upgrade iSAGE")
        return record

    @contextmanager
    def _connect(self, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction on a fresh connection; sqlite errors become one-line :class:`IsageError`.
        The first write of this object brings an older record's schema up to date (in that transaction)."""
        with gpkg.transaction(self.path, write, self.BUSY_TIMEOUT_MS, "click record") as conn:
            if write and not self._schema_current:
                if upgrade_schema(conn) < SCHEMA_VERSION:
                    log.info("%s: record schema upgraded to %d", self.path, SCHEMA_VERSION)
            yield conn
        if write:
            self._schema_current = True

    def check_writable(self) -> None:
        """Fail now, with the usual one-line error, if the record cannot take a write (read-only, or
        locked by another program): before a long run whose result it must store."""
        with self._connect(write=True):
            pass

    # ---- CRS, classes ----------------------------------------------------------------------------
    def _meta(self, conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM isage_meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def crs(self) -> CRS | None:
        with self._connect(write=False) as conn:
            wkt = self._meta(conn, "crs_wkt")
        return CRS.from_wkt(wkt) if wkt else None

    def classes(self) -> list[ClassDef]:
        with self._connect(write=False) as conn:
            return self._load_classes(conn)

    def class_ids(self) -> list[int]:
        return [c.id for c in self.classes()]

    def _load_classes(self, conn: sqlite3.Connection) -> list[ClassDef]:
        return [ClassDef(*r) for r in conn.execute("SELECT id, name, color FROM classes ORDER BY id")]

    def set_class(self, c: ClassDef) -> None:
        """Add a class, or rename/recolour the class with this id."""
        with self._connect(write=True) as conn:
            _check_class(self.path, c, [k for k in self._load_classes(conn) if k.id != c.id])
            conn.execute(
                "INSERT INTO classes (id, name, color) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE "
                "SET name = excluded.name, color = excluded.color",
                (c.id, c.name, c.color.lower()),
            )
            gpkg.touch(conn, "classes")

    # ---- frames ----------------------------------------------------------------------------------
    def frames(self) -> list[Frame]:
        with self._connect(write=False) as conn:
            return self._load_frames(conn)

    def frames_at(self, x: float, y: float, crs=None) -> list[str]:
        """Names of the frames with a pixel at map point ``(x, y)`` (in ``crs``, default each frame's)."""
        return locate.frames_at(self.frames(), x, y, crs)

    def frame(self, name: str) -> Frame:
        with self._connect(write=False) as conn:
            return self._get_frame(conn, name)

    def _load_frames(self, conn: sqlite3.Connection, where: str = "", params: tuple = ()) -> list[Frame]:
        rows = conn.execute(f"SELECT {_FRAME_COLS} FROM frames {where} ORDER BY fid", params).fetchall()  # nosec B608
        return [self._frame(r) for r in rows]

    def _frame(self, r: tuple) -> Frame:
        stored = r[1] or ""
        info = geo.FrameInfo(*map(int, r[2:5]), r[5], r[6] or "", tuple(json.loads(r[7])), r[8], r[9])
        return Frame(r[0], locate.resolve_stored(stored, self.path.parent), stored, info)

    def _get_frame(self, conn: sqlite3.Connection, name: str) -> Frame:
        found = self._load_frames(conn, "WHERE name = ?", (name,))
        if not found:
            known = ", ".join(f.name for f in self._load_frames(conn)) or "none"
            raise IsageError(f"{self.path}: no frame named '{name}' (frames: {known}); add the frame first")
        return found[0]

    def stored_path(self, path: str | Path) -> str:
        """``path`` as the record stores it: relative to its folder unless they share only the root."""
        return locate.stored_path(path, self.path.parent)

    def add_frame(self, path: str | Path, name: str | None = None, source: dict | None = None) -> Frame:
        """Add a frame raster; ``name`` defaults to its file stem, made unique. ``source`` (where its
        imagery came from, without credentials) is recorded with it in the same transaction."""
        info = geo.frame_info(path)
        with self._connect(write=True) as conn:
            frames = self._load_frames(conn)
            for f in frames:
                if f.info.fingerprint == info.fingerprint:
                    raise IsageError(f"{path}: already in the record {self.path} as frame '{f.name}'")
            taken = {f.name for f in frames}
            if name is not None and (not str(name).strip() or name in taken):
                raise IsageError(f"{self.path}: frame name '{name}' is empty or taken; choose another name")
            name = name if name is not None else unique_name(Path(path).stem, taken)
            self._insert_frame(conn, name, self.stored_path(path), info)
            if source is not None:
                insert_frame_source(conn, name, "added", source, info.fingerprint)
            return self._get_frame(conn, name)

    def _insert_frame(self, conn: sqlite3.Connection, name: str, stored: str, info: geo.FrameInfo) -> None:
        """Insert a frame row; the first georeferenced frame of a CRS-less, frame-less record sets its CRS."""
        record_wkt = self._meta(conn, "crs_wkt")
        if not record_wkt and info.crs_wkt:
            if conn.execute("SELECT COUNT(*) FROM frames").fetchone()[0]:
                why = f"the record {self.path} has no CRS (its frames are not georeferenced)"
                raise IsageError(f"{stored}: georeferenced, but {why}; use a record of its own for it")
            srs_id = gpkg.ensure_srs(conn, info.crs)
            for table in ("clicks", "assessment_points"):
                gpkg.set_features_srs(conn, table, srs_id)
            conn.execute("UPDATE isage_meta SET value = ? WHERE key = 'crs_wkt'", (info.crs.to_wkt(),))
        elif record_wkt and not info.crs_wkt:
            raise IsageError(
                f"{stored}: frame has no CRS but the record {self.path} has one; georeference it"
            )
        values = dict(asdict(info), transform=json.dumps(list(info.transform)))
        conn.execute(
            f"INSERT INTO frames ({_FRAME_COLS}, added_utc) VALUES ({', '.join('?' * 11)})",  # nosec B608
            (name, stored, *values.values(), utc_now()),
        )
        gpkg.touch(conn, "frames")

    def relink_frame(self, name: str, new_path: str | Path) -> Frame:
        """Point frame ``name`` at ``new_path``, which must hold the same raster (same fingerprint)."""
        info = geo.frame_info(new_path)
        with self._connect(write=True) as conn:
            frame = self._get_frame(conn, name)
            if info.fingerprint != frame.info.fingerprint:
                why = "different size, georeference or pixels"
                raise IsageError(
                    f"{new_path}: not the raster of frame '{name}' ({why}); give the original file"
                )
            conn.execute("UPDATE frames SET path = ? WHERE name = ?", (self.stored_path(new_path), name))
            gpkg.touch(conn, "frames")
            return self._get_frame(conn, name)

    def resolve_missing_frames(self, search_dirs: list[str | Path]) -> list[str]:
        """Re-link frames whose file is missing to a file with the same fingerprint under ``search_dirs``
        (files with the same name first, then other rasters); returns the names re-linked."""
        found = locate.find_moved_frames(self.frames(), search_dirs)
        if found:
            with self._connect(write=True) as conn:
                for name, cand in found.items():
                    conn.execute("UPDATE frames SET path = ? WHERE name = ?", (self.stored_path(cand), name))
                gpkg.touch(conn, "frames")
        for name, cand in found.items():
            log.info("frame '%s' re-linked to %s", name, cand)
        return list(found)

    # ---- clicks ----------------------------------------------------------------------------------
    def add_click(
        self,
        frame: str,
        class_id: int,
        *,
        row: int | None = None,
        col: int | None = None,
        x: float | None = None,
        y: float | None = None,
        crs=None,
        annotator: str = "",
        note: str = "",
        enforce_budget: bool = True,
    ) -> Click:
        """Record one click, given as ``row``/``col`` in the frame, or as map ``x``/``y`` (in ``crs``,
        default the frame's CRS) snapped to the pixel containing it. If the frame file is missing the
        click is checked against the stored size and georeference only (no nodata check)."""
        if (row is None) != (col is None) or (x is None) != (y is None) or (row is None) == (x is None):
            raise IsageError(f"{self.path}: give a click as row and col, or as x and y (not both)")
        with self._connect(write=True) as conn:
            known = {c.id for c in self._load_classes(conn)}
            if class_id not in known:
                ids = ", ".join(map(str, sorted(known))) or "none"
                raise IsageError(f"{self.path}: unknown class {class_id!r} (classes: {ids}); add it first")
            class_id = int(class_id)
            fr = self._get_frame(conn, frame)
            if x is not None:
                row, col = locate.pixel_at(fr, x, y, crs, str(self.path))
            row, col = operator.index(row), operator.index(col)
            where = f"pixel (row {row}, col {col})"
            if not (0 <= row < fr.info.height and 0 <= col < fr.info.width):
                size = f"{fr.info.width}x{fr.info.height} pixels"
                raise IsageError(f"{fr.path}: {where} is outside frame '{frame}' ({size}); click inside it")
            if fr.exists:
                with geo.open_raster(fr.path) as src:
                    if not geo.valid_mask(src, Window(col, row, 1, 1))[0, 0]:
                        raise IsageError(
                            f"{fr.path}: {where} of frame '{frame}' is nodata; click on image data"
                        )
            else:
                log.warning("frame '%s' file %s is missing: nodata not checked", frame, fr.path)
            sql = "SELECT design_id, point_id FROM assessment_points WHERE frame = ? AND row = ? AND col = ?"
            sample = conn.execute(sql, (frame, row, col)).fetchone()
            if sample:
                raise IsageError(
                    f"{self.path}: {where} of frame '{frame}' is point {sample[1]} of accuracy assessment "
                    f"design {sample[0][:8]}; training clicks stay off the sample so it remains independent: "
                    "click a neighbouring pixel"
                )
            iteration = self._current_iteration(conn)
            if enforce_budget:
                where = "frame = ? AND class_id = ? AND iteration = ? AND retracted = 0"
                sql = f"SELECT uid FROM clicks WHERE {where}"  # nosec B608
                prior = conn.execute(sql, (frame, class_id, iteration)).fetchone()
                if prior:
                    rule = "the method allows one click per class per frame per iteration"
                    fix = (
                        "retract that click first, or override the budget (--over-budget on the command line)"
                    )
                    raise IsageError(
                        f"{self.path}: frame '{frame}' already has a click of class {class_id} in iteration "
                        f"{iteration} (uid {prior[0]}); {rule}: {fix}"
                    )
            values = dict(uid=uuid.uuid4().hex, frame=frame, row=row, col=col, class_id=class_id, note=note)
            values.update(iteration=iteration, annotator=annotator, created_utc=utc_now(), retracted=0)
            fid = self._insert_click(conn, values, fr.info)
            return self._load_clicks(conn, "WHERE fid = ?", (fid,))[0]

    def add_clicks(
        self, requests: list[ClickRequest], *, enforce_budget: bool = True, keep_valid: bool = False
    ) -> BatchReport:
        """Add many clicks in one transaction, all or nothing: every request is checked first (refused
        before; unknown frame or class; outside its frame; nodata; over the budget; the same pixel as an
        unretracted click of the same class, a duplicate, or of another class, a conflict; the same
        within the batch) and the report lists each refusal. With refusals nothing is written unless
        ``keep_valid``, which writes the accepted ones."""
        report = BatchReport()
        with self._connect(write=True) as conn, ExitStack() as rasters:
            iteration = self._current_iteration(conn)
            frames = {f.name: f for f in self._load_frames(conn)}
            live = self._load_clicks(conn, "WHERE retracted = 0")
            classes = {c.id for c in self._load_classes(conn)}
            sample = {(f, r, c) for f, r, c in conn.execute("SELECT frame, row, col FROM assessment_points")}
            check = BatchCheck(classes, frames, live, iteration, enforce_budget, rasters, sample)
            accepted = []
            for request in requests:
                reason = check.refusal(request)
                if reason:
                    report.refused.append((request.source, reason))
                else:
                    check.accept(request)
                    accepted.append(request)
            report.accepted = len(accepted)
            if report.refused and not keep_valid:
                return report
            for request in accepted:
                values = dict(uid=uuid.uuid4().hex, frame=request.frame, row=request.row, col=request.col)
                values.update(class_id=request.class_id, note=request.note, iteration=iteration)
                values.update(annotator=request.annotator, created_utc=utc_now(), retracted=0)
                self._insert_click(conn, values, frames[request.frame].info)
            report.written = bool(accepted)
        return report

    def _insert_click(self, conn: sqlite3.Connection, values: dict, info: geo.FrameInfo) -> int:
        """Insert a click row (its geometry computed here from row/col); returns its fid."""
        x, y = locate.record_point(info, values["row"], values["col"], self._meta(conn, "crs_wkt") or "")
        values = dict(values, geom=gpkg.encode_point(x, y, gpkg.features_srs_id(conn, "clicks")))
        sql = f"INSERT INTO clicks ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})"  # nosec B608
        cur = conn.execute(sql, tuple(values.values()))
        gpkg.touch(conn, "clicks", x, y)
        return int(cur.lastrowid)

    def _load_clicks(self, conn: sqlite3.Connection, where: str = "", params: tuple = ()) -> list[Click]:
        rows = conn.execute(f"SELECT {_CLICK_COLS} FROM clicks {where} ORDER BY fid", params).fetchall()  # nosec B608
        return [_click(r) for r in rows]

    def retract_click(self, uid_or_fid: str | int, by: str = "", reason: str = "") -> Click:
        """Mark a click retracted (it stays in the record, with who, when and why)."""
        column = "fid" if isinstance(uid_or_fid, int) else "uid"
        with self._connect(write=True) as conn:
            found = self._load_clicks(conn, f"WHERE {column} = ?", (uid_or_fid,))
            if not found:
                raise IsageError(f"{self.path}: no click with {column} {uid_or_fid}; check the click id")
            if found[0].retracted:
                raise IsageError(f"{self.path}: click {found[0].uid} was already retracted; nothing to do")
            self._retract(conn, found[0].fid, utc_now(), by, reason)
            return self._load_clicks(conn, "WHERE fid = ?", (found[0].fid,))[0]

    def _retract(self, conn: sqlite3.Connection, fid: int, when: str | None, by: str | None, why: str | None):
        sets = "retracted = 1, retracted_utc = ?, retracted_by = ?, retract_reason = ?"
        conn.execute(f"UPDATE clicks SET {sets} WHERE fid = ?", (when, by, why, fid))  # nosec B608
        gpkg.touch(conn, "clicks")

    def clicks(
        self, *, include_retracted: bool = False, max_iteration: int | None = None, frame: str | None = None
    ) -> list[Click]:
        """Clicks in the order made; by default only unretracted ones; ``max_iteration`` is inclusive."""
        terms, params = [], []
        if not include_retracted:
            terms.append("retracted = 0")
        if max_iteration is not None:
            terms.append("iteration <= ?")
            params.append(max_iteration)
        if frame is not None:
            terms.append("frame = ?")
            params.append(frame)
        with self._connect(write=False) as conn:
            return self._load_clicks(conn, "WHERE " + " AND ".join(terms) if terms else "", tuple(params))

    def clicks_hash(self, max_iteration: int) -> str:
        """SHA-1 over the unretracted clicks up to ``max_iteration`` (what a run of it trains on)."""
        return hash_clicks(self.clicks(max_iteration=max_iteration))

    # ---- runs ------------------------------------------------------------------------------------
    def _current_iteration(self, conn: sqlite3.Connection) -> int:
        top = conn.execute("SELECT MAX(iteration) FROM runs").fetchone()[0]
        return 0 if top is None else int(top) + 1

    def current_iteration(self) -> int:
        """0 before any run, else one more than the last run's iteration."""
        with self._connect(write=False) as conn:
            return self._current_iteration(conn)

    def add_run(self, run: Run) -> None:
        with self._connect(write=True) as conn:
            values = dict(asdict(run), model_path=str(run.model_path))
            values.update(metrics=_json(run.metrics), unresolved=_json(run.unresolved))
            sql = f"INSERT INTO runs ({_RUN_COLS}) VALUES ({', '.join('?' * 10)})"  # nosec B608
            conn.execute(sql, tuple(values.values()))
            gpkg.touch(conn, "runs")

    def runs(self) -> list[Run]:
        with self._connect(write=False) as conn:
            rows = conn.execute(f"SELECT {_RUN_COLS} FROM runs ORDER BY iteration, fid").fetchall()  # nosec B608
        return [Run(*r[:4], json.loads(r[4] or "{}"), json.loads(r[5] or "[]"), *r[6:]) for r in rows]


def _as_crs(crs, path: Path) -> CRS:
    return locate.as_crs(crs, str(path))


def _check_class(path: Path, c: ClassDef, others: list[ClassDef]) -> None:
    if not isinstance(c.id, int) or c.id < 0 or not str(c.name).strip() or not _COLOR.match(str(c.color)):
        raise IsageError(f"{path}: invalid class {c!r}; give an id >= 0, a name and a colour like '#ff0000'")
    for o in others:
        if o.name == c.name:
            raise IsageError(f"{path}: class name '{c.name}' is used by class {o.id}; choose another name")
