"""The simulated person of an accuracy assessment: each sample point labelled with its reference class,
and the true accuracy of a map counted on every pixel of the dense reference masks, to compare with."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import rasterio

from ..record.assessment import LabelRequest
from ..record.backends import assessment_store
from ..record.click_record import ClickRecord


def label_sample(
    record: ClickRecord, design_id: str, references: Mapping[str, np.ndarray], annotator: str
) -> int:
    """Label every point of the design with the reference class at its pixel; points on a pixel the
    reference leaves unlabelled (a class the record lacks) are marked unsure. How many were labelled."""
    store = assessment_store(record)
    known = {c.id for c in record.classes()}
    requests = []
    for point in store.points(design_id):
        value = int(references[point.frame][point.row, point.col])
        unsure = value not in known
        source = f"reference mask of {point.frame}"
        requests.append(LabelRequest(source, point.point_id, None if unsure else value, unsure, annotator))
    report = store.add_labels(design_id, requests)
    if report.refused:
        raise RuntimeError(f"simulated labels refused: {report.refused[:3]}")
    return report.added


def true_overall_accuracy(maps: Mapping[str, Path], references: Mapping[str, np.ndarray]) -> float:
    """The share of mapped pixels whose class equals the reference, over every pixel of every frame."""
    right = total = 0
    for name, path in maps.items():
        with rasterio.open(path) as src:
            mapped, valid = src.read(1).astype(np.int64), src.read_masks(1) > 0
        valid &= mapped != 255
        right += int(np.sum((mapped == references[name]) & valid))
        total += int(valid.sum())
    return right / total


class SimulatedAssessment:
    """A stratified sample drawn once from a map (its classes the strata) and labelled from the dense
    reference masks, then used to estimate the overall accuracy of any later map of the same frames."""

    def __init__(self, points, reference, stratum_pixels):
        self.points, self.reference, self.stratum_pixels = points, reference, stratum_pixels

    @classmethod
    def draw(cls, maps, references, class_ids, size: int, seed: int) -> SimulatedAssessment:
        from ..assessment.design import count_strata, draw_sample
        from ..assessment.estimators import allocate
        from ..assessment.population import Block

        blocks = [
            Block(n, 0, 0, np.asarray(m, np.int64), np.ones(m.shape, bool), np.ones(m.shape[0]))
            for n, m in maps.items()
        ]
        counted = count_strata(blocks, class_ids)
        sizes = allocate(size, counted.pixels, "proportional")
        points = draw_sample(lambda: blocks, sizes, counted.pixels, np.random.default_rng([seed, 24]))
        reference = np.array([references[f][r, c] for f, r, c, _ in points], dtype=np.int64)
        return cls(points, reference, counted.pixels)

    def overall_accuracy(self, maps) -> dict:
        """The overall accuracy of ``maps`` estimated from the sample: estimate, SE and 95 % interval."""
        from ..assessment.estimators import LabelledSample, StratifiedEstimator

        strata = np.array([h for _, _, _, h in self.points])
        mapped = np.array([maps[f][r, c] for f, r, c, _ in self.points], dtype=np.int64)
        sample = LabelledSample(strata, self.reference, mapped, np.ones(len(strata)), self.stratum_pixels)
        total = StratifiedEstimator(sample).total((mapped == self.reference).astype(float))
        estimate = total.within(0, sum(self.stratum_pixels.values())).scaled(
            1 / sum(self.stratum_pixels.values())
        )
        return dict(estimate.as_dict(), points=len(self.points))
