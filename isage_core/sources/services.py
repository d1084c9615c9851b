"""Tile and map services (XYZ/TMS, WMTS, WMS) as GDAL datasets: the service descriptions GDAL's WMS and
WMTS drivers read (written here from a URL template or a capabilities URL, never to disk: they may hold
credentials), their on-disk tile cache, and the pixel window of an extent at a zoom level or resolution."""

from __future__ import annotations

import logging
import math
import warnings
import xml.etree.ElementTree as ET  # nosec B405: writes XML only, never parses any
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import rasterio
from rasterio.crs import CRS
from rasterio.errors import CRSError, NotGeoreferencedWarning, RasterioIOError
from rasterio.warp import transform_bounds
from rasterio.windows import Window, from_bounds

from ..errors import IsageError
from .errors import explain
from .spec import ImagerySource

log = logging.getLogger(__name__)

WEB_MERCATOR_HALF = 20037508.342789244  # half the width of the EPSG:3857 world, metres
TILE = 256
DEFAULT_TIMEOUT_S = 30
# GDAL settings of every service read: the tile cache on (whatever the environment says), three retries
# of a busy or failing server (HTTP 429, 502, 503, 504) half a second apart
HTTP_OPTIONS = {"GDAL_ENABLE_WMS_CACHE": "YES", "GDAL_HTTP_MAX_RETRY": "3", "GDAL_HTTP_RETRY_DELAY": "0.5"}
_WMS_OWN_PARAMS = {
    "service", "request", "version", "layers", "styles", "crs", "srs", "bbox", "width", "height", "format",
    "transparent",
}  # fmt: skip


def zoom_resolution(zoom: int) -> float:
    """Ground size of a pixel of the web-mercator tile grid at ``zoom`` (metres at the equator)."""
    return 2 * WEB_MERCATOR_HALF / (TILE * 2**zoom)


def zoom_for(resolution: float) -> int:
    """The coarsest zoom level whose pixels are no larger than ``resolution`` metres."""
    return max(0, min(30, math.ceil(math.log2(2 * WEB_MERCATOR_HALF / (TILE * resolution)) - 1e-9)))


def _element(parent: ET.Element, tag: str, text=None, **attrs) -> ET.Element:
    node = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        node.text = str(text)
    return node


def _common(root: ET.Element, bands: int, cache_dir: Path | None, timeout_s: float) -> None:
    _element(root, "BandsCount", bands)
    _element(root, "Timeout", int(math.ceil(timeout_s)))
    _element(root, "MaxConnections", 4)
    if cache_dir is not None:
        cache = _element(root, "Cache")
        _element(cache, "Path", Path(cache_dir).resolve())


def xyz_description(source: ImagerySource, cache_dir: Path | None, timeout_s: float) -> str:
    """GDAL's TMS mini-driver over a ``{z}/{x}/{y}`` template (``{-y}``: rows counted from the south)."""
    template = source.location.replace("${", "{")
    bottom = "{-y}" in template
    url = template.replace("{-y}", "{y}")
    for name in ("z", "x", "y"):
        url = url.replace("{" + name + "}", "${" + name + "}")
    root = ET.Element("GDAL_WMS")
    service = _element(root, "Service", name="TMS")
    _element(service, "ServerUrl", url)
    window = _element(root, "DataWindow")
    for tag, value in (("UpperLeftX", -WEB_MERCATOR_HALF), ("UpperLeftY", WEB_MERCATOR_HALF),
                       ("LowerRightX", WEB_MERCATOR_HALF), ("LowerRightY", -WEB_MERCATOR_HALF)):  # fmt: skip
        _element(window, tag, repr(value))
    _element(window, "TileLevel", source.zoom)
    _element(window, "TileCountX", 1)
    _element(window, "TileCountY", 1)
    _element(window, "YOrigin", "bottom" if bottom else "top")
    _element(root, "Projection", "EPSG:3857")
    _element(root, "BlockSizeX", TILE)
    _element(root, "BlockSizeY", TILE)
    _common(root, source.bands, cache_dir, timeout_s)
    return ET.tostring(root, encoding="unicode")


def wmts_description(source: ImagerySource, cache_dir: Path | None, timeout_s: float) -> str:
    """GDAL's WMTS driver on a capabilities URL, a layer and a zoom level (tile matrix)."""
    location = source.location
    if location.upper().startswith("WMTS:"):
        location = location[len("WMTS:") :]
    root = ET.Element("GDAL_WMTS")
    _element(root, "GetCapabilitiesUrl", location)
    if source.layer:
        _element(root, "Layer", source.layer)
    if source.style:
        _element(root, "Style", source.style)
    if source.tile_matrix_set:
        _element(root, "TileMatrixSet", source.tile_matrix_set)
    if source.zoom is not None:
        _element(root, "ZoomLevel", source.zoom)
    if source.image_format:
        _element(root, "Format", source.image_format)
    _common(root, source.bands, cache_dir, timeout_s)
    return ET.tostring(root, encoding="unicode")


