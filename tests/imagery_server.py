"""A local imitation of the online imagery services GIS users map from, so tests never touch the internet.

``ImageryServer`` serves one "world" raster (``make_world_raster``: real aerial patches on the XYZ tile grid
at ``WORLD_ZOOM`` in EPSG:3857) as XYZ tiles, a WMTS, a WMS 1.3.0/1.1.1, and serves a folder of files
(COGs, STAC item documents) with HTTP range requests. ``ImageryServer.faults`` injects the failures users
meet (error statuses, HTML instead of images, slowness, authentication, a service dying halfway, imagery
changing between fetches) at run time.

Image requests are XYZ tiles (WMTS tiles are the same URLs), WMS GetMap and GET/HEAD ``/files/`` of anything
but ``.json`` documents; only they get ``delay_s``, ``html_error``, ``fail_after`` and
``kill_connection_after``.

The HTTP server runs in a child process (``http.server.ThreadingHTTPServer``, HTTP/1.0, one request a
connection), driven over its stdin/stdout: rasterio makes some GDAL calls holding the GIL (a remote GeoTIFF's
transform probes sidecar files over HTTP), which would deadlock against a server in the test's interpreter.

GDAL pitfalls: ``/vsicurl/`` caches file sizes, directory listings and fetched byte ranges per process, by
URL, beyond the dataset's life, and the WMS/WMTS drivers keep a disk cache of tiles (~/.cache/gdalwmscache).
A test that changes what a URL answers (a fault, ``imagery_version``, a rewritten file) reads stale bytes
unless it reads under ``ImageryServer.gdal_options`` (the ``imagery_server`` fixture sets the caching ones in
the environment) or uses a URL never fetched before.
"""

import base64
import ipaddress
import itertools
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
import warnings
from dataclasses import asdict, dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np

try:  # the server process and the engine's tests have rasterio; QGIS's own Python (a QGIS test) may not:
    # it then asks the engine's Python (ISAGE_TEST_ENGINE_PYTHON) to write and describe world rasters
    import rasterio
    from rasterio.enums import Resampling
    from rasterio.io import MemoryFile
    from rasterio.transform import Affine
    from rasterio.warp import transform_bounds
    from rasterio.windows import from_bounds
except ImportError:
    rasterio = None

EARTH_HALF = 20037508.342789244  # half the EPSG:3857 world's width, metres
TILE = 256
WORLD_ZOOM = 19
SAMPLE_DIR = Path(__file__).resolve().parents[1] / "isage_core" / "data" / "bsb_toy" / "image_train"
HTML_ERROR = b"<html><body>Service unavailable</body></html>"
_CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".json": "application/json",
    ".xml": "text/xml",
}
_UNSATISFIABLE = (-1, -1)
_WORLD_PROFILE = dict(driver="GTiff", count=3, dtype="uint8", crs="EPSG:3857")


def tile_resolution(z: int) -> float:
    """Metres per pixel of the XYZ tile grid at zoom ``z``."""
    return 2 * EARTH_HALF / (TILE * 2**z)


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile (x, y) holding a WGS84 point (the standard slippy-map formula)."""
    n = 2**z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of XYZ tile z/x/y in EPSG:3857."""
    size = TILE * tile_resolution(z)
    xmin, ymax = -EARTH_HALF + x * size, EARTH_HALF - y * size
    return xmin, ymax - size, xmin + size, ymax


WORLD_TILE_ORIGIN = lonlat_to_tile(-47.93, -15.78, WORLD_ZOOM)  # Brasília: (192340, 285421)
WORLD_TILES = (4, 3)


