"""What this engine is and what it can use: the report of ``isage info`` that the plugin checks.

The libraries are imported the way training imports them (torchvision's operators declared first when
its compiled extension does not match torch), so a library reported as available is one training can use.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import platform

from .. import __version__
from ..device import cpu_computes_bf16, describe_device, select_device
from .torch_compat import ensure_torchvision_importable

DISTRIBUTION = "geoisage"  # the engine's name on the package index ("isage" there is another project)
# The libraries a training run imports (module, report key); any missing one means the engine cannot train.
TRAINING_LIBRARIES = (
    ("torchvision", "torchvision"),
    ("timm", "timm"),
    ("segmentation_models_pytorch", "smp"),
    ("safetensors", "safetensors"),
    ("numpy", "numpy"),
    ("rasterio", "rasterio"),
)
OTHER_LIBRARIES = (
    ("geopandas", "geopandas"),
    ("pyogrio", "pyogrio"),
    ("shapely", "shapely"),
    ("onnxruntime", "onnxruntime"),
    ("onnx", "onnx"),
    ("openvino", "openvino"),
)


def _version_of(module: str) -> str:
    imported = importlib.import_module(module)
    return str(getattr(imported, "__version__", "") or importlib.metadata.version(module))


def torch_build(torch) -> str:
    """``cuda 13.0``, ``rocm 6.2`` or ``cpu``: the build of torch installed, not whether a GPU is there."""
    if getattr(torch.version, "cuda", None):
        return f"cuda {torch.version.cuda}"
    if getattr(torch.version, "hip", None):
        return f"rocm {torch.version.hip}"
    return "cpu"


def engine_report() -> dict:
    """The engine's version and distribution, Python, torch and its build, the device ``auto`` picks,
    each library's version (or why it is unavailable) and whether training can run (``can_train``)."""
    import torch

    report: dict = {
        "isage": __version__,
        "distribution": DISTRIBUTION,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_build": torch_build(torch),
        "cuda_available": torch.cuda.is_available(),
        "device": describe_device(select_device("auto")),
    }
    if torch.cuda.is_available():
        report["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    ensure_torchvision_importable()
    problems = []
    for module, key in TRAINING_LIBRARIES + OTHER_LIBRARIES:
        try:
            report[key] = _version_of(module)
        except Exception as exc:  # reported, not fatal: info is a diagnosis tool
            report[key] = f"unavailable ({type(exc).__name__}: {exc})"
            if (module, key) in TRAINING_LIBRARIES:
                problems.append(f"{module} does not import ({exc})")
    report["can_train"] = not problems
    report["problems"] = problems
    report["prediction_backend"] = prediction_backend(torch, report)
    return report


def prediction_backend(torch, report: dict) -> str:
    """What ``isage predict --backend auto`` runs on this machine, in words."""
    if torch.cuda.is_available() or report["device"].startswith("mps"):
        return f"torch on {report['device']}"
    small = "torch for jobs too small to repay an export"
    if not str(report.get("openvino", "unavailable")).startswith("unavailable"):
        precision = "bfloat16 (guarded)" if cpu_computes_bf16() else "float32 (this CPU computes no bfloat16)"
        return f"OpenVINO {str(report['openvino']).split('-')[0]} on the CPU in {precision} ({small})"
    if str(report.get("onnxruntime", "unavailable")).startswith("unavailable"):
        return "torch on the CPU (OpenVINO and onnxruntime unavailable)"
    return f"onnxruntime {report['onnxruntime']} on the CPU ({small})"
