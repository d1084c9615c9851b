"""Materialising imagery: a window of a GDAL source (a service, a remote COG, a mosaic) read block by block
into a local Cloud-Optimized GeoTIFF, so training, prediction and the fingerprint use the same bytes.

Service tiles land in GDAL's disk cache first, so a download stopped by a network failure, a cancel or a
kill resumes from the tiles it has; the COG appears under its final name only once complete."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import rasterio.shutil
from rasterio.errors import RasterioError
from rasterio.windows import Window

from ..atomic import atomic_output, kill_point, partial_path, remove_stale_partials
from ..cancel import CancelToken
from ..errors import IsageError
from ..events import ProgressCallback
from .errors import explain
from .spec import ImagerySource

log = logging.getLogger(__name__)

CHUNK = 1024  # pixels per side of a read: four 256-pixel tiles across
_PNG_END = b"IEND\xaeB`\x82"
_JPEG_END = b"\xff\xd9"


@dataclass(frozen=True)
class FetchReport:
    """What a materialisation read and wrote."""

    path: Path
    width: int
    height: int
    seconds: float
    downloaded_bytes: int  # bytes the cache grew by: what came over the network this time
    cached_files: int  # tiles (or map blocks) in the cache after the fetch

    @property
    def megapixels_per_s(self) -> float:
        return self.width * self.height / 1e6 / self.seconds if self.seconds > 0 else float("inf")


def cache_usage(cache_dir: Path | None) -> tuple[int, int]:
    """Files and bytes in a tile cache folder."""
    if cache_dir is None or not Path(cache_dir).is_dir():
        return 0, 0
    files = [p for p in Path(cache_dir).rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def sweep_cache(cache_dir: Path) -> int:
    """Remove cached tiles a killed download may have left truncated (a PNG without its end chunk, a JPEG
    without its end marker, an empty file); returns how many."""
    removed = 0
    for path in Path(cache_dir).rglob("*") if Path(cache_dir).is_dir() else []:
        if not path.is_file():
            continue
        data = path.read_bytes()
        complete = bool(data) and not (
            (data.startswith(b"\x89PNG") and not data.rstrip(b"\x00").endswith(_PNG_END))
            or (data.startswith(b"\xff\xd8") and not data.rstrip(b"\x00").endswith(_JPEG_END))
        )
        if not complete:
            path.unlink()
            removed += 1
    if removed:
        log.info("%s: removed %d incomplete cached tile(s); they are fetched again", cache_dir, removed)
    return removed


def materialise(
    src,
    window: Window,
    target: Path,
    source: ImagerySource,
    progress: ProgressCallback,
    cancel: CancelToken,
    cache_dir: Path | None = None,
) -> FetchReport:
    """Read ``window`` of the open dataset ``src`` into the COG ``target`` (replaced atomically)."""
    began = time.monotonic()
    target = Path(target)
    remove_stale_partials([target.parent])
    bytes_before = cache_usage(cache_dir)[1]
    width, height = int(window.width), int(window.height)
    profile = dict(
        driver="GTiff", width=width, height=height, count=src.count, dtype=src.dtypes[0], crs=src.crs,
        transform=src.window_transform(window), tiled=True, blockxsize=256, blockysize=256,
        compress="deflate", nodata=src.nodata,
    )  # fmt: skip
    chunks = [
        Window(col, row, min(CHUNK, width - col), min(CHUNK, height - row))
        for row in range(0, height, CHUNK)
        for col in range(0, width, CHUNK)
    ]
    staging = partial_path(target.with_name(f"{target.stem}.fetch.tif"))  # never renamed: copied to the COG
    try:
        with rasterio.open(staging, "w", **profile) as dst:
            for done, chunk in enumerate(chunks):
                cancel.check()
                dst.write(_read(src, window, chunk, source), window=chunk)
                size = cache_usage(cache_dir)[1] if cache_dir else 0
                downloaded = f" ({(size - bytes_before) / 1e6:.1f} MB downloaded)" if cache_dir else ""
                message = f"fetched {done + 1}/{len(chunks)} blocks{downloaded}"
                progress((done + 1) / len(chunks) * 0.9, message)
                kill_point("fetch-after-block")
        cancel.check()
        with atomic_output(target) as part:
            rasterio.shutil.copy(staging, part, driver="COG", COMPRESS="DEFLATE", BLOCKSIZE=512)
    finally:
        staging.unlink(missing_ok=True)
    progress(1.0, f"wrote {target.name}")
    files_after, bytes_after = cache_usage(cache_dir)
    return FetchReport(
        target, width, height, time.monotonic() - began, max(0, bytes_after - bytes_before), files_after
    )


def _read(src, window: Window, chunk: Window, source: ImagerySource) -> np.ndarray:
    """One chunk of ``window``; GDAL's network errors (several exception kinds) become one line."""
    read = Window(window.col_off + chunk.col_off, window.row_off + chunk.row_off, chunk.width, chunk.height)
    try:
        return np.ascontiguousarray(src.read(window=read))
    except IsageError:
        raise
    except (RasterioError, RuntimeError, ValueError, OSError) as exc:
        raise explain(exc, source, "download failed") from exc


def estimate(width: int, height: int, bands: int) -> dict:
    """What a download of ``width`` x ``height`` pixels costs before it starts: pixels, tiles of 256 px,
    and an estimate of the bytes (compressed imagery is about 0.4-1 byte a pixel; stated as a range)."""
    pixels, scale = width * height, bands / 3 / 1e6
    tiles = math.ceil(width / 256 + 1) * math.ceil(height / 256 + 1)
    return {
        "pixels": pixels,
        "tiles_at_most": tiles,
        "download_mb_range": [round(pixels * scale * 0.3, 1), round(pixels * scale * 1.2, 1)],
    }
