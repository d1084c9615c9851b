"""Shared test fixtures."""

import os
import warnings
from pathlib import Path

import numpy as np
import pytest

# As the CLI does, before torch loads: OpenMP threads spinning while idle starve other processes on
# small shared machines (a test slowed from 15 s to over 3 min beside another torch process).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# ---- click record fixtures (tests/test_record.py, tests/test_merge.py) --------------------------------
RECORD_PIXEL = 0.24  # metres, as the BSB aerial patches
_RECORD_IMAGES = ("1.png", "11.png", "101.png", "102.png")
# The real sample ships inside the package: tests never skip for want of data.
_RECORD_IMAGE_DIR = Path(__file__).resolve().parents[1] / "isage_core" / "data" / "bsb_toy" / "image_train"


def write_record_frame(path, data, crs, transform, nodata=None):
    """Write ``data`` (bands, rows, cols) as a GeoTIFF frame."""
    import rasterio

    profile = dict(
        driver="GTiff",
        width=data.shape[2],
        height=data.shape[1],
        count=data.shape[0],
        dtype=str(data.dtype),
        crs=crs,
        transform=transform,
        nodata=nodata,
    )
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
    return Path(path)


@pytest.fixture
def record_frames(tmp_path):
    """Real aerial patches as GeoTIFF frames in ``tmp_path/imagery``: ``a``, ``b`` (EPSG:31983, 0.24 m,
    side by side), ``nd`` (EPSG:31983, nodata=0 with a zeroed 32x32 top-left corner), ``wgs`` (EPSG:4326)."""
    import rasterio
    from rasterio.transform import from_origin

    folder = _RECORD_IMAGE_DIR

    def png(name):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with rasterio.open(folder / name) as src:
                return src.read()

    def utm(x0):
        return from_origin(x0, 8250000, RECORD_PIXEL, RECORD_PIXEL)

    out = tmp_path / "imagery"
    out.mkdir()
    nd = np.maximum(png("101.png"), 1)
    nd[:, :32, :32] = 0
    wgs = from_origin(-47.9, -15.78, 2.2e-6, 2.2e-6)
    return {
        "a": write_record_frame(out / "a.tif", png("1.png"), "EPSG:31983", utm(300000)),
        "b": write_record_frame(out / "b.tif", png("11.png"), "EPSG:31983", utm(300100)),
        "nd": write_record_frame(out / "nd.tif", nd, "EPSG:31983", utm(300200), nodata=0),
        "wgs": write_record_frame(out / "wgs.tif", png("102.png"), "EPSG:4326", wgs),
    }


@pytest.fixture
def record_classes():
    from isage_core.record.click_record import ClassDef

    return [
        ClassDef(0, "background", "#000000"),
        ClassDef(1, "building", "#ff0000"),
        ClassDef(2, "road", "#ffff00"),
    ]


@pytest.fixture
def click_record(tmp_path, record_frames, record_classes):
    """A new record in ``tmp_path/ws`` (CRS from its first frame) holding frames ``a`` and ``b``."""
    from isage_core.record.click_record import ClickRecord

    (tmp_path / "ws").mkdir()
    record = ClickRecord.create(tmp_path / "ws" / "record.gpkg", record_classes)
    record.add_frame(record_frames["a"])
    record.add_frame(record_frames["b"])
    return record


# ---- training fixtures (tests/test_train.py) ----------------------------------------------------------
BSB_CLASSES = (
    (0, "background", "#9e9e9e"),
    (1, "car", "#e53935"),
    (2, "road", "#616161"),
    (3, "building", "#ff9800"),
    (4, "permeable", "#43a047"),
)
_TRAIN_IMAGES = ("1", "1000", "101")


