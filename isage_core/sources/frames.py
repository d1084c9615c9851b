"""Adding a frame from any imagery source, and checking later that the source still serves the same
imagery. Services are materialised into ``frames/NAME.tif`` (stable pixels; tiles cached in
``cache/tiles`` so a stopped download resumes); remote COGs, STAC items and windows of large mosaics
become ``frames/NAME.vrt`` read where they lie, or a local COG with ``download``."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import rasterio
from rasterio.crs import CRS
from rasterio.transform import Affine

from .. import geo
from ..cancel import CancelToken
from ..errors import IsageError
from ..events import ProgressCallback
from ..record.frame_sources import FrameSources
from ..record.schema import Frame, unique_name
from ..record.workspace import Workspace
from . import fetch, services, stac
from .services import DEFAULT_TIMEOUT_S
from .spec import ImagerySource, check_source, is_url
from .vrt import BandSource, open_remote, window_bands, write_vrt

log = logging.getLogger(__name__)

MAX_PIXELS = 400_000_000  # a service frame larger than this is refused: split the area into AOIs


@dataclass(frozen=True)
class AddedFrame:
    frame: Frame
    source: dict
    fetch: fetch.FetchReport | None  # None: nothing was downloaded


def frames_dir(workspace: Workspace) -> Path:
    folder = workspace.folder / "frames"
    folder.mkdir(exist_ok=True)
    return folder


def tile_cache(workspace: Workspace) -> Path:
    return workspace.folder / "cache" / "tiles"


def default_name(source: ImagerySource) -> str:
    """A frame name from the source: the file or host and layer, with the zoom."""
    if is_url(source.location):
        parts = urlsplit(source.location)
        stem = Path(parts.path).stem if source.kind in ("cog", "stac") else (parts.hostname or "service")
    else:
        stem = Path(source.location).stem
    bits = [stem, source.layer or "", f"z{source.zoom}" if source.zoom is not None else ""]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", "_".join(b for b in bits if b)).strip("_") or "frame"


def resolve_zoom(source: ImagerySource) -> ImagerySource:
    """An XYZ source given by ground resolution gets the zoom level that reaches it."""
    if source.kind == "xyz" and source.zoom is None and source.resolution is not None:
        return replace(source, zoom=services.zoom_for(source.resolution))
    return source


def add_frame_from_source(
    workspace: Workspace,
    source: ImagerySource,
    name: str | None,
    progress: ProgressCallback,
    cancel: CancelToken,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> AddedFrame:
    """Add a frame from ``source``; nothing is left in the workspace or the record if it fails."""
    check_source(source)
    source = resolve_zoom(source)
    record = workspace.record
    if source.kind == "file" and source.extent is None:
        return AddedFrame(record.add_frame(source.location, name=name), {}, None)
    taken = {f.name for f in record.frames()}
    if name is not None and (not name.strip() or name in taken or not re.fullmatch(r"[A-Za-z0-9_.-]+", name)):
        raise IsageError(
            f"{record.where}: frame name '{name}' is empty, taken or not a plain file name; choose another"
        )
    name = name or unique_name(default_name(source), taken)
    folder = frames_dir(workspace)
    made: list[Path] = []
    try:
        if source.is_service:
            target = folder / f"{name}.tif"
            report = _fetch_service(source, target, tile_cache(workspace), progress, cancel, timeout_s)
            made.append(target)
        else:
            vrt = folder / f"{name}.vrt"
            _write_window_vrt(source, vrt, timeout_s)
            made.append(vrt)
            report = None
            target = vrt
            if source.download:
                target = folder / f"{name}.tif"
                with rasterio.open(vrt) as src:
                    window = rasterio.windows.Window(0, 0, src.width, src.height)
                    report = fetch.materialise(src, window, target, source, progress, cancel)
                made.append(target)
                vrt.unlink()
                made.remove(vrt)
        described = source.public()
        frame = record.add_frame(target, name=name, source=described)
    except BaseException:
        for path in made:
            path.unlink(missing_ok=True)
        raise
    log.info("frame '%s' added from %s", name, source.label())
    return AddedFrame(frame, described, report)


def _fetch_service(source, target, cache_dir, progress, cancel, timeout_s) -> fetch.FetchReport:
    cache_dir.mkdir(parents=True, exist_ok=True)
    fetch.sweep_cache(cache_dir)
    with rasterio.Env(**services.HTTP_OPTIONS), services.open_service(source, cache_dir, timeout_s) as src:
        window = services.service_window(src, source)
        pixels = int(window.width) * int(window.height)
        if pixels > MAX_PIXELS:
            raise IsageError(
                f"{source.label()}: the extent is {int(window.width)} x {int(window.height)} px at this "
                f"zoom/resolution ({pixels / 1e6:.0f} Mpx, over {MAX_PIXELS / 1e6:.0f}); add smaller AOIs"
            )
        cost = fetch.estimate(int(window.width), int(window.height), src.count)
        low, high = cost["download_mb_range"]
        progress(0.0, f"{int(window.width)} x {int(window.height)} px to fetch, about {low}-{high} MB")
        return fetch.materialise(src, window, target, source, progress, cancel, cache_dir)


def _write_window_vrt(source: ImagerySource, vrt: Path, timeout_s: float) -> None:
    """A VRT over the source (a raster by path or URL, or a STAC item's bands) cut to its extent."""
    if source.kind == "stac":
        chosen = stac.choose_bands(stac.read_item(source, timeout_s), source)
        grids = []
        for band in chosen:
            with open_remote(band.href, source) as src:
                grids.append((band, src.name, src.crs, src.transform, src.width, src.height, src.count,
                               src.dtypes, src.nodata))  # fmt: skip
        crs = grids[0][2]
        if any(g[2] != crs for g in grids):
            raise IsageError(
                f"{source.label()}: the chosen assets lie in different CRSs; choose assets of one CRS"
            )
        finest = min(grids, key=lambda g: abs(g[3].a))
        transform, width, height = _target_grid(source, finest[3], finest[4], finest[5], crs)
        bands = []
        for band, name, _, src_transform, _, _, count, dtypes, nodata in grids:
            rect = _src_rect(transform, width, height, src_transform)
            numbers = [band.band] if band.band else list(range(1, count + 1))
            bands += [BandSource(name, b, rect, dtypes[b - 1], nodata) for b in numbers]
        write_vrt(vrt, width, height, crs, transform, bands)
        return
    with open_remote(source.location, source) as src:
        if source.extent is not None:
            window = services.service_window(src, source)
        else:
            window = rasterio.windows.Window(0, 0, src.width, src.height)
        write_vrt(vrt, int(window.width), int(window.height), src.crs, src.window_transform(window),
                  window_bands(src, window))  # fmt: skip


def _target_grid(source, transform: Affine, width: int, height: int, crs: CRS) -> tuple[Affine, int, int]:
    """The grid of the finest asset, cut to the source's extent (whole pixels)."""
    if source.extent is None:
        return transform, width, height

    bounds = rasterio.transform.array_bounds(height, width, transform)  # west, south, east, north
    grid = SimpleNamespace(crs=crs, transform=transform, width=width, height=height, bounds=bounds)
    window = services.service_window(grid, source)
    return rasterio.windows.transform(window, transform), int(window.width), int(window.height)


def _src_rect(dst: Affine, width: int, height: int, src: Affine) -> tuple[float, float, float, float]:
    """The window of a source grid that covers the target grid (fractional pixels allowed)."""
    col0, row0 = ~src * (dst.c, dst.f)
    col1, row1 = ~src * (dst.c + dst.a * width, dst.f + dst.e * height)
    return float(col0), float(row0), float(col1 - col0), float(row1 - row0)


@dataclass(frozen=True)
class RefreshResult:
    frame: str
    event: str  # 'unchanged' or 'changed'
    fingerprint: str
    detail: str


def refresh_frame(
    workspace: Workspace,
    name: str,
    progress: ProgressCallback,
    cancel: CancelToken,
    location: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> RefreshResult:
    """Fetch a frame's imagery again from its source (no cached tile reused), compare fingerprints and
    record the check. The frame keeps the pixels it was added with."""
    record = workspace.record
    frame = record.frame(name)
    history = FrameSources(record)
    described = history.source_of(name)
    if described is None:
        raise IsageError(
            f"{record.where}: frame '{name}' was added from a local file; it has no source to refresh"
        )
    source = ImagerySource.from_public(described, location)
    if source.needs_secret:
        raise IsageError(
            f"{source.label()}: the stored URL lost its credentials (REDACTED); give the full URL with --url"
        )
    # nothing cached may answer for the source: GDAL keeps remote files' blocks per process (isage serve)
    with (
        rasterio.Env(CPL_VSIL_CURL_NON_CACHED="/vsicurl/"),
        tempfile.TemporaryDirectory(prefix="isage-refresh-", dir=workspace.folder) as scratch,
    ):
        scratch = Path(scratch)
        if source.is_service:
            target = scratch / "refetch.tif"
            _fetch_service(source, target, scratch / "tiles", progress, cancel, timeout_s)
        else:
            target = scratch / "refetch.vrt"
            _write_window_vrt(source, target, timeout_s)
        fingerprint = geo.frame_info(target).fingerprint
    same = fingerprint == frame.info.fingerprint
    remote = frame.path.suffix.lower() == ".vrt"
    detail = "the source serves the imagery the frame was added with"
    if not same:
        detail = f"the source's imagery changed (fingerprint {frame.info.fingerprint} -> {fingerprint}); " + (
            "the frame reads it where it lies, so training and prediction refuse it until the imagery is "
            "restored; add it again with --download to keep a copy"
            if remote
            else "the frame keeps the pixels it was added with; add the new imagery as a new frame to use it"
        )
    history.add(name, "unchanged" if same else "changed", described, fingerprint, detail)
    return RefreshResult(name, "unchanged" if same else "changed", fingerprint, detail)


def remove_cache(workspace: Workspace) -> None:
    """Drop the workspace's tile cache (the frames keep their pixels)."""
    shutil.rmtree(tile_cache(workspace), ignore_errors=True)
