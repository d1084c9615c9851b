"""Accuracy assessment report: overall, user's and producer's accuracy and class areas, with 95% intervals."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...compat import NUMBER_INTEGER
from ...translation import deferred_tr, tr
from ..base import IsageAlgorithm

FILES = {"JSON": "json", "CSV": "csv", "MARKDOWN": "markdown", "HTML": "html", "PLOT": "plot"}


class AssessmentReportAlgorithm(IsageAlgorithm):
    """``isage assess report WORKSPACE``: the report files, and the overall accuracy as numbers."""

    NAME = "assessreport"
    DISPLAY = deferred_tr("Accuracy assessment report")
    GROUP = deferred_tr("Evaluation")
    HELP = deferred_tr(
        "Estimates the accuracy of the map from the labelled points of an accuracy assessment design "
        "(Olofsson et al. 2014, stratified estimators): overall accuracy, user's and producer's accuracy "
        "per class, and each class's area, each with its standard error and 95% confidence interval, for "
        "the reported iteration, and the overall accuracy of every iteration's map on the same sample. "
        "Writes JSON, CSV, Markdown and HTML files and a plot to the report folder. Every point must be "
        "labelled unless 'Partial' is ticked (the figures then rest on the points labelled so far)."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_workspace(
            tr("The workspace's click GeoPackage (clicks.gpkg) or the workspace folder holding it.")
        )
        self.add(
            QgsProcessingParameterString("DESIGN", self.tr("Design id"), optional=True),
            tr("The design to report (its id or a unique prefix). Empty: the newest design."),
        )
        self.add(
            QgsProcessingParameterNumber(
                "ITERATION", self.tr("Iteration reported in full"), NUMBER_INTEGER, None, True, 0
            ),
            tr(
                "The iteration whose map gets the full report (classes, areas, error matrix). Empty: "
                "the newest."
            ),
        )
        self.add(
            QgsProcessingParameterBoolean("PARTIAL", self.tr("Partial (not every point labelled)"), False),
            tr("Estimate from the points labelled so far; without it, unlabelled points stop the report."),
        )
        self.add(
            QgsProcessingParameterFolderDestination(
                "OUTPUT", self.tr("Report folder"), optional=True, createByDefault=False
            ),
            tr("Where to write the report files (empty: outputs/assessment/<design> of the workspace)."),
        )
        for key, label in (
            ("JSON", tr("Report (JSON)")),
            ("CSV", tr("Error matrix (CSV)")),
            ("MARKDOWN", tr("Report (Markdown)")),
            ("HTML", tr("Report (HTML)")),
            ("PLOT", tr("Plot (PNG)")),
        ):
            self.addOutput(QgsProcessingOutputFile(key, self.tr(label)))
        self.addOutput(QgsProcessingOutputString("DESIGN_ID", self.tr("Design id")))
        self.addOutput(QgsProcessingOutputNumber("OVERALL_ACCURACY", self.tr("Overall accuracy (0-1)")))
        self.addOutput(
            QgsProcessingOutputNumber("OVERALL_ACCURACY_SE", self.tr("Standard error of overall accuracy"))
        )
        self.addOutput(
            QgsProcessingOutputNumber("OVERALL_ACCURACY_LOW", self.tr("Overall accuracy, 95% interval low"))
        )
        self.addOutput(
            QgsProcessingOutputNumber("OVERALL_ACCURACY_HIGH", self.tr("Overall accuracy, 95% interval high"))
        )
        self.addOutput(
            QgsProcessingOutputNumber("LABELLED", self.tr("Sample points labelled (unsure ones included)"))
        )
        self.addOutput(QgsProcessingOutputNumber("UNLABELLED", self.tr("Sample points not labelled")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        args = ["assess", "report", workspace]
        design = self.parameterAsString(parameters, "DESIGN", context)
        if design:
            args += ["--design", design]
        if parameters.get("ITERATION") not in (None, ""):
            args += ["--iteration", str(self.parameterAsInt(parameters, "ITERATION", context))]
        if self.parameterAsBool(parameters, "PARTIAL", context):
            args.append("--partial")
        folder = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if folder:
            args += ["--out", folder]
        result = self.run_engine(args, feedback)
        for warning in result.get("warnings") or []:
            feedback.pushWarning(str(warning))
        report = result.get("report") or {}
        overall = report.get("overall_accuracy") or {}
        low, high = (list(overall.get("ci95") or []) + [None, None])[:2]
        if overall.get("estimate") is not None:
            feedback.pushInfo(
                self.tr("Overall accuracy of iteration {iteration}: {estimate:.3f} (standard error {se:.3f}, "
                        "95% interval {low:.3f} to {high:.3f}), from {labelled} labelled points").format(
                    iteration=report.get("iteration"), estimate=float(overall["estimate"]),
                    se=float(overall.get("se") or 0.0), low=float(low if low is not None else "nan"),
                    high=float(high if high is not None else "nan"), labelled=result.get("labelled"),
                )
            )  # fmt: skip
        outputs = result.get("outputs") or {}
        produced = {key: outputs.get(name) for key, name in FILES.items()}
        any_file = next((p for p in produced.values() if p), "")
        return {
            **produced,
            "OUTPUT": folder or (str(Path(any_file).parent) if any_file else ""),
            "DESIGN_ID": result.get("design_id", ""),
            "OVERALL_ACCURACY": overall.get("estimate"),
            "OVERALL_ACCURACY_SE": overall.get("se"),
            "OVERALL_ACCURACY_LOW": low,
            "OVERALL_ACCURACY_HIGH": high,
            "LABELLED": result.get("labelled"),
            "UNLABELLED": result.get("unlabelled"),
        }
