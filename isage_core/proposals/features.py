"""One pass of the network over a frame that keeps what proposing needs, in memory bounded by settings.

The network runs on the one-machine prediction's tile grid (:class:`..inference.predict.FramePrediction`)
through a backend that also keeps each tile's encoder features at stride 16 (the two-output graph on
OpenVINO or onnxruntime, or PyTorch: :mod:`..inference.feature_graph`). Per frame it keeps:
a sample of feature cells chosen by a hash of their position (the same cells whatever the block size),
the features at the clicks, the lowest-margin pixels of each predicted class (all of them, and those
whose class changed since the previous iteration), and the pixel counts per class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rasterio.windows import Window
from scipy import ndimage

from ..geo import valid_mask
from ..inference.feature_graph import GraphFeatures
from ..inference.predict import FramePrediction
from ..model.onnx_export import FEATURE_STRIDE  # the encoder level kept: one feature vector per 16 x 16 px


def top_two(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel of (C, h, w) probabilities: the index of the largest (the first of ties, as argmax) and
    the margin between the largest and the second largest (0 with one class, or a tie), in one pass, in
    place (the second largest after class i is ``max(second, min(p_i, largest))``)."""
    best = np.zeros(probs.shape[1:], dtype=np.uint8 if probs.shape[0] <= 256 else np.int64)
    top1 = probs[0].copy()
    top2 = np.zeros_like(top1)
    lower = np.empty_like(top1)
    for index in range(1, probs.shape[0]):
        p = probs[index]
        best[p > top1] = index
        np.minimum(p, top1, out=lower)
        np.maximum(top2, lower, out=top2)
        np.maximum(top1, p, out=top1)
    np.subtract(top1, top2, out=top1)
    return best, top1


def position_keys(rows: np.ndarray, cols: np.ndarray, seed: int) -> np.ndarray:
    """A pseudo-random uint64 per pixel from its position and ``seed`` alone (splitmix64)."""
    with np.errstate(over="ignore"):
        x = rows.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        x ^= cols.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F) + np.uint64(seed & 0xFFFFFFFF)
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return x


@dataclass
class Lowest:
    """The ``limit`` lowest-margin pixels seen so far (ties broken by position key) and how many were seen."""

    limit: int
    margin: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    key: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    cols: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    seen: int = 0

    def offer(self, mask: np.ndarray, margin: np.ndarray, r0: int, c0: int, seed: int) -> None:
        """Add the pixels of a block's ``mask`` (the block's top-left pixel at ``r0``, ``c0``) with their
        ``margin``: only those at or below the ``limit``-th lowest margin among them can enter, so only
        their positions and keys are computed."""
        values = margin[mask]
        if not values.size:
            return
        if values.size > self.limit:
            threshold = np.partition(values, self.limit - 1)[self.limit - 1]
            mask = mask & (margin <= threshold)
        local_r, local_c = np.nonzero(mask)
        rows, cols = local_r + r0, local_c + c0
        self.add(margin[local_r, local_c], position_keys(rows, cols, seed), rows, cols, seen=values.size)

    def add(self, margin, key, rows, cols, seen: int | None = None) -> None:
        """Add these pixels; ``seen`` counts the pixels they were chosen from (default: themselves)."""
        self.seen += len(margin) if seen is None else seen
        if len(margin) > self.limit:  # only the new pixels at or below their limit-th margin can enter
            threshold = np.partition(margin, self.limit - 1)[self.limit - 1]
            near = margin <= threshold  # ties at the threshold too: the key decides among them below
            margin, key, rows, cols = margin[near], key[near], rows[near], cols[near]
        margin = np.concatenate([self.margin, margin])
        key, rows = np.concatenate([self.key, key]), np.concatenate([self.rows, rows])
        cols = np.concatenate([self.cols, cols])
        order = np.lexsort((key, margin))[: self.limit]
        self.margin, self.key, self.rows, self.cols = margin[order], key[order], rows[order], cols[order]


