"""Rasters and coordinates: opening frames with clear errors, frame facts, fingerprints, pixel/map maths."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio._err import CPLE_BaseError
from rasterio.crs import CRS
from rasterio.enums import MaskFlags
from rasterio.errors import NotGeoreferencedWarning, RasterioError, RasterioIOError
from rasterio.transform import Affine
from rasterio.windows import Window

from .errors import IsageError

FINGERPRINT_SAMPLE = 64  # side of the pixel windows hashed into a fingerprint


def is_virtual(name: str | Path) -> bool:
    """A GDAL virtual file name (``/vsicurl/https://...``): a remote source, no local file to check."""
    return str(name).startswith("/vsi")


def open_raster(path: str | Path, purpose: str = "frame"):
    """Open a raster for reading, turning every failure into a one-line :class:`IsageError`."""
    if is_virtual(path):
        try:
            return rasterio.open(str(path))
        except RasterioIOError as exc:
            reason = str(exc).splitlines()[0][:120]
            message = f"{path}: remote {purpose} raster not readable ({reason}); check the URL"
            raise IsageError(message) from exc
    path = Path(path)
    if not path.exists():
        raise IsageError(f"{path}: {purpose} raster not found; check the path or re-link the frame")
    if path.is_dir():
        raise IsageError(f"{path}: is a folder, not a {purpose} raster; give a GeoTIFF or other raster file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            return rasterio.open(path)
    except RasterioIOError as exc:
        raise IsageError(
            f"{path}: not a readable raster ({str(exc).splitlines()[0][:120]}); "
            "give a GeoTIFF or other GDAL raster"
        ) from exc


def check_mosaic(src, path: str | Path) -> None:
    """Refuse a VRT mosaic whose sources are missing or lie in another CRS than the mosaic: GDAL places
    them by pixel offsets whatever their CRS, which would give a map in the wrong place."""
    if src.driver != "VRT":
        return
    for source in src.files[1:]:
        with open_raster(source, f"mosaic {Path(path).name}: source") as part:
            if part.crs != src.crs:
                raise IsageError(
                    f"{path}: the mosaic mixes CRSs ({Path(source).name} is in "
                    f"{part.crs.to_string() if part.crs else 'no CRS'}, the mosaic in "
                    f"{src.crs.to_string() if src.crs else 'no CRS'}); reproject its sources to one CRS "
                    "(gdalwarp) and build the VRT again"
                )


def input_identity(src) -> str:
    """What a prediction's input is, for resuming: the raster's fingerprint and the size and modification
    time of every file it reads (a VRT's sources included)."""
    digest = hashlib.sha256(fingerprint(src).encode())
    for name in src.files:
        if is_virtual(name):  # a remote source: its fingerprint stands for it
            continue
        stat = Path(name).stat()
        digest.update(f"{Path(name).name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


def read_pixels(src, indexes=None, **kwargs) -> np.ndarray:
    """``src.read(indexes, **kwargs)``, a damaged or truncated file becoming a one-line
    :class:`IsageError` that names it (rather than an error blamed on whatever is being written)."""
    try:
        return src.read(indexes, **kwargs)
    except (RasterioError, CPLE_BaseError) as exc:
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise IsageError(
            f"{src.name}: could not be read ({reason}); the file is damaged or incomplete: "
            "copy or export it again"
        ) from exc


@dataclass(frozen=True)
class FrameInfo:
    """What the record keeps about a frame raster."""

    width: int
    height: int
    band_count: int
    dtype: str
    crs_wkt: str
    transform: tuple[float, float, float, float, float, float]
    nodata: float | None
    fingerprint: str

    @property
    def affine(self) -> Affine:
        return Affine(*self.transform)

    @property
    def crs(self) -> CRS | None:
        return CRS.from_wkt(self.crs_wkt) if self.crs_wkt else None


# Where QGIS (and GDAL's tools) draw a raster without georeference: x = column, y = -row, north up.
UNGEOREFERENCED = Affine(1.0, 0.0, 0.0, 0.0, -1.0, 0.0)


def grid_transform(src) -> Affine:
    """The raster's transform; for one without georeference (no CRS, no GCPs, GDAL's identity default,
    whose rows run up the y axis) the grid QGIS draws it on, so that outputs overlay it the right way up."""
    if src.crs is None and src.transform == Affine.identity() and not src.gcps[0]:
        return UNGEOREFERENCED
    return src.transform


def frame_info(path: str | Path) -> FrameInfo:
    """Read a frame's size, bands, CRS, transform and fingerprint without reading the whole raster."""
    with open_raster(path) as src:
        return FrameInfo(
            width=src.width,
            height=src.height,
            band_count=src.count,
            dtype=src.dtypes[0],
            crs_wkt=src.crs.to_wkt() if src.crs else "",
            transform=tuple(grid_transform(src))[:6],
            nodata=src.nodata,
            fingerprint=fingerprint(src),
        )


def fingerprint(src) -> str:
    """A cheap identity for a raster: its shape, georeference and a hash of a few small pixel windows.

    Copies of a raster (another folder, another machine) share it; it reads at most four 64x64 windows.
    """
    digest = hashlib.sha1(usedforsecurity=False)  # an identity of the data, not a secret
    header = f"{src.width}x{src.height}x{src.count}:{src.dtypes[0]}:{tuple(src.transform)[:6]}"
    digest.update(header.encode())
    side = min(FINGERPRINT_SAMPLE, src.width, src.height)
    anchors = {
        (0, 0),
        (max(src.height // 2 - side // 2, 0), max(src.width // 2 - side // 2, 0)),
        (src.height - side, src.width - side),
        (max(src.height // 3, 0), max(src.width - side - src.width // 3, 0)),
    }
    for row, col in sorted(anchors):
        block = read_pixels(src, window=Window(col, row, side, side))
        digest.update(np.ascontiguousarray(block).tobytes())
    return digest.hexdigest()[:20]


def pixel_center(transform: Affine, row: int, col: int) -> tuple[float, float]:
    """Map coordinates of the centre of pixel ``(row, col)``."""
    c, r = col + 0.5, row + 0.5
    return float(transform.a * c + transform.b * r + transform.c), float(
        transform.d * c + transform.e * r + transform.f
    )


def map_to_pixel(transform: Affine, x: float, y: float) -> tuple[int, int]:
    """The ``(row, col)`` of the pixel containing map point ``(x, y)`` (may lie outside the raster)."""
    inverse = ~transform
    col = inverse.a * x + inverse.b * y + inverse.c
    row = inverse.d * x + inverse.e * y + inverse.f
    return int(np.floor(row)), int(np.floor(col))


def reproject_points(xs, ys, src_crs: CRS | str, dst_crs: CRS | str) -> tuple[np.ndarray, np.ndarray]:
    """Transform point coordinates between CRSs (always x/easting, y/northing order)."""
    from pyproj import Transformer

    src = CRS.from_user_input(src_crs)
    dst = CRS.from_user_input(dst_crs)
    if src == dst:
        return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    transformer = Transformer.from_crs(src.to_wkt(), dst.to_wkt(), always_xy=True)
    out_x, out_y = transformer.transform(np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    return np.asarray(out_x), np.asarray(out_y)


def valid_mask(src, window: Window | None = None) -> np.ndarray:
    """Boolean mask (rows, cols) of pixels that hold data in every band: nodata and masks honoured, and
    in floating-point rasters NaN and infinite values are nodata too."""
    floating = any(np.dtype(d).kind == "f" for d in src.dtypes)
    if not floating and all(MaskFlags.all_valid in flags for flags in src.mask_flag_enums):
        height, width = (src.height, src.width) if window is None else (int(window.height), int(window.width))
        return np.ones((height, width), dtype=bool)  # no nodata, no mask: nothing to read
    valid = np.all(src.read_masks(window=window) > 0, axis=0)
    if floating:
        valid &= np.all(np.isfinite(read_pixels(src, window=window)), axis=0)
    return valid


def iter_blocks(width: int, height: int, size: int) -> Iterator[Window]:
    """Non-overlapping windows of at most ``size`` x ``size`` covering a raster, row by row."""
    for row in range(0, height, size):
        for col in range(0, width, size):
            yield Window(col, row, min(size, width - col), min(size, height - row))
