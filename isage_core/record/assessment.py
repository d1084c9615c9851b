"""The accuracy assessment inside the click record: sampling designs, their sample points and the
reference labels a person gives them, kept apart from the clicks (training never reads them).

Designs and points are written once and never changed (database triggers refuse it); labels follow the
clicks' audit rules: never deleted, corrected by retracting and labelling again, in one transaction.
A live training click never lands on a sample pixel (a trigger refuses it, whoever writes the file).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import IsageError
from ..events import utc_now
from . import gpkg
from .click_record import ClickRecord
from .locate import record_point

NEAR_CLICK_PX = 3  # a sample point this close to a training click (pixels, either axis) is counted as near
_POINT_COLS = "design_id, point_id, frame, row, col, stratum, click_distance_px, geom"
_LABEL_COLS = (
    "fid, uid, design_id, point_id, class_id, unsure, annotator, created_utc, note, retracted, "
    "retracted_utc, retracted_by, retract_reason"
)
_DESIGN_COLS = "design_id, created_utc, created_by, iteration, seed, settings, strata, population"
_INSERT_DESIGN = f"INSERT INTO assessment_designs ({_DESIGN_COLS}) VALUES ({', '.join('?' * 8)})"  # nosec B608


@dataclass(frozen=True)
class Design:
    """A stratified random sampling design: strata are the classes of iteration ``iteration``'s map."""

    design_id: str
    created_utc: str
    created_by: str
    iteration: int  # the map whose classes are the strata
    seed: int
    settings: dict  # what was asked: size or target SE, anticipated accuracies, allocation, extent, AOI
    strata: list[dict]  # {"class_id", "pixels", "area_m2", "sample"} per stratum, in class order
    population: dict  # {"frames", "pixels", "area_m2", "extent", "aoi"}: what the sample represents

    @property
    def size(self) -> int:
        return sum(int(s["sample"]) for s in self.strata)


@dataclass(frozen=True)
class SamplePoint:
    design_id: str
    point_id: int  # 1..n in a random order: labelling in that order keeps any prefix a random sample
    frame: str
    row: int
    col: int
    stratum: int  # the class of the design's map at this pixel
    click_distance_px: int | None  # to the nearest training click when within NEAR_CLICK_PX, else None
    x: float  # pixel centre in the record CRS
    y: float


@dataclass(frozen=True)
class Label:
    fid: int
    uid: str
    design_id: str
    point_id: int
    class_id: int | None  # None when unsure
    unsure: bool
    annotator: str
    created_utc: str
    note: str
    retracted: bool
    retracted_utc: str | None = None
    retracted_by: str | None = None
    retract_reason: str | None = None


@dataclass(frozen=True)
class LabelRequest:
    """One label to add: a point of the design, its class (None and ``unsure``: the person cannot tell)."""

    source: str  # what a refusal names: file and row, or the point
    point_id: int
    class_id: int | None
    unsure: bool = False
    annotator: str = ""
    note: str = ""


@dataclass
class LabelReport:
    """What :meth:`AssessmentStore.add_labels` wrote and refused (``source``, reason)."""

    added: int = 0
    replaced: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)


