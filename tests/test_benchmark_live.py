"""The benchmark's simulated person with live training: each click buys training steps, and each round's
Train closes the live round, as in the panel."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from isage_core.benchmark.config import BenchmarkSettings
from isage_core.benchmark.runner import run_benchmark
from isage_core.cli.main import main
from isage_core.errors import IsageError
from isage_core.record.workspace import Workspace
from isage_core.settings import ModelSettings, TrainSettings

REPO = Path(__file__).resolve().parents[1]
TINY = ModelSettings(encoder="tu-mobilenetv3_small_100", weights="none", decoder_channels=(64, 32, 16, 16, 8))


def test_the_persons_time_trains_live_and_each_round_closes_it(tmp_path):
    settings = BenchmarkSettings(
        methods=("random", "proposed"), iterations=2, seeds=(0,), max_train_frames=2, max_val_frames=1,
        click_seconds=1.0, step_seconds=0.5, look_seconds=2.0,
    )  # fmt: skip
    ts = TrainSettings(
        batch_size=2, patch_size=64, device="cpu", stats_samples=4, check_steps=3, max_steps=30
    )
    summary = run_benchmark(tmp_path / "b", settings, ts, TINY)
    assert summary["click_seconds"] == 1.0 and settings.steps_per_click == 2
    assert summary["look_seconds"] == 2.0 and settings.steps_per_look == 4
    for method in ("random", "proposed"):
        ws = Workspace.open(tmp_path / "b" / "work" / "seed_0" / "methods" / method)
        run = ws.record.runs()[-1]
        new = [c for c in ws.record.clicks() if c.iteration == 1]
        assert run.iteration == 1 and run.metrics["mode"] == "live" and new
        assert {c.uid for c in new} <= set(run.metrics["clicks_seen"])  # every new click was trained on
        assert 1 <= run.metrics["steps"] <= 2 * len(new) + 4 + ts.max_steps  # clicks, look, then the close
        assert run.metrics["close_stopped_by"] in ("fit", "unfit")
        floor = ts.learning_rate * ts.final_lr_fraction
        assert run.metrics["final_learning_rate"] < 1.01 * floor  # the close annealed
        row = next(r for r in summary["rows"] if r["method"] == method and r["iteration"] == 1)
        assert row["steps"] == run.metrics["steps"]


def test_live_training_refuses_the_reference_selection_and_a_look_without_it(tmp_path):
    settings = BenchmarkSettings(methods=("random",), click_seconds=3.0, selection="reference")
    with pytest.raises(IsageError, match="--selection last"):
        run_benchmark(tmp_path / "b", settings, TrainSettings(), TINY)
    with pytest.raises(IsageError, match="--look-seconds needs --click-seconds"):
        run_benchmark(
            tmp_path / "c", BenchmarkSettings(methods=("random",), look_seconds=5.0), TrainSettings(), TINY
        )
    assert not (tmp_path / "b").exists() and not (tmp_path / "c").exists()


@pytest.mark.timeout(120)
def test_sigterm_stops_a_live_round_at_once_keeping_the_results_for_resume(tmp_path):
    out = tmp_path / "b"
    argv = [
        "benchmark", "--out", str(out), "--iterations", "2", "--methods", "dense,random",
        "--steps", "2", "--first-steps", "2", "--max-train-frames", "2", "--max-val-frames", "1",
        "--click-seconds", "1000", "--step-seconds", "0.5",  # hundreds of live steps per click
        "--encoder", "tu-mobilenetv3_small_100", "--weights", "none", "--decoder-channels", "64,32,16,16,8",
        "--batch-size", "2", "--patch-size", "64", "--device", "cpu",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "isage_core.cli", "--json", *argv], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        for line in proc.stdout:  # dense is measured (no live training), then random's live round opens
            if "live training of iteration 1 started" in json.loads(line).get("message", ""):
                break
        else:
            pytest.fail(f"no live round; exit {proc.wait()}")
        time.sleep(0.5)  # well inside the round: a click's steps are running
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        rest = proc.communicate(timeout=20)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert time.monotonic() - sent < 5
    assert proc.returncode == 130, rest
    error = json.loads(rest.splitlines()[-1])
    assert error["event"] == "error" and error["cancelled"] and "stopped by SIGTERM" in error["message"]
    results = out / "results" / "seed_0"
    assert [p.name for p in results.iterdir()] == ["dense.json"]  # random was stopped: nothing stored
    kept = (results / "dense.json").read_text()
    assert [r["iteration"] for r in json.loads(kept)["rows"]] == [0, 1]
    # --resume takes the folder and keeps the stored result (dense alone here: nothing is left to train)
    assert main([a if a != "dense,random" else "dense" for a in argv] + ["--resume"]) == 0
    assert (results / "dense.json").read_text() == kept
    assert json.loads((out / "benchmark.json").read_text())["rows"] == json.loads(kept)["rows"]
