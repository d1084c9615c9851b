"""The accuracy assessment of a click record, read with the standard ``sqlite3`` (short read transactions).

The engine writes designs and their sample points (``isage assess design``); the plugin writes only
reference labels (:mod:`isage_qgis.record.labels`). What is read here never includes a point's stratum
(the class the map gives it): the person labelling must not see the map. A record of schema 2 gets the
assessment tables on the engine's first write; until then there is simply no design.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ..translation import tr
from .view import RecordError, connect_read_only

TABLES = ("assessment_designs", "assessment_points", "assessment_labels")
TABLES_QUERY = "SELECT name FROM sqlite_master WHERE type = 'table'"  # no-i18n


@dataclass(frozen=True)
class DesignInfo:
    """A sampling design: its id, the iteration whose map gave the strata, when and by whom."""

    design_id: str
    iteration: int
    created_utc: str
    created_by: str


@dataclass(frozen=True)
class SamplePoint:
    """One sample pixel, without its stratum; ``point_id`` 1..n is a random order."""

    design_id: str
    point_id: int
    frame: str
    row: int
    col: int


@dataclass(frozen=True)
class LabelInfo:
    """A live (unretracted) reference label; ``class_id`` is None when the person was unsure."""

    fid: int
    uid: str
    point_id: int
    class_id: int | None
    unsure: bool
    annotator: str


def _query(path: str | Path, sql: str, params: tuple = ()) -> list[tuple] | None:
    """The rows of ``sql``; None when the record has no assessment tables yet (schema 2)."""
    path = Path(path)
    if not path.is_file():
        raise RecordError(
            tr("{path}: click record not found; open an existing clicks.gpkg").format(path=path)
        )
    try:
        with closing(connect_read_only(path)) as conn:
            found = {r[0] for r in conn.execute(TABLES_QUERY)}
            if not set(TABLES) <= found:
                return None
            return conn.execute(sql, params).fetchall()
    except sqlite3.Error as exc:
        text = tr("{path}: cannot read the accuracy assessment ({reason}); is it a GeoPackage?")
        raise RecordError(text.format(path=path, reason=exc)) from exc


def newest_design(path: str | Path) -> DesignInfo | None:
    """The newest design (highest fid), or None when the record has none."""
    rows = _query(
        path,
        "SELECT design_id, iteration, created_utc, created_by FROM assessment_designs "  # no-i18n
        "ORDER BY fid DESC LIMIT 1",
    )
    if not rows:
        return None
    design_id, iteration, created, by = rows[0]
    return DesignInfo(str(design_id), int(iteration), str(created or ""), str(by or ""))


def sample_points(path: str | Path, design_id: str) -> list[SamplePoint]:
    """The design's points in point-id order (the stratum is not read)."""
    rows = _query(
        path,
        "SELECT design_id, point_id, frame, row, col FROM assessment_points WHERE design_id = ? "  # no-i18n
        "ORDER BY point_id",
        (design_id,),
    )
    return [SamplePoint(str(d), int(p), str(f), int(r), int(c)) for d, p, f, r, c in rows or []]


def live_labels(path: str | Path, design_id: str) -> dict[int, LabelInfo]:
    """The design's live labels by point id."""
    rows = _query(
        path,
        "SELECT fid, uid, point_id, class_id, unsure, annotator FROM assessment_labels "  # no-i18n
        "WHERE design_id = ? AND retracted = 0 ORDER BY fid",
        (design_id,),
    )
    return {
        int(p): LabelInfo(int(fid), str(uid), int(p), None if c is None else int(c), bool(u), str(a or ""))
        for fid, uid, p, c, u, a in rows or []
    }


def is_sample_pixel(path: str | Path, frame: str, row: int, col: int) -> bool:
    """Whether pixel ``(row, col)`` of ``frame`` is a point of any design's sample (no click goes there)."""
    rows = _query(
        path,
        "SELECT 1 FROM assessment_points WHERE frame = ? AND row = ? AND col = ? LIMIT 1",  # no-i18n
        (frame, int(row), int(col)),
    )
    return bool(rows)


class GpkgAssessment:
    """The reads above for one GeoPackage record, as an object (the interface of
    :class:`~isage_qgis.record.postgis_assessment.PostgisAssessment`)."""

    def __init__(self, path: str | Path):
        self.path = path

    def newest_design(self) -> DesignInfo | None:
        return newest_design(self.path)

    def sample_points(self, design_id: str) -> list[SamplePoint]:
        return sample_points(self.path, design_id)

    def live_labels(self, design_id: str) -> dict[int, LabelInfo]:
        return live_labels(self.path, design_id)


def reader_of(source):
    """``source``'s assessment reader: itself when it is one, else a GeoPackage record's path."""
    return source if hasattr(source, "newest_design") else GpkgAssessment(source)
