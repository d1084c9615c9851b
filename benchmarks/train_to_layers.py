"""Time from pressing Train in the iSAGE panel to the new layers in the project, on one sample frame, with
a breakdown of the press.

Runs QGIS headless (offscreen), prepares a workspace with the engine (a subprocess): the sample frame
``train_1`` and the method authors' seed clicks for it. With ``--warm`` the engine trains that seed round
first and a second round of clicks is set aside (one per class present, a random pixel of the class), so
Train is a warm-start round as in a user's second iteration. Then, ``--repeat`` times, each on a fresh
copy of the prepared workspace, it opens the record in the panel's session, makes those clicks through
the plugin's click record (``--click-seconds`` apart: the person's time; the live engine trains
meanwhile), presses Train and waits for the result layers (and the proposals, unless ``--no-propose``).

``--mode``: ``oneshot`` runs one engine process per command (the plugin before the resident engine);
``resident`` keeps one engine process up for the session, started when the record opens; ``live`` also
trains while the person clicks, so Train only closes the round.

Writes one JSON line: every time, the median, and per press a breakdown: the engine's start (process,
imports, version check), each command's wall time as the panel saw it with the engine's own figures
(process age at the command, the command's seconds, training's open/steps/check/write), and the
layers' loading in QGIS after the engine finished.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/train_to_layers.py --warm --mode live
    [--click-seconds 12] [--repeat 3] [--train-args '--schedule fixed']
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


def prepare(python: str, work: Path, frame: str, warm: bool) -> tuple[Path, list]:
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
    if warm:  # the seed round's model: the same for every mode (the fixed schedule, 120 steps)
        engine(python, "train", str(ws), "--schedule", "fixed")
    later = [(frame, row, col, class_id) for row, col, class_id in data["later"]] if warm else []
    return ws, later


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

    return PluginSettings(
        engine_python=args.engine_python,
        device="auto",
        propose=not args.no_propose,
        resident_engine=args.mode != "oneshot",
        live_training=args.mode == "live",
        train_time_budget_s=args.time_budget,
    )


def spin(condition, timeout: float = 900.0) -> None:
    loop, deadline = QEventLoop(), time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    if not condition():
        raise RuntimeError(f"not reached within {timeout} s")


def press_train(ws: Path, settings, extra: list[str], later: list, click_seconds: float) -> dict:
    """Open the record in the panel's session, click ``later`` (``click_seconds`` apart), press Train, wait
    for the layers: the press's seconds, the layers and the breakdown."""
    from isage_qgis.engine import handshake
    from isage_qgis.panel.session import IsageSession

    project = QgsProject.instance()
    session = IsageSession(project, settings_loader=lambda: settings)
    session.train_extra = extra
    began = time.monotonic()
    assert session.open_record(ws / "clicks.gpkg")
    breakdown: dict = {"version_check_s": None, "engine_ready_s": None}
    if settings.resident_engine:
        if not handshake.is_verified(settings.engine_python):  # the first session of QGIS checks it once
            checked = time.monotonic()
            assert session.predict()
            spin(lambda: not session.busy)
            breakdown["version_check_and_first_predict_s"] = round(time.monotonic() - checked, 2)
        spin(lambda: session.engine is not None and session.engine.state == "ready")
        breakdown["engine_ready_s"] = round(time.monotonic() - began, 2)
    live: list[dict] = []
    session.liveChanged.connect(live.append)
    for frame, row, col, class_id in later:
        session.record.add_click(frame, row, col, class_id, annotator="benchmark", enforce_budget=False)
        until = time.monotonic() + click_seconds
        spin(lambda until=until: time.monotonic() >= until)
    at_press = list(live)
    stamps: list[tuple[str, float, dict]] = []
    added: list = []
    session.layersAdded.connect(added.append)
    started = time.monotonic()
    assert session.train()
    pipeline = session.pipeline
    pipeline.stepFinished.connect(lambda label, event: stamps.append((label, time.monotonic(), event)))
    finished: list[float] = []
    pipeline.finished.connect(lambda: finished.append(time.monotonic()))
    spin(lambda: bool(added) or not session.busy)
    done = time.monotonic()
    elapsed = round(done - started, 2)
    steps, previous = [], started
    for label, at, event in stamps:
        timing = event.get("timing", {})
        steps.append(
            {
                "step": label,
                "wall_s": round(at - previous, 2),
                "engine_process_age_s": timing.get("process_age_s"),
                "engine_command_s": timing.get("command_s"),
                **{k: v for k, v in timing.items() if k not in ("process_age_s", "command_s")},
                **({"steps": event.get("steps"), "stopped_by": event.get("stopped_by"),
                    "click_accuracy": event.get("click_accuracy")} if label == "train" else {}),
            }
        )  # fmt: skip
        previous = at
    breakdown["commands"] = steps
    breakdown["layers_loading_s"] = round(done - (finished[0] if finished else previous), 2)
    breakdown["live_before_press"] = next(
        (e for e in reversed(at_press) if e.get("state") in ("training", "idle")), None
    )
    rasters = [layer.name() for layer in project.mapLayers().values() if isinstance(layer, QgsRasterLayer)]
    session.close()
    project.removeAllMapLayers()
    return {"seconds": elapsed, "layers": sorted(rasters), "breakdown": breakdown}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, help="training steps (default: the engine's schedule)")
    parser.add_argument("--warm", action="store_true", help="time a warm-start round (the second)")
    parser.add_argument("--repeat", type=int, default=1, help="presses of Train, each on a fresh copy")
    parser.add_argument("--mode", choices=["oneshot", "resident", "live"], default="live")
    parser.add_argument("--click-seconds", type=float, default=3.0, help="the person's time per click")
    parser.add_argument("--time-budget", type=float, default=60.0, help="the panel's training time budget")
    parser.add_argument(
        "--train-args", default="", help="extra `isage train` options, e.g. '--schedule fixed'"
    )
    parser.add_argument("--engine-python", default=str(REPO / ".venv" / "bin" / "python"))
    parser.add_argument("--no-propose", action="store_true", help="without the proposals after predicting")
    args = parser.parse_args()

    app = QgsApplication([], False)
    app.initQgis()

    with tempfile.TemporaryDirectory() as tmp:
        prepared, later = prepare(args.engine_python, Path(tmp), "train_1", args.warm)
        presses = []
        extra = (["--steps", str(args.steps)] if args.steps else []) + args.train_args.split()
        for attempt in range(args.repeat):
            ws = Path(tmp) / f"attempt_{attempt}"
            shutil.copytree(prepared, ws)
            presses.append(press_train(ws, settings_for(args), extra, later, args.click_seconds))
        times = [p["seconds"] for p in presses]
        result = {
            "train_to_layers_s": round(statistics.median(times), 1),
            "times_s": times,
            "mode": args.mode,
            "click_seconds": args.click_seconds,
            "clicks_before_press": len(later),
            "warm_start": args.warm,
            "layers": presses[-1]["layers"],
            "steps": args.steps,
            "train_args": args.train_args,
            "time_budget_s": args.time_budget,
            "propose": not args.no_propose,
            "breakdowns": [p["breakdown"] for p in presses],
        }
        sys.stdout.write(json.dumps(result) + "\n")
    app.exitQgis()


if __name__ == "__main__":
    main()
