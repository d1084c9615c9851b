"""Imagery service layers of the project (XYZ tiles, WMTS, WMS: QGIS's ``wms`` provider) as sources of frames.

:func:`read_service` turns the layer's decoded URI into a :class:`ServiceLayer` (what the engine is told to
fetch); :func:`frame_args` gives the ``isage frames add`` arguments of one :class:`ServiceFrame` (an area at
a zoom level or a ground resolution); :func:`frame_size` and :func:`download_mb` tell its pixels and bytes
before it starts. :func:`service_environment` turns the layer's credentials (its authentication
configuration, a user name and password or HTTP headers in its URI) into GDAL's environment variables for
the one engine process that fetches: they never reach an argument, a log line or a file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsMapLayer,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsRectangle,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtNetwork import QNetworkRequest

from ..engine.protocol import has_secret
from ..translation import deferred_tr, tr

KINDS = ("xyz", "wmts", "wms")
KIND_LABELS = {"xyz": deferred_tr("XYZ tiles"), "wmts": "WMTS", "wms": "WMS"}
WEB_MERCATOR_HALF = 20037508.342789244  # half the width of the EPSG:3857 world, metres
TILE = 256
XYZ_ZOOMS = (0, 18)  # QGIS's levels of an XYZ layer whose URI names none
MAX_PIXELS = 400_000_000  # the engine refuses a service frame larger than this: smaller areas (AOIs)
BYTES_PER_PIXEL = (0.3, 1.2)  # compressed RGB imagery, a pixel (the engine's estimate)
_TEMPLATE_KEYS = {"z", "x", "y", "-y"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
LOCATION_VARIABLE = "ISAGE_SOURCE_URL"  # the engine reads a URL with a key from it (``env:NAME``)
# methods whose credentials are no fixed HTTP header: a client certificate, or a signature of each request
_NO_HEADER_METHODS = {"Identity-Cert", "PKI-Paths", "PKI-PKCS#12", "AWSS3", "MapTilerHmacSha256"}
_HEADER_PREFIX = "http-header:"  # no-i18n


class ServiceSourceError(Exception):
    """A layer that cannot be a frame source; ``str()`` is the one-line message for the user."""


@dataclass(frozen=True)
class ServiceLayer:
    """What the engine is told of a service layer: no credential here (see :func:`service_environment`)."""

    kind: str  # one of KINDS
    location: str  # the engine's LOCATION: tile URL template, WMTS capabilities URL or WMS URL
    title: str  # the layer's name in the project
    crs: str  # the CRS of the service's pixels (authid): extents and resolutions are in its units
    layer: str = ""  # WMS/WMTS layer(s), comma-separated
    image_format: str = ""
    levels: tuple[tuple[int, float], ...] = ()  # XYZ/WMTS: (zoom, pixel size in crs units), coarsest first
    tile_matrix_set: str = ""  # WMTS: the tile matrix set the layer shows
    style: str = ""  # WMS/WMTS: the style the layer shows

    @property
    def tiled(self) -> bool:
        return self.kind != "wms"

    @property
    def host(self) -> str:
        return urlsplit(self.location).hostname or self.location

    def resolution(self, zoom: int) -> float:
        """The pixel size of level ``zoom`` (XYZ/WMTS)."""
        found = dict(self.levels).get(int(zoom))
        if found is None:
            raise ServiceSourceError(
                tr("{layer}: no zoom level {zoom}; choose one from {low} to {high}").format(
                    layer=self.title, zoom=zoom, low=self.levels[0][0], high=self.levels[-1][0]
                )
            )
        return found

    def nearest_zoom(self, resolution: float) -> int:
        """The level whose pixel size is nearest ``resolution`` (as a ratio); the finest when none given."""
        if not resolution or resolution <= 0:
            return self.levels[-1][0]
        return min(self.levels, key=lambda level: abs(math.log(level[1] / resolution)))[0]


@dataclass(frozen=True)
class ServiceFrame:
    """One frame to fetch: its name, its area in the service's CRS, and its zoom (XYZ/WMTS) or ground
    resolution (WMS)."""

    name: str
    extent: tuple[float, float, float, float]  # xmin, ymin, xmax, ymax in ServiceLayer.crs
    zoom: int | None = None
    resolution: float | None = None


def _text(decoded: Mapping, key: str) -> str:
    """A decoded URI value as text ("" when absent or NULL); repeated keys joined with commas."""
    value = decoded.get(key)
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return ""
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value if str(v))
    return str(value)


def service_kind(decoded: Mapping) -> str | None:
    """``xyz``, ``wmts`` or ``wms`` for a decoded ``wms`` provider URI of an online service, else None
    (MBTiles, a local file, no URL)."""
    url, kind = _text(decoded, "url"), _text(decoded, "type").lower()
    if not re.match(r"^https?://", url, re.I):
        return None
    if kind:
        return "xyz" if kind == "xyz" else None
    return "wmts" if _text(decoded, "tileMatrixSet") else "wms"


def wmts_capabilities_url(url: str) -> str:
    """The GetCapabilities URL of a WMTS layer's ``url`` (QGIS keeps the service URL, to which it adds the
    request itself unless the URL is the capabilities document)."""
    lowered = url.lower()
    if "service=wmts" in lowered or lowered.split("?")[0].endswith(".xml"):
        return url
    return url + ("&" if "?" in url else "?") + "SERVICE=WMTS&REQUEST=GetCapabilities"


def tile_resolution(zoom: int) -> float:
    """Pixel size of the web-mercator tile grid at ``zoom`` (metres at the equator)."""
    return 2 * WEB_MERCATOR_HALF / (TILE * 2**zoom)


def read_service(
    decoded: Mapping, title: str = "", crs: str = "", native_resolutions: Sequence[float] = ()
) -> ServiceLayer:
    """The service of a layer from its decoded URI (``QgsProviderRegistry.decodeUri("wms", source)``), its
    CRS and, for a WMTS, its provider's ``nativeResolutions()``; a one-line :class:`ServiceSourceError`
    when the engine cannot fetch from it."""
    kind = service_kind(decoded)
    url = _text(decoded, "url")
    if kind is None:
        raise ServiceSourceError(
            tr(
                "{layer}: not an online XYZ, WMTS or WMS layer (its source is {kind} {url}); add such a "
                "layer, or save this one to a GeoTIFF"
            ).format(layer=title, kind=_text(decoded, "type") or "wms", url=url.split("?")[0] or "?")
        )
    fmt = _text(decoded, "format")
    if kind == "xyz":
        found = set(_PLACEHOLDER.findall(url))
        unknown = sorted(found - _TEMPLATE_KEYS)
        if unknown:
            raise ServiceSourceError(
                tr(
                    "{layer}: its tile URL has placeholders the engine cannot fill ({names}); it reads URLs "
                    "with z, x and y (or -y) only"
                ).format(layer=title, names=", ".join(unknown))
            )
        if not ({"z", "x"} <= found and found & {"y", "-y"}):
            raise ServiceSourceError(
                tr("{layer}: its URL is no tile URL with z, x and y (or -y) placeholders").format(layer=title)
            )
        low = int(_text(decoded, "zmin") or XYZ_ZOOMS[0])
        high = int(_text(decoded, "zmax") or XYZ_ZOOMS[1])
        levels = tuple((z, tile_resolution(z)) for z in range(max(low, 0), min(high, 30) + 1))
        return ServiceLayer("xyz", url, title, "EPSG:3857", "", "", levels)
    crs = _text(decoded, "crs") or crs
    if not crs:
        raise ServiceSourceError(
            tr("{layer}: its source names no CRS; set the layer's CRS").format(layer=title)
        )
    layer = _text(decoded, "layers")
    if kind == "wmts":
        sizes = sorted({float(r) for r in native_resolutions if r and r > 0}, reverse=True)
        if not sizes:
            raise ServiceSourceError(
                tr(
                    "{layer}: its tile matrices could not be read from the service; check that the layer "
                    "draws in QGIS"
                ).format(layer=title)  # fmt: skip
            )
        levels = tuple(enumerate(sizes))  # GDAL's WMTS zoom level: the index from the coarsest matrix
        return ServiceLayer(
            "wmts", wmts_capabilities_url(url), title, crs, layer, fmt, levels,
            _text(decoded, "tileMatrixSet"), _text(decoded, "styles"),
        )  # fmt: skip
    return ServiceLayer("wms", url, title, crs, layer, fmt, style=_text(decoded, "styles"))


def service_of(layer: QgsMapLayer) -> ServiceLayer:
    """The service a project layer shows (see :func:`read_service`)."""
    if not isinstance(layer, QgsRasterLayer) or layer.providerType() != "wms":
        raise ServiceSourceError(
            tr("{layer}: not an XYZ, WMTS or WMS layer").format(layer=layer.name() if layer else "?")
        )
    decoded = QgsProviderRegistry.instance().decodeUri("wms", layer.source())
    provider = layer.dataProvider()
    native = provider.nativeResolutions() if provider is not None else []
    return read_service(decoded, layer.name(), layer.crs().authid(), native)


# ---- the frame's engine command, size and download ----------------------------------------------------
def frame_args(workspace: str, service: ServiceLayer, frame: ServiceFrame) -> list[str]:
    """``frames add WS LOCATION --kind ... --name NAME``: fetch ``frame`` from ``service`` (its extent on
    the pixel grid, :func:`grid_extent`)."""
    location = f"env:{LOCATION_VARIABLE}" if has_secret(service.location) else service.location  # no-i18n
    args = ["frames", "add", str(workspace), location, "--kind", service.kind]
    if service.tiled:
        args += ["--zoom", str(int(frame.zoom))]
    else:
        args += ["--resolution", repr(float(frame.resolution)), "--crs", service.crs]
    args += ["--extent", *(repr(float(v)) for v in grid_extent(service, frame)), "--extent-crs", service.crs]
    if service.layer:
        args += ["--layer", service.layer]
    if service.image_format and service.kind != "xyz":
        args += ["--format", service.image_format]
    if service.tile_matrix_set:
        args += ["--tile-matrix-set", service.tile_matrix_set]
    if service.style:
        args += ["--style", service.style]
    return [*args, "--name", frame.name]


def location_environment(service: ServiceLayer) -> dict[str, str]:
    """A service URL with a key in it travels in the engine process's environment, not on its command
    line (which other users of the computer can list): ``frame_args`` then names the variable."""
    return {LOCATION_VARIABLE: service.location} if has_secret(service.location) else {}


def _pixel_grid(service: ServiceLayer, frame: ServiceFrame) -> tuple[float, float, float] | None:
    """``(pixel size, x origin, y origin)`` of the grid ``frame`` is fetched on; None when unknown (a WMTS
    whose tile matrices are not the web-mercator ones)."""
    size = service.resolution(frame.zoom) if service.tiled else float(frame.resolution or 0)
    if size <= 0:
        return None
    if not service.tiled:
        return size, 0.0, 0.0  # the engine snaps a WMS extent to multiples of the resolution
    if service.crs == "EPSG:3857":
        return size, -WEB_MERCATOR_HALF, WEB_MERCATOR_HALF
    return None


def grid_extent(service: ServiceLayer, frame: ServiceFrame) -> tuple[float, float, float, float]:
    """``frame``'s extent grown outward to whole pixels of its grid, an edge within a thousandth of a pixel
    of a grid line kept on it (an extent typed, drawn or transformed carries such float noise); as given
    when the grid is unknown."""
    grid = _pixel_grid(service, frame)
    if grid is None:
        return tuple(frame.extent)
    size, x0, y0 = grid
    tol = 1e-3
    xmin, ymin, xmax, ymax = ((v - o) / size for v, o in zip(frame.extent, (x0, y0, x0, y0), strict=True))
    return (x0 + math.floor(xmin + tol) * size, y0 + math.floor(ymin + tol) * size,
            x0 + math.ceil(xmax - tol) * size, y0 + math.ceil(ymax - tol) * size)  # fmt: skip


def frame_size(service: ServiceLayer, frame: ServiceFrame) -> tuple[int, int]:
    """Width and height in pixels of ``frame`` as the engine fetches it (:func:`grid_extent`)."""
    xmin, ymin, xmax, ymax = grid_extent(service, frame)
    size = service.resolution(frame.zoom) if service.tiled else float(frame.resolution or 0)
    if size <= 0 or xmax <= xmin or ymax <= ymin:
        return 0, 0
    return max(0, round((xmax - xmin) / size)), max(0, round((ymax - ymin) / size))


def download_mb(pixels: int, bands: int = 3) -> tuple[float, float]:
    """The bytes a download of ``pixels`` may take, in MB, as a range (compressed imagery)."""
    scale = pixels * bands / 3 / 1e6
    return round(scale * BYTES_PER_PIXEL[0], 1), round(scale * BYTES_PER_PIXEL[1], 1)


def frame_name(title: str, zoom: int | None, taken: Sequence[str] = ()) -> str:
    """A frame name from the layer's title (and zoom), a plain file name not among ``taken``."""
    base = re.sub(r"[^A-Za-z0-9_.-]+", "_", title).strip("_.") or "service"
    base = f"{base}_z{zoom}" if zoom is not None else base
    return unique_name(base, taken)


