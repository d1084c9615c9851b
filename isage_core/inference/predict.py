"""Sliding-window inference over rasters of any size, in blocks, with blended overlapping tiles.

The raster is processed in output blocks of ``block_size`` pixels; each block is read with a halo of
``overlap`` pixels (reflected where the halo leaves the raster), covered by tiles of ``tile_size`` with
stride ``tile_size - overlap``, and the tiles' softmax probabilities are blended with a smooth weight
window normalised by the summed weights. Only one block and its halo are in memory at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

import numpy as np
from rasterio.windows import Window
from rasterio.windows import transform as window_transform

from ..atomic import remove_stale_partials
from ..cancel import CancelToken
from ..errors import IsageError, make_folder
from ..events import ProgressCallback
from ..geo import grid_transform, iter_blocks, open_raster, valid_mask
from ..model.input_check import check_input
from ..model.normalization import check_bands, normalise, read_bands
from ..settings import ModelMeta, PredictSettings
from .backends import as_backend
from .evaluate import check_reference
from .rasterout import (
    CLASS_NODATA,
    HEATMAP_NODATA,
    ClassTable,
    apply_affine,
    class_reader,
    gdal_cache_limit,
    grid_offset,
    open_geotiff,
)

log = logging.getLogger(__name__)

WEIGHT_FLOOR = 1e-3  # the outermost pixels of a tile keep a little weight, so the raster's edge is covered
Reader = Callable[[Window], np.ndarray]
EPS = 1e-3  # pixels: limits closer than this to a pixel edge do not claim the next pixel


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


def padded_read(
    read: Reader, height: int, width: int, row0: int, row1: int, col0: int, col1: int
) -> np.ndarray:
    """Rows ``row0:row1`` and columns ``col0:col1`` of a raster, reflected where they leave it."""
    r0, r1 = max(row0, 0), min(row1, height)
    c0, c1 = max(col0, 0), min(col1, width)
    data = read(Window(c0, r0, c1 - c0, r1 - r0))
    pad = ((0, 0), (r0 - row0, row1 - r1), (c0 - col0, col1 - c1))
    if any(p for axis in pad for p in axis):
        data = np.pad(data, pad, mode="reflect")
    return data


class _Runner:
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

    def run(self, batch: np.ndarray) -> np.ndarray:
        """Softmax probabilities (N, C, h, w), float32."""
        probs = self.backend.probabilities(batch)
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

        ``valid`` (the block's valid pixels) lets tiles without any be skipped; their pixels are 0.
        """
        r0, c0 = int(block.row_off), int(block.col_off)
        r1, c1 = r0 + int(block.height), c0 + int(block.width)
        positions = self.block_tiles(height, width, block, valid)
        acc = np.zeros((self.n_classes, r1 - r0, c1 - c0), dtype=np.float32)
        tile = self.tile
        for start in range(0, len(positions), self.batch):
            if self.cancel is not None:
                self.cancel.check()
            chunk = positions[start : start + self.batch]
            batch = np.stack([padded_read(read, height, width, r, r + tile, c, c + tile) for r, c in chunk])
            for (r, c), p in zip(chunk, self.run(batch), strict=True):
                # the tile's part inside the block, in tile and in block coordinates
                tr0, tr1 = max(r0 - r, 0), min(r1 - r, tile)
                tc0, tc1 = max(c0 - c, 0), min(c1 - c, tile)
                weight = np.outer(self.weights(r, height)[tr0:tr1], self.weights(c, width)[tc0:tc1])
                inside = (slice(None), slice(r + tr0 - r0, r + tr1 - r0), slice(c + tc0 - c0, c + tc1 - c0))
                acc[inside] += p[:, tr0:tr1, tc0:tc1] * weight
        return acc


def predict_probabilities(
    network,
    meta: ModelMeta,
    image: np.ndarray,
    settings: PredictSettings,
    device,
    cancel: CancelToken | None = None,
) -> np.ndarray:
    """Blended tile probabilities (C, H, W) of an in-memory (bands, H, W) image of the model's bands.

    ``image`` holds raw band values (normalised here with the model's mean and std); it is processed in
    blocks and tiles exactly as :func:`predict_frame` processes a raster. Channel i is ``meta.class_ids[i]``.
    """
    if image.ndim != 3 or image.shape[0] != len(meta.bands):
        raise IsageError(
            f"image of shape {image.shape}: expected ({len(meta.bands)}, rows, cols) for the model's bands"
        )
    check_settings(settings)
    runner = _Runner(network, meta, settings, device, cancel)
    _, height, width = image.shape

    def read(win: Window) -> np.ndarray:
        rows, cols = win.toslices()
        return normalise(image[:, rows, cols].astype(np.float32), meta.mean, meta.std)

    out = np.empty((len(meta.class_ids), height, width), dtype=np.float32)
    for block in iter_blocks(width, height, settings.block_size):
        rows, cols = block.toslices()
        out[:, rows, cols] = runner.block_probabilities(read, height, width, block)
    return out


