"""The simulated-expert benchmark: pickers on hand-made arrays, and the runner end to end (tiny model)."""

import csv
import json

import numpy as np
import pytest

from isage_core.benchmark import expansion, pickers
from isage_core.cli.main import main
from isage_core.errors import IsageError

IDS = [0, 1, 2]


def rng(seed=0):
    return np.random.default_rng(seed)


def scene():
    """Reference: class 0 everywhere, class 1 a 12x12 square, class 2 a 4x20 strip."""
    ref = np.zeros((32, 32), np.uint8)
    ref[2:14, 2:14] = 1
    ref[20:24, 5:25] = 2
    return ref


def test_confident_picks_the_most_confident_error_and_holds_the_budget():
    ref = scene()
    pred = ref.copy()
    pred[3:6, 3:6] = 0  # errors of class 1
    conf = np.full(ref.shape, 0.5, np.float32)
    conf[4, 5] = 0.99
    conf[25, 25] = 1.0  # most confident pixel overall, but not an error
    picks = pickers.expert_clicks(pred, conf, ref, IDS, "confident", np.random.default_rng(0))
    assert picks == [(4, 5, 1)]  # no error of class 0 or 2: no click for them


def test_interior_picks_inside_the_largest_wrong_region_and_margin_inside_the_reference():
    ref = scene()
    pred = ref.copy()
    pred[2:14, 2:9] = 0  # large wrong region of class 1 touching its reference boundary
    pred[12, 12] = 0  # a one-pixel sliver
    conf = np.ones(ref.shape, np.float32)
    ((row, col, cid),) = pickers.expert_clicks(
        pred, conf, ref, IDS, "interior", np.random.default_rng(0), margin=3
    )
    assert cid == 1 and 2 <= row < 14 and 2 <= col < 9  # in the largest region, not the sliver
    assert row - 2 >= 3 and 13 - row >= 3 and col - 2 >= 3  # at least the margin inside the square


def test_interior_prefers_the_largest_confidently_wrong_region_and_falls_back_to_any_error():
    ref = np.ones((40, 40), np.uint8)  # class 1 everywhere
    pred = ref.copy()
    pred[2:20, 2:38] = 0  # a large wrong region the model is unsure of
    pred[26:36, 10:20] = 2  # a smaller one it is sure of
    conf = np.full(ref.shape, 0.9, np.float32)
    conf[2:20, 2:38] = 0.35
    ((row, col, cid),) = pickers.expert_clicks(pred, conf, ref, IDS, "interior", np.random.default_rng(0))
    assert cid == 1 and 26 <= row < 36 and 10 <= col < 20  # in the confident region, not the larger one
    assert min(row - 26, 35 - row, col - 10, 19 - col) >= 3  # and inside it
    unsure = np.full(ref.shape, 0.35, np.float32)  # no error is confident: the largest region wins
    ((row, col, _),) = pickers.expert_clicks(pred, unsure, ref, IDS, "interior", np.random.default_rng(0))
    assert 2 <= row < 20 and 2 <= col < 38


def test_random_error_lands_on_errors_one_per_class_and_is_deterministic():
    ref = scene()
    pred = np.zeros_like(ref)  # every pixel of classes 1 and 2 is wrong, class 0 is right
    conf = np.ones(ref.shape, np.float32)
    a = pickers.expert_clicks(pred, conf, ref, IDS, "random_error", np.random.default_rng(7))
    b = pickers.expert_clicks(pred, conf, ref, IDS, "random_error", np.random.default_rng(7))
    assert a == b and [c for _, _, c in a] == [1, 2]
    assert all(ref[r, c] == cid and pred[r, c] != cid for r, c, cid in a)
    many = {
        pickers.expert_clicks(pred, conf, ref, IDS, "random_error", np.random.default_rng(s))[0][:2]
        for s in range(20)
    }
    assert len(many) > 1  # really random across seeds


