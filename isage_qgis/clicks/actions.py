"""What a click on the map does, without any widget: find the frame pixel, validate, write, retract, undo.

The map tool turns mouse and key events into these calls and the returned :class:`Outcome` into signals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapLayer,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
)

from ..record.assessment import is_sample_pixel
from ..record.frames import FrameInfo, frame_for_layer, pixel_of
from ..record.model import ClickInfo, ClickRecordError, ClickRefused
from ..record.postgis import PostgisError
from ..record.view import RecordError
from ..translation import tr
from .layer import ClickRecordLayer

RETRACT_REASON = "retracted on the map"  # no-i18n: the audit record stays English


class ClickSettingsLike(Protocol):
    """What the click tools read from the settings (``settings.PluginSettings`` has these)."""

    enforce_budget: bool
    annotator: str


@dataclass
class ClickSettings:
    enforce_budget: bool = True
    annotator: str = ""


@dataclass(frozen=True)
class Outcome:
    """``kind``: ``added``, ``retracted``, ``refused`` or ``nothing``; ``level`` for the message bar."""

    kind: str
    level: str
    text: str
    fid: int | None = None


@dataclass(frozen=True)
class FrameHit:
    frame: FrameInfo
    layer: QgsRasterLayer
    row: int
    col: int


def as_getter(value: Any) -> Callable[[], Any]:
    """A value, or a function returning it, as a function."""
    return value if callable(value) else (lambda: value)


class ClickActions:
    """Click logic for one map; each argument is a value or a function returning the current one."""

    def __init__(
        self,
        record: Any,
        active_class: Any,
        frame_layers: Any,
        settings: Any = None,
        layer_order: Callable[[], Sequence[QgsMapLayer]] | None = None,
    ) -> None:
        self.record: Callable[[], ClickRecordLayer | None] = as_getter(record)
        self.active_class: Callable[[], int | None] = as_getter(active_class)
        self.frame_layers: Callable[[], Sequence[QgsRasterLayer]] = as_getter(frame_layers)
        self.settings: Callable[[], ClickSettingsLike] = as_getter(settings or ClickSettings())
        self.layer_order = layer_order or (lambda: [])
        # why a click someone else made is retracted (a reviewer's, on a team record): "" or None cancels
        self.ask_reason: Callable[[ClickInfo], str | None] | None = None

    def _ordered_layers(self) -> list[QgsRasterLayer]:
        """Frame layers, those drawn on top first (the canvas order), then the others as given."""
        order = {lyr.id(): i for i, lyr in enumerate(self.layer_order() or [])}
        layers = [lyr for lyr in (self.frame_layers() or []) if lyr is not None and lyr.isValid()]
        return sorted(layers, key=lambda lyr: order.get(lyr.id(), len(order)))

    def locate(
        self, record: ClickRecordLayer, point: QgsPointXY, crs: QgsCoordinateReferenceSystem
    ) -> FrameHit | None:
        """The topmost frame layer holding ``point`` (in ``crs``) and the pixel there."""
        frames = record.frames()
        for lyr in self._ordered_layers():
            frame = frame_for_layer(lyr, frames)
            if frame is None:
                continue
            here = _transform(point, crs, frame.crs() if frame.crs_wkt else lyr.crs())
            found = pixel_of(frame, here) if here is not None else None
            if found is not None:
                return FrameHit(frame, lyr, *found)
        return None

    def _target(self) -> tuple[ClickRecordLayer, int] | Outcome:
        """The open record and the active class, or why a click cannot be added now."""
        record = self.record()
        if record is None:
            return Outcome(
                "nothing", "warning", tr("No click record is open: open or create one in the iSAGE panel.")
            )
        class_id = self.active_class()
        if class_id is None:
            return Outcome(
                "nothing", "warning", tr("No class is chosen: pick one in the iSAGE panel (keys 1-9).")
            )
        return record, int(class_id)

    def add_at(self, point: QgsPointXY, crs: QgsCoordinateReferenceSystem) -> Outcome:
        """Add a click of the active class at the pixel under ``point``."""
        target = self._target()
        if isinstance(target, Outcome):
            return target
        record, class_id = target
        try:
            hit = self.locate(record, point, crs)
        except ClickRecordError as exc:
            return Outcome("refused", "critical", str(exc))
        if hit is None and not self._ordered_layers():
            return Outcome(
                "refused",
                "warning",
                tr(
                    "No frame layer of the click record is loaded: nothing recorded; "
                    "add the record's frames to the map."
                ),
            )
        if hit is None:
            return Outcome(
                "refused",
                "warning",
                tr(
                    "Outside every frame of the click record: nothing recorded; "
                    "click on a frame layer of the record."
                ),
            )
        return self._write(record, hit.frame.name, hit.row, hit.col, class_id, hit.layer)

    def add_pixel(self, frame: str, row: int, col: int) -> Outcome:
        """Add a click of the active class on pixel ``(row, col)`` of ``frame`` (a proposal, say)."""
        target = self._target()
        if isinstance(target, Outcome):
            return target
        record, class_id = target
        try:
            frames = record.frames()
        except ClickRecordError as exc:
            return Outcome("refused", "critical", str(exc))
        shown = [
            lyr
            for lyr in self._ordered_layers()
            if getattr(frame_for_layer(lyr, frames), "name", None) == frame
        ]
        return self._write(record, frame, row, col, class_id, shown[0] if shown else None)

    def _write(
        self, record: ClickRecordLayer, frame: str, row: int, col: int, class_id: int,
        layer: QgsRasterLayer | None,
    ) -> Outcome:  # fmt: skip
        """One click through the record's checks (frame, class, nodata, budget) and its audited write."""
        try:
            if getattr(record, "is_postgis", False):
                on_sample = record.is_sample_pixel(frame, row, col)
            else:
                on_sample = is_sample_pixel(record.path, frame, row, col)
        except (RecordError, PostgisError) as exc:
            return Outcome("refused", "critical", str(exc))
        if on_sample:  # the record's trigger refuses it anyway; say why before trying
            text = tr(
                "Click not recorded: pixel (row {row}, col {col}) of frame '{frame}' is a point of the "
                "accuracy assessment sample, which must stay independent of training; click a neighbouring "
                "pixel."
            )
            return Outcome("refused", "warning", text.format(row=row, col=col, frame=frame))
        settings = self.settings()
        try:
            fid = record.add_click(
                frame, row, col, class_id, settings.annotator, "", settings.enforce_budget, raster=layer
            )
        except ClickRefused as exc:
            return Outcome("refused", "warning", tr("Click not recorded: {reason}").format(reason=exc))
        except ClickRecordError as exc:
            return Outcome("refused", "critical", str(exc))
        text = tr("Click {fid}: class {class_id} on frame '{frame}', row {row}, col {col}.").format(
            fid=fid, class_id=class_id, frame=frame, row=row, col=col
        )
        return Outcome("added", "info", text, fid)

    def retract_near(self, point: QgsPointXY, crs: QgsCoordinateReferenceSystem, tolerance: float) -> Outcome:
        """Retract the nearest unretracted click within ``tolerance`` (units of ``crs``) of ``point``."""
        record = self.record()
        if record is None:
            return Outcome(
                "nothing", "warning", tr("No click record is open: open or create one in the iSAGE panel.")
            )
        fid = record.nearest_click(point, crs, tolerance_in(record.crs, point, crs, tolerance))
        if fid is None:
            return Outcome("nothing", "info", tr("No click here to retract."))
        reason = RETRACT_REASON
        try:
            if getattr(record, "is_postgis", False) and record.needs_reason(fid):
                reason = self.ask_reason(record.click(fid)) if self.ask_reason is not None else ""
                if not (reason or "").strip():
                    text = tr("Click {fid} is someone else's: nothing retracted without a reason.")
                    return Outcome("nothing", "info", text.format(fid=fid))
            record.retract(fid, self.settings().annotator, reason)
        except ClickRefused as exc:
            return Outcome("refused", "warning", tr("Not retracted: {reason}").format(reason=exc))
        except ClickRecordError as exc:
            return Outcome("refused", "critical", str(exc))
        text = tr("Click {fid} retracted (it stays in the record, marked retracted).").format(fid=fid)
        return Outcome("retracted", "info", text, fid)

    def undo(self) -> Outcome:
        """Undo the last click or retraction made in this session."""
        record = self.record()
        if record is None:
            return Outcome("nothing", "warning", tr("No click record is open."))
        settings = self.settings()
        try:
            done = record.undo(settings.annotator, settings.enforce_budget)
        except ClickRefused as exc:
            return Outcome("refused", "warning", tr("Cannot undo: {reason}").format(reason=exc))
        except ClickRecordError as exc:
            return Outcome("refused", "critical", str(exc))
        if done is None:
            return Outcome("nothing", "info", tr("Nothing to undo."))
        kind, fid = done
        if kind == "retracted":
            return Outcome("retracted", "info", tr("Undone: click {fid} retracted.").format(fid=fid), fid)
        text = tr("Undone: the retracted click is back as click {fid}.").format(fid=fid)
        return Outcome("added", "info", text, fid)


def _transform(point: QgsPointXY, src: QgsCoordinateReferenceSystem, dst: QgsCoordinateReferenceSystem):
    if not src.isValid() or not dst.isValid() or src == dst:
        return QgsPointXY(point)
    try:
        return QgsCoordinateTransform(src, dst, QgsProject.instance()).transform(point)
    except Exception:  # noqa: BLE001 - QgsCsException: the point has no place in that CRS
        return None


def tolerance_in(
    dst: QgsCoordinateReferenceSystem, point: QgsPointXY, src: QgsCoordinateReferenceSystem, tolerance: float
) -> float:
    """``tolerance`` (units of ``src`` around ``point``) expressed in units of ``dst``."""
    if not src.isValid() or not dst.isValid() or src == dst:
        return tolerance
    box = QgsRectangle(
        point.x() - tolerance, point.y() - tolerance, point.x() + tolerance, point.y() + tolerance
    )
    try:
        out = QgsCoordinateTransform(src, dst, QgsProject.instance()).transformBoundingBox(box)
    except Exception:  # noqa: BLE001
        return tolerance
    return max(out.width(), out.height()) / 2
