"""Time from pressing Train in the iSAGE panel to the new layers in the project, on one sample frame.

Runs QGIS headless (offscreen), prepares a workspace with the engine (a subprocess): the sample frame
``train_1`` and the method authors' seed clicks for it; then presses Train through the panel's session
(default model and schedule unless ``--steps``) and waits for the result layers. Writes one JSON line.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/train_to_layers.py [--steps N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import QEventLoop, QTimer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CLASSES = "0:background:#9e9e9e,1:car:#e53935,2:road:#3c3c3c,3:building:#ff9800,4:permeable area:#43a047"


def engine(python: str, *args: str) -> None:
    subprocess.run([python, "-m", "isage_core.cli", *args], check=True, capture_output=True)


def prepare(python: str, work: Path, frame: str) -> Path:
    script = (
        "import json, sys; from isage_core.benchmark.sample_data import export_sample; "
        "layout = export_sample(sys.argv[1]); "
        "sys.stdout.write(json.dumps({'image': str(layout.train.images[sys.argv[2]]), "
        "'clicks': layout.seed_clicks[sys.argv[2]]}))"
    )
    out = subprocess.run([python, "-c", script, str(work / "sample"), frame], check=True, capture_output=True)
    data = json.loads(out.stdout)
    ws = work / "ws"
    engine(python, "init", str(ws), "--classes", CLASSES)
    engine(python, "frames", "add", str(ws), data["image"], "--name", frame)
    for row, col, class_id in data["clicks"]:
        engine(
            python,
            "click",
            "add",
            str(ws),
            "--frame",
            frame,
            "--class",
            str(class_id),
            "--row",
            str(row),
            "--col",
            str(col),
            "--over-budget",
        )
    return ws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, help="training steps (default: the engine's schedule)")
    parser.add_argument("--engine-python", default=str(REPO / ".venv" / "bin" / "python"))
    args = parser.parse_args()

    app = QgsApplication([], False)
    app.initQgis()
    from isage_qgis.panel.session import IsageSession
    from isage_qgis.settings import PluginSettings

    with tempfile.TemporaryDirectory() as tmp:
        ws = prepare(args.engine_python, Path(tmp), "train_1")
        project = QgsProject.instance()
        settings = PluginSettings(engine_python=args.engine_python, device="auto")
        session = IsageSession(project, settings_loader=lambda: settings)
        if args.steps:
            session.train_extra = ["--steps", str(args.steps)]
        assert session.open_record(ws / "clicks.gpkg")
        added: list = []
        session.layersAdded.connect(added.append)
        started = time.monotonic()
        assert session.train()
        loop = QEventLoop()
        while not added and session.busy:
            QTimer.singleShot(50, loop.quit)
            loop.exec()
        elapsed = time.monotonic() - started
        rasters = [
            layer.name() for layer in project.mapLayers().values() if isinstance(layer, QgsRasterLayer)
        ]
        result = {"train_to_layers_s": round(elapsed, 1), "layers": sorted(rasters), "steps": args.steps}
        sys.stdout.write(json.dumps(result) + "\n")
        session.close()
        project.removeAllMapLayers()
    app.exitQgis()


if __name__ == "__main__":
    main()
