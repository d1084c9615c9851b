"""Merge another annotator's click GeoPackage into a workspace, reporting conflicts."""

from __future__ import annotations

import json
from pathlib import Path

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
)

from ..compat import FILE_BEHAVIOR_FILE
from ..translation import deferred_tr, tr
from .base import IsageAlgorithm


class MergeClicksAlgorithm(IsageAlgorithm):
    """``isage merge``: every click and retraction of the other record is kept; conflicts are reported."""

    NAME = "mergeclicks"
    DISPLAY = deferred_tr("Merge click records")
    GROUP = deferred_tr("Clicks")
    HELP = deferred_tr(
        "Adds another annotator's clicks, retractions, frames and classes to the workspace's click record. "
        "Nothing is deleted or overwritten: clicks are matched by their unique id, and disagreements (two "
        "classes on one pixel, a class id with another name, a frame with other pixels) are reported as "
        "conflicts for the experts to settle by retracting. The workspace's GeoPackage is modified."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_workspace(
            tr("The workspace that receives the clicks: its click GeoPackage (clicks.gpkg) or its folder.")
        )
        self.add(
            QgsProcessingParameterFile(
                "OTHER", self.tr("Other click GeoPackage"), FILE_BEHAVIOR_FILE, "gpkg"
            ),
            tr(
                "The colleague's click GeoPackage (their workspace's clicks.gpkg) to merge in; it is "
                "only read."
            ),
        )
        self.add(
            QgsProcessingParameterFileDestination(
                "REPORT",
                self.tr("Merge report"),
                self.tr("JSON files (*.json)"),
                optional=True,
                createByDefault=False,
            ),
            tr("Optionally write what was added and every conflict as JSON."),
        )
        self.addOutput(QgsProcessingOutputNumber("CONFLICTS", self.tr("Conflicts")))
        self.addOutput(QgsProcessingOutputNumber("ADDED_CLICKS", self.tr("Clicks added")))
        self.addOutput(QgsProcessingOutputNumber("ADDED_RETRACTIONS", self.tr("Retractions added")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        other = self.parameterAsFile(parameters, "OTHER", context)
        report_path = self.parameterAsFileOutput(parameters, "REPORT", context)
        result = self.run_engine(["merge", workspace, other], feedback)
        conflicts = result.get("conflicts") or []
        feedback.pushInfo(
            self.tr(
                "Added {clicks} clicks, {retractions} retractions, {frames} frames; %n conflicts",
                len(conflicts),
            ).format(
                clicks=result.get("added_clicks", 0),
                retractions=result.get("added_retractions", 0),
                frames=result.get("added_frames", 0),
            )
        )
        results = {
            "CONFLICTS": len(conflicts),
            "ADDED_CLICKS": result.get("added_clicks", 0),
            "ADDED_RETRACTIONS": result.get("added_retractions", 0),
        }
        if report_path:
            report = {k: v for k, v in result.items() if k not in ("event", "time")}
            Path(report_path).parent.mkdir(parents=True, exist_ok=True)
            Path(report_path).write_text(json.dumps(report, indent=2), encoding="utf-8")
            results["REPORT"] = report_path
        return results
