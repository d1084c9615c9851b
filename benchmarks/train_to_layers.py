"""Time from pressing Train in the iSAGE panel to the new layers in the project, on one sample frame.

Runs QGIS headless (offscreen), prepares a workspace with the engine (a subprocess): the sample frame
``train_1`` and the method authors' seed clicks for it. With ``--warm`` the engine trains that seed round
first and a second round of clicks is added (one per class present, a random pixel of the class), so
Train is a warm-start round as in a user's second iteration. Then it presses Train through the panel's
session (default model and schedule unless ``--steps``) ``--repeat`` times, each on a fresh copy of the
prepared workspace, and waits for the result layers (and the proposals, unless ``--no-propose``).
Writes one JSON line with every time and the median.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/train_to_layers.py [--warm] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
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


def prepare(python: str, work: Path, frame: str, warm: bool) -> Path:
    script = (
        "import json, sys; import numpy as np, rasterio; "
        "from isage_core.benchmark.sample_data import export_sample; "
        "layout = export_sample(sys.argv[1]); name = sys.argv[2]; "
        "mask = rasterio.open(layout.train.masks[name]).read(1); rng = np.random.default_rng(0); "
        "later = [[int(v) for v in rng.choice(np.argwhere(mask == c))] + [int(c)] "
        "for c in np.unique(mask) if c != 255]; "
        "sys.stdout.write(json.dumps({'image': str(layout.train.images[name]), "
        "'clicks': layout.seed_clicks[name], 'later': later}))"
    )
    out = subprocess.run([python, "-c", script, str(work / "sample"), frame], check=True, capture_output=True)
    data = json.loads(out.stdout)
    ws = work / "ws"
    engine(python, "init", str(ws), "--classes", CLASSES)
    engine(python, "frames", "add", str(ws), data["image"], "--name", frame)
    add_clicks(python, ws, frame, data["clicks"])
    if warm:
        engine(python, "train", str(ws))
        add_clicks(python, ws, frame, data["later"])
    return ws


def add_clicks(python: str, ws: Path, frame: str, clicks) -> None:
    for row, col, class_id in clicks:
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


def settings_for(args):
    from isage_qgis.settings import PluginSettings

    return PluginSettings(engine_python=args.engine_python, device="auto", propose=not args.no_propose)


def press_train(ws: Path, settings, steps: int | None, extra: list[str]) -> tuple[float, list[str]]:
    """Open the record in the panel's session, press Train, wait for the layers: seconds and names."""
    from isage_qgis.panel.session import IsageSession

    project = QgsProject.instance()
    session = IsageSession(project, settings_loader=lambda: settings)
    session.train_extra = (["--steps", str(steps)] if steps else []) + extra
    assert session.open_record(ws / "clicks.gpkg")
    added: list = []
    session.layersAdded.connect(added.append)
    started = time.monotonic()
    assert session.train()
    loop = QEventLoop()
    while not added and session.busy:
        QTimer.singleShot(50, loop.quit)
        loop.exec()
    elapsed = round(time.monotonic() - started, 1)
    rasters = [layer.name() for layer in project.mapLayers().values() if isinstance(layer, QgsRasterLayer)]
    session.close()
    project.removeAllMapLayers()
    return elapsed, sorted(rasters)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, help="training steps (default: the engine's schedule)")
    parser.add_argument("--warm", action="store_true", help="time a warm-start round (the second)")
    parser.add_argument("--repeat", type=int, default=1, help="presses of Train, each on a fresh copy")
    parser.add_argument(
        "--train-args", default="", help="extra `isage train` options, e.g. '--schedule fixed'"
    )
    parser.add_argument("--engine-python", default=str(REPO / ".venv" / "bin" / "python"))
    parser.add_argument("--no-propose", action="store_true", help="without the proposals after predicting")
    args = parser.parse_args()

    app = QgsApplication([], False)
    app.initQgis()

    with tempfile.TemporaryDirectory() as tmp:
        prepared = prepare(args.engine_python, Path(tmp), "train_1", args.warm)
        times, layers = [], []
        for attempt in range(args.repeat):
            ws = Path(tmp) / f"attempt_{attempt}"
            shutil.copytree(prepared, ws)
            seconds, layers = press_train(ws, settings_for(args), args.steps, args.train_args.split())
            times.append(seconds)
        result = {
            "train_to_layers_s": round(statistics.median(times), 1),
            "times_s": times,
            "warm_start": args.warm,
            "layers": layers,
            "steps": args.steps,
            "train_args": args.train_args,
            "propose": not args.no_propose,
        }
        sys.stdout.write(json.dumps(result) + "\n")
    app.exitQgis()


if __name__ == "__main__":
    main()
