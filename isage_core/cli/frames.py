"""``isage frames``: add frames from any imagery source, list, re-link, find and refresh them."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cancel import CancelToken
from ..errors import IsageError
from ..record.frame_sources import FrameSources
from ..record.workspace import Workspace
from ..sources.frames import add_frame_from_source, refresh_frame
from ..sources.services import DEFAULT_TIMEOUT_S
from ..sources.spec import KINDS, ImagerySource, guess_kind, resolve_location
from .reporters import Reporter


def add_frames_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["add", "list", "relink", "find", "refresh"])
    p.add_argument("workspace")
    p.add_argument(
        "paths", nargs="*",
        help="add: rasters, URLs of COGs, tile templates (https://host/{z}/{x}/{y}.png), WMTS capabilities "
        "or WMS URLs, STAC item JSON files or URLs (a URL with a key: env:NAME, the variable holding it); "
        "relink: NAME NEW_PATH; find: folders to search; refresh: frame names (default: every frame added "
        "from a source)",
    )  # fmt: skip
    p.add_argument("--name", help="frame name for a single added source (default: from the file or service)")
    p.add_argument("--kind", choices=KINDS, help="what the source is (default: guessed from it)")
    p.add_argument("--zoom", type=int, help="XYZ/WMTS: the zoom level (tile matrix) to fetch")
    p.add_argument(
        "--resolution", type=float,
        help="WMS: ground size of a pixel in the map CRS; XYZ: picks the zoom level that reaches it",
    )  # fmt: skip
    p.add_argument(
        "--extent", type=float, nargs=4, metavar=("XMIN", "YMIN", "XMAX", "YMAX"),
        help="the area to fetch (services), or a window (AOI) of a larger raster or COG",
    )  # fmt: skip
    p.add_argument("--extent-crs", help="CRS of --extent (default: the source's CRS), e.g. EPSG:4326")
    p.add_argument("--layer", help="WMS/WMTS layer")
    p.add_argument("--tile-matrix-set", help="WMTS: the tile matrix set (default: the layer's first)")
    p.add_argument("--style", help="WMS/WMTS: the style (default: the service's default)")
    p.add_argument("--crs", dest="service_crs", help="WMS: the CRS to request the map in (default EPSG:3857)")
    p.add_argument("--format", dest="image_format", help="WMS/WMTS image format (default image/png)")
    p.add_argument(
        "--bands", type=int, default=3, help="service imagery bands kept: 3 (RGB) or 4 (with alpha)"
    )
    p.add_argument("--assets", help="STAC: comma list of asset keys or band names, in band order")
    p.add_argument(
        "--download",
        action="store_true",
        help="remote COG/STAC: keep a local copy instead of reading remotely",
    )
    p.add_argument(
        "--url", help="refresh: the source URL with its credentials, where the record keeps it redacted"
    )
    p.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds a network request may take"
    )


def source_from_args(a, location: str) -> ImagerySource:
    location = resolve_location(location)
    return ImagerySource(
        kind=a.kind or guess_kind(location),
        location=location,
        layer=a.layer,
        zoom=a.zoom,
        resolution=a.resolution,
        extent=tuple(a.extent) if a.extent else None,
        extent_crs=a.extent_crs,
        crs=a.service_crs,
        image_format=a.image_format,
        bands=a.bands,
        assets=tuple(s.strip() for s in (a.assets or "").split(",") if s.strip()),
        download=a.download,
        tile_matrix_set=a.tile_matrix_set,
        style=a.style,
    )


def frames_cmd(a, reporter: Reporter, cancel: CancelToken) -> None:
    ws = Workspace.open(a.workspace)
    record = ws.record
    if a.action == "add":
        if not a.paths:
            raise IsageError("frames add: give at least one raster path or source URL")
        if a.name and len(a.paths) > 1:
            raise IsageError("frames add: --name applies to a single source; add the others separately")
        added, fetched = [], {}
        for index, location in enumerate(a.paths):
            step = reporter.scaled(index / len(a.paths), (index + 1) / len(a.paths))
            result = add_frame_from_source(ws, source_from_args(a, location), a.name, step, cancel, a.timeout)
            added.append(result.frame.name)
            if result.fetch is not None:
                fetched[result.frame.name] = {
                    "size": [result.fetch.width, result.fetch.height],
                    "seconds": round(result.fetch.seconds, 2),
                    "megapixels_per_s": round(result.fetch.megapixels_per_s, 2),
                    "downloaded_mb": round(result.fetch.downloaded_bytes / 1e6, 2),
                }
        reporter.result(added=added, frames=len(record.frames()), **({"fetched": fetched} if fetched else {}))
    elif a.action == "relink":
        if len(a.paths) != 2:
            raise IsageError("frames relink: give NAME NEW_PATH")
        frame = record.relink_frame(a.paths[0], a.paths[1])
        reporter.result(relinked={frame.name: str(frame.path)})
    elif a.action == "find":
        names = record.resolve_missing_frames([Path(p) for p in a.paths or ["."]])
        missing = [f.name for f in record.frames() if not f.path.exists()]
        reporter.result(relinked=names, still_missing=missing)
    elif a.action == "refresh":
        sourced = sorted({row.frame for row in FrameSources(record).history() if row.event == "added"})
        names = a.paths or sourced
        if not names:
            raise IsageError(f"{record.where}: no frame was added from a service, a URL or a STAC item")
        checked = {}
        for index, name in enumerate(names):
            step = reporter.scaled(index / len(names), (index + 1) / len(names))
            url = resolve_location(a.url) if a.url else None
            result = refresh_frame(ws, name, step, cancel, url, a.timeout)
            checked[name] = {"imagery": result.event, "detail": result.detail}
        reporter.result(refreshed=checked)
    else:
        history = FrameSources(record)
        rows = {}
        for f in record.frames():
            rows[f.name] = {
                "path": str(f.path),
                "exists": f.path.exists(),
                "size": [f.info.width, f.info.height],
                "bands": f.info.band_count,
                "dtype": f.info.dtype,
            }
            source = history.source_of(f.name)
            if source:
                rows[f.name]["source"] = source
        reporter.result(frames=rows)
