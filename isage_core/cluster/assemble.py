"""A raster's parts assembled into one output per kind: a VRT over the parts, and on request a COG.

The VRT (GDAL's virtual raster, an XML file) places each part at its offset and carries what the
one-process GeoTIFF carries: georeference, nodata, colour table, class names and tags; QGIS opens it
as one layer. The Cloud-Optimized GeoTIFF is GDAL's COG driver copying the VRT (the rasterio wheel's
GDAL has no command-line tools): tiled, compressed, with overviews. Both are written atomically.
"""

from __future__ import annotations

import logging

# ElementTree only builds the VRT here; it parses nothing (what Bandit's B405 warns of)
import xml.etree.ElementTree as ET  # nosec B405
from pathlib import Path

import rasterio
import rasterio.shutil
from rasterio._err import CPLE_BaseError
from rasterio.errors import RasterioError

from ..atomic import atomic_output, write_bytes_atomic
from ..errors import write_failed
from ..inference.predict import FramePrediction
from ..inference.rasterout import BLOCK, GDAL_TYPES, SIDECAR, add_vrt_palette, category_xml
from ..inference.styles import raster_qml
from .parts import part_path

log = logging.getLogger(__name__)


def vrt_document(job: FramePrediction, folder: Path, key: str, vrt_path: Path) -> str:
    """The VRT of output ``key`` over the parts in ``folder`` (paths relative to the VRT)."""
    blocks = job.blocks()
    with rasterio.open(part_path(folder, key, blocks[0])) as first:
        dtype, nodata = first.dtypes[0], first.nodata
        tags = first.tags()
        colormap = first.colormap(1) if key == "classes" else None
    t = job.transform
    root = ET.Element("VRTDataset", rasterXSize=str(job.width), rasterYSize=str(job.height))
    if job.crs is not None:
        ET.SubElement(root, "SRS", dataAxisToSRSAxisMapping="1,2").text = job.crs.to_wkt()
    ET.SubElement(root, "GeoTransform").text = ", ".join(
        repr(float(v)) for v in (t.c, t.a, t.b, t.f, t.d, t.e)
    )
    metadata = ET.SubElement(root, "Metadata")
    for name, value in sorted(tags.items()):
        ET.SubElement(metadata, "MDI", key=name).text = value
    band = ET.SubElement(root, "VRTRasterBand", dataType=GDAL_TYPES[dtype], band="1")
    ET.SubElement(band, "NoDataValue").text = repr(float(nodata)) if dtype != "uint8" else str(int(nodata))
    if colormap is not None:
        add_vrt_palette(band, colormap, dict(zip(job.classes.ids, job.classes.names, strict=False)))
    for block in blocks:
        source = ET.SubElement(band, "SimpleSource")
        relative = part_path(folder, key, block).relative_to(vrt_path.parent).as_posix()
        ET.SubElement(source, "SourceFilename", relativeToVRT="1").text = relative
        ET.SubElement(source, "SourceBand").text = "1"
        w, h = str(int(block.width)), str(int(block.height))
        ET.SubElement(
            source, "SourceProperties", RasterXSize=w, RasterYSize=h, DataType=GDAL_TYPES[dtype],
            BlockXSize=str(BLOCK), BlockYSize=str(BLOCK),
        )  # fmt: skip
        ET.SubElement(source, "SrcRect", xOff="0", yOff="0", xSize=w, ySize=h)
        ET.SubElement(
            source, "DstRect", xOff=str(int(block.col_off)), yOff=str(int(block.row_off)), xSize=w, ySize=h
        )
    ET.indent(root)
    return ET.tostring(root, encoding="unicode") + "\n"


def write_vrt(job: FramePrediction, folder: Path, key: str) -> Path:
    """Write ``{name}_{key}.vrt`` over the finished parts (and the QGIS style of a class raster)."""
    path = job.task.out_dir / f"{job.task.name}_{key}.vrt"
    write_bytes_atomic(path, vrt_document(job, folder, key, path).encode("utf-8"))
    if key == "classes":
        _write_style(job, path)
    return path


def write_cog(job: FramePrediction, vrt: Path, key: str) -> Path:
    """Copy an assembled VRT into one Cloud-Optimized GeoTIFF ``{name}_{key}.tif`` with overviews."""
    final = job.task.out_dir / f"{job.task.name}_{key}.tif"
    classes = key == "classes"
    options = {
        "COMPRESS": "DEFLATE",
        "PREDICTOR": "YES",
        "BLOCKSIZE": str(BLOCK),
        "OVERVIEW_RESAMPLING": "NEAREST" if classes else "AVERAGE",
        "BIGTIFF": "IF_SAFER",
    }
    with atomic_output(final, sidecars=(SIDECAR,)) as tmp:
        try:
            rasterio.shutil.copy(vrt, tmp, driver="COG", **options)
        except (RasterioError, CPLE_BaseError, OSError) as exc:
            raise write_failed(final, exc if isinstance(exc, OSError) else OSError(str(exc))) from exc
        sidecar = Path(str(tmp) + SIDECAR)
        if classes:
            sidecar.write_text(category_xml(job.classes), encoding="utf-8")
        else:
            sidecar.unlink(missing_ok=True)
    if classes:
        _write_style(job, final)
    return final


def _write_style(job: FramePrediction, path: Path) -> None:
    table = job.classes
    write_bytes_atomic(path.with_suffix(".qml"), raster_qml(table.ids, table.names, table.colors).encode())
