"""Label-expansion baselines: labels the model or the image spreads beyond the clicks themselves.

- :func:`pseudo_label_map`: the seed clicks plus every pixel the model predicts with confidence at or
  above a threshold, labelled with its prediction (self-training).
- :func:`superpixels` and :func:`propagate_clicks`: each click spread over its SLIC superpixel.

Maps hold class ids and :data:`UNLABELLED` elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..errors import IsageError

UNLABELLED = -1


def dense_label_map(reference: np.ndarray, class_ids) -> np.ndarray:
    """Every reference pixel holding a class id, :data:`UNLABELLED` elsewhere (nodata, other values), as
    int32 whatever the mask's dtype (a uint8 mask must not turn UNLABELLED into 255)."""
    reference = np.asarray(reference)
    return np.where(np.isin(reference, list(class_ids)), reference.astype(np.int32), UNLABELLED).astype(
        np.int32
    )


Pick = tuple[int, int, int]


def click_map(shape: tuple[int, int], clicks: Iterable[Pick]) -> np.ndarray:
    """A map holding each click's class at its pixel (the later click wins a shared pixel)."""
    labels = np.full(shape, UNLABELLED, dtype=np.int32)
    for row, col, class_id in clicks:
        labels[row, col] = class_id
    return labels


def pseudo_label_map(
    probabilities: np.ndarray, class_ids, threshold: float, clicks: Iterable[Pick]
) -> np.ndarray:
    """Confident predictions (max probability >= ``threshold``) as labels, with the clicks on top.

    Channel i of ``probabilities`` (C, H, W) is ``class_ids[i]``.
    """
    ids = np.asarray(list(class_ids))
    labels = np.where(
        probabilities.max(axis=0) >= threshold, ids[np.argmax(probabilities, axis=0)], UNLABELLED
    )
    labels = labels.astype(np.int32)
    for row, col, class_id in clicks:
        labels[row, col] = class_id
    return labels


def superpixels(image: np.ndarray, pixels_per_segment: int = 256, compactness: float = 10.0) -> np.ndarray:
    """SLIC superpixel ids (H, W) of a (bands, H, W) image; each band is scaled to 0..1 first."""
    try:
        from skimage.segmentation import slic
    except ImportError as exc:
        raise IsageError(
            "the superpixel baseline needs scikit-image; install it with `pip install isage[benchmark]`"
        ) from exc
    data = image.astype(np.float32)
    low = data.min(axis=(1, 2), keepdims=True)
    span = np.maximum(data.max(axis=(1, 2), keepdims=True) - low, 1e-6)
    data = np.moveaxis((data - low) / span, 0, -1)
    segments = max(1, data.shape[0] * data.shape[1] // pixels_per_segment)
    return slic(data, n_segments=segments, compactness=compactness, channel_axis=-1, start_label=0)


def propagate_clicks(segments: np.ndarray, clicks: Iterable[Pick]) -> np.ndarray:
    """Each click's class over its whole superpixel; a superpixel clicked with two classes keeps only the
    clicked pixels themselves."""
    clicks = list(clicks)
    labels = np.full(segments.shape, UNLABELLED, dtype=np.int32)
    classes_of: dict[int, set[int]] = {}
    for row, col, class_id in clicks:
        classes_of.setdefault(int(segments[row, col]), set()).add(int(class_id))
    for segment, classes in classes_of.items():
        if len(classes) == 1:
            labels[segments == segment] = next(iter(classes))
    for row, col, class_id in clicks:
        labels[row, col] = class_id
    return labels
