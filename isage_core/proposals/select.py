"""Choosing the proposals of a frame from its scan: typical pixels first, uncertain ones as clicks accrue.

- ``typical``: a feature cell in a dense region of the encoder's feature space (typicality: the inverse
  of the mean distance to its nearest sampled neighbours, as TypiClust) that no click covers yet (its
  distance to the nearest click's features, relative to the sample's typical neighbour distance, as
  ProbCover's radius);
- ``changed``: a pixel whose predicted class flipped since the previous iteration, among the lowest margins;
- ``uncertain``: a random pixel among the lowest-margin share of the class (as PixelPick).

A class with fewer than ``typical_until`` clicks on the frame gets a typical proposal; the others a
changed one where the class changed, else an uncertain one. ``per_class`` proposals per class present
(each pass over the classes follows that rule, kept ``spacing`` apart), unless ``per_frame`` asks for a
number: then the passes go on until it is reached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .features import FrameScan, Lowest

NEIGHBOURS = 20  # the nearest sampled cells typicality averages over


@dataclass(frozen=True)
class Proposal:
    """A pixel to click: where, what the model predicts there, how strongly and why."""

    frame: str
    row: int
    col: int
    class_id: int  # the predicted class
    score: float  # 0..1, higher first
    reason: str  # typical | uncertain | changed


def typicality(features: np.ndarray, neighbours: int = NEIGHBOURS) -> tuple[np.ndarray, float]:
    """Each sampled cell's typicality (1 / mean distance to its nearest neighbours) and the median of
    those mean distances (the radius a click covers)."""
    n = len(features)
    if n < 2:
        return np.ones(n, np.float32), 1.0
    k = min(neighbours, n - 1)
    mean_distance = np.empty(n, np.float32)
    for start in range(0, n, 1024):
        chunk = features[start : start + 1024]
        squared = np.maximum(2.0 - 2.0 * chunk @ features.T, 0.0)
        squared[np.arange(len(chunk)), np.arange(start, start + len(chunk))] = np.inf  # not itself
        nearest = np.partition(squared, k - 1, axis=1)[:, :k]
        mean_distance[start : start + len(chunk)] = np.sqrt(nearest).mean(axis=1)
    return 1.0 / np.maximum(mean_distance, 1e-6), float(np.median(mean_distance))


def typical_scores(scan: FrameScan) -> tuple[np.ndarray, float]:
    """Per sampled cell: its typicality relative to the frame's most typical, times how uncovered it is;
    and the radius a click covers."""
    typ, radius = typicality(scan.sample_features)
    if not len(typ):
        return typ, radius
    score = typ / typ.max()
    if len(scan.click_features):
        score *= coverage(scan.sample_features, scan.click_features, radius)
    return score.astype(np.float32), radius


def coverage(features: np.ndarray, covering: np.ndarray, radius: float) -> np.ndarray:
    """Per feature: its distance to the nearest ``covering`` feature over ``radius``, at most 1."""
    squared = np.maximum(2.0 - 2.0 * features @ covering.T, 0.0)
    return np.minimum(np.sqrt(squared.min(axis=1)) / max(radius, 1e-6), 1.0)


def _far(row: int, col: int, chosen: list[Proposal], spacing: int) -> bool:
    return all((row - p.row) ** 2 + (col - p.col) ** 2 >= spacing * spacing for p in chosen)


def _uncertain(
    frame: str, pool: Lowest, class_id: int, share: float, rng, chosen, spacing, reason: str
) -> Proposal | None:
    """A random pixel among the lowest-margin ``share`` of the class (at most the kept candidates)."""
    if not len(pool.margin):
        return None
    size = min(len(pool.margin), max(1, math.ceil(share * pool.seen)))
    for index in rng.permutation(size):
        row, col = int(pool.rows[index]), int(pool.cols[index])
        if _far(row, col, chosen, spacing):
            return Proposal(frame, row, col, class_id, float(1.0 - pool.margin[index]), reason)
    return None


def choose(scan: FrameScan, frame: str, clicks_per_class: dict[int, int], settings) -> list[Proposal]:
    """The frame's proposals, best first (``settings``: a ProposeSettings)."""
    present = sorted((c for c in scan.class_ids if scan.pixels[c] > 0), key=lambda c: (-scan.pixels[c], c))
    wanted = settings.per_class * len(present) if settings.per_frame is None else settings.per_frame
    rng = np.random.default_rng([settings.seed, *frame.encode()])
    scores, radius = typical_scores(scan) if len(scan.sample_features) else (np.zeros(0, np.float32), 1.0)
    chosen: list[Proposal] = []
    picked: list[int] = []  # the sampled cells of the typical proposals
    spacing = settings.spacing

    def typical(class_id: int) -> Proposal | None:
        of_class = np.nonzero(scan.sample_classes == class_id)[0]
        for index in of_class[np.argsort(-scores[of_class], kind="stable")]:
            row, col = int(scan.sample_rows[index]), int(scan.sample_cols[index])
            if scores[index] > 0 and _far(row, col, chosen, spacing):
                picked.append(index)
                return Proposal(frame, row, col, class_id, float(scores[index]), "typical")
        return None

    def uncertain(class_id: int) -> Proposal | None:
        share = settings.uncertain_share
        return _uncertain(
            frame, scan.changed[class_id], class_id, share, rng, chosen, spacing, "changed"
        ) or _uncertain(frame, scan.uncertain[class_id], class_id, share, rng, chosen, spacing, "uncertain")

    def by_rule(class_id: int) -> Proposal | None:
        proposal = None
        if clicks_per_class.get(class_id, 0) < settings.typical_until:
            proposal = typical(class_id)
        return proposal or uncertain(class_id)

    def one_pass(limit: float) -> int:
        """A proposal for each class by the rule while fewer than ``limit`` are chosen; then what this pass
        proposed typical counts as covered for the next, as clicks there would. How many it added."""
        added = 0
        for class_id in present:
            if len(chosen) >= limit:
                break
            proposal = by_rule(class_id)
            if proposal is not None:
                chosen.append(proposal)
                added += 1
        if picked:
            scores[:] *= coverage(scan.sample_features, scan.sample_features[picked], radius)
            picked.clear()
        return added

    one_pass(math.inf)  # every class once, then more passes while more are wanted and a class has pixels left
    while len(chosen) < wanted and one_pass(wanted):
        pass
    chosen.sort(key=lambda p: (-p.score, p.row, p.col))
    return chosen[:wanted]
