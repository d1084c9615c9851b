"""Prediction backends: the ONNX graph against PyTorch, its cache, the ``auto`` choice, the tile grid."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch

from isage_core.device import cpu_computes_bf16
from isage_core.errors import IsageError
from isage_core.inference import backends, openvino_backend
from isage_core.inference.backends import checkpoint_digest, graph_cache_path, load_predictor
from isage_core.inference.predict import predict_frame, predict_probabilities
from isage_core.inference.tiling import grid_starts, top_class
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
    assert first.backend.name.startswith("openvino") and "exported and checked" in first.reason
    assert cached.is_file() and cached.parent == checkpoint.parent
    again = load_predictor(checkpoint, backend="auto", device="cpu", work_pixels=1)
    assert again.backend.name.startswith("openvino") and "cached" in again.reason  # even a small job
    torch.manual_seed(1)  # other weights under the same name: another graph, the old one removed
    save_checkpoint(checkpoint, build_network(make_meta()).eval(), make_meta())
    load_predictor(checkpoint, backend="onnxruntime")
    graphs = sorted(p.name for p in checkpoint.parent.glob("*.onnx"))
    assert graphs == [graph_cache_path(checkpoint, checkpoint_digest(checkpoint)).name] != [cached.name]


def test_auto_keeps_pytorch_for_small_jobs_and_when_no_graph_runner_is_installed(checkpoint, monkeypatch):
    small = load_predictor(checkpoint, backend="auto", device="cpu", work_pixels=512 * 512)
    assert small.backend.name == "torch" and "small job" in small.reason
    assert not list(checkpoint.parent.glob("*.onnx"))  # nothing exported for it
    monkeypatch.setattr(openvino_backend, "openvino_version", lambda: None)
    without = load_predictor(checkpoint, backend="auto", device="cpu", work_pixels=BIG_JOB)
    assert without.backend.name == "onnxruntime"  # no OpenVINO: onnxruntime runs the graph
    with pytest.raises(IsageError, match="openvino is not installed"):
        load_predictor(checkpoint, backend="openvino")
    monkeypatch.setattr(backends, "onnxruntime_version", lambda: None)
    for graph in checkpoint.parent.glob("*.onnx"):
        graph.unlink()
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
    original = backend.probabilities

    def counting(batch):
        counted["tiles"] = counted.get("tiles", 0) + len(batch)
        return original(batch)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(backend, "probabilities", counting)
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


# ---- OpenVINO ------------------------------------------------------------------------------------------
def test_openvino_float32_computes_what_pytorch_computes(checkpoint, mosaic):
    exact = load_predictor(checkpoint, backend="openvino", precision="f32")
    torch_run = load_predictor(checkpoint, backend="torch")
    assert exact.backend.name == "openvino-f32" and "--precision f32" in exact.reason
    batch = normalised(mosaic, exact.meta)
    check = onnx_export.compare_probabilities(
        torch_run.backend.probabilities(batch), exact.backend.probabilities(batch)
    )
    assert check.passed, check.describe()


def test_bfloat16_only_after_its_guard_and_said_so(checkpoint, mosaic, monkeypatch, caplog):
    reduced = load_predictor(checkpoint, backend="openvino", precision="bf16")
    # where the CPU computes bfloat16 OpenVINO runs it; elsewhere it runs float32 and the name says so
    native = cpu_computes_bf16()
    assert reduced.backend.name == ("openvino-bf16" if native else "openvino-f32")
    assert "guard passed" in reduced.reason
    graph = graph_cache_path(checkpoint, checkpoint_digest(checkpoint))
    verdicts = json.loads(openvino_backend.guard_path(graph).read_text())  # cached per CPU and version
    assert len(verdicts) == 1 and next(iter(verdicts.values()))["disagreements"] == 0
    batch = normalised(mosaic, reduced.meta)
    exact = load_predictor(checkpoint, backend="openvino", precision="f32").backend.probabilities(batch)
    check = openvino_backend.compare_reduced(exact, reduced.backend.probabilities(batch))
    assert check.passed, check.describe()  # the real image holds to the guard too
    # a guard that fails: auto falls back to float32 with a warning, a forced bf16 refuses
    monkeypatch.setattr(openvino_backend, "REDUCED_CONFIDENCE_TOLERANCE", -1.0)
    monkeypatch.setattr(openvino_backend, "GUARD_VERSION", "planted")
    with pytest.raises(IsageError, match="bfloat16 fails its guard.*--precision f32"):
        load_predictor(checkpoint, backend="openvino", precision="bf16")
    if native:
        with caplog.at_level(logging.WARNING):
            fallback = load_predictor(checkpoint, backend="openvino")
        assert fallback.backend.name == "openvino-f32" and "fails its guard" in caplog.text


def test_the_reduced_precision_guard_counts_decisive_disagreements_and_moved_confidence():
    exact = np.zeros((1, 3, 1, 4), np.float32)
    exact[0, :, 0, 0] = (0.9, 0.05, 0.05)  # margin 0.85: decisive
    exact[0, :, 0, 1] = (0.5, 0.3, 0.2)  # margin 0.2: not decisive
    exact[0, :, 0, 2] = (0.34, 0.33, 0.33)
    exact[0, :, 0, 3] = (0.8, 0.1, 0.1)
    reduced = exact.copy()
    reduced[0, :, 0, 1] = (0.3, 0.5, 0.2)  # another class where float32 is undecided: allowed
    check = openvino_backend.compare_reduced(exact, reduced)
    assert check.passed and (check.disagreements, check.decisive) == (0, 2)
    assert check.max_confidence_difference == pytest.approx(0.2)
    reduced[0, :, 0, 0] = (0.4, 0.6, 0.0)  # another class where float32 was sure
    check = openvino_backend.compare_reduced(exact, reduced)
    assert (
        not check.passed
        and check.disagreements == 1
        and check.max_confidence_difference == pytest.approx(0.5)
    )


def test_the_feature_graph_gives_pytorchs_probabilities_and_features_in_one_pass(checkpoint, mosaic):
    from isage_core.inference.feature_graph import TorchFeatures, feature_graph_path, load_feature_predictor

    settings = PredictSettings(precision="f32")
    graph = load_feature_predictor(checkpoint, settings)
    assert graph.backend.name in ("openvino-f32", "onnxruntime") and "exported and checked" in graph.reason
    assert feature_graph_path(checkpoint, checkpoint_digest(checkpoint)).is_file()
    network = load_predictor(checkpoint, backend="torch").backend.network
    reference = TorchFeatures(network, "cpu")
    batch = normalised(mosaic, graph.meta)[:, :, :256, :256]
    check = onnx_export.compare_probabilities(
        reference.probabilities(batch), graph.backend.probabilities(batch)
    )
    assert check.passed, check.describe()
    expected, got = reference.take(), graph.backend.take()
    assert got.shape == expected.shape and got.shape[-1] == 256 // 16  # stride 16
    assert np.abs(got - expected).max() <= 1e-3 * np.abs(expected).max()
    assert load_feature_predictor(checkpoint, settings).reason.startswith("feature graph cached")
    # a small job uses the cached graph, but does not export one for a model without it
    cached = load_feature_predictor(checkpoint, settings, work_pixels=1)
    assert cached.reason.startswith("feature graph cached")
    feature_graph_path(checkpoint, checkpoint_digest(checkpoint)).unlink()
    small = load_feature_predictor(checkpoint, settings, work_pixels=512 * 512)
    assert isinstance(small.backend, TorchFeatures) and small.reason.startswith("a small job")
    assert not feature_graph_path(checkpoint, checkpoint_digest(checkpoint)).is_file()


def test_openvino_streams_give_each_batch_its_own_outputs_in_order(checkpoint):
    backend = load_predictor(checkpoint, backend="openvino", precision="f32", threads=2).backend
    assert len(backend.requests) == 2  # one stream per thread, each batch on one of them
    rng = np.random.default_rng(5)
    batches = [rng.standard_normal((2, 3, 64, 64)).astype(np.float32) for _ in range(5)]
    streamed = [probs.copy() for probs in backend.stream_probabilities(iter(batches))]
    assert len(streamed) == len(batches)
    for batch, got in zip(batches, streamed, strict=True):
        np.testing.assert_array_equal(got, backend.probabilities(batch))
    abandoned = backend.stream_probabilities(iter(batches))
    next(abandoned)
    abandoned.close()  # the other stream's batch is waited for, not freed under it
    assert all(request.wait_for(0) for request in backend.requests)
