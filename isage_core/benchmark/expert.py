"""A simulated expert: where a person looking at the prediction would click, given the reference.

Per frame and per reference class c it places at most one click on an error of c (reference = c,
prediction != c), and none where c has no error: the method's budget.

Strategies:
- ``confident``: the single error pixel the model is most confident about.
- ``interior``: a person-like pick, the innermost pixel of the largest confidently-wrong region (errors
  predicted with at least ``min_confidence``; all errors when none is that confident), kept at least
  ``margin`` pixels inside the reference region when possible (reference masks are imprecise at
  boundaries, and a person does not click a one-pixel sliver).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import ndimage

Strategy = Literal["confident", "interior"]
CONFIDENTLY_WRONG = 0.5  # an error is confident when the wrong class has at least this probability


def pick_error_clicks(
    prediction: np.ndarray,
    confidence: np.ndarray,
    reference: np.ndarray,
    class_ids: list[int],
    strategy: Strategy = "confident",
    margin: int = 3,
    valid: np.ndarray | None = None,
    min_confidence: float = CONFIDENTLY_WRONG,
) -> list[tuple[int, int, int]]:
    """Return ``[(row, col, class_id)]``, at most one per reference class with errors."""
    valid = np.ones(reference.shape, bool) if valid is None else valid
    picks = []
    for class_id in class_ids:
        errors = (reference == class_id) & (prediction != class_id) & valid
        if not errors.any():
            continue
        if strategy == "confident":
            scores = np.where(errors, confidence, -np.inf)
        elif strategy == "interior":
            confident = errors & (confidence >= min_confidence)
            wrong = confident if confident.any() else errors
            scores = _interior_scores(wrong, (reference == class_id) & valid, margin)
        else:
            raise ValueError(f"unknown expert strategy {strategy!r}")
        row, col = np.unravel_index(int(np.argmax(scores)), scores.shape)
        picks.append((int(row), int(col), int(class_id)))
    return picks


def _interior_scores(errors: np.ndarray, region: np.ndarray, margin: int) -> np.ndarray:
    labels, count = ndimage.label(errors)
    sizes = ndimage.sum(errors, labels, index=np.arange(1, count + 1))
    largest = labels == (int(np.argmax(sizes)) + 1)
    inside_error = ndimage.distance_transform_edt(np.pad(largest, 1))[1:-1, 1:-1]
    inside_region = ndimage.distance_transform_edt(np.pad(region, 1))[1:-1, 1:-1]
    # Prefer pixels deep inside the wrong region, and at least `margin` inside the reference region.
    score = np.where(largest, inside_error, -np.inf)
    deep = largest & (inside_region > margin)
    if deep.any():
        score = np.where(deep, score + 1e6, score)
    return score
