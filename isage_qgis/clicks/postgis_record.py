"""The team's click record in PostGIS, with the interface the map tool and the panel use for a GeoPackage
record (:class:`~isage_qgis.clicks.layer.ClickRecordLayer`): add, retract, undo, classes, frames, counts.

The database decides and records: who (the connected login), when, the iteration, the team's budget,
duplicates and conflicts, sample pixels, whose click one may retract. What it refuses comes back as one
line starting with its kind ("budget: ...") in a :class:`ClickRefused` (or :class:`BudgetExceeded`). The
plugin checks only what the database cannot see: nodata in the frame's raster on this machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from qgis.core import (
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..record import postgis
from ..record.frames import FrameInfo, FrameRasters, layer_path, pixel_centre
from ..record.model import BudgetExceeded, ClassInfo, ClickRecordError, ClickRefused, check_class
from ..record.postgis import PostgisError, PostgisTarget
from ..record.postgis_tables import ANNOTATOR, PostgisTables
from ..translation import tr
from .undo import UNDO_REASON, ClickUndoStack, UndoEntry

# what the database refuses because of the record's rules (a warning), not because it is unreachable
RULE_KINDS = {
    "budget", "duplicate", "conflict", "outside", "point", "reason", "retracted", "note", "changed",
    "assessment sample", "unknown frame", "unknown class",  # no-i18n
    "annotator", "retracted_by", "isolation",
}  # fmt: skip


class PostgisClickRecord(QObject, PostgisTables):
    """A PostGIS record opened through QGIS's saved connection; raises :class:`ClickRecordError`."""

    changed = pyqtSignal()  # after any write made through this object
    message = pyqtSignal(str, str)  # level, one-line text
    is_postgis = True

    def __init__(self, target: PostgisTarget, parent: QObject | None = None) -> None:
        self.undo_stack = ClickUndoStack()
        self._rasters = FrameRasters()
        super().__init__(parent=parent, target=target)

    @classmethod
    def open(cls, target: PostgisTarget) -> PostgisClickRecord:
        """Open the record and write its workspace's pointer for the engine (no login in it)."""
        try:
            record = cls(target)
            postgis.pointer_for(target)  # after the record is known readable: no folder for a typo
        except PostgisError as exc:
            raise ClickRecordError(str(exc)) from None
        except OSError as exc:
            text = tr("{folder}: the workspace folder cannot be written ({reason}); choose another folder")
            raise ClickRecordError(text.format(folder=target.workspace, reason=exc)) from None
        return record

    @property
    def workspace(self) -> Path:
        return self.target.workspace

    def describe(self) -> str:
        """``connection / schema (login, role)`` for the panel."""
        role = self.group.removeprefix("isage_") or tr("not on the team")
        return f"PostGIS {self.target.connection} / {self.target.schema} ({self.login}, {role})"  # no-i18n

    def engine_environment(self) -> Mapping[str, str]:
        """The login for the engine processes' environment (never a file or an argument)."""
        try:
            return postgis.environment_for(self.target)
        except PostgisError as exc:
            raise ClickRecordError(str(exc)) from None

    # ---- what this login may do (the database refuses the rest) ---------------------------------------
    def _role(self) -> str:
        return self.group.removeprefix("isage_") or tr("not on the team")

    def train_refusal(self) -> str:
        """Why Train cannot record a run ("" when it can): the login is no trainer and no trainer account
        is set for the workspace."""
        if self.may_train or postgis.has_trainer(self.workspace):
            return ""
        text = tr(
            "{login} ({role}) may not record training runs; choose the team's trainer account under Trainer "
            "account in the panel's Team (PostGIS)… dialog"
        )
        return text.format(login=self.login, role=self._role())

    def design_refusal(self) -> str:
        """Why an assessment design cannot be recorded ("" when it can): the engine records it with the
        account that records runs (and checks that it may, as before training)."""
        if (self.may_train and self.may_design) or postgis.has_trainer(self.workspace):
            return ""
        text = tr(
            "{login} ({role}) may not record an assessment design; choose the team's trainer account under "
            "Trainer account in the panel's Team (PostGIS)… dialog, or ask the trainer to press Assess map"
        )
        return text.format(login=self.login, role=self._role())

    def admin_refusal(self) -> str:
        """Why classes and frames cannot be changed ("" for the record's administrator)."""
        if self.is_admin:
            return ""
        text = tr(
            "Only the record's administrator (isage_admin) adds classes and frames; {login} is not one."
        )
        return text.format(login=self.login)

    def close(self) -> None:
        self._rasters.clear()

    def reload(self) -> None:
        self._guard(self._open)

    def snapshot(self):
        return self._guard(super().snapshot)

    def _guard(self, call, *args):
        """``call(*args)``, a database error turned into :class:`ClickRefused` (a rule) or
        :class:`ClickRecordError`."""
        try:
            return call(*args)
        except PostgisError as exc:
            if exc.kind == "budget":
                raise BudgetExceeded(str(exc)) from None
            if exc.kind in RULE_KINDS:
                raise ClickRefused(str(exc)) from None
            raise ClickRecordError(str(exc)) from None

    # ---- classes (the administrator) -----------------------------------------------------------------
    def set_classes(self, classes: Iterable[ClassInfo]) -> None:
        current = {c.id: c for c in self._guard(self.classes)}
        for c in classes:
            c = ClassInfo(c.id, str(c.name).strip(), str(c.color).lower())
            check_class(self.path, c, [k for k in current.values() if k.id != c.id])
            self._guard(self.save_class, c)
            current[c.id] = c
        self.changed.emit()

    # ---- clicks --------------------------------------------------------------------------------------
    def add_click(
        self,
        frame: str,
        row: int,
        col: int,
        class_id: int,
        annotator: str = "",
        note: str = "",
        enforce_budget: bool = True,
        raster: QgsRasterLayer | None = None,
        undoable: bool = True,
    ) -> int:
        """Record one click of the connected login; its fid. ``annotator`` and ``enforce_budget`` are the
        database's (the login; the team's budget always holds)."""
        fr = self._guard(self.frame, frame)
        if fr is None:
            text = tr("{where}: no frame named '{frame}'; the record's administrator adds frames")
            raise ClickRefused(text.format(where=self.where, frame=frame))
        if 0 <= row < fr.height and 0 <= col < fr.width:
            source = fr.path if fr.exists else (layer_path(raster) if raster is not None else None)
            if source is not None and self._rasters.is_nodata(source, fr, row, col):
                text = tr(
                    "{path}: pixel (row {row}, col {col}) of frame '{frame}' is nodata; click on image data"
                )
                raise ClickRefused(text.format(path=fr.path, row=row, col=col, frame=frame))
        point = self._centre_in_record(fr, row, col)
        fid = self._guard(self.insert_click, fr, row, col, class_id, note or "", point)
        if undoable:
            self.undo_stack.push(UndoEntry("add", fid, frame, int(row), int(col), int(class_id), note or ""))
        self.changed.emit()
        return fid

    def _centre_in_record(self, fr: FrameInfo, row: int, col: int) -> QgsPointXY:
        point = QgsPointXY(*pixel_centre(fr.transform, row, col))
        src, dst = fr.crs(), self.crs
        if not src.isValid() or not dst.isValid() or src == dst:
            return point
        return QgsCoordinateTransform(src, dst, QgsCoordinateTransformContext()).transform(point)

    def needs_reason(self, fid: int) -> bool:
        """Whether retracting click ``fid`` needs a reason: it is someone else's and this login may retract
        it (not an annotator)."""
        c = self._guard(self.click, fid)
        return c is not None and c.annotator != self.login and self.group != ANNOTATOR

    def retract(self, fid: int, by: str = "", reason: str = "", undoable: bool = True) -> None:
        """Retract click ``fid``: the connected login's own, or anyone's for a reviewer (with a reason)."""
        c = self._guard(self.click, fid)
        if c is None:
            text = tr("{path}: no click with fid {fid}; check the click id")
            raise ClickRefused(text.format(path=self.path, fid=fid))
        if c.retracted:
            text = tr("{path}: click {uid} was already retracted; nothing to do")
            raise ClickRefused(text.format(path=self.path, uid=c.uid))
        if c.annotator != self.login and self.group == ANNOTATOR:  # the database refuses it too
            text = tr(
                "click {fid} is {annotator}'s; only a reviewer retracts another person's click, with a reason"
            )
            raise ClickRefused(text.format(fid=fid, annotator=c.annotator))
        try:
            done = self._guard(self.retract_click, fid, reason or "")
        except ClickRecordError as exc:
            if "row-level security" in str(exc) or "permission denied" in str(exc):  # no-i18n
                text = tr("click {fid} cannot be retracted by {login}: {reason}")
                raise ClickRefused(text.format(fid=fid, login=self.login, reason=exc)) from None
            raise
        if not done:  # retracted by someone else meanwhile
            text = tr("{path}: click {uid} was already retracted; nothing to do")
            raise ClickRefused(text.format(path=self.path, uid=c.uid))
        if undoable:
            self.undo_stack.push(UndoEntry("retract", c.fid, c.frame, c.row, c.col, c.class_id, c.note))
        self.changed.emit()

    def undo(self, annotator: str = "", enforce_budget: bool = True) -> tuple[str, int] | None:
        """Undo this session's last edit: retract the click added, or add again the click retracted."""
        entry = self.undo_stack.pop()
        if entry is None:
            return None
        try:
            if entry.kind == "add":
                current = self._guard(self.click, entry.fid)
                if current is not None and not current.retracted:
                    self.retract(entry.fid, reason=UNDO_REASON, undoable=False)
                return "retracted", entry.fid
            fid = self.add_click(
                entry.frame, entry.row, entry.col, entry.class_id, note=entry.note, undoable=False
            )
            return "added", fid
        except ClickRecordError:
            self.undo_stack.push(entry)
            raise

    # ---- the project ---------------------------------------------------------------------------------
    def project_layers(self, project: QgsProject | None = None) -> list[QgsVectorLayer]:
        return []

    def commit_pending(self, project: QgsProject | None = None) -> list[str]:
        """Nothing is pending: every click is committed at once (the clicks layer is read-only)."""
        return []

    def watch_layer(self, lyr: QgsVectorLayer) -> None:
        """The clicks layer is read-only: nothing to watch."""
