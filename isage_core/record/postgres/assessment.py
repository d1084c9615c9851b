"""The accuracy assessment in a PostGIS record: the same designs, sample points and labels as the
GeoPackage's (:mod:`isage_core.record.assessment`), each write one transaction. The database writes who
and when (``session_user``, its clock) and keeps the audit rules (schema.sql); labels are the connected
person's, retracted by them or, with a reason, by a reviewer."""

from __future__ import annotations

import json
from collections.abc import Iterable

import psycopg
from psycopg import sql

from ...errors import IsageError
from ..assessment import (
    _DESIGN_COLS,
    _LABEL_COLS,
    AssessmentStore,
    Design,
    Label,
    LabelReport,
    LabelRequest,
    SamplePoint,
    label_refusals,
)
from ..locate import record_point
from .queries import utc

_SELECT_DESIGNS = sql.SQL("SELECT {} FROM assessment_designs ORDER BY fid").format(sql.SQL(_DESIGN_COLS))
_SELECT_POINTS = sql.SQL(
    "SELECT design_id, point_id, frame, row, col, stratum, click_distance_px, ST_X(geom), ST_Y(geom) "
    "FROM assessment_points WHERE design_id = %s ORDER BY point_id"
)
_SELECT_LABELS = sql.SQL(
    "SELECT {} FROM assessment_labels WHERE design_id = %(design)s AND (%(all)s OR NOT retracted) "
    "ORDER BY fid"
).format(sql.SQL(_LABEL_COLS))
_RETRACT = sql.SQL("UPDATE assessment_labels SET retracted = true, retract_reason = %s WHERE fid = %s")


class TeamAssessmentStore(AssessmentStore):
    """The assessment tables of a :class:`~.team_record.TeamRecord`."""

    def __init__(self, record):
        super().__init__(record)
        self.store = record.store

    # ---- designs and points ----------------------------------------------------------------------
    def add_design(self, design: Design, points: Iterable[tuple[str, int, int, int, int | None]]) -> None:
        """Written with the trainer's connection (the pointer's ``trainer_connection``, else the person's):
        annotators label designs, the trainer and the administrator make them."""
        frames = {f.name: f for f in self.record.frames()}
        record_wkt, srid = self.store.crs_wkt, self.store.srid
        rows = []
        for point_id, (frame, row, col, stratum, distance) in enumerate(points, start=1):
            info = frames[frame].info
            x, y = record_point(info, row, col, record_wkt)
            rows.append(
                (float(x), float(y), srid, design.design_id, point_id, frame, int(row), int(col),
                 int(stratum), distance)
            )  # fmt: skip

        def body(cur: psycopg.Cursor) -> None:
            cur.execute(
                "INSERT INTO assessment_designs (design_id, iteration, seed, settings, strata, population) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    design.design_id, design.iteration, design.seed, json.dumps(design.settings),
                    json.dumps(design.strata), json.dumps(design.population),
                ),
            )  # fmt: skip
            cur.executemany(
                "INSERT INTO assessment_points (geom, design_id, point_id, frame, row, col, stratum, "
                "click_distance_px) VALUES (ST_SetSRID(ST_MakePoint(%s, %s), %s), "
                "%s, %s, %s, %s, %s, %s, %s)",
                rows,
            )

        self.record.trainer()._run(body)

    def designs(self) -> list[Design]:
        return self.store._run(read_designs)

    def points(self, design_id: str) -> list[SamplePoint]:
        return self.store._run(lambda cur: read_points(cur, design_id))

    def sample_pixels(self) -> set[tuple[str, int, int]]:
        query = "SELECT frame, row, col FROM assessment_points"
        rows = self.store._run(lambda cur: cur.execute(query).fetchall())
        return {(f, int(r), int(c)) for f, r, c in rows}

    # ---- labels ----------------------------------------------------------------------------------
    def labels(self, design_id: str, include_retracted: bool = False) -> list[Label]:
        return self.store._run(lambda cur: read_labels(cur, design_id, include_retracted))

    def add_labels(
        self, design_id: str, requests: list[LabelRequest], *, replace: bool = False, by: str = ""
    ) -> LabelReport:
        """As the GeoPackage's: all or nothing; the labels are the connected person's."""

        def body(cur: psycopg.Cursor) -> LabelReport:
            report = LabelReport()
            classes = {int(r[0]) for r in cur.execute("SELECT id FROM classes")}
            query = "SELECT point_id FROM assessment_points WHERE design_id = %s"
            known = {int(r[0]) for r in cur.execute(query, (design_id,))}
            live = {lab.point_id: lab for lab in read_labels(cur, design_id, False)}
            report.refused = label_refusals(design_id, requests, known, classes, live, replace)
            if report.refused:
                return report
            for req in requests:
                if req.point_id in live:
                    cur.execute(_RETRACT, ("relabelled", live[req.point_id].fid))
                    report.replaced += 1
                cur.execute(
                    "INSERT INTO assessment_labels (design_id, point_id, class_id, unsure, annotator, note) "
                    "VALUES (%s, %s, %s, %s, %s, %s)",
                    (
                        design_id, req.point_id, None if req.unsure else int(req.class_id), bool(req.unsure),
                        req.annotator or None, req.note,
                    ),
                )  # fmt: skip
                report.added += 1
            return report

        return self.store._run(body)

    def retract_label(self, design_id: str, point_id: int, by: str = "", reason: str = "") -> Label:
        def body(cur: psycopg.Cursor) -> Label:
            live = [lab for lab in read_labels(cur, design_id, False) if lab.point_id == point_id]
            if not live:
                raise self._no_label(design_id, point_id)
            cur.execute(_RETRACT, (reason, live[0].fid))
            return next(lab for lab in read_labels(cur, design_id, True) if lab.fid == live[0].fid)

        return self.store._run(body)

    def _no_label(self, design_id: str, point_id: int) -> IsageError:
        return IsageError(f"{self.path}: point {point_id} of design {design_id[:8]} has no label to retract")


def read_designs(cur: psycopg.Cursor) -> list[Design]:
    """Every design, oldest first, read in the caller's transaction."""
    return [
        Design(r[0], utc(r[1]) or "", r[2] or "", int(r[3]), int(r[4]), *(json.loads(v) for v in r[5:]))
        for r in cur.execute(_SELECT_DESIGNS).fetchall()
    ]


def read_points(cur: psycopg.Cursor, design_id: str) -> list[SamplePoint]:
    """A design's points in point-id order, read in the caller's transaction."""
    return [SamplePoint(*r) for r in cur.execute(_SELECT_POINTS, (design_id,)).fetchall()]


def read_labels(cur: psycopg.Cursor, design_id: str, include_retracted: bool) -> list[Label]:
    """A design's labels in the order given, read in the caller's transaction."""
    rows = cur.execute(_SELECT_LABELS, {"design": design_id, "all": include_retracted}).fetchall()
    return [
        Label(r[0], r[1], r[2], int(r[3]), r[4], bool(r[5]), r[6] or "", utc(r[7]) or "", r[8] or "",
              bool(r[9]), utc(r[10]), r[11], r[12])
        for r in rows
    ]  # fmt: skip
