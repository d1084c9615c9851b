"""Enum values whose names moved between QGIS 3.22 and 3.34+/QGIS 4 (Qt6): one place to pick them."""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsFeatureRequest,
    QgsMapLayerProxyModel,
    QgsProcessing,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsRaster,
)


def _pick(new: str, old):
    """``Qgis.<new>`` (QGIS >= 3.36, the only spelling in QGIS 4) when it exists, else ``old()``."""
    value = Qgis
    try:
        for part in new.split("."):
            value = getattr(value, part)
        return value
    except AttributeError:
        return old()


FLAG_ADVANCED = _pick(
    "ProcessingParameterFlag.Advanced", lambda: QgsProcessingParameterDefinition.Flag.FlagAdvanced
)
FLAG_OPTIONAL = _pick(
    "ProcessingParameterFlag.Optional", lambda: QgsProcessingParameterDefinition.Flag.FlagOptional
)
NUMBER_INTEGER = _pick(
    "ProcessingNumberParameterType.Integer", lambda: QgsProcessingParameterNumber.Type.Integer
)
NUMBER_DOUBLE = _pick(
    "ProcessingNumberParameterType.Double", lambda: QgsProcessingParameterNumber.Type.Double
)
FILE_BEHAVIOR_FILE = _pick(
    "ProcessingFileParameterBehavior.File", lambda: QgsProcessingParameterFile.Behavior.File
)
FILE_BEHAVIOR_FOLDER = _pick(
    "ProcessingFileParameterBehavior.Folder", lambda: QgsProcessingParameterFile.Behavior.Folder
)
VECTOR_POLYGON = _pick(
    "ProcessingSourceType.VectorPolygon", lambda: QgsProcessing.SourceType.TypeVectorPolygon
)
VECTOR_POINT = _pick("ProcessingSourceType.VectorPoint", lambda: QgsProcessing.SourceType.TypeVectorPoint)
POLYGON_LAYERS = _pick("LayerFilter.PolygonLayer", lambda: QgsMapLayerProxyModel.Filter.PolygonLayer)

# Qgis.MessageLevel exists under this scoped name in 3.22 (PyQt5 accepts it) and in QGIS 4.
LEVEL_INFO = Qgis.MessageLevel.Info
LEVEL_WARNING = Qgis.MessageLevel.Warning
LEVEL_CRITICAL = Qgis.MessageLevel.Critical


def _pick_first(*candidates: tuple[object, str]):
    """The first ``owner.name`` that exists (the new scoped spelling first, then the QGIS 3.22 one)."""
    for owner, name in candidates:
        if owner is not None and hasattr(owner, name):
            return getattr(owner, name)
    raise AttributeError(f"none of {[n for _, n in candidates]} exists in this QGIS")  # no-i18n


NO_GEOMETRY = _pick_first(
    (getattr(Qgis, "FeatureRequestFlag", None), "NoGeometry"),
    (getattr(QgsFeatureRequest, "Flag", None), "NoGeometry"),
)
ALPHA_BAND = _pick_first(
    (getattr(Qgis, "RasterColorInterpretation", None), "AlphaBand"),
    (getattr(QgsRaster, "ColorInterpretation", None), "AlphaBand"),
)
