"""Where simulated annotators click, given a prediction and the reference (hand-checkable numpy code).

Every picker returns ``[(row, col, class_id)]`` for one frame, with ``class_id`` the reference class of
the pixel, so a click is always a correct label. The budget is the method's: at most one click per
class per frame per round.

- :func:`seed_clicks`: the shared first round, one click per reference class present, a random pixel at
  least ``margin`` pixels from the class's boundary (the innermost pixel when none is that deep).
- :func:`expert_clicks`: the simulated expert, one click per reference class on an error of that class
  (reference = c, prediction != c), none where c has no error; strategies ``confident`` and
  ``interior`` (from :mod:`isage_core.benchmark.expert`), ``random_error`` (a uniformly random error
  pixel), ``ritm`` (the error pixel farthest from the error's edge, as interactive segmentation
  simulates clicks) and ``depth`` (an error pixel as deep inside its class as a person's click lies).
- :func:`uniform_random_clicks`: a baseline, one random pixel per reference class, errors or not.
- :func:`representative_clicks`: one pixel per reference class at a person's depth inside the class,
  errors or not (what a person clicks before reading any prediction).
- :func:`entropy_oracle_clicks`: active learning, the highest-entropy pixel per *predicted* class,
  labelled from the reference.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy import ndimage

from .expert import pick_error_clicks

ExpertStrategy = Literal["confident", "interior", "random_error", "ritm", "depth"]
Pick = tuple[int, int, int]


def _valid(reference: np.ndarray, class_ids, valid: np.ndarray | None) -> np.ndarray:
    inside = np.isin(reference, list(class_ids))
    return inside if valid is None else inside & valid


def _depth(region: np.ndarray) -> np.ndarray:
    """Distance (pixels) from each pixel of ``region`` to the nearest pixel outside it or the frame edge."""
    return ndimage.distance_transform_edt(np.pad(region, 1))[1:-1, 1:-1]


def _depth_matched_pixel(
    candidates: np.ndarray, depth: np.ndarray, depths: np.ndarray, rng: np.random.Generator
) -> tuple[int, int]:
    """A random pixel of ``candidates`` whose ``depth`` is nearest a depth drawn from ``depths`` (within
    half a pixel of the nearest; the deepest candidates when none is that deep)."""
    target = float(depths[int(rng.integers(len(depths)))])
    gap = np.where(candidates, np.abs(depth - target), np.inf)
    return _random_pixel(gap <= gap.min() + 0.5, rng)


def _random_pixel(mask: np.ndarray, rng: np.random.Generator) -> tuple[int, int]:
    rows, cols = np.nonzero(mask)
    i = int(rng.integers(len(rows)))
    return int(rows[i]), int(cols[i])


def seed_clicks(
    reference: np.ndarray,
    class_ids,
    margin: int,
    rng: np.random.Generator,
    valid: np.ndarray | None = None,
) -> list[Pick]:
    """One click per reference class present: a random pixel >= ``margin`` inside it, else its innermost."""
    valid = _valid(reference, class_ids, valid)
    picks = []
    for class_id in class_ids:
        region = (reference == class_id) & valid
        if not region.any():
            continue
        depth = _depth(region)
        deep = depth > margin  # depth 1 is a boundary pixel: `margin` pixels of the class lie beyond it
        if deep.any():
            row, col = _random_pixel(deep, rng)
        else:
            row, col = np.unravel_index(int(np.argmax(depth)), depth.shape)
        picks.append((int(row), int(col), int(class_id)))
    return picks


def expert_clicks(
    prediction: np.ndarray,
    confidence: np.ndarray,
    reference: np.ndarray,
    class_ids,
    strategy: ExpertStrategy,
    rng: np.random.Generator,
    margin: int = 3,
    valid: np.ndarray | None = None,
    depths: np.ndarray | None = None,
) -> list[Pick]:
    """The simulated expert: at most one click per reference class, on an error of that class.

    ``depths``: distances (pixels) of a person's clicks from their class's boundary, for ``depth``."""
    valid = _valid(reference, class_ids, valid)
    if strategy in ("confident", "interior"):
        return pick_error_clicks(prediction, confidence, reference, list(class_ids), strategy, margin, valid)
    if strategy not in ("random_error", "ritm", "depth"):
        raise ValueError(f"unknown expert strategy {strategy!r}")
    if strategy == "depth" and depths is None:
        raise ValueError("the depth strategy needs the depths of a person's clicks")
    picks = []
    for class_id in class_ids:
        errors = (reference == class_id) & (prediction != class_id) & valid
        if not errors.any():
            continue
        if strategy == "random_error":
            row, col = _random_pixel(errors, rng)
        elif strategy == "ritm":  # the frame edge counts as an edge of the error, as in RITM
            inside = _depth(errors)
            row, col = np.unravel_index(int(np.argmax(inside)), inside.shape)
        else:
            row, col = _depth_matched_pixel(errors, _depth((reference == class_id) & valid), depths, rng)
        picks.append((int(row), int(col), int(class_id)))
    return picks


def uniform_random_clicks(
    reference: np.ndarray, class_ids, rng: np.random.Generator, valid: np.ndarray | None = None
) -> list[Pick]:
    """One uniformly random pixel per reference class present, whether the model gets it right or not."""
    valid = _valid(reference, class_ids, valid)
    picks = []
    for class_id in class_ids:
        region = (reference == class_id) & valid
        if region.any():
            picks.append((*_random_pixel(region, rng), int(class_id)))
    return picks


def representative_clicks(
    reference: np.ndarray,
    class_ids,
    depths: np.ndarray,
    rng: np.random.Generator,
    valid: np.ndarray | None = None,
) -> list[Pick]:
    """One pixel per reference class present, as deep inside the class as a depth drawn from ``depths``
    (a person's clicks), whether the model gets it right or not."""
    valid = _valid(reference, class_ids, valid)
    picks = []
    for class_id in class_ids:
        region = (reference == class_id) & valid
        if region.any():
            picks.append((*_depth_matched_pixel(region, _depth(region), depths, rng), int(class_id)))
    return picks


def click_depths(reference: np.ndarray, picks: list[Pick]) -> list[float]:
    """How deep (pixels) each pick lies inside its reference class: 1 on a boundary pixel."""
    cache: dict[int, np.ndarray] = {}
    out = []
    for row, col, class_id in picks:
        if class_id not in cache:
            cache[class_id] = _depth(reference == class_id)
        out.append(float(cache[class_id][row, col]))
    return out


def entropy(probabilities: np.ndarray) -> np.ndarray:
    """Shannon entropy (nats) per pixel of (C, H, W) class probabilities."""
    p = np.clip(probabilities.astype(np.float64), 1e-12, 1.0)
    return -(p * np.log(p)).sum(axis=0)


def entropy_oracle_clicks(
    probabilities: np.ndarray,
    reference: np.ndarray,
    class_ids,
    valid: np.ndarray | None = None,
) -> list[Pick]:
    """The highest-entropy pixel per predicted class, labelled with its reference class.

    Channel i of ``probabilities`` is ``class_ids[i]``. Two picks may share a reference class (at most
    one per predicted class, so the frame's click count stays within the number of classes).
    """
    ids = np.asarray(list(class_ids))
    valid = _valid(reference, class_ids, valid)
    prediction = ids[np.argmax(probabilities, axis=0)]
    uncertainty = entropy(probabilities)
    picks = []
    for class_id in class_ids:
        region = (prediction == class_id) & valid
        if not region.any():
            continue
        scores = np.where(region, uncertainty, -np.inf)
        row, col = np.unravel_index(int(np.argmax(scores)), scores.shape)
        picks.append((int(row), int(col), int(reference[row, col])))
    return picks
