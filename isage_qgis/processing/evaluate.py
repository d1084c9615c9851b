"""Score a class raster against a reference: IoU per class, mIoU, overall accuracy, as JSON."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterRasterLayer,
)

from ..compat import FILE_BEHAVIOR_FILE
from ..translation import deferred_tr, tr
from .base import IsageAlgorithm


class EvaluateAlgorithm(IsageAlgorithm):
    """``isage evaluate``: the scores as a JSON file and the mIoU / accuracy as numbers."""

    NAME = "evaluate"
    DISPLAY = deferred_tr("Evaluate a prediction")
    GROUP = deferred_tr("Evaluation")
    HELP = deferred_tr(
        "Compares a predicted class raster with a reference class raster of the same grid and writes the "
        "scores as JSON: IoU per class, mIoU over the classes present in either raster, overall accuracy "
        "and the confusion matrix. The class names come from the model file or the workspace (give one of "
        "them); with a workspace, the number of clicks is reported too. Nodata (255) is not counted."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add(
            QgsProcessingParameterRasterLayer("PREDICTION", self.tr("Predicted class raster")),
            tr("A class raster written by 'Predict classes' (or any uint8 raster of class ids)."),
        )
        self.add(
            QgsProcessingParameterRasterLayer("REFERENCE", self.tr("Reference class raster")),
            tr("The truth: class ids on the same pixel grid as the prediction."),
        )
        self.add(
            QgsProcessingParameterFile(
                "MODEL", self.tr("Model file"), FILE_BEHAVIOR_FILE, "safetensors", optional=True
            ),
            tr("The model whose classes name the scores (give this or the workspace)."),
        )
        self.add_workspace(
            tr(
                "The workspace whose classes name the scores and whose clicks are counted (or give the "
                "model)."
            ),
            optional=True,
        )
        self.add(
            QgsProcessingParameterFileDestination(
                "OUTPUT", self.tr("Scores"), self.tr("JSON files (*.json)")
            ),
            tr("Where to write the scores (JSON)."),
        )
        self.addOutput(QgsProcessingOutputNumber("MIOU", self.tr("mIoU")))
        self.addOutput(QgsProcessingOutputNumber("OVERALL_ACCURACY", self.tr("Overall accuracy")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        prediction, _ = self.raster_path(parameters, "PREDICTION", context)
        reference, _ = self.raster_path(parameters, "REFERENCE", context)
        model = self.parameterAsFile(parameters, "MODEL", context)
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        if not model and not workspace:
            raise QgsProcessingException(
                self.tr("Give the model file or the workspace, so the classes are known")
            )
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        args = ["evaluate", "--prediction", prediction, "--reference", reference, "--out", output]
        args += ["--model", model] if model else []
        args += ["--workspace", workspace] if workspace else []
        metrics = self.run_engine(args, feedback).get("metrics", {})
        feedback.pushInfo(
            self.tr("mIoU {miou}, overall accuracy {accuracy}").format(
                miou=metrics.get("miou"), accuracy=metrics.get("overall_accuracy")
            )
        )
        return {
            "OUTPUT": output,
            "MIOU": metrics.get("miou"),
            "OVERALL_ACCURACY": metrics.get("overall_accuracy"),
        }
