"""A checkpoint as a self-contained ONNX segmentation model that the QGIS plugin Deepness runs.

Deepness feeds float32 (batch, channels, tile, tile) tiles holding the layer's band values divided by
255, whatever the data type, takes its tile size and channel count from the model's input shape, reads
JSON-encoded ``metadata_props`` (``model_type``, ``class_names``, ``resolution`` in cm/px, ``tile_size``,
``tiles_overlap`` in percent, ``seg_thresh``, ``seg_small_segment``) and takes the argmax of the output
probabilities. The graph therefore multiplies the input by 255 (so raw values of any data type, 16-bit
included, come back exactly as iSAGE reads them), selects the bands the model reads, normalises them with
the model's mean and standard deviation, and ends with a softmax. Channel i of the output is class
``class_ids[i]``; the sidecar JSON keeps the iSAGE metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import write_bytes_atomic
from ..errors import IsageError
from ..settings import ModelMeta
from .onnx_export import (
    compare_probabilities,
    export_graph,
    open_session,
    probability_module,
    torch_probabilities,
)

DEEPNESS_SCALE = 255.0  # Deepness divides every band value by this before the network
SIDECAR_SUFFIX = ".isage.json"
DEEPNESS_OPSET = 15  # the opset of Deepness's own examples, read by every onnxruntime it supports


@dataclass(frozen=True)
class DeepnessExport:
    """How to export: the tile side and overlap Deepness should use, and the imagery's resolution."""

    tile_size: int = 512
    overlap: int = 64  # pixels; Deepness takes it as a percentage of the tile
    resolution_cm: float | None = None  # centimetres per pixel (None: Deepness's own default)


def input_band_count(meta: ModelMeta) -> int:
    """The bands of the rasters the model was trained on (the graph selects those it reads)."""
    if meta.input_profile and meta.input_profile.get("band_count"):
        return int(meta.input_profile["band_count"])
    return max(meta.bands)


def deepness_metadata(meta: ModelMeta, settings: DeepnessExport) -> dict[str, str]:
    """The ``metadata_props`` Deepness reads, each value JSON-encoded as it parses them."""
    props = {
        "model_type": "Segmentor",
        "class_names": {str(i): name for i, name in enumerate(meta.class_names)},
        "tile_size": settings.tile_size,
        "tiles_overlap": round(100 * settings.overlap / settings.tile_size),
        "seg_thresh": 0.0,  # no threshold: the class of the highest probability, as iSAGE predicts
        "seg_small_segment": 0,  # no median filter on the classes
    }
    if settings.resolution_cm:
        props["resolution"] = float(settings.resolution_cm)
    return {key: json.dumps(value) for key, value in props.items()}


def sidecar(meta: ModelMeta, settings: DeepnessExport, band_count: int) -> dict:
    """The iSAGE metadata written beside the ONNX file."""
    return {
        "format": "isage-deepness-onnx/1",
        "class_ids": meta.class_ids,
        "class_names": meta.class_names,
        "class_colors": meta.class_colors,
        "output_channel_class_ids": meta.class_ids,
        "input_bands": band_count,
        "bands_read": meta.bands,
        "normalisation": {"mean": meta.mean, "std": meta.std, "applied_to": "raw band values"},
        "input_scaling": f"the graph multiplies its input by {DEEPNESS_SCALE:g}, undoing Deepness's division",
        "input_dtype": (meta.input_profile or {}).get("dtype"),
        "tile_size": settings.tile_size,
        "overlap_px": settings.overlap,
        "resolution_cm": settings.resolution_cm,
        "iteration": meta.iteration,
        "clicks_hash": meta.clicks_hash,
        "clicks_used": meta.clicks_used,
        "architecture": meta.architecture,
        "encoder": meta.encoder,
        "created_utc": meta.created_utc,
    }


