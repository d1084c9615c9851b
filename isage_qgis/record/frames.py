"""Frames of the click record and pixel maths, done the engine's way (``isage_core.geo``) inside QGIS.

A frame's ``transform`` is the six affine coefficients the record stores (``a, b, c, d, e, f``: x = a*col +
b*row + c, y = d*col + e*row + f). Pixel lookup and pixel centres use the same formulas, in the same
order, as the engine, so both sides agree to the last bit on which pixel a point falls in.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsMapLayer,
    QgsPointXY,
    QgsProviderRegistry,
    QgsRasterLayer,
)

from ..compat import ALPHA_BAND

log = logging.getLogger(__name__)

Transform = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class FrameInfo:
    """A frame as the record stores it; ``path`` is absolute (resolved against the GeoPackage's folder)."""

    name: str
    path: Path
    width: int
    height: int
    crs_wkt: str
    transform: Transform
    band_count: int = 0
    nodata: float | None = None

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    def crs(self) -> QgsCoordinateReferenceSystem:
        """The frame's CRS (invalid when the frame is not georeferenced)."""
        if not self.crs_wkt:
            return QgsCoordinateReferenceSystem()
        return QgsCoordinateReferenceSystem.fromWkt(self.crs_wkt)


def pixel_centre(transform: Transform, row: int, col: int) -> tuple[float, float]:
    """Map coordinates (frame CRS) of the centre of pixel ``(row, col)`` (``geo.pixel_center``)."""
    a, b, c, d, e, f = transform
    cc, rr = col + 0.5, row + 0.5
    return float(a * cc + b * rr + c), float(d * cc + e * rr + f)


def map_to_pixel(transform: Transform, x: float, y: float) -> tuple[int, int] | None:
    """``(row, col)`` of the pixel holding ``(x, y)`` (may be outside the frame); None if undefined."""
    sa, sb, sc, sd, se, sf = transform
    det = sa * se - sb * sd
    if det == 0 or not (math.isfinite(x) and math.isfinite(y)):
        return None
    idet = 1.0 / det  # the inverse exactly as affine.Affine.__invert__ computes it
    ra, rb, rd, re = se * idet, -sb * idet, -sd * idet, sa * idet
    rc, rf = -sc * ra - sf * rb, -sc * rd - sf * re
    col = ra * x + rb * y + rc
    row = rd * x + re * y + rf
    if not (math.isfinite(row) and math.isfinite(col)):
        return None
    return int(math.floor(row)), int(math.floor(col))


def pixel_of(frame: FrameInfo, point_in_frame_crs: QgsPointXY) -> tuple[int, int] | None:
    """``(row, col)`` of the frame pixel holding the point (given in the frame's CRS); None outside it."""
    found = map_to_pixel(frame.transform, point_in_frame_crs.x(), point_in_frame_crs.y())
    if found is None:
        return None
    row, col = found
    return (row, col) if 0 <= row < frame.height and 0 <= col < frame.width else None


def layer_path(layer: QgsMapLayer) -> Path | None:
    """The file behind a layer (its provider's ``path``), resolved; None when it is not a local file."""
    try:
        parts = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source())
    except Exception:  # noqa: BLE001 - an odd provider must not break frame matching
        parts = {}
    text = parts.get("path") or layer.source().split("|")[0]
    if not text or "://" in text or text.startswith("/vsi"):
        return None
    return Path(text).resolve()


def same_file(a: Path | None, b: Path | None) -> bool:
    """True when two resolved paths name the same file (case-insensitively where the OS is)."""
    return a is not None and b is not None and os.path.normcase(str(a)) == os.path.normcase(str(b))


def frame_for_layer(layer: QgsMapLayer, frames: Iterable[FrameInfo]) -> FrameInfo | None:
    """The record's frame shown by ``layer``: same file first, else a frame named as the layer or its file."""
    frames = list(frames)
    path = layer_path(layer)
    for frame in frames:
        if same_file(path, frame.path):
            return frame
    names = {layer.name(), path.stem if path else ""}
    return next((f for f in frames if f.name in names), None)


class FrameRasters:
    """Own, cached raster layers of frame files, read for the nodata check (display settings never apply)."""

    def __init__(self) -> None:
        self._layers: dict[str, QgsRasterLayer] = {}

    def layer(self, path: Path) -> QgsRasterLayer | None:
        key = os.path.normcase(str(path))
        lyr = self._layers.get(key)
        if lyr is None:
            lyr = QgsRasterLayer(str(path), path.stem, "gdal")
            if not lyr.isValid():
                return None
            self._layers[key] = lyr
        return lyr

    def is_nodata(self, path: Path, frame: FrameInfo, row: int, col: int) -> bool | None:
        """True when pixel ``(row, col)`` is masked in any band (``geo.valid_mask``: valid only where
        every band holds data; source nodata values and an alpha band of 0 count); None if unreadable."""
        lyr = self.layer(path)
        if lyr is None:
            return None
        provider = lyr.dataProvider()
        point = QgsPointXY(*pixel_centre(frame.transform, row, col))
        for band in range(1, provider.bandCount() + 1):
            value, ok = provider.sample(point, band)
            if not ok or value is None or math.isnan(value):
                return True  # QGIS masks source nodata itself
            if provider.sourceHasNoDataValue(band) and value == provider.sourceNoDataValue(band):
                return True  # the layer was told to ignore the source nodata; the engine does not
            if provider.colorInterpretation(band) == ALPHA_BAND and value <= 0:
                return True
        return False

    def clear(self) -> None:
        self._layers.clear()
