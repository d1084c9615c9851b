"""Frames that read their pixels where they lie: a GDAL VRT in the workspace over a window (AOI) of a
local mosaic, a remote COG (``/vsicurl/``) or the chosen bands of STAC assets, resampled onto one grid."""

from __future__ import annotations

import os
import warnings
import xml.etree.ElementTree as ET  # nosec B405: writes XML only, never parses any
from dataclasses import dataclass
from pathlib import Path

import rasterio
from rasterio.crs import CRS
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError
from rasterio.transform import Affine
from rasterio.windows import Window

from ..atomic import atomic_output
from ..errors import IsageError
from .errors import explain
from .spec import ImagerySource, is_url

_VRT_TYPES = {"uint8": "Byte", "uint16": "UInt16", "int16": "Int16", "uint32": "UInt32", "int32": "Int32",
              "float32": "Float32", "float64": "Float64", "int8": "Int8"}  # fmt: skip


def gdal_name(location: str) -> str:
    """The name GDAL opens: ``/vsicurl/`` before an HTTP(S) URL, the path otherwise."""
    if location.startswith("/vsi") or not is_url(location):
        return location
    return "/vsicurl/" + location


def open_remote(location: str, source: ImagerySource):
    """Open a raster by path or URL; failures become one line naming the source."""
    if not is_url(location) and not Path(location).exists():
        raise IsageError(f"{location}: raster not found; check the path")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            return rasterio.open(gdal_name(location))
    except RasterioIOError as exc:
        raise explain(exc, source, "could not open the raster") from exc


@dataclass(frozen=True)
class BandSource:
    """One band of a VRT: band ``band`` of ``name`` (a GDAL name), the window ``src_rect`` of it."""

    name: str
    band: int
    src_rect: tuple[float, float, float, float]  # x offset, y offset, width, height in source pixels
    dtype: str
    nodata: float | None


def write_vrt(
    path: Path, width: int, height: int, crs: CRS | None, transform: Affine, bands: list[BandSource]
):
    """Write a VRT of ``bands`` on the grid ``width`` x ``height`` at ``transform`` (atomically).

    Local sources are referenced relative to the VRT when they share a folder tree, so a workspace moves
    with its imagery."""
    root = ET.Element("VRTDataset", rasterXSize=str(width), rasterYSize=str(height))
    if crs is not None:
        ET.SubElement(root, "SRS").text = crs.to_wkt()
    ET.SubElement(root, "GeoTransform").text = ", ".join(repr(v) for v in transform.to_gdal())
    for number, band in enumerate(bands, start=1):
        node = ET.SubElement(
            root, "VRTRasterBand", dataType=_VRT_TYPES.get(band.dtype, "Float32"), band=str(number)
        )
        if band.nodata is not None:
            ET.SubElement(node, "NoDataValue").text = repr(float(band.nodata))
        simple = ET.SubElement(node, "SimpleSource", resampling="nearest")
        name, relative = _reference(band.name, Path(path).parent)
        ET.SubElement(simple, "SourceFilename", relativeToVRT="1" if relative else "0").text = name
        ET.SubElement(simple, "SourceBand").text = str(band.band)
        x, y, w, h = band.src_rect
        ET.SubElement(simple, "SrcRect", xOff=repr(x), yOff=repr(y), xSize=repr(w), ySize=repr(h))
        ET.SubElement(simple, "DstRect", xOff="0", yOff="0", xSize=str(width), ySize=str(height))
    ET.indent(root)
    with atomic_output(path) as tmp:
        Path(tmp).write_text(ET.tostring(root, encoding="unicode"), encoding="utf-8")
    return Path(path)


def _reference(name: str, folder: Path) -> tuple[str, bool]:
    if name.startswith("/vsi"):
        return name, False
    target = Path(name).resolve()
    try:
        common = Path(os.path.commonpath([target, folder.resolve()]))
    except ValueError:  # another drive
        return target.as_posix(), False
    if common == Path(common.anchor):
        return target.as_posix(), False
    return Path(os.path.relpath(target, folder.resolve())).as_posix(), True


def window_bands(src, window: Window) -> list[BandSource]:
    """Every band of ``src`` over ``window``."""
    rect = (float(window.col_off), float(window.row_off), float(window.width), float(window.height))
    return [BandSource(src.name, b, rect, src.dtypes[b - 1], src.nodata) for b in range(1, src.count + 1)]