def test_no_click_where_the_prediction_is_right():
    ref = scene()
    for strategy in ("confident", "interior", "random_error"):
        assert (
            pickers.expert_clicks(ref, np.ones(ref.shape), ref, IDS, strategy, np.random.default_rng(0)) == []
        )
    with pytest.raises(ValueError):
        pickers.expert_clicks(ref, np.ones(ref.shape), ref, IDS, "bogus", np.random.default_rng(0))


def test_seed_clicks_stay_away_from_boundaries_and_fall_back_to_the_innermost_pixel():
    ref = scene()
    ref[0, 31] = 2  # a one-pixel fragment of class 2 too thin for the margin elsewhere
    for seed in range(10):
        picks = pickers.seed_clicks(ref, IDS + [3], margin=3, rng=np.random.default_rng(seed))
        assert [c for _, _, c in picks] == IDS  # one per class present, none for absent class 3
        (r0, c0, _), (r1, c1, _), (r2, c2, _) = picks
        assert ref[r0, c0] == 0 and ref[r1, c1] == 1 and ref[r2, c2] == 2
        assert 5 <= r1 <= 10 and 5 <= c1 <= 10  # more than 3 px inside the 12x12 square
    thin = scene()  # class 2 strip is 4 px thick: no pixel 3 px deep, so its innermost row
    (_, _, _), (_, _, _), (r2, _, _) = pickers.seed_clicks(thin, IDS, margin=3, rng=np.random.default_rng(0))
    assert r2 in (21, 22)
    a = pickers.seed_clicks(ref, IDS, 3, np.random.default_rng(1))
    assert a == pickers.seed_clicks(ref, IDS, 3, np.random.default_rng(1))


def test_uniform_random_one_per_reference_class_errors_or_not():
    ref = scene()
    picks = pickers.uniform_random_clicks(ref, IDS, np.random.default_rng(3))
    assert [c for _, _, c in picks] == IDS and all(ref[r, c] == cid for r, c, cid in picks)
    ref[0, 0] = 255  # unlabelled reference pixels are never picked
    for s in range(30):
        assert (0, 0) not in [
            p[:2] for p in pickers.uniform_random_clicks(ref, IDS, np.random.default_rng(s))
        ]


def test_ritm_clicks_the_error_pixel_farthest_from_the_error_edge():
    ref = scene()
    pred = np.zeros_like(ref)
    pred[2:14, 2:14] = 1
    pred[2:6, 2:14] = 0  # class 1 wrong on rows 2..5: a 4x12 error band; class 2 all wrong
    picks = dict(((c, (r, k)) for r, k, c in pickers.expert_clicks(pred, None, ref, IDS, "ritm", rng())))
    assert set(picks) == {1, 2}
    row, col = picks[1]
    assert row in (3, 4) and 3 <= col <= 12  # the band's middle rows, away from its ends
    assert picks[2][0] in (21, 22)


def test_depth_matched_expert_clicks_errors_at_a_persons_depth_inside_the_class():
    ref = scene()
    pred = np.zeros_like(ref)  # every class-1 and class-2 pixel is wrong
    depth_of = {1: pickers._depth(ref == 1)}
    for target in (1.0, 3.0, 6.0):
        for seed in range(5):
            picks = pickers.expert_clicks(pred, None, ref, IDS, "depth", rng(seed), depths=np.array([target]))
            ((row, col, _),) = [p for p in picks if p[2] == 1]
            assert abs(depth_of[1][row, col] - target) <= 0.5
    deep = pickers.expert_clicks(pred, None, ref, IDS, "depth", rng(), depths=np.array([50.0]))
    ((row, col, _),) = [p for p in deep if p[2] == 1]
    assert depth_of[1][row, col] == depth_of[1].max()  # none that deep: the deepest error
    with pytest.raises(ValueError, match="depths"):
        pickers.expert_clicks(pred, None, ref, IDS, "depth", rng())


def test_representative_clicks_one_per_class_at_the_drawn_depth_errors_or_not():
    ref = scene()
    picks = pickers.representative_clicks(ref, IDS, np.array([2.0]), rng())
    assert sorted(c for _, _, c in picks) == IDS
    for row, col, class_id in picks:
        assert ref[row, col] == class_id
        assert abs(pickers._depth(ref == class_id)[row, col] - 2.0) <= 0.5
    assert pickers.click_depths(ref, picks) == [pickers._depth(ref == c)[r, k] for r, k, c in picks]


