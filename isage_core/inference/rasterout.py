"""The one place that writes GeoTIFFs: tiled, compressed, georeferenced, with overviews, written atomically.

A class raster is uint8 (nodata 255) with a colour table, class names as GDAL categories (a PAM
``.aux.xml`` sidecar that GDAL and QGIS read) and ``CLASS_IDS``/``CLASS_NAMES``/``CLASS_COLORS`` JSON
tags. A heatmap is float32 in 0..1 (nodata -1), stored to the nearest 1/16384. Nothing is visible at the
final path until the file is complete; a failure or a cancel leaves no partial file and any previous output
untouched.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import warnings
import xml.etree.ElementTree as ET  # nosec B405: writes XML only, never parses any
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape  # with quote=False: &, < and >, as element text needs (what GDAL reads back)
from pathlib import Path
from typing import Literal

import numpy as np
import rasterio
from rasterio._err import CPLE_BaseError
from rasterio.enums import Resampling
from rasterio.errors import NotGeoreferencedWarning, RasterioError
from rasterio.windows import Window

from ..atomic import atomic_output, write_bytes_atomic
from ..device import cpu_count
from ..errors import Cancelled, IsageError, is_no_space, write_failed
from ..geo import read_pixels
from .styles import parse_color, raster_qml

try:  # Unix only; used to recognise a file-size limit as "disk full"
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None

log = logging.getLogger(__name__)

CLASS_NODATA = 255
HEATMAP_NODATA = -1.0
HEATMAP_STEP = 2.0**-14  # a heatmap's values are stored rounded to multiples of this (within 0.00003)
BLOCK = 512
MIN_OVERVIEW_SIDE = 256
SIDECAR = ".aux.xml"
GDAL_TYPES = {"uint8": "Byte", "float32": "Float32"}  # the outputs' data types as GDAL (a VRT) names them
Kind = Literal["classes", "heatmap"]


def add_vrt_palette(band, colormap: Mapping[int, tuple], names: Mapping[int, str]) -> None:
    """A VRT band's (an ``xml.etree`` element) colour table of 256 entries, and its class names from 0 to
    the largest id (none without ``names``), so that GDAL and QGIS read a class raster's styling."""
    ET.SubElement(band, "ColorInterp").text = "Palette"
    table = ET.SubElement(band, "ColorTable")
    for value in range(256):
        r, g, b, a = colormap.get(value, (0, 0, 0, 255))
        ET.SubElement(table, "Entry", c1=str(r), c2=str(g), c3=str(b), c4=str(a))
    if names:
        categories = ET.SubElement(band, "CategoryNames")
        for value in range(max(names) + 1):
            ET.SubElement(categories, "Category").text = str(names.get(value, ""))


@dataclass(frozen=True)
class ClassTable:
    """Class ids with their names and ``#rrggbb`` colours, in the model's channel order."""

    ids: Sequence[int]
    names: Sequence[str]
    colors: Sequence[str]

    @classmethod
    def from_meta(cls, meta) -> ClassTable:
        return cls(list(meta.class_ids), list(meta.class_names), list(meta.class_colors))


def _quiet(function, *args, **kwargs):
    """Call ``function`` without rasterio's warning about rasters that have no georeferencing (PNG frames)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        return function(*args, **kwargs)


def overview_factors(width: int, height: int) -> list[int]:
    """2, 4, 8, ... while the smaller side of the overview stays at least 256 pixels."""
    factors, factor = [], 2
    while min(width, height) // factor >= MIN_OVERVIEW_SIDE:
        factors.append(factor)
        factor *= 2
    return factors


def category_xml(classes: ClassTable) -> str:
    """A GDAL PAM document naming each class value 0..max id (empty names for unused values)."""
    names = dict(zip(classes.ids, classes.names, strict=False))
    entries = "".join(
        f"      <Category>{escape(str(names.get(value, '')), quote=False)}</Category>\n"
        for value in range(max(classes.ids) + 1)
    )
    return (
        '<PAMDataset>\n  <PAMRasterBand band="1">\n    <CategoryNames>\n'
        f"{entries}    </CategoryNames>\n  </PAMRasterBand>\n</PAMDataset>\n"
    )


def out_of_space(path: Path) -> bool:
    """Whether the folder of ``path`` is (nearly) full or the file reached the process's file-size limit."""
    try:
        if shutil.disk_usage(path.parent).free < 1 << 20:
            return True
        if resource is not None and path.exists():
            soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
            if soft != resource.RLIM_INFINITY and path.stat().st_size + (1 << 20) >= soft:
                return True
    except OSError:
        return False
    return False


