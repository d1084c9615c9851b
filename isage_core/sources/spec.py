"""What a frame's imagery is: the source a user names (a path, a URL, a tile template, a service, a STAC
item), how it is read (zoom or ground resolution, extent, layer, bands) and how it is written into the
record without its credentials."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import IsageError

KINDS = ("file", "cog", "xyz", "wmts", "wms", "stac")
SERVICE_KINDS = ("xyz", "wmts", "wms")  # materialised into a local COG when added
REDACTED = "REDACTED"
# query parameters that carry credentials (api keys, tokens, signed URLs); their values never reach a file
_SECRET_PARAM = re.compile(r"key|token|secret|passw|pwd|signature|^sig$|auth|credential|session", re.I)
_TEMPLATE = re.compile(r"\$?\{(z|x|y|-y)\}")


def is_url(text: str) -> bool:
    return bool(re.match(r"^(https?|ftp)://", text, re.I)) or text.startswith("/vsi")


def secrets_of(url: str) -> list[str]:
    """The credential values inside ``url``: a password in its user part, secret-looking query values."""
    if not is_url(url) or url.startswith("/vsi"):
        return []
    parts = urlsplit(url)
    found = [parts.password] if parts.password else []
    if parts.username and parts.password:
        found.append(f"{parts.username}:{parts.password}")
    found += [value for name, value in parse_qsl(parts.query, keep_blank_values=True) if _is_secret(name)]
    return [s for s in found if s]


def _is_secret(name: str) -> bool:
    return bool(_SECRET_PARAM.search(name))


def redact(url: str) -> str:
    """``url`` without credentials: no user part, secret-looking query values replaced by REDACTED.
    Tile placeholders such as ``{z}`` are kept as written."""
    if not is_url(url) or url.startswith("/vsi"):
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    query = [
        (name, REDACTED if _is_secret(name) and value else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    text = urlunsplit((parts.scheme, host, parts.path, urlencode(query, safe="{}$,:/"), parts.fragment))
    return text


def scrub(text: str, secrets: list[str]) -> str:
    """``text`` (an error or log line) with every credential value replaced by REDACTED."""
    for secret in sorted(set(secrets), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


@dataclass(frozen=True)
class ImagerySource:
    """A frame's imagery as the user named it; ``location`` may hold credentials and is never stored."""

    kind: str  # one of KINDS
    location: str  # a path, a URL, or a tile URL template
    layer: str | None = None  # WMS/WMTS layer
    zoom: int | None = None  # XYZ/WMTS zoom level (tile matrix)
    resolution: float | None = None  # ground resolution in the service CRS units (WMS; XYZ picks a zoom)
    extent: tuple[float, float, float, float] | None = None  # xmin, ymin, xmax, ymax in extent_crs
    extent_crs: str | None = None  # default: the source's CRS
    crs: str | None = None  # WMS: the CRS the map is requested in (default EPSG:3857)
    image_format: str | None = None  # WMS/WMTS request format (default image/png)
    bands: int = 3  # service imagery: bands kept (3: RGB; 4 keeps alpha)
    assets: tuple[str, ...] = field(default_factory=tuple)  # STAC: asset keys or band names, in order
    download: bool = False  # remote COG/STAC: materialise a local copy instead of reading remotely
    tile_matrix_set: str | None = None  # WMTS: the tile matrix set (default: the layer's first)
    style: str | None = None  # WMS/WMTS: the style (default: the service's default style)

    @property
    def is_service(self) -> bool:
        return self.kind in SERVICE_KINDS

    @property
    def secrets(self) -> list[str]:
        return secrets_of(self.location)

    def public(self) -> dict:
        """What the record stores: everything needed to fetch again, credentials excepted."""
        described = {
            "kind": self.kind,
            "location": redact(self.location) if is_url(self.location) else self.location,
            "layer": self.layer,
            "zoom": self.zoom,
            "resolution": self.resolution,
            "extent": list(self.extent) if self.extent else None,
            "extent_crs": self.extent_crs,
            "crs": self.crs,
            "image_format": self.image_format,
            "bands": self.bands,
            "assets": list(self.assets),
            "download": self.download,
            "tile_matrix_set": self.tile_matrix_set,
            "style": self.style,
        }
        return {k: v for k, v in described.items() if v not in (None, [], "")}

    @classmethod
    def from_public(cls, described: dict, location: str | None = None) -> ImagerySource:
        """The source a record describes; ``location`` (with its credentials) replaces the stored one,
        which must then be the same once redacted."""
        stored = described["location"]
        if location is not None and redact(location) != stored:
            raise IsageError(f"{redact(location)}: not the source the record names ({stored}); give that URL")
        extent = described.get("extent")
        return cls(
            kind=described["kind"],
            location=location or stored,
            layer=described.get("layer"),
            zoom=described.get("zoom"),
            resolution=described.get("resolution"),
            extent=tuple(extent) if extent else None,
            extent_crs=described.get("extent_crs"),
            crs=described.get("crs"),
            image_format=described.get("image_format"),
            bands=described.get("bands", 3),
            assets=tuple(described.get("assets", ())),
            download=described.get("download", False),
            tile_matrix_set=described.get("tile_matrix_set"),
            style=described.get("style"),
        )

    @property
    def needs_secret(self) -> bool:
        """The stored location lost a credential (a REDACTED value): fetching again needs the full URL."""
        return REDACTED in self.location

    def label(self) -> str:
        """The source in one short line for messages (credentials removed)."""
        where = redact(self.location) if is_url(self.location) else self.location
        extra = [f"layer {self.layer}"] if self.layer else []
        extra += [f"zoom {self.zoom}"] if self.zoom is not None else []
        return f"{self.kind} {where}" + (f" ({', '.join(extra)})" if extra else "")