def test_the_authors_seed_clicks_lie_deep_inside_their_classes():
    from isage_core.benchmark.sample_data import human_click_depths, human_seed_clicks

    clicks = human_seed_clicks()
    assert len(clicks) == 30 and sum(map(len, clicks.values())) == 149
    depths = human_click_depths()
    assert len(depths) >= 140  # a click the dense mask disagrees with is left out
    assert 10 <= np.median(depths) <= 20 and np.mean(depths <= 2) < 0.05


def test_entropy_oracle_picks_the_most_uncertain_pixel_per_predicted_class():
    ref = scene()
    probs = np.zeros((3, 32, 32), np.float32)
    probs[0] = 0.9
    probs[1] = 0.05
    probs[2] = 0.05
    probs[:, 8, 8] = [0.4, 0.35, 0.25]  # uncertain, predicted 0, reference 1
    probs[:, 21, 10] = [0.1, 0.5, 0.4]  # predicted 1, reference 2
    picks = pickers.entropy_oracle_clicks(probs, ref, IDS)
    assert picks == [(8, 8, 1), (21, 10, 2)]  # labelled from the reference; class 2 never predicted
    assert pickers.entropy(np.full((4, 1, 1), 0.25))[0, 0] == pytest.approx(np.log(4))


TINY = [
    "--encoder", "tu-mobilenetv3_small_100", "--weights", "none", "--decoder-channels", "64,32,16,16,8",
    "--batch-size", "2", "--patch-size", "64", "--device", "cpu",
]  # fmt: skip


@pytest.mark.timeout(120)
def test_benchmark_end_to_end(tmp_path, capsys):
    out = tmp_path / "bench"
    argv = [
        "--json", "benchmark", "--out", str(out), "--iterations", "2", "--methods", "expert-confident,random",
        "--steps", "2", "--first-steps", "3", "--seed", "5",
        "--max-train-frames", "3", "--max-val-frames", "2", "--assess-points", "60",
        *TINY,
    ]  # fmt: skip
    assert main(argv) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    result = next(e for e in events if e["event"] == "result")
    for name in ("benchmark.json", "benchmark.csv", "benchmark.png", "benchmark.md"):
        assert (out / name).stat().st_size > 0
    summary = json.loads((out / "benchmark.json").read_text())
    assert summary["seeds"] == [5] and len(summary["train_frames"]) == 3 and len(summary["val_frames"]) == 2
    rows = summary["rows"]
    assert [(r["method"], r["iteration"]) for r in rows] == [
        ("expert-confident", 0), ("expert-confident", 1), ("random", 0), ("random", 1)
    ]  # fmt: skip
    seeds = rows[0]["clicks"]
    assert rows[2]["clicks"] == seeds and rows[2]["val_miou"] == rows[0]["val_miou"]  # one shared seed round
    for first, second in (rows[:2], rows[2:]):
        assert 0 <= first["new_clicks"] <= 3 * 5  # at most one per class per frame
        assert second["clicks"] == first["clicks"] + first["new_clicks"]
        assert second["labelled_pixel_fraction"] > 0 and first["labelled_pixel_fraction"] < 1e-3
        assert second["steps"] == 2 and first["steps"] == 3
        assert second["new_clicks_on_errors"] is None  # the last round adds no clicks
    assert rows[0]["new_clicks_on_errors"] == rows[0]["new_clicks"]  # the expert only clicks errors
    assert 0 <= rows[2]["new_clicks_on_errors"] <= rows[2]["new_clicks"]
    assert all(0 <= r["val_miou"] <= 1 for r in rows)
    assert len(list(csv.DictReader(open(out / "benchmark.csv")))) == 4
    assert "| expert-confident | 1 |" in (out / "benchmark.md").read_text()
    assert summary["train_settings"]["step_schedule"] == "fixed"  # --steps given
    assert "3 steps in the seed round, 2 per later run" in (out / "benchmark.md").read_text()
    assert set(result["outputs"]) >= {"json", "csv", "plot", "markdown"}
    # the accuracy assessment beside the truth: one sample per seed, each round's map estimated from it
    estimates = [r["val_overall_accuracy_estimated"] for r in rows]
    assert all(e["points"] >= 60 and e["se"] > 0 for e in estimates)
    assert estimates[0] == estimates[2]  # the shared seed round, the same sample
    for row, e in zip(rows, estimates, strict=True):
        assert abs(e["estimate"] - row["val_overall_accuracy"]) < 5 * e["se"]
    assert "## Accuracy assessment beside the truth" in (out / "benchmark.md").read_text()


