"""Training from label maps: the label-map sampler, the cosine learning rate and a warm-started run."""

import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from isage_core.errors import IsageError
from isage_core.model.checkpoint import load_checkpoint, read_meta, save_checkpoint
from isage_core.model.network import build_network
from isage_core.settings import ModelMeta, TrainSettings
from isage_core.training.label_maps import channel_maps, train_on_label_maps
from isage_core.training.losses import IGNORE
from isage_core.training.optimiser import learning_rate
from isage_core.training.sampling import LabelMapSampler
from tests.conftest import BSB_CLASSES, write_record_frame


def coded_frame(path: Path, height: int, width: int) -> Path:
    rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
    return write_record_frame(
        path, np.stack([rows, cols, rows * 0]), "EPSG:31983", from_origin(0, 1000, 0.24, 0.24)
    )


def test_label_map_patches_carry_the_map_window_and_balance_classes(tmp_path):
    frames = {"a": coded_frame(tmp_path / "a.tif", 100, 120), "b": coded_frame(tmp_path / "b.tif", 40, 50)}
    maps = {"a": np.full((100, 120), IGNORE, np.int16), "b": np.full((40, 50), IGNORE, np.int16)}
    maps["a"][10:90, 10:110] = 0  # a large class 0
    maps["a"][50, 60] = 1  # one pixel of class 1
    maps["b"][5:10, 5:10] = 2
    seen = {0: 0, 1: 0, 2: 0}
    with LabelMapSampler(frames, maps, [1, 2, 3], [0, 0, 0], [1, 1, 1], 64, augment=False, seed=3) as s:
        for _ in range(300):
            index = s.choose()
            name, row, col = s.anchor(index)
            seen[int(maps[name][row, col])] += 1
            image, labels = s.patch(index)
            assert labels.shape == (64, 64) and labels.dtype == np.int64
            if name == "a":  # inside the raster: the labels are the map's window under the image
                row0, col0 = int(image[0, 0, 0]), int(image[1, 0, 0])
                np.testing.assert_array_equal(labels, maps["a"][row0 : row0 + 64, col0 : col0 + 64])
                assert row0 <= row < row0 + 64 and col0 <= col < col0 + 64
            else:  # smaller than the patch: padded, the padding unlabelled
                assert (labels == 2).sum() == 25 and (labels == IGNORE).sum() == 64 * 64 - 25
    assert all(60 < n < 140 for n in seen.values()), seen  # one class in three, not one pixel in 8001


def test_label_map_sampler_refuses_maps_without_labels(tmp_path):
    frames = {"a": coded_frame(tmp_path / "a.tif", 32, 32)}
    with pytest.raises(ValueError, match="no labelled pixels"):
        LabelMapSampler(frames, {"a": np.full((32, 32), IGNORE)}, [1], [0], [1], 32)


def test_channel_maps_turn_class_ids_into_channels_and_the_rest_unlabelled():
    out = channel_maps({"a": np.array([[30, 10], [255, 20]])}, [10, 20, 30])["a"]
    np.testing.assert_array_equal(out, [[2, 0], [IGNORE, 1]])


def test_cosine_learning_rate_runs_from_the_base_to_the_floor():
    ts = TrainSettings(learning_rate=1e-3, lr_schedule="cosine", final_lr_fraction=0.1)
    rates = [learning_rate(ts, step, 11) for step in range(11)]
    assert rates[0] == pytest.approx(1e-3) and rates[-1] == pytest.approx(1e-4)
    assert rates[5] == pytest.approx(5.5e-4) and all(a > b for a, b in zip(rates, rates[1:], strict=False))
    flat = TrainSettings(learning_rate=1e-3, lr_schedule="constant")
    assert {learning_rate(flat, s, 11) for s in range(11)} == {1e-3}
    assert not math.isnan(learning_rate(ts, 0, 1))


def tiny_checkpoint(path: Path) -> Path:
    meta = ModelMeta(
        architecture="unet",
        encoder="tu-mobilenetv3_small_100",
        in_channels=3,
        class_ids=[c[0] for c in BSB_CLASSES],
        class_names=[c[1] for c in BSB_CLASSES],
        class_colors=[c[2] for c in BSB_CLASSES],
        bands=[1, 2, 3],
        mean=[100.0, 100.0, 100.0],
        std=[50.0, 50.0, 50.0],
        decoder_channels=[64, 32, 16, 16, 8],
    )
    return save_checkpoint(path, build_network(meta), meta)


def test_training_on_dense_masks_of_real_frames_warm_starts_and_writes_a_model(tmp_path, bsb_train_frames):
    start = tiny_checkpoint(tmp_path / "start.safetensors")
    frames = {n: p for n, (p, _) in bsb_train_frames.items()}
    masks = {n: m for n, (_, m) in bsb_train_frames.items()}
    ts = TrainSettings(batch_size=2, patch_size=64, device="cpu", lr_schedule="cosine")
    out = tmp_path / "models" / "iteration_001.safetensors"
    result = train_on_label_maps(start, frames, masks, ts, out, 1, 4)
    assert result.steps == 4 and result.labelled_pixels == sum(m.size for m in masks.values())
    meta = read_meta(out)
    assert meta.iteration == 1 and meta.weights_origin == "warm-start:start.safetensors"
    before, _ = load_checkpoint(start)
    after, _ = load_checkpoint(out)
    changed = [k for k, v in after.state_dict().items() if not np.array_equal(v, before.state_dict()[k])]
    assert changed  # the weights moved


def test_training_on_label_maps_without_a_class_of_the_model_is_refused(tmp_path, bsb_train_frames):
    start = tiny_checkpoint(tmp_path / "start.safetensors")
    name, (path, mask) = next(iter(bsb_train_frames.items()))
    ts = TrainSettings(batch_size=2, patch_size=64, device="cpu")
    with pytest.raises(IsageError, match="no pixel of the label maps"):
        train_on_label_maps(start, {name: path}, {name: np.full_like(mask, 255)}, ts, tmp_path / "m.st", 1, 2)
    assert not (tmp_path / "m.st").exists()
    with rasterio.open(path) as src:
        assert src.count == 3
