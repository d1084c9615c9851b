"""The simulated person of an accuracy assessment: each sample point labelled with its reference class,
and the true accuracy of a map counted on every pixel of the dense reference masks, to compare with."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import rasterio

from ..record.assessment import AssessmentStore, LabelRequest
from ..record.click_record import ClickRecord


def label_sample(
    record: ClickRecord, design_id: str, references: Mapping[str, np.ndarray], annotator: str
) -> int:
    """Label every point of the design with the reference class at its pixel; points on a pixel the
    reference leaves unlabelled (a class the record lacks) are marked unsure. How many were labelled."""
    store = AssessmentStore(record)
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
