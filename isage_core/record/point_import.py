"""Importing clicks from a GIS user's own points: any point layer GDAL reads (GeoPackage, shapefile,
GeoJSON, CSV with x/y columns), in any CRS, with a class field given as class ids or class names.

Each point becomes a click of the current iteration on the pixel of the first frame (in the record's
order) that contains it, with an annotator (a field of the layer or one name) and its source (file and
feature id) in the note. The import is all or nothing: every point is checked first and each refused
one reported (outside every frame, nodata, unknown class, over the budget, a duplicate or a conflict
with a click on the same pixel); ``keep_valid`` imports the accepted ones anyway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from .. import geo
from ..errors import IsageError
from .click_record import BatchReport, ClickRecord, ClickRequest
from .schema import ImportRefused  # noqa: F401 (raised by import_points, through BatchReport.settle)

log = logging.getLogger(__name__)

COORDINATE_FIELDS = (("x", "y"), ("lon", "lat"), ("longitude", "latitude"), ("easting", "northing"))


@dataclass(frozen=True)
class PointImport:
    """How to read a point layer's clicks."""

    class_field: str
    class_by: Literal["auto", "id", "name"] = "auto"  # auto: ids when every value is an integer
    layer: str | None = None  # the layer of a multi-layer file (default: the first)
    crs: str | None = None  # the points' CRS where the file has none (CSV) or states it wrongly
    x_field: str | None = None  # CSV: the columns holding the coordinates (default: x/y, lon/lat...)
    y_field: str | None = None
    annotator: str = ""
    annotator_field: str | None = None
    enforce_budget: bool = True
    keep_valid: bool = False


def import_points(record: ClickRecord, path: str | Path, settings: PointImport) -> BatchReport:
    """Add the points of ``path`` as clicks; see the module docstring. Raises :class:`ImportRefused`
    (nothing written, every refusal logged) when points are refused and ``keep_valid`` is off."""
    path = Path(path)
    table = _read_layer(path, settings)
    crs = settings.crs or table.crs
    if crs is None:
        raise IsageError(f"{path}: the points have no CRS; give it (--crs EPSG:4326, for example)")
    ids = _class_ids(path, table[settings.class_field], record, settings.class_by)
    xs = np.asarray([g.x if _is_point(g) else np.nan for g in table.geometry], dtype=float)
    ys = np.asarray([g.y if _is_point(g) else np.nan for g in table.geometry], dtype=float)
    placed = _place(record, xs, ys, crs)
    requests = []
    for index, (fid, class_id) in enumerate(zip(table.index, ids, strict=True)):
        source = f"{path.name} feature {fid}"
        annotator = settings.annotator
        if settings.annotator_field:
            value = table[settings.annotator_field].iloc[index]
            annotator = "" if _missing(value) else str(value)
        frame, row, col = placed[index]
        refusal = ""
        if not _is_point(table.geometry.iloc[index]):
            refusal = "not a point: the feature has no point geometry"
        elif frame is None:
            refusal = f"outside every frame: ({xs[index]:.6g}, {ys[index]:.6g}) lies on no frame"
        elif class_id is None:
            value = table[settings.class_field].iloc[index]
            refusal = f"unknown class: {settings.class_field} = {value!r} matches no class of the record"
        note = f"imported from {source}"
        requests.append(ClickRequest(source, frame, row, col, class_id, annotator, note, refusal))
    report = record.add_clicks(
        requests, enforce_budget=settings.enforce_budget, keep_valid=settings.keep_valid
    )
    report.settle(path, len(requests), "points", settings.keep_valid)
    log.info("%s: %d clicks imported, %d points refused", path, report.accepted, len(report.refused))
    return report


def _read_layer(path: Path, settings: PointImport):
    """The layer as a GeoDataFrame indexed by feature id; a CSV's coordinates made into points."""
    import geopandas as gpd
    import pyogrio

    if not path.is_file():
        raise IsageError(f"{path}: point layer not found; check the path")
    try:
        table = pyogrio.read_dataframe(path, layer=settings.layer, fid_as_index=True)
    except Exception as exc:  # pyogrio raises its own errors and GDAL's
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise IsageError(
            f"{path}: not a readable vector layer ({reason}); give a GeoPackage, shapefile, GeoJSON or CSV"
        ) from exc
    fields = [c for c in table.columns if c != "geometry"]
    for name in (settings.class_field, settings.annotator_field):
        if name and name not in fields:
            raise IsageError(
                f"{path}: no field '{name}' (fields: {', '.join(fields) or 'none'}); name one of them"
            )
    if isinstance(table, gpd.GeoDataFrame) and table.geometry.notna().any():
        return table
    x_field, y_field = _coordinate_fields(path, fields, settings)
    try:
        xs, ys = (np.asarray(table[f], dtype=float) for f in (x_field, y_field))
    except (TypeError, ValueError) as exc:
        raise IsageError(f"{path}: columns {x_field}/{y_field} are not all numbers; fix them") from exc
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(xs, ys), crs=settings.crs)


def _coordinate_fields(path: Path, fields: list[str], settings: PointImport) -> tuple[str, str]:
    if settings.x_field and settings.y_field:
        for name in (settings.x_field, settings.y_field):
            if name not in fields:
                raise IsageError(
                    f"{path}: no column '{name}' (columns: {', '.join(fields)}); name one of them"
                )
        return settings.x_field, settings.y_field
    lower = {f.lower(): f for f in fields}
    for x, y in COORDINATE_FIELDS:
        if x in lower and y in lower:
            return lower[x], lower[y]
    raise IsageError(f"{path}: no geometry and no x/y columns; name them with --x-field and --y-field")


def _class_ids(path: Path, values, record: ClickRecord, class_by: str) -> list[int | None]:
    """Each value's class id (None where it matches no class)."""
    classes = record.classes()
    ids = {c.id for c in classes}
    names = {c.name.strip().lower(): c.id for c in classes}
    present = [v for v in values if not _missing(v)]
    if class_by == "auto":
        class_by = "id" if present and all(_as_int(v) is not None for v in present) else "name"
    if class_by == "id":
        out = [_as_int(v) for v in values]
        return [v if v in ids else None for v in out]
    return [None if _missing(v) else names.get(str(v).strip().lower()) for v in values]


def _place(record: ClickRecord, xs: np.ndarray, ys: np.ndarray, crs) -> list[tuple[str | None, int, int]]:
    """For each point, the first frame containing it and its pixel there; (None, -1, -1) for none."""
    placed: list[tuple[str | None, int, int]] = [(None, -1, -1)] * len(xs)
    todo = np.isfinite(xs) & np.isfinite(ys)
    for frame in record.frames():
        if not todo.any():
            break
        fx, fy = xs[todo], ys[todo]
        if frame.info.crs is not None:
            fx, fy = geo.reproject_points(fx, fy, crs, frame.info.crs)
        inverse = ~frame.info.affine
        cols = np.floor(inverse.a * fx + inverse.b * fy + inverse.c)
        rows = np.floor(inverse.d * fx + inverse.e * fy + inverse.f)
        inside = (rows >= 0) & (rows < frame.info.height) & (cols >= 0) & (cols < frame.info.width)
        for index, row, col in zip(np.flatnonzero(todo)[inside], rows[inside], cols[inside], strict=True):
            placed[index] = (frame.name, int(row), int(col))
        todo[np.flatnonzero(todo)[inside]] = False
    return placed


def _is_point(geometry) -> bool:
    return geometry is not None and not geometry.is_empty and geometry.geom_type == "Point"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _as_int(value) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if np.isfinite(number) and number == int(number) else None
