"""Helpers of the click record / map tool tests (imported by conftest.py and the tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PY = os.environ.get("ISAGE_TEST_ENGINE_PYTHON") or str(
    Path(__file__).resolve().parents[2] / ".venv" / "bin" / "python"
)  # the engine's Python
if not Path(PY).is_file():
    PY = sys.executable
CLICK_CLASSES = "0:background:#9e9e9e,1:car:#e53935,2:road:#3c3c3c,3:building:#ff9800,4:permeable:#43a047"
ND_CORNER = 16  # the nodata frame's top-left ND_CORNER x ND_CORNER pixels are nodata in every band


def engine(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the engine CLI (``python -m isage_core.cli ARGS``) in a subprocess."""
    done = subprocess.run([PY, "-m", "isage_core.cli", *args], capture_output=True, text=True, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"isage {' '.join(args)} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return done


def engine_json(*args: str) -> list[dict]:
    """The JSON events of ``isage --json ARGS``."""
    done = engine("--json", *args, check=False)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def engine_clicks(workspace: Path, *extra: str) -> list[dict]:
    """The clicks as the engine lists them (another process reading the file)."""
    events = engine_json("click", "list", str(workspace), *extra)
    result = [e for e in events if e["event"] == "result"]
    assert result, events
    return result[0]["clicks"]


def rows(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Query the GeoPackage from ANOTHER process, as a colleague's program would."""
    code = (
        "import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        "print(json.dumps(c.execute(sys.argv[2], json.loads(sys.argv[3])).fetchall()))"
    )
    out = subprocess.run(
        [PY, "-c", code, str(path), sql, json.dumps(list(params))], capture_output=True, text=True, check=True
    )
    return [tuple(r) for r in json.loads(out.stdout)]


def write_nodata_frame(path: Path) -> Path:
    """A 3-band byte GeoTIFF (EPSG:31983, 0.24 m, south of the sample) with nodata=0 on a top-left block."""
    from osgeo import gdal, osr

    ds = gdal.GetDriverByName("GTiff").Create(str(path), 64, 64, 3, gdal.GDT_Byte)
    ds.SetGeoTransform([190000.0, 0.24, 0.0, 8249000.0, 0.0, -0.24])
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(31983)
    ds.SetProjection(srs.ExportToWkt())
    for b in range(1, 4):
        band = ds.GetRasterBand(b)
        band.SetNoDataValue(0)
        band.Fill(40 * b)
        band.WriteRaster(0, 0, ND_CORNER, ND_CORNER, bytes(ND_CORNER * ND_CORNER))
    ds.FlushCache()
    ds = None
    return path


def gdal_pixel(path: Path, x: float, y: float) -> tuple[int, int]:
    """(row, col) of map point (x, y) in the raster's CRS, from GDAL's geotransform (north-up rasters)."""
    import math

    from osgeo import gdal

    gt = gdal.Open(str(path)).GetGeoTransform()
    return math.floor((y - gt[3]) / gt[5]), math.floor((x - gt[0]) / gt[1])


def gdal_centre(path: Path, row: int, col: int) -> tuple[float, float]:
    """Map coordinates of the centre of pixel (row, col), from GDAL's geotransform."""
    from osgeo import gdal

    gt = gdal.Open(str(path)).GetGeoTransform()
    return gt[0] + (col + 0.5) * gt[1] + (row + 0.5) * gt[2], gt[3] + (col + 0.5) * gt[4] + (row + 0.5) * gt[
        5
    ]


def write_rgba_frame(path: Path, epsg: int = 4326, corner: int = 4) -> Path:
    """A 32x32 RGBA GeoTIFF in EPSG:4326 over Brasilia; alpha is 0 (transparent) on a top-left block."""
    from osgeo import gdal, osr

    ds = gdal.GetDriverByName("GTiff").Create(str(path), 32, 32, 4, gdal.GDT_Byte, ["ALPHA=YES"])
    ds.SetGeoTransform([-47.93, 2.2e-6, 0.0, -15.78, 0.0, -2.2e-6])
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds.SetProjection(srs.ExportToWkt())
    for b in range(1, 5):
        ds.GetRasterBand(b).Fill(255 if b == 4 else 60 * b)
    ds.GetRasterBand(4).WriteRaster(0, 0, corner, corner, bytes(corner * corner))
    ds.FlushCache()
    ds = None
    return path
