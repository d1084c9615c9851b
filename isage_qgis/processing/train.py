"""Train the next iteration's model of a workspace from its clicks."""

from __future__ import annotations

from qgis.core import QgsProcessingOutputFile, QgsProcessingOutputNumber, QgsProcessingParameterBoolean

from ..translation import deferred_tr, tr
from .base import IsageAlgorithm
from .training_options import TrainingOptions


class TrainAlgorithm(TrainingOptions, IsageAlgorithm):
    """``isage train``: one training run (one iteration) from every unretracted click so far."""

    NAME = "train"
    DISPLAY = deferred_tr("Train model from clicks")
    GROUP = deferred_tr("Model")
    HELP = deferred_tr(
        "Trains the model of the workspace's current iteration from every unretracted click of this and "
        "earlier iterations, warm-starting from the latest model. The clicks are the only labels: each is "
        "one pixel an expert marked. Clicks added afterwards belong to the next iteration.\n\n"
        "Outputs the model file (models/iteration_NNN.safetensors in the workspace) and the iteration number."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_workspace(
            tr("The workspace's click GeoPackage (clicks.gpkg) or the workspace folder holding it.")
        )
        self.add_training_options()
        self.add(
            QgsProcessingParameterBoolean("WARM_START", self.tr("Warm start"), True),
            tr(
                "Start from the latest model of the workspace (uncheck to train a new network, e.g. with "
                "another encoder)."
            ),
            advanced=True,
        )
        self.add_device()
        self.addOutput(QgsProcessingOutputFile("MODEL", self.tr("Model file")))
        self.addOutput(QgsProcessingOutputNumber("ITERATION", self.tr("Iteration")))
        self.addOutput(QgsProcessingOutputNumber("CLICKS_USED", self.tr("Clicks used")))
        self.addOutput(QgsProcessingOutputNumber("FINAL_LOSS", self.tr("Final loss")))
        self.addOutput(QgsProcessingOutputNumber("UNRESOLVED", self.tr("Clicks still predicted wrong")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        args = ["train", workspace]
        args += self.training_args(parameters, context)
        if not self.parameterAsBool(parameters, "WARM_START", context):
            args.append("--no-warm-start")
        result = self.run_engine(args, feedback)
        unresolved = result.get("unresolved") or []
        if unresolved:
            frames = sorted({str(c.get("frame")) for c in unresolved})
            feedback.pushWarning(
                self.tr("{unresolved} of {clicks} clicks are still predicted wrong (frames {frames})").format(
                    unresolved=len(unresolved),
                    clicks=result.get("clicks_used"),
                    frames=", ".join(frames[:10]) + ("..." if len(frames) > 10 else ""),
                )
            )
        return {
            "MODEL": result["outputs"]["model"],
            "ITERATION": result.get("iteration"),
            "CLICKS_USED": result.get("clicks_used"),
            "FINAL_LOSS": result.get("final_loss"),
            "UNRESOLVED": len(unresolved),
        }
