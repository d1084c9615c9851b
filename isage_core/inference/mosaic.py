"""One VRT mosaic per output kind over the per-frame rasters of an iteration, so that QGIS shows one layer.

``outputs/iteration_NNN/mosaic/iteration_NNN_<kind>.vrt`` places each frame's raster on one grid:

- frames are grouped by CRS; a group of 2+ frames gets a mosaic (named with ``_EPSG_<code>`` when an
  iteration has several groups); a frame alone in its CRS, without a CRS, rotated or too far from the
  others stays on its own (logged);
- the grid has the finest pixel size of the group, aligned on the first frame that has it; a frame off
  that grid is resampled with nearest neighbour (classes stay classes; heatmaps keep their values);
- where frames overlap, the later frame (the order given, the record's) wins wherever it has data: its
  nodata pixels are transparent, so the earlier frame shows through; gaps between frames are nodata;
- the classes mosaic carries the colour table, class names (categories and ``CLASS_*`` tags) and a
  ``.qml`` style, as a frame's class raster does; sources are relative to the VRT (the workspace moves).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os

# ElementTree only builds the VRT here; it parses nothing (what Bandit's B405 warns of)
import xml.etree.ElementTree as ET  # nosec B405
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import get_args

import rasterio
from rasterio.crs import CRS
from rasterio.errors import RasterioError

from ..atomic import write_bytes_atomic
from ..settings import HeatmapName
from .rasterout import GDAL_TYPES, SIDECAR, add_vrt_palette
from .styles import raster_qml

log = logging.getLogger(__name__)

MOSAIC_DIR = "mosaic"
MOSAIC_KEY = "mosaic/"  # prefix of a mosaic's key in a predict result's outputs (never a frame's key)
KINDS = ("classes", *get_args(HeatmapName))
MAX_SIDE = 2**31 - 1  # GDAL's limit on a raster's width and height
KEPT_TAGS = ("CLASS_IDS", "CLASS_NAMES", "CLASS_COLORS", "ISAGE_MODEL_ITERATION")
_EPS = 1e-6  # pixels: offsets closer than this to a whole number are on the grid


@dataclass(frozen=True)
class Source:
    """One frame's raster of one kind, as the mosaic places it."""

    frame: str
    path: Path
    crs: CRS | None
    transform: object
    width: int
    height: int
    dtype: str
    nodata: float | None
    block: tuple[int, int]  # rows, cols


@dataclass(frozen=True)
class Mosaic:
    """A written mosaic: its kind, file, CRS, and the frames it shows (in drawing order)."""

    kind: str
    path: Path
    crs: str
    frames: list[str]
    tag: str = ""  # "" or the CRS tag in the name when the kind has several mosaics

    @property
    def key(self) -> str:
        return f"{MOSAIC_KEY}{self.kind}" + (f"_{self.tag}" if self.tag else "")

    def describe(self) -> dict:
        return {"kind": self.kind, "crs": self.crs, "frames": list(self.frames)}


@dataclass
class MosaicSet:
    """What :func:`write_mosaics` did: the mosaics, and per kind the frames left on their own."""

    mosaics: list[Mosaic] = field(default_factory=list)
    alone: dict[str, list[str]] = field(default_factory=dict)


def crs_tag(crs: CRS) -> str:
    """``EPSG_<code>``, or ``CRS_<hash>`` of the WKT for a CRS without an EPSG code."""
    code = crs.to_epsg()
    if code:
        return f"EPSG_{code}"
    return "CRS_" + hashlib.sha256(crs.to_wkt().encode()).hexdigest()[:8]


def crs_label(crs: CRS) -> str:
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs_tag(crs)


def read_source(frame: str, path: Path) -> Source | None:
    """The facts of ``path`` a mosaic needs; None (logged) when it cannot be read."""
    try:
        with rasterio.open(path) as src:
            return Source(
                frame,
                Path(path),
                src.crs,
                src.transform,
                src.width,
                src.height,
                src.dtypes[0],
                src.nodata,
                tuple(src.block_shapes[0]),
            )
    except (RasterioError, OSError) as exc:
        log.warning("%s: not readable (%s); frame '%s' is left out of the mosaic", path, exc, frame)
        return None


def _why_alone(source: Source) -> str:
    t = source.transform
    if source.crs is None:
        return "has no CRS"
    if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
        return "is rotated or not north-up"
    if source.dtype not in GDAL_TYPES:
        return f"has data type {source.dtype}"
    return ""


