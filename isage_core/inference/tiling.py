"""The fixed tile grid of a raster and the runner that blends a backend's tiles into blocks.

Tiles of ``tile_size`` lie every ``tile_size - overlap`` pixels from ``-overlap`` (:func:`grid_starts`),
on one grid per raster; their softmax probabilities are blended with a smooth separable weight window
normalised by the summed weights. A pixel's probabilities therefore depend only on the raster, the
model and these two sizes, never on the block or part of the raster being computed: one process and a
cluster of any size compute the same pixels.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from itertools import islice

import numpy as np
from rasterio.windows import Window

from ..cancel import CancelToken
from ..errors import IsageError
from ..settings import ModelMeta, PredictSettings
from .backends import as_backend

WEIGHT_FLOOR = 1e-3  # the outermost pixels of a tile keep a little weight, so the raster's edge is covered
Reader = Callable[[Window], np.ndarray]


def tile_starts(length: int, tile: int, stride: int) -> list[int]:
    """Tile offsets covering ``length`` (>= tile): every ``stride``, the last one flush with the end."""
    if length <= tile:
        return [0]
    starts = list(range(0, length - tile + 1, stride))
    if starts[-1] != length - tile:
        starts.append(length - tile)
    return starts


def tile_weights(tile: int, overlap: int, floor: float = WEIGHT_FLOOR, separable: bool = False) -> np.ndarray:
    """A separable (tile, tile) window: raised-cosine ramps over ``overlap`` pixels at each edge, 1 inside
    (``separable``: its one axis, float64)."""
    ramp = np.ones(tile, dtype=np.float64)
    if overlap > 0:
        rise = 0.5 - 0.5 * np.cos(np.pi * (np.arange(overlap) + 0.5) / overlap)
        n = min(overlap, tile)
        ramp[:n] = np.minimum(ramp[:n], rise[:n])
        ramp[tile - n :] = np.minimum(ramp[tile - n :], rise[::-1][overlap - n :])
    ramp = np.maximum(ramp, floor)
    if separable:
        return ramp
    return np.outer(ramp, ramp).astype(np.float32)


def top_class(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(argmax, max)`` over the classes of (C, h, w) probabilities, in one pass over whole planes
    (numpy's argmax along the first axis strides through memory); ties go to the first class."""
    best = np.zeros(probs.shape[1:], dtype=np.uint8)
    top = probs[0].copy()
    for index in range(1, probs.shape[0]):
        higher = probs[index] > top
        best[higher] = index
        np.maximum(top, probs[index], out=top)
    return best, top


