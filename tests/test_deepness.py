"""`isage export`: an ONNX model Deepness runs with onnxruntime alone, giving the engine's classes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import rasterio
import torch

from isage_core.errors import IsageError
from isage_core.inference.predict import predict_frame
from isage_core.model.checkpoint import save_checkpoint
from isage_core.model.deepness import DeepnessExport, export_deepness
from isage_core.model.network import build_network
from isage_core.settings import PredictSettings
from tests.test_predict import make_meta, write_frame

pytestmark = pytest.mark.usefixtures("one_torch_thread")

# What Deepness does, in a process that imports onnxruntime and numpy only: read the metadata as its
# ModelBase does (json.loads of each custom_metadata_map value), take the tile size and channel count from
# the input shape, scale the tile as its preprocessing does (values / 255, NHWC to NCHW) and argmax.
DEEPNESS = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import onnxruntime as ort

    session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    keys = ("model_type", "class_names", "resolution", "tile_size", "tiles_overlap", "seg_thresh",
            "seg_small_segment", "standardization_mean", "standardization_std")
    read = {k: json.loads(meta[k]) for k in keys if k in meta}
    shape = session.get_inputs()[0].shape
    tile = np.load(sys.argv[2])  # (H, W, C) as Deepness reads the layer, native data type
    x = (tile[None, :, :, : shape[-3]] * np.float32(1.0 / 255.0)).astype(np.float32).transpose(0, 3, 1, 2)
    probs = session.run(None, {session.get_inputs()[0].name: x})[0]
    np.save(sys.argv[3], probs)
    json.dump({"metadata": read, "input_shape": shape, "output_shape": list(probs.shape),
               "torch_imported": "torch" in sys.modules}, sys.stdout)
    """
)


def run_like_deepness(model, tile_hwc: np.ndarray, tmp_path) -> tuple[dict, np.ndarray]:
    np.save(tmp_path / "tile.npy", tile_hwc)
    done = subprocess.run(
        [sys.executable, "-c", DEEPNESS, str(model), str(tmp_path / "tile.npy"), str(tmp_path / "p.npy")],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout), np.load(tmp_path / "p.npy")


def engine_classes(tmp_path, checkpoint, meta, image_chw: np.ndarray) -> np.ndarray:
    from isage_core.inference.backends import load_predictor

    predictor = load_predictor(checkpoint, backend="torch")
    frame = write_frame(tmp_path / "frame.tif", image_chw)
    settings = PredictSettings(tile_size=image_chw.shape[-1], overlap=0, heatmaps=())
    out = predict_frame(frame, predictor.backend, meta, tmp_path / "out", "f", settings, device=None)
    with rasterio.open(out["classes"]) as src:
        return src.read(1)


def assert_engine_classes(probs: np.ndarray, engine: np.ndarray, class_ids) -> None:
    """Deepness's argmax gives the engine's class wherever the top two probabilities differ by > 1e-3."""
    classes = np.asarray(class_ids)[probs[0].argmax(axis=0)]
    top_two = np.sort(probs[0], axis=0)[-2:]
    decisive = top_two[1] - top_two[0] > 1e-3
    assert decisive.mean() > 0.95
    assert np.array_equal(classes[decisive], engine[decisive])


def test_deepness_reads_the_metadata_and_gets_the_engine_classes(tmp_path, mosaic):
    torch.manual_seed(0)
    # a model reading bands 3, 1 of 4-band rasters: Deepness feeds all four, the graph selects
    meta = make_meta(
        in_channels=2,
        bands=[3, 1],
        mean=[110.0, 130.0],
        std=[40.0, 60.0],
        input_profile={"band_count": 4, "dtype": "uint8", "low": [0.0, 0.0], "high": [255.0, 255.0]},
        iteration=3,
        clicks_hash="abc123",
    )
    checkpoint = save_checkpoint(tmp_path / "m.safetensors", build_network(meta).eval(), meta)
    files = export_deepness(
        checkpoint, tmp_path / "model.onnx", DeepnessExport(tile_size=256, overlap=32, resolution_cm=24.0)
    )
    image = np.concatenate([mosaic[:, :256, :256], mosaic[:1, :256, 256:]])  # 4 real bands
    report, probs = run_like_deepness(files["onnx"], image.transpose(1, 2, 0), tmp_path)
    assert report["metadata"] == {
        "model_type": "Segmentor",
        "class_names": {"0": "forest", "1": "water", "2": "road", "3": "building", "4": "grass"},
        "resolution": 24.0,
        "tile_size": 256,
        "tiles_overlap": 12,
        "seg_thresh": 0.0,
        "seg_small_segment": 0,
    }
    assert report["input_shape"][1:] == [4, 256, 256] and report["output_shape"] == [1, 5, 256, 256]
    assert not report["torch_imported"]
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert_engine_classes(probs, engine_classes(tmp_path, checkpoint, meta, image), meta.class_ids)
    sidecar = json.loads(files["sidecar"].read_text())
    assert sidecar["bands_read"] == [3, 1] and sidecar["input_bands"] == 4
    assert sidecar["iteration"] == 3 and sidecar["clicks_hash"] == "abc123"
    assert sidecar["class_colors"] == meta.class_colors


def test_16_bit_imagery_reaches_the_network_as_the_engine_reads_it(tmp_path, mosaic):
    torch.manual_seed(2)
    meta = make_meta(
        mean=[3000.0] * 3,
        std=[900.0] * 3,
        input_profile={"band_count": 3, "dtype": "uint16", "low": [500.0] * 3, "high": [9000.0] * 3},
    )
    checkpoint = save_checkpoint(tmp_path / "m.safetensors", build_network(meta).eval(), meta)
    files = export_deepness(checkpoint, tmp_path / "m16.onnx", DeepnessExport(tile_size=256, overlap=0))
    image = (mosaic[:, :256, :256].astype(np.uint16) * 35 + 500).astype(np.uint16)  # 500..9425
    report, probs = run_like_deepness(files["onnx"], image.transpose(1, 2, 0), tmp_path)
    assert "resolution" not in report["metadata"]  # unknown: Deepness keeps its own setting
    assert_engine_classes(probs, engine_classes(tmp_path, checkpoint, meta, image), meta.class_ids)


def test_export_refusals_change_nothing(tmp_path):
    torch.manual_seed(0)
    meta = make_meta()
    checkpoint = save_checkpoint(tmp_path / "m.safetensors", build_network(meta).eval(), meta)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(IsageError, match="multiple of 32"):
        export_deepness(checkpoint, tmp_path / "a.onnx", DeepnessExport(tile_size=500))
    with pytest.raises(IsageError, match=r"\.onnx file"):
        export_deepness(checkpoint, tmp_path / "a.pt", DeepnessExport())
    with pytest.raises(IsageError, match="output folder does not exist"):
        export_deepness(checkpoint, tmp_path / "missing" / "a.onnx", DeepnessExport())
    assert sorted(p.name for p in tmp_path.iterdir()) == before
