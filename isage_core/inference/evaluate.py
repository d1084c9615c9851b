"""Scoring class rasters against reference masks: a streaming confusion matrix, IoU and accuracy."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import IsageError
from ..geo import iter_blocks, open_raster, read_pixels
from .rasterout import gdal_cache_limit

log = logging.getLogger(__name__)

WINDOW = 2048  # rows and columns read at once: memory stays bounded whatever the raster size


def _class_ids(classes: int | Sequence[int]) -> list[int]:
    return list(range(classes)) if isinstance(classes, (int, np.integer)) else [int(c) for c in classes]


def confusion_matrix(
    pred: np.ndarray, ref: np.ndarray, classes: int | Sequence[int], ignore_value: int | None = 255
) -> np.ndarray:
    """Counts ``cm[i, j]`` of pixels whose reference is class i and prediction class j (int64, n x n).

    ``classes`` is the number of classes (ids 0..n-1) or the list of class ids (matrix order). Pixels
    whose reference or prediction is ``ignore_value`` or not a class id are not counted.
    """
    ids = _class_ids(classes)
    n = len(ids)
    pred, ref = np.asarray(pred).ravel(), np.asarray(ref).ravel()
    if pred.shape != ref.shape:
        raise ValueError(f"prediction has {pred.size} pixels and reference {ref.size}")
    counted = [cid for cid in ids if cid != ignore_value]
    order = np.argsort(counted)
    sorted_ids = np.asarray(counted, dtype=np.int64)[order]
    matrix_index = np.asarray([ids.index(counted[i]) for i in order], dtype=np.int64)

    def index_of(values: np.ndarray) -> np.ndarray:
        values = values.astype(np.int64)
        pos = np.clip(np.searchsorted(sorted_ids, values), 0, max(len(sorted_ids) - 1, 0))
        if not len(sorted_ids):
            return np.full(values.shape, -1, dtype=np.int64)
        return np.where(sorted_ids[pos] == values, matrix_index[pos], -1)

    p, r = index_of(pred), index_of(ref)
    keep = (p >= 0) & (r >= 0)
    return np.bincount(r[keep] * n + p[keep], minlength=n * n).reshape(n, n).astype(np.int64)


def scores_from_confusion(cm: np.ndarray) -> dict:
    """IoU per class (None for a class absent from reference and prediction), mIoU and overall accuracy."""
    cm = np.asarray(cm, dtype=np.int64)
    tp = np.diag(cm)
    union = cm.sum(axis=0) + cm.sum(axis=1) - tp
    iou = [float(t / u) if u > 0 else None for t, u in zip(tp, union, strict=True)]
    present = [v for v in iou if v is not None]
    total = int(cm.sum())
    return {
        "iou": iou,
        "miou": float(np.mean(present)) if present else None,
        "overall_accuracy": float(tp.sum() / total) if total else None,
        "pixels": total,
    }


def evaluate(
    prediction_paths: str | Path | Sequence[str | Path],
    reference_paths: str | Path | Sequence[str | Path],
    class_ids: Sequence[int],
    class_names: Sequence[str] | None = None,
    labelled_pixels: int | None = None,
    ignore_value: int = 255,
) -> dict:
    """Score class rasters against references of the same size (paired in order); a JSON-able dict.

    Keys: ``miou`` (over classes present in reference or prediction), ``per_class_iou`` {name: iou or
    None}, ``overall_accuracy``, ``pixels`` (pixels scored), ``labelled_pixel_fraction`` (when
    ``labelled_pixels`` is given), ``class_ids``, ``confusion_matrix`` (rows reference, columns prediction).
    Each raster's own nodata value is ignored as well as ``ignore_value``.
    """
    preds = (
        [Path(prediction_paths)]
        if isinstance(prediction_paths, (str, Path))
        else list(map(Path, prediction_paths))
    )
    refs = (
        [Path(reference_paths)]
        if isinstance(reference_paths, (str, Path))
        else list(map(Path, reference_paths))
    )
    if len(preds) != len(refs):
        raise IsageError(
            f"{len(preds)} predictions for {len(refs)} references; give one reference per prediction in order"
        )
    ids = [int(c) for c in class_ids]
    names = [str(n) for n in class_names] if class_names else [str(c) for c in ids]
    if len(names) != len(ids):
        raise IsageError(f"{len(names)} class names for {len(ids)} class ids; give one name per class")
    cm = np.zeros((len(ids), len(ids)), dtype=np.int64)
    unscored = 0
    for pred_path, ref_path in zip(preds, refs, strict=True):
        pair, foreign = _confusion_of_files(pred_path, ref_path, ids, ignore_value)
        cm += pair
        unscored += foreign
    scores = scores_from_confusion(cm)
    result = {
        "miou": scores["miou"],
        "per_class_iou": dict(zip(names, scores["iou"], strict=True)),
        "overall_accuracy": scores["overall_accuracy"],
        "pixels": scores["pixels"],
        "class_ids": ids,
        "confusion_matrix": cm.tolist(),
        "unscored_reference_pixels": unscored,
    }
    if labelled_pixels is not None:
        result["labelled_pixel_fraction"] = labelled_pixels / scores["pixels"] if scores["pixels"] else None
    return result


class ReferenceTally:
    """Counts of a reference mask's pixels that are class ids and that are not (nodata left out)."""

    def __init__(self, ids: Sequence[int], ignore_value: int | None = 255):
        self.ids, self.ignore_value = list(ids), ignore_value
        self.known = self.foreign = 0
        self.examples: set[int] = set()

    def add(self, values: np.ndarray) -> None:
        data = values if self.ignore_value is None else values[values != self.ignore_value]
        stray = data[~np.isin(data, self.ids)]
        self.foreign += int(stray.size)
        self.known += int(data.size - stray.size)
        if stray.size and len(self.examples) < 5:
            self.examples.update(int(v) for v in np.unique(stray)[: 5 - len(self.examples)])

    def check(self, path: Path) -> None:
        """Refuse a mask most of whose pixels (or all) are not class ids: it is not a reference mask of
        these classes, and scoring it would give a meaningless number or map."""
        if self.foreign and self.foreign >= self.known:
            share = self.foreign / (self.foreign + self.known)
            values = ", ".join(map(str, sorted(self.examples)))
            raise IsageError(
                f"{path}: {share:.0%} of its pixels hold values that are not class ids (such as {values}; "
                f"the classes are {self.ids}); give a reference mask of class ids, nodata where unlabelled"
            )


