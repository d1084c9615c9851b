"""Benchmark the simulated expert against the baselines on a dataset with dense reference masks."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from ..compat import FILE_BEHAVIOR_FOLDER
from .base import IsageAlgorithm
from .training_options import TrainingOptions

DEFAULT_METHODS = (
    "expert-confident,expert-interior,expert-random,random,entropy,pseudo-0.90,pseudo-0.99,superpixel,dense"
)


class BenchmarkAlgorithm(TrainingOptions, IsageAlgorithm):
    """``isage benchmark``: the report, table and plot of a simulated-annotator comparison."""

    NAME = "benchmark"
    DISPLAY = "Benchmark click strategies"
    GROUP = "Evaluation"
    HELP = (
        "Runs the iSAGE loop with simulated annotators on images with dense reference masks and compares "
        "how the simulated expert places its clicks with baselines: uniform random clicks, the entropy "
        "oracle, pseudo-labels, clicks spread over superpixels, and dense supervision (the ceiling). Every "
        "method starts from the same seed clicks and model, and gets the same training steps.\n\n"
        "The output folder receives benchmark.md (the report), benchmark.png (mIoU against iteration, "
        "labelled pixels and wall time), benchmark.json and benchmark.csv. Without a dataset, the bundled "
        "BsB Aerial sample is used. This takes long: about an hour on two CPU cores with the defaults."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add(
            QgsProcessingParameterFile(
                "DATASET", self.tr("Dataset folder"), FILE_BEHAVIOR_FOLDER, optional=True
            ),
            "A folder with train/ and val/, each holding images/ and masks/ (GeoTIFF or PNG, mask files "
            "named as their images, class ids as pixel values, 255 for no data). Empty: the bundled sample.",
        )
        self.add(
            QgsProcessingParameterString("METHODS", self.tr("Methods"), DEFAULT_METHODS),
            "Comma list of expert-confident, expert-interior, expert-random, random, entropy, pseudo-T "
            "(T a confidence threshold, e.g. pseudo-0.95), superpixel and dense.",
        )
        self.add_int("ITERATIONS", "Iterations", 5, "Rounds, the shared seed round included.", minimum=1)
        self.add(
            QgsProcessingParameterString("SEEDS", self.tr("Seeds"), "0"),
            "Comma list of seeds (seed clicks, pickers and training); several give the mean and spread.",
            advanced=True,
        )
        self.add_int("MAX_TRAIN_FRAMES", "Training frames (most)", None, "Use only the first N.", minimum=0)
        self.add_int("MAX_VAL_FRAMES", "Validation frames (most)", None, "Use only the first N.", minimum=0)
        self.add_int(
            "HOLDOUT",
            "Tune on held-out training frames",
            None,
            "Score on the last N training frames instead of the validation split (for tuning a recipe "
            "without looking at the validation split). Empty or 0: score on val.",
        )
        self.add_int(
            "FIRST_STEPS",
            "Steps of the seed round",
            None,
            "Optimisation steps of the first (cold) run; 'Optimisation steps' then sets the later runs. "
            "Empty or 0: the engine's schedule.",
        )
        self.add_training_options()
        self.add(
            QgsProcessingParameterFolderDestination("OUTPUT", self.tr("Benchmark folder")),
            "A new (or empty) folder for the report, plot, JSON, CSV and the methods' workspaces.",
        )
        self.addOutput(QgsProcessingOutputFile("REPORT", self.tr("Report (Markdown)")))
        self.addOutput(QgsProcessingOutputFile("PLOT", self.tr("Plot (PNG)")))
        self.addOutput(QgsProcessingOutputFile("JSON", self.tr("Results (JSON)")))
        self.addOutput(QgsProcessingOutputNumber("WALL_SECONDS", self.tr("Wall time (s)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out = self.parameterAsString(parameters, "OUTPUT", context)
        if Path(out).is_dir() and any(Path(out).iterdir()):
            raise QgsProcessingException(self.tr(f"{out}: the benchmark folder must be new or empty"))
        args = ["benchmark", "--out", out]
        args += ["--methods", self.parameterAsString(parameters, "METHODS", context)]
        args += ["--iterations", str(self.parameterAsInt(parameters, "ITERATIONS", context))]
        seeds = self.parameterAsString(parameters, "SEEDS", context).strip()
        if seeds:
            args += ["--seeds", seeds]
        dataset = self.parameterAsFile(parameters, "DATASET", context)
        if dataset:
            args += ["--dataset", dataset]
        for key, flag in (
            ("MAX_TRAIN_FRAMES", "--max-train-frames"),
            ("MAX_VAL_FRAMES", "--max-val-frames"),
            ("HOLDOUT", "--holdout"),
            ("FIRST_STEPS", "--first-steps"),
        ):
            value = self.parameterAsInt(parameters, key, context)
            if value > 0:
                args += [flag, str(value)]
        args += self.training_args(parameters, context)
        result = self.run_engine(args, feedback)
        outputs = result.get("outputs", {})
        feedback.pushInfo(self.tr(f"Benchmark report: {outputs.get('markdown')}"))
        return {
            "OUTPUT": out,
            "REPORT": outputs.get("markdown"),
            "PLOT": outputs.get("plot"),
            "JSON": outputs.get("json"),
            "WALL_SECONDS": result.get("wall_seconds"),
        }
