"""Create an accuracy assessment design: a stratified random sample of a map's pixels to label blindly."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ...compat import NUMBER_DOUBLE, NUMBER_INTEGER, VECTOR_POLYGON
from ...settings import PluginSettings
from ...translation import deferred_tr, tr
from ..base import IsageAlgorithm

ALLOCATIONS = ["minimum", "proportional", "equal"]


class AssessmentDesignAlgorithm(IsageAlgorithm):
    """``isage assess design WORKSPACE``: the design and its points, written into the click record."""

    NAME = "assessdesign"
    DISPLAY = deferred_tr("Create accuracy assessment design")
    GROUP = deferred_tr("Evaluation")
    HELP = deferred_tr(
        "Draws a stratified random sample of pixels from an iteration's map, for an independent accuracy "
        "assessment (Olofsson et al. 2014): the strata are the map's classes, the points are numbered in a "
        "random order and written into the workspace's click record, where neither training nor proposals "
        "ever use them (a training click on a sample pixel is refused). Label the points blindly, without "
        "looking at the map: 'Assess map' in the iSAGE panel steps through them, or export them with "
        "'isage assess points'. Then 'Accuracy assessment report' estimates overall, user's and producer's "
        "accuracy and class areas with 95% confidence intervals. The sample size is given, or follows from "
        "the standard error of overall accuracy it should reach with the anticipated user's accuracies."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_workspace(
            tr("The workspace's click GeoPackage (clicks.gpkg) or the workspace folder holding it.")
        )
        self.add(
            QgsProcessingParameterNumber(
                "ITERATION", self.tr("Iteration of the map"), NUMBER_INTEGER, None, True, 0
            ),
            tr(
                "The iteration whose map's classes are the strata (empty: the newest with a map of "
                "every frame)."
            ),
        )
        self.add(
            QgsProcessingParameterNumber(
                "SIZE", self.tr("Sample size (points)"), NUMBER_INTEGER, None, True, 0
            ),
            tr("How many points in all (empty or 0: as many as the target standard error needs)."),
        )
        self.add(
            QgsProcessingParameterNumber(
                "TARGET_SE", self.tr("Target standard error of overall accuracy"), NUMBER_DOUBLE, 0.025,
                False, 0.001, 0.499,
            ),
            tr("The standard error of the overall accuracy estimate the sample should reach (0.025: a 95% "
            "interval of about ±5 points); used when no sample size is given."),
        )  # fmt: skip
        self.add(
            QgsProcessingParameterString("ANTICIPATED", self.tr("Anticipated user's accuracy"), "0.85"),
            tr(
                "The user's accuracy expected of each class, for the sample size: one value for all, or "
                "class:value pairs such as 1:0.7,2:0.9 (the others get 0.85)."
            ),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterEnum("ALLOCATION", self.tr("Allocation"), ALLOCATIONS, False, 0),
            tr(
                "How the points are shared among the classes: minimum (proportional to the mapped area, "
                "but at "
                "least the minimum per class), proportional, or equal."
            ),
        )
        self.add(
            QgsProcessingParameterNumber(
                "MINIMUM", self.tr("Minimum points per class"), NUMBER_INTEGER, 50, False, 1
            ),
            tr("With the minimum allocation: the fewest points any class gets."),
        )
        self.add(
            QgsProcessingParameterExtent("EXTENT", self.tr("Extent"), optional=True),
            tr("Only sample inside this extent (any CRS). Empty: the whole frames."),
        )
        self.add(
            QgsProcessingParameterFeatureSource(
                "AOI", self.tr("Area of interest"), [VECTOR_POLYGON], optional=True
            ),
            tr("Only sample inside these polygons (any CRS). Empty: the whole frames (or the extent)."),
        )
        self.add(
            QgsProcessingParameterNumber("SEED", self.tr("Random seed"), NUMBER_INTEGER, 0, False, 0),
            tr("The same seed, map and options draw the same sample."),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterString("ANNOTATOR", self.tr("Created by"), optional=True),
            tr("Who creates the design (empty: the annotator of the iSAGE settings)."),
        )
        self.addOutput(QgsProcessingOutputString("DESIGN_ID", self.tr("Design id")))
        self.addOutput(QgsProcessingOutputNumber("SIZE", self.tr("Sample points")))
        self.addOutput(
            QgsProcessingOutputNumber(
                "ANTICIPATED_SE", self.tr("Anticipated standard error of overall accuracy")
            )
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        args = ["assess", "design", workspace]
        if parameters.get("ITERATION") not in (None, ""):
            args += ["--iteration", str(self.parameterAsInt(parameters, "ITERATION", context))]
        size = (
            self.parameterAsInt(parameters, "SIZE", context)
            if parameters.get("SIZE") not in (None, "")
            else 0
        )
        if size > 0:
            args += ["--size", str(size)]
        else:
            args += ["--target-se", repr(self.parameterAsDouble(parameters, "TARGET_SE", context))]
        args += ["--anticipated", self.parameterAsString(parameters, "ANTICIPATED", context) or "0.85"]
        allocation = ALLOCATIONS[self.parameterAsEnum(parameters, "ALLOCATION", context)]
        if allocation == "minimum":
            allocation += f":{self.parameterAsInt(parameters, 'MINIMUM', context)}"
        args += ["--allocation", allocation]
        if parameters.get("EXTENT") not in (None, ""):
            crs = self.parameterAsExtentCrs(parameters, "EXTENT", context)
            args += self.extent_args(parameters, context, crs)
            if crs.isValid() and "--extent" in args:
                args += ["--extent-crs", crs.authid() or crs.toWkt()]
        if parameters.get("AOI") not in (None, ""):
            aoi = self.parameterAsCompatibleSourceLayerPath(
                parameters, "AOI", context, ["gpkg", "shp", "geojson"], "gpkg", feedback
            )
            args += ["--aoi", aoi]
        args += ["--seed", str(self.parameterAsInt(parameters, "SEED", context))]
        annotator = (
            self.parameterAsString(parameters, "ANNOTATOR", context) or PluginSettings.load().annotator
        )
        if annotator:
            args += ["--annotator", annotator]
        design = self.run_engine(args, feedback).get("design") or {}
        for stratum in design.get("strata") or []:
            feedback.pushInfo(
                self.tr("Class {name}: {pixels} pixels, weight {weight:.3f}, {sample} sample points").format(
                    name=stratum.get("name", stratum.get("class_id")), pixels=stratum.get("pixels"),
                    weight=float(stratum.get("weight") or 0.0), sample=stratum.get("sample"),
                )
            )  # fmt: skip
        if design.get("absent_classes"):
            feedback.pushWarning(
                self.tr("Classes absent from the map (no stratum, no point): {ids}").format(
                    ids=", ".join(str(c) for c in design["absent_classes"])
                )
            )
        if design.get("near_clicks"):
            feedback.pushInfo(
                self.tr("{count} sample points lie within a few pixels of a training click.").format(
                    count=design["near_clicks"]
                )
            )
        return {
            "DESIGN_ID": design.get("design_id", ""),
            "SIZE": design.get("size"),
            "ANTICIPATED_SE": design.get("anticipated_se"),
        }
