"""Import a point layer (field survey, another tool's samples, a colleague's shapefile) as clicks."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProviderRegistry,
    QgsVectorFileWriter,
)

from ..compat import VECTOR_POINT
from ..record.frames import layer_path
from ..translation import deferred_tr, tr
from .base import IsageAlgorithm, staging_folder

CLASS_BY = ["auto", "id", "name"]


class ImportPointsAlgorithm(IsageAlgorithm):
    """``isage click import``: each point a click of the current iteration; all or nothing by default."""

    NAME = "importpoints"
    DISPLAY = deferred_tr("Import point layer as clicks")
    GROUP = deferred_tr("Clicks")
    HELP = deferred_tr(
        "Adds each point of a point layer as a click of the workspace's current iteration, on the pixel "
        "of the first frame that contains it (any CRS). The class field holds class ids or class names. "
        "Every point is checked first: a point outside every frame, on nodata, of an unknown class, over "
        "the budget of one click per class per frame per iteration, or on a pixel that already has a click "
        "(duplicate, or conflict when the class differs) is refused and listed, and then nothing is "
        "imported unless 'Import the accepted points anyway' is ticked. Each click's note names the file "
        "and feature id it came from."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_workspace(
            tr("The workspace receiving the clicks: its click GeoPackage (clicks.gpkg) or folder.")
        )
        self.add(
            QgsProcessingParameterVectorLayer("INPUT", self.tr("Point layer"), [VECTOR_POINT]),
            tr(
                "The points: a GeoPackage, shapefile, GeoJSON or CSV layer (others are copied to a "
                "GeoPackage)."
            ),
        )
        self.add(
            QgsProcessingParameterField(
                "CLASS_FIELD", self.tr("Class field"), parentLayerParameterName="INPUT"
            ),
            tr("The field holding each point's class: its id or its name in the workspace's class table."),
        )
        self.add(
            QgsProcessingParameterEnum("CLASS_BY", self.tr("Class field holds"), CLASS_BY, False, 0),
            tr(
                "auto: class ids when every value is a whole number, else class names (case does not matter)."
            ),
        )
        self.add(
            QgsProcessingParameterField(
                "ANNOTATOR_FIELD", self.tr("Annotator field"), parentLayerParameterName="INPUT", optional=True
            ),
            tr("Optionally, the field naming who placed each point."),
        )
        self.add(
            QgsProcessingParameterString("ANNOTATOR", self.tr("Annotator"), optional=True),
            tr("Who made the points, when no annotator field is given."),
        )
        self.add(
            QgsProcessingParameterBoolean(
                "OVER_BUDGET", self.tr("Allow more than the method's budget"), False
            ),
            tr("Let several points of one class into one frame in this iteration."),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterBoolean("KEEP_VALID", self.tr("Import the accepted points anyway"), False),
            tr("Import the points that pass even when others are refused (each refusal is still listed)."),
        )
        self.addOutput(QgsProcessingOutputNumber("ADDED", self.tr("Clicks added")))
        self.addOutput(QgsProcessingOutputNumber("REFUSED", self.tr("Points refused")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        if layer is None or not layer.isValid():
            raise QgsProcessingException(self.tr("INPUT: not a readable point layer"))
        args = ["--class-field", self.parameterAsString(parameters, "CLASS_FIELD", context)]
        args += ["--class-by", CLASS_BY[self.parameterAsEnum(parameters, "CLASS_BY", context)]]
        annotator_field = self.parameterAsString(parameters, "ANNOTATOR_FIELD", context)
        if annotator_field:
            args += ["--annotator-field", annotator_field]
        annotator = self.parameterAsString(parameters, "ANNOTATOR", context)
        if annotator:
            args += ["--annotator", annotator]
        if self.parameterAsBool(parameters, "OVER_BUDGET", context):
            args.append("--over-budget")
        if self.parameterAsBool(parameters, "KEEP_VALID", context):
            args.append("--keep-valid")
        with staging_folder(workspace) as folder:
            source = layer_path(layer)
            if layer.providerType() == "ogr" and source is not None and not layer.subsetString():
                name = QgsProviderRegistry.instance().decodeUri("ogr", layer.source()).get("layerName")
                target = [str(source), *(["--layer", name] if name else [])]
            else:  # a memory, delimited-text or database layer, or a filtered one: its features as a file
                copy = folder / "points.gpkg"
                options = QgsVectorFileWriter.SaveVectorOptions()
                options.driverName = "GPKG"
                error, message, *_ = QgsVectorFileWriter.writeAsVectorFormatV3(
                    layer, str(copy), context.transformContext(), options
                )
                if error != QgsVectorFileWriter.WriterError.NoError:
                    raise QgsProcessingException(
                        self.tr("{layer}: cannot copy the points ({reason})").format(
                            layer=layer.name(), reason=message
                        )
                    )
                target = [str(copy)]
            result = self.run_engine(["click", "import", workspace, *target, *args], feedback)
        refused = result.get("refused") or []
        for item in refused:
            feedback.reportError(
                self.tr("{point}: refused ({reason})").format(point=item["source"], reason=item["reason"])
            )
        added = self.tr("Added %n clicks", result.get("added", 0))
        feedback.pushInfo(added + "; " + self.tr("%n points refused", len(refused)))
        return {"ADDED": result.get("added", 0), "REFUSED": len(refused)}
