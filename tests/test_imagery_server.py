"""The local imagery server (tests/imagery_server.py) behaves as the online services it stands for, so the
tests of frames from XYZ/WMTS/WMS services, remote COGs and STAC items can rely on it."""

import base64
import http.client
import json
import socket
import urllib.error
import urllib.request
import warnings
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import numpy as np
import pytest
import rasterio
import rasterio.shutil
from rasterio.io import MemoryFile
from rasterio.warp import transform

from .imagery_server import (
    HTML_ERROR,
    SAMPLE_DIR,
    TILE,
    WORLD_TILE_ORIGIN,
    WORLD_TILES,
    WORLD_ZOOM,
    ImageryServer,
    make_world_raster,
    tile_bounds,
    tile_resolution,
)

GETMAP = "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=ortho&STYLES=&CRS=EPSG:3857&FORMAT=image/png"


def fetch(url, headers=None, method="GET", timeout=10):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def decode(image: bytes) -> np.ndarray:
    with warnings.catch_warnings(), MemoryFile(image) as memfile:
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with memfile.open() as src:
            return src.read()


def getmap_url(server, bbox, size=(TILE, TILE), **params):
    """A GetMap URL of ``bbox`` at ``size``: WMS 1.3.0, layer ortho, PNG but for ``params`` (None: none)."""
    query = dict(item.split("=") for item in GETMAP.split("&"))
    query |= {"BBOX": ",".join(map(repr, bbox)), "WIDTH": size[0], "HEIGHT": size[1], **params}
    return server.wms_url + "?" + urlencode({k: v for k, v in query.items() if v is not None}, safe=":,")


def write_cog(server, name="x.tif"):
    """The world raster as a COG of 256-pixel tiles in the server's files folder."""
    rasterio.shutil.copy(server.world_path, server.files_dir / name, driver="COG", blocksize=TILE)
    return server.files_dir / name