class RasterOutput:
    """An open GeoTIFF being written at a temporary path; see :func:`open_geotiff`."""

    def __init__(
        self,
        tmp: Path,
        final: Path,
        kind: Kind,
        width: int,
        height: int,
        crs,
        transform,
        classes: ClassTable | None,
        tags: dict | None,
    ):
        self.tmp, self.final, self.kind = tmp, final, kind
        self.width, self.height = width, height
        self.classes = classes
        self.nodata = CLASS_NODATA if kind == "classes" else HEATMAP_NODATA
        self.dtype = "uint8" if kind == "classes" else "float32"
        profile = {
            "driver": "GTiff",
            "width": width,
            "height": height,
            "count": 1,
            "dtype": self.dtype,
            "crs": crs,
            "transform": transform,
            "nodata": self.nodata,
            "tiled": True,
            "blockxsize": BLOCK,
            "blockysize": BLOCK,
            # written beside the forward pass, so the fastest codecs that keep the files small (a 6144²
            # prediction, 2 cores): classes deflate level 1, 0.19 s against level 6's 1.61 s, 15 % larger;
            # heatmaps rounded to HEATMAP_STEP, then LERC, which stores such values exactly (its error bound
            # being half the step): 0.5 s and 67 MB against lossless deflate's 1.49 s and 124 MB. The stored
            # values depend on the pixel alone, not on the file's tiling (one process and a cluster agree)
            **(
                {"compress": "deflate", "predictor": 2, "zlevel": 1}
                if kind == "classes"
                else {"compress": "lerc", "max_z_error": HEATMAP_STEP / 2}
            ),
            "BIGTIFF": "IF_SAFER",
            # no NUM_THREADS: write errors in GDAL's compression threads (a full disk) are not raised,
            # which would leave a truncated output looking finished (tests/test_cli.py, disk full)
        }
        self._tags = dict(tags or {})
        if classes is not None:
            self._tags.update(
                CLASS_IDS=json.dumps([int(i) for i in classes.ids]),
                CLASS_NAMES=json.dumps([str(n) for n in classes.names]),
                CLASS_COLORS=json.dumps([str(c) for c in classes.colors]),
            )
        self._dst = self._guard(lambda: _quiet(rasterio.open, tmp, "w", **profile))
        if kind == "classes" and classes is not None:  # before any pixel, while libtiff accepts the palette
            colormap = {int(i): parse_color(c) for i, c in zip(classes.ids, classes.colors, strict=False)}
            colormap[CLASS_NODATA] = (0, 0, 0, 0)
            self._guard(lambda: self._dst.write_colormap(1, colormap))

    def write(self, data: np.ndarray, window: Window) -> None:
        """Write a 2-D array at ``window`` (nodata where the caller set it)."""
        array = np.asarray(data, dtype=self.dtype) if self.kind == "classes" else round_heatmap(data)
        self._guard(lambda: self._dst.write(array, 1, window=window))

    def finish(self) -> None:
        """Tags, close, overviews, category sidecar; the file stays at its temporary path."""
        if self._dst is None:
            return

        def close() -> None:
            if self._tags:
                self._dst.update_tags(**self._tags)
            dst, self._dst = self._dst, None
            dst.close()

        self._guard(close)
        factors = overview_factors(self.width, self.height)
        if factors:
            resampling = Resampling.nearest if self.kind == "classes" else Resampling.average
            self._guard(lambda: self._build_overviews(factors, resampling))
        if self.kind == "classes" and self.classes is not None and len(self.classes.ids):
            sidecar = Path(str(self.tmp) + SIDECAR)
            self._guard(lambda: sidecar.write_text(category_xml(self.classes), encoding="utf-8"))

    def abort(self) -> None:
        """Close without finishing (the caller's atomic context removes the files)."""
        if self._dst is not None:
            dst, self._dst = self._dst, None
            try:
                dst.close()
            except Exception as exc:  # already failing; the temp file is removed anyway
                log.debug("closing %s after a failure: %s", self.tmp, exc)

    def _build_overviews(self, factors: list[int], resampling: Resampling) -> None:
        # GDAL computes the overview levels in threads (1.57 s -> 0.93 s for a 6144² confidence raster on 2
        # cores); the writing, and so any write error, stays in this thread
        threads = str(max(cpu_count(), 1))
        # the levels' codec settings as the full resolution's (GDAL's defaults: deflate level 6, 7x the time
        # of level 1 for a 6144² class raster; LERC's error bound of the file it does not know)
        codec = {"ZLEVEL_OVERVIEW": "1", "MAX_Z_ERROR_OVERVIEW": str(HEATMAP_STEP / 2)}
        with rasterio.Env(GDAL_NUM_THREADS=threads, **codec), _quiet(rasterio.open, self.tmp, "r+") as dst:
            dst.build_overviews(factors, resampling)
            dst.update_tags(ns="rio_overview", resampling=resampling.name)

    def _guard(self, action):
        try:
            return action()
        except (Cancelled, IsageError):
            raise
        except (RasterioError, OSError) as exc:
            if is_no_space(exc) or out_of_space(self.tmp):
                raise write_failed(self.final, OSError(errno.ENOSPC, "No space left on device")) from exc
            raise write_failed(self.final, exc) from exc
        except CPLE_BaseError as exc:  # GDAL errors that rasterio did not wrap are not OSError
            if out_of_space(self.tmp) or is_no_space(exc):
                raise write_failed(self.final, OSError(errno.ENOSPC, "No space left on device")) from exc
            raise write_failed(self.final, exc) from exc


