"""The iSAGE Processing provider: the toolbox group, batch mode, the Modeler and ``qgis_process``."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .error_heatmap import ErrorHeatmapAlgorithm
from .evaluate import EvaluateAlgorithm
from .merge_clicks import MergeClicksAlgorithm
from .predict import PredictAlgorithm
from .train import TrainAlgorithm
from .vectorize import VectorizeAlgorithm

ALGORITHMS = (
    TrainAlgorithm,
    PredictAlgorithm,
    ErrorHeatmapAlgorithm,
    EvaluateAlgorithm,
    VectorizeAlgorithm,
    MergeClicksAlgorithm,
)
_PACKAGE = Path(__file__).resolve().parents[1]
ICON_CANDIDATES = (_PACKAGE / "icons" / "isage.svg", _PACKAGE.parent / "icons" / "isage.svg")


class IsageProvider(QgsProcessingProvider):
    """Provider ``isage``: one algorithm per module of this package."""

    def id(self) -> str:
        return "isage"

    def name(self) -> str:
        return "iSAGE"

    def longName(self) -> str:  # noqa: N802 (QGIS API names)
        return "iSAGE: iterative sparse annotation guided by an expert"

    def icon(self) -> QIcon:
        for path in ICON_CANDIDATES:
            if path.is_file():
                return QIcon(str(path))
        return super().icon()

    def svgIconPath(self) -> str:  # noqa: N802
        return next((str(p) for p in ICON_CANDIDATES if p.is_file()), super().svgIconPath())

    def loadAlgorithms(self) -> None:  # noqa: N802
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())

    def supportsNonFileBasedOutput(self) -> bool:  # noqa: N802 (the engine writes files)
        return False

    def supportedOutputRasterLayerExtensions(self) -> list[str]:  # noqa: N802
        return ["tif"]

    def defaultRasterFileExtension(self) -> str:  # noqa: N802
        return "tif"

    def defaultVectorFileExtension(self, hasGeometry: bool = True) -> str:  # noqa: N802, N803
        return "gpkg"
