"""The click record on PostgreSQL/PostGIS: one schema of a shared database that a team clicks into at once.

The rules live in the database (schema.sql), whatever program connects: clicks are never deleted, what
a click says never changes, a retraction is written once with who (``session_user``), when (the server's
clock) and why; the budget, one unretracted click per class per frame per iteration, is the team's;
one live click per pixel. This module is the engine's typed way in: every public method is one
transaction (retried on a deadlock between two batches), and every refusal is a one-line
:class:`~isage_core.errors.IsageError` naming the record (schema, login, database), never a password.

The connection (:func:`~.connection.connect`) is in autocommit mode; this module opens each transaction
itself. A :class:`PostgisRecord` sets its connection's ``search_path`` to the record's schema: one record per
connection.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import NamedTuple, TypeVar

import psycopg
from psycopg import errors as pg
from psycopg import sql

from ...errors import IsageError
from ...geo import FrameInfo
from ..schema import (
    _COLOR,
    SCHEMA_VERSION,
    BatchReport,
    ClassDef,
    Click,
    ClickRequest,
    Frame,
    FrameSource,
    Run,
    _json,
    hash_clicks,
)
from .connection import database_error, first_line
from .queries import (
    CLICK_COLS,
    INSERT_FRAME,
    INSERT_RUN,
    RETRACT,
    SELECT_CLICK,
    SELECT_CLICKS,
    SELECT_FRAMES,
    SELECT_RUNS,
    SELECT_SOURCES,
    click_row,
    current_iteration,
    run_row,
    source_row,
)

OWNER = "isage_owner"
ANNOTATOR, REVIEWER, TRAINER, ADMIN = GROUPS = (
    "isage_annotator",
    "isage_reviewer",
    "isage_trainer",
    "isage_admin",
)
DEFAULT_SCHEMA = "isage"
RETRIES = 8  # a deadlock between two batches, or a serialization failure: the whole transaction again
RUN_LOCK_TIMEOUT_S = 60.0  # how long add_run waits for clicks being added (an idle open transaction)

T = TypeVar("T")


class Snapshot(NamedTuple):
    """What a training run of an iteration reads: the clicks, read in one REPEATABLE READ transaction,
    and their :func:`~isage_core.record.schema.hash_clicks` (the same hash as the GeoPackage's)."""

    clicks: list[Click]
    clicks_hash: str


# ---- checking classes, opening a record -------------------------------------------------------------
def _check_classes(schema: str, classes: Sequence[ClassDef]) -> None:
    if len({c.id for c in classes}) != len(classes) or len({c.name for c in classes}) != len(classes):
        raise IsageError(f"PostGIS record '{schema}': class ids and names must be unique; fix the class list")
    for c in classes:
        if not isinstance(c.id, int) or c.id < 0 or not str(c.name).strip() or not _COLOR.match(str(c.color)):
            raise IsageError(
                f"PostGIS record '{schema}': invalid class {c!r}; give an id >= 0, a name and a colour like "
                "'#ff0000'"
            )


def open_record(conn: psycopg.Connection, schema: str = DEFAULT_SCHEMA) -> PostgisRecord:
    """The record in ``schema``, checked to be one this version reads."""
    return PostgisRecord(conn, schema)


# ---- the record ---------------------------------------------------------------------------------------
class _Refused(Exception):
    """A click the record's rules refused: ``reason`` starts with its kind ("budget: ...")."""

    def __init__(self, reason: str, hint: str = ""):
        super().__init__(reason)
        self.reason, self.hint = reason, hint


class _Rollback(Exception):
    """Leave a batch's transaction without writing anything."""


class PostgisRecord:
    """A click record in one schema of a PostgreSQL database; use :func:`create_record` or
    :func:`open_record`. ``login`` is who the database records as the author of what this
    connection writes; ``group`` their team role (None: not on the team, e.g. the administrator)."""

    def __init__(self, conn: psycopg.Connection, schema: str = DEFAULT_SCHEMA):
        if not conn.autocommit:
            raise IsageError("PostGIS record: give a connection made by connect() (autocommit mode)")
        self.conn, self.schema = conn, schema
        self.where = f"PostGIS record '{schema}' ({conn.info.user}@{conn.info.dbname})"
        try:
            postgis = conn.execute(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE e.extname = 'postgis'"
            ).fetchone()
            path = sql.SQL(", ").join(
                [
                    sql.Identifier(schema),
                    *([sql.Identifier(postgis[0])] if postgis else []),
                    sql.SQL("pg_temp"),
                ]
            )
            conn.execute("SELECT pg_catalog.set_config('search_path', %s, false)", (path.as_string(conn),))
            found = conn.execute(
                "SELECT coalesce(has_schema_privilege(n.oid, 'USAGE') AND "
                "has_table_privilege(c.oid, 'SELECT'), false) FROM pg_namespace n JOIN pg_class c "
                "ON c.relnamespace = n.oid AND c.relname = 'isage_meta' WHERE n.nspname = %s",
                (schema,),
            ).fetchone()
            if not (found and found[0]):
                raise IsageError(
                    f"{self.where}: no record here that this login may read; check the schema name, or ask "
                    "the administrator to add this login to the team"
                )
            meta = dict(conn.execute("SELECT key, value FROM isage_meta").fetchall())
            self.login = conn.execute("SELECT session_user").fetchone()[0]
            groups = conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s) AND "
                "pg_has_role(session_user, oid, 'MEMBER') ORDER BY rolname",
                (list(GROUPS),),
            ).fetchall()
        except psycopg.Error as exc:
            raise self._error(exc) from exc
        version = meta.get("schema_version", "")
        if not version.isdigit():
            raise IsageError(f"{self.where}: iSAGE record without a schema version; restore it from a backup")
        if int(version) > SCHEMA_VERSION:
            raise IsageError(
                f"{self.where}: written by a newer iSAGE (record schema {version}, this iSAGE reads "
                f"{SCHEMA_VERSION}); upgrade iSAGE"
            )
        self.group: str | None = groups[0][0] if len(groups) == 1 else None
        self.srid = int(meta.get("srid") or 0)
        self.crs_wkt = meta.get("crs_wkt") or ""

    # ---- transactions and errors ------------------------------------------------------------------
    def _run(
        self, body: Callable[[psycopg.Cursor], T], *, snapshot: bool = False, lock_timeout_s: float = 0
    ) -> T:
        """``body`` in one transaction (REPEATABLE READ, read-only when ``snapshot``), again when the
        server chose it to end a deadlock or a serialization conflict; other failures: one-line errors."""
        for attempt in range(RETRIES):
            try:
                with self.conn.transaction(), self.conn.cursor() as cur:
                    if snapshot:
                        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    if lock_timeout_s:
                        cur.execute(
                            "SELECT pg_catalog.set_config('lock_timeout', %s, true)", (f"{lock_timeout_s}s",)
                        )
                    return body(cur)
            except (pg.DeadlockDetected, pg.SerializationFailure) as exc:
                if attempt == RETRIES - 1:
                    raise IsageError(
                        f"{self.where}: the transaction collided with others {RETRIES} times "
                        f"({first_line(exc)}); nothing was written: try again"
                    ) from exc
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # nosec B311: retry jitter
            except pg.LockNotAvailable as exc:
                raise IsageError(
                    f"{self.where}: clicks being added held the record for {lock_timeout_s:g} s (an open "
                    "transaction: a client stopped mid-edit?); nothing was written: try again, or ask "
                    "whoever has unsaved edits to save or cancel them"
                ) from exc
            except psycopg.Error as exc:
                raise self._error(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _error(self, exc: psycopg.Error) -> IsageError:
        login, group = self.__dict__.get("login", self.conn.info.user), self.__dict__.get("group")
        who = f"{login} ({group or 'not on the team'})"  # either may be unknown while opening
        return database_error(exc, self.where, who, lost=self.conn.closed)

    # ---- reading -------------------------------------------------------------------------------------
    def classes(self) -> list[ClassDef]:
        return self._run(self._read_classes)

    @staticmethod
    def _read_classes(cur: psycopg.Cursor) -> list[ClassDef]:
        return [ClassDef(*r) for r in cur.execute("SELECT id, name, color FROM classes ORDER BY id")]

    def frames(self) -> list[Frame]:
        return self._run(lambda cur: self._load_frames(cur))

    def frame(self, name: str) -> Frame:
        return self._run(lambda cur: self._get_frame(cur, name))

    def _load_frames(self, cur: psycopg.Cursor, name: str | None = None) -> list[Frame]:
        rows = cur.execute(SELECT_FRAMES, {"name": name}).fetchall()
        frames = []
        for r in rows:
            info = FrameInfo(
                r[2], r[3], r[4] or 0, r[5] or "", r[6] or "", tuple(json.loads(r[7])[:6]), r[8], r[9]
            )
            frames.append(Frame(r[0], Path(r[1] or ""), r[1] or "", info))
        return frames

    def _get_frame(self, cur: psycopg.Cursor, name: str) -> Frame:
        found = self._load_frames(cur, name)
        if not found:
            raise IsageError(f"{self.where}: no frame named '{name}'; the record's administrator adds frames")
        return found[0]

    def clicks(
        self, *, max_iteration: int | None = None, include_retracted: bool = False, frame: str | None = None
    ) -> list[Click]:
        """Clicks in the order made; by default only unretracted ones; ``max_iteration`` is inclusive."""
        return self._run(lambda cur: self._select_clicks(cur, max_iteration, include_retracted, frame))

    def _select_clicks(
        self,
        cur: psycopg.Cursor,
        max_iteration: int | None,
        include_retracted: bool,
        frame: str | None = None,
    ) -> list[Click]:
        query = SELECT_CLICKS
        if max_iteration is not None:
            query += sql.SQL(" AND iteration <= %(max)s")
        if frame is not None:
            query += sql.SQL(" AND frame = %(frame)s")
        params = {"all": include_retracted, "max": max_iteration, "frame": frame}
        return [click_row(r) for r in cur.execute(query + sql.SQL(" ORDER BY fid"), params)]

    def click(self, uid: str) -> Click:
        def body(cur: psycopg.Cursor) -> Click:
            row = cur.execute(SELECT_CLICK, (uid,)).fetchone()
            if row is None:
                raise IsageError(f"{self.where}: no click with uid {uid}; check the click id")
            return click_row(row)

        return self._run(body)

    def training_snapshot(self, max_iteration: int) -> Snapshot:
        """The unretracted clicks of iterations <= ``max_iteration`` as one REPEATABLE READ transaction sees
        them (what committed before it started, nothing after, however many annotators are clicking), and
        their hash. Clicks committed later are not in it; once the run is recorded (:meth:`add_run`) new
        clicks belong to the next iteration."""
        clicks = self._run(lambda cur: self._select_clicks(cur, max_iteration, False), snapshot=True)
        return Snapshot(clicks, hash_clicks(clicks))

    def current_iteration(self) -> int:
        """0 before any run, else one more than the last run's iteration (what a click added now gets)."""
        return self._run(lambda cur: current_iteration(cur))

    def runs(self) -> list[Run]:
        return [run_row(r) for r in self._run(lambda cur: cur.execute(SELECT_RUNS).fetchall())]

    def frame_sources(self, frame: str | None = None) -> list[FrameSource]:
        return [
            source_row(r) for r in self._run(lambda cur: cur.execute(SELECT_SOURCES, {"f": frame}).fetchall())
        ]

    # ---- clicks --------------------------------------------------------------------------------------
    def add_click(
        self,
        frame: str,
        class_id: int,
        row: int,
        col: int,
        *,
        note: str = "",
        point: tuple[float, float] | None = None,
        annotator: str = "",
    ) -> Click:
        """Record one click of the connected person (an annotator) at pixel ``row``/``col`` of ``frame``,
        in the current iteration. ``point``: the pixel centre in the record's CRS, needed only for a frame
        in another CRS (otherwise the database computes it). ``annotator``: empty, or the connected login
        (another name is refused). Refused (one-line error): unknown frame or class, outside the frame, a
        sample pixel of the accuracy assessment, a pixel with a live click (duplicate, conflict), the
        team's budget used, not an annotator."""
        request = ClickRequest(f"pixel ({row}, {col})", frame, row, col, class_id, annotator, note)

        def body(cur: psycopg.Cursor) -> Click:
            try:
                return self._insert_click(cur, request, point)
            except _Refused as refused:
                hint = f"; {refused.hint}" if refused.hint else ""
                raise IsageError(f"{self.where}: {refused.reason}{hint}") from None

        return self._run(body)

    def add_clicks(
        self,
        requests: Sequence[ClickRequest],
        *,
        keep_valid: bool = False,
        points: Sequence[tuple[float, float] | None] | None = None,
    ) -> BatchReport:
        """Add many clicks of the connected person in one transaction, all or nothing: each request is
        tried (a savepoint each) and the report lists each refusal, as the GeoPackage record's batch does.
        With refusals nothing is written unless ``keep_valid``, which writes the accepted ones. A batch
        that deadlocks with another's is tried again whole (by then the other's clicks are committed, so
        the same pixels are refused as duplicates or conflicts)."""
        points = list(points) if points is not None else [None] * len(requests)
        if len(points) != len(requests):
            raise IsageError(
                f"{self.where}: {len(points)} points for {len(requests)} clicks; give one per click"
            )

        def body(cur: psycopg.Cursor) -> BatchReport:
            report = BatchReport()
            for request, point in zip(requests, points, strict=True):
                try:
                    self._insert_click(cur, request, point)
                except _Refused as refused:
                    report.refused.append((request.source, refused.reason))
                else:
                    report.accepted += 1
            if report.refused and not keep_valid:
                raise _Rollback(report)
            report.written = report.accepted > 0
            return report

        try:
            return self._run(body)
        except _Rollback as rollback:
            return rollback.args[0]

    def _insert_click(
        self, cur: psycopg.Cursor, request: ClickRequest, point: tuple[float, float] | None
    ) -> Click:
        """Insert one click in a savepoint; a refusal by the record's rules raises :class:`_Refused` (the
        savepoint rolled back, the transaction still usable)."""
        if request.refusal:
            raise _Refused(request.refusal)
        if request.frame is None or request.class_id is None:
            raise _Refused(f"unknown class: {request.class_id!r} is not a class of the record")
        if point is None:
            geom = sql.SQL("NULL")
        else:
            geom = sql.SQL("ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), %(srid)s)")
        uid = sql.SQL("%(uid)s") if request.uid else sql.DEFAULT
        query = sql.SQL(
            "INSERT INTO clicks (uid, frame, row, col, class_id, annotator, note, geom) VALUES ({}, "
            "%(frame)s, %(row)s, %(col)s, %(class_id)s, %(annotator)s, %(note)s, {}) RETURNING {}"
        ).format(uid, geom, sql.SQL(CLICK_COLS))
        params = dict(
            uid=request.uid or None, frame=request.frame, row=int(request.row), col=int(request.col),
            class_id=int(request.class_id), annotator=request.annotator or None, note=request.note,
            x=point[0] if point else None, y=point[1] if point else None, srid=self.srid,
        )  # fmt: skip
        try:
            with self.conn.transaction():
                return click_row(cur.execute(query, params).fetchone())
        except pg.RaiseException as exc:
            raise _Refused(exc.diag.message_primary or first_line(exc), exc.diag.message_hint or "") from None
        except pg.UniqueViolation as exc:
            raise self._raced(cur, request, exc) from None

    def _raced(self, cur: psycopg.Cursor, request: ClickRequest, exc: pg.UniqueViolation) -> _Refused:
        """The refusal of a click that raced another to a pixel or to the budget: the unique index made it
        wait for the other transaction, which committed; read what that one wrote."""
        here = f"pixel ({request.row}, {request.col}) of frame '{request.frame}'"
        if exc.diag.constraint_name == "clicks_one_per_pixel":
            live = cur.execute(
                "SELECT class_id, uid FROM clicks WHERE frame = %s AND row = %s AND col = %s "
                "AND NOT retracted",
                (request.frame, request.row, request.col),
            ).fetchone()
            if live is not None:
                kind = "duplicate" if live[0] == request.class_id else "conflict"
                return _Refused(
                    f"{kind}: {here} already has a click of class {live[0]}", f"retract click {live[1]} first"
                )
        if exc.diag.constraint_name == "clicks_team_budget":
            iteration = current_iteration(cur)
            live = cur.execute(
                "SELECT uid, iteration FROM clicks WHERE frame = %s AND class_id = %s AND NOT retracted "
                "ORDER BY iteration DESC LIMIT 1",
                (request.frame, request.class_id),
            ).fetchone()
            uid, iteration = (live[0], live[1]) if live else ("?", iteration)
            return _Refused(
                f"budget: frame '{request.frame}' already has a click of class {request.class_id} in "
                f"iteration {iteration} (uid {uid})",
                "the team's budget is one click per class per frame per iteration; retract that click first",
            )
        return _Refused(f"duplicate: {first_line(exc)}")

    def retract_click(self, uid_or_fid: str | int, reason: str = "") -> Click:
        """Retract a click (it stays, with who, when and why, written by the database). An annotator
        retracts their own clicks; a reviewer anyone's, with a ``reason`` (required for another's click)."""
        column = sql.Identifier("fid" if isinstance(uid_or_fid, int) else "uid")

        def body(cur: psycopg.Cursor) -> Click:
            found = cur.execute(
                sql.SQL("SELECT uid, annotator, retracted FROM clicks WHERE {} = %s").format(column),
                (uid_or_fid,),
            ).fetchone()
            if found is None:
                raise IsageError(
                    f"{self.where}: no click with {column.as_string(cur)} {uid_or_fid}; check the click id"
                )
            uid, annotator, retracted = found
            if retracted:
                raise IsageError(f"{self.where}: click {uid} was already retracted; nothing to do")
            if annotator != self.login and self.group == ANNOTATOR:  # the database refuses it too (RLS)
                raise IsageError(
                    f"{self.where}: click {uid} is {annotator}'s; only a reviewer retracts another person's "
                    "click (with a reason)"
                )
            try:
                with self.conn.transaction():
                    row = cur.execute(RETRACT, (reason, uid)).fetchone()
            except pg.InsufficientPrivilege as exc:
                if "row-level security" not in str(exc):
                    raise
                raise IsageError(
                    f"{self.where}: click {uid} is {annotator}'s; only a reviewer retracts another person's "
                    "click (with a reason)"
                ) from None
            if row is None:  # retracted by someone else meanwhile
                raise IsageError(f"{self.where}: click {uid} was already retracted; nothing to do")
            return click_row(row)

        return self._run(body)

    # ---- runs ----------------------------------------------------------------------------------------
    def add_run(self, run: Run, *, lock_timeout_s: float = RUN_LOCK_TIMEOUT_S) -> None:
        """Record a training run (the trainer). The database waits for the clicks being added to commit
        (at most ``lock_timeout_s``), and clicks added from then on belong to the next iteration."""
        values = dict(asdict(run), model_path=str(run.model_path))
        values.update(metrics=_json(run.metrics), unresolved=_json(run.unresolved))

        self._run(lambda cur: cur.execute(INSERT_RUN, tuple(values.values())), lock_timeout_s=lock_timeout_s)

    # ---- classes and frames (the administrator) ----------------------------------------------------
    def set_class(self, c: ClassDef) -> None:
        """Add a class, or rename/recolour the class with this id (never delete one)."""
        _check_classes(self.schema, [c])
        self._run(
            lambda cur: cur.execute(
                "INSERT INTO classes (id, name, color) VALUES (%s, %s, %s) ON CONFLICT (id) DO UPDATE "
                "SET name = excluded.name, color = excluded.color",
                (c.id, c.name, c.color.lower()),
            )
        )

    def add_frame(self, name: str, path: str, info: FrameInfo, source: dict | None = None) -> Frame:
        """Add a frame (``info`` as :func:`isage_core.geo.frame_info` reads it; ``path`` as people's
        machines reach the raster, e.g. a shared folder); ``source``, where its imagery came from (without
        credentials), is recorded with it in the same transaction."""

        def body(cur: psycopg.Cursor) -> Frame:
            cur.execute(
                INSERT_FRAME,
                (
                    name, path, info.width, info.height, info.band_count, info.dtype, info.crs_wkt or "",
                    json.dumps(list(info.transform)[:6]), info.nodata, info.fingerprint,
                ),
            )  # fmt: skip
            if source is not None:
                self._insert_source(cur, name, "added", source, info.fingerprint, "")
            return self._get_frame(cur, name)

        return self._run(body)

    def relink_frame(self, name: str, path: str) -> Frame:
        """Where frame ``name``'s raster lies now (the same raster: only the path changes)."""

        def body(cur: psycopg.Cursor) -> Frame:
            if cur.execute("UPDATE frames SET path = %s WHERE name = %s", (path, name)).rowcount != 1:
                raise IsageError(f"{self.where}: no frame named '{name}'; check the name")
            return self._get_frame(cur, name)

        return self._run(body)

    def add_frame_source(
        self, frame: str, event: str, source: dict, fingerprint: str, detail: str = ""
    ) -> None:
        """Append a row of a frame's imagery history (a fetch or a check of its source)."""
        self._run(lambda cur: self._insert_source(cur, frame, event, source, fingerprint, detail))

    def _insert_source(
        self, cur: psycopg.Cursor, frame: str, event: str, source: dict, fingerprint: str, detail: str
    ):
        cur.execute(
            "INSERT INTO frame_sources (frame, event, source, fingerprint, detail) "
            "VALUES (%s, %s, %s, %s, %s)",
            (frame, event, json.dumps(source, sort_keys=True), fingerprint, detail),
        )