def unique_name(wanted: str, taken: Sequence[str]) -> str:
    """``wanted``, or ``wanted_2``, ``wanted_3``... whichever is not in ``taken`` (as the engine names)."""
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted}_{n}"
    return name


def is_plain_name(name: str) -> bool:
    """A frame name the engine accepts: letters, digits, ``_``, ``.`` and ``-``."""
    return bool(re.fullmatch(r"[A-Za-z0-9_.-]+", name or ""))


# ---- areas in the service's CRS -------------------------------------------------------------------------
def to_service_extent(
    rect: QgsRectangle,
    crs: QgsCoordinateReferenceSystem,
    service: ServiceLayer,
    context: QgsCoordinateTransformContext | None = None,
) -> tuple[float, float, float, float] | None:
    """``rect`` (in ``crs``) as a box in the service's CRS; None when it cannot be transformed or is empty."""
    target = QgsCoordinateReferenceSystem(service.crs)
    box = QgsRectangle(rect)
    if crs.isValid() and target.isValid() and crs != target:
        transform = QgsCoordinateTransform(crs, target, context or QgsCoordinateTransformContext())
        try:
            box = transform.transformBoundingBox(QgsRectangle(rect))
        except QgsCsException:
            return None
    if box.isEmpty() or not box.width() > 0 or not box.height() > 0:
        return None
    return box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()


