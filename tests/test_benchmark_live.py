"""The benchmark's simulated person with live training: each click buys training steps, and each round's
Train closes the live round, as in the panel."""

import pytest

from isage_core.benchmark.config import BenchmarkSettings
from isage_core.benchmark.runner import run_benchmark
from isage_core.errors import IsageError
from isage_core.record.workspace import Workspace
from isage_core.settings import ModelSettings, TrainSettings

TINY = ModelSettings(encoder="tu-mobilenetv3_small_100", weights="none", decoder_channels=(64, 32, 16, 16, 8))


def test_the_persons_time_trains_live_and_each_round_closes_it(tmp_path):
    settings = BenchmarkSettings(
        methods=("random", "proposed"), iterations=2, seeds=(0,), max_train_frames=2, max_val_frames=1,
        click_seconds=1.0, step_seconds=0.5,
    )  # fmt: skip
    ts = TrainSettings(
        batch_size=2, patch_size=64, device="cpu", stats_samples=4, check_steps=3, max_steps=30
    )
    summary = run_benchmark(tmp_path / "b", settings, ts, TINY)
    assert summary["click_seconds"] == 1.0 and settings.steps_per_click == 2
    for method in ("random", "proposed"):
        ws = Workspace.open(tmp_path / "b" / "work" / "seed_0" / "methods" / method)
        run = ws.record.runs()[-1]
        new = [c for c in ws.record.clicks() if c.iteration == 1]
        assert run.iteration == 1 and run.metrics["mode"] == "live" and new
        assert {c.uid for c in new} <= set(run.metrics["clicks_seen"])  # every new click was trained on
        assert 1 <= run.metrics["steps"] <= 2 * len(new) + ts.max_steps  # person's time, then the close
        assert run.metrics["close_stopped_by"] in ("fit", "max_steps", "time_budget")
        floor = ts.learning_rate * ts.final_lr_fraction
        assert run.metrics["final_learning_rate"] < 1.01 * floor  # the close annealed
        row = next(r for r in summary["rows"] if r["method"] == method and r["iteration"] == 1)
        assert row["steps"] == run.metrics["steps"]


def test_live_training_refuses_the_reference_selection(tmp_path):
    settings = BenchmarkSettings(methods=("random",), click_seconds=3.0, selection="reference")
    with pytest.raises(IsageError, match="--selection last"):
        run_benchmark(tmp_path / "b", settings, TrainSettings(), TINY)
