"""Fixtures of the plugin tests: a tiny trained workspace made by the real engine CLI in subprocesses.

The test process stays like QGIS: it imports only ``qgis``, ``qgis.PyQt``, the standard library and the
plugin, never torch/rasterio/geopandas or ``isage_core``; the engine runs in its own process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the plugin package is not installed: import it from the checkout
    sys.path.insert(0, str(REPO))

# the engine's Python: the repository's venv, or another one (a QGIS in a chroot runs the host's engine)
ENGINE_PYTHON = os.environ.get("ISAGE_TEST_ENGINE_PYTHON") or str(REPO / ".venv" / "bin" / "python")
CLASSES = "0:background:#9e9e9e,1:car:#e53935,2:road:#3c3c3c,3:building:#ff9800,4:permeable:#43a047"
TINY_MODEL = [
    "--encoder", "tu-mobilenetv3_small_100", "--weights", "none", "--decoder-channels", "64,32,16,16,8",
    "--batch-size", "2", "--patch-size", "64",
]  # fmt: skip
FRAMES = ("train_1", "train_1000")  # train_1's seed clicks cover the five classes
SAMPLE_CRS = "EPSG:31983"
_EXPORT = (
    "import json, sys\n"
    "from isage_core.benchmark.sample_data import export_sample\n"
    "layout = export_sample(sys.argv[1])\n"
    "print(json.dumps({'images': {k: str(v) for k, v in layout.train.images.items()},\n"
    "                  'masks': {k: str(v) for k, v in layout.train.masks.items()},\n"
    "                  'seeds': layout.seed_clicks}))\n"
)


def run_engine_cli(*args: str, check: bool = True) -> list[dict]:
    """Run ``isage --json *args`` in the engine's Python; its events (raises on failure if ``check``)."""
    done = subprocess.run(
        [ENGINE_PYTHON, "-m", "isage_core.cli", "--json", *args], capture_output=True, text=True, timeout=300
    )
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if check and done.returncode != 0:
        raise AssertionError(
            f"isage {' '.join(args)} failed ({done.returncode}): {events[-1:]} {done.stderr}"
        )
    return events


def result_of(events: list[dict]) -> dict:
    return next(e for e in events if e["event"] == "result")


@dataclass
class EngineWorkspace:
    """A workspace with two frames, the authors' seed clicks and a model of iteration 0."""

    root: Path
    workspace: Path
    model: Path
    images: dict[str, Path]
    masks: dict[str, Path]
    classes_raster: Path  # the model's class raster of FRAMES[0]
    copies: list[Path] = field(default_factory=list)

    @property
    def record(self) -> Path:
        return self.workspace / "clicks.gpkg"

    def copy(self, name: str) -> Path:
        """A private copy of the workspace beside it (frame paths are stored relative to the record)."""
        target = self.root / name
        shutil.copytree(self.workspace, target)
        self.copies.append(target)
        return target


@pytest.fixture(scope="session")
def engine_cli():
    """``engine_cli(*args)``: run ``isage --json *args`` in the engine's Python, return its events."""
    return run_engine_cli


@pytest.fixture(scope="session")
def tiny_model() -> list[str]:
    """Engine options of a tiny network (1.4M parameters) that trains in a fraction of a second a step."""
    return list(TINY_MODEL)


@pytest.fixture(scope="session")
def engine_python() -> str:
    """The engine's Python, also published as ISAGE_PYTHON so the plugin finds it."""
    assert Path(ENGINE_PYTHON).is_file(), f"{ENGINE_PYTHON} missing: run `make install` first"
    os.environ["ISAGE_PYTHON"] = ENGINE_PYTHON
    return ENGINE_PYTHON


@pytest.fixture(scope="session")
def engine_workspace(tmp_path_factory, engine_python) -> EngineWorkspace:
    root = tmp_path_factory.mktemp("engine")
    exported = subprocess.run(
        [engine_python, "-c", _EXPORT, str(root / "sample")], capture_output=True, text=True, check=True
    )
    layout = json.loads(exported.stdout)
    images = {name: Path(layout["images"][name]) for name in FRAMES}
    masks = {name: Path(layout["masks"][name]) for name in FRAMES}
    ws = root / "ws"
    run_engine_cli("init", str(ws), "--classes", CLASSES)
    run_engine_cli("frames", "add", str(ws), *(str(images[n]) for n in FRAMES))
    seeded = set()
    for name in FRAMES:
        for row, col, class_id in layout["seeds"][name]:
            click = ["--frame", name, "--class", str(class_id), "--row", str(row), "--col", str(col)]
            run_engine_cli("click", "add", str(ws), *click, "--annotator", "seed", "--over-budget")
            seeded.add(class_id)
    assert seeded == {0, 1, 2, 3, 4}
    model = Path(result_of(run_engine_cli("train", str(ws), *TINY_MODEL, "--steps", "2"))["outputs"]["model"])
    out = root / "predicted"
    predicted = run_engine_cli("predict", "--raster", str(images[FRAMES[0]]), "--model", str(model),
                               "--out", str(out), "--heatmaps", "confidence", "--tile-size", "256",
                               "--overlap", "32")  # fmt: skip
    classes = Path(result_of(predicted)["outputs"]["classes"])
    return EngineWorkspace(root, ws, model, images, masks, classes)