class AssessmentStore:
    """The assessment tables of one click record; every write is one transaction."""

    def __init__(self, record: ClickRecord):
        self.record = record
        self.path = record.where  # what messages call the record

    # ---- designs and points ----------------------------------------------------------------------
    def add_design(self, design: Design, points: Iterable[tuple[str, int, int, int, int | None]]) -> None:
        """Store ``design`` and its points ``(frame, row, col, stratum, click_distance_px)`` in the order
        given (point ids 1..n follow it)."""
        with self.record._connect(write=True) as conn:
            frames = {f.name: f for f in self.record._load_frames(conn)}
            srs_id = gpkg.features_srs_id(conn, "assessment_points")
            record_wkt = self.record._meta(conn, "crs_wkt") or ""
            values = (
                design.design_id, design.created_utc, design.created_by, design.iteration, design.seed,
                json.dumps(design.settings), json.dumps(design.strata), json.dumps(design.population),
            )  # fmt: skip
            conn.execute(_INSERT_DESIGN, values)
            rows = []
            for point_id, (frame, row, col, stratum, distance) in enumerate(points, start=1):
                info = frames[frame].info
                x, y = record_point(info, row, col, record_wkt)
                geom = gpkg.encode_point(x, y, srs_id)
                rows.append(
                    (design.design_id, point_id, frame, int(row), int(col), int(stratum), distance, geom)
                )
            sql = f"INSERT INTO assessment_points ({_POINT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"  # nosec B608
            conn.executemany(sql, rows)
            if rows:
                xs = [gpkg.decode_point(r[-1]) for r in rows]
                gpkg.touch(conn, "assessment_points", min(x for x, _ in xs), min(y for _, y in xs))
                gpkg.touch(conn, "assessment_points", max(x for x, _ in xs), max(y for _, y in xs))

    def designs(self) -> list[Design]:
        """Every design, oldest first."""
        with self.record._connect(write=False) as conn:
            return self._designs(conn)

    def _designs(self, conn: sqlite3.Connection, where: str = "", params: tuple = ()) -> list[Design]:
        sql = f"SELECT {_DESIGN_COLS} FROM assessment_designs {where} ORDER BY fid"  # nosec B608
        return [
            Design(r[0], r[1], r[2] or "", int(r[3]), int(r[4]), *(json.loads(v) for v in r[5:]))
            for r in conn.execute(sql, params)
        ]

    def design(self, design_id: str | None = None) -> Design:
        """The design ``design_id`` (a unique prefix will do), else the newest; an error if there is none."""
        found = self.designs()
        if not found:
            raise IsageError(
                f"{self.path}: no accuracy assessment design yet; create one with `isage assess design`"
            )
        if design_id is None:
            return found[-1]
        matches = [d for d in found if d.design_id.startswith(design_id)]
        if len(matches) != 1:
            known = ", ".join(d.design_id[:8] for d in found)
            what = "no" if not matches else "more than one"
            raise IsageError(
                f"{self.path}: {what} design matches '{design_id}' (designs: {known}); give its id"
            )
        return matches[0]

    def points(self, design_id: str) -> list[SamplePoint]:
        """The design's points in point-id order."""
        with self.record._connect(write=False) as conn:
            sql = f"SELECT {_POINT_COLS} FROM assessment_points WHERE design_id = ? ORDER BY point_id"  # nosec B608
            rows = conn.execute(sql, (design_id,)).fetchall()
        return [SamplePoint(*r[:7], *gpkg.decode_point(r[7])) for r in rows]

    def sample_pixels(self) -> set[tuple[str, int, int]]:
        """``(frame, row, col)`` of every sample point of every design: no training click goes there."""
        with self.record._connect(write=False) as conn:
            return {
                (f, int(r), int(c))
                for f, r, c in conn.execute("SELECT frame, row, col FROM assessment_points")
            }

    # ---- labels ----------------------------------------------------------------------------------
    def labels(self, design_id: str, include_retracted: bool = False) -> list[Label]:
        """The design's labels in the order given; by default only the live (unretracted) ones."""
        with self.record._connect(write=False) as conn:
            return self._labels(conn, design_id, include_retracted)

    def _labels(self, conn: sqlite3.Connection, design_id: str, include_retracted: bool) -> list[Label]:
        where = "design_id = ?" + ("" if include_retracted else " AND retracted = 0")
        sql = f"SELECT {_LABEL_COLS} FROM assessment_labels WHERE {where} ORDER BY fid"  # nosec B608
        return [
            Label(
                r[0],
                r[1],
                r[2],
                int(r[3]),
                r[4],
                bool(r[5]),
                r[6] or "",
                r[7],
                r[8] or "",
                bool(r[9]),
                *r[10:],
            )
            for r in conn.execute(sql, (design_id,))
        ]

    def add_labels(
        self, design_id: str, requests: list[LabelRequest], *, replace: bool = False, by: str = ""
    ) -> LabelReport:
        """Label points of the design in one transaction, all or nothing: a request for an unknown point
        or class, a point labelled twice in the batch, or (unless ``replace``) a point already labelled is
        refused, and with any refusal nothing is written. ``replace`` retracts the earlier label first."""
        report = LabelReport()
        with self.record._connect(write=True) as conn:
            classes = {c.id for c in self.record._load_classes(conn)}
            sql = "SELECT point_id FROM assessment_points WHERE design_id = ?"
            known = {int(r[0]) for r in conn.execute(sql, (design_id,))}
            live = {lab.point_id: lab for lab in self._labels(conn, design_id, False)}
            report.refused = label_refusals(design_id, requests, known, classes, live, replace)
            if report.refused:
                return report
            for req in requests:
                if req.point_id in live:
                    self._retract(conn, live[req.point_id].fid, by or req.annotator, "relabelled")
                    report.replaced += 1
                self._insert_label(conn, design_id, req)
                report.added += 1
        return report

    def _insert_label(self, conn: sqlite3.Connection, design_id: str, req: LabelRequest) -> None:
        values = (
            uuid.uuid4().hex, design_id, req.point_id, None if req.unsure else int(req.class_id),
            int(req.unsure), req.annotator, utc_now(), req.note,
        )  # fmt: skip
        conn.execute(
            "INSERT INTO assessment_labels (uid, design_id, point_id, class_id, unsure, annotator, "
            "created_utc, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            values,
        )
        gpkg.touch(conn, "assessment_labels")

    def retract_label(self, design_id: str, point_id: int, by: str = "", reason: str = "") -> Label:
        """Retract the live label of a point (it stays in the record, with who, when and why)."""
        with self.record._connect(write=True) as conn:
            live = [lab for lab in self._labels(conn, design_id, False) if lab.point_id == point_id]
            if not live:
                raise IsageError(
                    f"{self.path}: point {point_id} of design {design_id[:8]} has no label to retract"
                )
            self._retract(conn, live[0].fid, by, reason)
            return next(lab for lab in self._labels(conn, design_id, True) if lab.fid == live[0].fid)

    def _retract(
        self, conn: sqlite3.Connection, fid: int, by: str, reason: str, when: str | None = None
    ) -> None:
        conn.execute(
            "UPDATE assessment_labels SET retracted = 1, retracted_utc = ?, retracted_by = ?, "
            "retract_reason = ? WHERE fid = ?",
            (when or utc_now(), by, reason, fid),
        )
        gpkg.touch(conn, "assessment_labels")


