"""Predict rasters of any size: block by block over the fixed tile grid of :mod:`.tiling`.

:class:`FramePrediction` opens and checks one raster's inputs and computes any block of its outputs
(classes, confidence, change, error) with the one function :meth:`FramePrediction.predict_block`;
:func:`predict_frame` runs it over every block into GeoTIFFs in this process, and the cluster path
(:mod:`isage_core.cluster`) runs it per part on Dask workers. Only one block is in memory at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rasterio.windows import Window
from rasterio.windows import transform as window_transform

from ..atomic import remove_stale_partials
from ..cancel import CancelToken
from ..errors import IsageError, make_folder
from ..events import ProgressCallback
from ..geo import check_mosaic, grid_transform, iter_blocks, open_raster, valid_mask
from ..model.input_check import check_input
from ..model.normalization import check_bands, normalise, read_bands
from ..settings import ModelMeta, PredictSettings
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
from .tiling import TileRunner, check_settings, padded_read, top_class

log = logging.getLogger(__name__)

EPS = 1e-3  # pixels: limits closer than this to a pixel edge do not claim the next pixel


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
    runner = TileRunner(network, meta, settings, device, cancel)
    _, height, width = image.shape

    def read(win: Window) -> np.ndarray:
        rows, cols = win.toslices()
        return normalise(image[:, rows, cols].astype(np.float32), meta.mean, meta.std, in_place=True)

    out = np.empty((len(meta.class_ids), height, width), dtype=np.float32)
    for block in iter_blocks(width, height, settings.block_size):
        rows, cols = block.toslices()
        out[:, rows, cols] = runner.block_probabilities(read, height, width, block)
    return out


@dataclass(frozen=True)
class FrameTask:
    """One raster to predict: where it is, what its outputs are called, and what they compare with."""

    frame: Path
    name: str  # outputs are {name}_{kind}.tif
    out_dir: Path
    previous_classes: Path | None = None  # an earlier class raster on the same grid: the change heatmap
    reference: Path | None = None  # a reference class raster: the confident-error heatmap


class FramePrediction:
    """A raster opened and checked for prediction; :meth:`predict_block` computes any block of it.

    Opening refuses bad input (bands, settings, extent, AOI, reference, a mosaic mixing CRSs) before
    anything is written. Use as a context manager: the inputs close at its end.
    """

    def __init__(
        self,
        task: FrameTask,
        network,
        meta: ModelMeta,
        settings: PredictSettings,
        *,
        device=None,
        cancel: CancelToken | None = None,
    ):
        if max(meta.class_ids) >= CLASS_NODATA or min(meta.class_ids) < 0:
            raise IsageError(f"class ids {meta.class_ids} do not fit a uint8 class raster; use ids 0..254")
        self.task, self.meta, self.settings, self.cancel = task, meta, settings, cancel
        reference = task.reference or (Path(settings.reference) if settings.reference else None)
        self._inputs = ExitStack()
        try:
            self._open(task, network, meta, settings, device, reference)
        except BaseException:
            self._inputs.close()
            raise

    def _open(self, task, network, meta, settings, device, reference) -> None:
        ins = self._inputs
        src = self.src = ins.enter_context(open_raster(task.frame, "frame"))
        check_bands(task.frame, src.count, meta.bands)
        check_mosaic(src, task.frame)
        check_settings(settings)
        mismatch = check_input(src, meta, settings.allow_input_mismatch)
        self.runner = TileRunner(network, meta, settings, device, self.cancel)
        self.tags = {"ISAGE_MODEL_ITERATION": str(meta.iteration), "ISAGE_BACKEND": self.runner.backend.name}
        if mismatch:
            self.tags["ISAGE_INPUT_MISMATCH"] = f"allowed by --allow-input-mismatch: {mismatch}"
        span = settings.block_size + 2 * settings.overlap + settings.tile_size
        ins.enter_context(gdal_cache_limit(2 * span * span * src.count * np.dtype(src.dtypes[0]).itemsize))
        self.aoi = load_aoi(settings.aoi, src, task.frame) if settings.aoi else None
        self.window = work_window(src, settings.extent, self.aoi, task.frame)
        wanted = set(settings.heatmaps)
        self.ref = (
            _open_reference(reference, src, ins, meta.class_ids) if reference and "error" in wanted else None
        )
        previous = task.previous_classes
        self.prev = _open_previous(previous, src, ins) if previous and "change" in wanted else None
        self.height, self.width = int(self.window.height), int(self.window.width)
        self.transform = window_transform(self.window, grid_transform(src))
        self.crs = src.crs
        self.keys = ["classes"] + ["confidence"] * ("confidence" in wanted)
        self.keys += ["change"] * (self.prev is not None) + ["error"] * (self.ref is not None)
        self.classes = ClassTable.from_meta(meta)
        self._ids = np.asarray(meta.class_ids, dtype=np.uint8)

    def __enter__(self) -> FramePrediction:
        return self

    def __exit__(self, *exc) -> None:
        self._inputs.close()

    def paths(self) -> dict[str, Path]:
        """The output GeoTIFF of each kind."""
        return {key: self.task.out_dir / f"{self.task.name}_{key}.tif" for key in self.keys}

    def blocks(self) -> list[Window]:
        """The blocks of the work window (in its own pixel coordinates), row by row."""
        return list(iter_blocks(self.width, self.height, self.settings.block_size))

    def block_probabilities(self, local: Window) -> tuple[Window, np.ndarray, np.ndarray]:
        """One block of the work window (in its coordinates): the block in raster coordinates, its
        valid pixels and the class probabilities (C, h, w) there."""
        if self.cancel is not None:
            self.cancel.check()
        src, window = self.src, self.window
        block = Window(
            local.col_off + window.col_off, local.row_off + window.row_off, local.width, local.height
        )
        valid = valid_mask(src, block)
        if self.aoi is not None:
            valid &= aoi_mask(self.aoi, block, grid_transform(src))

        def read(win: Window) -> np.ndarray:
            meta = self.meta
            return normalise(read_bands(src, meta.bands, win), meta.mean, meta.std, in_place=True)

        return block, valid, self.runner.block_probabilities(read, src.height, src.width, block, valid)

    def predict_block(self, local: Window) -> dict[str, np.ndarray]:
        """Every output of one block of the work window (in its coordinates), nodata set."""
        block, valid, probs = self.block_probabilities(local)
        best, confidence = top_class(probs)
        del probs
        classes = self._ids[best]
        classes[~valid], confidence[~valid] = CLASS_NODATA, HEATMAP_NODATA
        out = {"classes": classes}
        if "confidence" in self.keys:
            out["confidence"] = confidence
        if self.prev is not None:
            out["change"] = _compare(classes, confidence, valid, *self.prev(block))
        if self.ref is not None:
            out["error"] = _compare(classes, confidence, valid, *self.ref(block))
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
    task = FrameTask(
        Path(frame_path),
        name,
        Path(out_dir),
        Path(previous_classes) if previous_classes else None,
        Path(reference) if reference else None,
    )
    with (
        ExitStack() as outs,
        FramePrediction(task, network, meta, settings, device=device, cancel=cancel) as job,
    ):
        # the inputs close before the outputs are renamed into place (ExitStack closes last in first)
        paths = job.paths()
        make_folder(task.out_dir)  # only now that every input is accepted: a refusal leaves nothing behind
        remove_stale_partials([task.out_dir])
        geo = {"width": job.width, "height": job.height, "crs": job.crs, "transform": job.transform}
        outputs = {
            key: outs.enter_context(
                open_geotiff(
                    path,
                    kind="classes" if key == "classes" else "heatmap",
                    classes=job.classes if key == "classes" else None,
                    tags=job.tags,
                    **geo,
                )
            )
            for key, path in paths.items()
        }
        blocks = job.blocks()
        log.debug(
            "predicting %s: %dx%d pixels in %d blocks", task.frame.name, job.width, job.height, len(blocks)
        )
        # A block's outputs are written (compressed) in a thread while the next block is predicted: GDAL
        # releases the GIL. One block at most waits, so memory stays bounded; a write failure is raised here.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="isage-write") as writer:
            pending = None
            for index, local in enumerate(blocks):
                arrays = job.predict_block(local)
                if pending is not None:
                    pending.result()
                pending = writer.submit(_write_block, outputs, arrays, local)
                if progress is not None:
                    progress(0.95 * (index + 1) / len(blocks), f"block {index + 1}/{len(blocks)}")
            if pending is not None:
                pending.result()
        if cancel is not None:
            cancel.check()
        finish_outputs(list(outputs.values()))
    if progress is not None:
        progress(1.0, "written")
    return paths


def finish_outputs(outputs: Sequence) -> None:
    """Finish the outputs (their overviews) side by side: each builds in GDAL, which releases the GIL, and
    the first failure is raised."""
    if len(outputs) < 2:
        for out in outputs:
            out.finish()
        return
    with ThreadPoolExecutor(max_workers=len(outputs), thread_name_prefix="isage-finish") as pool:
        for done in [pool.submit(out.finish) for out in outputs]:
            done.result()


def _write_block(outputs: dict, arrays: dict[str, np.ndarray], window: Window) -> None:
    for key, data in arrays.items():
        outputs[key].write(data, window)


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
    runner = TileRunner(network, meta, settings, device, None)
    check_bands(src.name, src.count, meta.bands)
    for row, col in pixels:
        if not (0 <= row < src.height and 0 <= col < src.width):
            raise IsageError(
                f"{src.name}: pixel ({row}, {col}) is outside the {src.width}x{src.height} raster"
            )

    def read(win: Window) -> np.ndarray:
        return normalise(read_bands(src, meta.bands, win), meta.mean, meta.std, in_place=True)

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
