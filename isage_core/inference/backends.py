"""Prediction backends: PyTorch, and onnxruntime on CPUs, with the ONNX graph cached beside the checkpoint.

A backend turns a batch of normalised tiles (N, bands, H, W) into class probabilities (N, C, H, W) as a
float32 numpy array. ``auto`` takes PyTorch on a GPU, and onnxruntime on a CPU when its graph of the
checkpoint is cached or the job is large enough to repay exporting it (about two seconds); the graph is
checked against PyTorch before it is cached (:mod:`..model.onnx_export`), and one that fails the check
is never used.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ..atomic import write_bytes_atomic
from ..device import cpu_count
from ..errors import IsageError
from ..settings import ModelMeta

log = logging.getLogger(__name__)

BACKENDS = ("auto", "torch", "onnxruntime", "openvino")
PRECISIONS = ("auto", "f32", "bf16")
GRAPH_VERSION = "1"  # bump when the exported prediction graph changes: old cache files are then ignored
# tile pixels from which exporting the graph (3-4 s, the guard included) beats PyTorch on a CPU. Measured on
# 2 cores, 2026-12-07: OpenVINO bfloat16 runs 2.4 Mpx of tiles a second, PyTorch about 0.65; a 3072² frame
# (14.7 Mpx of tiles), under the 16 Mpx this was, took PyTorch 24 s against 6 s once exported. Break-even is
# about 2 Mpx from the command line (PyTorch's import costs as much as an export) and 4.5 in the resident
# engine (PyTorch already loaded)
EXPORT_WORTH_PIXELS = 4_000_000


class Backend(Protocol):
    """Class probabilities (N, C, H, W) of a batch of normalised tiles (N, bands, H, W)."""

    name: str

    def probabilities(self, batch: np.ndarray) -> np.ndarray: ...


@dataclass
class Predictor:
    """A loaded model ready to predict: its metadata, the backend that runs it, and why it was chosen."""

    meta: ModelMeta
    backend: Backend
    reason: str
    device: str = "cpu"

    def describe(self) -> dict:
        return {"backend": self.backend.name, "backend_reason": self.reason, "device": self.device}


class TorchBackend:
    """A PyTorch network on its device (CUDA runs under float16 autocast when ``amp``)."""

    name = "torch"

    def __init__(self, network, device, amp: bool = True):
        self.network, self.device = network, device
        self.amp = bool(amp) and getattr(device, "type", str(device)) == "cuda"

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        import torch

        tensor = torch.from_numpy(np.ascontiguousarray(batch, dtype=np.float32)).to(self.device)
        try:
            with torch.inference_mode(), torch.autocast("cuda", dtype=torch.float16, enabled=self.amp):
                logits = self.network(tensor)
        except torch.cuda.OutOfMemoryError as exc:
            raise IsageError(
                f"out of GPU memory with {len(batch)} tiles of {batch.shape[-1]} pixels; "
                "use a smaller --batch-size or --tile-size"
            ) from exc
        except RuntimeError as exc:
            if "divisible" not in str(exc):
                raise
            raise IsageError(
                f"tile size {batch.shape[-1]} does not suit this encoder; "
                "use a tile size that is a multiple of 32"
            ) from exc
        return torch.softmax(logits.float(), dim=1).cpu().numpy()


class OnnxBackend:
    """An onnxruntime session of the prediction graph (:mod:`..model.onnx_export`), on the CPU."""

    name = "onnxruntime"

    def __init__(self, graph: bytes | Path, threads: int | None = None):
        from ..model.onnx_export import open_session

        source = str(graph) if isinstance(graph, Path) else graph
        self.session = open_session(source, threads or cpu_count())
        self.input_name = self.session.get_inputs()[0].name

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        feed = {self.input_name: np.ascontiguousarray(batch, dtype=np.float32)}
        try:
            return self.session.run(None, feed)[0]
        except Exception as exc:  # onnxruntime raises its own exception types
            if "divisible" in str(exc) or "Concat" in str(exc):
                raise IsageError(
                    f"tile size {batch.shape[-1]} does not suit this encoder; "
                    "use a tile size that is a multiple of 32"
                ) from exc
            raise


def as_backend(network, device="cpu", amp: bool = True) -> Backend:
    """``network`` itself when it is a backend, else a :class:`TorchBackend` of the PyTorch module."""
    return network if hasattr(network, "probabilities") else TorchBackend(network, device, amp)


def onnxruntime_version() -> str | None:
    """The installed onnxruntime's version, or None when it does not import."""
    try:
        import onnxruntime
    except Exception:  # a broken install is reported as absent; torch then predicts
        return None
    return str(onnxruntime.__version__)