def label_refusals(
    design_id: str,
    requests: list[LabelRequest],
    known: set[int],
    classes: set[int],
    live: dict[int, Label],
    replace: bool,
) -> list[tuple[str, str]]:
    """``(source, reason)`` of each label request a batch refuses: an unknown point or class, a point
    labelled twice in the batch, or (unless ``replace``) a point already labelled."""
    refused, seen = [], set()
    for req in requests:
        reason = ""
        if req.point_id not in known:
            reason = f"unknown point: design {design_id[:8]} has no point {req.point_id}"
        elif req.point_id in seen:
            reason = f"twice: point {req.point_id} is labelled twice in this batch"
        elif not req.unsure and req.class_id not in classes:
            reason = f"unknown class: {req.class_id!r} is not a class of the record"
        elif req.point_id in live and not replace:
            earlier = live[req.point_id]
            said = "unsure" if earlier.unsure else f"class {earlier.class_id}"
            reason = f"labelled: point {req.point_id} already says {said} (pass --replace to correct it)"
        seen.add(req.point_id)
        if reason:
            refused.append((req.source, reason))
    return refused


def click_distances(
    points: Iterable[tuple[str, int, int]],
    clicks: Iterable[tuple[str, int, int]],
    within: int = NEAR_CLICK_PX,
) -> list[int | None]:
    """For each ``(frame, row, col)`` point, the distance (pixels, the larger of the two axes) to the
    nearest click of the same frame when it is at most ``within``, else None."""
    by_frame: dict[str, list[tuple[int, int]]] = {}
    for frame, row, col in clicks:
        by_frame.setdefault(frame, []).append((row, col))
    out: list[int | None] = []
    for frame, row, col in points:
        near = [max(abs(r - row), abs(c - col)) for r, c in by_frame.get(frame, ())]
        nearest = min(near, default=None)
        out.append(nearest if nearest is not None and nearest <= within else None)
    return out