@pytest.fixture(scope="session")
def bsb_train_frames(tmp_path_factory):
    """Three real aerial patches as GeoTIFFs (EPSG:31983, 0.24 m, separate origins) with their dense
    masks: ``{name: (path, mask)}``, mask ``(rows, cols)`` uint8 with classes 0..4 (see ``BSB_CLASSES``).
    Shared by the session: do not modify the files."""
    import rasterio
    from rasterio.transform import from_origin

    folder = _RECORD_IMAGE_DIR
    masks = folder.parent / "mask_train"
    out = tmp_path_factory.mktemp("bsb_frames")
    frames = {}
    for index, name in enumerate(_TRAIN_IMAGES):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with rasterio.open(folder / f"{name}.png") as src:
                image = src.read()
            with rasterio.open(masks / f"{name}.png") as src:
                mask = src.read(1)
        transform = from_origin(190000 + 500 * index, 8250000 - 300 * index, RECORD_PIXEL, RECORD_PIXEL)
        path = write_record_frame(out / f"bsb_{name}.tif", image, "EPSG:31983", transform)
        frames[f"bsb_{name}"] = (path, mask)
    return frames


@pytest.fixture(scope="module")
def mosaic() -> np.ndarray:
    """Four real 256x256 aerial patches tiled into a (3, 512, 512) uint8 image."""
    from PIL import Image

    names = ["1.png", "1000.png", "101.png", "102.png"]
    tiles = [np.array(Image.open(_RECORD_IMAGE_DIR / n).convert("RGB")) for n in names]
    top, bottom = np.concatenate(tiles[:2], axis=1), np.concatenate(tiles[2:], axis=1)
    return np.ascontiguousarray(np.concatenate([top, bottom], axis=0).transpose(2, 0, 1))


@pytest.fixture(scope="module")
def one_torch_thread():
    """Where CPUs are oversubscribed (CI, small VMs), OpenMP threads spin and torch runs many times slower."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


# ---- imagery services (tests/imagery_server.py) ------------------------------------------------------
@pytest.fixture
def imagery_server(tmp_path, monkeypatch):
    """A running local imitation of online imagery services (XYZ, WMTS, WMS, range-request files; see
    ``tests/imagery_server.py``) on the default world raster in ``tmp_path/imagery_world``; its files folder
    is ``imagery_world/files``. Stopped after the test. For the test's length, the environment keeps GDAL
    (in this process and in subprocesses) from caching this server's answers: no /vsicurl/ cache of its
    URLs, no WMS/WMTS tile cache (which GDAL keeps in ~/.cache/gdalwmscache by default)."""
    from .imagery_server import ImageryServer, make_world_raster

    with ImageryServer(make_world_raster(tmp_path / "imagery_world" / "world.tif")) as server:
        for name in ("CPL_VSIL_CURL_NON_CACHED", "GDAL_ENABLE_WMS_CACHE"):
            monkeypatch.setenv(name, server.gdal_options[name])
        monkeypatch.setenv("GDAL_DEFAULT_WMS_CACHE_PATH", str(tmp_path / "gdalwmscache"))
        yield server


# ---- the team record on PostgreSQL/PostGIS (tests/test_postgres_record.py) ---------------------------
@pytest.fixture(scope="session")
def pg_team():
    """A throwaway PostgreSQL + PostGIS cluster (Unix socket only, passwords required) set up by admin.sql,
    with its people (``tests/postgres_testutil.py``); stopped and removed after the session. Without
    PostgreSQL and PostGIS installed the tests fail, saying to run `make install`: they never skip."""
    from isage_core.record.postgres import admin_sql_path

    from .postgres_testutil import PostgresMissing, start_team

    try:
        team = start_team(admin_sql_path())
    except PostgresMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    yield team
    team.close_connections()
    team.cluster.stop()


@pytest.fixture
def pg_schema(pg_team):
    """A new record (its schema's name) with classes 0-3 and frames f0-f3 (256 x 256, EPSG:31983); the
    connections the test opens through ``pg_team`` are closed after it."""
    yield pg_team.new_record()
    pg_team.close_connections()