def wms_description(source: ImagerySource, cache_dir: Path | None, timeout_s: float) -> str:
    """GDAL's WMS mini-driver: GetMap requests of 512-pixel blocks over the extent, snapped to the
    resolution's grid so that fetching again gives the same pixels."""
    crs = source.crs or "EPSG:3857"
    xmin, ymin, xmax, ymax = wms_bounds(source)
    res = float(source.resolution)
    parts = urlsplit(source.location)
    query = parse_qsl(parts.query, keep_blank_values=True)
    vendor = [(k, v) for k, v in query if k.lower() not in _WMS_OWN_PARAMS]
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(vendor), ""))
    base += "&" if vendor else "?"
    root = ET.Element("GDAL_WMS")
    service = _element(root, "Service", name="WMS")
    _element(service, "Version", "1.3.0")
    _element(service, "ServerUrl", base)
    _element(service, "CRS", crs)
    _element(service, "ImageFormat", source.image_format or "image/png")
    _element(service, "Layers", source.layer or "")
    _element(service, "Styles", source.style or "")
    window = _element(root, "DataWindow")
    corners = (("UpperLeftX", xmin), ("UpperLeftY", ymax), ("LowerRightX", xmax), ("LowerRightY", ymin))
    for tag, value in corners:
        _element(window, tag, repr(value))
    _element(window, "SizeX", round((xmax - xmin) / res))
    _element(window, "SizeY", round((ymax - ymin) / res))
    _element(root, "Projection", crs)
    _element(root, "BlockSizeX", 512)
    _element(root, "BlockSizeY", 512)
    _common(root, source.bands, cache_dir, timeout_s)
    return ET.tostring(root, encoding="unicode")


def wms_bounds(source: ImagerySource) -> tuple[float, float, float, float]:
    """The extent in the WMS request CRS, grown outward to whole pixels of the resolution's grid."""
    crs = source.crs or "EPSG:3857"
    xmin, ymin, xmax, ymax = _extent_in(source, crs)
    res = float(source.resolution)
    eps = 1e-6  # an extent on the grid's lines (up to float error) stays on them
    return (math.floor(xmin / res + eps) * res, math.floor(ymin / res + eps) * res,
            math.ceil(xmax / res - eps) * res, math.ceil(ymax / res - eps) * res)  # fmt: skip


def _extent_in(source: ImagerySource, crs) -> tuple[float, float, float, float]:
    xmin, ymin, xmax, ymax = source.extent
    given = source.extent_crs
    try:
        src_crs, dst_crs = (CRS.from_user_input(given) if given else None), CRS.from_user_input(crs)
        if src_crs is not None and src_crs != dst_crs:
            return tuple(transform_bounds(src_crs, dst_crs, xmin, ymin, xmax, ymax))
    except CRSError as exc:
        why = f"unknown CRS in --extent-crs or --crs ({exc}); give e.g. EPSG:4326"
        raise IsageError(f"{source.label()}: {why}") from exc
    return xmin, ymin, xmax, ymax


def description(source: ImagerySource, cache_dir: Path | None, timeout_s: float = DEFAULT_TIMEOUT_S) -> str:
    builders = {"xyz": xyz_description, "wmts": wmts_description, "wms": wms_description}
    return builders[source.kind](source, cache_dir, timeout_s)


def open_service(source: ImagerySource, cache_dir: Path | None, timeout_s: float = DEFAULT_TIMEOUT_S):
    """The service as a GDAL dataset (a one-line :class:`IsageError` naming the source if it fails)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            return rasterio.open(description(source, cache_dir, timeout_s))
    except RasterioIOError as exc:
        raise explain(exc, source, "could not open the service") from exc


def service_window(src, source: ImagerySource) -> Window:
    """The pixel window of ``source``'s extent in ``src``, grown outward to whole pixels; refused when it
    lies outside the service's coverage."""
    if source.kind == "wms":
        return Window(0, 0, src.width, src.height)
    xmin, ymin, xmax, ymax = _extent_in(source, src.crs)
    window = from_bounds(xmin, ymin, xmax, ymax, src.transform)
    col0, row0 = math.floor(window.col_off + 1e-6), math.floor(window.row_off + 1e-6)
    col1 = math.ceil(window.col_off + window.width - 1e-6)
    row1 = math.ceil(window.row_off + window.height - 1e-6)
    clipped = (max(col0, 0), max(row0, 0), min(col1, src.width), min(row1, src.height))
    if clipped[2] <= clipped[0] or clipped[3] <= clipped[1]:
        bounds = ", ".join(f"{v:.6g}" for v in src.bounds)
        raise IsageError(
            f"{source.label()}: the extent lies outside the service's coverage ({bounds} in "
            f"{src.crs.to_string() if src.crs else 'its CRS'}); give an extent inside it"
        )
    window = Window(clipped[0], clipped[1], clipped[2] - clipped[0], clipped[3] - clipped[1])
    if clipped != (col0, row0, col1, row1):  # never a smaller frame than asked without saying so
        log.warning(
            "%s: the extent reaches beyond the source's coverage; the frame is the part inside it "
            "(%d x %d px of the %d x %d asked)",
            source.label(), window.width, window.height, col1 - col0, row1 - row0,
        )  # fmt: skip
    return window