def predict_frame(
    frame_path: str | Path,
    network,
    meta: ModelMeta,
    out_dir: Path,
    name: str,
    settings: PredictSettings,
    *,
    device,
    previous_classes: Path | None = None,
    reference: Path | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, Path]:
    """Write ``{name}_classes.tif`` and the heatmaps ``settings.heatmaps`` asks for; return their paths.

    ``change`` needs ``previous_classes`` (an earlier class raster of this frame on the same pixel grid),
    ``error`` a reference class raster of the frame's size (``reference`` or ``settings.reference``).
    ``settings.extent`` / ``settings.aoi`` limit the outputs to the window covering them.
    """
    frame_path, out_dir = Path(frame_path), Path(out_dir)
    if max(meta.class_ids) >= CLASS_NODATA or min(meta.class_ids) < 0:
        raise IsageError(f"class ids {meta.class_ids} do not fit a uint8 class raster; use ids 0..254")
    reference = Path(reference) if reference else (Path(settings.reference) if settings.reference else None)
    with ExitStack() as outs, ExitStack() as ins:  # inputs close before the outputs are renamed into place
        src = ins.enter_context(open_raster(frame_path, "frame"))
        check_bands(frame_path, src.count, meta.bands)
        check_settings(settings)
        mismatch = check_input(src, meta, settings.allow_input_mismatch)
        runner = _Runner(network, meta, settings, device, cancel)
        tags = {"ISAGE_MODEL_ITERATION": str(meta.iteration), "ISAGE_BACKEND": runner.backend.name}
        if mismatch:
            tags["ISAGE_INPUT_MISMATCH"] = f"allowed by --allow-input-mismatch: {mismatch}"
        span = settings.block_size + 2 * settings.overlap + settings.tile_size
        ins.enter_context(gdal_cache_limit(2 * span * span * src.count * np.dtype(src.dtypes[0]).itemsize))
        aoi = load_aoi(settings.aoi, src, frame_path) if settings.aoi else None
        window = work_window(src, settings.extent, aoi, frame_path)
        wanted = set(settings.heatmaps)
        ref = (
            _open_reference(reference, src, ins, meta.class_ids) if reference and "error" in wanted else None
        )
        prev = _open_previous(previous_classes, src, ins) if previous_classes and "change" in wanted else None
        height, width = int(window.height), int(window.width)
        grid = window_transform(window, grid_transform(src))
        geo = {"width": width, "height": height, "crs": src.crs, "transform": grid}
        keys = ["classes"] + ["confidence"] * ("confidence" in wanted)
        keys += ["change"] * (prev is not None) + ["error"] * (ref is not None)
        paths = {key: out_dir / f"{name}_{key}.tif" for key in keys}
        make_folder(out_dir)  # only now that every input is accepted: a refusal leaves nothing behind
        remove_stale_partials([out_dir])
        outputs = {
            key: outs.enter_context(
                open_geotiff(
                    path,
                    kind="classes" if key == "classes" else "heatmap",
                    classes=ClassTable.from_meta(meta) if key == "classes" else None,
                    tags=tags,
                    **geo,
                )
            )
            for key, path in paths.items()
        }

        def read(win: Window) -> np.ndarray:
            return normalise(read_bands(src, meta.bands, win), meta.mean, meta.std)

        ids = np.asarray(meta.class_ids, dtype=np.uint8)
        blocks = list(iter_blocks(width, height, settings.block_size))
        log.debug("predicting %s: %dx%d pixels in %d blocks", frame_path.name, width, height, len(blocks))
        for index, local in enumerate(blocks):
            if cancel is not None:
                cancel.check()
            block = Window(
                local.col_off + window.col_off, local.row_off + window.row_off, local.width, local.height
            )
            valid = valid_mask(src, block)
            if aoi is not None:
                valid &= aoi_mask(aoi, block, grid_transform(src))
            probs = runner.block_probabilities(read, src.height, src.width, block, valid)
            best, confidence = top_class(probs)
            classes = ids[best]
            del probs, best
            classes[~valid], confidence[~valid] = CLASS_NODATA, HEATMAP_NODATA
            outputs["classes"].write(classes, local)
            if "confidence" in outputs:
                outputs["confidence"].write(confidence, local)
            if prev is not None:
                outputs["change"].write(_compare(classes, confidence, valid, *prev(block)), local)
            if ref is not None:
                outputs["error"].write(_compare(classes, confidence, valid, *ref(block)), local)
            if progress is not None:
                progress(0.95 * (index + 1) / len(blocks), f"block {index + 1}/{len(blocks)}")
        if cancel is not None:
            cancel.check()
        for out in outputs.values():
            out.finish()
    if progress is not None:
        progress(1.0, "written")
    return paths


