"""What every iSAGE algorithm shares: parameter helpers, the engine's Python, delivering outputs."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsRasterLayer,
)

from ..compat import FILE_BEHAVIOR_FILE, FLAG_ADVANCED, NUMBER_DOUBLE, NUMBER_INTEGER
from ..engine import handshake
from ..engine.discovery import find_engine_python, probe_engine
from ..engine.worker import EngineError, missing_engine_message, run_engine_blocking
from ..record import postgis
from ..settings import PluginSettings
from ..translation import tr

log = logging.getLogger(__name__)

DEVICES = ["auto", "cpu", "cuda", "mps"]
BACKENDS = ["auto", "torch", "onnxruntime", "openvino"]  # the engine's `predict --backend` choices
PRECISIONS = ["auto", "f32", "bf16"]  # the engine's `predict --precision` choices (OpenVINO)
# "All files (*)" lets a folder path through validation; QGIS's default filter demands an extension.
WORKSPACE_FILTER = "GeoPackage (*.gpkg *.GPKG);;All files (*)"  # no-i18n: a file filter


class IsageAlgorithm(QgsProcessingAlgorithm):
    """Base of the iSAGE algorithms: subclasses define ``NAME``, ``DISPLAY``, ``GROUP``, ``HELP``,
    ``initAlgorithm`` and ``processAlgorithm``; they never touch ``iface`` (batch, Modeler, qgis_process)."""

    NAME = ""
    DISPLAY = ""
    GROUP = ""
    HELP = ""

    def tr(self, text: str, count: int = -1) -> str:
        """``text`` in the interface language (the plugin's one context); ``%n`` becomes ``count``."""
        return tr(text, count)

    def createInstance(self) -> IsageAlgorithm:  # noqa: N802 (QGIS API names)
        return type(self)()

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:  # noqa: N802
        return self.tr(self.DISPLAY)

    def group(self) -> str:
        return self.tr(self.GROUP)

    def groupId(self) -> str:  # noqa: N802
        return self.GROUP.lower().replace(" ", "")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(self.HELP)

    # ---- parameters ---------------------------------------------------------------------------------
    def add(
        self, parameter: QgsProcessingParameterDefinition, help_text: str, advanced: bool = False
    ) -> QgsProcessingParameterDefinition:
        """Add ``parameter`` with its help text, in the advanced section when asked."""
        parameter.setHelp(self.tr(help_text))
        if advanced:
            parameter.setFlags(parameter.flags() | FLAG_ADVANCED)
        self.addParameter(parameter)
        return parameter

    def add_int(self, key: str, label: str, default: int | None, help_text: str, minimum: int = 0) -> None:
        """An advanced integer; ``default`` None makes it optional (0 or unset: the engine's default)."""
        param = QgsProcessingParameterNumber(
            key, self.tr(label), NUMBER_INTEGER, default, default is None, minimum
        )
        self.add(param, help_text, advanced=True)

    def add_float(self, key: str, label: str, default: float, help_text: str, minimum: float = 0.0) -> None:
        param = QgsProcessingParameterNumber(key, self.tr(label), NUMBER_DOUBLE, default, False, minimum)
        self.add(param, help_text, advanced=True)

    def add_enum(self, key: str, label: str, options: list[str], help_text: str) -> None:
        """An advanced choice among ``options``, the first the default."""
        self.add(QgsProcessingParameterEnum(key, self.tr(label), options, False, 0), help_text, advanced=True)

    def add_input_mismatch(self) -> None:
        self.add(
            QgsProcessingParameterBoolean(
                "ALLOW_INPUT_MISMATCH", self.tr("Allow rasters unlike the training frames"), False
            ),
            tr(
                "The engine refuses rasters whose band count, data type or values differ from the model's "
                "training frames; tick to use them anyway (recorded in the run and in the outputs' metadata)."
            ),
            advanced=True,
        )

    def input_mismatch_args(self, parameters: dict, context: QgsProcessingContext) -> list[str]:
        return (
            ["--allow-input-mismatch"]
            if self.parameterAsBool(parameters, "ALLOW_INPUT_MISMATCH", context)
            else []
        )

    def add_device(self) -> None:
        self.add(
            QgsProcessingParameterEnum(
                "DEVICE", self.tr("Compute device"), ["settings", *DEVICES], False, 0, optional=True
            ),
            tr(
                "Where the network runs: 'settings' uses the device chosen in the iSAGE settings "
                "(default auto: "
                "a CUDA GPU, else Apple MPS, else the CPU)."
            ),
            advanced=True,
        )

    def add_workspace(self, help_text: str, optional: bool = False) -> None:
        """``WORKSPACE``: the click GeoPackage or the workspace folder (both pass validation)."""
        parameter = QgsProcessingParameterFile(
            "WORKSPACE", self.tr("Workspace (clicks.gpkg or its folder)"), FILE_BEHAVIOR_FILE,
            optional=optional, fileFilter=WORKSPACE_FILTER,
        )  # fmt: skip
        self.add(parameter, help_text)

    def add_extent(self) -> None:
        self.add(
            QgsProcessingParameterExtent("EXTENT", self.tr("Extent"), optional=True),
            tr(
                "Only predict the part of the raster inside this extent (any CRS: it is reprojected to the "
                "raster's). Empty: the whole raster."
            ),
        )

    def add_prediction_options(self) -> None:
        """Model file, extent, tiling and device: what every prediction algorithm asks."""
        self.add(
            QgsProcessingParameterFile("MODEL", self.tr("Model file"), FILE_BEHAVIOR_FILE, "safetensors"),
            tr("An iSAGE model (models/iteration_NNN.safetensors of a workspace, written by 'Train model')."),
        )
        self.add_extent()
        self.add_int(
            "TILE_SIZE", tr("Tile size (pixels)"), 512, tr("Side of the tiles the network sees."), minimum=32
        )
        self.add_int(
            "OVERLAP",
            tr("Tile overlap (pixels)"),
            64,
            tr("Overlap of neighbouring tiles, blended to hide seams; less than half the tile size."),
        )
        self.add_int(
            "BATCH_SIZE",
            tr("Batch size"),
            4,
            tr("Tiles per network call (lower it if memory runs out)."),
            minimum=1,
        )
        self.add_input_mismatch()
        self.add_device()
        self.add(
            QgsProcessingParameterEnum(
                "BACKEND", self.tr("Prediction backend"), list(BACKENDS), False, 0, optional=True
            ),
            tr(
                "auto: OpenVINO (else onnxruntime) on a CPU, running the model's graph, exported once "
                "and cached "
                "beside it (small jobs use PyTorch); PyTorch on a GPU. torch, onnxruntime or openvino "
                "force one."
            ),
            advanced=True,
        )
        self.add(
            QgsProcessingParameterEnum(
                "PRECISION",
                self.tr("Prediction precision (OpenVINO)"),
                list(PRECISIONS),
                False,
                0,
                optional=True,
            ),
            tr(
                "auto: bfloat16 where the CPU computes it (AMX, AVX-512 BF16) and a check against float32 "
                "passes, else float32. f32 never reduces the precision; bf16 insists (the run fails if "
                "the check "
                "does)."
            ),
            advanced=True,
        )

    def prediction_args(self, parameters: dict, context: QgsProcessingContext, raster: str, crs) -> list[str]:
        """``predict --raster ... --model ...`` arguments, without ``--out`` and heatmap choices."""
        return [
            "predict",
            "--raster",
            raster,
            "--model",
            self.parameterAsFile(parameters, "MODEL", context),
            "--tile-size",
            str(self.parameterAsInt(parameters, "TILE_SIZE", context)),
            "--overlap",
            str(self.parameterAsInt(parameters, "OVERLAP", context)),
            "--batch-size",
            str(self.parameterAsInt(parameters, "BATCH_SIZE", context)),
            "--device",
            self.device(parameters, context),
            "--backend",
            BACKENDS[self.parameterAsEnum(parameters, "BACKEND", context)],
            "--precision",
            PRECISIONS[self.parameterAsEnum(parameters, "PRECISION", context)],
            *self.extent_args(parameters, context, crs),
            *self.input_mismatch_args(parameters, context),
        ]

    def device(self, parameters: dict, context: QgsProcessingContext) -> str:
        choice = self.parameterAsEnum(parameters, "DEVICE", context)
        if choice == 0:
            return PluginSettings.load().device or "auto"
        return DEVICES[choice - 1]

    def extent_args(self, parameters: dict, context: QgsProcessingContext, crs) -> list[str]:
        """``--extent XMIN YMIN XMAX YMAX`` in ``crs`` when an extent was given, else nothing."""
        if parameters.get("EXTENT") in (None, ""):
            return []
        rect = self.parameterAsExtent(parameters, "EXTENT", context, crs)
        if rect.isNull() or rect.isEmpty():
            return []
        return [
            "--extent",
            *(repr(v) for v in (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())),
        ]

    def raster_path(self, parameters: dict, key: str, context: QgsProcessingContext) -> tuple[str, object]:
        """File path (or GDAL dataset name) and CRS of a raster layer parameter."""
        layer = self.parameterAsRasterLayer(parameters, key, context)
        if layer is None or not isinstance(layer, QgsRasterLayer) or not layer.isValid():
            raise QgsProcessingException(self.tr("{key}: not a readable raster layer").format(key=key))
        if layer.providerType() != "gdal":
            text = self.tr(
                "{key}: '{layer}' is a {provider} layer; iSAGE reads raster files, "
                "so save it as a GeoTIFF first (Export > Save As)"
            )
            raise QgsProcessingException(
                text.format(key=key, layer=layer.name(), provider=layer.providerType())
            )
        return layer.source(), layer.crs() if layer.crs().isValid() else QgsCoordinateReferenceSystem()

    # ---- the engine ---------------------------------------------------------------------------------
    def engine_python(self) -> str:
        """The engine's Python, once checked to be this plugin's version and able to train."""
        python = find_engine_python(PluginSettings.load())
        if python is None:
            raise QgsProcessingException(missing_engine_message(PluginSettings.load().engine_python or None))
        if not handshake.is_verified(python):
            try:
                report = probe_engine(python)
            except EngineError as exc:
                raise QgsProcessingException(f"{exc}; {tr(handshake.UPDATE_HINT)}") from exc
            problem = handshake.result_check(python)({"environment": report})
            if problem:
                raise QgsProcessingException(problem)
        return python

    def run_engine(self, args: list[str], feedback: QgsProcessingFeedback) -> dict:
        """Run ``isage --json *args`` with progress and cancel through ``feedback``; the result event. A
        workspace on a team's PostGIS record among ``args`` gets its QGIS connection's login (and the
        trainer account's) in the engine process's environment only."""
        env = self.record_environment(args)
        feedback.pushInfo(self.tr("Running the iSAGE engine: isage ") + " ".join(str(a) for a in args))
        return run_engine_blocking(self.engine_python(), args, feedback, env=env)

    def record_environment(self, args: list[str]) -> dict[str, str]:
        """The logins the engine needs for the PostGIS workspaces among ``args`` ({} for none)."""
        env: dict[str, str] = {}
        for arg in args:
            text = str(arg)
            if text.startswith("-") or not postgis.is_postgis_workspace(text):
                continue
            try:
                env.update(postgis.workspace_environment(text))
            except postgis.PostgisError as exc:
                raise QgsProcessingException(str(exc)) from None
        return env


@contextmanager
def staging_folder(destination: str) -> Iterator[Path]:
    """A hidden temporary folder beside ``destination`` (same disk: moving out of it is a rename)."""
    parent = Path(destination).resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".isage-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def deliver(produced: str | Path, destination: str) -> str:
    """Move an engine output (a GeoTIFF) to the path the user chose; refuses other raster formats."""
    target = Path(destination)
    if target.suffix.lower() not in (".tif", ".tiff"):
        text = tr("{path}: iSAGE writes GeoTIFF rasters; choose a file name ending in .tif")
        raise QgsProcessingException(text.format(path=destination))
    target.parent.mkdir(parents=True, exist_ok=True)
    stale = Path(f"{target}.aux.xml")
    if stale.exists():  # statistics of a previous file with this name would describe other pixels
        stale.unlink()
    shutil.move(str(produced), str(target))
    for sidecar in Path(produced).parent.glob(Path(produced).name + ".*"):
        shutil.move(str(sidecar), f"{target}{sidecar.name[len(Path(produced).name) :]}")
    return os.fspath(target)
