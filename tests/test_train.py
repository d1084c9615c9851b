"""Patches around clicks and training iterations on real aerial patches with a tiny network."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch
from rasterio.transform import from_origin
from safetensors.torch import load_file

from isage_core.cancel import CancelToken
from isage_core.errors import Cancelled, IsageError
from isage_core.loop.train import train_iteration
from isage_core.model.checkpoint import load_checkpoint, read_meta
from isage_core.record.click_record import ClassDef, Click
from isage_core.record.workspace import Workspace
from isage_core.settings import ModelSettings, TrainSettings
from isage_core.training.losses import IGNORE, error_weighted_dice_loss
from isage_core.training.sampling import ClickPatchSampler
from tests.conftest import BSB_CLASSES, write_record_frame

TINY = ModelSettings(encoder="tu-mobilenetv3_small_100", weights="none", decoder_channels=(64, 32, 16, 16, 8))
REPO = Path(__file__).resolve().parents[1]


def fast(**kw) -> TrainSettings:
    base = dict(steps=3, batch_size=2, patch_size=64, stats_samples=4, device="cpu")
    return TrainSettings(**{**base, **kw})


# ---- sampler on synthetic rasters whose pixels encode their own position ---------------------------------
def coded_raster(path: Path, height: int, width: int, nodata_block=None) -> Path:
    """Float32 bands: row index, column index, noise; optional nodata (-1) block (r0, r1, c0, c1)."""
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
    data = np.stack([rows, cols, np.random.default_rng(1).random((height, width), dtype=np.float32)])
    if nodata_block:
        r0, r1, c0, c1 = nodata_block
        data[:, r0:r1, c0:c1] = -1
    return write_record_frame(
        path, data, "EPSG:31983", from_origin(0, 1000, 0.24, 0.24), nodata=-1 if nodata_block else None
    )


def click(frame: str, row: int, col: int, class_id: int, uid: str = "") -> Click:
    return Click(
        0,
        uid or f"{frame}-{row}-{col}",
        frame,
        row,
        col,
        class_id,
        0,
        "",
        "",
        "",
        False,
        None,
        None,
        None,
        0.0,
        0.0,
    )


def decoded_labels(image: np.ndarray, labels: np.ndarray) -> set[tuple[int, int, int]]:
    """(source row, source col, channel) of every labelled pixel, read back from the coded bands."""
    return {
        (int(round(image[0, r, c])), int(round(image[1, r, c])), int(labels[r, c]))
        for r, c in np.argwhere(labels != IGNORE)
    }


def sampler(frames, clicks, patch, augment=False, seed=0):
    return ClickPatchSampler(
        frames, clicks, [10, 20, 30], [1, 2, 3], [0, 0, 0], [1, 1, 1], patch, augment=augment, seed=seed
    )


def test_labels_land_on_the_clicked_pixels_of_the_image(tmp_path):
    big = coded_raster(tmp_path / "big.tif", 150, 200)
    clicks = [click("big", r, c, k) for r, c, k in [(5, 7, 10), (20, 30, 20), (140, 190, 30), (75, 100, 10)]]
    expected = {(c.row, c.col, [10, 20, 30].index(c.class_id)) for c in clicks}
    with sampler({"big": big}, clicks, 64) as s, rasterio.open(big) as src:
        for _ in range(40):
            index = s.choose()
            image, labels = s.patch(index)
            assert image.shape == (3, 64, 64) and labels.shape == (64, 64) and labels.dtype == np.int64
            found = decoded_labels(image, labels)
            chosen = s._clicks[index]
            assert (chosen[1], chosen[2], chosen[3]) in found  # the chosen click is inside its patch
            assert found <= expected
            row0, col0 = int(image[0, 0, 0]), int(image[1, 0, 0])  # window clamped inside the raster
            inside = {e for e in expected if row0 <= e[0] < row0 + 64 and col0 <= e[1] < col0 + 64}
            assert found == inside  # every click of the frame in the window is labelled
            direct = src.read(window=rasterio.windows.Window(col0, row0, 64, 64))
            np.testing.assert_array_equal(image, direct)


def test_click_position_in_patch_varies(tmp_path):
    big = coded_raster(tmp_path / "big.tif", 300, 300)
    with sampler({"big": big}, [click("big", 150, 150, 10)], 64, seed=3) as s:
        spots = {tuple(np.argwhere(s.patch(0)[1] != IGNORE)[0]) for _ in range(30)}
    assert len(spots) > 20


def test_augmentation_keeps_image_and_labels_aligned(tmp_path):
    big = coded_raster(tmp_path / "big.tif", 120, 130)
    clicks = [click("big", r, c, k) for r, c, k in [(10, 12, 10), (30, 40, 20), (50, 20, 30), (100, 120, 20)]]
    expected = {(c.row, c.col, [10, 20, 30].index(c.class_id)) for c in clicks}
    corners = set()
    with sampler({"big": big}, clicks, 64, augment=True, seed=5) as s:
        for _ in range(120):
            image, labels = s.patch(s.choose())
            found = decoded_labels(image, labels)
            assert found and found <= expected
            steps = image[:2, 1, 0] - image[:2, 0, 0], image[:2, 0, 1] - image[:2, 0, 0]
            corners.add(tuple(int(v) for v in np.concatenate(steps)))
    assert len(corners) == 8  # every rotation and flip of the square happened


def test_small_frames_are_padded_and_nodata_never_labelled(tmp_path):
    small = coded_raster(tmp_path / "small.tif", 20, 24, nodata_block=(0, 5, 0, 5))
    clicks = [click("small", 2, 2, 10), click("small", 10, 12, 20), click("small", 19, 23, 30)]
    with sampler({"small": small}, clicks, 32, seed=2) as s:
        for _ in range(20):
            index = s.choose()
            image, labels = s.patch(index)
            assert image.shape == (3, 32, 32) and labels.shape == (32, 32)
            assert decoded_labels(image, labels) == {(10, 12, 1), (19, 23, 2)}  # (2, 2) lies in nodata
            assert int((labels != IGNORE).sum()) == 2  # nothing labelled in the padding
            assert image.min() >= 0  # nodata (-1) reads as the mean (0), padding reflects image data


def test_classes_drawn_evenly_and_batches_reproducible(tmp_path):
    big = coded_raster(tmp_path / "big.tif", 100, 100)
    clicks = [click("big", 50, 50, 10)] + [click("big", 5 + i, 5 + i, 20) for i in range(30)]
    with sampler({"big": big}, clicks, 32, seed=7) as s:
        picks = [s._clicks[s.choose()][3] for _ in range(400)]
        assert 150 < picks.count(0) < 250  # one click of class 10 against thirty of class 20
        images, labels = s.batch(3)
        assert images.dtype == torch.float32 and images.shape == (3, 3, 32, 32)
        assert labels.dtype == torch.int64 and labels.shape == (3, 32, 32)
    with (
        sampler({"big": big}, clicks, 32, augment=True, seed=9) as a,
        sampler({"big": big}, clicks, 32, augment=True, seed=9) as b,
    ):
        for x, y in zip(a.batch(4), b.batch(4), strict=True):
            assert torch.equal(x, y)
        a.batch(1)
        assert a._sources
    assert not a._sources


# ---- training on real aerial patches -------------------------------------------------------------------
def make_workspace(folder: Path, frames: dict, per_class: int = 2, names=None, seed: int = 0) -> Workspace:
    """A workspace over some BSB frames with ``per_class`` clicks of each class drawn from the masks."""
    ws = Workspace.create(folder, [ClassDef(*c) for c in BSB_CLASSES])
    rng = np.random.default_rng(seed)
    for name in names or list(frames):
        path, mask = frames[name]
        ws.record.add_frame(path, name=name)
        add_clicks(ws, name, mask, per_class, rng)
    return ws


def add_clicks(ws: Workspace, name: str, mask: np.ndarray, per_class: int, rng) -> list[Click]:
    added = []
    for class_id in range(len(BSB_CLASSES)):
        rows, cols = np.nonzero(mask == class_id)
        for k in rng.choice(len(rows), min(per_class, len(rows)), replace=False):
            added.append(
                ws.record.add_click(
                    name, class_id, row=int(rows[k]), col=int(cols[k]), annotator="test", enforce_budget=False
                )
            )
    return added


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_run_writes_a_loadable_checkpoint_and_a_run_row(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames)
    messages = []
    result = train_iteration(ws, TINY, fast(), progress=lambda f, m: messages.append((f, m)))
    clicks = ws.record.clicks()
    assert result.iteration == 0 and result.steps == 3 and result.clicks_used == len(clicks) == 30
    assert result.model_path == ws.model_path(0) and result.model_path.is_file()
    assert result.weights_origin == "random" and result.device.startswith("cpu")
    assert np.isfinite(result.final_loss) and result.seconds_per_step > 0
    network, meta = load_checkpoint(result.model_path)
    assert meta.class_ids == [0, 1, 2, 3, 4] and meta.class_names[1] == "car" and meta.bands == [1, 2, 3]
    assert len(meta.mean) == 3 and 20 < meta.mean[0] < 235 and meta.std[0] > 1
    assert meta.iteration == 0 and meta.clicks_hash == ws.record.clicks_hash(0) and meta.clicks_used == 30
    assert meta.encoder == TINY.encoder and meta.decoder_channels == [64, 32, 16, 16, 8]
    assert meta.patch_size == 64 and meta.weights_origin == "random" and meta.created_utc
    (run,) = ws.record.runs()
    assert run.iteration == 0 and run.model_path == "models/iteration_000.safetensors"
    assert run.clicks_used == 30
    assert run.clicks_hash == meta.clicks_hash and run.device == result.device and run.duration_s > 0
    assert run.metrics["steps"] == 3 and 0 <= run.metrics["click_accuracy"] <= 1
    assert run.metrics["unresolved_clicks"] == len(run.unresolved) == len(result.unresolved)
    uids = {c.uid: c for c in clicks}
    for item in run.unresolved:
        c = uids[item["uid"]]
        assert (item["frame"], item["row"], item["col"]) == (c.frame, c.row, c.col)
        assert item["class_id"] == c.class_id
        assert item["predicted"] != item["class_id"] and 0 < item["confidence"] <= 1
    steps = [m for _, m in messages if m.startswith("step")]
    assert steps[0].startswith("step 1/3 loss ") and steps[-1].startswith("step 3/3 loss ")
    fractions = [f for f, _ in messages]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert sorted(p.name for p in ws.models_dir.iterdir()) == ["iteration_000.safetensors"]


def test_iterations_advance_and_warm_start_from_the_previous_model(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"])
    first = train_iteration(ws, TINY, fast())
    path, mask = bsb_train_frames["bsb_1000"]
    ws.record.add_frame(path, name="bsb_1000")
    added = add_clicks(ws, "bsb_1000", mask, 1, np.random.default_rng(1))
    assert {c.iteration for c in added} == {1}
    second = train_iteration(ws, TINY, fast(steps=0))  # warm start, no step: the weights of run 0
    assert second.iteration == 1 and second.clicks_used == 15
    assert second.weights_origin == "warm-start:models/iteration_000.safetensors"
    before, after = load_file(str(first.model_path)), load_file(str(second.model_path))
    assert before.keys() == after.keys() and all(torch.equal(before[k], after[k]) for k in before)
    assert read_meta(second.model_path).mean == read_meta(first.model_path).mean  # normalisation reused
    assert [r.iteration for r in ws.record.runs()] == [0, 1] and ws.latest_model() == (1, second.model_path)
    third = train_iteration(ws, TINY, fast(steps=2, warm_start=True))
    moved = load_file(str(third.model_path))
    assert third.iteration == 2 and not all(torch.equal(after[k], moved[k]) for k in after)
    # A new class: the encoder and decoder are kept, the segmentation head starts afresh.
    ws.record.set_class(ClassDef(5, "water", "#1e88e5"))
    ws.record.add_click("bsb_1", 5, row=3, col=3, enforce_budget=False)
    fourth = train_iteration(ws, TINY, fast(steps=0))
    grown = load_file(str(fourth.model_path))
    assert read_meta(fourth.model_path).class_ids == [0, 1, 2, 3, 4, 5]
    assert grown["segmentation_head.0.weight"].shape[0] == 6
    assert all(torch.equal(moved[k], grown[k]) for k in moved if not k.startswith("segmentation_head."))


def test_retracted_clicks_are_not_used(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=3)
    gone = ws.record.clicks()[4]
    ws.record.retract_click(gone.uid, by="test", reason="wrong class")
    result = train_iteration(ws, TINY, fast(steps=1))
    assert result.clicks_used == 14 == ws.record.runs()[0].clicks_used
    assert read_meta(result.model_path).clicks_hash == ws.record.clicks_hash(0)
    assert gone.uid not in {u["uid"] for u in result.unresolved}


def test_same_settings_give_the_same_model(tmp_path, bsb_train_frames):
    paths = []
    for name in ("one", "two"):
        ws = make_workspace(tmp_path / name, bsb_train_frames, names=["bsb_101"])
        paths.append(train_iteration(ws, TINY, fast(steps=3, augment=True)).model_path)
    a, b = load_file(str(paths[0])), load_file(str(paths[1]))
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_training_learns_the_clicks(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_101"], per_class=3)
    untrained = train_iteration(ws, TINY, fast(steps=0, warm_start=False))
    trained = train_iteration(ws, TINY, fast(steps=120, batch_size=4, learning_rate=3e-3, warm_start=False))
    start, end = ws.record.runs()[0].metrics, ws.record.runs()[1].metrics
    assert end["click_accuracy"] >= start["click_accuracy"] + 0.3
    assert len(trained.unresolved) < len(untrained.unresolved)
    losses = []  # the loss of both models on the same patches (a single step's loss is too noisy)
    for path in (untrained.model_path, trained.model_path):
        network, meta = load_checkpoint(path)
        frames = {f.name: f.path for f in ws.record.frames()}
        with ClickPatchSampler(
            frames,
            ws.record.clicks(),
            meta.class_ids,
            meta.bands,
            meta.mean,
            meta.std,
            64,
            augment=False,
            seed=11,
        ) as patches:
            images, labels = patches.batch(16)
        with torch.no_grad():
            losses.append(error_weighted_dice_loss(network(images), labels).item())
    assert losses[1] < 0.85 * losses[0]


@pytest.mark.parametrize("problem", ["no frames", "no clicks", "class without clicks", "frame missing"])
def test_bad_input_is_one_line_naming_the_record_and_the_fix(tmp_path, bsb_train_frames, problem):
    ws = Workspace.create(tmp_path / "ws", [ClassDef(*c) for c in BSB_CLASSES])
    path, mask = bsb_train_frames["bsb_1"]
    if problem != "no frames":
        copy = shutil.copy(path, tmp_path / "frame.tif")
        ws.record.add_frame(copy, name="f")
    if problem in ("class without clicks", "frame missing"):
        add_clicks(ws, "f", np.where(mask == 1, 0, mask), 1, np.random.default_rng(0))  # no car clicks
        if problem == "frame missing":
            row, col = np.argwhere(mask == 1)[0]
            ws.record.add_click("f", 1, row=int(row), col=int(col))
            Path(copy).rename(tmp_path / "moved.tif")
    with pytest.raises(IsageError) as info:
        train_iteration(ws, TINY, fast())
    message = str(info.value)
    assert "\n" not in message and str(ws.record.path) in message
    expected = {
        "no frames": "isage frames add",
        "no clicks": "isage click add",
        "class without clicks": "class 'car' (id 1) has no clicks",
        "frame missing": "isage frames relink",
    }
    assert expected[problem] in message
    if problem == "class without clicks":
        assert "add a click" in message and "remove the class" in message
    assert not list(ws.models_dir.iterdir()) and not ws.record.runs()


def test_warm_start_refuses_frames_without_the_model_bands(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"])
    train_iteration(ws, TINY, fast(steps=1))
    path, mask = bsb_train_frames["bsb_1000"]
    with rasterio.open(path) as src:
        one_band = write_record_frame(tmp_path / "gray.tif", src.read([1]), src.crs, src.transform)
    ws.record.add_frame(one_band, name="gray")
    add_clicks(ws, "gray", mask, 1, np.random.default_rng(0))
    with pytest.raises(IsageError, match=r"previous model reads bands \[1, 2, 3\].*--no-warm-start"):
        train_iteration(ws, TINY, fast(steps=1))
    assert len(ws.record.runs()) == 1


def test_cancel_writes_nothing(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"])
    token = CancelToken()

    def progress(fraction, message):
        if message.startswith("step 2/"):
            token.cancel("stopped by test")

    with pytest.raises(Cancelled, match="stopped by test"):
        train_iteration(ws, TINY, fast(steps=50), progress=progress, cancel=token)
    assert not list(ws.models_dir.iterdir()) and not ws.record.runs() and ws.latest_model() is None


SIGTERM_SCRIPT = """
import sys
from isage_core.cancel import CancelToken, cancel_on_signals
from isage_core.errors import Cancelled
from isage_core.settings import ModelSettings, TrainSettings
from isage_core.loop.train import train_iteration
from isage_core.record.workspace import Workspace

