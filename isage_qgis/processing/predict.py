"""Predict a class raster and a confidence heatmap for any raster with an iSAGE model."""

from __future__ import annotations

from qgis.core import QgsProcessingParameterRasterDestination, QgsProcessingParameterRasterLayer

from ..translation import deferred_tr, tr
from .base import IsageAlgorithm, deliver, staging_folder


class PredictAlgorithm(IsageAlgorithm):
    """``isage predict --raster``: class raster plus optional confidence heatmap, at the chosen paths."""

    NAME = "predict"
    DISPLAY = deferred_tr("Predict classes")
    GROUP = deferred_tr("Model")
    HELP = deferred_tr(
        "Runs an iSAGE model over a raster (tiles blended across their overlap) and writes a class raster "
        "(uint8 class ids with the model's colours, 255 nodata) and a confidence heatmap (0-1, the "
        "probability of the predicted class). Give an extent to refresh only part of a large raster.\n\n"
        "The raster must have the bands the model was trained on."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add(
            QgsProcessingParameterRasterLayer("INPUT", self.tr("Raster")),
            tr("The imagery to classify (a GDAL raster file with the model's bands)."),
        )
        self.add_prediction_options()
        self.add(
            QgsProcessingParameterRasterDestination("OUTPUT_CLASSES", self.tr("Classes")),
            tr("Where to write the class raster (GeoTIFF)."),
        )
        self.add(
            QgsProcessingParameterRasterDestination(
                "OUTPUT_CONFIDENCE", self.tr("Confidence heatmap"), optional=True, createByDefault=True
            ),
            tr("Where to write the confidence heatmap (GeoTIFF, 0-1); skip it to write only the classes."),
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        raster, crs = self.raster_path(parameters, "INPUT", context)
        classes = self.parameterAsOutputLayer(parameters, "OUTPUT_CLASSES", context)
        confidence = self.parameterAsOutputLayer(parameters, "OUTPUT_CONFIDENCE", context)
        with staging_folder(classes) as folder:
            args = self.prediction_args(parameters, context, raster, crs)
            args += ["--out", str(folder), "--heatmaps", "confidence" if confidence else ""]
            outputs = self.run_engine(args, feedback)["outputs"]
            results = {"OUTPUT_CLASSES": deliver(outputs["classes"], classes)}
            if confidence:
                results["OUTPUT_CONFIDENCE"] = deliver(outputs["confidence"], confidence)
        return results
