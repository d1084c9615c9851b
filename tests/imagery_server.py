"""A local imitation of the online imagery services GIS users map from, so tests never touch the internet.

``ImageryServer`` serves one "world" raster (``make_world_raster``: real aerial patches on the XYZ tile grid
at ``WORLD_ZOOM`` in EPSG:3857) as XYZ tiles, a WMTS, a WMS 1.3.0/1.1.1, and serves a folder of files
(COGs, STAC item documents) with HTTP range requests. ``ImageryServer.faults`` injects the failures users
meet (error statuses, HTML instead of images, slowness, authentication, a service dying halfway, imagery
changing between fetches) at run time.

Image requests are XYZ tiles (WMTS tiles are the same URLs), WMS GetMap and GET/HEAD ``/files/`` of anything
but ``.json`` documents; only they get ``delay_s``, ``html_error``, ``fail_after`` and
``kill_connection_after``.

GDAL pitfall: ``/vsicurl/`` caches file sizes, directory listings and fetched byte ranges per process, by
URL, beyond the dataset's life; the WMS/WMTS drivers may keep a disk cache of tiles. A test that changes what
a URL answers (a fault, ``imagery_version``, a rewritten file) reads stale bytes unless it uses
``ImageryServer.gdal_options`` (no caching of this server's URLs, no retries) or a URL never fetched before.
"""

import base64
import ipaddress
import itertools
import math
import re
import socketserver
import threading
import time
import warnings
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import rasterio
from rasterio.enums import Resampling
from rasterio.io import MemoryFile
from rasterio.transform import Affine
from rasterio.warp import transform_bounds
from rasterio.windows import from_bounds

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


def encode_image(data: np.ndarray, fmt: str = "png") -> bytes:
    """PNG or JPEG bytes of ``data`` (bands, rows, cols), encoded by GDAL in memory (deterministic)."""
    driver = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}[fmt]
    count, height, width = data.shape
    # a stand-in transform: without one rasterio warns, and warnings.catch_warnings is not thread-safe
    profile = dict(driver=driver, width=width, height=height, count=count, dtype="uint8")
    with rasterio.Env(GDAL_PAM_ENABLED="NO"), MemoryFile() as memfile:  # no .aux.xml beside
        with memfile.open(**profile, transform=Affine(1, 0, 0, 0, -1, height)) as dst:
            dst.write(data)
        return memfile.read()


@dataclass
class Faults:
    """Failures to inject, read at each request (set them from the test at any time).

    ``status_all`` answers that status to every request, capabilities included (the service is down);
    it comes first, then ``auth`` (401 for every endpoint without these Basic credentials). For image
    requests: ``delay_s`` sleeps first; ``kill_connection_after``/``fail_after`` close the connection
    without an answer / answer 503 once that many image answers succeeded (200/206 GETs with imagery,
    counted since start or ``reset_log()``); ``tile_status`` answers its status for its (z, x, y) tiles;
    ``html_error`` answers 200 text/html ``HTML_ERROR``. A non-zero ``imagery_version`` XORs the tile and
    WMS pixels with a non-zero byte derived from it (not the files)."""

    tile_status: dict[tuple[int, int, int], int] = field(default_factory=dict)
    status_all: int | None = None
    html_error: bool = False
    delay_s: float = 0.0
    auth: tuple[str, str] | None = None
    fail_after: int | None = None
    kill_connection_after: int | None = None
    imagery_version: int = 0


@dataclass
class LoggedRequest:
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
        entry = self.server.imagery._log_request(self.command, self.path, self.headers.get("Range"))
        reply = self.server.imagery._answer(self.path, self.headers, head)
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
    imagery: "ImageryServer"

    def server_bind(self):  # HTTPServer's own does a (possibly slow) reverse DNS look-up
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def handle_error(self, request, client_address):  # a client gone (timed out) mid-answer: not an error
        pass


