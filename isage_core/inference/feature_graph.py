"""The graph proposals run: class probabilities and the encoder's stride-16 features from one pass, on the
same runner as prediction (OpenVINO, else onnxruntime), exported once per checkpoint, checked against
PyTorch and cached beside it as ``NAME.<sha256>.f<version>.onnx``. Where no graph can be used, PyTorch
computes both (a forward hook keeps the features).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import write_bytes_atomic
from ..device import cpu_count
from ..errors import IsageError
from ..settings import ModelMeta, PredictSettings
from .backends import TorchBackend, checkpoint_digest, onnxruntime_version

log = logging.getLogger(__name__)

FEATURE_GRAPH_VERSION = "1"
FEATURE_TOLERANCE = 1e-3  # the largest feature difference allowed, relative to the features' largest value


def feature_graph_path(model_path: Path, digest: str) -> Path:
    model_path = Path(model_path)
    return model_path.with_name(f"{model_path.stem}.{digest[:16]}.f{FEATURE_GRAPH_VERSION}.onnx")


class GraphFeatures:
    """A prediction backend over the two-output graph that keeps each batch's features for :meth:`take`.

    ``runner(batch)`` gives (probabilities, features); with ``transient`` they lie in the runner's own
    buffers until its next call, so the features kept are copied and the probabilities are handed to the
    tile runner as they are (:meth:`transient_probabilities`) or copied."""

    def __init__(self, runner, name: str, transient: bool = False, streamer=None):
        self.runner, self.name, self.transient = runner, name, transient
        self.kept: list[np.ndarray] = []
        if streamer is not None:  # batches in order, several at once: (probabilities, features) of each
            self.stream_probabilities = lambda batches: (self._keep(*out) for out in streamer(batches))

    def _keep(self, probabilities: np.ndarray, features: np.ndarray) -> np.ndarray:
        self.kept.append(features.copy() if self.transient else features)
        return probabilities

    def transient_probabilities(self, batch: np.ndarray) -> np.ndarray:
        """The probabilities, valid until the next call; the features kept."""
        return self._keep(*self.runner(batch))

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        probabilities = self.transient_probabilities(batch)
        return probabilities.copy() if self.transient else probabilities

    def take(self) -> np.ndarray:
        """The features (tiles, channels, t/16, t/16) of the tiles run since the last call, in order."""
        out = np.concatenate(self.kept) if self.kept else np.zeros((0, 0, 0, 0), np.float32)
        self.kept.clear()
        return out


class TorchFeatures(GraphFeatures):
    """PyTorch computing both outputs (a GPU, or no graph runner installed)."""

    def __init__(self, network, device):
        from ..model.onnx_export import probability_and_features_module

        self.module = probability_and_features_module(network)
        self.inner = TorchBackend(self.module.network, device, amp=False)
        super().__init__(self._run, "torch")

    def _run(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        probabilities = self.inner.probabilities(batch)
        return probabilities, self.module.kept.float().cpu().numpy()


@dataclass
class FeaturePredictor:
    meta: ModelMeta
    backend: GraphFeatures
    reason: str
    device: object = "cpu"


def load_feature_predictor(
    model_path: str | Path, settings: PredictSettings, work_pixels: int | None = None
) -> FeaturePredictor:
    """Probabilities and features of ``model_path`` on the fastest runner this machine has for them;
    ``work_pixels`` (tile pixels of the job) skips exporting a graph for a job too small to repay it."""
    from ..model.checkpoint import read_meta
    from .backends import EXPORT_WORTH_PIXELS, _openvino, _torch_reason, load_predictor
    from .openvino_backend import openvino_version

    model_path = Path(model_path)
    meta = read_meta(model_path)
    runner = "openvino" if openvino_version() else "onnxruntime" if onnxruntime_version() else None
    version = openvino_version() if runner == "openvino" else onnxruntime_version()
    gpu_asked = settings.device not in ("auto", "cpu", "", None)
    reason = _torch_reason(version, settings.device, gpu_asked) if runner else "no graph runner installed"
    small = work_pixels is not None and work_pixels < EXPORT_WORTH_PIXELS
    if not reason and small and not feature_graph_path(model_path, checkpoint_digest(model_path)).is_file():
        reason = f"a small job ({work_pixels / 1e6:.1f} Mpx of tiles): exporting costs more than it saves"
    if not reason:
        graph, why = _feature_graph(model_path, meta)
        if graph is not None:
            threads = settings.threads or cpu_count()
            if runner == "openvino":  # bfloat16 after the same guard as prediction, on this graph
                ov, precision_why = _openvino(graph, threads, settings.precision, meta.in_channels)
                features = GraphFeatures(
                    lambda b: tuple(ov.run(b, transient=True)), ov.name, transient=True, streamer=ov.stream
                )
                return FeaturePredictor(meta, features, f"{why}; {precision_why}")
            from ..model.onnx_export import INPUT_NAME, open_session

            session = open_session(str(graph) if isinstance(graph, Path) else graph, threads)

            def run(batch):
                return tuple(session.run(None, {INPUT_NAME: np.ascontiguousarray(batch, np.float32)}))

            return FeaturePredictor(meta, GraphFeatures(run, "onnxruntime"), why)
        reason = why
    torch_run = load_predictor(model_path, backend="torch", device=settings.device, threads=settings.threads)
    backend = TorchFeatures(torch_run.backend.network, torch_run.backend.device)
    return FeaturePredictor(meta, backend, reason, torch_run.backend.device)


def _feature_graph(model_path: Path, meta: ModelMeta) -> tuple[bytes | Path | None, str]:
    """The checked two-output graph (cached, or exported now), or None and why it cannot be used."""
    digest = checkpoint_digest(model_path)
    cached = feature_graph_path(model_path, digest)
    if cached.is_file():
        return cached, f"feature graph cached in {cached.name}"
    from ..model.checkpoint import load_checkpoint
    from ..model.onnx_export import (
        FEATURES_NAME,
        INPUT_NAME,
        OUTPUT_NAME,
        check_tiles,
        compare_probabilities,
        export_graph,
        open_session,
        probability_and_features_module,
    )

    network, _ = load_checkpoint(model_path, "cpu")
    module = probability_and_features_module(network)
    graph = export_graph(
        module, meta.in_channels, {"isage_checkpoint_sha256": digest}, outputs=(OUTPUT_NAME, FEATURES_NAME)
    )
    tiles = check_tiles(meta.in_channels)
    import torch

    with torch.inference_mode():
        expected = [t.float().numpy() for t in module(torch.from_numpy(tiles))]
    got = open_session(graph, cpu_count()).run(None, {INPUT_NAME: tiles})
    check = compare_probabilities(expected[0], got[0])
    scale = float(np.abs(expected[1]).max()) or 1.0
    feature_difference = float(np.abs(expected[1] - got[1]).max()) / scale
    if not check.passed or feature_difference > FEATURE_TOLERANCE:
        why = f"{check.describe()}, features within {feature_difference:.1e} of their scale"
        log.warning(
            "%s: the feature graph differs from PyTorch (%s); proposing with PyTorch", model_path.name, why
        )
        return None, "the feature graph failed its check against PyTorch"
    for stale in cached.parent.glob(f"{model_path.stem}.*.f*.onnx"):
        if stale != cached:
            stale.unlink(missing_ok=True)
    try:
        write_bytes_atomic(cached, graph)
    except (OSError, IsageError) as exc:
        log.info("could not cache the feature graph beside %s (%s)", model_path, exc)
        return graph, "feature graph exported (not cached: the folder is not writable)"
    return cached, f"feature graph exported and checked into {cached.name}"
