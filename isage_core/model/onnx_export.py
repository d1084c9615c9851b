"""ONNX graphs of iSAGE networks, and the check that an exported graph computes what PyTorch computes.

Two graphs are made from a network: the engine's prediction graph (normalised bands in, class
probabilities out), and a self-contained model for other tools such as Deepness (:mod:`.deepness`), which
adds the input scaling and the normalisation in front of the same network.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import IsageError

log = logging.getLogger(__name__)

OPSET = 17
INPUT_NAME = "input"
OUTPUT_NAME = "probabilities"
PROBABILITY_TOLERANCE = 1e-4  # the largest difference allowed between PyTorch's and the graph's output
DECISIVE_MARGIN = 1e-3  # where PyTorch's top two classes differ by more, the classes must be equal
CHECK_TILE = 256  # side of the seeded tiles an export is checked on
FEATURE_STRIDE = 16  # the encoder level proposals read: one feature vector per 16 x 16 pixels
FEATURES_NAME = "features"


@dataclass(frozen=True)
class ExportCheck:
    """How an exported graph's probabilities compare with PyTorch's on the check tiles."""

    max_difference: float
    class_disagreements: int  # pixels whose class differs although PyTorch's margin exceeds DECISIVE_MARGIN
    pixels: int

    @property
    def passed(self) -> bool:
        return self.max_difference <= PROBABILITY_TOLERANCE and self.class_disagreements == 0

    def describe(self) -> str:
        return (
            f"largest probability difference {self.max_difference:.1e} "
            f"(allowed {PROBABILITY_TOLERANCE:.0e}), "
            f"{self.class_disagreements} of {self.pixels} decisive pixels of another class"
        )


def probability_module(network, prepare=None):
    """``network`` followed by a softmax over classes, after an optional ``prepare`` input module."""
    import torch

    class Probabilities(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.prepare = prepare if prepare is not None else torch.nn.Identity()
            self.network = network

        def forward(self, x):
            return torch.softmax(self.network(self.prepare(x)), dim=1)

    return Probabilities().eval()


def probability_and_features_module(network, stride: int = FEATURE_STRIDE):
    """``network``'s class probabilities and, as a second output, its encoder's features at ``stride``
    (the level proposals read): one pass gives both."""
    import torch

    class ProbabilitiesAndFeatures(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.network = network
            self.kept = None
            network.encoder.register_forward_hook(self._keep)

        def _keep(self, module, inputs, output) -> None:
            side = inputs[0].shape[-1]
            self.kept = next(f for f in output if f.shape[-1] * stride == side)

        def forward(self, x):
            probabilities = torch.softmax(self.network(x), dim=1)
            return probabilities, self.kept

    return ProbabilitiesAndFeatures().eval()


def export_graph(
    module,
    in_channels: int,
    metadata: dict[str, str] | None = None,
    opset: int = OPSET,
    outputs: tuple[str, ...] = (OUTPUT_NAME,),
) -> bytes:
    """The ONNX bytes of ``module`` for inputs (batch, in_channels, height, width) of any size.

    ``metadata`` becomes the model's ``metadata_props``; ``outputs`` names the module's outputs, each
    (batch, channels, height, width). Uses PyTorch's TorchScript-based exporter, which needs no package
    beyond torch.
    """
    import onnx
    import torch

    example = torch.zeros((1, in_channels, CHECK_TILE, CHECK_TILE), dtype=torch.float32)
    axes = {0: "batch", 2: "height", 3: "width"}
    buffer = io.BytesIO()
    try:
        with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
            warnings.simplefilter("ignore")  # the exporter's deprecation and tracer notices
            torch.onnx.export(
                module,
                (example,),
                buffer,
                input_names=[INPUT_NAME],
                output_names=list(outputs),
                dynamic_axes={INPUT_NAME: axes, **dict.fromkeys(outputs, axes)},
                opset_version=opset,
                dynamo=False,
            )
    except Exception as exc:
        raise IsageError(
            f"the network could not be exported to ONNX ({type(exc).__name__}: {str(exc)[:160]}); "
            "predict with --backend torch"
        ) from exc
    model = onnx.load_from_string(buffer.getvalue())
    for key, value in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    return model.SerializeToString()


def open_session(graph: bytes | str, threads: int):
    """An onnxruntime CPU session of an ONNX graph (bytes or a file path), fully optimised."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


def check_tiles(in_channels: int, count: int = 2, seed: int = 0) -> np.ndarray:
    """Seeded tiles of standard-normal values, smoothed so that they hold structures as images do."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal((count, in_channels, CHECK_TILE // 8, CHECK_TILE // 8)).astype(np.float32)
    coarse = np.repeat(np.repeat(noise, 8, axis=2), 8, axis=3)
    fine = 0.3 * rng.standard_normal(coarse.shape).astype(np.float32)
    return coarse + fine


def compare_probabilities(reference: np.ndarray, candidate: np.ndarray) -> ExportCheck:
    """Compare two (N, C, H, W) probability arrays as :class:`ExportCheck` defines."""
    difference = float(np.abs(reference - candidate).max())
    top_two = np.sort(reference, axis=1)[:, -2:]
    decisive = (top_two[:, 1] - top_two[:, 0]) > DECISIVE_MARGIN
    disagree = (reference.argmax(axis=1) != candidate.argmax(axis=1)) & decisive
    return ExportCheck(difference, int(disagree.sum()), int(decisive.sum()))


def torch_probabilities(module, batch: np.ndarray) -> np.ndarray:
    """``module``'s output for a numpy batch, on the CPU."""
    import torch

    with torch.inference_mode():
        return module(torch.from_numpy(batch)).float().numpy()
