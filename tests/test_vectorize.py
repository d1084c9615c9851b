"""Vectorising class rasters: exact areas, polygons merged across strips, nodata, names, atomic output."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from PIL import Image
from rasterio.features import rasterize
from rasterio.transform import from_origin
from scipy import ndimage

from isage_core.benchmark.sample_data import sample_root
from isage_core.cancel import CancelToken
from isage_core.errors import Cancelled, IsageError
from isage_core.inference.rasterout import ClassTable, write_geotiff
from isage_core.inference.vectorize import vectorize

MASK = sample_root() / "mask_train" / "1.png"
TRANSFORM = from_origin(190000.0, 8250000.0, 0.5, 0.5)
CRS = "EPSG:31983"
NAMES = ["forest", "water", "road", "building", "grass"]


@pytest.fixture()
def mask() -> np.ndarray:
    return np.array(Image.open(MASK))


def class_raster(path: Path, classes: np.ndarray) -> Path:
    table = ClassTable(list(range(5)), NAMES, ["#000000"] * 5)
    return write_geotiff(path, classes, crs=CRS, transform=TRANSFORM, kind="classes", classes=table)


def components(classes: np.ndarray, value: int) -> int:
    return int(ndimage.label(classes == value)[1])  # default structure: 4-connectivity


def burn(frame: gpd.GeoDataFrame, shape) -> np.ndarray:
    pairs = [(geom, int(v)) for geom, v in zip(frame.geometry, frame.class_id, strict=True)]
    return rasterize(pairs, out_shape=shape, transform=TRANSFORM, fill=255, dtype="uint8")


def test_real_mask_polygons_match_pixels_and_merge_across_strips(tmp_path, mask):
    raster = class_raster(tmp_path / "classes.tif", mask)
    out = vectorize(raster, tmp_path / "poly.gpkg", strip_rows=7)  # 37 strips: most regions are cut
    frame = gpd.read_file(out, layer="classes")
    assert frame.crs == CRS and set(frame.columns) >= {
        "class_id",
        "class_name",
        "area_m2",
        "area_ha",
        "geometry",
    }
    assert frame.geom_type.eq("Polygon").all() and frame.is_valid.all()
    pixel_area = 0.25
    for value in range(5):
        mine = frame[frame.class_id == value]
        assert mine.area.sum() / pixel_area == pytest.approx((mask == value).sum())
        assert mine["area_m2"].sum() == pytest.approx(mine.area.sum())  # the CRS is in metres
        assert mine["area_ha"].sum() == pytest.approx(mine.area.sum() / 1e4)
        assert len(mine) == components(mask, value), value  # cut polygons were merged back
        assert set(mine.class_name) == {NAMES[value]}
    np.testing.assert_array_equal(burn(frame, mask.shape), mask)
    heights = (frame.bounds.maxy - frame.bounds.miny) / 0.5
    assert heights.max() > 100  # polygons spanning many strips exist, in one piece
    whole = gpd.read_file(vectorize(raster, tmp_path / "whole.gpkg", strip_rows=1024))
    assert sorted(whole.area.round(6)) == sorted(frame.area.round(6))
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 10300  # GeoPackage 1.3


def test_areas_are_square_metres_on_the_ellipsoid_in_a_geographic_crs(tmp_path, mask):
    from pyproj import Geod

    from isage_core.areas import pixel_areas_m2

    degrees = from_origin(-47.9, -15.78, 4.5e-6, 4.5e-6)  # about 0.48 m at Brasília's latitude
    table = ClassTable(list(range(5)), NAMES, ["#000000"] * 5)
    raster = write_geotiff(
        tmp_path / "c.tif", mask, crs="EPSG:4326", transform=degrees, kind="classes", classes=table
    )
    frame = gpd.read_file(vectorize(raster, tmp_path / "p.gpkg"))
    geod = Geod(ellps="WGS84")
    for geom, area in zip(frame.geometry[:20], frame.area_m2[:20], strict=True):
        assert area == pytest.approx(abs(geod.geometry_area_perimeter(geom)[0]), rel=1e-6)
    # the whole raster: the sum of its cells on the ellipsoid (about 0.24 m² a pixel there)
    cells = pixel_areas_m2("EPSG:4326", degrees, np.arange(mask.shape[0])).sum() * mask.shape[1]
    assert frame.area_m2.sum() == pytest.approx(cells, rel=1e-6)
    assert 0.23 < cells / mask.size < 0.25
    assert frame.area_ha.sum() == pytest.approx(frame.area_m2.sum() / 1e4)


def test_nodata_is_not_vectorised_and_names_can_be_given(tmp_path, mask):
    classes = mask.copy()
    classes[100:140, 30:200] = 255
    raster = class_raster(tmp_path / "classes.tif", classes)
    frame = gpd.read_file(vectorize(raster, tmp_path / "p.gpkg", class_names={0: "a", 4: "e"}, strip_rows=50))
    np.testing.assert_array_equal(burn(frame, mask.shape), classes)
    assert set(frame.class_name) == {"a", "1", "2", "3", "e"}


def test_sieve_removes_small_regions(tmp_path, mask):
    raster = class_raster(tmp_path / "classes.tif", mask)
    frame = gpd.read_file(vectorize(raster, tmp_path / "p.gpkg", min_area_pixels=30, strip_rows=64))
    plain = gpd.read_file(vectorize(raster, tmp_path / "q.gpkg"))
    assert (plain.area / 0.25).min() < 30 and len(frame) < len(plain)
    assert (frame.area / 0.25).min() >= 30
    assert frame.area.sum() == pytest.approx(plain.area.sum())  # regions merged into neighbours, not dropped


def test_cancel_and_bad_input_leave_the_old_output(tmp_path, mask):
    raster = class_raster(tmp_path / "classes.tif", mask)
    out = tmp_path / "p.gpkg"
    out.write_bytes(b"old")
    token = CancelToken()
    with pytest.raises(Cancelled):
        vectorize(raster, out, strip_rows=16, progress=lambda f, m: token.cancel(), cancel=token)
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "classes.qml",
        "classes.tif",
        "classes.tif.aux.xml",
        "p.gpkg",
    ]
    with pytest.raises(IsageError, match="not found"):
        vectorize(tmp_path / "missing.tif", out)
    with rasterio.open(raster) as src:
        assert src.count == 1


def test_the_polygons_carry_their_classes_style_inside_the_geopackage(tmp_path, mask):
    """Shared alone, the GeoPackage still draws each class in its colour with its name (layer_styles)."""
    import sqlite3
    from contextlib import closing

    out = vectorize(class_raster(tmp_path / "classes.tif", mask), tmp_path / "p.gpkg")
    with closing(sqlite3.connect(out)) as conn:
        ((name, table, column, qml, default),) = conn.execute(
            "SELECT styleName, f_table_name, f_geometry_column, styleQML, useAsDefault FROM layer_styles"
        ).fetchall()
        registered = conn.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone()
        layer, geometry = conn.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchone()
    assert default == 1 and table == layer and column == geometry and registered == ("attributes",)
    assert qml.count("<category ") == 5 and all(f'label="{n}"' in qml for n in NAMES)
    assert 'attr="class_id"' in qml and name == f"{layer} classes"
