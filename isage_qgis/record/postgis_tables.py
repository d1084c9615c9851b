"""The team's click record in PostGIS, read and written through QGIS's saved connection.

The same reads as :class:`~isage_qgis.record.tables.RecordTables` (classes, frames, the iteration,
clicks, counts, the nearest click) and a :class:`~isage_qgis.record.view.RecordSnapshot` for the panel;
the writes an annotator, a reviewer or the administrator is granted: a click (only the columns annotators
may send: who, when and the iteration are the database's), a retraction (its who and when too), a class.
The database enforces every rule (schema.sql): its refusals come back as :class:`PostgisError`.
"""

from __future__ import annotations

import json
from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsPointXY

from ..translation import tr
from .frames import FrameInfo
from .model import ClassCount, ClassInfo, ClickInfo, is_null
from .postgis import Fragment, PostgisError, PostgisSql, PostgisTarget, compose, literal
from .tables import SCHEMA_VERSION, to_record_crs
from .view import ClickRow, RecordSnapshot, RunInfo
from .view import FrameInfo as SnapshotFrame

ANNOTATOR, REVIEWER, TRAINER, ADMIN = GROUPS = (
    "isage_annotator",
    "isage_reviewer",
    "isage_trainer",
    "isage_admin",
)
_SELECT_CLICKS = (
    "SELECT fid, uid, frame, row, col, class_id, iteration, annotator, "  # no-i18n
    "to_char(created_utc AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"'), "
    "coalesce(note, ''), retracted, ST_X(geom), ST_Y(geom) FROM {clicks} WHERE {condition} ORDER BY fid"
)
_READABLE = (
    "SELECT coalesce(has_schema_privilege(n.oid, 'USAGE') "  # no-i18n
    "AND has_table_privilege(c.oid, 'SELECT'), false) FROM pg_namespace n "
    "JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'isage_meta' "
    "WHERE n.nspname = {schema}"
)  # no-i18n
_WHO = (
    "SELECT session_user::text, (SELECT array_to_string(array_agg(rolname ORDER BY rolname), ',') "  # no-i18n
    "FROM pg_roles WHERE rolname IN ({groups}) AND pg_has_role(session_user, oid, 'MEMBER'))"
)  # no-i18n
_MAY = (
    "SELECT pg_has_role(session_user, 'isage_admin', 'MEMBER'), "  # no-i18n
    "has_any_column_privilege({runs_name}, 'INSERT'), has_any_column_privilege({designs_name}, 'INSERT')"
)  # no-i18n
_FRAMES = (
    "SELECT name, path, width, height, crs_wkt, transform, band_count, nodata "  # no-i18n
    "FROM {frames} ORDER BY fid"
)  # no-i18n
_NEAREST = (
    "SELECT fid FROM {clicks} WHERE NOT retracted AND ST_DWithin(geom, {at}, {tolerance}) "  # no-i18n
    "ORDER BY ST_Distance(geom, {at}), fid LIMIT 1"
)  # no-i18n
_VERSION = (
    "SELECT (SELECT count(*) FROM {clicks}), (SELECT count(*) FROM {clicks} WHERE retracted), "  # no-i18n
    "(SELECT count(*) FROM {runs}), (SELECT count(*) FROM {frames}), "
    "(SELECT md5(coalesce(string_agg(id || name || color, ',' ORDER BY id), '')) FROM {classes})"
)  # no-i18n
_RUNS = (
    "SELECT iteration, clicks_used, metrics, unresolved, device, duration_s "  # no-i18n
    "FROM {runs} ORDER BY iteration, fid"
)  # no-i18n
_INSERT_CLICK = (
    "INSERT INTO {clicks} (frame, row, col, class_id, note, geom) "  # no-i18n
    "VALUES ({frame}, {row}, {col}, {class_id}, {note}, {geom}) RETURNING fid"
)  # no-i18n
_RETRACT = (
    "UPDATE {clicks} SET retracted = true, retract_reason = {reason} "  # no-i18n
    "WHERE fid = {fid} AND NOT retracted RETURNING fid"
)  # no-i18n
_SAVE_CLASS = (
    "INSERT INTO {classes} (id, name, color) VALUES ({id}, {name}, {color}) "  # no-i18n
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, color = excluded.color"
)  # no-i18n
_SAMPLE_PIXEL = (
    "SELECT 1 FROM {assessment_points} "  # no-i18n
    "WHERE frame = {frame} AND row = {row} AND col = {col} LIMIT 1"
)
_POINT = "ST_SetSRID(ST_MakePoint({x}, {y}), {srid})"  # no-i18n


def _text(value) -> str:
    return "" if value is None or is_null(value) else str(value)


def _number(value, default=None):
    return default if value is None or is_null(value) else value


