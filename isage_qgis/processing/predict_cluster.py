"""Predict a large raster or VRT mosaic on a Dask cluster: parts on the workers, a VRT (or COG) at the end."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputRasterLayer,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
)

from ..settings import PluginSettings, scheduler_args
from ..translation import deferred_tr, tr
from .base import IsageAlgorithm


class PredictClusterAlgorithm(IsageAlgorithm):
    """``isage predict --raster ... --scheduler`` (or ``--local-workers``): the class raster and the
    confidence heatmap of a mosaic, computed in parts by Dask workers and assembled into VRTs."""

    NAME = "predictcluster"
    DISPLAY = deferred_tr("Predict a mosaic on a cluster")
    GROUP = deferred_tr("Model")
    HELP = deferred_tr(
        "Runs an iSAGE model over a large raster or a VRT mosaic on a Dask cluster. The raster is cut "
        "into parts (whole blocks of the one-computer prediction, so the pixels are the same), each "
        "computed by a worker and written to the output folder; at the end a VRT over the parts is "
        "written for the classes and for the confidence (optionally also one Cloud-Optimized GeoTIFF "
        "each). A stopped run goes on where it stopped with 'Resume'.\n\n"
        "Scheduler: the address of a running scheduler (tcp://host:8786, started with `dask scheduler`) "
        "or the file `dask scheduler --scheduler-file` wrote; empty: a local cluster of 'Local workers' "
        "processes on this computer. The raster, the model and the output folder must be on storage "
        "every worker reads at the same paths. A VRT mosaic whose sources lie in different CRSs is refused."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        settings = PluginSettings.load()
        self.add(
            QgsProcessingParameterRasterLayer("INPUT", self.tr("Raster or VRT mosaic")),
            tr(
                "The imagery to classify: a GeoTIFF, or a VRT mosaic of many (one CRS), with the "
                "model's bands."
            ),
        )
        self.add_prediction_options()
        self.add(
            QgsProcessingParameterString(
                "SCHEDULER", self.tr("Dask scheduler"), settings.scheduler, optional=True
            ),
            tr(
                "A scheduler address (tcp://host:8786) or scheduler file (.json); empty: a local "
                "cluster. The default is the scheduler of the iSAGE settings."
            ),
        )
        tls_help = tr(
            "For a tls:// scheduler (PEM files; the default is the iSAGE settings' file): without the three, "
            "a scheduler is reached over plain TCP, which whoever reaches it can run code on."
        )
        for name, label, value in (
            ("TLS_CA", self.tr("Scheduler CA certificate"), settings.scheduler_tls_ca),
            ("TLS_CERT", self.tr("Client certificate"), settings.scheduler_tls_cert),
            ("TLS_KEY", self.tr("Client private key"), settings.scheduler_tls_key),
        ):
            self.add(
                QgsProcessingParameterFile(name, label, defaultValue=value or None, optional=True), tls_help
            )
        self.add_int(
            "BLOCK_SIZE", tr("Part size (pixels)"), 3072,
            tr("Side of the square parts the workers compute, one at a time each (memory grows with it)."),
            minimum=64,
        )  # fmt: skip
        self.add_int(
            "LOCAL_WORKERS", tr("Local workers"), 2,
            tr("Worker processes of the local cluster (without a scheduler)."), minimum=1,
        )  # fmt: skip
        self.add(
            QgsProcessingParameterBoolean("RESUME", self.tr("Resume"), False),
            tr(
                "Keep the parts an identical earlier run into this folder finished (same model, raster and "
                "settings; anything else is refused)."
            ),
        )
        self.add(
            QgsProcessingParameterBoolean("COG", self.tr("Also write Cloud-Optimized GeoTIFFs"), False),
            tr("Besides the VRTs, one tiled, compressed GeoTIFF with overviews per output."),
        )
        self.add(
            QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", self.tr("Output folder")),
            tr("Where the parts and the VRTs go (the VRTs read the parts: keep them together)."),
        )
        self.addOutput(QgsProcessingOutputRasterLayer("OUTPUT_CLASSES", self.tr("Classes")))
        self.addOutput(QgsProcessingOutputRasterLayer("OUTPUT_CONFIDENCE", self.tr("Confidence heatmap")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        raster, crs = self.raster_path(parameters, "INPUT", context)
        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        scheduler = self.parameterAsString(parameters, "SCHEDULER", context) or ""
        args = self.prediction_args(parameters, context, raster, crs)
        args += ["--out", folder, "--heatmaps", "confidence"]
        args += ["--block-size", str(self.parameterAsInt(parameters, "BLOCK_SIZE", context))]
        if scheduler.strip():
            tls = [
                self.parameterAsFile(parameters, name, context) or ""
                for name in ("TLS_CA", "TLS_CERT", "TLS_KEY")
            ]
            args += scheduler_args(scheduler, tls)
        else:
            args += ["--local-workers", str(self.parameterAsInt(parameters, "LOCAL_WORKERS", context))]
        if self.parameterAsBoolean(parameters, "RESUME", context):
            args.append("--resume")
        if self.parameterAsBoolean(parameters, "COG", context):
            args.append("--cog")
        result = self.run_engine(args, feedback)
        outputs = result["outputs"]
        stem = next(key[: -len("_classes")] for key in outputs if key.endswith("_classes"))
        feedback.pushInfo(
            self.tr("{computed} of {parts} parts computed on {workers} workers ({backend})").format(
                computed=result.get("parts_computed", 0),
                parts=result.get("parts", 0),
                workers=result.get("workers", 0),
                backend=result.get("backend", "?"),
            )
        )
        return {
            "OUTPUT_CLASSES": outputs[f"{stem}_classes"],
            "OUTPUT_CONFIDENCE": outputs[f"{stem}_confidence"],
            "OUTPUT_FOLDER": folder,
        }