@dataclass
class FrameScan:
    """What one pass over a frame keeps (all positions in the frame's pixel coordinates)."""

    class_ids: list[int]
    pixels: dict[int, int]  # predicted valid pixels per class id
    uncertain: dict[int, Lowest]  # lowest-margin allowed pixels per predicted class id
    changed: dict[int, Lowest]  # the same, among pixels whose class changed since the previous iteration
    sample_rows: np.ndarray  # the sampled feature cells' centres
    sample_cols: np.ndarray
    sample_classes: np.ndarray  # the class id predicted at each centre
    sample_features: np.ndarray  # (n, channels), L2-normalised
    click_features: np.ndarray  # (clicks, channels), L2-normalised, of the frame's clicks
    has_previous: bool
    pixels_scanned: int


def allowed_pixels(
    job: FramePrediction, block: Window, valid: np.ndarray, clicks, spacing: int
) -> np.ndarray:
    """Valid pixels at least ``spacing`` pixels from nodata and from every click."""
    src = job.src
    r0, c0 = int(block.row_off), int(block.col_off)
    h, w = int(block.height), int(block.width)
    allowed = valid.copy()
    if spacing > 0:
        er0, ec0 = max(r0 - spacing, 0), max(c0 - spacing, 0)
        er1, ec1 = min(r0 + h + spacing, src.height), min(c0 + w + spacing, src.width)
        around = valid_mask(src, Window(ec0, er0, ec1 - ec0, er1 - er0))
        around[r0 - er0 : r0 - er0 + h, c0 - ec0 : c0 - ec0 + w] &= valid
        if not around.all():  # no nodata within reach: every pixel is far from it (the common case)
            far = ndimage.distance_transform_edt(around) >= spacing
            allowed &= far[r0 - er0 : r0 - er0 + h, c0 - ec0 : c0 - ec0 + w]
        for row, col in clicks:
            rr0, rr1 = max(row - spacing + 1, r0), min(row + spacing, r0 + h)
            cc0, cc1 = max(col - spacing + 1, c0), min(col + spacing, c0 + w)
            if rr0 >= rr1 or cc0 >= cc1:
                continue
            dr = np.arange(rr0, rr1)[:, None] - row
            dc = np.arange(cc0, cc1)[None, :] - col
            near = dr * dr + dc * dc < spacing * spacing
            allowed[rr0 - r0 : rr1 - r0, cc0 - c0 : cc1 - c0] &= ~near
    return allowed


