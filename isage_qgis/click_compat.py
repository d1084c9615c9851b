"""Enum values the click modules need whose names moved between QGIS 3.22 and 3.34+/QGIS 4."""

from __future__ import annotations

from qgis.core import Qgis, QgsFeatureRequest, QgsRaster


def _pick(*candidates: tuple[object, str]):
    """The first ``owner.name`` that exists (the new scoped spelling first, then the QGIS 3.22 one)."""
    for owner, name in candidates:
        if owner is not None and hasattr(owner, name):
            return getattr(owner, name)
    raise AttributeError(f"none of {[n for _, n in candidates]} exists in this QGIS")


NO_GEOMETRY = _pick(
    (getattr(Qgis, "FeatureRequestFlag", None), "NoGeometry"),
    (getattr(QgsFeatureRequest, "Flag", None), "NoGeometry"),
)
ALPHA_BAND = _pick(
    (getattr(Qgis, "RasterColorInterpretation", None), "AlphaBand"),
    (getattr(QgsRaster, "ColorInterpretation", None), "AlphaBand"),
)