# ---- the world raster ----------------------------------------------------------------------------------
def test_world_raster_lies_on_the_tile_grid_over_brasilia(tmp_path):
    path = make_world_raster(tmp_path / "world.tif")
    with rasterio.open(path) as src:
        assert (src.crs.to_epsg(), src.count, src.dtypes[0]) == (3857, 3, "uint8")
        assert (src.width, src.height) == (WORLD_TILES[0] * TILE, WORLD_TILES[1] * TILE)
        assert src.res == (tile_resolution(WORLD_ZOOM),) * 2
        xmin, _, _, ymax = tile_bounds(WORLD_ZOOM, *WORLD_TILE_ORIGIN)
        assert (src.transform.c, src.transform.f) == (xmin, ymax)
        world = src.read()
    first_patch = sorted(SAMPLE_DIR.glob("*.png"))[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.open(first_patch) as patch:
            np.testing.assert_array_equal(world[:, : patch.height, : patch.width], patch.read())
    (x,), (y,) = transform("EPSG:4326", "EPSG:3857", [-47.93], [-15.78])
    left, bottom, right, top = tile_bounds(WORLD_ZOOM, *WORLD_TILE_ORIGIN)
    assert left <= x < right and bottom < y <= top and WORLD_TILE_ORIGIN == (192340, 285421)
    half = 20037508.342789244
    assert tile_bounds(0, 0, 0) == (-half, -half, half, half)


# ---- XYZ ---------------------------------------------------------------------------------------------------
def test_xyz_tiles_are_the_world_pixels(imagery_server):
    assert len(imagery_server.tiles) == WORLD_TILES[0] * WORLD_TILES[1]
    for z, x, y in imagery_server.tiles[:: len(imagery_server.tiles) - 1]:  # the first and the last
        status, headers, body = fetch(imagery_server.tile_url(z, x, y))
        assert (status, headers["Content-Type"], int(headers["Content-Length"])) == (
            200,
            "image/png",
            len(body),
        )
        np.testing.assert_array_equal(decode(body), imagery_server.tile_pixels(z, x, y))
    z, x, y = imagery_server.tiles[5]
    status, headers, jpeg = fetch(imagery_server.tile_url(z, x, y, "jpg"))
    assert (status, headers["Content-Type"], jpeg[:2]) == (200, "image/jpeg", b"\xff\xd8")
    difference = decode(jpeg).astype(int) - imagery_server.tile_pixels(z, x, y)
    assert np.abs(difference).mean() < 10  # lossy, but the same picture
    assert fetch(imagery_server.tile_url(z, x, y, "jpg"))[2] == jpeg  # deterministic bytes


def test_xyz_answers_404_outside_the_world_and_at_other_zooms(imagery_server):
    z, x, y = imagery_server.tiles[0]
    for url in (
        imagery_server.tile_url(z, x - 1, y),
        imagery_server.tile_url(z, x, y - 1),
        imagery_server.tile_url(z - 1, x // 2, y // 2),
        imagery_server.tile_url(z + 1, 2 * x, 2 * y),
        imagery_server.tile_url(z, x, y, "gif"),
        imagery_server.url + "/nothing",
    ):
        assert fetch(url)[0] == 404, url


# ---- WMTS ------------------------------------------------------------------------------------------------
def test_wmts_capabilities_read_by_gdal_give_the_world_pixels(imagery_server):
    status, headers, body = fetch(imagery_server.wmts_url)
    assert status == 200 and "xml" in headers["Content-Type"]
    ows = "{http://www.opengis.net/ows/1.1}"
    wmts = "{http://www.opengis.net/wmts/1.0}"
    matrices = ET.fromstring(body).findall(f".//{wmts}TileMatrixSet/{wmts}TileMatrix")
    assert [m.find(ows + "Identifier").text for m in matrices] == [str(z) for z in range(WORLD_ZOOM + 1)]
    scale = float(matrices[-1].find(wmts + "ScaleDenominator").text)
    assert scale == pytest.approx(tile_resolution(WORLD_ZOOM) / 0.00028)
    with rasterio.Env(**imagery_server.gdal_options), rasterio.open("WMTS:" + imagery_server.wmts_url) as src:
        assert src.crs.to_epsg() == 3857 and src.res[0] == pytest.approx(tile_resolution(WORLD_ZOOM))
        # GDAL widens the extent by a pixel (the capabilities' rounded TopLeftCorner): round the window
        window = src.window(*imagery_server.bounds).round_offsets().round_lengths()
        np.testing.assert_array_equal(src.read([1, 2, 3], window=window), imagery_server.pixels())


def test_gdal_wms_and_tms_minidrivers_read_the_world(imagery_server):
    xmin, ymin, xmax, ymax = imagery_server.bounds
    blocks = "<BlockSizeX>256</BlockSizeX><BlockSizeY>256</BlockSizeY><BandsCount>3</BandsCount>"
    wms = f"""<GDAL_WMS><Service name="WMS"><Version>1.3.0</Version>
<ServerUrl>{imagery_server.wms_url}?</ServerUrl><Layers>ortho</Layers><CRS>EPSG:3857</CRS><ImageFormat>image/png</ImageFormat></Service>
<DataWindow><UpperLeftX>{xmin!r}</UpperLeftX><UpperLeftY>{ymax!r}</UpperLeftY><LowerRightX>{xmax!r}</LowerRightX>
<LowerRightY>{ymin!r}</LowerRightY><SizeX>1024</SizeX><SizeY>768</SizeY></DataWindow>{blocks}</GDAL_WMS>"""
    half = 20037508.342789244
    tms = f"""<GDAL_WMS><Service name="TMS">
<ServerUrl>{imagery_server.url}/xyz/${{z}}/${{x}}/${{y}}.png</ServerUrl></Service><DataWindow>
<UpperLeftX>{-half}</UpperLeftX><UpperLeftY>{half}</UpperLeftY><LowerRightX>{half}</LowerRightX>
<LowerRightY>{-half}</LowerRightY><TileLevel>{WORLD_ZOOM}</TileLevel>
<TileCountX>1</TileCountX><TileCountY>1</TileCountY>
<YOrigin>top</YOrigin></DataWindow><Projection>EPSG:3857</Projection>{blocks}</GDAL_WMS>"""
    with rasterio.Env(**imagery_server.gdal_options):
        for description in (wms, tms):
            with rasterio.open(description) as src:
                window = src.window(*imagery_server.bounds).round_offsets().round_lengths()
                np.testing.assert_array_equal(src.read(window=window), imagery_server.pixels())


# ---- WMS ---------------------------------------------------------------------------------------------------
def test_wms_getmap_of_a_tile_bbox_is_that_tile(imagery_server):
    z, x, y = imagery_server.tiles[6]
    tile = imagery_server.tile_pixels(z, x, y)
    status, headers, body = fetch(getmap_url(imagery_server, tile_bounds(z, x, y)))
    assert (status, headers["Content-Type"]) == (200, "image/png")
    np.testing.assert_array_equal(decode(body), tile)
    # version 1.1.1 with SRS, lower-case parameter names
    url = getmap_url(imagery_server, tile_bounds(z, x, y), VERSION="1.1.1", CRS=None, SRS="EPSG:3857")
    np.testing.assert_array_equal(
        decode(fetch(url.replace("BBOX=", "bbox=").replace("LAYERS", "layers"))[2]), tile
    )
    # half the map outside the world: filled with 0; half the size: the nearest pixels, every other one
    xmin, ymin, xmax, ymax = tile_bounds(z, *imagery_server.tile_origin)
    half = decode(
        fetch(getmap_url(imagery_server, (xmin - (xmax - xmin), ymin, xmax, ymax), size=(256, 128)))[2]
    )
    assert not half[:, :, :128].any()
    np.testing.assert_array_equal(half[:, :, 128:], imagery_server.pixels()[:, 1:TILE:2, 1:TILE:2])


def test_wms_capabilities_name_the_layer(imagery_server):
    status, headers, body = fetch(imagery_server.wms_url + "?service=WMS&request=GetCapabilities")
    assert status == 200 and "xml" in headers["Content-Type"]
    root = ET.fromstring(body)
    wms = "{http://www.opengis.net/wms}"
    assert root.get("version") == "1.3.0"
    assert [name.text for name in root.iter(wms + "Name")] == ["WMS", "ortho"]
    box = next(box for box in root.iter(wms + "BoundingBox"))
    assert box.get("CRS") == "EPSG:3857"
    assert [float(box.get(k)) for k in ("minx", "miny", "maxx", "maxy")] == list(imagery_server.bounds)


def test_wms_bad_requests_get_a_service_exception(imagery_server):
    for params, code in (
        ({"LAYERS": "roads"}, "LayerNotDefined"),
        ({"CRS": "EPSG:4326"}, "InvalidCRS"),
        ({"FORMAT": "image/gif"}, "InvalidFormat"),
        ({"BBOX": "1,2,3"}, "InvalidParameterValue"),
        ({"WIDTH": "0"}, "InvalidParameterValue"),
        ({"HEIGHT": None}, "MissingParameterValue"),
        ({"REQUEST": "GetFeatureInfo"}, "OperationNotSupported"),
    ):
        status, headers, body = fetch(
            getmap_url(imagery_server, tile_bounds(*imagery_server.tiles[0]), **params)
        )
        assert (status, headers["Content-Type"]) == (200, "application/vnd.ogc.se_xml"), params
        assert ET.fromstring(body)[0].get("code") == code, params


# ---- files -----------------------------------------------------------------------------------------------
def test_files_answer_range_requests(imagery_server):
    content = bytes(range(256)) * 4
    (imagery_server.files_dir / "data.bin").write_bytes(content)
    url = imagery_server.file_url("data.bin")
    for byte_range, first, last in (
        ("0-9", 0, 9),
        ("1000-", 1000, 1023),
        ("-24", 1000, 1023),
        ("1020-5000", 1020, 1023),
    ):
        status, headers, body = fetch(url, {"Range": "bytes=" + byte_range})
        assert (status, body) == (206, content[first : last + 1]), byte_range
        assert headers["Content-Range"] == f"bytes {first}-{last}/1024"
        assert headers["Accept-Ranges"] == "bytes"
    status, headers, _ = fetch(url, {"Range": "bytes=1024-"})
    assert (status, headers["Content-Range"]) == (416, "bytes */1024")
    assert fetch(url)[::2] == (200, content)
    status, headers, body = fetch(url, method="HEAD")
    assert (status, headers["Content-Length"], headers["Accept-Ranges"], body) == (200, "1024", "bytes", b"")
    assert fetch(imagery_server.file_url("missing.tif"))[0] == 404
    assert fetch(imagery_server.file_url("../world.tif"))[0] == 404  # nothing outside the folder
    (imagery_server.files_dir / "item.json").write_text(json.dumps({"type": "Feature"}))
    status, headers, body = fetch(imagery_server.file_url("item.json"))
    assert (status, headers["Content-Type"], json.loads(body)) == (
        200,
        "application/json",
        {"type": "Feature"},
    )


def test_a_cog_is_read_by_windows_over_vsicurl(imagery_server):
    write_cog(imagery_server)
    with rasterio.Env(**imagery_server.gdal_options), rasterio.open(imagery_server.file_url("x.tif")) as src:
        assert src.bounds == pytest.approx(imagery_server.bounds)
        window = ((256, 512), (512, 768))
        np.testing.assert_array_equal(src.read(window=window), imagery_server.pixels()[:, 256:512, 512:768])
    gets = [entry for entry in imagery_server.log if entry.method == "GET"]
    assert gets and all(entry.range and entry.status == 206 for entry in gets)


def test_the_fixture_keeps_gdal_from_caching_the_server(imagery_server):
    """Also: no deadlock though GDAL probes sidecar files while rasterio holds the GIL (no EMPTY_DIR here)."""
    write_cog(imagery_server)
    for _ in range(2):  # without the fixture's environment, the second read comes from GDAL's cache
        with rasterio.open(imagery_server.file_url("x.tif")) as src:
            src.read(1, window=((0, 256), (0, 256)))
    assert len([entry for entry in imagery_server.log if entry.method == "GET"]) >= 4
    for version in (0, 1):
        imagery_server.faults.imagery_version = version
        with rasterio.open("WMTS:" + imagery_server.wmts_url) as src:
            window = src.window(*imagery_server.bounds).round_offsets().round_lengths()
            np.testing.assert_array_equal(src.read([1, 2, 3], window=window), imagery_server.pixels(version))


# ---- faults ------------------------------------------------------------------------------------------------
def test_tile_status_fails_only_those_tiles(imagery_server):
    first, second, third = imagery_server.tiles[:3]
    imagery_server.faults.tile_status = {first: 404, second: 500}
    assert [fetch(imagery_server.tile_url(*tile))[0] for tile in (first, second, third)] == [404, 500, 200]
    imagery_server.faults.tile_status[third] = 503  # changes in place reach the server too
    del imagery_server.faults.tile_status[first]
    assert [fetch(imagery_server.tile_url(*tile))[0] for tile in (first, second, third)] == [200, 500, 503]


def test_status_all_answers_every_request(imagery_server):
    imagery_server.faults.status_all = 503
    for url in (
        imagery_server.tile_url(*imagery_server.tiles[0]),
        imagery_server.wmts_url,
        imagery_server.wms_url,
    ):
        assert fetch(url)[0] == 503


def test_html_error_answers_html_instead_of_images(imagery_server):
    imagery_server.faults.html_error = True
    write_cog(imagery_server)
    for url in (
        imagery_server.tile_url(*imagery_server.tiles[0]),
        imagery_server.file_url("x.tif"),
        getmap_url(imagery_server, tile_bounds(*imagery_server.tiles[0])),
    ):
        status, headers, body = fetch(url)
        assert (status, headers["Content-Type"], body) == (200, "text/html", HTML_ERROR)
    assert fetch(imagery_server.wmts_url)[2].startswith(b"<?xml")  # documents are unaffected


def test_delay_makes_clients_time_out(imagery_server):
    imagery_server.faults.delay_s = 1.0
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        urllib.request.urlopen(imagery_server.tile_url(*imagery_server.tiles[0]), timeout=0.2)
    assert fetch(imagery_server.wmts_url, timeout=0.5)[0] == 200  # documents come at once


def test_auth_requires_basic_credentials_everywhere(imagery_server):
    imagery_server.faults.auth = ("user", "secret")
    tile_url = imagery_server.tile_url(*imagery_server.tiles[0])
    for url in (tile_url, imagery_server.wmts_url, imagery_server.file_url("none.tif")):
        status, headers, _ = fetch(url)
        assert (status, headers["WWW-Authenticate"]) == (401, 'Basic realm="imagery"')
    wrong = {"Authorization": "Basic " + base64.b64encode(b"user:guess").decode()}
    assert fetch(tile_url, wrong)[0] == 401
    right = {"Authorization": "Basic " + base64.b64encode(b"user:secret").decode()}
    assert fetch(tile_url, right)[0] == 200


def test_fail_after_fails_every_image_request_after_that_many_successes(imagery_server):
    """Tiles, GetMap and file GETs count; failed answers and documents do not; reset_log counts anew."""
    (imagery_server.files_dir / "data.bin").write_bytes(b"0123456789")
    imagery_server.faults.fail_after = 3
    tile, outside = imagery_server.tile_url(*imagery_server.tiles[0]), imagery_server.tile_url(0, 0, 0)
    getmap, file = (
        getmap_url(imagery_server, tile_bounds(*imagery_server.tiles[0])),
        imagery_server.file_url("data.bin"),
    )
    statuses = [
        fetch(url, {"Range": "bytes=0-3"})[0] for url in (tile, outside, getmap, file, tile, getmap, file)
    ]
    assert statuses == [200, 404, 200, 206, 503, 503, 503]
    assert fetch(imagery_server.wmts_url)[0] == 200
    imagery_server.reset_log()
    assert fetch(tile)[0] == 200 and imagery_server.requests == [urlsplit(tile).path]


def test_fail_after_holds_under_concurrent_requests(imagery_server):
    imagery_server.faults.fail_after = 5
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda tile: fetch(imagery_server.tile_url(*tile))[0], imagery_server.tiles))
    assert sorted(statuses) == [200] * 5 + [503] * 7


