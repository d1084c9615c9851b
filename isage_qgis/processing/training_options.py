"""The training parameters shared by the algorithms that train (Train model, Benchmark)."""

from __future__ import annotations

from qgis.core import QgsProcessingParameterString

from ..translation import tr

LOSSES = ["ewdl", "ce"]
WEIGHTS = ["auto", "offline", "imagenet", "none"]
LR_SCHEDULES = ["cosine", "constant"]  # the engine's default first
STEP_SCHEDULES = ["fixed", "converge"]


class TrainingOptions:
    """Mixin for an :class:`~.base.IsageAlgorithm`: schedule, optimiser, loss and network parameters,
    and the engine arguments they give."""

    def add_training_options(self) -> None:
        self.add_int(
            "STEPS",
            tr("Optimisation steps"),
            None,
            tr(
                "Number of optimisation steps; empty or 0: the engine's schedule (120 for a new model, "
                "60 when warm-starting, about a minute on a laptop CPU for the sample)."
            ),
        )
        self.add_int(
            "EPOCHS",
            tr("Epochs (instead of steps)"),
            None,
            tr(
                "Epoch schedule instead of steps (one patch per click per epoch; for GPUs). Empty or 0: "
                "use steps."
            ),
        )
        self.add_int(
            "FRAME_EPOCHS",
            tr("Frame epochs (instead of steps)"),
            None,
            tr(
                "Epochs as the method's authors count them: one patch per frame with clicks per epoch, so a "
                "round's steps grow with the frames clicked. Empty or 0: use steps."
            ),
        )
        self.add_enum(
            "SCHEDULE",
            tr("Step schedule"),
            STEP_SCHEDULES,
            tr(
                "fixed: the steps above; converge: those steps are a floor, and a run trains on at a "
                "constant "
                "rate until its clicks fit and the loss settles, then decays the rate, never past the cap."
            ),
        )
        self.add_int(
            "MAX_STEPS", tr("Step cap (converge)"), 600, tr("The converge schedule's cap."), minimum=1
        )
        self.add_float(
            "GRAD_CLIP", tr("Gradient clip"), 0.0, tr("Clip the gradient norm to this; 0: no clipping.")
        )
        self.add_int("BATCH_SIZE", tr("Batch size"), 4, tr("Patches per optimisation step."), minimum=1)
        self.add_int(
            "PATCH_SIZE",
            tr("Patch size (pixels)"),
            256,
            tr("Side of the square patches cut around the clicks."),
            minimum=16,
        )
        self.add_float("LEARNING_RATE", tr("Learning rate"), 0.001, tr("Adam learning rate."))
        self.add_enum(
            "LR_SCHEDULE",
            tr("Learning-rate schedule"),
            LR_SCHEDULES,
            tr(
                "cosine: decays within each run to 5% of the rate (measured better on the sample); constant: "
                "the same rate for every step."
            ),
        )
        self.add_float(
            "ERROR_WEIGHT",
            tr("Error weight (lambda)"),
            5.0,
            tr(
                "Lambda of the Error-Weighted Dice Loss: how much more a clicked pixel the model gets "
                "wrong counts than one it gets right (1: plain Dice)."
            ),
            minimum=1.0,
        )
        self.add_enum(
            "LOSS",
            "Loss",
            LOSSES,
            tr("ewdl: the Error-Weighted Dice Loss of the method; ce: cross-entropy on the clicks."),
        )
        self.add(
            QgsProcessingParameterString("ENCODER", self.tr("Encoder"), "tu-efficientnet_lite0"),
            tr(
                "segmentation-models-pytorch encoder of a new model (a warm start keeps the previous "
                "model's network); tu-efficientnet_lite2 is the larger one with offline weights."
            ),
            advanced=True,
        )
        self.add_enum(
            "WEIGHTS",
            tr("Encoder weights"),
            WEIGHTS,
            tr(
                "Initial encoder weights of a new model: auto (offline ImageNet weights when packaged, else "
                "downloaded, else random), offline, imagenet or none (random)."
            ),
        )
        self.add(
            QgsProcessingParameterString("DECODER_CHANNELS", self.tr("Decoder channels"), optional=True),
            tr(
                "U-Net decoder channels of a new model, comma-separated (e.g. 64,32,16,16,8); empty: the "
                "architecture's default."
            ),
            advanced=True,
        )
        self.add_input_mismatch()

    def training_args(self, parameters: dict, context) -> list[str]:
        """The engine's training options (``--steps``, ``--lr``, ``--encoder``, ``--device``...)."""
        args: list[str] = []
        for key, flag in (("STEPS", "--steps"), ("EPOCHS", "--epochs"), ("FRAME_EPOCHS", "--frame-epochs")):
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
            "--lr-schedule",
            LR_SCHEDULES[self.parameterAsEnum(parameters, "LR_SCHEDULE", context)],
            "--schedule",
            STEP_SCHEDULES[self.parameterAsEnum(parameters, "SCHEDULE", context)],
            "--max-steps",
            str(self.parameterAsInt(parameters, "MAX_STEPS", context)),
            "--error-weight",
            repr(self.parameterAsDouble(parameters, "ERROR_WEIGHT", context)),
            "--loss",
            LOSSES[self.parameterAsEnum(parameters, "LOSS", context)],
            "--weights",
            WEIGHTS[self.parameterAsEnum(parameters, "WEIGHTS", context)],
            "--device",
            self.device(parameters, context),
        ]
        clip = self.parameterAsDouble(parameters, "GRAD_CLIP", context)
        if clip > 0:
            args += ["--grad-clip", repr(clip)]
        encoder = self.parameterAsString(parameters, "ENCODER", context).strip()
        if encoder:
            args += ["--encoder", encoder]
        channels = self.parameterAsString(parameters, "DECODER_CHANNELS", context).strip()
        if channels:
            args += ["--decoder-channels", channels]
        return args + self.input_mismatch_args(parameters, context)
