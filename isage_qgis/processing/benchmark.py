"""Benchmark the simulated expert against the baselines on a dataset with dense reference masks."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from ..compat import FILE_BEHAVIOR_FOLDER
from ..translation import deferred_tr, tr
from .base import IsageAlgorithm
from .training_options import TrainingOptions

SEED_CLICKS = ["simulated", "human"]
SELECTIONS = ["last", "reference"]
RECIPES = ["none", "authors"]
DEFAULT_METHODS = "proposed,expert-depth,random,entropy,dense"  # the engine's defaults (isage benchmark)


class BenchmarkAlgorithm(TrainingOptions, IsageAlgorithm):
    """``isage benchmark``: the report, table and plot of a simulated-annotator comparison."""

    NAME = "benchmark"
    DISPLAY = deferred_tr("Benchmark click strategies")
    GROUP = deferred_tr("Evaluation")
    HELP = deferred_tr(
        "Runs the iSAGE loop with simulated annotators on images with dense reference masks and compares "
        "ways of placing the clicks: labelling what the engine proposes (the recommended strategy), the "
        "simulated expert's strategies, and baselines: uniform random clicks, the entropy oracle, "
        "pseudo-labels, clicks spread over superpixels, and dense supervision (the ceiling). Every method "
        "starts from the same seed clicks and model, and gets the same training steps.\n\n"
        "The output folder receives benchmark.md (the report), benchmark.png (mIoU against iteration, "
        "labelled pixels and wall time), benchmark.json and benchmark.csv. Without a dataset, the bundled "
        "BsB Aerial sample is used. This takes long: about an hour on two CPU cores with the defaults. "
        "Each method's result is kept as it finishes: 'Resume' goes on with the benchmark already in the "
        "output folder, running only what is missing."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add(
            QgsProcessingParameterFile(
                "DATASET", self.tr("Dataset folder"), FILE_BEHAVIOR_FOLDER, optional=True
            ),
            tr(
                "A folder with train/ and val/, each holding images/ and masks/ (GeoTIFF or PNG, mask files "
                "named as their images, class ids as pixel values, 255 for no data). Empty: the bundled "
                "sample."
            ),
        )
        self.add(
            QgsProcessingParameterString("METHODS", self.tr("Methods"), DEFAULT_METHODS),
            tr(
                "Comma list of proposed (label what the engine proposes), expert-confident, expert-interior, "
                "expert-random, expert-ritm, expert-depth, hybrid-K (K representative rounds, then "
                "expert-depth), random, representative, entropy, pseudo-T (T a confidence threshold, e.g. "
                "pseudo-0.95), superpixel and dense."
            ),
        )
        self.add_int("ITERATIONS", "Iterations", 6, tr("Rounds, the shared seed round included."), minimum=1)
        self.add(
            QgsProcessingParameterString("SEEDS", self.tr("Seeds"), "0"),
            tr("Comma list of seeds (seed clicks, pickers and training); several give the mean and spread."),
            advanced=True,
        )
        self.add_int(
            "MAX_TRAIN_FRAMES", tr("Training frames (most)"), None, tr("Use only the first N."), minimum=0
        )
        self.add_int(
            "MAX_VAL_FRAMES", tr("Validation frames (most)"), None, tr("Use only the first N."), minimum=0
        )
        self.add_int(
            "HOLDOUT",
            tr("Tune on held-out training frames"),
            None,
            tr(
                "Score on the last N training frames instead of the validation split (for tuning a recipe "
                "without looking at the validation split). Empty or 0: score on val."
            ),
        )
        self.add_int(
            "FIRST_STEPS",
            tr("Steps of the seed round"),
            None,
            tr(
                "Optimisation steps of the first (cold) run; 'Optimisation steps' then sets the later runs. "
                "Empty or 0: the engine's schedule."
            ),
        )
        self.add_enum(
            "SEED_CLICKS",
            tr("Seed clicks"),
            SEED_CLICKS,
            tr(
                "simulated: one click per class per frame, a random pixel inside the class; human: the "
                "bundled sample's clicks by the method's authors (bundled sample only)."
            ),
        )
        self.add_enum(
            "SELECTION",
            tr("Checkpoint of each round"),
            SELECTIONS,
            tr(
                "last: the round's last weights (what a user gets); reference: the weights scoring best "
                "on the "
                "scoring split's reference masks during training (the paper's protocol, which no user "
                "can run)."
            ),
        )
        self.add_enum(
            "RECIPE",
            "Recipe",
            RECIPES,
            tr(
                "authors: the method authors' sample recipe, replacing the training options (the report "
                "lists what this machine trims)."
            ),
        )
        self.add(
            QgsProcessingParameterBoolean("RESUME", self.tr("Resume the benchmark in the folder"), False),
            tr(
                "Keep every result already in the output folder (same settings) and run only what is missing."
            ),
        )
        self.add_training_options()
        self.add(
            QgsProcessingParameterFolderDestination("OUTPUT", self.tr("Benchmark folder")),
            tr(
                "A new (or empty) folder for the report, plot, JSON, CSV and the methods' workspaces, or the "
                "folder of a benchmark to resume."
            ),
        )
        self.addOutput(QgsProcessingOutputFile("REPORT", self.tr("Report (Markdown)")))
        self.addOutput(QgsProcessingOutputFile("PLOT", self.tr("Plot (PNG)")))
        self.addOutput(QgsProcessingOutputFile("JSON", self.tr("Results (JSON)")))
        self.addOutput(QgsProcessingOutputNumber("WALL_SECONDS", self.tr("Wall time (s)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out = self.parameterAsString(parameters, "OUTPUT", context)
        resume = self.parameterAsBool(parameters, "RESUME", context)
        if not resume and Path(out).is_dir() and any(Path(out).iterdir()):
            raise QgsProcessingException(
                self.tr("{folder}: the benchmark folder must be new or empty, or tick 'Resume'").format(
                    folder=out
                )
            )
        args = ["benchmark", "--out", out]
        if resume:
            args.append("--resume")
        args += ["--seed-clicks", SEED_CLICKS[self.parameterAsEnum(parameters, "SEED_CLICKS", context)]]
        args += ["--selection", SELECTIONS[self.parameterAsEnum(parameters, "SELECTION", context)]]
        recipe = RECIPES[self.parameterAsEnum(parameters, "RECIPE", context)]
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
        if recipe != "none":
            args += ["--recipe", recipe]
        result = self.run_engine(args, feedback)
        outputs = result.get("outputs", {})
        feedback.pushInfo(self.tr("Benchmark report: {path}").format(path=outputs.get("markdown")))
        return {
            "OUTPUT": out,
            "REPORT": outputs.get("markdown"),
            "PLOT": outputs.get("plot"),
            "JSON": outputs.get("json"),
            "WALL_SECONDS": result.get("wall_seconds"),
        }