def checkpoint_digest(path: Path) -> str:
    """The SHA-256 of a checkpoint file, the key of its cached graph."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def graph_cache_path(model_path: Path, digest: str) -> Path:
    """Where the prediction graph of a checkpoint is cached: beside it, named by its content."""
    model_path = Path(model_path)
    return model_path.with_name(f"{model_path.stem}.{digest[:16]}.g{GRAPH_VERSION}.onnx")


def load_predictor(
    model_path: str | Path,
    *,
    backend: str = "auto",
    device: str = "auto",
    amp: bool = True,
    work_pixels: int | None = None,
    threads: int | None = None,
    precision: str = "auto",
) -> Predictor:
    """Load a checkpoint for prediction with the backend ``backend`` asks for (see the module's notes).

    ``work_pixels`` (tile pixels the job will run) lets ``auto`` skip the export for small jobs;
    ``threads`` is how many CPU threads a CPU backend computes with (default: every CPU of the process);
    ``precision`` (OpenVINO): ``auto`` takes bfloat16 where the CPU computes it and the guard passes,
    ``f32`` never reduces it, ``bf16`` insists (an error if the guard fails).
    """
    from ..model.checkpoint import read_meta
    from .openvino_backend import openvino_version

    if backend not in BACKENDS:
        raise IsageError(f"backend '{backend}' is unknown; use one of {', '.join(BACKENDS)}")
    if precision not in PRECISIONS:
        raise IsageError(f"precision '{precision}' is unknown; use one of {', '.join(PRECISIONS)}")
    model_path = Path(model_path)
    meta = read_meta(model_path)
    versions = {"onnxruntime": onnxruntime_version(), "openvino": openvino_version()}
    gpu_asked = device not in ("auto", "cpu", "", None)
    if backend in ("onnxruntime", "openvino"):
        if versions[backend] is None:
            raise IsageError(
                f"--backend {backend}: {backend} is not installed; reinstall the engine or use "
                "--backend torch"
            )
        if gpu_asked:
            raise IsageError(f"--backend {backend} runs on the CPU; drop --device {device} or use torch")
    reason = ""
    if backend == "auto":
        graph_runner = "openvino" if versions["openvino"] else "onnxruntime"
        reason = _torch_reason(versions[graph_runner], device, gpu_asked)
    else:
        graph_runner = backend
    if backend in ("onnxruntime", "openvino") or (backend == "auto" and not reason):
        digest = checkpoint_digest(model_path)
        cached = graph_cache_path(model_path, digest)
        graph: bytes | Path | None = None
        if cached.is_file():
            graph, why = cached, f"graph cached in {cached.name}"
        elif backend == "auto" and work_pixels is not None and work_pixels < EXPORT_WORTH_PIXELS:
            reason = f"a small job ({work_pixels / 1e6:.1f} Mpx of tiles): exporting costs more than it saves"
        else:
            graph = _export_checked(model_path, meta, digest, forced=backend != "auto")
            why = f"graph exported and checked into {cached.name}"
            if graph is None:
                reason = "the exported graph failed its check against PyTorch"
        if graph is not None:
            runner_threads = threads or cpu_count()
            if graph_runner == "openvino":
                ov_backend, precision_why = _openvino(graph, runner_threads, precision, meta.in_channels)
                return Predictor(meta, ov_backend, f"{why}; {precision_why}")
            return Predictor(meta, OnnxBackend(graph, threads), why)
    return _torch_predictor(model_path, device, amp, reason or "asked for with --backend torch", threads)


def _openvino(graph: bytes | Path, threads: int, precision: str, in_channels: int):
    """The OpenVINO backend at the precision asked for, bfloat16 only after its guard; and why."""
    from ..device import cpu_computes_bf16
    from ..model.onnx_export import check_tiles
    from .openvino_backend import OpenVinoBackend, reduced_precision_verdict

    if precision == "f32":
        return OpenVinoBackend(graph, threads, "f32"), "float32 asked for (--precision f32)"
    native = cpu_computes_bf16()
    if precision == "auto" and not native:
        return OpenVinoBackend(graph, threads, "f32"), "float32: this CPU does not compute bfloat16"
    verdict = reduced_precision_verdict(graph, check_tiles(in_channels), threads)
    if verdict.passed:
        chosen = OpenVinoBackend(graph, threads, "bf16")
        what = "the CPU computes it" if chosen.precision == "bf16" else "asked for; this CPU computes float32"
        return chosen, f"bfloat16 {what}; guard passed ({verdict.describe()})"
    message = f"bfloat16 fails its guard against float32 ({verdict.describe()})"
    if precision == "bf16":
        raise IsageError(f"{message}; predict with --precision f32")
    log.warning("%s; predicting in float32", message)
    return OpenVinoBackend(graph, threads, "f32"), f"float32: {message}"


def _torch_reason(version: str | None, device: str, gpu_asked: bool) -> str:
    """Why ``auto`` must use PyTorch, or "" when the graph runner (OpenVINO or onnxruntime) may be used."""
    if version is None:
        return "OpenVINO and onnxruntime are not installed"
    if gpu_asked:
        return f"device {device} asked for"
    if not _gpu_possible():
        return ""
    from ..device import select_device

    chosen = select_device(device)
    return "" if chosen.type == "cpu" else f"a {chosen.type} device is available"


def _gpu_possible() -> bool:
    """False when the installed torch is a CPU-only build on a machine without Apple GPUs: then importing
    torch (about a second) to look for a GPU is not needed."""
    import importlib.metadata
    import platform

    if platform.system() == "Darwin" and platform.machine() == "arm64":
        return True
    try:
        return "+cpu" not in importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        return False


def _torch_predictor(
    model_path: Path, device: str, amp: bool, reason: str, threads: int | None = None
) -> Predictor:
    import torch

    from ..device import describe_device, select_device
    from ..model.checkpoint import load_checkpoint

    if threads:
        torch.set_num_threads(threads)
    chosen = select_device(device)
    network, meta = load_checkpoint(model_path, chosen)
    return Predictor(meta, TorchBackend(network, chosen, amp), reason, describe_device(chosen))


def _export_checked(model_path: Path, meta: ModelMeta, digest: str, forced: bool) -> bytes | Path | None:
    """Export and check the prediction graph, cache it when the folder allows; None when the check fails
    (``forced``: an error instead)."""
    from ..model.checkpoint import load_checkpoint
    from ..model.onnx_export import (
        check_tiles,
        compare_probabilities,
        export_graph,
        probability_module,
        torch_probabilities,
    )

    cached = graph_cache_path(model_path, digest)
    network, _ = load_checkpoint(model_path, "cpu")
    module = probability_module(network)
    graph = export_graph(module, meta.in_channels, {"isage_checkpoint_sha256": digest})
    tiles = check_tiles(meta.in_channels)
    check = compare_probabilities(torch_probabilities(module, tiles), OnnxBackend(graph).probabilities(tiles))
    if not check.passed:
        message = f"{model_path.name}: the ONNX graph differs from PyTorch ({check.describe()})"
        if forced:
            raise IsageError(f"{message}; predict with --backend torch")
        log.warning("%s; predicting with PyTorch", message)
        return None
    log.info("exported %s to ONNX: %s", model_path.name, check.describe())
    for stale in cached.parent.glob(f"{Path(model_path).stem}.*.g*.onnx"):
        if stale != cached:
            stale.unlink(missing_ok=True)  # the graph of an earlier file of this name (not the feature graph)
    try:
        write_bytes_atomic(cached, graph)
    except OSError as exc:
        log.info("could not cache the ONNX graph beside %s (%s); it is exported again", model_path, exc)
        return graph
    return cached