started = []
def progress(fraction, message):
    if message.startswith("step") and not started:
        started.append(1)
        sys.stdout.write("training started\\n")
        sys.stdout.flush()

token = CancelToken()
try:
    with cancel_on_signals(token):
        train_iteration(Workspace.open(sys.argv[1]),
                        ModelSettings(encoder="tu-mobilenetv3_small_100", weights="none",
                                      decoder_channels=(64, 32, 16, 16, 8)),
                        TrainSettings(steps=100000, batch_size=2, patch_size=64, device="cpu"),
                        progress=progress, cancel=token)
except Cancelled as exc:
    sys.stdout.write(f"cancelled: {exc}\\n")
    sys.exit(130)
sys.exit(0)
"""


def test_sigterm_during_training_keeps_the_previous_model(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"])
    first = train_iteration(ws, TINY, fast(steps=1))
    add_clicks(ws, "bsb_1", bsb_train_frames["bsb_1"][1], 1, np.random.default_rng(5))
    runs_before, model_digest = ws.record.runs(), digest(first.model_path)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-c", SIGTERM_SCRIPT, str(ws.folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "training started", proc.stderr.read()
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert time.monotonic() - sent < 10
    assert proc.returncode == 130, err
    assert "cancelled: stopped by SIGTERM" in out
    assert sorted(p.name for p in ws.models_dir.iterdir()) == ["iteration_000.safetensors"]
    assert ws.record.runs() == runs_before and ws.latest_model() == (0, first.model_path)
    assert digest(first.model_path) == model_digest


def test_depthwise_convolutions_train_in_float32_under_bf16_autocast_the_rest_in_bf16():
    import copy

    from isage_core.model.network import build_network
    from isage_core.settings import ModelMeta
    from isage_core.training.precision import Float32Conv2d, keep_depthwise_float32

    meta = ModelMeta(
        architecture="unet", encoder="tu-mobilenetv3_small_100", in_channels=3, class_ids=[0, 1, 2],
        class_names=["a", "b", "c"], class_colors=["#000000"] * 3, bands=[1, 2, 3], mean=[0.0] * 3,
        std=[1.0] * 3, decoder_channels=[64, 32, 16, 16, 8],
    )  # fmt: skip
    torch.manual_seed(0)
    network = build_network(meta).eval()
    untouched = copy.deepcopy(network)
    assert keep_depthwise_float32(network) > 0
    assert network.state_dict().keys() == untouched.state_dict().keys()
    outputs: dict[str, torch.dtype] = {}
    for name, module in network.named_modules():
        if isinstance(module, torch.nn.Conv2d):
            module.register_forward_hook(lambda m, i, out, name=name: outputs.__setitem__(name, out.dtype))
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        network(x)
    depthwise = {n for n, m in network.named_modules() if isinstance(m, Float32Conv2d)}
    assert depthwise and all(
        m.groups == m.in_channels > 1 for m in network.modules() if type(m) is Float32Conv2d
    )
    assert {outputs[n] for n in depthwise} == {torch.float32}
    assert {outputs[n] for n in outputs.keys() - depthwise} == {torch.bfloat16}
    with torch.no_grad():  # without autocast nothing changes, in a copy too (the live round's average)
        assert torch.equal(network(x), untouched(x))
        assert torch.equal(copy.deepcopy(network)(x), untouched(x))