def _compare(classes, confidence, valid, other, other_valid) -> np.ndarray:
    """Confidence where ``classes`` differs from ``other``, 0 where equal, nodata where either is missing."""
    out = np.where(classes != other, confidence, 0.0).astype(np.float32)
    out[~(valid & other_valid)] = HEATMAP_NODATA
    return out


def _open_reference(path: Path, src, stack: ExitStack, class_ids: Sequence[int]):
    """A reader of the reference mask (refused when it is not one of these classes); pixels holding
    no class id are not valid, so they get no confident-error value."""
    ref = stack.enter_context(open_raster(path, "reference"))
    if (ref.width, ref.height) != (src.width, src.height):
        raise IsageError(
            f"{path}: reference is {ref.width}x{ref.height} pixels but frame {src.name} is "
            f"{src.width}x{src.height}; give the reference class raster of this frame"
        )
    check_reference(ref, class_ids)
    read = class_reader(ref, 0, 0)

    def read_classes(window: Window) -> tuple[np.ndarray, np.ndarray]:
        values, valid = read(window)
        return values, valid & np.isin(values, class_ids)

    return read_classes


def _open_previous(path: Path, src, stack: ExitStack):
    """A reader of the previous class raster on the frame's grid; None (warning) when it is off the grid."""
    path = Path(path)
    if not path.exists():
        log.debug("no previous class raster %s; no change heatmap", path)
        return None
    prev = stack.enter_context(open_raster(path, "previous class"))
    offset = grid_offset(prev.transform, grid_transform(src))
    if offset is None:
        log.warning("%s is not on the pixel grid of %s; no change heatmap", path, src.name)
        return None
    return class_reader(prev, *offset)


def load_aoi(path: str | Path, src, frame_path: Path):
    """The polygons of an AOI vector file in the frame's CRS (a GeoSeries)."""
    import geopandas as gpd

    path = Path(path)
    if not path.exists():
        raise IsageError(
            f"{path}: AOI file not found; give a polygon vector file (GeoPackage, shapefile, GeoJSON)"
        )
    try:
        frame = gpd.read_file(path)
    except Exception as exc:
        raise IsageError(
            f"{path}: not a readable vector file ({str(exc).splitlines()[0][:100]}); give polygons"
        ) from exc
    geoms = frame.geometry[
        frame.geometry.notna() & frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    ]
    if geoms.empty:
        raise IsageError(f"{path}: no polygons in the AOI file; draw the area of interest as polygons")
    if geoms.crs is not None and src.crs is not None:
        geoms = geoms.to_crs(src.crs)
    elif geoms.crs is None:
        log.warning("%s has no CRS; assuming the CRS of %s", path, frame_path.name)
    return geoms.reset_index(drop=True)


def work_window(src, extent, aoi, frame_path: Path) -> Window:
    """The frame window covering the extent and/or the AOI's parts on the frame (whole frame without them)."""
    col0, row0, col1, row1 = 0, 0, src.width, src.height
    if aoi is not None:
        on_frame = aoi.clip_by_rect(*src.bounds)
        on_frame = on_frame[~on_frame.is_empty]
        aoi_bounds = tuple(on_frame.total_bounds) if len(on_frame) else tuple(aoi.total_bounds)
    for bounds, what in ((extent, "extent"), (None if aoi is None else aoi_bounds, "AOI")):
        if bounds is None:
            continue
        corners = [apply_affine(~grid_transform(src), x, y) for x in bounds[0::2] for y in bounds[1::2]]
        cols, rows = [c for c, _ in corners], [r for _, r in corners]
        col0, col1 = max(col0, int(np.floor(min(cols) + EPS))), min(col1, int(np.ceil(max(cols) - EPS)))
        row0, row1 = max(row0, int(np.floor(min(rows) + EPS))), min(row1, int(np.ceil(max(rows) - EPS)))
        if col1 <= col0 or row1 <= row0:
            box = tuple(round(float(v), 3) for v in bounds)
            raise IsageError(
                f"{frame_path}: the {what} {box} does not overlap the frame (bounds "
                f"{tuple(round(v, 3) for v in src.bounds)} in its CRS); give an {what} inside the frame"
            )
    return Window(col0, row0, col1 - col0, row1 - row0)


