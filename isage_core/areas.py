"""Areas in square metres, whatever the CRS: pixels of a raster grid and polygons.

A projected CRS gives areas in its own units squared, converted to m² by the unit's length in metres
(a CRS in US feet, say); a geographic CRS gives areas on its ellipsoid (exact for a north-up grid cell,
pyproj's geodesic polygon area for polygons). A raster without a CRS has no area in m²: an error.
"""

from __future__ import annotations

import math

import numpy as np
from pyproj import CRS, Geod

from .errors import IsageError

M2_PER_HA = 10_000.0


def _crs(crs) -> CRS | None:
    if crs is None or crs == "":
        return None
    return CRS.from_user_input(crs if not hasattr(crs, "to_wkt") else crs.to_wkt())


def unit_m(crs) -> float:
    """Metres per unit of a projected CRS's first axis."""
    return float(_crs(crs).axis_info[0].unit_conversion_factor)


def _geod(crs: CRS) -> Geod:
    ellipsoid = crs.ellipsoid
    return Geod(a=ellipsoid.semi_major_metre, b=ellipsoid.semi_minor_metre)


def _band_term(lat_rad: np.ndarray, e: float) -> np.ndarray:
    """The ellipsoid's authalic term: area between the equator and latitude ``lat`` per radian of
    longitude is ``b**2 / 2 * term(lat)``."""
    s = np.sin(lat_rad)
    if e == 0.0:
        return 2.0 * s
    return s / (1.0 - (e * s) ** 2) + np.log((1.0 + e * s) / (1.0 - e * s)) / (2.0 * e)


def pixel_areas_m2(crs, transform, rows: np.ndarray, what: str = "raster") -> np.ndarray:
    """Area in m² of one pixel in each of ``rows`` of a grid with affine ``transform`` (rasterio order
    a, b, c, d, e, f) in ``crs``; ``what`` names the raster in errors."""
    rows = np.asarray(rows, dtype=np.float64)
    pcrs = _crs(crs)
    if pcrs is None:
        raise IsageError(f"{what}: no CRS, so no area in m²; georeference it (assign its CRS)")
    a, b, c, d, e, f = (float(v) for v in tuple(transform)[:6])
    if not pcrs.is_geographic:
        return np.full(rows.shape, abs(a * e - b * d) * unit_m(pcrs) ** 2)
    if b != 0.0 or d != 0.0:
        raise IsageError(
            f"{what}: a rotated grid in a geographic CRS; warp it to a north-up grid for areas in m²"
        )
    ellipsoid = pcrs.ellipsoid
    semi_minor = ellipsoid.semi_minor_metre
    ecc = math.sqrt(max(0.0, 1.0 - (semi_minor / ellipsoid.semi_major_metre) ** 2))
    to_rad = pcrs.axis_info[0].unit_conversion_factor  # radians per unit (a degree: pi / 180)
    lat_top = np.clip((f + e * rows) * to_rad, -math.pi / 2, math.pi / 2)
    lat_bottom = np.clip((f + e * (rows + 1.0)) * to_rad, -math.pi / 2, math.pi / 2)
    band = np.abs(_band_term(lat_top, ecc) - _band_term(lat_bottom, ecc))
    return semi_minor**2 / 2.0 * abs(a * to_rad) * band


def polygon_areas_m2(polygons, crs) -> np.ndarray:
    """Area in m² of each shapely polygon (in ``crs``): planar times the unit's square for a projected
    CRS, geodesic on the ellipsoid for a geographic one."""
    import shapely

    polygons = np.asarray(polygons, dtype=object)
    pcrs = _crs(crs)
    if pcrs is None:
        raise IsageError("polygons without a CRS have no area in m²; georeference the raster first")
    if not pcrs.is_geographic:
        return shapely.area(polygons).astype(np.float64) * unit_m(pcrs) ** 2
    geod = _geod(pcrs)
    return np.array([abs(geod.geometry_area_perimeter(p)[0]) for p in polygons], dtype=np.float64)
