"""Reference labels of the accuracy assessment written through QGIS (an OGR layer on the record's
``assessment_labels`` table), one provider call per write: one SQLite transaction, committed at once.

Labels follow the clicks' audit rules, which the record's triggers enforce whoever writes the file: never
deleted; corrected by retracting the live label (with who, when and why, written once) and labelling the
point again. A refusal comes back as :class:`~isage_qgis.record.model.ClickRecordError`, one line.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from qgis.core import QgsFeature, QgsVectorLayer

from ..translation import tr
from . import writes
from .model import ClickRecordError

TABLE = "assessment_labels"


class LabelWriter:
    """Writes the labels of one click record (``clicks.gpkg``)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).resolve()
        self._layer: QgsVectorLayer | None = None

    def _table(self) -> QgsVectorLayer:
        """The labels table, opened on first use (a schema 2 record gets it on the engine's first write)."""
        if self._layer is None or not self._layer.isValid():
            name = "isage assessment labels"  # no-i18n: never added to the project
            layer = QgsVectorLayer(f"{self.path}|layername={TABLE}", name, "ogr")
            if not layer.isValid():
                text = tr(
                    "{path}: this record holds no accuracy assessment yet; create a design first "
                    "(Assess map in the iSAGE panel, or isage assess design)"
                )
                raise ClickRecordError(text.format(path=self.path))
            self._layer = layer
        return self._layer

    def add(
        self, design_id: str, point_id: int, class_id: int | None, annotator: str = "", note: str = ""
    ) -> int:
        """Label point ``point_id`` of the design with ``class_id`` (None: unsure); returns its fid."""
        layer = self._table()
        feature = QgsFeature(layer.fields())
        values = {
            "uid": uuid.uuid4().hex,
            "design_id": design_id,
            "point_id": int(point_id),
            "class_id": None if class_id is None else int(class_id),
            "unsure": int(class_id is None),
            "annotator": annotator or "",
            "created_utc": writes.utc_now(),
            "note": note or "",
            "retracted": 0,
        }
        for name, value in values.items():
            feature.setAttribute(name, value)
        added: list[QgsFeature] = []

        def insert(provider) -> bool:
            ok, features = provider.addFeatures([feature])
            added.extend(features)
            return ok

        writes.provider_write(self.path, layer, tr("write the label"), insert)
        return int(added[0].id())

    def retract(self, fid: int, by: str = "", reason: str = "") -> None:
        """Mark label ``fid`` retracted, with who, when and why; it stays in the record."""
        layer = self._table()
        index = layer.fields().indexOf
        values = {
            index("retracted"): 1,
            index("retracted_utc"): writes.utc_now(),
            index("retracted_by"): by or "",
            index("retract_reason"): reason or "",
        }
        writes.provider_write(
            self.path, layer, tr("retract the label"), lambda p: p.changeAttributeValues({int(fid): values})
        )

    def close(self) -> None:
        self._layer = None