def round_heatmap(values: np.ndarray) -> np.ndarray:
    """Heatmap values (within ±512, nodata -1 included) rounded to the nearest multiple of
    :data:`HEATMAP_STEP`, as a new float32 array: adding 512 leaves a float32 no finer bits than that."""
    out = np.add(values, np.float32(512.0), dtype=np.float32)
    out -= np.float32(512.0)
    return out


def apply_affine(t, x: float, y: float) -> tuple[float, float]:
    """An affine transform applied to one point (spelled out: the operator changed across affine versions)."""
    return t.a * x + t.b * y + t.c, t.d * x + t.e * y + t.f


def grid_offset(transform, reference) -> tuple[int, int] | None:
    """``(row, col)`` of ``reference``'s origin on the grid of ``transform``; None if the grids differ."""
    same_scale = np.allclose(
        (transform.a, transform.b, transform.d, transform.e),
        (reference.a, reference.b, reference.d, reference.e),
        rtol=1e-9,
        atol=0,
    )
    col, row = apply_affine(~transform, reference.c, reference.f)
    if not same_scale or abs(col - round(col)) > 1e-3 or abs(row - round(row)) > 1e-3:
        return None
    return int(round(row)), int(round(col))


def class_reader(src, row_shift: int = 0, col_shift: int = 0):
    """A function reading band 1 of a class raster at windows of another raster on the same grid.

    ``row_shift``/``col_shift`` place the other raster's origin on this one (see :func:`grid_offset`).
    The function returns ``(values int64, valid bool)``; pixels outside ``src`` or nodata are not valid.
    """

    def read(window: Window) -> tuple[np.ndarray, np.ndarray]:
        h, w = int(window.height), int(window.width)
        r0, c0 = int(window.row_off) + row_shift, int(window.col_off) + col_shift
        out = np.full((h, w), CLASS_NODATA, dtype=np.int64)
        rr0, rr1, cc0, cc1 = max(r0, 0), min(r0 + h, src.height), max(c0, 0), min(c0 + w, src.width)
        if rr1 > rr0 and cc1 > cc0:
            part = read_pixels(src, 1, window=Window(cc0, rr0, cc1 - cc0, rr1 - rr0))
            out[rr0 - r0 : rr1 - r0, cc0 - c0 : cc1 - c0] = part
        valid = out != CLASS_NODATA
        if src.nodata is not None:
            valid &= out != src.nodata
        return out, valid

    return read


@contextmanager
def gdal_cache_limit(nbytes: int) -> Iterator[None]:
    """Cap GDAL's block cache (by default 5% of RAM) at ``nbytes`` (at least 64 MiB) for the block."""
    with rasterio.Env(GDAL_CACHEMAX=max(int(nbytes), 64 << 20)):
        yield


@contextmanager
def open_geotiff(
    path: str | Path,
    *,
    width: int,
    height: int,
    crs,
    transform,
    kind: Kind = "heatmap",
    classes: ClassTable | None = None,
    tags: dict | None = None,
    style: bool = True,
) -> Iterator[RasterOutput]:
    """Create a one-band GeoTIFF; write windows into the yielded :class:`RasterOutput`.

    When the block ends normally the file is finished (colour table, tags, overviews, categories) and
    renamed over ``path``; if it raises (a cancel included) no partial file remains and an existing
    ``path`` is unchanged. Write failures become one-line :class:`IsageError`; a full disk says so.
    ``style``: a class raster gets a QGIS style (``.qml``) beside it (not the parts of a mosaic).
    """
    final = Path(path)
    with atomic_output(final, sidecars=(SIDECAR,)) as tmp:
        out = RasterOutput(tmp, final, kind, width, height, crs, transform, classes, tags)
        try:
            yield out
            out.finish()
        except BaseException:
            out.abort()
            raise
    if style and kind == "classes" and classes is not None and len(classes.ids):
        write_bytes_atomic(
            final.with_suffix(".qml"), raster_qml(classes.ids, classes.names, classes.colors).encode()
        )
    stale = Path(str(final) + SIDECAR)
    if kind != "classes" and stale.exists():  # a sidecar of an older file would describe the wrong data
        try:
            os.remove(stale)
        except OSError as exc:
            log.warning("could not remove stale %s: %s", stale, exc)


def write_geotiff(
    path: str | Path,
    data: np.ndarray,
    *,
    crs,
    transform,
    kind: Kind = "heatmap",
    classes: ClassTable | None = None,
    tags: dict | None = None,
) -> Path:
    """Write a whole in-memory 2-D array as one GeoTIFF (small rasters, tests)."""
    height, width = data.shape
    with open_geotiff(
        path, width=width, height=height, crs=crs, transform=transform, kind=kind, classes=classes, tags=tags
    ) as out:
        out.write(data, Window(0, 0, width, height))
    return Path(path)