def resolve_location(text: str) -> str:
    """``env:NAME`` is the URL held by the environment variable NAME (a URL with an API key then never
    appears on a command line, which other users of the machine can list); anything else is itself."""
    if not text.startswith("env:"):
        return text
    name = text[len("env:") :]
    value = os.environ.get(name, "")
    if not value:
        raise IsageError(f"{text}: the environment variable {name} is not set; set it to the source's URL")
    return value


def guess_kind(location: str) -> str:
    """The kind of source ``location`` names: a tile template, a WMTS or WMS service, a STAC item (JSON),
    a remote raster (URL) or a local raster file."""
    lowered = location.lower()
    if _TEMPLATE.search(location):
        return "xyz"
    if "service=wmts" in lowered or "wmtscapabilities" in lowered or lowered.startswith("wmts:"):
        return "wmts"
    if "service=wms" in lowered:
        return "wms"
    path_part = urlsplit(location).path if is_url(location) else location
    if path_part.lower().endswith(".json"):
        return "stac"
    if is_url(location):
        return "cog"
    return "file"


def check_source(source: ImagerySource) -> None:
    """Refuse a source whose options do not fit its kind, naming the option to fix."""
    where = source.label()
    if source.kind not in KINDS:
        raise IsageError(f"{where}: unknown kind of source '{source.kind}'; use one of {', '.join(KINDS)}")
    if source.kind == "xyz" and source.zoom is None and source.resolution is None:
        raise IsageError(f"{where}: a tile service needs --zoom (or --resolution); give the zoom level")
    if source.kind == "wms" and source.resolution is None:
        raise IsageError(f"{where}: a WMS needs --resolution (ground size of a pixel in the map CRS)")
    if source.is_service and source.extent is None:
        raise IsageError(f"{where}: a service frame needs --extent XMIN YMIN XMAX YMAX (and --extent-crs)")
    if source.extent is not None:
        xmin, ymin, xmax, ymax = source.extent
        if not (xmax > xmin and ymax > ymin):
            why = "--extent must be XMIN YMIN XMAX YMAX with XMAX > XMIN and YMAX > YMIN"
            raise IsageError(f"{where}: {why}")
    if source.zoom is not None and not 0 <= source.zoom <= 30:
        raise IsageError(f"{where}: --zoom {source.zoom} is out of range; give a level from 0 to 30")
    if source.resolution is not None and not source.resolution > 0:
        raise IsageError(f"{where}: --resolution must be positive")
    if source.bands not in (1, 3, 4):
        raise IsageError(f"{where}: --bands must be 1, 3 or 4")
    if source.kind == "file" and not Path(source.location).exists():
        raise IsageError(f"{source.location}: raster not found; check the path (or give a URL)")
