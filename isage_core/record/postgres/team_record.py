"""A PostGIS record as a workspace uses it: the same interface as the GeoPackage's
:class:`~isage_core.record.click_record.ClickRecord`, so every ``isage`` command that takes a workspace
works on either backend.

The database keeps the rules (:mod:`.store`, schema.sql); this adapter does what needs the workspace's
files: frame paths are stored relative to the workspace folder and resolved against it, a click given as
a map point is snapped to its pixel, nodata is checked against the frame's raster, and a frame in another
CRS than the record's sends its point reprojected. Training records its run with the trainer's connection
(``trainer_connection`` of the pointer) when one is set, and so are assessment designs; that connection's
login comes from its service file or ~/.pgpass, or from ``ISAGE_TRAINER_PGUSER``/``ISAGE_TRAINER_PGPASSWORD``
in the engine's environment (the QGIS plugin passes a saved connection's login that way, beside the
person's ``PGUSER``/``PGPASSWORD``).
"""

from __future__ import annotations

import dataclasses
import logging
import operator
import os
from contextlib import ExitStack
from pathlib import Path

from rasterio.crs import CRS
from rasterio.windows import Window

from ... import geo
from ...errors import IsageError
from .. import locate
from ..schema import BatchReport, ClassDef, Click, ClickRequest, Frame, FrameSource, Run, unique_name
from .connection import connect
from .pointer import RecordPointer
from .store import TRAINER, PostgisRecord

log = logging.getLogger(__name__)
BACKEND = "postgis"
TRAINER_LOGIN_ENV = ("ISAGE_TRAINER_PGUSER", "ISAGE_TRAINER_PGPASSWORD")
_NO_OVERRIDE = "the team's budget is kept by the database; it cannot be overridden (drop --over-budget)"


