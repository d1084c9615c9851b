"""The accuracy assessment the panel steps through: the newest design's sample points with their labels.

No widgets. :class:`AssessmentQueue` knows which point is shown, which points have a live label (a class,
or unsure), which the person skipped for now, and the labels written in this session (for undo). Points
come in point-id order, a random order: labelling in that order keeps any prefix a random sample, so a
skipped point comes back once every other open point is labelled. The engine steps (``assess design``,
``assess report``) are built here too; :mod:`isage_qgis.panel.assessment.figures` reads the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle

from ...engine.pipeline import Step
from ...record.assessment import DesignInfo, LabelInfo, SamplePoint, reader_of
from ...translation import deferred_tr, tr

DESIGN_LABEL = deferred_tr("create the accuracy assessment design")
REPORT_LABEL = deferred_tr("accuracy assessment report")


@dataclass
class AssessmentQueue:
    """The points of one design, their live labels, and where the person is among them."""

    design: DesignInfo
    points: list[SamplePoint] = field(default_factory=list)
    labels: dict[int, LabelInfo] = field(default_factory=dict)  # point id -> live label
    skipped: set[int] = field(default_factory=set)  # point ids left for later (key N)
    current_id: int | None = None  # the point shown, if any
    history: list[int] = field(default_factory=list)  # point ids labelled in this session, oldest first

    @classmethod
    def load(cls, record) -> AssessmentQueue | None:
        """The newest design of ``record`` (a GeoPackage's path, or an assessment reader such as a PostGIS
        record's) with its points and live labels; None when it has none."""
        reader = reader_of(record)
        design = reader.newest_design()
        if design is None:
            return None
        return cls(design, reader.sample_points(design.design_id), reader.live_labels(design.design_id))

    def sync(self, record) -> None:
        """Re-read the live labels (another program, or person, may have labelled or retracted some)."""
        self.labels = reader_of(record).live_labels(self.design.design_id)
        self.history = [p for p in self.history if p in self.labels]

    # ---- counts ----------------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self.points)

    @property
    def unsure(self) -> int:
        return sum(1 for label in self.labels.values() if label.unsure)

    @property
    def labelled(self) -> int:
        """Points labelled with a class (unsure ones not counted)."""
        return sum(1 for label in self.labels.values() if not label.unsure)

    @property
    def left(self) -> int:
        """Points without a live label."""
        return sum(1 for p in self.points if p.point_id not in self.labels)

    def counter_text(self) -> str:
        return tr("{labelled} labelled, {unsure} unsure, {left} left of {total} sample points").format(
            labelled=self.labelled, unsure=self.unsure, left=self.left, total=self.total
        )

    # ---- stepping --------------------------------------------------------------------------------
    @property
    def current(self) -> SamplePoint | None:
        """The point shown, while it is still to be labelled."""
        if self.current_id is None or self.current_id in self.labels:
            return None
        return next((p for p in self.points if p.point_id == self.current_id), None)

    def position(self, point: SamplePoint) -> int:
        """1-based place of ``point`` among the design's points."""
        return self.points.index(point) + 1

    def advance(self, skip: bool = False) -> SamplePoint | None:
        """Show the first open point in point-id order that was not skipped (``skip``: the one shown is
        left for later); when only skipped points are open, they come back. None: every point labelled."""
        shown = self.current
        if skip and shown is not None:
            self.skipped.add(shown.point_id)
        open_points = [p for p in self.points if p.point_id not in self.labels]
        fresh = [p for p in open_points if p.point_id not in self.skipped]
        if not fresh and open_points:  # the skipped ones come back, the one just skipped last
            self.skipped.clear()
            fresh = sorted(open_points, key=lambda p: shown is not None and p.point_id == shown.point_id)
        self.current_id = fresh[0].point_id if fresh else None
        return fresh[0] if fresh else None

    def labelled_now(self, label: LabelInfo) -> None:
        """``label`` was just written for its point in this session."""
        self.labels[label.point_id] = label
        self.skipped.discard(label.point_id)
        self.history.append(label.point_id)

    def last_labelled(self) -> LabelInfo | None:
        """The live label written last in this session (what undo retracts)."""
        return self.labels.get(self.history[-1]) if self.history else None

    def retracted_now(self, point_id: int) -> None:
        """The label of ``point_id`` was just retracted: the point is open again and shown."""
        self.labels.pop(point_id, None)
        if point_id in self.history:
            self.history.remove(point_id)
        self.skipped.discard(point_id)
        self.current_id = point_id

    def describe(self, point: SamplePoint) -> str:
        """Where the point shown is, never what the map says there."""
        return tr("Sample point {n} of {total}: frame {frame}, row {row}, col {col}.").format(
            n=self.position(point), total=self.total, frame=point.frame, row=point.row, col=point.col
        )


# ---- engine commands ---------------------------------------------------------------------------
def extent_args(extent: QgsRectangle, crs: QgsCoordinateReferenceSystem) -> list[str]:
    """``--extent XMIN YMIN XMAX YMAX --extent-crs CRS``: a design limited to the map's visible extent,
    in the canvas CRS (its authority id, or its WKT); the engine reprojects it to the record's CRS."""
    corners = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
    args = ["--extent", *(repr(float(v)) for v in corners)]
    if crs.isValid():
        args += ["--extent-crs", crs.authid() or crs.toWkt()]
    return args


def _options(args: Sequence[str]) -> list[list[str]]:
    """``args`` cut into options, each its ``--flag`` and the values after it (negative numbers too)."""
    options: list[list[str]] = []
    for arg in args:
        if arg.startswith("--") or not options:
            options.append([arg])
        else:
            options[-1].append(arg)
    return options


def design_steps(
    workspace: str,
    extra: Sequence[str] = (),
    annotator: str = "",
    options: Sequence[str] = (),
) -> list[Step]:
    """``isage assess design WS``: a stratified random sample of the latest map. ``options``: those of the
    settings and the visible extent; ``extra``: an expert's (or a test's) options, which win over the
    same ones in ``options`` (``--size`` over ``--target-se``)."""
    given = {option[0] for option in _options(extra)}
    if "--size" in given:
        given.add("--target-se")  # the engine takes one of them
    kept = [arg for option in _options(options) if option[0] not in given for arg in option]
    args = ["assess", "design", workspace, *kept, *extra]
    if annotator and "--annotator" not in given:
        args += ["--annotator", annotator]
    return [Step(DESIGN_LABEL, args, 1.0)]


def report_steps(workspace: str, design_id: str, partial: bool) -> list[Step]:
    """``isage assess report WS --design ID``; ``partial`` while points are still unlabelled."""
    args = ["assess", "report", workspace, "--design", design_id]
    return [Step(REPORT_LABEL, args + (["--partial"] if partial else []), 1.0)]