def check_reference(src, ids: Sequence[int]) -> None:
    """Refuse an open reference mask most of whose data pixels are not class ids (read in blocks)."""
    tally = ReferenceTally(ids, None)
    for window in iter_blocks(src.width, src.height, WINDOW):
        values = read_pixels(src, 1, window=window).astype(np.int64)
        if src.nodata is not None:
            values = values[values != src.nodata]
        tally.add(values)
    tally.check(Path(src.name))


def _confusion_of_files(
    pred_path: Path, ref_path: Path, ids: list[int], ignore_value: int
) -> tuple[np.ndarray, int]:
    """The confusion matrix of one pair, and how many reference pixels hold a value that is no class id."""
    with (
        gdal_cache_limit(64 << 20),
        open_raster(pred_path, "prediction") as pred,
        open_raster(ref_path, "reference") as ref,
    ):
        if (pred.width, pred.height) != (ref.width, ref.height):
            raise IsageError(
                f"{pred_path} is {pred.width}x{pred.height} pixels but {ref_path} is "
                f"{ref.width}x{ref.height}; compare a prediction with the reference of the same frame"
            )
        cm = np.zeros((len(ids), len(ids)), dtype=np.int64)
        tally = ReferenceTally(ids, ignore_value)
        for window in iter_blocks(pred.width, pred.height, WINDOW):
            p = read_pixels(pred, 1, window=window).astype(np.int64)
            r = read_pixels(ref, 1, window=window).astype(np.int64)
            for src, values in ((pred, p), (ref, r)):
                if src.nodata is not None and float(src.nodata).is_integer():
                    values[values == int(src.nodata)] = ignore_value
            cm += confusion_matrix(p, r, ids, ignore_value)
            tally.add(r)
    tally.check(ref_path)
    foreign = tally.foreign
    log.debug("scored %s against %s: %d pixels", pred_path.name, ref_path.name, int(cm.sum()))
    if foreign:
        log.warning(
            "%s: %d reference pixels hold values that are not class ids %s and were not scored; "
            "check that the reference uses the model's class ids",
            ref_path,
            foreign,
            ids,
        )
    return cm, foreign