def resolution_in(
    extent: QgsRectangle,
    crs: QgsCoordinateReferenceSystem,
    width_px: int,
    service: ServiceLayer,
    context: QgsCoordinateTransformContext | None = None,
) -> float:
    """The size of a screen pixel of a map showing ``extent`` (in ``crs``) ``width_px`` wide, in the
    service CRS's units (0 when unknown)."""
    box = to_service_extent(extent, crs, service, context)
    return (box[2] - box[0]) / width_px if box and width_px > 0 else 0.0


def feature_extents(
    layer: QgsVectorLayer,
    service: ServiceLayer,
    context: QgsCoordinateTransformContext | None = None,
    selected_only: bool = False,
) -> list[tuple[int, tuple[float, float, float, float]]]:
    """``(feature id, bounding box in the service's CRS)`` of each feature of a polygon layer with an area:
    one frame (AOI) per feature."""
    target = QgsCoordinateReferenceSystem(service.crs)
    transform = QgsCoordinateTransform(layer.crs(), target, context or QgsCoordinateTransformContext())
    features = layer.getSelectedFeatures() if selected_only else layer.getFeatures(QgsFeatureRequest())
    found = []
    for feature in features:
        geometry = QgsGeometry(feature.geometry())
        if geometry.isEmpty():
            continue
        try:
            if layer.crs() != target:
                geometry.transform(transform)
        except QgsCsException:
            continue
        box = geometry.boundingBox()
        if box.width() > 0 and box.height() > 0:
            found.append(
                (int(feature.id()), (box.xMinimum(), box.yMinimum(), box.xMaximum(), box.yMaximum()))
            )
    return sorted(found)


