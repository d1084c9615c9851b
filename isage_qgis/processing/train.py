"""Train the next iteration's model of a workspace from its clicks."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterString,
)

from .base import IsageAlgorithm

LOSSES = ["ewdl", "ce"]
WEIGHTS = ["auto", "offline", "imagenet", "none"]


class TrainAlgorithm(IsageAlgorithm):
    """``isage train``: one training run (one iteration) from every unretracted click so far."""

    NAME = "train"
    DISPLAY = "Train model from clicks"
    GROUP = "Model"
    HELP = (
        "Trains the model of the workspace's current iteration from every unretracted click of this and "
        "earlier iterations, warm-starting from the latest model. The clicks are the only labels: each is "
        "one pixel an expert marked. Clicks added afterwards belong to the next iteration.\n\n"
        "Outputs the model file (models/iteration_NNN.safetensors in the workspace) and the iteration number."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_workspace(
            "The workspace's click GeoPackage (clicks.gpkg) or the workspace folder holding it."
        )
        self.add_int(
            "STEPS",
            "Optimisation steps",
            None,
            "Number of optimisation steps; empty or 0: the engine's schedule (120 for a new model, "
            "60 when warm-starting, about a minute on a laptop CPU for the sample).",
        )
        self.add_int(
            "EPOCHS",
            "Epochs (instead of steps)",
            None,
            "Epoch schedule instead of steps (one patch per click per epoch; for GPUs). Empty or 0: "
            "use steps.",
        )
        self.add_int("BATCH_SIZE", "Batch size", 4, "Patches per optimisation step.", minimum=1)
        self.add_int(
            "PATCH_SIZE",
            "Patch size (pixels)",
            256,
            "Side of the square patches cut around the clicks.",
            minimum=16,
        )
        self.add_float("LEARNING_RATE", "Learning rate", 0.001, "Adam learning rate.")
        self.add_float(
            "ERROR_WEIGHT",
            "Error weight (lambda)",
            5.0,
            "Lambda of the Error-Weighted Dice Loss: how much more a clicked pixel the model gets "
            "wrong counts than one it gets right (1: plain Dice).",
            minimum=1.0,
        )
        self.add(
            QgsProcessingParameterEnum("LOSS", self.tr("Loss"), LOSSES, False, 0),
            "ewdl: the Error-Weighted Dice Loss of the method; ce: cross-entropy on the clicks.",
            advanced=True,
        )
        self.add(
            QgsProcessingParameterString("ENCODER", self.tr("Encoder"), "tu-efficientnet_lite0"),
            "segmentation-models-pytorch encoder of a new model (a warm start keeps the previous "
            "model's network).",
            advanced=True,
        )
        self.add(
            QgsProcessingParameterEnum("WEIGHTS", self.tr("Encoder weights"), WEIGHTS, False, 0),
            "Initial encoder weights of a new model: auto (offline ImageNet weights when packaged, else "
            "downloaded, else random), offline, imagenet or none (random).",
            advanced=True,
        )
        self.add(
            QgsProcessingParameterString("DECODER_CHANNELS", self.tr("Decoder channels"), optional=True),
            "U-Net decoder channels of a new model, comma-separated (e.g. 64,32,16,16,8); empty: the "
            "architecture's default.",
            advanced=True,
        )
        self.add(
            QgsProcessingParameterBoolean("WARM_START", self.tr("Warm start"), True),
            "Start from the latest model of the workspace (uncheck to train a new network, e.g. with "
            "another encoder).",
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
        for key, flag in (("STEPS", "--steps"), ("EPOCHS", "--epochs")):
            value = self.parameterAsInt(parameters, key, context)
            if value > 0:
                args += [flag, str(value)]
        args += [
            "--batch-size",
            str(self.parameterAsInt(parameters, "BATCH_SIZE", context)),
            "--patch-size",
            str(self.parameterAsInt(parameters, "PATCH_SIZE", context)),
            "--lr",
            repr(self.parameterAsDouble(parameters, "LEARNING_RATE", context)),
            "--error-weight",
            repr(self.parameterAsDouble(parameters, "ERROR_WEIGHT", context)),
            "--loss",
            LOSSES[self.parameterAsEnum(parameters, "LOSS", context)],
            "--weights",
            WEIGHTS[self.parameterAsEnum(parameters, "WEIGHTS", context)],
            "--device",
            self.device(parameters, context),
        ]
        encoder = self.parameterAsString(parameters, "ENCODER", context).strip()
        if encoder:
            args += ["--encoder", encoder]
        channels = self.parameterAsString(parameters, "DECODER_CHANNELS", context).strip()
        if channels:
            args += ["--decoder-channels", channels]
        if not self.parameterAsBool(parameters, "WARM_START", context):
            args.append("--no-warm-start")
        result = self.run_engine(args, feedback)
        unresolved = result.get("unresolved") or []
        if unresolved:
            frames = sorted({str(c.get("frame")) for c in unresolved})
            feedback.pushWarning(
                self.tr(
                    f"{len(unresolved)} of {result.get('clicks_used')} clicks are still predicted wrong "
                    f"(frames {', '.join(frames[:10])}{'...' if len(frames) > 10 else ''})"
                )
            )
        return {
            "MODEL": result["outputs"]["model"],
            "ITERATION": result.get("iteration"),
            "CLICKS_USED": result.get("clicks_used"),
            "FINAL_LOSS": result.get("final_loss"),
            "UNRESOLVED": len(unresolved),
        }
