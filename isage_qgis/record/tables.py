"""Reading the click record's tables through QGIS (OGR layers on ``path|layername=<table>``).

Each read is a fresh query, so what the engine or a colleague committed meanwhile is seen at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
)

from ..compat import NO_GEOMETRY
from ..translation import tr
from .frames import FrameInfo
from .model import ClassCount, ClassInfo, ClickInfo, ClickRecordError, eq_filter, is_null

# the newest record schema this plugin understands (the engine's isage_core.record.schema.SCHEMA_VERSION)
SCHEMA_VERSION = 4
TABLES = ("clicks", "classes", "frames", "runs", "isage_meta")


class RecordTables:
    """Read access to one iSAGE click record; opening validates it (raises :class:`ClickRecordError`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        self._layers: dict[str, QgsVectorLayer] = {}
        self._open()

    def _open(self) -> None:
        p = self.path
        if not p.is_file():
            if p.is_dir():
                text = tr("{path}: click record is a folder; give the .gpkg file, or create a record first")
            else:
                text = tr("{path}: click record not found; give the .gpkg file, or create a record first")
            raise ClickRecordError(text.format(path=p))
        layers = {t: QgsVectorLayer(f"{p}|layername={t}", f"isage {t}", "ogr") for t in TABLES}
        if not all(lyr.isValid() for lyr in layers.values()):
            raise ClickRecordError(
                tr("{path}: not an iSAGE click record; open the workspace's clicks.gpkg").format(path=p)
            )
        self._layers = layers
        version = self.meta().get("schema_version", "")
        if not version.isdigit():
            text = tr("{path}: iSAGE record without a schema version; restore it from a copy")
            raise ClickRecordError(text.format(path=p))
        if int(version) > SCHEMA_VERSION:
            text = tr(
                "{path}: written by a newer iSAGE (record schema {version}, plugin reads {supported}); "
                "upgrade the plugin"
            )
            raise ClickRecordError(text.format(path=p, version=version, supported=SCHEMA_VERSION))

    def reload(self) -> None:
        """Re-open the tables (after the engine changed the file's structure, e.g. set the record CRS)."""
        self.close()
        self._open()

    def close(self) -> None:
        self._layers.clear()

    @property
    def layer(self) -> QgsVectorLayer:
        """The private, unfiltered clicks layer used for reading and writing (not for the project)."""
        return self._table("clicks")

    def _table(self, name: str) -> QgsVectorLayer:
        if name not in self._layers:
            raise ClickRecordError(
                tr("{path}: the click record was closed; open it again").format(path=self.path)
            )
        return self._layers[name]

    def _rows(self, table: str, expression: str = "", geometry: bool = False) -> Iterable[QgsFeature]:
        request = QgsFeatureRequest()
        if expression:
            request.setFilterExpression(expression)
        if not geometry:
            request.setFlags(NO_GEOMETRY)
        return self._table(table).getFeatures(request)

    def meta(self) -> dict[str, str]:
        return {str(f["key"]): str(f["value"] or "") for f in self._rows("isage_meta")}

    @property
    def crs(self) -> QgsCoordinateReferenceSystem:
        """The record CRS (``isage_meta.crs_wkt``); invalid until a georeferenced frame was added."""
        wkt = self.meta().get("crs_wkt", "")
        return QgsCoordinateReferenceSystem.fromWkt(wkt) if wkt else QgsCoordinateReferenceSystem()

    def classes(self) -> list[ClassInfo]:
        found = [
            ClassInfo(int(f["id"]), str(f["name"] or ""), str(f["color"] or ""))
            for f in self._rows("classes")
        ]
        return sorted(found, key=lambda c: c.id)

    def frames(self) -> list[FrameInfo]:
        """The record's frames in the order added; paths resolved against the GeoPackage's folder."""
        out = []
        for f in sorted(self._rows("frames"), key=lambda f: f.id()):
            stored = str(f["path"] or "")
            path = Path(stored) if Path(stored).is_absolute() else self.path.parent / stored
            bands, nodata = f["band_count"], f["nodata"]
            transform = tuple(float(v) for v in json.loads(f["transform"]))
            size = int(f["width"]), int(f["height"])
            out.append(
                FrameInfo(
                    str(f["name"]),
                    path.resolve(),
                    *size,
                    str(f["crs_wkt"] or ""),
                    transform,
                    0 if is_null(bands) else int(bands),
                    None if is_null(nodata) else float(nodata),
                )
            )
        return out

    def frame(self, name: str) -> FrameInfo | None:
        return next((f for f in self.frames() if f.name == name), None)

    def current_iteration(self) -> int:
        """0 before any run, else one more than the last run's iteration."""
        values = [int(f["iteration"]) for f in self._rows("runs") if not is_null(f["iteration"])]
        return max(values) + 1 if values else 0

    def clicks(self, include_retracted: bool = False, expression: str = "") -> list[ClickInfo]:
        """Clicks in the order made (unretracted only by default), optionally filtered by an expression."""
        terms = [t for t in (expression, "" if include_retracted else '"retracted" = 0') if t]  # no-i18n
        feats = self._rows("clicks", " AND ".join(f"({t})" for t in terms), geometry=True)
        return sorted((ClickInfo.of(f) for f in feats), key=lambda c: c.fid)

    def click(self, fid: int) -> ClickInfo | None:
        found = self.clicks(include_retracted=True, expression=f'"fid" = {int(fid)}')  # no-i18n
        return found[0] if found else None

    def counts(self, frame: str | None = None) -> dict[int, ClassCount]:
        """Per class id, unretracted clicks of the current iteration and in all (optionally of one frame)."""
        iteration = self.current_iteration()
        out = {c.id: ClassCount(0, 0) for c in self.classes()}
        for c in self.clicks(expression=eq_filter(frame=frame) if frame is not None else ""):
            now, total = out.get(c.class_id, ClassCount(0, 0))
            out[c.class_id] = ClassCount(now + (c.iteration == iteration), total + 1)
        return out

    def budget_allows(self, frame: str, class_id: int) -> bool:
        """True when ``frame`` has no unretracted click of ``class_id`` in the current iteration."""
        return self._budget_holder(frame, class_id, self.current_iteration()) is None

    def _budget_holder(self, frame: str, class_id: int, iteration: int) -> ClickInfo | None:
        found = self.clicks(expression=eq_filter(frame=frame, class_id=class_id, iteration=iteration))
        return found[0] if found else None

    def nearest_click(
        self, point: QgsPointXY, crs: QgsCoordinateReferenceSystem, tolerance: float
    ) -> int | None:
        """fid of the unretracted click nearest ``point`` (given in ``crs``) within ``tolerance``, in units
        of the record CRS; None when there is none."""
        here = to_record_crs(point, crs, self.crs)
        if here is None:
            return None
        box = QgsRectangle(
            here.x() - tolerance, here.y() - tolerance, here.x() + tolerance, here.y() + tolerance
        )
        request = QgsFeatureRequest().setFilterRect(box).setFilterExpression('"retracted" = 0')  # no-i18n
        best: tuple[float, int] | None = None
        for f in self.layer.getFeatures(request):
            if f.hasGeometry():
                d = f.geometry().asPoint().distance(here)
                if d <= tolerance and (best is None or d < best[0]):
                    best = (d, f.id())
        return None if best is None else best[1]


def to_record_crs(
    point: QgsPointXY, crs: QgsCoordinateReferenceSystem, record: QgsCoordinateReferenceSystem
) -> QgsPointXY | None:
    """``point`` (in ``crs``) in the record's CRS; None where it has no place there."""
    if not crs.isValid() or not record.isValid() or crs == record:
        return QgsPointXY(point)
    try:
        return QgsCoordinateTransform(crs, record, QgsProject.instance()).transform(point)
    except Exception:  # noqa: BLE001 - QgsCsException: the point has no place in the record CRS
        return None
