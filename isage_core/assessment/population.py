"""The population an assessment samples: the pixels of a workspace's frames that an iteration's map
classifies, optionally limited to an extent or an AOI, read block by block so memory stays bounded.

A map (``outputs/iteration_NNN/<frame>_classes.tif``, or the VRT of a cluster run) lies on its frame's
pixel grid, possibly on a window of it (a prediction of the visible extent): its pixels are addressed
here by the frame's row and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rasterio.windows import Window

from .. import geo
from ..areas import pixel_areas_m2
from ..errors import IsageError
from ..record.workspace import Workspace

NODATA = 255  # class rasters' nodata
BLOCK = 1024


@dataclass(frozen=True)
class Population:
    """What the sample represents: frames, and where set an extent (record CRS) or an AOI (WKT in the
    record CRS) whose pixel centres limit it."""

    frames: tuple[str, ...]
    extent: tuple[float, float, float, float] | None = None
    aoi_wkt: str | None = None

    def as_dict(self) -> dict:
        return {
            "frames": list(self.frames),
            "extent": list(self.extent) if self.extent else None,
            "aoi": self.aoi_wkt,
        }


@dataclass
class Block:
    """One block of a frame in the population: the map's classes, which pixels count, each row's area."""

    frame: str
    row0: int  # the frame's row and column of the block's first pixel
    col0: int
    classes: np.ndarray  # (rows, cols)
    valid: np.ndarray  # (rows, cols) bool: in the population
    row_area_m2: np.ndarray  # (rows,) area of one pixel of each row


def map_path(workspace: Workspace, iteration: int, frame: str) -> Path | None:
    """The class raster of ``frame`` predicted by ``iteration``'s model, or None."""
    return workspace.class_raster(iteration, frame)


def iterations_with_maps(workspace: Workspace, frames: list[str]) -> list[int]:
    """The iterations whose outputs hold a map of every one of ``frames``, oldest first."""
    found = []
    for run in sorted({r.iteration for r in workspace.record.runs()}):
        if all(map_path(workspace, run, f) is not None for f in frames):
            found.append(run)
    return found


class MapReader:
    """The class raster of one frame for one iteration, read at the frame's pixels."""

    def __init__(self, workspace: Workspace, iteration: int, frame):
        path = map_path(workspace, iteration, frame.name)
        if path is None:
            raise IsageError(
                f"{workspace.outputs_dir / f'iteration_{iteration:03d}'}: no map of frame '{frame.name}' "
                f"from iteration {iteration}; predict it (`isage predict {workspace.folder}`) or choose "
                "another iteration"
            )
        self.path, self.frame = path, frame
        self.src = geo.open_raster(path, "class")
        fa, ma = frame.info.affine, self.src.transform
        col, row = ~fa * (ma.c, ma.f)
        same = np.allclose([ma.a, ma.b, ma.d, ma.e], [fa.a, fa.b, fa.d, fa.e], rtol=1e-6, atol=1e-12)
        if not same or abs(col - round(col)) > 1e-3 or abs(row - round(row)) > 1e-3:
            self.src.close()
            raise IsageError(
                f"{path}: not on the pixel grid of frame '{frame.name}'; predict the frame again with iSAGE"
            )
        self.row_off, self.col_off = int(round(row)), int(round(col))  # the map's first pixel in the frame

    def close(self) -> None:
        self.src.close()

    def covers(self, row: int, col: int) -> bool:
        r, c = row - self.row_off, col - self.col_off
        return 0 <= r < self.src.height and 0 <= c < self.src.width

    def classes_at(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The map's class at frame pixels ``(rows, cols)``; -1 where it has none (outside or nodata)."""
        out = np.full(len(rows), -1, dtype=np.int64)
        for i, (row, col) in enumerate(zip(rows, cols, strict=True)):
            if self.covers(row, col):
                window = Window(col - self.col_off, row - self.row_off, 1, 1)
                value = int(geo.read_pixels(self.src, 1, window=window)[0, 0])
                valid = self.src.read_masks(1, window=window)[0, 0] > 0
                out[i] = value if valid and value != NODATA else -1
        return out

    def blocks(self, population: Population, record_crs, size: int = BLOCK) -> Iterator[Block]:
        """The map's blocks with the population's mask and each row's pixel area."""
        info = self.frame.info
        shapes = _aoi_in(population, record_crs, info.crs)
        extent = _extent_in(population, record_crs, info.crs)
        for window in geo.iter_blocks(self.src.width, self.src.height, size):
            classes = geo.read_pixels(self.src, 1, window=window).astype(np.int64)
            valid = (self.src.read_masks(1, window=window) > 0) & (classes != NODATA)
            row0, col0 = window.row_off + self.row_off, window.col_off + self.col_off
            rows = np.arange(row0, row0 + window.height)
            if extent is not None or shapes is not None:
                valid &= _inside(info.affine, rows, np.arange(col0, col0 + window.width), extent, shapes)
            area = pixel_areas_m2(info.crs, info.affine, rows, f"frame '{self.frame.name}'")
            yield Block(self.frame.name, row0, col0, classes, valid, area)


def _extent_in(population: Population, record_crs, frame_crs):
    if population.extent is None:
        return None
    if record_crs is None or frame_crs is None or record_crs == frame_crs:
        return population.extent
    xs, ys = geo.reproject_points(
        [population.extent[0], population.extent[2], population.extent[0], population.extent[2]],
        [population.extent[1], population.extent[1], population.extent[3], population.extent[3]],
        record_crs,
        frame_crs,
    )
    return float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))


def _aoi_in(population: Population, record_crs, frame_crs):
    if population.aoi_wkt is None:
        return None
    import shapely
    from shapely.ops import transform

    geom = shapely.from_wkt(population.aoi_wkt)
    if record_crs is not None and frame_crs is not None and record_crs != frame_crs:
        from pyproj import Transformer

        to_frame = Transformer.from_crs(record_crs, frame_crs, always_xy=True)
        geom = transform(to_frame.transform, geom)
    return geom


def _inside(affine, rows: np.ndarray, cols: np.ndarray, extent, aoi) -> np.ndarray:
    """Whether each pixel centre of the block ``rows`` x ``cols`` lies in ``extent`` and ``aoi``."""
    cc, rr = np.meshgrid(cols + 0.5, rows + 0.5)
    x = affine.a * cc + affine.b * rr + affine.c
    y = affine.d * cc + affine.e * rr + affine.f
    inside = np.ones(x.shape, dtype=bool)
    if extent is not None:
        inside &= (x >= extent[0]) & (x <= extent[2]) & (y >= extent[1]) & (y <= extent[3])
    if aoi is not None:
        import shapely

        inside &= shapely.contains_xy(aoi, x, y)
    return inside
