"""Export a model as a self-contained ONNX file that the Deepness plugin runs (``isage export``)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..compat import FILE_BEHAVIOR_FILE, NUMBER_DOUBLE
from ..translation import deferred_tr, tr
from .base import IsageAlgorithm


class ExportModelAlgorithm(IsageAlgorithm):
    """``isage export``: the ONNX model and its ``.isage.json`` sidecar."""

    NAME = "exportmodel"
    DISPLAY = deferred_tr("Export model for Deepness (ONNX)")
    GROUP = deferred_tr("Outputs")
    HELP = deferred_tr(
        "Writes a model as an ONNX segmentation model for the Deepness plugin: its band selection and "
        "normalisation are built in, so Deepness's own input scaling (values / 255) gives the classes "
        "iSAGE predicts, 16-bit imagery included. Class names, resolution, tile size and overlap are "
        "stored as the metadata Deepness reads ('Load default parameters' there applies them). The "
        "iSAGE metadata (classes, colours, bands, normalisation, iteration, clicks) goes into a "
        ".isage.json file beside it. Give the workspace (its latest model) or a model file."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_workspace(tr("The workspace whose latest model to export (or give the model file)."), True)
        self.add(
            QgsProcessingParameterFile(
                "MODEL", self.tr("Model file"), FILE_BEHAVIOR_FILE, "safetensors", optional=True
            ),
            tr("A model written by iSAGE (default: the workspace's latest)."),
        )
        self.add_int(
            "TILE_SIZE", tr("Tile size (pixels)"), 512, tr("Tile side Deepness runs (multiple of 32).")
        )
        self.add_int(
            "OVERLAP", tr("Tile overlap (pixels)"), 64, tr("Stored as Deepness's overlap percentage.")
        )
        self.add(
            QgsProcessingParameterNumber(
                "RESOLUTION", self.tr("Resolution (cm/px)"), NUMBER_DOUBLE, None, True, 0.0
            ),
            tr("Empty: the workspace frames' pixel size when their CRS is in metres."),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterFileDestination(
                "OUTPUT", self.tr("ONNX model"), self.tr("ONNX models (*.onnx)")
            ),
            tr("Where to write the model (.onnx); the .isage.json sidecar goes beside it."),
        )
        self.addOutput(QgsProcessingOutputFile("SIDECAR", self.tr("iSAGE metadata (JSON)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        model = self.parameterAsFile(parameters, "MODEL", context)
        if not workspace and not model:
            raise QgsProcessingException(self.tr("Give the workspace or the model file to export"))
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        args = ["export", *([workspace] if workspace else []), "--out", output]
        args += ["--model", model] if model else []
        args += ["--tile-size", str(self.parameterAsInt(parameters, "TILE_SIZE", context))]
        args += ["--overlap", str(self.parameterAsInt(parameters, "OVERLAP", context))]
        if parameters.get("RESOLUTION") not in (None, ""):
            args += ["--resolution", repr(self.parameterAsDouble(parameters, "RESOLUTION", context))]
        outputs = self.run_engine(args, feedback).get("outputs", {})
        return {"OUTPUT": outputs.get("onnx", output), "SIDECAR": outputs.get("sidecar")}