def test_kill_connection_after_closes_without_an_answer(imagery_server):
    imagery_server.faults.kill_connection_after = 1
    assert fetch(imagery_server.tile_url(*imagery_server.tiles[0]))[0] == 200
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        fetch(imagery_server.tile_url(*imagery_server.tiles[1]))


def test_imagery_version_changes_tiles_and_wms_but_not_files(imagery_server):
    tile = imagery_server.tiles[4]
    getmap = getmap_url(imagery_server, tile_bounds(*tile))
    (imagery_server.files_dir / "data.bin").write_bytes(b"same")
    before = [fetch(imagery_server.tile_url(*tile))[2], fetch(getmap)[2]]
    imagery_server.faults.imagery_version = 1
    after = [decode(fetch(imagery_server.tile_url(*tile))[2]), decode(fetch(getmap)[2])]
    for image in after:
        np.testing.assert_array_equal(image, imagery_server.tile_pixels(*tile, version=1))
        assert np.abs(image.astype(int) - decode(before[0])).mean() > 20  # visibly different
    assert fetch(imagery_server.file_url("data.bin"))[2] == b"same"
    imagery_server.faults.imagery_version = 0
    assert [fetch(imagery_server.tile_url(*tile))[2], fetch(getmap)[2]] == before


# ---- the server itself ---------------------------------------------------------------------------------
def test_server_binds_the_loopback_address_only(tmp_path, imagery_server):
    assert imagery_server.url == f"http://127.0.0.1:{imagery_server.port}"
    with pytest.raises(OSError):  # another loopback address of this machine: refused
        socket.create_connection(("127.0.0.2", imagery_server.port), timeout=2).close()
    with pytest.raises(ValueError):
        ImageryServer(imagery_server.world_path, host="0.0.0.0")


def test_server_stops(tmp_path):
    with ImageryServer(make_world_raster(tmp_path / "world.tif")) as server:
        assert fetch(server.wmts_url)[0] == 200
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(server.wmts_url, timeout=2)
