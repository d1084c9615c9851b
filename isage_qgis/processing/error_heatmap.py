"""Where a model is confidently wrong against a reference class raster: a heatmap to guide clicks."""

from __future__ import annotations

from qgis.core import QgsProcessingParameterRasterDestination, QgsProcessingParameterRasterLayer

from ..translation import deferred_tr, tr
from .base import IsageAlgorithm, deliver, staging_folder


class ErrorHeatmapAlgorithm(IsageAlgorithm):
    """``isage predict --raster --reference --heatmaps error``: the confident-error heatmap."""

    NAME = "errorheatmap"
    DISPLAY = deferred_tr("Confident-error heatmap")
    GROUP = deferred_tr("Evaluation")
    HELP = deferred_tr(
        "Predicts the raster with an iSAGE model and compares it with a reference class raster of the same "
        "grid: the heatmap is the model's confidence where its class differs from the reference and 0 "
        "where it agrees, so the brightest pixels are where it is confidently wrong, the clicks that teach "
        "it most. The reference's nodata (255) is ignored."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add(
            QgsProcessingParameterRasterLayer("INPUT", self.tr("Raster")),
            tr("The imagery to classify (a GDAL raster file with the model's bands)."),
        )
        self.add(
            QgsProcessingParameterRasterLayer("REFERENCE", self.tr("Reference class raster")),
            tr("Class ids of the truth on the same pixel grid as the raster (e.g. a dense mask)."),
        )
        self.add_prediction_options()
        self.add(
            QgsProcessingParameterRasterDestination("OUTPUT", self.tr("Confident-error heatmap")),
            tr("Where to write the heatmap (GeoTIFF, 0-1)."),
        )
        self.add(
            QgsProcessingParameterRasterDestination(
                "OUTPUT_CLASSES", self.tr("Classes"), optional=True, createByDefault=False
            ),
            tr("Also keep the predicted class raster here (optional)."),
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        raster, crs = self.raster_path(parameters, "INPUT", context)
        reference, _ = self.raster_path(parameters, "REFERENCE", context)
        heatmap = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        classes = self.parameterAsOutputLayer(parameters, "OUTPUT_CLASSES", context)
        with staging_folder(heatmap) as folder:
            args = self.prediction_args(parameters, context, raster, crs)
            args += ["--out", str(folder), "--heatmaps", "error", "--reference", reference]
            outputs = self.run_engine(args, feedback)["outputs"]
            results = {"OUTPUT": deliver(outputs["error"], heatmap)}
            if classes:
                results["OUTPUT_CLASSES"] = deliver(outputs["classes"], classes)
        return results