class ImageryServer:
    """XYZ, WMTS, WMS and range-request file server of ``world_path`` on ``host`` (IPv4 loopback only),
    a port the OS picks. A context manager; ``faults`` injects failures; ``requests`` logs the paths."""

    def __init__(self, world_path, *, files_dir=None, host: str = "127.0.0.1"):
        address = ipaddress.ip_address(host)
        if address.version != 4 or not address.is_loopback:
            raise ValueError(f"the imagery server binds IPv4 loopback addresses only, not {host}")
        self.host, self.world_path = host, Path(world_path)
        self.files_dir = Path(files_dir) if files_dir else self.world_path.parent / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self.faults = Faults()
        self.log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._image_answers = 0
        self._memfiles: dict[int, MemoryFile] = {}
        with rasterio.open(self.world_path) as src:
            self.profile, self._world = src.profile, src.read()
            self.bounds = tuple(src.bounds)
            self.zoom = round(math.log2(2 * EARTH_HALF / (TILE * src.res[0])))
            self.tile_origin = (
                round((src.bounds.left + EARTH_HALF) / (TILE * src.res[0])),
                round((EARTH_HALF - src.bounds.top) / (TILE * src.res[0])),
            )
            if not np.allclose(tile_bounds(self.zoom, *self.tile_origin)[::3], self.bounds[::3]) or (
                src.width % TILE or src.height % TILE
            ):
                raise ValueError(f"{world_path} is not on the XYZ tile grid (see make_world_raster)")
        x0, y0 = self.tile_origin
        nx, ny = self.profile["width"] // TILE, self.profile["height"] // TILE
        self.tiles = [(self.zoom, x, y) for y in range(y0, y0 + ny) for x in range(x0, x0 + nx)]
        self._httpd: _Server | None = None

    # ---- life -----------------------------------------------------------------------------------------
    def start(self) -> "ImageryServer":
        self._httpd = _Server((self.host, 0), _Handler)
        self._httpd.imagery = self
        self.port = self._httpd.server_address[1]
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self._httpd = None
        for memfile in self._memfiles.values():
            memfile.close()
        self._memfiles.clear()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- for tests ------------------------------------------------------------------------------------
    @property
    def requests(self) -> list[str]:
        """The request paths (with query), in arrival order."""
        with self._lock:
            return [entry.path for entry in self.log]

    def reset_log(self):
        """Forget the logged requests and the image answers counted for fail_after."""
        with self._lock:
            self.log.clear()
            self._image_answers = 0

    def pixels(self, version: int = 0) -> np.ndarray:
        """The world raster's pixels (bands, rows, cols) as served for ``imagery_version``."""
        return self._world ^ np.uint8(version_mask(version))

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
        no WMS tile cache, no retries, no directory listing probes."""
        return {
            "CPL_VSIL_CURL_NON_CACHED": f"/vsicurl/{self.url}",
            "GDAL_ENABLE_WMS_CACHE": "NO",
            "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
            "GDAL_HTTP_MAX_RETRY": "0",
            "VSI_CACHE": "FALSE",
        }

    # ---- answers --------------------------------------------------------------------------------------
    def _log_request(self, method: str, path: str, range_header: str | None) -> LoggedRequest:
        entry = LoggedRequest(method, path, range_header)
        with self._lock:
            self.log.append(entry)
        return entry

    def _answer(self, raw_path: str, headers, head: bool) -> _Reply | None:
        faults = self.faults
        url = urlsplit(raw_path)
        params = {k.lower(): v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if faults.status_all is not None:
            return _Reply(faults.status_all, b"status_all fault")
        if faults.auth and headers.get("Authorization") != "Basic " + base64.b64encode(
            ":".join(faults.auth).encode()
        ).decode("ascii"):
            return _Reply(401, b"Unauthorized", headers={"WWW-Authenticate": 'Basic realm="imagery"'})
        image = (
            url.path.startswith("/xyz/")
            or (url.path.startswith("/files/") and not url.path.endswith(".json"))
            or (url.path == "/wms" and params.get("request", "").lower() == "getmap")
        )
        if not image:
            return self._route(url.path, params, headers, head)
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
            reply = self._route(url.path, params, headers, head)
        if not reply.image or head:
            with self._lock:
                self._image_answers -= 1
        return reply

    def _route(self, path: str, params: dict[str, str], headers, head: bool) -> _Reply:
        tile = re.fullmatch(r"/xyz/(\d+)/(\d+)/(\d+)\.(png|jpg|jpeg)", path)
        if tile:
            return self._tile(*map(int, tile.groups()[:3]), tile.group(4))
        if path == "/wmts/WMTSCapabilities.xml":
            return _Reply(200, self._wmts_capabilities().encode(), "application/xml")
        if path == "/wms":
            return self._wms(params)
        if path.startswith("/files/"):
            return self._file(path[len("/files/") :], headers.get("Range"), head)
        return _Reply(404, b"Not Found")

    def _tile(self, z: int, x: int, y: int, fmt: str) -> _Reply:
        if (z, x, y) not in self.tiles:
            return _Reply(404, b"Tile not found")
        col, row = (x - self.tile_origin[0]) * TILE, (y - self.tile_origin[1]) * TILE
        data = self.pixels(self.faults.imagery_version)[:, row : row + TILE, col : col + TILE]
        return _Reply(200, encode_image(data, fmt), "image/png" if fmt == "png" else "image/jpeg", image=True)

    def _dataset(self, version: int):
        """The world as served for ``version``, opened from memory (one file per version, made once)."""
        with self._lock:
            if version not in self._memfiles:
                memfile = MemoryFile()
                with memfile.open(**self.profile) as dst:
                    dst.write(self.pixels(version))
                self._memfiles[version] = memfile
            return self._memfiles[version].open()

    def _wms(self, params: dict[str, str]) -> _Reply:
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
        with self._dataset(self.faults.imagery_version) as src:
            window = from_bounds(*bbox, transform=src.transform)
            data = src.read(
                window=window,
                out_shape=(src.count, height, width),
                boundless=True,
                fill_value=0,
                resampling=Resampling.nearest,
            )
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
        return transform_bounds("EPSG:3857", "EPSG:4326", *self.bounds)

    def _wmts_capabilities(self) -> str:
        x0, y0 = self.tile_origin
        nx, ny = self.profile["width"] // TILE, self.profile["height"] // TILE
        matrices, limits = [], []
        for z in range(self.zoom + 1):
            matrices.append(
                f"<TileMatrix><ows:Identifier>{z}</ows:Identifier><ScaleDenominator>"
                f"{tile_resolution(z) / 0.00028!r}</ScaleDenominator><TopLeftCorner>"
                f"-20037508.3427892 20037508.3427892</TopLeftCorner><TileWidth>{TILE}</TileWidth>"
                f"<TileHeight>{TILE}</TileHeight><MatrixWidth>{2**z}</MatrixWidth>"
                f"<MatrixHeight>{2**z}</MatrixHeight></TileMatrix>"
            )
            shift = self.zoom - z
            limits.append(
                f"<TileMatrixLimits><TileMatrix>{z}</TileMatrix><MinTileRow>{y0 >> shift}</MinTileRow>"
                f"<MaxTileRow>{(y0 + ny - 1) >> shift}</MaxTileRow><MinTileCol>{x0 >> shift}"
                f"</MinTileCol><MaxTileCol>{(x0 + nx - 1) >> shift}</MaxTileCol></TileMatrixLimits>"
            )
        west, south, east, north = self._lonlat_bounds()
        xmin, ymin, xmax, ymax = self.bounds
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
<ServiceMetadataURL xlink:href="{self.wmts_url}"/>
</Capabilities>"""  # noqa: E501

    def _wms_capabilities(self) -> str:
        west, south, east, north = self._lonlat_bounds()
        xmin, ymin, xmax, ymax = self.bounds
        dcp = f'<DCPType><HTTP><Get><OnlineResource xlink:href="{self.wms_url}?"/></Get></HTTP></DCPType>'
        return f"""<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" xmlns:xlink="http://www.w3.org/1999/xlink">
<Service><Name>WMS</Name><Title>iSAGE test imagery</Title><OnlineResource xlink:href="{self.wms_url}"/></Service>
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
