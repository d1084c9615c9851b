"""Make torchvision importable next to a torch build its compiled ops were not built for.

PyPI's torchvision wheels are CUDA builds; beside the CPU torch wheel their compiled extension does not
load and ``import torchvision`` (which timm and smp do) fails because the ``torchvision::nms`` operator
is missing. When, and only when, that extension fails to load, the two operator schemas are declared so
the pure-Python parts of torchvision (all this project needs) import and run. With a matching
torch/torchvision pair this does nothing.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

log = logging.getLogger(__name__)
_SCHEMAS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)
_library = None  # keeps the fragment registered for the life of the process


def ensure_torchvision_importable() -> None:
    """Declare torchvision's NMS operator schemas if its compiled extension cannot load."""
    global _library
    if _library is not None:
        return
    import torch

    spec = importlib.util.find_spec("torchvision")
    if spec is None or not spec.submodule_search_locations:
        return
    if _has_op(torch, "nms"):
        return
    folder = Path(next(iter(spec.submodule_search_locations)))
    for candidate in sorted(folder.glob("_C*.so")) + sorted(folder.glob("_C*.pyd")):
        try:
            torch.ops.load_library(str(candidate))
            if _has_op(torch, "nms"):
                return
        except (OSError, RuntimeError) as exc:
            log.debug("torchvision extension %s does not load: %s", candidate.name, exc)
    _library = torch.library.Library("torchvision", "FRAGMENT")
    for schema in _SCHEMAS:
        name = schema.split("(")[0]
        if not _has_op(torch, name):
            _library.define(schema)
    log.debug("torchvision compiled ops unavailable; declared NMS schemas so its Python parts import")


def _has_op(torch, name: str) -> bool:
    try:
        getattr(torch.ops.torchvision, name)
        return True
    except (AttributeError, RuntimeError):
        return False