def make_world_raster(path, zoom=WORLD_ZOOM, tile_origin=WORLD_TILE_ORIGIN, tiles=WORLD_TILES) -> Path:
    """Write a 3-band uint8 EPSG:3857 GeoTIFF of ``tiles`` (nx, ny) XYZ tiles at ``zoom`` whose upper-left
    tile is ``tile_origin``, its pixels those of the tile grid, filled with the bundled aerial patches
    pasted side by side, row by row, in sorted name order."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if rasterio is None:
        _engine_python("make-world", path, zoom, *tile_origin, *tiles)
        return path
    height, width = tiles[1] * TILE, tiles[0] * TILE
    world = np.zeros((3, height, width), np.uint8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        for i, patch_path in enumerate(itertools.cycle(sorted(SAMPLE_DIR.glob("*.png")))):
            with rasterio.open(patch_path) as src:
                patch = src.read([1, 2, 3])
            size = patch.shape[1]  # square patches, all of a size
            columns = -(-width // size)  # patches a row, the last one cut
            row, col = i // columns * size, i % columns * size
            if row >= height:
                break
            block = world[:, row : row + size, col : col + size]
            block[:] = patch[:, : block.shape[1], : block.shape[2]]
    xmin, _, _, ymax = tile_bounds(zoom, *tile_origin)
    res = tile_resolution(zoom)
    transform = Affine(res, 0, xmin, 0, -res, ymax)
    with rasterio.open(path, "w", **_WORLD_PROFILE, width=width, height=height, transform=transform) as dst:
        dst.write(world)
    return path


def engine_python() -> str:
    """The Python with rasterio: the engine's (``ISAGE_TEST_ENGINE_PYTHON``, set in QGIS tests), else this."""
    return os.environ.get("ISAGE_TEST_ENGINE_PYTHON") or sys.executable


def _engine_python(*argv) -> str:
    """Run this module's ``argv`` command in the engine's Python; its stdout."""
    done = subprocess.run(
        [engine_python(), "-m", "tests.imagery_server", *map(str, argv)],
        cwd=Path(__file__).resolve().parents[1], capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"imagery server helper {argv[0]} failed: {done.stderr[-2000:]}")
    return done.stdout


def _describe_world(path) -> dict:
    """Write the world's pixels beside it (``.npy``) and return its grid, for a process without rasterio."""
    with rasterio.open(path) as src:
        np.save(Path(path).with_suffix(".npy"), src.read())
        return {"transform": list(src.transform)[:6], "width": src.width, "height": src.height,
                "count": src.count, "dtype": src.dtypes[0], "crs": src.crs.to_string()}  # fmt: skip


def encode_image(data: np.ndarray, fmt: str = "png") -> bytes:
    """PNG or JPEG bytes of ``data`` (bands, rows, cols), encoded by GDAL in memory (deterministic)."""
    driver = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}[fmt]
    count, height, width = data.shape
    # a stand-in transform: without one rasterio warns (and warnings.catch_warnings is not thread-safe)
    profile = dict(driver=driver, width=width, height=height, count=count, dtype="uint8")
    with rasterio.Env(GDAL_PAM_ENABLED="NO"), MemoryFile() as memfile:  # no .aux.xml beside
        with memfile.open(**profile, transform=Affine(1, 0, 0, 0, -1, height)) as dst:
            dst.write(data)
        return memfile.read()