def test_the_report_states_the_converge_schedule_a_round_ran():
    from dataclasses import asdict

    from isage_core.benchmark.report import _converge_schedule
    from isage_core.settings import TrainSettings

    text = _converge_schedule(asdict(TrainSettings()))
    assert text.startswith("converge: at least 120 (seed round) / 10 steps, until the clicks fit 0.98 or")
    assert text.endswith("at most 600 steps or 120 s")
    assert _converge_schedule({**asdict(TrainSettings(time_budget_s=None)), "steps": 30}).startswith(
        "converge: at least 30 steps"
    ) and "600 steps" in _converge_schedule(asdict(TrainSettings(time_budget_s=None)))


# ---- label-expansion baselines -------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int16, np.int64])
def test_dense_labels_leave_nodata_and_foreign_values_unlabelled_whatever_the_mask_dtype(dtype):
    mask = scene().astype(dtype)
    mask[0, :5] = 255  # nodata
    mask[31, :3] = 7  # not a class
    labels = expansion.dense_label_map(mask, IDS)
    assert labels.dtype == np.int32
    assert (labels >= 0).sum() == 32 * 32 - 8 and (labels[0, :5] == expansion.UNLABELLED).all()
    assert (labels[labels >= 0] == mask[labels >= 0]).all()


def test_pseudo_labels_keep_confident_predictions_and_the_clicks_on_top():
    probs = np.zeros((3, 2, 3))
    probs[:, 0, :] = [[0.96, 0.5, 0.1], [0.02, 0.3, 0.1], [0.02, 0.2, 0.8]]  # channels x columns
    probs[:, 1, :] = [[0.1, 0.05, 0.34], [0.85, 0.05, 0.33], [0.05, 0.9, 0.33]]
    labels = expansion.pseudo_label_map(probs, [10, 20, 30], 0.9, clicks=[(0, 1, 20)])
    np.testing.assert_array_equal(labels, [[10, 20, -1], [-1, 30, -1]])
    assert (expansion.pseudo_label_map(probs, [10, 20, 30], 0.99, []) == -1).all()


def test_clicks_spread_over_their_superpixel_and_a_disputed_one_keeps_only_its_clicks():
    segments = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3]])
    labels = expansion.propagate_clicks(segments, [(0, 0, 7), (1, 2, 8), (0, 3, 9), (2, 0, 7)])
    np.testing.assert_array_equal(labels, [[7, 7, -1, 9], [7, 7, 8, -1], [7, 7, -1, -1]])


def test_superpixels_of_a_real_patch_follow_the_requested_size(bsb_train_frames):
    import rasterio

    path, mask = next(iter(bsb_train_frames.values()))
    with rasterio.open(path) as src:
        image = src.read()
    segments = expansion.superpixels(image, pixels_per_segment=256)
    assert segments.shape == mask.shape
    assert 100 < len(np.unique(segments)) < 400  # about 65536 / 256
    # a superpixel mostly holds one reference class (they follow image edges, like the classes)
    purity = [np.bincount(mask[segments == s]).max() / (segments == s).sum() for s in np.unique(segments)]
    assert np.mean(purity) > 0.8