def group_by_crs(sources: Sequence[Source]) -> tuple[list[list[Source]], list[tuple[Source, str]]]:
    """Sources grouped by CRS (groups in order of first appearance), and those that cannot be placed."""
    groups: list[list[Source]] = []
    alone: list[tuple[Source, str]] = []
    for source in sources:
        why = _why_alone(source)
        if why:
            alone.append((source, why))
            continue
        for group in groups:
            if group[0].crs == source.crs:
                group.append(source)
                break
        else:
            groups.append([source])
    return groups, alone


@dataclass(frozen=True)
class Grid:
    """The mosaic's pixel grid: origin, pixel size and size."""

    left: float
    top: float
    xres: float
    yres: float
    width: int
    height: int

    def place(self, source: Source) -> tuple[float, float, float, float]:
        """``(x offset, y offset, x size, y size)`` of a source on the grid (whole numbers when on it)."""
        t = source.transform
        values = (
            (t.c - self.left) / self.xres,
            (self.top - t.f) / self.yres,
            source.width * t.a / self.xres,
            source.height * -t.e / self.yres,
        )
        return tuple(float(round(v)) if abs(v - round(v)) < _EPS else v for v in values)


def mosaic_grid(sources: Sequence[Source]) -> Grid:
    """The finest pixel size of ``sources``, aligned on the first source that has it, covering them all."""
    xres = min(s.transform.a for s in sources)
    yres = min(-s.transform.e for s in sources)
    finest = [s for s in sources if math.isclose(s.transform.a, xres) and math.isclose(-s.transform.e, yres)]
    minx = min(s.transform.c for s in sources)
    maxy = max(s.transform.f for s in sources)
    maxx = max(s.transform.c + s.width * s.transform.a for s in sources)
    miny = min(s.transform.f + s.height * s.transform.e for s in sources)
    if finest:
        anchor = finest[0].transform
        left = anchor.c - math.ceil((anchor.c - minx) / xres - _EPS) * xres
        top = anchor.f + math.ceil((maxy - anchor.f) / yres - _EPS) * yres
    else:
        left, top = minx, maxy
    width = math.ceil((maxx - left) / xres - _EPS)
    height = math.ceil((top - miny) / yres - _EPS)
    return Grid(left, top, xres, yres, max(width, 1), max(height, 1))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _pixel(value: float, dtype: str) -> str:
    return str(int(value)) if dtype == "uint8" else repr(float(value))


def vrt_document(kind: str, sources: Sequence[Source], grid: Grid, vrt_path: Path) -> str:
    """The VRT of ``sources`` (drawn in order: the later wins where it has data) on ``grid``."""
    first = sources[0]
    with rasterio.open(first.path) as src:
        tags = {k: v for k, v in src.tags().items() if k in KEPT_TAGS}
        colormap = src.colormap(1) if kind == "classes" else None
    dtype = first.dtype
    root = ET.Element("VRTDataset", rasterXSize=str(grid.width), rasterYSize=str(grid.height))
    # no dataAxisToSRSAxisMapping: GDAL then reads the CRS in the traditional x/y (east, north) order
    ET.SubElement(root, "SRS").text = first.crs.to_wkt()
    ET.SubElement(root, "GeoTransform").text = ", ".join(
        repr(float(v)) for v in (grid.left, grid.xres, 0.0, grid.top, 0.0, -grid.yres)
    )
    if tags:
        metadata = ET.SubElement(root, "Metadata")
        for name, value in sorted(tags.items()):
            ET.SubElement(metadata, "MDI", key=name).text = value
    band = ET.SubElement(root, "VRTRasterBand", dataType=GDAL_TYPES[dtype], band="1")
    if first.nodata is not None:
        ET.SubElement(band, "NoDataValue").text = _pixel(first.nodata, dtype)
    if colormap is not None:
        add_vrt_palette(band, colormap, _class_names(tags))
    for source in sources:
        element = ET.SubElement(band, "ComplexSource", resampling="nearest")
        relative = Path(os.path.relpath(source.path, vrt_path.parent)).as_posix()
        ET.SubElement(element, "SourceFilename", relativeToVRT="1").text = relative
        ET.SubElement(element, "SourceBand").text = "1"
        w, h = str(source.width), str(source.height)
        ET.SubElement(
            element, "SourceProperties", RasterXSize=w, RasterYSize=h, DataType=GDAL_TYPES[source.dtype],
            BlockXSize=str(source.block[1]), BlockYSize=str(source.block[0]),
        )  # fmt: skip
        ET.SubElement(element, "SrcRect", xOff="0", yOff="0", xSize=w, ySize=h)
        place = dict(zip(("xOff", "yOff", "xSize", "ySize"), map(_number, grid.place(source)), strict=True))
        ET.SubElement(element, "DstRect", **place)
        if source.nodata is not None:  # transparent: an earlier frame shows through the later one's holes
            ET.SubElement(element, "NODATA").text = _pixel(source.nodata, source.dtype)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"


