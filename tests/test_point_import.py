"""A GIS user's own points as clicks (`isage click import WS LAYER --class-field F`): any point layer GDAL
reads, in any CRS, classes by id or by name, all or nothing with every refusal reported."""

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from shapely.geometry import LineString, Point

from isage_core.record.workspace import Workspace

from .cli_testutil import cli
from .conftest import RECORD_PIXEL

CLASSES = "0:background:#000000,1:building:#ff0000,2:road:#ffff00"
TO_WGS84 = Transformer.from_crs("EPSG:31983", "EPSG:4326", always_xy=True)


def centre(x0: float, row: int, col: int) -> tuple[float, float]:
    """Map centre (EPSG:31983) of a pixel of a 0.24 m frame whose top-left corner is (x0, 8250000)."""
    return x0 + (col + 0.5) * RECORD_PIXEL, 8250000 - (row + 0.5) * RECORD_PIXEL


@pytest.fixture
def workspace(tmp_path, capsys, record_frames):
    ws = tmp_path / "ws"
    assert cli(capsys, "init", ws, "--classes", CLASSES)[0] == 0
    assert (
        cli(capsys, "frames", "add", ws, record_frames["a"], record_frames["b"], record_frames["nd"])[0] == 0
    )
    return ws


def clicks_of(ws):
    return [(c.frame, c.row, c.col, c.class_id) for c in Workspace.open(ws).record.clicks()]


def test_points_of_every_format_and_crs_land_on_their_pixels(tmp_path, capsys, workspace):
    # a GeoPackage in WGS 84 with class names (any case) and an annotator field
    points = [(300000, 10, 20, "Building"), (300100, 30, 40, "road"), (300100, 50, 60, "BACKGROUND")]
    wgs = [Point(*TO_WGS84.transform(*centre(x0, r, c))) for x0, r, c, _ in points]
    layer = gpd.GeoDataFrame(
        {"landcover": [p[3] for p in points], "surveyor": ["ana", "ben", "ana"]},
        geometry=wgs,
        crs="EPSG:4326",
    )
    layer.to_file(tmp_path / "survey.gpkg", layer="survey", driver="GPKG")
    status, events = cli(capsys, "click", "import", workspace, tmp_path / "survey.gpkg", "--class-field",
                         "landcover", "--annotator-field", "surveyor")  # fmt: skip
    assert status == 0 and events[-1]["added"] == 3 and events[-1]["refused"] == []
    assert clicks_of(workspace) == [("a", 10, 20, 1), ("b", 30, 40, 2), ("b", 50, 60, 0)]
    record = Workspace.open(workspace).record
    made = record.clicks()
    assert [c.annotator for c in made] == ["ana", "ben", "ana"] and {c.iteration for c in made} == {0}
    assert made[1].note == "imported from survey.gpkg feature 2"

    # a shapefile in the frames' CRS with class ids (classes not yet clicked on these frames this round)
    shp = gpd.GeoDataFrame({"cls": [2]}, geometry=[Point(*centre(300000, 70, 80))], crs="EPSG:31983")
    shp.to_file(tmp_path / "more.shp")
    assert cli(capsys, "click", "import", workspace, tmp_path / "more.shp", "--class-field", "cls")[0] == 0
    # GeoJSON, and a CSV whose columns hold the coordinates in a CRS given on the command line
    gpd.GeoDataFrame({"cls": [0]}, geometry=[Point(*TO_WGS84.transform(*centre(300000, 90, 91)))],
                     crs="EPSG:4326").to_file(tmp_path / "one.geojson", driver="GeoJSON")  # fmt: skip
    assert cli(capsys, "click", "import", workspace, tmp_path / "one.geojson", "--class-field", "cls")[0] == 0
    x, y = centre(300100, 120, 121)
    (tmp_path / "gps.csv").write_text(f"id,easting,northing,kind\n7,{x},{y},building\n")
    status, events = cli(capsys, "click", "import", workspace, tmp_path / "gps.csv", "--class-field", "kind")
    assert status == 2 and "no CRS" in events[-1]["message"] and "--crs" in events[-1]["message"]
    argv = [
        "click",
        "import",
        workspace,
        tmp_path / "gps.csv",
        "--class-field",
        "kind",
        "--crs",
        "EPSG:31983",
    ]
    assert cli(capsys, *argv)[0] == 0
    assert clicks_of(workspace)[3:] == [("a", 70, 80, 2), ("a", 90, 91, 0), ("b", 120, 121, 1)]


