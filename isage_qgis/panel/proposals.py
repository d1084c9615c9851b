"""Where to click next: the engine's proposals (``proposals.gpkg``) as a queue the panel steps through.

No widgets. :func:`read_proposals` reads the file ``isage propose`` writes; :class:`ProposalQueue` knows
which proposal is shown, which are labelled (a click of the record lies on or next to its pixel, however
it got there) and which the user skipped. Labelling itself is an ordinary click through the click tool.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsCsException,
    QgsRectangle,
    QgsVectorLayer,
)

from ..record.view import ClickRow, FrameInfo
from ..translation import tr

LAYER = "proposals"  # the layer name inside proposals.gpkg (isage_core.proposals.store)
FIELDS = ("frame", "row", "col", "class_id", "class_name", "score", "reason", "rank")
LABELLED_WITHIN_PX = 1  # a click this close (pixels, either axis) to a proposal labels it
LABELLED, SKIPPED = "labelled", "skipped"
VIEW_HALF_PX = 64  # Next proposal shows this many frame pixels on each side of the proposal


class Pixel(Protocol):
    """A pixel of a frame: a proposal, or a sample point of the accuracy assessment."""

    row: int
    col: int


class ProposalsError(Exception):
    """A proposals file the panel cannot read; ``str()`` names the file and the fix."""


@dataclass(frozen=True)
class Proposal:
    """One proposed pixel: where, what the model predicts there, and why it is proposed."""

    frame: str
    row: int
    col: int
    class_id: int
    class_name: str
    score: float
    reason: str  # typical, uncertain or changed
    rank: int

    def describe(self) -> str:
        text = tr("{frame} (row {row}, col {col}): predicted {name}, {reason} (score {score})")
        return text.format(
            frame=self.frame,
            row=self.row,
            col=self.col,
            name=self.class_name,
            reason=self.reason,
            score=f"{self.score:.3f}",
        )


def read_proposals(path: str | Path) -> list[Proposal]:
    """The proposals of ``path`` in rank order; raises :class:`ProposalsError` when it cannot be read."""
    path = Path(path)
    layer = QgsVectorLayer(f"{path}|layername={LAYER}", LAYER, "ogr")
    if not path.is_file() or not layer.isValid():
        text = tr("{path}: no readable proposals layer; run Predict (or isage propose) again")
        raise ProposalsError(text.format(path=path))
    names = set(layer.fields().names())
    missing = [f for f in FIELDS if f not in names]
    if missing:
        text = tr("{path}: not an iSAGE proposals file (no {fields}); propose again")
        raise ProposalsError(text.format(path=path, fields=", ".join(missing)))
    found = []
    for feature in layer.getFeatures():
        found.append(
            Proposal(
                str(feature["frame"]),
                int(feature["row"]),
                int(feature["col"]),
                int(feature["class_id"]),
                str(feature["class_name"]),
                float(feature["score"]),
                str(feature["reason"]),
                int(feature["rank"]),
            )
        )
    return sorted(found, key=lambda p: p.rank)


@dataclass
class ProposalQueue:
    """The proposals of one file and where the user is among them.

    ``advance()`` moves to the next proposal neither labelled nor skipped (leaving one unlabelled skips
    it); ``sync(clicks)`` marks the proposals the record's clicks cover as labelled.
    """

    path: str = ""
    items: list[Proposal] = field(default_factory=list)
    status: dict[int, str] = field(default_factory=dict)  # index -> LABELLED or SKIPPED
    index: int | None = None  # the proposal shown, if any

    @classmethod
    def load(cls, path: str | Path, clicks: Iterable[ClickRow] = ()) -> ProposalQueue:
        queue = cls(str(Path(path).resolve()), read_proposals(path))
        queue.sync(clicks)
        return queue

    def is_open(self, index: int) -> bool:
        return index not in self.status

    @property
    def remaining(self) -> int:
        return sum(1 for i in range(len(self.items)) if self.is_open(i))

    @property
    def current(self) -> Proposal | None:
        """The proposal shown, while it is still to be labelled."""
        if self.index is None or not self.is_open(self.index):
            return None
        return self.items[self.index]

    def advance(self) -> Proposal | None:
        """Skip the shown proposal if it is still open, then show the next open one (None: none left)."""
        if self.index is not None and self.is_open(self.index):
            self.status[self.index] = SKIPPED
        start = -1 if self.index is None else self.index
        count = len(self.items)
        for step in range(1, count + 1):
            candidate = (start + step) % count
            if self.is_open(candidate):
                self.index = candidate
                return self.items[candidate]
        self.index = None
        return None

    def sync(self, clicks: Iterable[ClickRow]) -> int:
        """Mark the proposals a click lies on (or next to) as labelled, and re-open a labelled one whose
        click is gone (undone or retracted); returns how many are labelled."""
        by_frame: dict[str, list[tuple[int, int]]] = {}
        for click in clicks:
            by_frame.setdefault(click.frame, []).append((click.row, click.col))
        for index, item in enumerate(self.items):
            if self.status.get(index) == SKIPPED:
                continue
            covered = any(
                abs(r - item.row) <= LABELLED_WITHIN_PX and abs(c - item.col) <= LABELLED_WITHIN_PX
                for r, c in by_frame.get(item.frame, ())
            )
            if covered:
                self.status[index] = LABELLED
            else:
                self.status.pop(index, None)
        return sum(1 for s in self.status.values() if s == LABELLED)

    def counter_text(self) -> str:
        """``3 of 12 proposals left (8 labelled, 1 skipped)``, or why there are none."""
        if not self.path:
            return tr("No proposals yet: Predict proposes where to click next.")
        if not self.items:
            return tr("No proposals: the model left nothing worth a click (or every pixel is covered).")
        labelled = sum(1 for s in self.status.values() if s == LABELLED)
        skipped = sum(1 for s in self.status.values() if s == SKIPPED)
        text = tr(
            "{remaining} of %n proposals left ({labelled} labelled, {skipped} skipped)", len(self.items)
        )
        return text.format(remaining=self.remaining, labelled=labelled, skipped=skipped)


def proposal_extent(
    frame: FrameInfo,
    item: Pixel,
    canvas_crs: QgsCoordinateReferenceSystem,
    context: QgsCoordinateTransformContext | None = None,
    half_px: int = VIEW_HALF_PX,
) -> QgsRectangle | None:
    """The map extent (``canvas_crs``) centred on the proposal's (or sample point's) pixel, ``half_px``
    frame pixels each side; None when the frame's CRS cannot be brought to the canvas's."""
    a, b, c, d, e, f = frame.transform[:6]
    x = a * (item.col + 0.5) + b * (item.row + 0.5) + c
    y = d * (item.col + 0.5) + e * (item.row + 0.5) + f
    half = half_px * max(math.hypot(a, d), math.hypot(b, e))
    box = QgsRectangle(x - half, y - half, x + half, y + half)
    frame_crs = QgsCoordinateReferenceSystem.fromWkt(frame.crs_wkt) if frame.crs_wkt else canvas_crs
    if not frame_crs.isValid() or not canvas_crs.isValid() or frame_crs == canvas_crs:
        return box
    transform = QgsCoordinateTransform(frame_crs, canvas_crs, context or QgsCoordinateTransformContext())
    try:
        return transform.transformBoundingBox(box)
    except QgsCsException:
        return None