def _class_names(tags: Mapping[str, str]) -> dict[int, str]:
    try:
        ids, names = json.loads(tags["CLASS_IDS"]), json.loads(tags["CLASS_NAMES"])
    except (KeyError, ValueError):
        return {}
    return {int(i): str(n) for i, n in zip(ids, names, strict=False)}


def _write_style(tags: Mapping[str, str], path: Path) -> None:
    try:
        ids, names = json.loads(tags["CLASS_IDS"]), json.loads(tags["CLASS_NAMES"])
        colors = json.loads(tags["CLASS_COLORS"])
    except (KeyError, ValueError):
        return
    write_bytes_atomic(path.with_suffix(".qml"), raster_qml(ids, names, colors).encode())


def mosaic_path(folder: Path, iteration: int, kind: str, tag: str = "") -> Path:
    """Where the mosaic of ``kind`` goes: ``<folder>/mosaic/iteration_NNN_<kind>[_<tag>].vrt``."""
    suffix = f"_{tag}" if tag else ""
    return folder / MOSAIC_DIR / f"iteration_{iteration:03d}_{kind}{suffix}.vrt"


def write_mosaics(
    folder: str | Path, iteration: int, frames: Sequence[tuple[str, Mapping[str, Path]]]
) -> MosaicSet:
    """Write the mosaics of the per-frame rasters ``frames`` (``(name, {kind: path})`` in drawing order)
    under ``folder/mosaic/``; earlier mosaics there that no longer apply are removed."""
    folder = Path(folder)
    result = MosaicSet()
    kinds = list(dict.fromkeys(kind for _, files in frames for kind in files))
    for kind in kinds:
        sources = [read_source(name, Path(files[kind])) for name, files in frames if kind in files]
        groups, alone = group_by_crs([s for s in sources if s is not None])
        placed = []
        for group in groups:
            grid = mosaic_grid(group)
            if len(group) < 2 or max(grid.width, grid.height) > MAX_SIDE:
                why = "is the only one in its CRS" if len(group) < 2 else "lies too far from the others in"
                alone += [(source, f"{why} {crs_label(source.crs)}") for source in group]
            else:
                placed.append((group, grid))
        for source, why in alone:
            log.info("frame '%s' %s: its %s raster is shown alone, not in a mosaic", source.frame, why, kind)
            result.alone.setdefault(kind, []).append(source.frame)
        for group, grid in placed:
            tag = crs_tag(group[0].crs) if len(placed) > 1 else ""
            path = mosaic_path(folder, iteration, kind, tag)
            path.parent.mkdir(parents=True, exist_ok=True)
            Path(str(path) + SIDECAR).unlink(missing_ok=True)  # statistics of an earlier mosaic
            write_bytes_atomic(path, vrt_document(kind, group, grid, path).encode("utf-8"))
            if kind == "classes":
                with rasterio.open(group[0].path) as src:
                    _write_style(src.tags(), path)
            mosaic = Mosaic(kind, path, crs_label(group[0].crs), [s.frame for s in group], tag)
            log.info("%s: mosaic of %d frames' %s rasters", path, len(group), kind)
            result.mosaics.append(mosaic)
    _remove_stale(folder / MOSAIC_DIR, {m.path for m in result.mosaics})
    return result


def _remove_stale(folder: Path, kept: set[Path]) -> None:
    """Remove earlier mosaics (and their styles) that this run did not write again."""
    if not folder.is_dir():
        return
    keep = {p.name for p in kept} | {p.with_suffix(".qml").name for p in kept}
    for path in folder.iterdir():
        if path.name.startswith(".") or path.name in keep or not path.is_file():
            continue
        if path.suffix in (".vrt", ".qml") or path.name.endswith(".vrt" + SIDECAR):
            try:
                path.unlink()
            except OSError as exc:
                log.warning("could not remove the stale mosaic %s: %s", path, exc)