@pytest.fixture(scope="session")
def isage_provider(qgis_processing):
    """The iSAGE provider in the Processing registry (added once per session)."""
    from qgis.core import QgsApplication

    from isage_qgis.processing.provider import IsageProvider

    registry = QgsApplication.processingRegistry()
    if registry.providerById("isage") is None:
        provider = IsageProvider()
        assert registry.addProvider(provider)
    return registry.providerById("isage")


# ---- click record / map tool fixtures (tests/qgis/test_clicks_layer.py, test_map_tool.py) ---------------
@pytest.fixture(scope="session")
def click_template(tmp_path_factory) -> Path:
    """A real workspace made by the engine: frames train_1, train_11 (sample) and nd (with nodata)."""
    from tests.qgis.click_testutil import CLICK_CLASSES, PY, engine, write_nodata_frame

    base = tmp_path_factory.mktemp("clicks")
    code = (
        f"from isage_core.benchmark.sample_data import export_sample; export_sample({str(base / 'data')!r})"
    )
    subprocess.run([PY, "-c", code], check=True, capture_output=True, timeout=120)
    images = base / "data" / "train" / "images"
    nd = write_nodata_frame(base / "data" / "nd.tif")
    ws = base / "template"
    engine("init", str(ws), "--classes", CLICK_CLASSES)
    engine("frames", "add", str(ws), str(images / "train_1.tif"), str(images / "train_11.tif"), str(nd))
    return ws


@pytest.fixture
def click_workspace(click_template: Path, request) -> Path:
    """A fresh copy of the click template workspace beside it (frame paths are stored relative to it)."""
    name = "".join(ch if ch.isalnum() else "_" for ch in request.node.name)[:80]
    dest = click_template.parent / f"ws_{name}"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(click_template, dest)
    return dest


@pytest.fixture
def click_record(click_workspace: Path, qgis_new_project):
    """The workspace's record opened through QGIS; the project is cleared and the record closed after."""
    from isage_qgis.clicks.layer import ClickRecordLayer

    rec = ClickRecordLayer.open(click_workspace / "clicks.gpkg")
    yield rec
    qgis_new_project.removeAllMapLayers()
    rec.close()


@pytest.fixture
def make_dock(qgis_iface, qgis_new_project, engine_python, tiny_model):
    """``make_dock(python=..., workspace=None, steps=3, scheduler="", propose=True)``: a dock whose session
    uses the given engine Python and a tiny network; closed and its layers removed afterwards."""
    from isage_qgis.panel.dock import IsageDock
    from isage_qgis.panel.session import IsageSession
    from isage_qgis.settings import PluginSettings

    from .dock_testutil import spin

    docks = []

    def make(
        python: str = engine_python,
        workspace: Path | None = None,
        steps: int = 3,
        scheduler: str = "",
        propose: bool = True,
    ) -> IsageDock:
        settings = PluginSettings(
            engine_python=python, device="cpu", annotator="tester", scheduler=scheduler, propose=propose
        )
        session = IsageSession(qgis_new_project, settings_loader=lambda: settings)
        session.train_extra = [*tiny_model, "--steps", str(steps)]
        dock = IsageDock(qgis_iface, session=session)
        docks.append(dock)
        if workspace is not None:
            assert session.open_record(workspace / "clicks.gpkg")
        return dock

    qgis_iface.messageBar().clear_messages()
    yield make
    for dock in docks:
        dock.session.cancel()
        spin(lambda d=dock: not d.session.busy, 30)
        dock.cleanup()
        dock.deleteLater()
    qgis_new_project.removeAllMapLayers()
    qgis_new_project.layerTreeRoot().removeAllChildren()


@pytest.fixture(autouse=True)
def english_interface():
    """The plugin's translator for an English QGIS, as classFactory installs it (English plural forms);
    for each test, since a test that unloads the plugin removes it as QGIS would."""
    from isage_qgis.translation import install_translator

    install_translator("en")
