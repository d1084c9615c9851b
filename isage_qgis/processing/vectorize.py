"""Class polygons from a class raster, written to a GeoPackage (or converted to the chosen format)."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorDestination,
    QgsVectorFileWriter,
    QgsVectorLayer,
)

from ..compat import NUMBER_INTEGER, VECTOR_POLYGON
from ..translation import deferred_tr, tr
from .base import IsageAlgorithm, staging_folder


class VectorizeAlgorithm(IsageAlgorithm):
    """``isage vectorize``: a polygon per connected region of each class (class id, name, area in m², ha)."""

    NAME = "vectorize"
    DISPLAY = deferred_tr("Vectorize classes")
    GROUP = deferred_tr("Outputs")
    HELP = deferred_tr(
        "Turns a class raster into polygons: one per connected region (4-neighbour) of each class, with "
        "the class id, class name and area in square metres and hectares (on the ellipsoid for a geographic "
        "CRS). Regions smaller than the minimum area are first merged into "
        "their neighbours. Works in strips, so rasters larger than memory are fine. Nodata is skipped."
    )

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add(
            QgsProcessingParameterRasterLayer("INPUT", self.tr("Class raster")),
            tr("A class raster written by 'Predict classes' (class names are read from its tags)."),
        )
        self.add(
            QgsProcessingParameterNumber(
                "MIN_AREA", self.tr("Minimum area (pixels)"), NUMBER_INTEGER, 0, False, 0
            ),
            tr("Regions smaller than this many pixels are merged into their neighbours first (0: keep all)."),
        )
        self.add(
            QgsProcessingParameterVectorDestination("OUTPUT", self.tr("Polygons"), VECTOR_POLYGON),
            tr("Where to write the polygons (GeoPackage; other formats are converted from it)."),
        )

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        raster, _ = self.raster_path(parameters, "INPUT", context)
        output = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        min_area = str(self.parameterAsInt(parameters, "MIN_AREA", context))
        path = Path(output.split("|")[0])
        if path.suffix.lower() == ".gpkg":
            path.parent.mkdir(parents=True, exist_ok=True)
            self.run_engine(["vectorize", raster, str(path), "--min-area", min_area], feedback)
            return {"OUTPUT": str(path)}
        with staging_folder(str(path)) as folder:
            produced = folder / "polygons.gpkg"
            self.run_engine(["vectorize", raster, str(produced), "--min-area", min_area], feedback)
            layer = QgsVectorLayer(str(produced), "polygons", "ogr")
            options = QgsVectorFileWriter.SaveVectorOptions()
            options.driverName = QgsVectorFileWriter.driverForExtension(path.suffix)
            error, message, *_ = QgsVectorFileWriter.writeAsVectorFormatV3(
                layer, str(path), context.transformContext(), options
            )
            del layer
            if error != QgsVectorFileWriter.WriterError.NoError:
                text = self.tr("{path}: cannot write the polygons ({reason})")
                raise QgsProcessingException(text.format(path=path, reason=message))
        return {"OUTPUT": str(path)}