@pytest.mark.timeout(180)
def test_benchmark_baselines_and_holdout(tmp_path):
    from isage_core.benchmark.config import BenchmarkSettings
    from isage_core.benchmark.runner import run_benchmark
    from isage_core.settings import ModelSettings, TrainSettings

    settings = BenchmarkSettings(
        methods=("dense", "pseudo-0.5", "superpixel"), iterations=2, seeds=(1, 2), max_train_frames=4,
        holdout=2,
    )  # fmt: skip
    model = ModelSettings(
        encoder="tu-mobilenetv3_small_100", weights="none", decoder_channels=(64, 32, 16, 16, 8)
    )
    ts = TrainSettings(steps=2, batch_size=2, patch_size=64, device="cpu", stats_samples=4)
    summary = run_benchmark(tmp_path / "b", settings, ts, model)
    # tuning: the last two of the four training frames score, the validation split is not read
    assert len(summary["train_frames"]) == 2 and len(summary["val_frames"]) == 2
    assert all(n.startswith("train_") for n in summary["train_frames"] + summary["val_frames"])
    assert not set(summary["train_frames"]) & set(summary["val_frames"])
    rows = {(r["seed"], r["method"], r["iteration"]): r for r in summary["rows"]}
    assert len(rows) == 2 * 3 * 2
    for seed in (1, 2):
        dense, pseudo, spread = (rows[(seed, m, 1)] for m in ("dense", "pseudo-0.5", "superpixel"))
        assert dense["labelled_pixel_fraction"] == 1.0 and dense["trained_pixel_fraction"] == 1.0
        seed_clicks = rows[(seed, "dense", 0)]["clicks"]
        assert (
            pseudo["clicks"] == seed_clicks
            and pseudo["trained_pixel_fraction"] > 10 * pseudo["labelled_pixel_fraction"]
        )
        assert (
            spread["clicks"] > seed_clicks
            and spread["trained_pixel_fraction"] > 20 * spread["labelled_pixel_fraction"]
        )
    assert (
        tmp_path / "b" / "work" / "seed_2" / "methods" / "superpixel" / "models" / "iteration_001.safetensors"
    ).is_file()
    text = (tmp_path / "b" / "benchmark.md").read_text()
    assert "| dense | " in text and "±" in text and "% of dense" in text
    assert summary["summary"]["dense"]["percent_of_dense"] == 100.0


def test_benchmark_refuses_unknown_methods_and_an_empty_training_split(tmp_path):
    from isage_core.benchmark.config import BenchmarkSettings
    from isage_core.benchmark.methods import check_method
    from isage_core.benchmark.runner import run_benchmark
    from isage_core.errors import IsageError
    from isage_core.settings import ModelSettings, TrainSettings

    check_method("proposed-3")
    for wrong in ("proposed-0", "proposed-x"):
        with pytest.raises(IsageError, match=f"unknown benchmark method '{wrong}'.*proposed-K"):
            check_method(wrong)
    with pytest.raises(IsageError, match="unknown benchmark method 'pseudo-2'"):
        run_benchmark(
            tmp_path / "a", BenchmarkSettings(methods=("pseudo-2",)), TrainSettings(), ModelSettings()
        )
    with pytest.raises(IsageError, match="--holdout 3 leaves no training frame"):
        settings = BenchmarkSettings(max_train_frames=3, holdout=3)
        run_benchmark(tmp_path / "b", settings, TrainSettings(), ModelSettings())


def test_benchmark_refuses_a_mask_of_another_size_naming_it(tmp_path):
    from PIL import Image

    from isage_core.benchmark.config import BenchmarkSettings
    from isage_core.benchmark.runner import run_benchmark
    from isage_core.errors import IsageError
    from isage_core.settings import ModelSettings, TrainSettings

    for split in ("train", "val"):
        (tmp_path / "data" / split / "images").mkdir(parents=True)
        (tmp_path / "data" / split / "masks").mkdir(parents=True)
        Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(tmp_path / "data" / split / "images" / "a.png")
        Image.fromarray(np.zeros((32, 32), np.uint8)).save(tmp_path / "data" / split / "masks" / "a.png")
    Image.fromarray(np.zeros((30, 32), np.uint8)).save(tmp_path / "data" / "val" / "masks" / "a.png")
    settings = BenchmarkSettings(dataset=tmp_path / "data")
    with pytest.raises(
        IsageError, match=r"val/masks/a.png: the mask is 30x32 pixels but its image .* is 32x32"
    ):
        run_benchmark(tmp_path / "out", settings, TrainSettings(), ModelSettings())
    assert not (tmp_path / "out").exists()  # the refused input left nothing behind