class World:
    """A world raster (``make_world_raster``) as served: its tile grid and its pixels."""

    def __init__(self, path):
        self.path = Path(path)
        if rasterio is not None:
            with rasterio.open(self.path) as src:
                self.profile, self.bounds, self._pixels = src.profile, tuple(src.bounds), src.read()
        else:
            self.profile = json.loads(_engine_python("describe-world", self.path))
            self._pixels = np.load(self.path.with_suffix(".npy"))
            a, _, c, _, e, f = self.profile["transform"]
            self.bounds = (c, f + e * self.profile["height"], c + a * self.profile["width"], f)
        res = self.profile["transform"][0]
        self.zoom = round(math.log2(2 * EARTH_HALF / (TILE * res)))
        tile_size = TILE * res
        x0, y0 = (
            round((self.bounds[0] + EARTH_HALF) / tile_size),
            round((EARTH_HALF - self.bounds[3]) / tile_size),
        )
        nx, ny = self.profile["width"] // TILE, self.profile["height"] // TILE
        lower_right = tile_bounds(self.zoom, x0 + nx - 1, y0 + ny - 1)[1:3]
        on_grid = np.allclose(lower_right, self.bounds[1:3], atol=res / 1e3)
        if not on_grid or self._pixels.shape != (3, ny * TILE, nx * TILE):
            raise ValueError(f"{path} is no 3-band raster on the XYZ tile grid (see make_world_raster)")
        self.tile_origin = (x0, y0)
        self.tiles = [(self.zoom, x, y) for y in range(y0, y0 + ny) for x in range(x0, x0 + nx)]

    def pixels(self, version: int = 0) -> np.ndarray:
        """The pixels (bands, rows, cols) as served for ``imagery_version``."""
        return self._pixels ^ np.uint8(version_mask(version))

    def tile_pixels(self, z: int, x: int, y: int, version: int = 0) -> np.ndarray:
        """The pixels of tile z/x/y (one of ``tiles``) as served for ``imagery_version``."""
        col, row = (x - self.tile_origin[0]) * TILE, (y - self.tile_origin[1]) * TILE
        return self.pixels(version)[:, row : row + TILE, col : col + TILE]


class _TileStatus(dict):
    """``Faults.tile_status``: a dict that tells its Faults of changes made in place."""

    def __init__(self, items, owner):
        super().__init__(items)
        self._owner = owner


