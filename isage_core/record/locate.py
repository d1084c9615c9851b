"""Where frames and clicks are, for either record backend: paths as a record stores them, the frames
under a map point, the pixel a map point falls in, and frames that moved on disk."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from rasterio.crs import CRS

from .. import geo
from ..errors import IsageError
from .schema import _RASTER_SUFFIXES, Frame


def stored_path(path: str | Path, base: Path) -> str:
    """``path`` as a record stores it: relative to ``base`` unless they share only the root."""
    target = Path(path).resolve()
    try:
        common = Path(os.path.commonpath([target, base]))
    except ValueError:  # another drive
        return target.as_posix()
    if common == Path(common.anchor):
        return target.as_posix()
    return Path(os.path.relpath(target, base)).as_posix()


def resolve_stored(stored: str, base: Path) -> Path:
    """The absolute path of a stored frame path (relative ones are relative to ``base``)."""
    return (Path(stored) if Path(stored).is_absolute() else base / stored).resolve()


def frames_at(frames: Iterable[Frame], x: float, y: float, crs=None) -> list[str]:
    """Names of the frames with a pixel at map point ``(x, y)`` (in ``crs``, default each frame's)."""
    names = []
    for frame in frames:
        px, py = x, y
        if crs is not None and frame.info.crs is not None:
            (px,), (py,) = geo.reproject_points([x], [y], crs, frame.info.crs)
        row, col = geo.map_to_pixel(frame.info.affine, float(px), float(py))
        if 0 <= row < frame.info.height and 0 <= col < frame.info.width:
            names.append(frame.name)
    return names


def pixel_at(frame: Frame, x: float, y: float, crs, where: str) -> tuple[int, int]:
    """The pixel (row, col) of ``frame`` holding map point ``(x, y)`` in ``crs`` (None: the frame's)."""
    if crs is not None:
        if frame.info.crs is None:
            raise IsageError(f"{frame.path}: frame '{frame.name}' has no CRS; give the click as row/col")
        to_frame = transformer(as_crs(crs, where).to_wkt(), frame.info.crs_wkt)
        x, y = (float(v) for v in to_frame.transform(x, y)) if to_frame else (x, y)
        if not (np.isfinite(x) and np.isfinite(y)):
            raise IsageError(f"{where}: the click cannot be placed in CRS {crs!r}; check its CRS")
    return geo.map_to_pixel(frame.info.affine, x, y)


def record_point(info: geo.FrameInfo, row: int, col: int, record_wkt: str) -> tuple[float, float]:
    """The centre of pixel ``(row, col)`` of a frame, in the record's CRS."""
    x, y = geo.pixel_center(info.affine, row, col)
    to_record = transformer(info.crs_wkt, record_wkt)
    if to_record is not None:
        x, y = to_record.transform(x, y)
    return float(x), float(y)


def find_moved_frames(frames: Iterable[Frame], search_dirs: list[str | Path]) -> dict[str, Path]:
    """For each frame whose file is missing, a file under ``search_dirs`` with the same fingerprint
    (files with the same name first, then other rasters)."""
    missing = [f for f in frames if not f.exists]
    if not missing:
        return {}
    files = sorted({p.resolve() for d in search_dirs for p in Path(d).rglob("*") if p.is_file()})
    seen: dict[Path, str | None] = {}
    found: dict[str, Path] = {}
    for f in missing:
        suffixes = _RASTER_SUFFIXES | {f.path.suffix.lower()}
        same = [p for p in files if p.name == f.path.name]
        other = [p for p in files if p.name != f.path.name and p.suffix.lower() in suffixes]
        for cand in same + other:
            if cand not in seen:
                try:
                    seen[cand] = geo.frame_info(cand).fingerprint
                except IsageError:
                    seen[cand] = None
            if seen[cand] == f.info.fingerprint:
                found[f.name] = cand
                break
    return found


@functools.lru_cache(maxsize=32)
def transformer(src_wkt: str, dst_wkt: str):
    """A cached pyproj transformer between two CRSs; None when no reprojection is needed."""
    if not src_wkt or not dst_wkt or src_wkt == dst_wkt or CRS.from_wkt(src_wkt) == CRS.from_wkt(dst_wkt):
        return None
    from pyproj import Transformer

    return Transformer.from_crs(src_wkt, dst_wkt, always_xy=True)


def as_crs(crs, where: str) -> CRS:
    try:
        return CRS.from_user_input(crs)
    except Exception as exc:
        raise IsageError(f"{where}: unknown CRS {crs!r}; give an EPSG code like 'EPSG:31983' or WKT") from exc