# ---- a benchmark built up over several sittings -----------------------------------------------------
def _tiny_run(out, methods, seeds, cancel=None, iterations=2, progress=None):
    from isage_core.benchmark.config import BenchmarkSettings
    from isage_core.benchmark.runner import run_benchmark
    from isage_core.settings import ModelSettings, TrainSettings

    settings = BenchmarkSettings(
        methods=methods, iterations=iterations, seeds=seeds, max_train_frames=3, max_val_frames=2,
        resume=True, recommended="entropy",
    )  # fmt: skip
    model = ModelSettings(
        encoder="tu-mobilenetv3_small_100", weights="none", decoder_channels=(64, 32, 16, 16, 8)
    )
    ts = TrainSettings(steps=2, batch_size=2, patch_size=64, device="cpu", stats_samples=4)
    return run_benchmark(out, settings, ts, model, progress=progress, cancel=cancel)


def test_a_benchmark_resumes_keeping_every_result_and_redoing_only_the_interrupted(tmp_path, caplog):
    from isage_core.cancel import CancelToken
    from isage_core.errors import Cancelled

    out = tmp_path / "bench"
    token = CancelToken()

    def cancel_in_entropy(fraction, message=""):
        if "entropy:" in message:
            token.cancel()

    with pytest.raises(Cancelled):
        _tiny_run(out, ("random", "entropy"), (0,), cancel=token, progress=cancel_in_entropy)
    results = out / "results" / "seed_0"
    assert [p.name for p in results.iterdir()] == ["random.json"]  # kept the moment it finished
    assert (out / "work" / "seed_0" / "methods" / "entropy").is_dir()  # what the kill left
    kept = (results / "random.json").read_text()

    caplog.set_level("INFO")
    summary = _tiny_run(out, ("random", "entropy", "dense"), (0, 1))
    assert (results / "random.json").read_text() == kept  # not rerun
    assert "seed 0: the seed round of" in caplog.text  # nor was seed 0's seed round
    assert summary["methods"] == ["random", "entropy", "dense"] and summary["seeds"] == [0, 1]
    rows = {(r["seed"], r["method"], r["iteration"]) for r in summary["rows"]}
    assert rows == {(s, m, i) for s in (0, 1) for m in ("random", "entropy", "dense") for i in (0, 1)}
    seed_rounds = {r["val_miou"] for r in summary["rows"] if r["seed"] == 0 and r["iteration"] == 0}
    assert len(seed_rounds) == 1  # every method of a seed starts from the same seed round
    assert (out / "work" / ".gitignore").read_text() == "*\n"
    stored = json.loads((out / "benchmark.json").read_text())
    assert stored["seeds"] == [0, 1]
    assert [m for m, e in stored["summary"].items() if e["recommended"]] == ["entropy"]
    assert "| **entropy** (recommended) |" in (out / "benchmark.md").read_text()

    before = sorted(str(p) for p in out.rglob("*"))
    config = (out / "benchmark_config.json").read_text()
    with pytest.raises(
        IsageError, match=r"benchmark_config.json: this benchmark was measured with other iterations"
    ):
        _tiny_run(out, ("random",), (0,), iterations=3)
    assert (
        sorted(str(p) for p in out.rglob("*")) == before
        and (out / "benchmark_config.json").read_text() == config
    )


def test_a_used_folder_is_refused_without_resume_and_a_foreign_one_always(tmp_path):
    out = tmp_path / "bench"
    _tiny_run(out, ("random",), (0,))
    argv = [
        "benchmark",
        "--out",
        str(out),
        "--methods",
        "random",
        "--iterations",
        "2",
        "--max-train-frames",
        "3",
    ]
    assert main(argv) == 2
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "a.jpg").write_bytes(b"x")
    assert main([*argv[:2], str(foreign), *argv[3:], "--resume"]) == 2
    assert [p.name for p in foreign.iterdir()] == ["a.jpg"]


