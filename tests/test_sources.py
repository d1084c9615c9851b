"""Frames from imagery services, remote COGs, STAC items and windows of large mosaics (``isage frames add``),
against the local imitation of online services in ``tests/imagery_server.py``: never the internet."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from .cli_testutil import cli, refused
from .imagery_server import ImageryServer, make_world_raster, tile_resolution

RES = tile_resolution(19)
TINY = ["--encoder", "tu-mobilenetv3_small_100", "--weights", "none", "--decoder-channels", "64,32,16,16,8",
        "--batch-size", "2", "--patch-size", "64"]  # fmt: skip
CLASSES = "1:paved:#3c3c3c,2:vegetation:#43a047,3:roof:#ff9800"


def extent(server, col0, row0, col1, row1) -> list[float]:
    """Map extent (EPSG:3857) of world pixels ``[col0, col1) x [row0, row1)``."""
    left, top = server.bounds[0], server.bounds[3]
    return [left + col0 * RES, top - row1 * RES, left + col1 * RES, top - row0 * RES]


def xyz(server) -> str:
    return server.url + "/xyz/{z}/{x}/{y}.png"


@pytest.fixture
def ws(tmp_path, capsys):
    status, _ = cli(capsys, "init", tmp_path / "ws", "--classes", CLASSES)
    assert status == 0
    return tmp_path / "ws"


def frame_pixels(ws: Path, name: str) -> np.ndarray:
    row = (
        sqlite3.connect(ws / "clicks.gpkg")
        .execute("SELECT path FROM frames WHERE name = ?", (name,))
        .fetchone()
    )
    with rasterio.open(ws / row[0]) as src:
        return src.read()


def record_unchanged(ws: Path) -> None:
    """Nothing of a refused or failed add is left: no frame, no source row, no file in frames/."""
    conn = sqlite3.connect(ws / "clicks.gpkg")
    assert conn.execute("SELECT COUNT(*) FROM frames").fetchone() == (0,)
    assert conn.execute("SELECT COUNT(*) FROM frame_sources").fetchone() == (0,)
    assert not [p for p in (ws / "frames").glob("*")] if (ws / "frames").exists() else True


def test_an_xyz_extent_becomes_a_local_cog_with_the_services_exact_pixels(capsys, imagery_server, ws):
    server = imagery_server
    box = extent(server, 100, 50, 700, 600)
    status, events = cli(
        capsys, "frames", "add", ws, xyz(server), "--zoom", 19, "--extent", *box, "--extent-crs", "EPSG:3857",
        "--name", "ortho",
    )  # fmt: skip
    assert status == 0, events[-1]
    assert events[-1]["added"] == ["ortho"] and events[-1]["fetched"]["ortho"]["size"] == [600, 550]
    assert np.array_equal(frame_pixels(ws, "ortho"), server.pixels()[:, 50:600, 100:700])
    with rasterio.open(ws / "frames" / "ortho.tif") as src:
        assert src.crs.to_epsg() == 3857 and src.res == pytest.approx((RES, RES))
        assert src.transform.c == pytest.approx(server.bounds[0] + 100 * RES)
        assert src.driver == "GTiff" and src.profile["tiled"]  # a COG: tiled, with its layout
    source = json.loads(
        sqlite3.connect(ws / "clicks.gpkg").execute("SELECT source FROM frame_sources").fetchone()[0]
    )
    assert source["kind"] == "xyz" and source["zoom"] == 19 and source["location"] == xyz(server)
    # the same extent given in lon/lat picks the same pixels (grown outward to whole pixels)
    status, events = cli(capsys, "frames", "list", ws)
    assert events[-1]["frames"]["ortho"]["source"]["extent_crs"] == "EPSG:3857"


def test_click_train_and_predict_on_a_tile_service_frame_as_on_the_same_pixels_from_a_file(
    capsys, imagery_server, ws, tmp_path
):
    server = imagery_server
    box = extent(server, 0, 0, 512, 512)
    assert (
        cli(capsys, "frames", "add", ws, xyz(server), "--zoom", 19, "--extent", *box, "--name", "t")[0] == 0
    )
    cog = server.files_dir / "scene.tif"  # and a remote COG, read where it lies
    with rasterio.open(
        cog, "w", driver="COG", width=512, height=256, count=3, dtype="uint8", crs="EPSG:3857",
        transform=from_origin(server.bounds[0], server.bounds[3] - 512 * RES, RES, RES),
    ) as dst:  # fmt: skip
        dst.write(server.pixels()[:, 512:768, :512])
    assert cli(capsys, "frames", "add", ws, server.file_url("scene.tif"), "--name", "r")[0] == 0
    for frame in ("t", "r"):
        for cls, row, col in ((1, 40, 40), (2, 200, 90), (3, 120, 400)):  # the budget: one per class
            argv = ("click", "add", ws, "--frame", frame, "--class", cls, "--row", row, "--col", col)
            assert cli(capsys, *argv)[0] == 0
    status, events = cli(capsys, "train", ws, *TINY, "--steps", 3)
    assert status == 0, events[-1]
    status, events = cli(capsys, "predict", ws)
    assert status == 0, events[-1]
    with rasterio.open(events[-1]["outputs"]["r_classes"]) as remote:
        assert remote.shape == (256, 512) and len(np.unique(remote.read())) > 1
    local = tmp_path / "local.tif"  # the same pixels and georeference as a file of the user's
    with rasterio.open(ws / "frames" / "t.tif") as src:
        profile, data = src.profile, src.read()
    with rasterio.open(local, "w", **{**profile, "driver": "GTiff"}) as dst:
        dst.write(data)
    status, raster_events = cli(
        capsys, "predict", "--raster", local, "--model", next((ws / "models").glob("*.safetensors")),
        "--out", tmp_path / "out",
    )  # fmt: skip
    assert status == 0, raster_events[-1]
    with (
        rasterio.open(events[-1]["outputs"]["t_classes"]) as a,
        rasterio.open(raster_events[-1]["outputs"]["classes"]) as b,
    ):
        assert np.array_equal(a.read(), b.read()) and a.transform == b.transform
        assert len(np.unique(a.read())) > 1  # a real map, not one class


def test_wmts_and_wms_layers_give_the_services_pixels(capsys, imagery_server, ws):
    server = imagery_server
    box = extent(server, 256, 256, 768, 512)
    status, events = cli(
        capsys, "frames", "add", ws, server.wmts_url, "--layer", "ortho", "--zoom", 19, "--extent", *box,
        "--tile-matrix-set", "GoogleMapsCompatible", "--name", "wmts",
    )  # fmt: skip
    assert status == 0, events[-1]
    message = refused(
        capsys, "frames", "add", ws, server.wmts_url, "--layer", "ortho", "--zoom", 19, "--extent", *box,
        "--tile-matrix-set", "NoSuchSet",
    )  # fmt: skip
    assert message.startswith("wmts http://127.0.0.1") and "could not open the service" in message
    status, events = cli(
        capsys, "frames", "add", ws, server.wms_url + "?SERVICE=WMS&REQUEST=GetCapabilities", "--kind", "wms",
        "--layer", "ortho", "--resolution", RES, "--extent", *box, "--name", "wms",
    )  # fmt: skip
    assert status == 0, events[-1]
    for name in ("wmts", "wms"):
        assert np.array_equal(frame_pixels(ws, name), server.pixels()[:, 256:512, 256:768]), name
    assert any("REQUEST=GETMAP" in r.upper() for r in server.requests)


def test_a_remote_cog_stays_remote_or_is_downloaded_and_a_window_of_it_is_a_frame(capsys, imagery_server, ws):
    server = imagery_server
    data = server.pixels()[:, :512, :1024]
    cog = server.files_dir / "scene.tif"
    with rasterio.open(
        cog, "w", driver="COG", width=1024, height=512, count=3, dtype="uint8", crs="EPSG:31983",
        transform=from_origin(190000, 8250000, 0.25, 0.25),
    ) as dst:  # fmt: skip
        dst.write(data)
    url = server.file_url("scene.tif")
    status, events = cli(capsys, "frames", "add", ws, url, "--name", "remote")
    assert status == 0, events[-1]
    assert (ws / "frames" / "remote.vrt").is_file() and not (ws / "frames" / "remote.tif").exists()
    assert np.array_equal(frame_pixels(ws, "remote"), data)
    assert any("Range" in str(r) or r.range for r in server.log if r.path.startswith("/files/scene.tif"))
    box = [190000 + 100 * 0.25, 8250000 - 300 * 0.25, 190000 + 400 * 0.25, 8250000 - 20 * 0.25]
    status, events = cli(capsys, "frames", "add", ws, url, "--extent", *box, "--download", "--name", "aoi")
    assert status == 0, events[-1]
    assert not [e for e in events if e.get("level") == "warning"]
    beyond = [box[0], box[1], 190000 + 1100 * 0.25, box[3]]  # 100 px east of the scene
    status, events = cli(capsys, "frames", "add", ws, url, "--extent", *beyond, "--name", "edge")
    assert status == 0 and frame_pixels(ws, "edge").shape == (3, 280, 924)
    assert any("beyond the source's coverage" in e["message"] for e in events if e.get("level") == "warning")
    assert (ws / "frames" / "aoi.tif").is_file() and not (ws / "frames" / "aoi.vrt").exists()
    assert np.array_equal(frame_pixels(ws, "aoi"), data[:, 20:300, 100:400])


def test_a_window_of_a_large_local_mosaic_is_a_frame_that_moves_with_the_workspace(capsys, tmp_path, ws):
    big = tmp_path / "country" / "mosaic.tif"
    big.parent.mkdir()
    world = make_world_raster(tmp_path / "world" / "world.tif", tiles=(4, 2))
    with rasterio.open(world) as src:
        data, profile = src.read(), src.profile
    with rasterio.open(big, "w", **profile) as dst:
        dst.write(data)
    left, top = profile["transform"].c, profile["transform"].f
    box = [left + 10 * RES, top - 200 * RES, left + 300 * RES, top - 40 * RES]
    status, events = cli(capsys, "frames", "add", ws, big, "--extent", *box, "--name", "aoi")
    assert status == 0, events[-1]
    assert np.array_equal(frame_pixels(ws, "aoi"), data[:, 40:200, 10:300])
    assert "../../country/mosaic.tif" in (ws / "frames" / "aoi.vrt").read_text()  # relative: moves along


def test_a_stac_item_gives_the_bands_named_in_order(capsys, imagery_server, ws):
    server = imagery_server
    data = server.pixels()[:, :256, :512]
    for band, name in enumerate(("red", "green", "blue")):
        with rasterio.open(
            server.files_dir / f"B_{name}.tif", "w", driver="COG", width=512, height=256, count=1,
            dtype="uint8", crs="EPSG:31983", transform=from_origin(190000, 8250000, 0.25, 0.25),
        ) as dst:  # fmt: skip
            dst.write(data[band], 1)
    item = {
        "type": "Feature", "stac_version": "1.0.0", "id": "scene", "geometry": None, "properties": {},
        "links": [{"rel": "self", "href": server.file_url("item.json")}],
        "assets": {
            f"B_{n}": {"href": f"B_{n}.tif", "eo:bands": [{"name": f"B_{n}", "common_name": n}]}
            for n in ("red", "green", "blue")
        },
    }  # fmt: skip
    (server.files_dir / "item.json").write_text(json.dumps(item))
    status, events = cli(
        capsys,
        "frames",
        "add",
        ws,
        server.file_url("item.json"),
        "--assets",
        "blue,green,red",
        "--name",
        "stac",
    )
    assert status == 0, events[-1]
    assert np.array_equal(frame_pixels(ws, "stac"), data[::-1])
    message = refused(capsys, "frames", "add", ws, server.file_url("item.json"), "--assets", "nir")
    assert "no asset or band named 'nir'" in message and "B_red" in message


@pytest.mark.parametrize(
    "fault, expected",
    [
        ({"tile_status": "one-404"}, "HTTP 404"),
        ({"tile_status": "one-500"}, "HTTP 500"),
        ({"html_error": True}, "not an image"),
        ({"auth": ("ana", "s3cret")}, "asks for credentials"),
        ({"delay_s": 4.0}, "did not answer in time"),
    ],
)
def test_a_failing_service_gives_one_line_and_leaves_nothing(capsys, imagery_server, ws, fault, expected):
    server = imagery_server
    for key, value in fault.items():
        if value == "one-404" or value == "one-500":
            value = {server.tiles[1]: int(value[-3:])}
        setattr(server.faults, key, value)
    message = refused(
        capsys, "frames", "add", ws, xyz(server), "--zoom", 19, "--extent", *extent(server, 0, 0, 600, 300),
        "--timeout", 1,
    )  # fmt: skip
    assert expected in message and message.startswith("xyz http://127.0.0.1")
    record_unchanged(ws)
    assert not list(ws.glob("frames/.*partial*")) and not list(ws.glob("frames/*.tif"))


def test_a_missing_wmts_tile_is_an_error_not_a_black_patch(capsys, imagery_server, ws):
    server = imagery_server
    server.faults.tile_status = {server.tiles[1]: 404}
    message = refused(
        capsys, "frames", "add", ws, server.wmts_url, "--layer", "ortho", "--zoom", 19,
        "--extent", *extent(server, 0, 0, 600, 300),
    )  # fmt: skip
    assert "HTTP 404" in message and message.startswith("wmts http://127.0.0.1")
    record_unchanged(ws)


def test_no_tiles_at_the_zoom_and_an_extent_outside_the_service(capsys, imagery_server, ws):
    server = imagery_server
    box = extent(server, 0, 0, 256, 256)
    assert "no imagery here at zoom 18" in refused(
        capsys, "frames", "add", ws, xyz(server), "--zoom", 18, "--extent", *box
    )
    assert "outside the service's coverage" in refused(
        capsys, "frames", "add", ws, server.wmts_url, "--layer", "ortho", "--zoom", 19,
        "--extent", -47.0, 10.0, -46.9, 10.1, "--extent-crs", "EPSG:4326",
    )  # fmt: skip
    assert "needs --zoom" in refused(capsys, "frames", "add", ws, xyz(server), "--extent", *box)
    record_unchanged(ws)


def test_credentials_are_used_and_never_written(capsys, imagery_server, ws, monkeypatch, caplog):
    server = imagery_server
    server.faults.auth = ("ana", "s3cret")
    monkeypatch.setenv("GDAL_HTTP_USERPWD", "ana:s3cret")
    keyed = xyz(server) + "?api_key=TOPSECRETKEY"
    status, events = cli(
        capsys, "frames", "add", ws, keyed, "--zoom", 19, "--extent", *extent(server, 0, 0, 300, 300)
    )
    assert status == 0, events[-1]
    written = b"".join(p.read_bytes() for p in ws.rglob("*") if p.is_file() and "cache" not in p.parts)
    assert b"TOPSECRETKEY" not in written and b"s3cret" not in written
    assert b"api_key=REDACTED" in written
    assert "TOPSECRETKEY" not in caplog.text + json.dumps(events)
    # a URL held by an environment variable: the key never on a command line
    monkeypatch.setenv("ISAGE_TILES_URL", keyed)
    status, events = cli(
        capsys,
        "frames",
        "add",
        ws,
        "env:ISAGE_TILES_URL",
        "--zoom",
        19,
        "--extent",
        *extent(server, 300, 0, 600, 300),
    )
    assert status == 0, events[-1]
    assert "not set" in refused(capsys, "frames", "add", ws, "env:ISAGE_NO_SUCH_URL", "--zoom", 19)
    # refreshing needs the key again: the record kept none
    assert "lost its credentials" in refused(capsys, "frames", "refresh", ws)
    status, events = cli(capsys, "frames", "refresh", ws, "--url", "env:ISAGE_TILES_URL")
    assert status == 0 and {v["imagery"] for v in events[-1]["refreshed"].values()} == {"unchanged"}
    server.faults.auth = None
    message = refused(capsys, "frames", "add", ws, xyz(server) + "?api_key=TOPSECRETKEY", "--zoom", 18,
                      "--extent", *extent(server, 0, 0, 300, 300))  # fmt: skip
    assert "TOPSECRETKEY" not in message and "REDACTED" in message


def test_refresh_says_when_the_services_imagery_changed(capsys, imagery_server, ws):
    server = imagery_server
    cli(
        capsys,
        "frames",
        "add",
        ws,
        xyz(server),
        "--zoom",
        19,
        "--extent",
        *extent(server, 0, 0, 400, 300),
        "--name",
        "a",
    )
    before = frame_pixels(ws, "a")
    status, events = cli(capsys, "frames", "refresh", ws)
    assert status == 0 and events[-1]["refreshed"]["a"]["imagery"] == "unchanged"
    server.faults.imagery_version = 1
    status, events = cli(capsys, "frames", "refresh", ws, "a")
    assert status == 0 and events[-1]["refreshed"]["a"]["imagery"] == "changed"
    assert np.array_equal(frame_pixels(ws, "a"), before)  # the frame keeps its pixels
    rows = (
        sqlite3.connect(ws / "clicks.gpkg").execute("SELECT event FROM frame_sources ORDER BY fid").fetchall()
    )
    assert rows == [("added",), ("unchanged",), ("changed",)]
    with pytest.raises(sqlite3.DatabaseError, match="never changed or deleted"):
        sqlite3.connect(ws / "clicks.gpkg").execute("DELETE FROM frame_sources")


@pytest.fixture
def big_server(tmp_path):
    """A world of 8 x 6 tiles (2048 x 1536 px: four blocks of a download)."""
    with ImageryServer(make_world_raster(tmp_path / "big" / "world.tif", tiles=(8, 6))) as server:
        yield server


def test_a_download_stopped_by_a_failing_service_resumes_from_its_tiles(capsys, big_server, tmp_path, ws):
    server = big_server
    box = extent(server, 0, 0, 2048, 1536)
    server.faults.fail_after = 20
    assert "HTTP 503" in refused(capsys, "frames", "add", ws, xyz(server), "--zoom", 19, "--extent", *box)
    record_unchanged(ws)
    cached = [p for p in (ws / "cache" / "tiles").rglob("*") if p.is_file()]
    assert len(cached) >= 16  # at least the first block's tiles (GDAL keeps those of whole requests)
    server.faults.fail_after = None
    server.reset_log()
    status, events = cli(
        capsys, "frames", "add", ws, xyz(server), "--zoom", 19, "--extent", *box, "--name", "a"
    )
    assert status == 0, events[-1]
    tiles = [p for p in server.requests if p.startswith("/xyz/")]
    assert len(tiles) == 48 - len(cached)  # only the tiles missing from the cache
    assert np.array_equal(frame_pixels(ws, "a"), server.pixels())


def test_kill_during_a_download_then_the_same_command_gives_the_same_bytes(
    imagery_server, big_server, tmp_path
):
    server = big_server
    box = [str(v) for v in extent(server, 0, 0, 2048, 1536)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}

    def isage(ws, *argv, **extra):
        return subprocess.run(
            [sys.executable, "-m", "isage_core.cli", *map(str, argv)], capture_output=True, text=True,
            timeout=300, env={**env, **extra},
        )  # fmt: skip

    add = ["frames", "add", None, xyz(server), "--zoom", "19", "--extent", *box, "--name", "a"]
    for name in ("killed", "clean"):
        assert isage(None, "init", tmp_path / name, "--classes", CLASSES).returncode == 0
    killed = isage(
        None, *[tmp_path / "killed" if a is None else a for a in add], ISAGE_KILL_AT="fetch-after-block"
    )
    assert killed.returncode == -9
    assert list((tmp_path / "killed" / "frames").glob(".*partial*"))  # what the kill left
    fetched = len([p for p in server.requests if p.startswith("/xyz/")])
    assert 0 < fetched < 48
    server.reset_log()
    again = isage(None, *[tmp_path / "killed" if a is None else a for a in add])
    assert again.returncode == 0, again.stderr
    assert len([p for p in server.requests if p.startswith("/xyz/")]) == 48 - fetched
    assert not list((tmp_path / "killed").rglob(".*partial*"))
    clean = isage(None, *[tmp_path / "clean" if a is None else a for a in add])
    assert clean.returncode == 0, clean.stderr
    assert (tmp_path / "killed/frames/a.tif").read_bytes() == (tmp_path / "clean/frames/a.tif").read_bytes()


def test_cancel_leaves_nothing_and_keeps_the_tiles(imagery_server, ws):
    from isage_core.cancel import CancelToken
    from isage_core.errors import Cancelled
    from isage_core.record.workspace import Workspace
    from isage_core.sources.frames import add_frame_from_source
    from isage_core.sources.spec import ImagerySource

    server = imagery_server
    token = CancelToken()

    def progress(fraction, message):
        if "fetched" in message:
            token.cancel()

    source = ImagerySource("xyz", xyz(server), zoom=19, extent=tuple(extent(server, 0, 0, 1024, 768)))
    with pytest.raises(Cancelled):
        add_frame_from_source(Workspace.open(ws), source, "a", progress, token)
    record_unchanged(ws)
    assert list((ws / "cache" / "tiles").rglob("*")), "the fetched tiles stay for the next try"


def test_training_refuses_a_remote_frame_whose_imagery_changed(capsys, imagery_server, ws):
    server = imagery_server
    path = server.files_dir / "scene.tif"
    profile = dict(driver="COG", width=512, height=256, count=3, dtype="uint8", crs="EPSG:31983",
                   transform=from_origin(190000, 8250000, 0.25, 0.25))  # fmt: skip
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(server.pixels()[:, :256, :512])
    assert cli(capsys, "frames", "add", ws, server.file_url("scene.tif"), "--name", "s")[0] == 0
    for cls, col in ((1, 10), (2, 200), (3, 400)):
        assert (
            cli(capsys, "click", "add", ws, "--frame", "s", "--class", cls, "--row", 100, "--col", col)[0]
            == 0
        )
    with rasterio.open(path, "w", **profile) as dst:  # the provider replaced the scene
        dst.write(server.pixels(version=1)[:, :256, :512])
    message = refused(capsys, "train", ws, "--steps", 1, "--weights", "none", "--encoder", "resnet18")
    assert "no longer holds the imagery it was added with" in message
