"""Class polygons from a class raster, in strips of rows so memory stays bounded, into a GeoPackage.

Each strip is polygonised in pixel coordinates (exact integers), so polygons cut by a strip boundary
share identical edges with their continuation: only the polygons reaching the boundary are kept, and
merged by a per-class union with those touching it from the next strip. Finished polygons are moved to
map coordinates and written (class id, name, area in m² and ha) in batches, so memory holds about one
strip. Areas are in square metres whatever the CRS: on the ellipsoid for a geographic CRS.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np
from rasterio.windows import Window

from ..areas import M2_PER_HA, polygon_areas_m2
from ..atomic import atomic_output
from ..cancel import CancelToken
from ..errors import IsageError
from ..events import ProgressCallback
from ..geo import open_raster, read_pixels
from .rasterout import gdal_cache_limit
from .styles import polygon_qml, store_default_style

log = logging.getLogger(__name__)

STRIP_ROWS = 1024
SIEVE_HALO = 256  # extra rows read around a strip so the sieve sees small regions whole
GPKG_OPTIONS = {"VERSION": "1.3"}  # GDAL 3.6 (QGIS LTR) warns about the default 1.4
NODATA = 255


def vectorize(
    class_raster: str | Path,
    out_gpkg: str | Path,
    class_names: Mapping[int, str] | Sequence[str] | None = None,
    min_area_pixels: int = 0,
    layer: str = "classes",
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    *,
    strip_rows: int = STRIP_ROWS,
) -> Path:
    """Write one polygon per connected (4-neighbour) region of each class; return ``out_gpkg``.

    ``class_names`` maps class ids to names (a sequence pairs with the raster's ``CLASS_IDS`` tag, else is
    indexed by id); by default the names stored in the raster's tags. ``min_area_pixels`` first merges
    smaller regions into their neighbours (GDAL sieve, per strip with a halo of up to 256 rows). Nodata
    (the raster's nodata and 255) is not vectorised. The GeoPackage is written atomically.
    """
    import shapely

    out_gpkg = Path(out_gpkg)
    if strip_rows < 1:
        raise IsageError(f"strip of {strip_rows} rows: give at least 1")
    with (
        open_raster(class_raster, "class") as src,
        gdal_cache_limit(4 * (strip_rows + 2 * SIEVE_HALO) * src.width),
    ):
        names = _names(src, class_names)
        crs = src.crs.to_wkt() if src.crs else None
        with atomic_output(out_gpkg) as tmp:
            writer = _Writer(tmp, layer, crs, _affine_matrix(src.transform), names)
            open_parts: dict[int, list] = {}  # polygons reaching the bottom of the previous strip
            strips = list(range(0, src.height, strip_rows))
            for index, row0 in enumerate(strips):
                if cancel is not None:
                    cancel.check()
                row1 = min(row0 + strip_rows, src.height)
                done, top, carry = [], defaultdict(list), defaultdict(list)
                for value, polygon in _strip_polygons(src, row0, row1, min_area_pixels):
                    if row0 > 0 and polygon.bounds[1] <= row0:
                        top[value].append(polygon)
                    elif row1 < src.height and polygon.bounds[3] >= row1:
                        carry[value].append(polygon)
                    else:
                        done.append((value, polygon))
                for value in set(top) | set(open_parts):
                    union = shapely.union_all(open_parts.get(value, []) + top.get(value, []))
                    for part in shapely.get_parts(union):
                        if row1 < src.height and part.bounds[3] >= row1:
                            carry[value].append(part)
                        elif not part.is_empty:
                            done.append((value, part))
                open_parts = carry
                writer.add(done)
                if progress is not None:
                    progress(0.95 * (index + 1) / len(strips), f"strip {index + 1}/{len(strips)}")
            writer.flush()
            _store_style(tmp, layer, src, names)
            log.debug("vectorised %s: %d polygons", src.name, writer.count)
    if progress is not None:
        progress(1.0, "written")
    return out_gpkg


def _strip_polygons(src, row0: int, row1: int, min_area: int):
    """``(class_id, polygon)`` of rows row0..row1 in pixel coordinates (x = column, y = row)."""
    from rasterio.features import shapes, sieve
    from rasterio.transform import Affine
    from shapely.geometry import shape

    halo = min(min_area, SIEVE_HALO) if min_area > 1 else 0
    top, bottom = max(row0 - halo, 0), min(row1 + halo, src.height)
    window = Window(0, top, src.width, bottom - top)
    data = read_pixels(src, 1, window=window)
    valid = (src.read_masks(1, window=window) > 0) & (data != NODATA)
    if data.dtype.name not in ("uint8", "uint16", "int16", "int32"):
        data = data.astype(np.int32)
    if halo or min_area > 1:
        data = sieve(data, size=min_area, mask=valid, connectivity=4)
    data, valid = data[row0 - top : row1 - top], valid[row0 - top : row1 - top]
    for geom, value in shapes(data, mask=valid, connectivity=4, transform=Affine.translation(0, row0)):
        yield int(value), shape(geom)


def _store_style(gpkg: Path, layer: str, src, names: dict[int, str]) -> None:
    """The classes' colours and names as the layer's default QGIS style (grey for a class without one)."""
    if not names:
        return
    try:
        tags = src.tags()
        ids, colors = (json.loads(tags.get(k, "[]")) for k in ("CLASS_IDS", "CLASS_COLORS"))
        tagged = {int(i): str(c) for i, c in zip(ids, colors, strict=False)}
    except (ValueError, TypeError):
        tagged = {}
    ids = sorted(names)
    colors = [str(tagged.get(i, "#808080")) for i in ids]
    with closing(sqlite3.connect(gpkg)) as conn:
        sql = "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?"
        row = conn.execute(sql, (layer,)).fetchone()
    qml = polygon_qml(ids, [names[i] for i in ids], colors)
    store_default_style(gpkg, layer, row[0] if row else "geom", qml, f"{layer} classes")


def _affine_matrix(t) -> list[float]:
    return [t.a, t.b, t.d, t.e, t.c, t.f]


def _names(src, class_names) -> dict[int, str]:
    """Class id -> name from the argument or the raster's CLASS_IDS/CLASS_NAMES tags."""
    tags = src.tags()
    try:
        tag_ids = [int(v) for v in json.loads(tags.get("CLASS_IDS", "[]"))]
        tag_names = [str(v) for v in json.loads(tags.get("CLASS_NAMES", "[]"))]
    except (ValueError, TypeError):
        tag_ids, tag_names = [], []
    if class_names is None:
        return dict(zip(tag_ids, tag_names, strict=False))
    if isinstance(class_names, Mapping):
        return {int(k): str(v) for k, v in class_names.items()}
    names = [str(n) for n in class_names]
    if tag_ids and len(tag_ids) == len(names):
        return dict(zip(tag_ids, names, strict=True))
    return dict(enumerate(names))


class _Writer:
    """Appends polygons to one GeoPackage layer (created on the first flush), in batches."""

    BATCH = 50_000

    def __init__(self, path: Path, layer: str, crs: str | None, to_map: list[float], names: dict[int, str]):
        self.path, self.layer, self.crs, self.to_map, self.names = path, layer, crs, to_map, names
        self.count = 0
        self._pending: list[tuple[int, object]] = []
        self._created = False

    def add(self, items: list) -> None:
        self._pending.extend(items)
        if len(self._pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._pending and self._created:
            return
        import geopandas as gpd
        import pandas as pd
        import shapely

        items, self._pending = self._pending, []
        a, b, d, e, c, f = self.to_map
        matrix, offset = np.array([[a, d], [b, e]]), np.array([c, f])
        geoms = np.asarray([p for _, p in items], dtype=object)
        polygons = shapely.transform(geoms, lambda xy: xy @ matrix + offset)
        columns = {
            "class_id": np.asarray([v for v, _ in items], dtype=np.int32),
            "class_name": pd.Series([self.names.get(v, str(v)) for v, _ in items], dtype="string"),
        }
        if (
            self.crs
        ):  # m² on the ellipsoid for a geographic CRS, the CRS's units converted for a projected one
            area = polygon_areas_m2(polygons, self.crs)
            columns.update(area_m2=area, area_ha=area / M2_PER_HA)
        else:  # a raster without a CRS: its own units, unknown
            columns["area_map_units2"] = shapely.area(polygons).astype(np.float64)
        frame = gpd.GeoDataFrame(
            columns,
            geometry=gpd.GeoSeries(polygons, crs=self.crs),
            crs=self.crs,
        )
        options = {"append": True} if self._created else {"dataset_options": GPKG_OPTIONS}
        frame.to_file(
            self.path, layer=self.layer, driver="GPKG", engine="pyogrio", geometry_type="Polygon", **options
        )
        self._created = True
        self.count += len(items)
