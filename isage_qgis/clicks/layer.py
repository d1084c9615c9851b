"""The click record read and written through QGIS (OGR layers on the GeoPackage), with the engine's rules.

Mirrors ``isage_core.record`` without importing it: the budget (one unretracted click per class per
frame per iteration unless overridden), the current iteration (0 before any run, else the last run's + 1),
clicks stored as ``row``/``col`` plus the pixel centre in the record CRS, retractions instead of deletes.
Every write is one provider call, i.e. one SQLite transaction, committed at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..record import writes as record_writes
from ..record.frames import FrameInfo, FrameRasters, frame_for_layer, layer_path, pixel_centre, pixel_of
from ..record.model import (
    BudgetExceeded,
    ClassCount,
    ClassInfo,
    ClickInfo,
    ClickRecordError,
    ClickRefused,
    check_class,
)
from ..record.tables import SCHEMA_VERSION, RecordTables
from ..record.writes import utc_now
from ..translation import tr
from .undo import UNDO_REASON, ClickUndoStack, UndoEntry

__all__ = [
    "BudgetExceeded",
    "ClassCount",
    "ClassInfo",
    "ClickInfo",
    "ClickRecordError",
    "ClickRecordLayer",
    "ClickRefused",
    "FrameInfo",
    "SCHEMA_VERSION",
    "frame_for_layer",
    "pixel_of",
]


class ClickRecordLayer(QObject, RecordTables):
    """One iSAGE click record (``clicks.gpkg``) opened through QGIS; raises :class:`ClickRecordError`.

    Reading: see :class:`record_tables.RecordTables` (``classes``, ``frames``, ``current_iteration``,
    ``counts``, ``clicks``, ``click``, ``nearest_click``, ``budget_allows``, ``crs``, ``reload``).
    """

    changed = pyqtSignal()  # after any write made through this object
    message = pyqtSignal(str, str)  # level ("info", "warning", "critical"), one-line text

    def __init__(self, path: str | Path, parent: QObject | None = None) -> None:
        self.undo_stack = ClickUndoStack()
        self._rasters = FrameRasters()
        super().__init__(parent=parent, path=path)

    @classmethod
    def open(cls, path: str | Path) -> ClickRecordLayer:
        """Open and validate an existing record."""
        return cls(path)

    def close(self) -> None:
        super().close()
        self._rasters.clear()

    # ---- classes ---------------------------------------------------------------------------------
    def add_class(self, c: ClassInfo) -> None:
        """Add a new class; refuses an id in use (use :meth:`update_class`)."""
        if any(k.id == c.id for k in self.classes()):
            text = tr("{path}: class {id} exists already; choose another id or edit it")
            raise ClickRefused(text.format(path=self.path, id=c.id))
        self.set_classes([c])

    def update_class(self, c: ClassInfo) -> None:
        """Rename or recolour the existing class ``c.id``."""
        if not any(k.id == c.id for k in self.classes()):
            raise ClickRefused(tr("{path}: no class {id}; add it first").format(path=self.path, id=c.id))
        self.set_classes([c])

    def set_classes(self, classes: Iterable[ClassInfo]) -> None:
        """Add or update these classes (matched by id); classes are never removed (clicks name them)."""
        wanted = {c.id: ClassInfo(c.id, str(c.name).strip(), str(c.color).lower()) for c in classes}
        current = {int(f["id"]): f for f in self._rows("classes")}
        merged = {k: ClassInfo(k, str(f["name"]), str(f["color"])) for k, f in current.items()} | wanted
        for c in wanted.values():
            check_class(self.path, c, [k for k in merged.values() if k.id != c.id])
        lyr = self._table("classes")
        idx = lyr.fields().indexOf
        changes = {
            current[k].id(): {idx("name"): c.name, idx("color"): c.color}
            for k, c in wanted.items()
            if k in current
        }
        new = [
            _feature(lyr, {"id": c.id, "name": c.name, "color": c.color})
            for k, c in wanted.items()
            if k not in current
        ]
        if changes:
            self._write(lyr, tr("save the classes"), lambda p: p.changeAttributeValues(changes))
        if new:
            self._write(lyr, tr("save the classes"), lambda p: p.addFeatures(new)[0])

    # ---- clicks ----------------------------------------------------------------------------------
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
        """Record one click on pixel ``(row, col)`` of ``frame``; returns its fid.

        Refused (:class:`ClickRefused`, nothing written) outside the frame, on nodata, for an unknown
        class, or over budget when ``enforce_budget``. ``raster`` is read for nodata when the frame's
        file is missing (the engine then skips the check).
        """
        fr = self.frame(frame)
        if fr is None:
            known = ", ".join(f.name for f in self.frames()) or "-"
            text = tr("{path}: no frame named '{frame}' (frames: {known}); add the frame first")
            raise ClickRefused(text.format(path=self.path, frame=frame, known=known))
        ids = [c.id for c in self.classes()]
        if class_id not in ids:
            text = tr("{path}: unknown class {class_id} (classes: {known}); add it first")
            known = ", ".join(map(str, ids)) or "-"
            raise ClickRefused(text.format(path=self.path, class_id=repr(class_id), known=known))
        if not (0 <= row < fr.height and 0 <= col < fr.width):
            text = tr(
                "{path}: pixel (row {row}, col {col}) is outside frame '{frame}' ({width}x{height} pixels)"
            )
            raise ClickRefused(
                text.format(path=fr.path, row=row, col=col, frame=frame, width=fr.width, height=fr.height)
            )
        source = fr.path if fr.exists else (layer_path(raster) if raster is not None else None)
        if source is not None and self._rasters.is_nodata(source, fr, row, col):
            text = tr(
                "{path}: pixel (row {row}, col {col}) of frame '{frame}' is nodata; click on image data"
            )
            raise ClickRefused(text.format(path=fr.path, row=row, col=col, frame=frame))
        iteration = self.current_iteration()
        holder = self._budget_holder(frame, class_id, iteration) if enforce_budget else None
        if holder is not None:
            text = tr(
                "frame '{frame}' already has a click of class {class_id} in iteration {iteration} "
                "(click {fid}); one click per class per frame per iteration: retract it first "
                "(right click), or turn on the budget override in the iSAGE settings"
            )
            raise BudgetExceeded(
                text.format(frame=frame, class_id=class_id, iteration=iteration, fid=holder.fid)
            )
        record_writes.check_writable(self.path)
        values = dict(uid=uuid.uuid4().hex, frame=frame, row=int(row), col=int(col), class_id=int(class_id))
        values.update(iteration=iteration, annotator=annotator or "", created_utc=utc_now(), note=note or "")
        f = _feature(self.layer, dict(values, retracted=0))
        f.setGeometry(QgsGeometry.fromPointXY(self._centre_in_record(fr, row, col)))
        added: list[QgsFeature] = []

        def insert(provider) -> bool:
            ok, feats = provider.addFeatures([f])
            added.extend(feats)
            return ok

        self._write(self.layer, tr("add the click"), insert)
        fid = int(added[0].id())
        if undoable:
            self.undo_stack.push(UndoEntry("add", fid, frame, int(row), int(col), int(class_id), note or ""))
        return fid

    def _centre_in_record(self, fr: FrameInfo, row: int, col: int) -> QgsPointXY:
        point = QgsPointXY(*pixel_centre(fr.transform, row, col))
        src, dst = fr.crs(), self.crs
        if not src.isValid() or not dst.isValid() or src == dst:
            return point
        return QgsCoordinateTransform(src, dst, QgsCoordinateTransformContext()).transform(point)

    def retract(self, fid: int, by: str = "", reason: str = "", undoable: bool = True) -> None:
        """Mark click ``fid`` retracted (with who, when and why); it stays in the record."""
        c = self.click(fid)
        if c is None:
            raise ClickRefused(
                tr("{path}: no click with fid {fid}; check the click id").format(path=self.path, fid=fid)
            )
        if c.retracted:
            text = tr("{path}: click {uid} was already retracted; nothing to do")
            raise ClickRefused(text.format(path=self.path, uid=c.uid))
        idx = self.layer.fields().indexOf
        values = {
            idx("retracted"): 1,
            idx("retracted_utc"): utc_now(),
            idx("retracted_by"): by or "",
            idx("retract_reason"): reason or "",
        }
        self._write(
            self.layer, tr("retract the click"), lambda p: p.changeAttributeValues({int(fid): values})
        )
        if undoable:
            self.undo_stack.push(UndoEntry("retract", c.fid, c.frame, c.row, c.col, c.class_id, c.note))

    def undo(self, annotator: str = "", enforce_budget: bool = True) -> tuple[str, int] | None:
        """Undo the last edit of this session: ``("retracted", fid)`` or ``("added", new_fid)``; None if
        there is nothing to undo. On failure the entry stays on the stack and the error is raised."""
        entry = self.undo_stack.pop()
        if entry is None:
            return None
        try:
            if entry.kind == "add":
                current = self.click(entry.fid)
                if current is not None and not current.retracted:
                    self.retract(entry.fid, annotator, UNDO_REASON, undoable=False)
                return "retracted", entry.fid
            fid = self.add_click(
                entry.frame,
                entry.row,
                entry.col,
                entry.class_id,
                annotator,
                entry.note,
                enforce_budget,
                undoable=False,
            )
            return "added", fid
        except ClickRecordError:
            self.undo_stack.push(entry)
            raise

    # ---- files and project -----------------------------------------------------------------------
    def _write(self, lyr: QgsVectorLayer, action: str, call) -> None:
        record_writes.provider_write(self.path, lyr, action, call)
        self.changed.emit()

    def project_layers(self, project: QgsProject | None = None) -> list[QgsVectorLayer]:
        """The project's vector layers reading this GeoPackage."""
        return record_writes.project_layers(self.path, project)

    def commit_pending(self, project: QgsProject | None = None) -> list[str]:
        """Save pending edits of the project's layers on this GeoPackage (call before the engine runs);
        returns the names of layers saved; raises :class:`ClickRecordError` when one cannot be saved."""
        return record_writes.commit_pending(self.path, project)

    def watch_layer(self, lyr: QgsVectorLayer) -> None:
        """Warn (``message``) as soon as a click is deleted in ``lyr``: the record will refuse to save it."""

        def deleted(fid: int) -> None:
            text = tr(
                "{path}: clicks are never deleted; saving the deletion of click {fid} will be refused: "
                "roll back and retract it instead (right click)"
            )
            self.message.emit("warning", text.format(path=self.path, fid=fid))

        lyr.featureDeleted.connect(deleted)


def _feature(lyr: QgsVectorLayer, values: dict[str, Any]) -> QgsFeature:
    f = QgsFeature(lyr.fields())
    for key, value in values.items():
        f.setAttribute(key, value)
    return f
