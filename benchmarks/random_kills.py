"""Kill the engine at random moments and count what the kills break or leave behind.

Prepares a workspace of two real sample patches (tiny network, iteration 0 trained and predicted, a
second round's click), then for each trial copies it, starts one command (train, predict or click add,
in turn) as a subprocess, SIGKILLs it after a random delay within that command's measured duration, and
checks the invariants: the record passes SQLite's integrity check and holds every click it held (plus
at most the one being added), the previous model is byte-identical, every run's model and every output
raster reads whole. Then the same command runs again and must succeed (or, for a click the killed run
had already committed, be refused as a duplicate) and leave no partial file.
Writes one JSON object: trials, kills that landed mid-run, invariant violations, debris left.

Usage: .venv/bin/python benchmarks/random_kills.py [--trials 50] [--seed 0] [--out kills.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import rasterio  # noqa: E402
from rasterio.transform import from_origin  # noqa: E402

from isage_core.loop.health import check_workspace  # noqa: E402
from isage_core.record.workspace import Workspace  # noqa: E402

PATCHES = REPO / "isage_core" / "data" / "bsb_toy" / "image_train"
TINY = [
    "--encoder", "tu-mobilenetv3_small_100", "--weights", "none", "--decoder-channels", "64,32,16,16,8",
    "--batch-size", "2", "--patch-size", "64", "--device", "cpu", "--steps", "6",
]  # fmt: skip
COMMANDS = {
    "train": ["train", "ws", *TINY],
    "predict": ["predict", "ws", "--tile-size", "128", "--overlap", "32"],
    "click": ["click", "add", "ws", "--frame", "b", "--class", "1", "--row", "40", "--col", "41"],
}


def engine(folder: Path, *argv: str, wait: bool = True):
    command = [sys.executable, "-m", "isage_core.cli", *map(str, argv)]
    if wait:
        return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)
    return subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def prepare(folder: Path) -> None:
    ws = folder / "ws"
    steps = [["init", ws, "--classes", "0:background:#9e9e9e,1:building:#ff9800,2:road:#3c3c3c"]]
    for index, name in enumerate(("1.png", "11.png")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with rasterio.open(PATCHES / name) as src:
                data = src.read()
        path = folder / f"{'ab'[index]}.tif"
        profile = dict(driver="GTiff", width=256, height=256, count=3, dtype="uint8", crs="EPSG:31983",
                       transform=from_origin(300000 + 100 * index, 8250000, 0.24, 0.24))  # fmt: skip
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(data)
        steps.append(["frames", "add", ws, path])
        for row, col, class_id in ((20, 20, 0), (128, 128, 1), (200, 60, 2)):
            steps.append(
                ["click", "add", ws, "--frame", "ab"[index], "--class", class_id, "--row", row, "--col", col]
            )
    second_round = ["click", "add", ws, "--frame", "a", "--class", 1, "--row", 60, "--col", 61]
    steps += [["train", ws, *TINY], ["predict", ws], second_round]
    for argv in steps:
        result = engine(folder, *argv)
        if result.returncode:
            raise SystemExit(f"preparing failed at {argv}: {result.stderr[-500:]}")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="isage-kills-") as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        prepare(base)
        durations = {}
        for name, argv in COMMANDS.items():  # how long each command runs when left alone
            trial = Path(tmp) / f"time-{name}"
            shutil.copytree(base, trial)
            begin = time.monotonic()
            engine(trial, *argv)
            durations[name] = time.monotonic() - begin
        counts = {"trials": 0, "killed_mid_run": 0, "violations": 0, "debris_left": 0, "next_run_failed": 0}
        details = []
        for index in range(args.trials):
            name = list(COMMANDS)[index % len(COMMANDS)]
            folder = Path(tmp) / f"trial-{index}"
            shutil.copytree(base, folder)
            ws = Workspace.open(folder / "ws")
            model = ws.models_dir / "iteration_000.safetensors"
            before_model, before_clicks = digest(model), ws.record.clicks(include_retracted=True)
            delay = rng.uniform(0, durations[name])
            process = engine(folder, *COMMANDS[name], wait=False)
            time.sleep(delay)
            mid_run = process.poll() is None
            if mid_run:
                process.send_signal(signal.SIGKILL)
            process.wait()
            health = check_workspace(ws, deep=True)
            clicks = ws.record.clicks(include_retracted=True) if not health.problems else []
            problems = list(health.problems)
            if digest(model) != before_model:
                problems.append("the previous model changed")
            if clicks[: len(before_clicks)] != before_clicks or len(clicks) > len(before_clicks) + 1:
                problems.append("clicks lost or changed")
            again = engine(folder, *COMMANDS[name])
            after = check_workspace(ws, deep=True)
            # a click the killed run had committed makes the same click a refused duplicate: as it should
            refused_as_expected = name == "click" and len(clicks) == len(before_clicks) + 1
            next_ok = (again.returncode == 2) if refused_as_expected else (again.returncode == 0)
            counts["trials"] += 1
            counts["killed_mid_run"] += mid_run
            counts["violations"] += bool(problems)
            counts["debris_left"] += len(after.partial_files)
            counts["next_run_failed"] += not next_ok
            details.append({"command": name, "delay_s": round(delay, 2), "killed_mid_run": mid_run,
                            "problems": problems, "partial_files_after_kill": len(health.partial_files),
                            "debris_after_next_run": [str(p) for p in after.partial_files],
                            "next_run_status": again.returncode})  # fmt: skip
            shutil.rmtree(folder)
    report = {
        "counts": counts,
        "command_seconds": {k: round(v, 2) for k, v in durations.items()},
        "trials": details,
    }
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.write_text(text)
    sys.stdout.write(json.dumps({"counts": counts, "command_seconds": report["command_seconds"]}) + "\n")


if __name__ == "__main__":
    main()
