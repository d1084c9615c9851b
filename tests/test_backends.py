"""Prediction backends: the ONNX graph against PyTorch, its cache, the ``auto`` choice, the tile grid."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch

from isage_core.errors import IsageError
from isage_core.inference import backends
from isage_core.inference.backends import checkpoint_digest, graph_cache_path, load_predictor
from isage_core.inference.predict import predict_frame, predict_probabilities
from isage_core.inference.tiling import TileRunner, grid_starts, top_class
from isage_core.model import onnx_export
from isage_core.model.checkpoint import save_checkpoint
from isage_core.model.network import build_network
from isage_core.settings import PredictSettings
from tests.test_predict import make_meta, write_frame

pytestmark = pytest.mark.usefixtures("one_torch_thread")
BIG_JOB = 10**9


@pytest.fixture
def checkpoint(tmp_path) -> Path:
    torch.manual_seed(0)
    meta = make_meta()
    (tmp_path / "models").mkdir()
    path = tmp_path / "models" / "iteration_001.safetensors"
    return save_checkpoint(path, build_network(meta).eval(), meta)


def normalised(image: np.ndarray, meta) -> np.ndarray:
    return ((image.astype(np.float32) - np.float32(meta.mean[0])) / np.float32(meta.std[0]))[None]


def test_onnx_graph_matches_pytorch_on_a_real_image(checkpoint, mosaic):
    onnx_run = load_predictor(checkpoint, backend="onnxruntime")
    torch_run = load_predictor(checkpoint, backend="torch")
    assert (onnx_run.backend.name, torch_run.backend.name) == ("onnxruntime", "torch")
    batch = normalised(mosaic, onnx_run.meta)
    check = onnx_export.compare_probabilities(
        torch_run.backend.probabilities(batch), onnx_run.backend.probabilities(batch)
    )
    assert check.passed, check.describe()
    assert check.pixels > 0.9 * batch.shape[-1] * batch.shape[-2]  # most pixels are decisive


def test_graph_is_cached_by_content_and_replaced_with_the_checkpoint(checkpoint):
    first = load_predictor(checkpoint, backend="auto", device="cpu", work_pixels=BIG_JOB)
    cached = graph_cache_path(checkpoint, checkpoint_digest(checkpoint))
    assert first.backend.name == "onnxruntime" and "exported and checked" in first.reason
    assert cached.is_file() and cached.parent == checkpoint.parent
    again = load_predictor(checkpoint, backend="auto", device="cpu", work_pixels=1)
    assert again.backend.name == "onnxruntime" and "cached" in again.reason  # even a small job uses it
    torch.manual_seed(1)  # other weights under the same name: another graph, the old one removed
    save_checkpoint(checkpoint, build_network(make_meta()).eval(), make_meta())
    load_predictor(checkpoint, backend="onnxruntime")
    graphs = sorted(p.name for p in checkpoint.parent.glob("*.onnx"))
    assert graphs == [graph_cache_path(checkpoint, checkpoint_digest(checkpoint)).name] != [cached.name]


def test_auto_keeps_pytorch_for_small_jobs_and_when_onnxruntime_is_missing(checkpoint, monkeypatch):
    small = load_predictor(checkpoint, backend="auto", device="cpu", work_pixels=512 * 512)
    assert small.backend.name == "torch" and "small job" in small.reason
    assert not list(checkpoint.parent.glob("*.onnx"))  # nothing exported for it
    monkeypatch.setattr(backends, "onnxruntime_version", lambda: None)
    missing = load_predictor(checkpoint, backend="auto", device="cpu", work_pixels=BIG_JOB)
    assert missing.backend.name == "torch" and "not installed" in missing.reason
    with pytest.raises(IsageError, match="onnxruntime is not installed"):
        load_predictor(checkpoint, backend="onnxruntime")


def test_a_graph_failing_its_check_is_never_used(checkpoint, monkeypatch, caplog):
    monkeypatch.setattr(onnx_export, "PROBABILITY_TOLERANCE", 0.0)  # no float graph is exactly equal
    with caplog.at_level(logging.WARNING):
        chosen = load_predictor(checkpoint, backend="auto", device="cpu", work_pixels=BIG_JOB)
    assert chosen.backend.name == "torch" and "failed its check" in chosen.reason
    assert "differs from PyTorch" in caplog.text
    assert not list(checkpoint.parent.glob("*.onnx"))
    with pytest.raises(IsageError, match="differs from PyTorch.*--backend torch"):
        load_predictor(checkpoint, backend="onnxruntime")


def test_an_unwritable_model_folder_still_predicts_with_onnxruntime(checkpoint, monkeypatch):
    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(backends, "write_bytes_atomic", refuse)
    chosen = load_predictor(checkpoint, backend="onnxruntime")
    assert chosen.backend.name == "onnxruntime"
    assert not list(checkpoint.parent.glob("*.onnx"))


def test_probabilities_do_not_depend_on_the_block_size_or_the_part_predicted(checkpoint, mosaic):
    predictor = load_predictor(checkpoint, backend="onnxruntime")
    image = mosaic[:, :, :448]
    settings = PredictSettings(tile_size=128, overlap=32)
    whole = predict_probabilities(predictor.backend, predictor.meta, image, settings, "cpu")
    for block in (64, 100, 300):
        blocks = predict_probabilities(
            predictor.backend,
            predictor.meta,
            image,
            PredictSettings(tile_size=128, overlap=32, block_size=block),
            "cpu",
        )
        assert np.array_equal(blocks, whole), block
    np.testing.assert_allclose(whole.sum(axis=0), 1.0, atol=1e-5)


def test_extent_outputs_equal_the_whole_frame_there(tmp_path, checkpoint, mosaic):
    predictor = load_predictor(checkpoint, backend="onnxruntime")
    frame = write_frame(tmp_path / "f.tif", mosaic)
    settings = PredictSettings(tile_size=128, overlap=32, heatmaps=("confidence",))
    full = predict_frame(
        frame, predictor.backend, predictor.meta, tmp_path / "full", "f", settings, device=None
    )
    with rasterio.open(frame) as src:
        left, top = src.xy(100, 150, offset="ul")
        right, bottom = src.xy(420, 390, offset="ul")
    part_settings = PredictSettings(
        tile_size=128, overlap=32, heatmaps=("confidence",), extent=(left, bottom, right, top)
    )
    part = predict_frame(
        frame, predictor.backend, predictor.meta, tmp_path / "part", "f", part_settings, device=None
    )
    for key in ("classes", "confidence"):
        with rasterio.open(full[key]) as a, rasterio.open(part[key]) as b:
            assert b.shape == (320, 240)
            assert np.array_equal(a.read(1)[100:420, 150:390], b.read(1))
            assert b.tags()["ISAGE_BACKEND"] == "onnxruntime"


def test_tiles_over_nodata_only_are_not_run(tmp_path, checkpoint, mosaic):
    predictor = load_predictor(checkpoint, backend="torch")
    backend, meta = predictor.backend, predictor.meta
    real = np.maximum(mosaic, 1)  # no pixel of the real image is nodata
    image = real.copy()
    image[:, :256, :] = 0  # the top half is nodata
    frame = write_frame(tmp_path / "f.tif", image, nodata=0)
    settings = PredictSettings(tile_size=128, overlap=32, heatmaps=())
    counted = {}
    original = TileRunner.run

    def counting(self, batch):
        counted["tiles"] = counted.get("tiles", 0) + len(batch)
        return original(self, batch)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TileRunner, "run", counting)
        out = predict_frame(frame, backend, meta, tmp_path / "o", "f", settings, device=None)
    # tiles start every 96 px from -32 (rows -32, 64, 160, 256, 352 and 416 flush with the end, columns
    # alike); those of rows -32 and 64 end by row 192, inside the nodata half, and are skipped
    assert counted["tiles"] == 4 * 6
    whole_frame = write_frame(tmp_path / "g.tif", real)
    full = predict_frame(whole_frame, backend, meta, tmp_path / "g", "g", settings, device=None)
    with rasterio.open(out["classes"]) as a, rasterio.open(full["classes"]) as b:
        skipped, whole = a.read(1), b.read(1)
    assert (skipped[:256] == 255).all()
    # from row 288 on, the tiles (rows 256, 352, 416) read real pixels only in both rasters
    assert np.array_equal(skipped[288:], whole[288:])
    assert (skipped[256:] != 255).all()


def test_top_class_is_numpy_argmax_and_max_ties_to_the_first_class():
    rng = np.random.default_rng(0)
    probs = rng.random((5, 64, 80)).astype(np.float32)
    probs[:, :4] = 0.2  # ties everywhere in the first rows
    probs[3, 0, 0] = probs[1, 0, 0] = 0.9
    best, top = top_class(probs)
    assert np.array_equal(best, probs.argmax(axis=0)) and np.array_equal(top, probs.max(axis=0))
    assert best[0, 0] == 1 and best[1, 1] == 0


def test_edge_pixels_get_an_overlap_of_reflected_context_as_inner_pixels_do():
    # a frame the size of a tile is covered by two tiles per axis reaching `overlap` beyond each edge;
    # one tile flush with the frame measured 0.4796 validation mIoU against 0.5004 (the demo's model)
    assert grid_starts(256, 256, 64) == [-64, 64]
    assert grid_starts(100, 256, 64) == [-78]  # too short: one centred tile
    starts = grid_starts(6144, 512, 64)
    assert starts[0] == -64 and starts[-1] + 512 == 6144 + 64
    assert all(b - a <= 448 for a, b in zip(starts, starts[1:], strict=False))