def _notifying(method):
    def changed(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        self._owner._changed()
        return result

    return changed


for _name in ("__setitem__", "__delitem__", "__ior__", "clear", "pop", "popitem", "setdefault", "update"):
    setattr(_TileStatus, _name, _notifying(getattr(dict, _name)))


@dataclass
class Faults:
    """Failures to inject, set from the test at any time (each change reaches the server before the
    assignment returns).

    ``status_all`` answers that status to every request, capabilities included (the service is down);
    it comes first, then ``auth`` (401 for every endpoint without these Basic credentials). For image
    requests: ``delay_s`` sleeps first; ``kill_connection_after``/``fail_after`` close the connection
    without an answer / answer 503 once that many image answers succeeded (200/206 GETs with imagery,
    counted since start or ``reset_log()``); ``tile_status`` answers its status for its (z, x, y) tiles;
    ``html_error`` answers 200 text/html ``HTML_ERROR``. A non-zero ``imagery_version`` XORs the tile and
    WMS pixels with a non-zero byte derived from it (``version_mask``), not the files."""

    tile_status: dict[tuple[int, int, int], int] = field(default_factory=dict)
    status_all: int | None = None
    html_error: bool = False
    delay_s: float = 0.0
    auth: tuple[str, str] | None = None
    fail_after: int | None = None
    kill_connection_after: int | None = None
    imagery_version: int = 0

    def __setattr__(self, name, value):
        if name == "tile_status":
            value = _TileStatus(value, self)
        super().__setattr__(name, value)
        self._changed()

    def _changed(self):
        listener = self.__dict__.get("_listener")
        if listener:
            listener(self)

    def to_json(self) -> dict:
        data = {item.name: getattr(self, item.name) for item in fields(self)}
        data["tile_status"] = [[*map(int, tile), int(status)] for tile, status in self.tile_status.items()]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Faults":
        data = {**data, "tile_status": {tuple(item[:3]): item[3] for item in data["tile_status"]}}
        return cls(**{**data, "auth": tuple(data["auth"]) if data["auth"] else None})


@dataclass
class LoggedRequest:
    """One request the server received."""

    method: str
    path: str  # with the query
    range: str | None  # the Range header
    status: int | None = None  # None: no answer (yet, or the connection was killed)


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/plain"
    headers: dict[str, str] = field(default_factory=dict)
    image: bool = False  # a successful answer with imagery: counts for fail_after


def version_mask(version: int) -> int:
    """The byte served pixels are XORed with for ``imagery_version`` (0 only for version 0)."""
    return 0 if version == 0 else (version * 0x45) % 255 + 1


def _parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single ``bytes=`` range, None (send the whole file: no range, or a
    multi-range or malformed one, which HTTP allows ignoring) or ``_UNSATISFIABLE``."""
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", (header or "").strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # the last n bytes
        n = int(last)
        return (max(size - n, 0), size - 1) if n and size else _UNSATISFIABLE
    first, last = int(first), int(last) if last else size - 1
    if first >= size:
        return _UNSATISFIABLE
    return (first, min(last, size - 1)) if last >= first else None


def _service_exception(code: str, message: str) -> _Reply:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ServiceExceptionReport version="1.3.0" '
        f'xmlns="http://www.opengis.net/ogc"><ServiceException code="{code}">{message}'
        "</ServiceException></ServiceExceptionReport>"
    )
    return _Reply(200, body.encode(), "application/vnd.ogc.se_xml")


class _Handler(BaseHTTPRequestHandler):
    """One connection, one request (HTTP/1.0): no keep-alive connection outlives the server."""

    server: "_Server"

    def log_message(self, format, *args):  # noqa: A002 - silence the per-request stderr lines
        pass

    def do_GET(self):
        self._serve(head=False)

    def do_HEAD(self):
        self._serve(head=True)

    def _serve(self, head: bool):
        entry = self.server.service.log_request(self.command, self.path, self.headers.get("Range"))
        reply = self.server.service.answer(self.path, self.headers, head)
        if reply is None:  # kill_connection_after: close without a word
            self.close_connection = True
            return
        entry.status = reply.status
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.status != 204 and "Content-Length" not in reply.headers:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if not head and reply.body:
            self.wfile.write(reply.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    service: "_Service"

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client gone mid-answer is no error
            super().handle_error(request, client_address)


class _Service:
    """The answers, in the server process: the world, the files, the faults and the request log."""

    def __init__(self, world: World, files_dir: Path, url: str):
        self.world, self.files_dir, self.url = world, files_dir, url
        self.faults = Faults()
        self.log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._image_answers = 0
        self._memfiles: dict[int, MemoryFile] = {}

    def control(self, command: dict) -> dict:
        """Obey one command of the test's process: set the faults, give or reset the log."""
        if command["op"] == "faults":
            self.faults = Faults.from_json(command["faults"])
        elif command["op"] == "log":
            with self._lock:
                return {"log": [asdict(entry) for entry in self.log]}
        elif command["op"] == "reset":
            with self._lock:
                self.log.clear()
                self._image_answers = 0
        return {}

    def log_request(self, method: str, path: str, range_header: str | None) -> LoggedRequest:
        entry = LoggedRequest(method, path, range_header)
        with self._lock:
            self.log.append(entry)
        return entry

    def answer(self, raw_path: str, headers, head: bool) -> _Reply | None:
        faults = self.faults  # one state for the whole answer
        url = urlsplit(raw_path)
        params = {k.lower(): v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if faults.status_all is not None:
            return _Reply(faults.status_all, b"status_all fault")
        credentials = (
            "Basic " + base64.b64encode(":".join(faults.auth).encode()).decode() if faults.auth else None
        )
        if credentials and headers.get("Authorization") != credentials:
            return _Reply(401, b"Unauthorized", headers={"WWW-Authenticate": 'Basic realm="imagery"'})
        image = (
            url.path.startswith("/xyz/")
            or (url.path.startswith("/files/") and not url.path.endswith(".json"))
            or (url.path == "/wms" and params.get("request", "").lower() == "getmap")
        )
        if not image:
            return self._route(url.path, params, headers, head, faults)
        time.sleep(faults.delay_s)
        with self._lock:  # reserve an answer, so concurrent requests cannot overshoot fail_after
            limits = (faults.kill_connection_after, faults.fail_after)
            if limits[0] is not None and self._image_answers >= limits[0]:
                return None
            if limits[1] is not None and self._image_answers >= limits[1]:
                return _Reply(503, b"fail_after fault: Service Unavailable")
            self._image_answers += 1
        tile = re.fullmatch(r"/xyz/(\d+)/(\d+)/(\d+)\.\w+", url.path)
        if tile and tuple(map(int, tile.groups())) in faults.tile_status:
            reply = _Reply(faults.tile_status[tuple(map(int, tile.groups()))], b"tile_status fault")
        elif faults.html_error:
            reply = _Reply(200, HTML_ERROR, "text/html")
        else:
            reply = self._route(url.path, params, headers, head, faults)
        if not reply.image or head:
            with self._lock:
                self._image_answers -= 1
        return reply

    def _route(self, path: str, params: dict[str, str], headers, head: bool, faults: Faults) -> _Reply:
        tile = re.fullmatch(r"/xyz/(\d+)/(\d+)/(\d+)\.(png|jpg|jpeg)", path)
        if tile:
            return self._tile(*map(int, tile.groups()[:3]), tile.group(4), faults)
        if path == "/wmts/WMTSCapabilities.xml":
            return _Reply(200, self._wmts_capabilities().encode(), "application/xml")
        if path == "/wms":
            return self._wms(params, faults)
        if path.startswith("/files/"):
            return self._file(path[len("/files/") :], headers.get("Range"), head)
        return _Reply(404, b"Not Found")

    def _tile(self, z: int, x: int, y: int, fmt: str, faults: Faults) -> _Reply:
        if (z, x, y) not in self.world.tiles:
            return _Reply(404, b"Tile not found")
        data = self.world.tile_pixels(z, x, y, faults.imagery_version)
        return _Reply(200, encode_image(data, fmt), "image/png" if fmt == "png" else "image/jpeg", image=True)

    def _dataset(self, version: int):
        """The world as served for ``version``, opened from memory (one file per version, made once)."""
        with self._lock:
            if version not in self._memfiles:
                memfile = MemoryFile()
                with memfile.open(**self.world.profile) as dst:
                    dst.write(self.world.pixels(version))
                self._memfiles[version] = memfile
            return self._memfiles[version].open()

    def _wms(self, params: dict[str, str], faults: Faults) -> _Reply:
        request = params.get("request", "").lower()
        if params.get("service", "WMS").upper() != "WMS" or request not in ("getcapabilities", "getmap"):
            return _service_exception("OperationNotSupported", "SERVICE=WMS, REQUEST=GetCapabilities|GetMap")
        if request == "getcapabilities":
            return _Reply(200, self._wms_capabilities().encode(), "text/xml")
        crs = params.get("crs") or params.get("srs")
        missing = [key for key in ("layers", "bbox", "width", "height", "format") if not params.get(key)]
        if missing or not crs:
            return _service_exception("MissingParameterValue", f"missing: {', '.join(missing) or 'CRS'}")
        if params["layers"] != "ortho":
            return _service_exception("LayerNotDefined", f"no layer {params['layers']}")
        if crs.upper() != "EPSG:3857":
            return _service_exception("InvalidCRS", f"no CRS {crs}")
        fmt = params["format"].lower()
        if fmt not in ("image/png", "image/jpeg"):
            return _service_exception("InvalidFormat", f"no format {fmt}")
        try:
            bbox = [float(v) for v in params["bbox"].split(",")]
            width, height = int(params["width"]), int(params["height"])
        except ValueError:
            bbox, width, height = [], 0, 0
        sizes_ok = 0 < width <= 4096 and 0 < height <= 4096
        if len(bbox) != 4 or bbox[0] >= bbox[2] or bbox[1] >= bbox[3] or not sizes_ok:
            return _service_exception("InvalidParameterValue", "bad BBOX, WIDTH or HEIGHT")
        with self._dataset(faults.imagery_version) as src:
            window = from_bounds(*bbox, transform=src.transform)
            shape, nearest = (src.count, height, width), Resampling.nearest
            data = src.read(window=window, out_shape=shape, boundless=True, fill_value=0, resampling=nearest)
        return _Reply(200, encode_image(data, fmt.split("/")[1]), fmt, image=True)

    def _file(self, name: str, range_header: str | None, head: bool) -> _Reply:
        root = self.files_dir.resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return _Reply(404, b"File not found")
        size = path.stat().st_size
        headers = {"Accept-Ranges": "bytes"}
        content_type = _CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        span = _parse_range(range_header, size)
        if span == _UNSATISFIABLE:
            return _Reply(416, headers={**headers, "Content-Range": f"bytes */{size}"})
        first, last = span or (0, size - 1)
        headers["Content-Length"] = str(last - first + 1)
        if span:
            headers["Content-Range"] = f"bytes {first}-{last}/{size}"
        body = b""
        if not head:
            with open(path, "rb") as file:
                file.seek(first)
                body = file.read(last - first + 1)
        return _Reply(206 if span else 200, body, content_type, headers, image=path.suffix.lower() != ".json")

    # ---- capabilities ---------------------------------------------------------------------------------
    def _lonlat_bounds(self) -> tuple[float, float, float, float]:
        return transform_bounds("EPSG:3857", "EPSG:4326", *self.world.bounds)

    def _wmts_capabilities(self) -> str:
        (x0, y0), zoom = self.world.tile_origin, self.world.zoom
        nx, ny = self.world.profile["width"] // TILE, self.world.profile["height"] // TILE
        matrices, limits = [], []
        for z in range(zoom + 1):
            matrices.append(
                f"<TileMatrix><ows:Identifier>{z}</ows:Identifier><ScaleDenominator>"
                f"{tile_resolution(z) / 0.00028!r}</ScaleDenominator><TopLeftCorner>"
                f"-20037508.3427892 20037508.3427892</TopLeftCorner><TileWidth>{TILE}</TileWidth>"
                f"<TileHeight>{TILE}</TileHeight><MatrixWidth>{2**z}</MatrixWidth>"
                f"<MatrixHeight>{2**z}</MatrixHeight></TileMatrix>"
            )
            shift = zoom - z
            limits.append(
                f"<TileMatrixLimits><TileMatrix>{z}</TileMatrix><MinTileRow>{y0 >> shift}</MinTileRow>"
                f"<MaxTileRow>{(y0 + ny - 1) >> shift}</MaxTileRow><MinTileCol>{x0 >> shift}"
                f"</MinTileCol><MaxTileCol>{(x0 + nx - 1) >> shift}</MaxTileCol></TileMatrixLimits>"
            )
        west, south, east, north = self._lonlat_bounds()
        xmin, ymin, xmax, ymax = self.world.bounds
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<Capabilities xmlns="http://www.opengis.net/wmts/1.0" xmlns:ows="http://www.opengis.net/ows/1.1"
 xmlns:xlink="http://www.w3.org/1999/xlink" version="1.0.0">
<ows:ServiceIdentification><ows:Title>iSAGE test imagery</ows:Title><ows:ServiceType>OGC WMTS</ows:ServiceType>
<ows:ServiceTypeVersion>1.0.0</ows:ServiceTypeVersion></ows:ServiceIdentification>
<Contents><Layer><ows:Title>Orthophoto</ows:Title>
<ows:WGS84BoundingBox><ows:LowerCorner>{west!r} {south!r}</ows:LowerCorner><ows:UpperCorner>{east!r} {north!r}</ows:UpperCorner></ows:WGS84BoundingBox>
<ows:BoundingBox crs="urn:ogc:def:crs:EPSG::3857"><ows:LowerCorner>{xmin!r} {ymin!r}</ows:LowerCorner><ows:UpperCorner>{xmax!r} {ymax!r}</ows:UpperCorner></ows:BoundingBox>
<ows:Identifier>ortho</ows:Identifier><Style isDefault="true"><ows:Identifier>default</ows:Identifier></Style>
<Format>image/png</Format>
<TileMatrixSetLink><TileMatrixSet>GoogleMapsCompatible</TileMatrixSet><TileMatrixSetLimits>{"".join(limits)}</TileMatrixSetLimits></TileMatrixSetLink>
<ResourceURL format="image/png" resourceType="tile" template="{self.url}/xyz/{{TileMatrix}}/{{TileCol}}/{{TileRow}}.png"/>
</Layer>
<TileMatrixSet><ows:Identifier>GoogleMapsCompatible</ows:Identifier>
<ows:SupportedCRS>urn:ogc:def:crs:EPSG::3857</ows:SupportedCRS>{"".join(matrices)}</TileMatrixSet>
</Contents>
<ServiceMetadataURL xlink:href="{self.url}/wmts/WMTSCapabilities.xml"/>
</Capabilities>"""  # noqa: E501

    def _wms_capabilities(self) -> str:
        west, south, east, north = self._lonlat_bounds()
        xmin, ymin, xmax, ymax = self.world.bounds
        dcp = f'<DCPType><HTTP><Get><OnlineResource xlink:href="{self.url}/wms?"/></Get></HTTP></DCPType>'
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" xmlns:xlink="http://www.w3.org/1999/xlink">
<Service><Name>WMS</Name><Title>iSAGE test imagery</Title><OnlineResource xlink:href="{self.url}/wms"/></Service>
<Capability><Request>
<GetCapabilities><Format>text/xml</Format>{dcp}</GetCapabilities>
<GetMap><Format>image/png</Format><Format>image/jpeg</Format>{dcp}</GetMap>
</Request><Exception><Format>XML</Format></Exception>
<Layer><Title>iSAGE test imagery</Title><CRS>EPSG:3857</CRS>
<Layer queryable="0"><Name>ortho</Name><Title>Orthophoto</Title><CRS>EPSG:3857</CRS>
<EX_GeographicBoundingBox><westBoundLongitude>{west!r}</westBoundLongitude><eastBoundLongitude>{east!r}</eastBoundLongitude>
<southBoundLatitude>{south!r}</southBoundLatitude><northBoundLatitude>{north!r}</northBoundLatitude></EX_GeographicBoundingBox>
<BoundingBox CRS="EPSG:3857" minx="{xmin!r}" miny="{ymin!r}" maxx="{xmax!r}" maxy="{ymax!r}"/>
</Layer></Layer></Capability></WMS_Capabilities>"""  # noqa: E501


def _serve(world_path: str, files_dir: str, host: str):
    """The server process: serve until stdin closes, obeying one JSON command a line of it and answering on
    stdout (whatever else would write there goes to stderr)."""
    replies = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    httpd = _Server((host, 0), _Handler)
    httpd.service = _Service(World(world_path), Path(files_dir), f"http://{host}:{httpd.server_address[1]}")
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    replies.write(json.dumps({"port": httpd.server_address[1]}) + "\n")
    replies.flush()
    for line in sys.stdin:
        replies.write(json.dumps(httpd.service.control(json.loads(line))) + "\n")
        replies.flush()
    httpd.server_close()


class ImageryServer:
    """XYZ, WMTS, WMS and range-request file server of the world raster ``world_path`` and of ``files_dir``
    (default: ``files`` beside the world raster) on ``host`` (an IPv4 loopback address), a port the OS picks,
    in a child process. A context manager; ``faults`` injects failures; ``log``/``requests`` tell what was
    asked. The world's ``tiles``, ``bounds``, ``zoom``, ``tile_origin``, ``profile`` and ``pixels()`` are at
    hand for the expected answers."""

    def __init__(self, world_path, *, files_dir=None, host: str = "127.0.0.1"):
        address = ipaddress.ip_address(host)
        if address.version != 4 or not address.is_loopback:
            raise ValueError(f"the imagery server binds IPv4 loopback addresses only, not {host}")
        self.host, self.world = host, World(world_path)
        self.world_path, self.profile, self.bounds = self.world.path, self.world.profile, self.world.bounds
        self.zoom, self.tile_origin, self.tiles = self.world.zoom, self.world.tile_origin, self.world.tiles
        self.pixels, self.tile_pixels = self.world.pixels, self.world.tile_pixels
        self.files_dir = Path(files_dir) if files_dir else self.world_path.parent / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._process: subprocess.Popen | None = None
        self._control_lock = threading.Lock()
        self.faults = Faults()

    @property
    def faults(self) -> Faults:
        return self._faults

    @faults.setter
    def faults(self, faults: Faults):
        self._faults = faults
        object.__setattr__(faults, "_listener", self._send_faults)
        self._send_faults(faults)

    def _send_faults(self, faults: Faults):
        if self._process and faults is self._faults:
            self._command("faults", faults=faults.to_json())

    def _command(self, op: str, **arguments) -> dict:
        with self._control_lock:
            self._process.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the imagery server process has ended (its stderr tells why)")
        return json.loads(line)

    # ---- life -----------------------------------------------------------------------------------------
    def start(self) -> "ImageryServer":
        paths = [str(path.resolve()) for path in (self.world_path, self.files_dir)]
        command = [engine_python(), "-m", "tests.imagery_server", *paths, self.host]
        root = Path(__file__).resolve().parents[1]  # the repository: ``tests`` is importable from there
        self._process = subprocess.Popen(
            command, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        started = self._process.stdout.readline()
        if not started:
            self.stop()
            raise RuntimeError("the imagery server process did not start (its stderr tells why)")
        self.port = json.loads(started)["port"]
        self.url = f"http://{self.host}:{self.port}"
        self._send_faults(self._faults)
        return self

    def stop(self):
        """End the server process (its stdin closed, it stops; killed if it does not within 10 s)."""
        if self._process:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process.stdout.close()
            self._process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- for tests ------------------------------------------------------------------------------------
    @property
    def log(self) -> list[LoggedRequest]:
        """The requests so far, in arrival order."""
        return [LoggedRequest(**entry) for entry in self._command("log")["log"]]

    @property
    def requests(self) -> list[str]:
        """The request paths (with query) so far, in arrival order."""
        return [entry.path for entry in self.log]

    def reset_log(self):
        """Forget the logged requests and the image answers counted for fail_after."""
        self._command("reset")

    def tile_url(self, z: int, x: int, y: int, ext: str = "png") -> str:
        return f"{self.url}/xyz/{z}/{x}/{y}.{ext}"

    @property
    def wmts_url(self) -> str:
        return f"{self.url}/wmts/WMTSCapabilities.xml"

    @property
    def wms_url(self) -> str:
        return f"{self.url}/wms"

    def file_url(self, name: str) -> str:
        return f"{self.url}/files/{name}"

    @property
    def gdal_options(self) -> dict[str, str]:
        """GDAL config options for reading from this server afresh: no /vsicurl/ caching of its URLs,
        no WMS/WMTS tile cache, no retries, no directory listing probes."""
        return {
            "CPL_VSIL_CURL_NON_CACHED": f"/vsicurl/{self.url}",
            "GDAL_ENABLE_WMS_CACHE": "NO",
            "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
            "GDAL_HTTP_MAX_RETRY": "0",
            "VSI_CACHE": "FALSE",
        }


if __name__ == "__main__":
    if sys.argv[1] == "make-world":
        make_world_raster(
            sys.argv[2], int(sys.argv[3]), tuple(map(int, sys.argv[4:6])), tuple(map(int, sys.argv[6:8]))
        )
    elif sys.argv[1] == "describe-world":
        sys.stdout.write(json.dumps(_describe_world(sys.argv[2])))
    else:
        _serve(*sys.argv[1:4])