def scan_frame(
    job: FramePrediction, backend: GraphFeatures, clicks, settings, progress=None, excluded=()
) -> FrameScan:
    """Run the network over ``job``'s work window and keep what :mod:`.select` needs.

    ``clicks`` are the frame's unretracted clicks as (row, col); ``excluded`` pixels (row, col) are
    never proposed (the accuracy assessment's sample points); ``settings`` a ProposeSettings."""
    meta, runner = job.meta, job.runner
    ids = np.asarray(meta.class_ids)
    overlap, stride = runner.overlap, runner.stride
    pixels = {int(c): 0 for c in ids}
    uncertain = {int(c): Lowest(settings.candidates) for c in ids}
    changed = {int(c): Lowest(settings.candidates) for c in ids}
    kept: dict[str, list] = {"key": [], "rows": [], "cols": [], "classes": [], "features": []}
    click_features: dict[int, np.ndarray] = {}
    blocks = job.blocks()
    scanned = 0
    for index, local in enumerate(blocks):
        block, valid, probs = job.block_probabilities(local)
        features = backend.take()
        positions = runner.block_tiles(job.src.height, job.src.width, block, valid)
        r0, c0 = int(block.row_off), int(block.col_off)
        h, w = int(block.height), int(block.width)
        scanned += int(valid.sum())
        first, margin = top_two(probs)
        best = ids[first]
        del probs
        allowed = allowed_pixels(job, block, valid, clicks, settings.spacing)
        for row, col in excluded:
            if r0 <= row < r0 + h and c0 <= col < c0 + w:
                allowed[row - r0, col - c0] = False
        previous = job.prev(block) if job.prev is not None else None
        flipped = (best != previous[0]) & previous[1] & allowed if previous is not None else None
        for class_id in map(int, ids):
            here = best == class_id
            pixels[class_id] += int((here & valid).sum())
            for pool, mask in (
                (uncertain, here & allowed),
                (changed, None if flipped is None else here & flipped),
            ):
                if mask is not None:
                    pool[class_id].offer(mask, margin, r0, c0, settings.seed)
        # the feature cells each tile owns (the tiles' own regions partition the raster)
        half = overlap // 2
        for (tr, tc), cells in zip(positions, features, strict=True):
            n = cells.shape[-1]
            centres_r = tr + FEATURE_STRIDE * np.arange(n) + FEATURE_STRIDE // 2
            centres_c = tc + FEATURE_STRIDE * np.arange(n) + FEATURE_STRIDE // 2
            own_r = (centres_r >= tr + half) & (centres_r < tr + half + stride)
            own_c = (centres_c >= tc + half) & (centres_c < tc + half + stride)
            own_r &= (centres_r >= r0) & (centres_r < r0 + h)
            own_c &= (centres_c >= c0) & (centres_c < c0 + w)
            # the owned cells row by row (row-major), those on allowed pixels
            cell_r, cell_c = np.nonzero(own_r[:, None] & own_c[None, :])
            rows, cols = centres_r[cell_r], centres_c[cell_c]
            ok = allowed[rows - r0, cols - c0]
            if ok.any():
                rows, cols = rows[ok], cols[ok]
                kept["key"].append(position_keys(rows, cols, settings.seed))
                kept["rows"].append(rows)
                kept["cols"].append(cols)
                kept["classes"].append(best[rows - r0, cols - c0])
                kept["features"].append(cells[:, cell_r[ok], cell_c[ok]].T)
            for k, (row, col) in enumerate(clicks):
                inside = (tr + half <= row < tr + half + stride) and (tc + half <= col < tc + half + stride)
                if inside and r0 <= row < r0 + h and c0 <= col < c0 + w:
                    i = min((row - tr) // FEATURE_STRIDE, n - 1)
                    j = min((col - tc) // FEATURE_STRIDE, n - 1)
                    click_features[k] = cells[:, i, j]
            del cells
        _trim(kept, settings.samples)
        if progress is not None:
            progress((index + 1) / len(blocks), f"{job.task.name}: block {index + 1}/{len(blocks)}")
    _trim(kept, settings.samples)
    empty = np.zeros(0, np.int64)
    features = kept["features"][0] if kept["features"] else np.zeros((0, 1), np.float32)
    return FrameScan(
        class_ids=[int(c) for c in ids],
        pixels=pixels,
        uncertain=uncertain,
        changed=changed,
        sample_rows=kept["rows"][0] if kept["rows"] else empty,
        sample_cols=kept["cols"][0] if kept["cols"] else empty,
        sample_classes=kept["classes"][0] if kept["classes"] else empty,
        sample_features=_normalise(features),
        click_features=_normalise(np.stack([click_features[k] for k in sorted(click_features)]))
        if click_features
        else np.zeros((0, features.shape[1]), np.float32),
        has_previous=job.prev is not None,
        pixels_scanned=scanned,
    )


def _trim(kept: dict[str, list], limit: int) -> None:
    """Keep the ``limit`` cells of smallest key, as one array per field."""
    if not kept["key"]:
        return
    merged = {name: np.concatenate(parts) for name, parts in kept.items()}
    order = np.argsort(merged["key"], kind="stable")[:limit]
    for name, values in merged.items():
        kept[name] = [values[order]]


def _normalise(features: np.ndarray) -> np.ndarray:
    features = np.asarray(features, dtype=np.float32)
    norms = np.linalg.norm(features, axis=1, keepdims=True) if features.size else np.ones((len(features), 1))
    return features / np.maximum(norms, 1e-12)