def merge_assessment(
    conn: sqlite3.Connection, target: ClickRecord, other: ClickRecord, frame_map: dict, report
) -> list[tuple[str, str, tuple[str, ...]]]:
    """Carry ``other``'s designs, points and labels into ``target`` inside the merge's transaction
    (``conn``): designs and points new to the target are added (their frames renamed as ``frame_map``
    says), labels by uid with their retractions; a live label for a point the target has already
    labelled is kept but merged as retracted. Returns the conflicts as (kind, message, uids)."""
    conflicts: list[tuple[str, str, tuple[str, ...]]] = []
    theirs = AssessmentStore(other)
    with other._connect(write=False) as oconn:
        tables = {r[0] for r in oconn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "assessment_designs" not in tables:
            return conflicts  # an older record: no assessment
        designs = theirs._designs(oconn)
        sql = f"SELECT {_POINT_COLS} FROM assessment_points ORDER BY design_id, point_id"  # nosec B608
        points = oconn.execute(sql).fetchall()
        labels = [lab for d in designs for lab in theirs._labels(oconn, d.design_id, True)]
    mine = AssessmentStore(target)
    known = {d.design_id for d in mine._designs(conn)}
    frames = {f.name: f for f in target._load_frames(conn)}
    srs_id = gpkg.features_srs_id(conn, "assessment_points")
    record_wkt = target._meta(conn, "crs_wkt") or ""
    for design in designs:
        if design.design_id in known:
            continue
        population_frames = design.population["frames"]
        values = (
            design.design_id, design.created_utc, design.created_by, design.iteration, design.seed,
            json.dumps(design.settings), json.dumps(design.strata),
            json.dumps(dict(design.population, frames=[frame_map.get(f, f) for f in population_frames])),
        )  # fmt: skip
        conn.execute(_INSERT_DESIGN, values)
        for row in (r for r in points if r[0] == design.design_id):
            frame = frame_map[row[2]]
            info = frames[frame].info
            x, y = record_point(info, row[3], row[4], record_wkt)
            sql = f"INSERT INTO assessment_points ({_POINT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"  # nosec B608
            conn.execute(sql, (row[0], row[1], frame, *row[3:7], gpkg.encode_point(x, y, srs_id)))
        report.added_designs.append(design.design_id)
    have = {lab.uid: lab for d in mine._designs(conn) for lab in mine._labels(conn, d.design_id, True)}
    for lab in sorted(labels, key=lambda item: not item.retracted):  # retractions first
        if lab.uid in have:
            if lab.retracted and not have[lab.uid].retracted:
                mine._retract(
                    conn,
                    have[lab.uid].fid,
                    lab.retracted_by or "",
                    lab.retract_reason or "",
                    lab.retracted_utc,
                )
            continue
        retraction = (int(lab.retracted), lab.retracted_utc, lab.retracted_by, lab.retract_reason)
        if not lab.retracted:
            live = [k for k in mine._labels(conn, lab.design_id, False) if k.point_id == lab.point_id]
            if live:
                why = f"point already labelled by label {live[0].uid} in the merged record"
                retraction = (1, utc_now(), "isage merge", why)
                conflicts.append(
                    (
                        "label",
                        f"point {lab.point_id} of design {lab.design_id[:8]} is labelled in both records; "
                        f"kept this record's label, merged label {lab.uid} as retracted (retract one, label "
                        "again)",
                        (lab.uid, live[0].uid),
                    )
                )
        conn.execute(
            f"INSERT INTO assessment_labels ({_LABEL_COLS.replace('fid, ', '')}) "  # nosec B608
            f"VALUES ({', '.join('?' * 12)})",
            (lab.uid, lab.design_id, lab.point_id, lab.class_id, int(lab.unsure), lab.annotator,
             lab.created_utc, lab.note, *retraction),
        )  # fmt: skip
        report.added_labels += 1
    if report.added_designs or report.added_labels:
        gpkg.touch(conn, "assessment_labels")
    return conflicts