def aoi_mask(aoi, block: Window, transform) -> np.ndarray:
    """True for the pixels of a frame block whose centre lies in an AOI polygon."""
    from rasterio.features import geometry_mask
    from rasterio.windows import bounds as window_bounds
    from shapely.geometry import box

    shape = (int(block.height), int(block.width))
    hits = aoi.sindex.query(box(*window_bounds(block, transform)))
    if len(hits) == 0:
        return np.zeros(shape, dtype=bool)
    return geometry_mask(
        list(aoi.iloc[hits]), out_shape=shape, transform=window_transform(block, transform), invert=True
    )


def predict_at_pixels(
    network, meta: ModelMeta, src, pixels: Sequence[tuple[int, int]], settings: PredictSettings, device
) -> list[tuple[int, float]]:
    """``(class_id, confidence)`` at each ``(row, col)`` of an open raster.

    Pixels are grouped into tiles of ``settings.tile_size`` so that each lies at least a quarter tile from
    the edge of its tile (or on the raster's own edge): one network pass serves every click of a small
    frame, and clicks far apart get tiles of their own.
    """
    if settings.tile_size < 1 or settings.batch_size < 1:
        raise IsageError("tile size and batch size must be at least 1; use for example --tile-size 512")
    runner = _Runner(network, meta, settings, device, None)
    check_bands(src.name, src.count, meta.bands)
    for row, col in pixels:
        if not (0 <= row < src.height and 0 <= col < src.width):
            raise IsageError(
                f"{src.name}: pixel ({row}, {col}) is outside the {src.width}x{src.height} raster"
            )

    def read(win: Window) -> np.ndarray:
        return normalise(read_bands(src, meta.bands, win), meta.mean, meta.std)

    groups = pixel_tiles(pixels, src.height, src.width, settings.tile_size)
    results: list[tuple[int, float]] = [(0, 0.0)] * len(pixels)
    tile = settings.tile_size
    for start in range(0, len(groups), settings.batch_size):
        chunk = groups[start : start + settings.batch_size]
        tiles = [
            padded_read(read, src.height, src.width, r0, r0 + tile, c0, c0 + tile) for (r0, c0), _ in chunk
        ]
        probs = runner.run(np.stack(tiles))
        for ((r0, c0), members), p in zip(chunk, probs, strict=True):
            for index in members:
                row, col = pixels[index]
                vector = p[:, row - r0, col - c0]
                best = int(np.argmax(vector))
                results[index] = (int(meta.class_ids[best]), float(vector[best]))
    return results


def pixel_tiles(
    pixels: Sequence[tuple[int, int]], height: int, width: int, tile: int
) -> list[tuple[tuple[int, int], list[int]]]:
    """Tile origins ``(row0, col0)`` with the indexes of the pixels each one serves.

    A pixel is served by a tile when it lies at least ``tile // 4`` inside it, or on the raster's edge.
    """
    margin = tile // 4

    def origin(value: int, size: int) -> int:
        if size <= tile:
            return 0
        return min(max(value - tile // 2, 0), size - tile)

    def inner(start: int, size: int) -> tuple[int, int]:
        low = start + margin if start > 0 else 0
        high = start + tile - margin if start + tile < size else size
        return low, high

    pending = list(range(len(pixels)))
    groups = []
    while pending:
        row, col = pixels[pending[0]]
        r0, c0 = origin(row, height), origin(col, width)
        (rlo, rhi), (clo, chi) = inner(r0, height), inner(c0, width)
        members = [i for i in pending if rlo <= pixels[i][0] < rhi and clo <= pixels[i][1] < chi]
        groups.append(((r0, c0), members))
        taken = set(members)
        pending = [i for i in pending if i not in taken]
    return groups