def test_the_authors_recipe_replaces_the_training_settings_and_states_what_it_trims(caplog):
    from isage_core.benchmark.config import BenchmarkSettings
    from isage_core.benchmark.recipes import apply_recipe
    from isage_core.benchmark.report import _recipe_lines
    from isage_core.settings import ModelSettings, TrainSettings

    bench, train, model = apply_recipe(
        "authors", BenchmarkSettings(), TrainSettings(learning_rate=0.01), ModelSettings(encoder="resnet18")
    )
    assert (train.batch_size, train.learning_rate, train.lr_schedule, train.grad_clip) == (
        10,
        1e-4,
        "constant",
        5.0,
    )
    from isage_core.training.optimiser import schedule_steps

    assert (train.frame_epochs, train.patch_size) == (20, 256)
    assert schedule_steps(train, 149, warm=False, frames=30) == 60  # 20 epochs of the 30 frames, batch 10
    assert schedule_steps(train, 6, warm=True, frames=1) == 2  # a one-frame round: 20 frame passes
    assert (
        model.encoder == "tu-efficientnet_lite0"
        and bench.seed_clicks == "human"
        and bench.recipe == "authors"
    )
    lines = _recipe_lines("authors")
    assert "EfficientNet-B0" in "\n".join(lines) and len(lines) >= 4
    with pytest.raises(IsageError, match="unknown recipe 'paper'; choose from authors"):
        apply_recipe("paper", bench, train, model)
    # what the command line asked for and the recipe replaces is said, not silently dropped
    warned = [r.getMessage() for r in caplog.records if "replaces" in r.getMessage()]
    assert warned == [
        "recipe authors replaces the learning rate asked for (0.01) with 0.0001",
        "recipe authors replaces the encoder asked for ('resnet18') with 'tu-efficientnet_lite0'",
    ]


def test_human_seed_clicks_are_kept_as_the_authors_gave_them(tmp_path):
    """All 149 of the authors' clicks seed the round, the frame with two clicks of one class included."""
    from isage_core.benchmark.config import BenchmarkSettings
    from isage_core.benchmark.runner import run_benchmark
    from isage_core.record.workspace import Workspace
    from isage_core.settings import ModelSettings, TrainSettings

    settings = BenchmarkSettings(methods=("random",), iterations=1, seeds=(0,), seed_clicks="human")
    model = ModelSettings(
        encoder="tu-mobilenetv3_small_100", weights="none", decoder_channels=(64, 32, 16, 16, 8)
    )
    ts = TrainSettings(steps=1, batch_size=2, patch_size=64, device="cpu", stats_samples=4)
    summary = run_benchmark(tmp_path / "b", settings, ts, model)
    assert summary["rows"][0]["clicks"] == 149
    record = Workspace.open(tmp_path / "b" / "work" / "seed_0" / "seed_round").record
    clicks = [c for c in record.clicks() if c.frame == "train_114"]
    assert sorted(c.class_id for c in clicks) == [0, 1, 1, 2, 3, 4]
    assert {c.annotator for c in clicks} == {"authors' seed clicks"}


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (ModuleNotFoundError("No module named 'matplotlib'", name="matplotlib"), "is not installed"),
        (ImportError("numpy.core.multiarray failed to import"), "fails to import (numpy.core.multiarray"),
    ],
)
def test_a_missing_plot_says_why(tmp_path, monkeypatch, caplog, failure, expected):
    """matplotlib built for another numpy was reported as not installed."""
    import builtins

    from isage_core.benchmark.report import write_plot

    real_import = builtins.__import__

    def failing(name, *args, **kwargs):
        if name.split(".")[0] == "matplotlib":
            raise failure
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing)
    assert write_plot(tmp_path / "plot.png", []) is False
    assert any(expected in r.getMessage() for r in caplog.records) and not (tmp_path / "plot.png").exists()