class PostgisTables:
    """One PostGIS record through QGIS; opening checks it and reads who is connected (its login and team
    role). Raises :class:`PostgisError`."""

    def __init__(self, target: PostgisTarget):
        self.target = target
        self.path = target.pointer  # what messages and the panel name the record by
        self.sql = PostgisSql(target)
        self.where = self.sql.where
        self._open()

    def _open(self) -> None:
        found = self.sql.rows(_READABLE, schema=literal(self.target.schema))
        if not (found and found[0][0]):
            text = tr(
                "{where}: no iSAGE record here that this login may read; check the schema name, or ask the "
                "administrator to add this login to the team"
            )
            raise PostgisError(text.format(where=self.where))
        meta = self.meta()
        version = meta.get("schema_version", "")
        if not version.isdigit():
            raise PostgisError(tr("{where}: iSAGE record without a schema version").format(where=self.where))
        if int(version) > SCHEMA_VERSION:
            text = tr(
                "{where}: written by a newer iSAGE (record schema {version}, plugin reads {supported}); "
                "upgrade the plugin"
            )
            raise PostgisError(text.format(where=self.where, version=version, supported=SCHEMA_VERSION))
        self.srid = int(meta.get("srid") or 0)
        self.crs_wkt = meta.get("crs_wkt", "")
        groups = Fragment(", ".join(literal(g) for g in GROUPS))
        login, roles = self.sql.rows(_WHO, groups=groups)[0]
        self.login = _text(login)
        roles = [r for r in _text(roles).split(",") if r]
        self.group = roles[0] if len(roles) == 1 else ""
        names = {f"{t}_name": literal(str(self.sql.table(t))) for t in ("runs", "assessment_designs")}
        admin, runs, designs = self.sql.rows(_MAY, runs_name=names["runs_name"],
                                             designs_name=names["assessment_designs_name"])[0]  # fmt: skip
        # what the database lets this login do (it refuses the rest): the panel disables or explains it
        self.is_admin, self.may_train, self.may_design = bool(admin), bool(runs), bool(designs)

    def reload(self) -> None:
        self._open()

    def close(self) -> None:
        """Nothing to release: QGIS keeps its connections."""

    # ---- reads ---------------------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        rows = self.sql.rows("SELECT key, value FROM {isage_meta}")  # no-i18n
        return {_text(k): _text(v) for k, v in rows}

    @property
    def crs(self) -> QgsCoordinateReferenceSystem:
        if self.srid:
            return QgsCoordinateReferenceSystem(f"EPSG:{self.srid}")  # no-i18n
        if self.crs_wkt:
            return QgsCoordinateReferenceSystem.fromWkt(self.crs_wkt)
        return QgsCoordinateReferenceSystem()

    def classes(self) -> list[ClassInfo]:
        rows = self.sql.rows("SELECT id, name, color FROM {classes} ORDER BY id")  # no-i18n
        return [ClassInfo(int(i), _text(n), _text(c)) for i, n, c in rows]

    def frames(self) -> list[FrameInfo]:
        """The frames in the order added; a relative path is taken against the workspace folder."""
        out = []
        for name, stored, width, height, wkt, transform, bands, nodata in self.sql.rows(_FRAMES):
            path = Path(_text(stored))
            path = path if path.is_absolute() else self.target.workspace / path
            out.append(
                FrameInfo(
                    _text(name),
                    path.resolve(),
                    int(width),
                    int(height),
                    _text(wkt),
                    tuple(float(v) for v in json.loads(_text(transform)))[:6],
                    int(_number(bands, 0)),
                    None if _number(nodata) is None else float(nodata),
                )
            )
        return out

    def frame(self, name: str) -> FrameInfo | None:
        return next((f for f in self.frames() if f.name == name), None)

    def current_iteration(self) -> int:
        return int(self.sql.rows("SELECT coalesce(max(iteration) + 1, 0) FROM {runs}")[0][0])  # no-i18n

    def clicks(self, include_retracted: bool = False, where: Fragment | None = None) -> list[ClickInfo]:
        """Clicks in the order made (unretracted only by default); ``where``: a condition whose values are
        :func:`literal`."""
        terms = [t for t in (where, "" if include_retracted else "NOT retracted") if t]  # no-i18n
        condition = Fragment(" AND ".join(f"({t})" for t in terms) or "true")
        return [_click(r) for r in self.sql.rows(_SELECT_CLICKS, condition=condition)]

    def click(self, fid: int) -> ClickInfo | None:
        found = self.clicks(include_retracted=True, where=Fragment(f"fid = {int(fid)}"))  # no-i18n
        return found[0] if found else None

    def counts(self, frame: str | None = None) -> dict[int, ClassCount]:
        """Per class id, unretracted clicks of the current iteration and in all (optionally of one frame)."""
        iteration = self.current_iteration()
        out = {c.id: ClassCount(0, 0) for c in self.classes()}
        where = Fragment(f"frame = {literal(frame)}") if frame is not None else None  # no-i18n
        for c in self.clicks(where=where):
            now, total = out.get(c.class_id, ClassCount(0, 0))
            out[c.class_id] = ClassCount(now + (c.iteration == iteration), total + 1)
        return out

    def budget_allows(self, frame: str, class_id: int) -> bool:
        """True when the team has no unretracted click of ``class_id`` on ``frame`` in this iteration."""
        iteration = self.current_iteration()
        where = f"frame = {literal(frame)} AND class_id = {int(class_id)} "  # no-i18n
        where += f"AND iteration = {int(iteration)}"  # no-i18n
        return not self.clicks(where=Fragment(where))

    def nearest_click(
        self, point: QgsPointXY, crs: QgsCoordinateReferenceSystem, tolerance: float
    ) -> int | None:
        """fid of the unretracted click nearest ``point`` (in ``crs``) within ``tolerance`` (record CRS
        units); None when there is none."""
        here = to_record_crs(point, crs, self.crs)
        if here is None:
            return None
        at = self._point(here)
        rows = self.sql.rows(_NEAREST, at=at, tolerance=literal(float(tolerance)))
        return int(rows[0][0]) if rows else None

    def _point(self, point: QgsPointXY) -> Fragment:
        return Fragment(compose(_POINT, dict(x=literal(point.x()), y=literal(point.y()), srid=self.srid)))

    def is_sample_pixel(self, frame: str, row: int, col: int) -> bool:
        """Whether the pixel is a point of an accuracy assessment sample (the database refuses it too)."""
        rows = self.sql.rows(_SAMPLE_PIXEL, frame=literal(frame), row=int(row), col=int(col))
        return bool(rows)

    def version(self) -> tuple:
        """What changes whenever the record does (clicks, retractions, runs, classes, frames): polled when
        the database's notifications do not arrive."""
        return tuple(_text(v) for v in self.sql.rows(_VERSION)[0])

    def snapshot(self) -> RecordSnapshot:
        """Classes, frames, runs and unretracted clicks, as the panel shows them."""
        snapshot = RecordSnapshot(str(self.path), crs_wkt=self.crs_wkt)
        snapshot.classes = self.classes()
        snapshot.frames = [
            SnapshotFrame(f.name, str(f.path), f.width, f.height, f.crs_wkt, f.transform)
            for f in self.frames()
        ]
        snapshot.runs = [
            RunInfo(
                int(it), int(_number(used, 0)), _json(metrics, {}), _json(unresolved, []), _text(device),
                float(_number(duration, 0.0)),
            )
            for it, used, metrics, unresolved, device, duration in self.sql.rows(_RUNS)
        ]  # fmt: skip
        snapshot.clicks = [ClickRow(c.frame, c.class_id, c.iteration, c.row, c.col) for c in self.clicks()]
        return snapshot

    # ---- writes --------------------------------------------------------------------------------------
    def insert_click(
        self, frame: FrameInfo, row: int, col: int, class_id: int, note: str, point: QgsPointXY | None
    ) -> int:
        """Insert one click (the database writes who, when and the iteration and checks every rule); its
        fid. ``point``: its pixel centre in the record CRS, sent for a frame in another CRS only."""
        other_crs = point is not None and frame.crs_wkt != self.crs_wkt
        geom = self._point(point) if other_crs else Fragment("NULL")
        rows = self.sql.rows(
            _INSERT_CLICK, frame=literal(frame.name), row=int(row), col=int(col), class_id=int(class_id),
            note=literal(note), geom=geom,
        )  # fmt: skip
        return int(rows[0][0])

    def retract_click(self, fid: int, reason: str) -> bool:
        """Retract click ``fid`` (who and when written by the database); False when it was retracted
        already."""
        return bool(self.sql.rows(_RETRACT, reason=literal(reason), fid=int(fid)))

    def save_class(self, c: ClassInfo) -> None:
        """Add a class or rename/recolour it (the administrator)."""
        self.sql.rows(_SAVE_CLASS, id=int(c.id), name=literal(c.name), color=literal(c.color))


def _json(value, default):
    try:
        return json.loads(_text(value)) if _text(value) else default
    except ValueError:
        return default


def _click(r: list) -> ClickInfo:
    x, y = _number(r[11]), _number(r[12])
    return ClickInfo(
        int(r[0]), _text(r[1]), _text(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6]), _text(r[7]),
        _text(r[8]), _text(r[9]), bool(r[10]), float("nan") if x is None else float(x),
        float("nan") if y is None else float(y),
    )  # fmt: skip
