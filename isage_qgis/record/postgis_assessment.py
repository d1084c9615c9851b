"""The accuracy assessment of a team's record in PostGIS, through QGIS's saved connection: the same reads
as :mod:`isage_qgis.record.assessment` (the newest design, its points without their stratum, the live
labels) and the same writes as :class:`~isage_qgis.record.labels.LabelWriter` (a label, a retraction).

Every value goes into the SQL quoted (:func:`~isage_qgis.record.postgis.compose`). The database writes who
and when (``session_user``, its clock) and keeps the audit rules (schema.sql, ``labels_before_write``): a
label is the connected person's; only they, or a reviewer with a reason, retract it. Its refusals come back
as one line in :class:`~isage_qgis.record.model.ClickRecordError`.
"""

from __future__ import annotations

from ..translation import tr
from .assessment import DesignInfo, LabelInfo, SamplePoint
from .model import ClickRecordError, is_null
from .postgis import PostgisError, PostgisSql, literal
from .view import RecordError

_NEWEST = (
    "SELECT design_id, iteration, "  # no-i18n
    "to_char(created_utc AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+00:00\"'), "
    "coalesce(created_by, '') FROM {assessment_designs} ORDER BY fid DESC LIMIT 1"
)
_POINTS = (
    "SELECT design_id, point_id, frame, row, col FROM {assessment_points} "  # no-i18n
    "WHERE design_id = {design} ORDER BY point_id"
)
_LABELS = (
    "SELECT fid, uid, point_id, class_id, unsure, annotator FROM {assessment_labels} "  # no-i18n
    "WHERE design_id = {design} AND NOT retracted ORDER BY fid"
)
_INSERT = (
    "INSERT INTO {assessment_labels} (design_id, point_id, class_id, unsure, note) "  # no-i18n
    "VALUES ({design}, {point}, {class_id}, {unsure}, {note}) RETURNING fid"
)
_RETRACT = (
    "UPDATE {assessment_labels} SET retracted = true, retract_reason = {reason} "  # no-i18n
    "WHERE fid = {fid} AND NOT retracted RETURNING fid"
)


def _value(value):
    return None if value is None or is_null(value) else value


class PostgisAssessment:
    """Reads a PostGIS record's assessment (raises :class:`RecordError`)."""

    def __init__(self, sql: PostgisSql):
        self.sql = sql

    def _rows(self, template: str, **values) -> list[list]:
        try:
            return self.sql.rows(template, **values)
        except PostgisError as exc:
            raise RecordError(str(exc)) from None

    def newest_design(self) -> DesignInfo | None:
        rows = self._rows(_NEWEST)
        if not rows:
            return None
        design_id, iteration, created, by = rows[0]
        return DesignInfo(str(design_id), int(iteration), str(_value(created) or ""), str(_value(by) or ""))

    def sample_points(self, design_id: str) -> list[SamplePoint]:
        rows = self._rows(_POINTS, design=literal(design_id))
        return [SamplePoint(str(d), int(p), str(f), int(r), int(c)) for d, p, f, r, c in rows]

    def live_labels(self, design_id: str) -> dict[int, LabelInfo]:
        out = {}
        for fid, uid, point, class_id, unsure, annotator in self._rows(_LABELS, design=literal(design_id)):
            class_id = _value(class_id)
            out[int(point)] = LabelInfo(
                int(fid), str(uid), int(point), None if class_id is None else int(class_id), bool(unsure),
                str(_value(annotator) or ""),
            )  # fmt: skip
        return out


class PostgisLabelWriter:
    """Writes the connected person's labels (the interface of :class:`~isage_qgis.record.labels.LabelWriter`;
    who labelled and retracted is the database's: ``annotator`` and ``by`` are not sent)."""

    def __init__(self, sql: PostgisSql):
        self.sql = sql

    def _rows(self, template: str, **values) -> list[list]:
        try:
            return self.sql.rows(template, **values)
        except PostgisError as exc:
            raise ClickRecordError(str(exc)) from None

    def add(
        self, design_id: str, point_id: int, class_id: int | None, annotator: str = "", note: str = ""
    ) -> int:
        """Label point ``point_id`` of the design with ``class_id`` (None: unsure); returns its fid."""
        rows = self._rows(
            _INSERT, design=literal(design_id), point=int(point_id),
            class_id=literal(None if class_id is None else int(class_id)), unsure=literal(class_id is None),
            note=literal(note or ""),
        )  # fmt: skip
        return int(rows[0][0])

    def retract(self, fid: int, by: str = "", reason: str = "") -> None:
        """Retract label ``fid`` (it stays in the record, with who, when and why)."""
        if not self._rows(_RETRACT, reason=literal(reason or ""), fid=int(fid)):
            text = tr("{where}: label {fid} was already retracted; nothing to do")
            raise ClickRecordError(text.format(where=self.sql.where, fid=int(fid)))

    def close(self) -> None:
        """Nothing to release: QGIS keeps its connections."""
