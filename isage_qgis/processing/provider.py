"""The iSAGE Processing provider: the toolbox group, batch mode, the Modeler and ``qgis_process``."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..resources import icon, icon_path
from ..translation import tr
from .assessment.design import AssessmentDesignAlgorithm
from .assessment.report import AssessmentReportAlgorithm
from .benchmark import BenchmarkAlgorithm
from .error_heatmap import ErrorHeatmapAlgorithm
from .evaluate import EvaluateAlgorithm
from .export_model import ExportModelAlgorithm
from .import_points import ImportPointsAlgorithm
from .merge_clicks import MergeClicksAlgorithm
from .predict import PredictAlgorithm
from .predict_cluster import PredictClusterAlgorithm
from .propose_clicks import ProposeClicksAlgorithm
from .train import TrainAlgorithm
from .vectorize import VectorizeAlgorithm

ALGORITHMS = (
    TrainAlgorithm,
    PredictAlgorithm,
    PredictClusterAlgorithm,
    ProposeClicksAlgorithm,
    ErrorHeatmapAlgorithm,
    EvaluateAlgorithm,
    AssessmentDesignAlgorithm,
    AssessmentReportAlgorithm,
    VectorizeAlgorithm,
    ExportModelAlgorithm,
    MergeClicksAlgorithm,
    ImportPointsAlgorithm,
    BenchmarkAlgorithm,
)


class IsageProvider(QgsProcessingProvider):
    """Provider ``isage``: one algorithm per module of this package."""

    def id(self) -> str:
        return "isage"

    def name(self) -> str:
        return "iSAGE"

    def longName(self) -> str:  # noqa: N802 (QGIS API names)
        return tr("iSAGE: iterative sparse annotation guided by an expert")

    def icon(self) -> QIcon:
        return icon("isage")

    def svgIconPath(self) -> str:  # noqa: N802
        return icon_path("isage")

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