# ---- credentials: environment variables of the one engine process that fetches ---------------------------
def _refused_method(title: str, method: str) -> ServiceSourceError:
    return ServiceSourceError(
        tr(
            "{layer}: its authentication method {method} cannot be handed to the engine, which reads a user "
            "name and password (Basic) or HTTP header credentials (API header); use one of those"
        ).format(layer=title, method=method)
    )


def _auth_credentials(authcfg: str, url: str, title: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """GDAL variables and HTTP headers of authentication configuration ``authcfg``."""
    manager = QgsApplication.authManager()
    config = QgsAuthMethodConfig()
    if not manager.loadAuthenticationConfig(authcfg, config, True) or not config.isValid(True):
        raise ServiceSourceError(
            tr(
                "{layer}: its authentication configuration {id} cannot be read; check it (and the master "
                "password) in QGIS's authentication settings"
            ).format(layer=title, id=authcfg)
        )
    method = config.method()
    if method == "Basic":
        user = config.config("username")
        if not user:
            raise ServiceSourceError(
                tr("{layer}: its authentication configuration {id} has no user name").format(
                    layer=title, id=authcfg
                )
            )
        return {"GDAL_HTTP_USERPWD": f"{user}:{config.config('password')}", "GDAL_HTTP_AUTH": "BASIC"}, []
    if method in _NO_HEADER_METHODS:
        raise _refused_method(title, method)
    request = QNetworkRequest(QUrl(url))
    before = {bytes(name) for name in request.rawHeaderList()}
    if not manager.updateNetworkRequest(request, authcfg) or request.url() != QUrl(url):
        raise _refused_method(title, method)  # it signs the URL of each request
    headers = [
        (bytes(name).decode("latin-1"), bytes(request.rawHeader(name)).decode("latin-1"))
        for name in request.rawHeaderList()
        if bytes(name) not in before
    ]
    if not headers:
        raise _refused_method(title, method)
    return {}, headers


def credentials_environment(decoded: Mapping, url: str, title: str = "") -> dict[str, str]:
    """GDAL's environment variables for the credentials and HTTP headers of a decoded layer URI: a user name
    and password or a Basic authentication configuration give ``GDAL_HTTP_USERPWD`` and
    ``GDAL_HTTP_AUTH=BASIC``; HTTP headers (the URI's ``http-header:`` keys, its referer, what another
    authentication method sets) give ``GDAL_HTTP_HEADERS``. ``{}`` when the layer has none."""
    env: dict[str, str] = {}
    headers = [
        (key[len(_HEADER_PREFIX) :], _text(decoded, key)) for key in decoded if key.startswith(_HEADER_PREFIX)
    ]
    headers = [(name, value) for name, value in headers if name and value]
    if _text(decoded, "referer") and not any(name.lower() == "referer" for name, _ in headers):
        headers.append(("Referer", _text(decoded, "referer")))
    user = _text(decoded, "username")
    if user:
        env.update(GDAL_HTTP_USERPWD=f"{user}:{_text(decoded, 'password')}", GDAL_HTTP_AUTH="BASIC")
    authcfg = _text(decoded, "authcfg")
    if authcfg:
        found, more = _auth_credentials(authcfg, url, title)
        env.update(found)
        headers += more
    if headers:
        env["GDAL_HTTP_HEADERS"] = "\r\n".join(f"{name}: {value}" for name, value in headers)
    return env


def service_environment(layer: QgsMapLayer, service: ServiceLayer) -> dict[str, str]:
    """:func:`credentials_environment` of a project layer."""
    decoded = QgsProviderRegistry.instance().decodeUri("wms", layer.source())
    return {
        **credentials_environment(decoded, service.location, service.title),
        **location_environment(service),
    }