def test_an_import_is_all_or_nothing_and_reports_every_refused_point(tmp_path, capsys, workspace, caplog):
    assert (
        cli(capsys, "click", "add", workspace, "--frame", "a", "--class", "1", "--row", "5", "--col", "5")[0]
        == 0
    )
    rows = [
        ("fine", Point(*centre(300000, 100, 100)), "road"),
        ("outside", Point(0, 0), "road"),
        ("nodata", Point(*centre(300200, 3, 3)), "road"),  # frame nd's zeroed corner
        ("unknown", Point(*centre(300000, 110, 110)), "tree"),
        ("duplicate", Point(*centre(300000, 5, 5)), "building"),
        ("conflict", Point(*centre(300000, 5, 5)), "road"),
        ("budget", Point(*centre(300000, 120, 120)), "building"),  # a already has a building this round
        ("line", LineString([(0, 0), (1, 1)]), "road"),
        ("second road", Point(*centre(300000, 130, 130)), "road"),  # "fine" took frame a's road budget
    ]
    layer = gpd.GeoDataFrame({"what": [r[0] for r in rows], "cls": [r[2] for r in rows]},
                             geometry=[r[1] for r in rows], crs="EPSG:31983")  # fmt: skip
    layer.to_file(tmp_path / "mixed.gpkg", driver="GPKG")
    before = clicks_of(workspace)
    status, events = cli(
        capsys, "click", "import", workspace, tmp_path / "mixed.gpkg", "--class-field", "cls"
    )
    message = events[-1]["message"]
    assert status == 2 and "8 of 9 points refused" in message and "--keep-valid" in message
    assert clicks_of(workspace) == before  # nothing written
    reasons = [r.getMessage() for r in caplog.records if "refused (" in r.getMessage()]
    kinds = [
        "outside every frame",
        "nodata",
        "unknown class",
        "duplicate",
        "conflict",
        "budget",
        "not a point",
    ]
    assert len(reasons) == 8 and all(any(k in r for r in reasons) for k in kinds)

    argv = ["click", "import", workspace, tmp_path / "mixed.gpkg", "--class-field", "cls", "--keep-valid"]
    status, events = cli(capsys, *argv)
    assert status == 0 and events[-1]["added"] == 1 and len(events[-1]["refused"]) == 8
    assert clicks_of(workspace) == [*before, ("a", 100, 100, 2)]
    assert {r["source"] for r in events[-1]["refused"]} == {f"mixed.gpkg feature {i}" for i in range(2, 10)}


def test_over_budget_lets_several_points_of_a_class_into_a_frame(tmp_path, capsys, workspace):
    layer = gpd.GeoDataFrame({"cls": [1, 1]}, geometry=[Point(*centre(300000, 10, 10)),
                             Point(*centre(300000, 20, 20))], crs="EPSG:31983")  # fmt: skip
    layer.to_file(tmp_path / "two.gpkg", driver="GPKG")
    argv = ["click", "import", workspace, tmp_path / "two.gpkg", "--class-field", "cls"]
    status, events = cli(capsys, *argv)
    assert status == 2 and "budget" in events[-1]["message"] and clicks_of(workspace) == []
    assert cli(capsys, *argv, "--over-budget")[0] == 0 and len(clicks_of(workspace)) == 2


def test_a_sparse_label_raster_imports_all_or_nothing(tmp_path, capsys, workspace, record_frames):
    """A failure on an unknown class no longer leaves the earlier pixels committed."""
    with rasterio.open(record_frames["a"]) as src:
        profile = dict(src.profile, count=1, nodata=None)
    labels = np.full((1, 256, 256), 255, dtype=np.uint8)
    labels[0, 10, 10], labels[0, 20, 20], labels[0, 30, 30] = 1, 2, 7  # 7 is no class
    with rasterio.open(tmp_path / "sparse.tif", "w", **profile) as dst:
        dst.write(labels)
    argv = ["click", "import", workspace, tmp_path / "sparse.tif", "--frame", "a"]
    status, events = cli(capsys, *argv)
    assert status == 2 and "1 of 3 labelled pixels refused" in events[-1]["message"]
    assert clicks_of(workspace) == []
    status, events = cli(capsys, *argv, "--keep-valid")
    assert status == 0 and events[-1]["added"] == 2
    assert clicks_of(workspace) == [("a", 10, 10, 1), ("a", 20, 20, 2)]