def preparation_module(meta: ModelMeta, band_count: int):
    """Deepness's scaled input to the normalised bands the network reads."""
    import torch

    class Prepare(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("bands", torch.tensor([b - 1 for b in meta.bands], dtype=torch.long))
            self.register_buffer("mean", torch.tensor(meta.mean, dtype=torch.float32).view(1, -1, 1, 1))
            self.register_buffer("std", torch.tensor(meta.std, dtype=torch.float32).view(1, -1, 1, 1))

        def forward(self, x):
            raw = torch.index_select(x * DEEPNESS_SCALE, 1, self.bands)
            return (raw - self.mean) / self.std

    if max(meta.bands) > band_count:
        raise IsageError(f"the model reads bands {meta.bands} of {band_count}-band rasters; retrain it")
    return Prepare().eval()


def export_deepness(model_path: str | Path, out: str | Path, settings: DeepnessExport) -> dict[str, Path]:
    """Write ``out`` (ONNX) and its sidecar JSON, after checking the graph on scaled tiles against the
    engine's own PyTorch pipeline."""
    import onnx

    from .checkpoint import load_checkpoint

    out = Path(out)
    if out.suffix.lower() != ".onnx":
        raise IsageError(f"{out}: the Deepness model must be an .onnx file; give a name ending in .onnx")
    if (
        settings.tile_size < 32
        or settings.tile_size % 32
        or not 0 <= settings.overlap < settings.tile_size // 2
    ):
        raise IsageError(
            f"tile size {settings.tile_size} with overlap {settings.overlap}: use a multiple of 32 and an "
            "overlap under half the tile, for example --tile-size 512 --overlap 64"
        )
    if not out.parent.is_dir():
        raise IsageError(f"{out.parent}: output folder does not exist; create it or choose another")
    network, meta = load_checkpoint(model_path, "cpu")
    bands = input_band_count(meta)
    module = probability_module(network, preparation_module(meta, bands))
    graph = export_graph(module, bands, deepness_metadata(meta, settings), opset=DEEPNESS_OPSET)
    model = onnx.load_from_string(graph)
    for value, sizes in ((model.graph.input[0], (bands,)), (model.graph.output[0], (len(meta.class_ids),))):
        dims = value.type.tensor_type.shape.dim  # Deepness reads the tile size from a static input shape
        for dim, size in zip(dims[1:], (*sizes, settings.tile_size, settings.tile_size), strict=True):
            dim.dim_value = size
    graph = model.SerializeToString()
    check_export(network, meta, graph, bands, settings.tile_size, model_path)
    write_bytes_atomic(out, graph)
    side = out.with_name(out.stem + SIDECAR_SUFFIX)
    write_bytes_atomic(side, json.dumps(sidecar(meta, settings, bands), indent=2).encode())
    return {"onnx": out, "sidecar": side}


def check_export(network, meta: ModelMeta, graph: bytes, bands: int, tile: int, model_path) -> None:
    """The graph fed raw values / 255 must give the probabilities of the engine's PyTorch pipeline."""
    from .normalization import normalise

    rng = np.random.default_rng(0)
    low = np.asarray((meta.input_profile or {}).get("low") or [0.0] * len(meta.bands))
    high = np.asarray((meta.input_profile or {}).get("high") or [255.0] * len(meta.bands))
    raw = np.zeros((1, bands, tile, tile), dtype=np.float32)
    coarse = rng.random((len(meta.bands), tile // 16, tile // 16))
    smooth = np.repeat(np.repeat(coarse, 16, axis=1), 16, axis=2)
    values = low[:, None, None] + (high - low)[:, None, None] * smooth
    raw[0, [b - 1 for b in meta.bands]] = np.round(values)
    normalised = normalise(raw[0, [b - 1 for b in meta.bands]], meta.mean, meta.std)[None]
    engine = torch_probabilities(probability_module(network), normalised)
    session = open_session(graph, threads=1)
    scaled = raw / np.float32(DEEPNESS_SCALE)
    check = compare_probabilities(engine, session.run(None, {session.get_inputs()[0].name: scaled})[0])
    if not check.passed:
        raise IsageError(f"{model_path}: the Deepness graph differs from the engine ({check.describe()})")
