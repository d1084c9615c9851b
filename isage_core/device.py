"""Choosing and describing the compute device: CUDA, then Apple MPS, then CPU."""

from __future__ import annotations

import logging
import os
import platform

from .errors import IsageError

log = logging.getLogger(__name__)


def cpu_count() -> int:
    """The CPUs this process may run on (torch's default thread count), without importing torch."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def cpu_has_native_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (AVX-512 BF16 or AMX, as oneDNN reports it): only
    then does bf16 autocast make training steps faster; elsewhere it is emulated and many times slower."""
    import torch

    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def select_device(requested: str = "auto"):
    """Return a ``torch.device``: the requested one, or the best available for ``"auto"``."""
    import torch

    if requested in ("", "auto", None):
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(requested)
    except RuntimeError as exc:
        raise IsageError(f"device '{requested}' is not a device name; use auto, cpu, cuda or mps") from exc
    if device.type == "cuda" and not torch.cuda.is_available():
        raise IsageError(f"device '{requested}': no CUDA GPU is available to this torch; use --device auto")
    if device.type == "mps" and not (
        getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()
    ):
        raise IsageError(f"device '{requested}': Apple MPS is not available; use --device auto")
    return device


def describe_device(device) -> str:
    """A short human name for a device, such as ``cuda:0 (NVIDIA H100)`` or ``cpu (2 threads)``."""
    import torch

    if device.type == "cuda":
        index = device.index or 0
        return f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    if device.type == "mps":
        return "mps (Apple GPU)"
    return f"cpu ({torch.get_num_threads()} threads, {platform.machine()})"


def cpu_computes_bf16() -> bool:
    """Whether OpenVINO's CPU plugin computes bfloat16 natively on this processor (AMX or AVX-512 BF16)."""
    try:
        import openvino as ov

        return "BF16" in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except Exception:
        return False


def cpu_name() -> str:
    """The processor's model name, as the guard's cache keys it."""
    try:
        import openvino as ov

        return str(ov.Core().get_property("CPU", "FULL_DEVICE_NAME"))
    except Exception:
        return platform.processor() or platform.machine()