def grid_starts(length: int, tile: int, overlap: int) -> list[int]:
    """Tile starts along an axis of ``length`` pixels: every ``tile - overlap`` from ``-overlap``, the last
    one ending ``overlap`` past the end, so that pixels at the raster's edges see ``overlap`` pixels of
    (reflected) context as pixels inside do; an axis too short for that gets one centred tile."""
    if length + 2 * overlap <= tile:
        return [-((tile - length) // 2)]
    return [start - overlap for start in tile_starts(length + 2 * overlap, tile, tile - overlap)]


def tile_pixels(shapes: Sequence[tuple[int, int]], settings: PredictSettings) -> int:
    """How many tile pixels predicting rasters of these (height, width) shapes runs, at most."""
    tile, overlap = settings.tile_size, settings.overlap
    return sum(
        len(grid_starts(h, tile, overlap)) * len(grid_starts(w, tile, overlap)) * tile * tile
        for h, w in shapes
    )


def check_settings(settings: PredictSettings) -> None:
    """Refuse tile/overlap/block/batch sizes that cannot work."""
    if settings.tile_size < 1 or not 0 <= settings.overlap < settings.tile_size:
        raise IsageError(
            f"tile size {settings.tile_size} with overlap {settings.overlap}: the overlap must be at least 0 "
            "and smaller than the tile; use for example --tile-size 512 --overlap 128"
        )
    if settings.block_size < 1 or settings.batch_size < 1:
        raise IsageError("block size and batch size must be at least 1; use for example --block-size 2048")
    if settings.threads is not None and settings.threads < 1:
        raise IsageError(f"--threads {settings.threads}: give at least 1, or leave it out for every CPU")


def padded_read(
    read: Reader, height: int, width: int, row0: int, row1: int, col0: int, col1: int
) -> np.ndarray:
    """Rows ``row0:row1`` and columns ``col0:col1`` of a raster, reflected where they leave it."""
    r0, r1 = max(row0, 0), min(row1, height)
    c0, c1 = max(col0, 0), min(col1, width)
    return _reflect(read(Window(c0, r0, c1 - c0, r1 - r0)), (row0, row1, col0, col1), (r0, r1, c0, c1))


def _reflect(data: np.ndarray, wanted: tuple[int, ...], held: tuple[int, ...]) -> np.ndarray:
    """``data`` (the raster's rows ``held[0]:held[1]``, columns ``held[2]:held[3]``) reflected out to the
    rows and columns ``wanted`` (row0, row1, col0, col1)."""
    pad = ((0, 0), (held[0] - wanted[0], wanted[1] - held[1]), (held[2] - wanted[2], wanted[3] - held[3]))
    if any(p for axis in pad for p in axis):
        return np.pad(data, pad, mode="reflect")
    return data


def strip_tiles(
    read: Reader, height: int, width: int, row: int, cols: Sequence[int], tile: int
) -> list[np.ndarray]:
    """The tiles at ``(row, col)`` for each of ``cols``, each as :func:`padded_read` gives it, from one read
    of the raster window they share (neighbouring tiles overlap: each pixel is read once)."""
    r0, r1 = max(row, 0), min(row + tile, height)
    low, high = max(min(cols), 0), min(max(cols) + tile, width)
    data = read(Window(low, r0, high - low, r1 - r0))
    tiles = []
    for col in cols:
        c0, c1 = max(col, 0), min(col + tile, width)
        part = data[:, :, c0 - low : c1 - low]
        tiles.append(_reflect(part, (row, row + tile, col, col + tile), (r0, r1, c0, c1)))
    return tiles


def unit_span(weights: np.ndarray) -> tuple[int, int]:
    """The run ``[start, stop)`` of a weight axis whose weights are exactly 1 (one tile alone covers those
    pixels), or ``(0, 0)`` when there is none or it is broken."""
    ones = np.flatnonzero(weights == 1.0)
    if ones.size and ones[-1] - ones[0] + 1 == ones.size:
        return int(ones[0]), int(ones[-1]) + 1
    return 0, 0


class TileRunner:
    """Runs a backend over the tiles of a raster's fixed tile grid and blends them into blocks.

    Tiles lie on one grid per raster (:func:`grid_starts`: every ``stride`` pixels from ``-overlap``), so a
    pixel's probabilities are the same whatever the block size or the part of the raster predicted: the
    tiles covering it, their weights and the order they are summed in do not depend on either. Tiles
    that cover no valid pixel of the block are not run.
    """

    def __init__(
        self, network, meta: ModelMeta, settings: PredictSettings, device, cancel: CancelToken | None
    ):
        self.backend = as_backend(network, device, settings.amp)
        self.meta, self.cancel = meta, cancel
        self.tile, self.overlap = settings.tile_size, settings.overlap
        self.stride, self.batch = settings.tile_size - settings.overlap, settings.batch_size
        self.n_classes = len(meta.class_ids)
        self.ramp = tile_weights(self.tile, self.overlap, separable=True)
        self._grids: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._buffer: np.ndarray | None = None  # the blocks' accumulator (see _accumulator)
        # a backend's output in its own buffer where it offers one (no copy): blended before the next call
        self._probabilities = getattr(self.backend, "transient_probabilities", self.backend.probabilities)
        # batches in order, several computing at once where the backend can (OpenVINO's streams)
        self._stream = getattr(self.backend, "stream_probabilities", None) or (
            lambda batches: map(self._probabilities, batches)
        )

    def run(self, batch: np.ndarray) -> np.ndarray:
        """Softmax probabilities (N, C, h, w), float32, valid until the next call."""
        return self._checked(self._probabilities(batch))

    def _checked(self, probs: np.ndarray) -> np.ndarray:
        if probs.shape[1] != self.n_classes:
            raise IsageError(
                f"the network outputs {probs.shape[1]} channels for {self.n_classes} classes; "
                "the model file is inconsistent, retrain it"
            )
        return probs

    def grid(self, length: int) -> tuple[np.ndarray, np.ndarray]:
        """The tile starts along an axis of ``length`` pixels (:func:`grid_starts`) and each pixel's
        summed weight."""
        if length not in self._grids:
            starts = np.asarray(grid_starts(length, self.tile, self.overlap))
            total = np.zeros(length, dtype=np.float64)
            for start in starts:
                inside = slice(max(-start, 0), min(length - start, self.tile))
                total[start + inside.start : start + inside.stop] += self.ramp[inside]
            self._grids[length] = (starts, total)
        return self._grids[length]

    def weights(self, start: int, length: int) -> np.ndarray:
        """One axis of a tile's blending weights, divided by the summed weights of the tiles there
        (1 where the tile lies beyond the raster: those pixels are never blended)."""
        _, total = self.grid(length)
        summed = np.ones(self.tile, dtype=np.float64)
        inside = slice(max(-start, 0), min(length - start, self.tile))
        summed[inside] = total[start + inside.start : start + inside.stop]
        return (self.ramp / summed).astype(np.float32)

    def block_tiles(
        self, height: int, width: int, block: Window, valid: np.ndarray | None = None
    ) -> list[tuple[int, int]]:
        """The origins (row, col) of the tiles a block needs, in the order they are summed; without
        those covering none of the block's ``valid`` pixels."""
        r0, c0 = int(block.row_off), int(block.col_off)
        r1, c1 = r0 + int(block.height), c0 + int(block.width)
        rows, cols = self.grid(height)[0], self.grid(width)[0]
        positions = [
            (int(r), int(c))
            for r in rows[(rows < r1) & (rows + self.tile > r0)]
            for c in cols[(cols < c1) & (cols + self.tile > c0)]
        ]
        if valid is None:
            return positions
        tile = self.tile
        return [
            (r, c)
            for r, c in positions
            if valid[max(r - r0, 0) : r + tile - r0, max(c - c0, 0) : c + tile - c0].any()
        ]

    def block_probabilities(
        self, read: Reader, height: int, width: int, block: Window, valid: np.ndarray | None = None
    ) -> np.ndarray:
        """Probabilities (C, h, w) of one block of a (height, width) raster read through ``read``.

        ``valid`` (the block's valid pixels) lets tiles without any be skipped; their pixels are 0. A row
        of tiles is read at once (:func:`strip_tiles`); where one tile alone covers pixels (weight 1) its
        probabilities are copied, elsewhere weighted and summed. The array returned is the runner's own,
        valid until its next call.
        """
        r0, c0 = int(block.row_off), int(block.col_off)
        r1, c1 = r0 + int(block.height), c0 + int(block.width)
        positions = self.block_tiles(height, width, block, valid)
        acc = self._accumulator((self.n_classes, r1 - r0, c1 - c0))
        tile = self.tile

        def tiles():
            rows: dict[int, list[int]] = {}
            for r, c in positions:
                rows.setdefault(r, []).append(c)
            for r, cols in rows.items():
                data = strip_tiles(read, height, width, r, cols, tile)
                yield from zip(((r, c) for c in cols), data, strict=True)

        pending, submitted = tiles(), deque()

        def batches():
            while chunk := list(islice(pending, self.batch)):
                if self.cancel is not None:
                    self.cancel.check()
                submitted.append([position for position, _ in chunk])
                yield np.stack([data for _, data in chunk])

        for probs in self._stream(batches()):  # in the order submitted: the sums do not depend on timing
            for (r, c), p in zip(submitted.popleft(), self._checked(probs), strict=True):
                # the tile's part inside the block, in tile and in block coordinates
                tr0, tr1 = max(r0 - r, 0), min(r1 - r, tile)
                tc0, tc1 = max(c0 - c, 0), min(c1 - c, tile)
                self._blend(
                    acc[:, r + tr0 - r0 : r + tr1 - r0, c + tc0 - c0 : c + tc1 - c0],
                    p[:, tr0:tr1, tc0:tc1],
                    self.weights(r, height)[tr0:tr1],
                    self.weights(c, width)[tc0:tc1],
                )
        return acc

    def _accumulator(self, shape: tuple[int, int, int]) -> np.ndarray:
        """A zeroed float32 array of ``shape`` in one buffer kept from block to block: a new array per
        block had the kernel map and zero its pages on first touch (a 6144² raster: blending 1.43 s of
        the main thread against 0.63 s with the buffer kept, 2026-12-07)."""
        size = math.prod(shape)
        if self._buffer is None or self._buffer.size < size:
            self._buffer = np.zeros(size, dtype=np.float32)
            return self._buffer.reshape(shape)
        acc = self._buffer[:size].reshape(shape)
        acc.fill(0)
        return acc

    @staticmethod
    def _blend(acc: np.ndarray, part: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
        """``acc += part * outer(rows, cols)``; the pixels of weight exactly 1 are copied (no other tile
        covers them, so their sum is the tile's value) and ``part`` is overwritten (the backend's output
        is not read again)."""
        (a, b), (c, d) = unit_span(rows), unit_span(cols)
        if a == b or c == d:
            a = b = c = d = 0
        acc[:, a:b, c:d] = part[:, a:b, c:d]
        for rs, cs in (
            (slice(0, a), slice(None)),
            (slice(b, None), slice(None)),
            (slice(a, b), slice(0, c)),
            (slice(a, b), slice(d, None)),
        ):
            weight = np.outer(rows[rs], cols[cs])
            if weight.size:
                region = part[:, rs, cs]
                np.multiply(region, weight, out=region)
                acc[:, rs, cs] += region
