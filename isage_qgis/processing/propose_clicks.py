"""Where to click next: the engine's proposals for a workspace's frames, as a point layer."""

from __future__ import annotations

from qgis.core import QgsProcessingOutputVectorLayer, QgsProcessingParameterFileDestination

from ..translation import deferred_tr, tr
from .base import IsageAlgorithm


class ProposeClicksAlgorithm(IsageAlgorithm):
    """``isage propose WORKSPACE``: proposals.gpkg of the latest model, never written into the clicks."""

    NAME = "proposeclicks"
    DISPLAY = deferred_tr("Propose clicks")
    GROUP = deferred_tr("Model")
    HELP = deferred_tr(
        "Proposes where the next clicks would help most, from the workspace's latest model and its frames "
        "alone (no reference): by default one point per class the model predicts on each frame. Each has a "
        "score and a reason: 'typical' (a common kind of pixel no click covers yet, proposed while a "
        "class has few clicks on the frame), 'changed' (the class flipped since the previous iteration) or "
        "'uncertain' (the model hesitates between two classes). Proposals keep a distance from every "
        "click, from nodata and from each other. They are written to outputs/iteration_NNN/"
        "proposals.gpkg of the workspace (or the file given), never into the click record: label them "
        "with the click tool (the panel steps through them with 'Next proposal')."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_workspace(
            tr("The workspace's click GeoPackage (clicks.gpkg) or the workspace folder holding it.")
        )
        self.add_int(
            "PER_CLASS", tr("Proposals per class present"), 1,
            tr("How many points per class the model predicts on a frame. More than one leaves room for "
            "proposals whose class turns out to be clicked already on that frame this round (the budget "
            "allows one click per class per frame per round; the panel skips those)."),
        )  # fmt: skip
        self.add_int(
            "PER_FRAME", tr("Proposals per frame"), None,
            tr("How many points per frame (empty or 0: the proposals per class times the classes present)."),
        )  # fmt: skip
        self.add_int(
            "SPACING", tr("Spacing (pixels)"), 5, tr("Distance kept from clicks, nodata and other proposals.")
        )
        self.add_int(
            "TYPICAL_UNTIL", tr("Typical proposals below this many clicks"), 2,
            tr("A class with fewer clicks than this on a frame gets a typical pixel, else an uncertain one."),
        )  # fmt: skip
        self.add_int(
            "SEED", tr("Random seed"), 0, tr("The same seed, model and clicks give the same proposals.")
        )
        self.add(
            QgsProcessingParameterFileDestination(
                "OUTPUT",
                self.tr("Proposals"),
                tr("GeoPackage (*.gpkg)"),
                optional=True,
                createByDefault=False,
            ),
            tr("Where to write the points (empty: outputs/iteration_NNN/proposals.gpkg of the workspace)."),
        )
        self.addOutput(QgsProcessingOutputVectorLayer("PROPOSALS", self.tr("Proposals")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        args = ["propose", workspace]
        for key, option in (
            ("PER_CLASS", "--per-class"),
            ("SPACING", "--spacing"),
            ("TYPICAL_UNTIL", "--typical-until"),
            ("SEED", "--seed"),
        ):
            args += [option, str(self.parameterAsInt(parameters, key, context))]
        per_frame = (
            self.parameterAsInt(parameters, "PER_FRAME", context) if parameters.get("PER_FRAME") else 0
        )
        if per_frame > 0:
            args += ["--per-frame", str(per_frame)]
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if output:
            args += ["--out", output]
        result = self.run_engine(args, feedback)
        feedback.pushInfo(
            self.tr(
                "%n proposals ({reasons}), {seconds} s per megapixel", int(result.get("proposals", 0))
            ).format(reasons=result.get("reasons", {}), seconds=result.get("seconds_per_megapixel", 0))
        )
        path = result["outputs"]["proposals"]
        return {"PROPOSALS": path, "OUTPUT": path}