class TeamRecord:
    """The record in ``pointer.schema`` of the database ``pointer.connection`` reaches, for the workspace
    ``folder``; open with :meth:`open`."""

    backend = BACKEND

    def __init__(self, pointer: RecordPointer, folder: Path, store: PostgisRecord):
        self.pointer, self.folder, self.store = pointer, Path(folder).resolve(), store
        self._trainer: PostgisRecord | None = None

    @classmethod
    def open(cls, pointer: RecordPointer, folder: Path) -> TeamRecord:
        return cls(pointer, folder, PostgisRecord(connect(pointer.connection), pointer.schema))

    @property
    def where(self) -> str:
        """What messages call the record: schema, login and database."""
        return self.store.where

    @property
    def login(self) -> str:
        return self.store.login

    def close(self) -> None:
        for store in (self.store, self._trainer):
            if store is not None:
                store.conn.close()

    def trainer(self) -> PostgisRecord:
        """The connection runs and assessment designs are recorded with: the pointer's trainer connection
        (its login from ``ISAGE_TRAINER_PGUSER``/``ISAGE_TRAINER_PGPASSWORD`` when set), else the
        person's."""
        if not self.pointer.trainer_connection:
            return self.store
        if self._trainer is None:
            user, password = (os.environ.get(name, "") for name in TRAINER_LOGIN_ENV)
            conn = connect(self.pointer.trainer_connection, user=user, password=password)
            self._trainer = PostgisRecord(conn, self.pointer.schema)
        return self._trainer

    def check_writable(self) -> None:
        """Fail now if the login that records runs may not: before a long training run."""
        trainer = self.trainer()
        allowed = trainer.conn.execute("SELECT has_any_column_privilege('runs', 'INSERT')").fetchone()[0]
        if not allowed:
            raise IsageError(
                f"{trainer.where}: {trainer.login} ({trainer.group or 'not on the team'}) may not record "
                f"training runs; train with the team's trainer account ({TRAINER}): set trainer_connection "
                "in the workspace's isage-postgis.json, or `isage init --postgres ... --trainer-connection`"
            )

    # ---- CRS, classes ----------------------------------------------------------------------------
    @property
    def crs(self) -> CRS | None:
        return CRS.from_wkt(self.store.crs_wkt) if self.store.crs_wkt else None

    def classes(self) -> list[ClassDef]:
        return self.store.classes()

    def class_ids(self) -> list[int]:
        return [c.id for c in self.classes()]

    def set_class(self, c: ClassDef) -> None:
        others = [k for k in self.classes() if k.id != c.id and k.name == c.name]
        if others:
            raise IsageError(
                f"{self.where}: class name '{c.name}' is used by class {others[0].id}; choose another name"
            )
        self.store.set_class(c)

    # ---- frames ----------------------------------------------------------------------------------
    def _local(self, frame: Frame) -> Frame:
        return dataclasses.replace(frame, path=locate.resolve_stored(frame.stored_path, self.folder))

    def frames(self) -> list[Frame]:
        return [self._local(f) for f in self.store.frames()]

    def frame(self, name: str) -> Frame:
        return self._local(self.store.frame(name))

    def frames_at(self, x: float, y: float, crs=None) -> list[str]:
        return locate.frames_at(self.frames(), x, y, crs)

    def stored_path(self, path: str | Path) -> str:
        """``path`` as the record stores it: relative to the workspace folder unless they share only the
        root (then each person's workspace reaches it at the same absolute path, e.g. a shared drive)."""
        return locate.stored_path(path, self.folder)

    def add_frame(self, path: str | Path, name: str | None = None, source: dict | None = None) -> Frame:
        info = geo.frame_info(path)
        frames = self.frames()
        for f in frames:
            if f.info.fingerprint == info.fingerprint:
                raise IsageError(f"{path}: already in the record {self.where} as frame '{f.name}'")
        taken = {f.name for f in frames}
        if name is not None and (not str(name).strip() or name in taken):
            raise IsageError(f"{self.where}: frame name '{name}' is empty or taken; choose another name")
        if bool(self.store.crs_wkt) != bool(info.crs_wkt):
            has = "has a CRS but the frame has none" if self.store.crs_wkt else "has no CRS"
            raise IsageError(
                f"{path}: the record {self.where} {has}; georeference the frame, or use a record of its own"
            )
        name = name if name is not None else unique_name(Path(path).stem, taken)
        return self._local(self.store.add_frame(name, self.stored_path(path), info, source))

    def relink_frame(self, name: str, new_path: str | Path) -> Frame:
        info, frame = geo.frame_info(new_path), self.frame(name)
        if info.fingerprint != frame.info.fingerprint:
            raise IsageError(
                f"{new_path}: not the raster of frame '{name}' (different size, georeference or pixels); "
                "give the original file"
            )
        return self._local(self.store.relink_frame(name, self.stored_path(new_path)))

    def resolve_missing_frames(self, search_dirs: list[str | Path]) -> list[str]:
        found = locate.find_moved_frames(self.frames(), search_dirs)
        for name, path in found.items():
            self.store.relink_frame(name, self.stored_path(path))
            log.info("frame '%s' re-linked to %s", name, path)
        return list(found)

    def frame_sources(self, frame: str | None = None) -> list[FrameSource]:
        return self.store.frame_sources(frame)

    def add_frame_source(
        self, frame: str, event: str, source: dict, fingerprint: str, detail: str = ""
    ) -> None:
        self.frame(frame)  # a known frame, or a one-line error
        self.trainer().add_frame_source(frame, event, source, fingerprint, detail)

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
        """As :meth:`ClickRecord.add_click`; the budget is the team's and the database enforces it."""
        if (row is None) != (col is None) or (x is None) != (y is None) or (row is None) == (x is None):
            raise IsageError(f"{self.where}: give a click as row and col, or as x and y (not both)")
        if not enforce_budget:
            raise IsageError(f"{self.where}: {_NO_OVERRIDE}")
        fr = self.frame(frame)
        if x is not None:
            row, col = locate.pixel_at(fr, x, y, crs, self.where)
        row, col = operator.index(row), operator.index(col)
        request = ClickRequest(f"pixel ({row}, {col})", frame, row, col, int(class_id), annotator, note)
        with ExitStack() as rasters:
            refusal = self._nodata(request, {frame: fr}, rasters, {})
        if refusal:
            raise IsageError(f"{fr.path}: {refusal}; click on image data")
        point = self._point(fr, row, col)
        return self.store.add_click(
            frame, int(class_id), row, col, note=note, point=point, annotator=annotator
        )

    def add_clicks(
        self, requests: list[ClickRequest], *, enforce_budget: bool = True, keep_valid: bool = False
    ) -> BatchReport:
        """As :meth:`ClickRecord.add_clicks`: nodata is refused here, every other rule by the database."""
        if not enforce_budget:
            raise IsageError(f"{self.where}: {_NO_OVERRIDE}")
        frames = {f.name: f for f in self.frames()}
        checked, points = [], []
        with ExitStack() as rasters:
            sources: dict[str, object] = {}
            for request in requests:
                refusal = request.refusal or self._nodata(request, frames, rasters, sources)
                checked.append(dataclasses.replace(request, refusal=refusal) if refusal else request)
                frame = frames.get(request.frame or "")
                inside = frame is not None and 0 <= request.row < frame.info.height
                inside = inside and 0 <= request.col < frame.info.width
                points.append(self._point(frame, request.row, request.col) if inside else None)
        return self.store.add_clicks(checked, keep_valid=keep_valid, points=points)

    @staticmethod
    def _nodata(request: ClickRequest, frames: dict[str, Frame], rasters: ExitStack, sources: dict) -> str:
        frame = frames.get(request.frame or "")
        if frame is None or not frame.exists:
            return ""
        if not (0 <= request.row < frame.info.height and 0 <= request.col < frame.info.width):
            return ""  # the database says so
        if frame.name not in sources:
            sources[frame.name] = rasters.enter_context(geo.open_raster(frame.path))
        if geo.valid_mask(sources[frame.name], Window(request.col, request.row, 1, 1))[0, 0]:
            return ""
        return f"nodata: pixel ({request.row}, {request.col}) of frame '{frame.name}' is nodata"

    def _point(self, frame: Frame, row: int, col: int) -> tuple[float, float] | None:
        """The pixel centre in the record's CRS for a frame in another CRS (the database computes the
        others' itself)."""
        if frame.info.crs_wkt == self.store.crs_wkt:
            return None
        return locate.record_point(frame.info, row, col, self.store.crs_wkt)

    def retract_click(self, uid_or_fid: str | int, by: str = "", reason: str = "") -> Click:
        """Retract a click as the connected login (``by``, if given, must be that login)."""
        if by and by != self.login:
            raise IsageError(
                f"{self.where}: retractions are recorded as the connected login {self.login!r}, not {by!r}; "
                "each person connects with their own login"
            )
        return self.store.retract_click(uid_or_fid, reason)

    def clicks(
        self, *, include_retracted: bool = False, max_iteration: int | None = None, frame: str | None = None
    ) -> list[Click]:
        return self.store.clicks(
            include_retracted=include_retracted, max_iteration=max_iteration, frame=frame
        )

    def clicks_hash(self, max_iteration: int) -> str:
        return self.store.training_snapshot(max_iteration).clicks_hash

    def changes(self) -> tuple:
        """A cheap token of what the clicks and runs hold: it differs after any click, retraction or run."""
        query = (
            "SELECT (SELECT coalesce(max(fid), 0) FROM clicks), "
            "(SELECT count(*) FROM clicks WHERE retracted), (SELECT coalesce(max(fid), 0) FROM runs)"
        )
        return tuple(self.store.conn.execute(query).fetchone())

    # ---- runs ------------------------------------------------------------------------------------
    def current_iteration(self) -> int:
        return self.store.current_iteration()

    def add_run(self, run: Run) -> None:
        self.trainer().add_run(run)

    def runs(self) -> list[Run]:
        return self.store.runs()
