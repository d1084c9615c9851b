"""Model checkpoints: safetensors weights plus JSON metadata, written atomically, loaded without pickle.

A checkpoint is a ``.safetensors`` file whose header metadata holds the :class:`ModelMeta` as JSON.
Loading parses only that format, so a crafted file cannot run code; pickled PyTorch files are refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..atomic import atomic_output
from ..errors import IsageError
from ..settings import ModelMeta

META_KEY = "isage"
PICKLE_MARKERS = (b"\x80", b"PK\x03\x04")  # pickle protocol 2+ and torch.save's zip container


def save_checkpoint(path: str | Path, network, meta: ModelMeta) -> Path:
    """Write weights and metadata to ``path`` atomically (an existing file is replaced only on success)."""
    from safetensors.torch import save_file

    path = Path(path)
    state = {k: v.detach().to("cpu").contiguous() for k, v in network.state_dict().items()}
    with atomic_output(path) as tmp:
        save_file(state, str(tmp), metadata={META_KEY: json.dumps(meta.to_dict())})
    return path


def read_meta(path: str | Path) -> ModelMeta:
    """Only the metadata of a checkpoint (reads the header, not the weights)."""
    from safetensors import safe_open

    path = _check_file(path)
    try:
        with safe_open(str(path), framework="numpy") as handle:  # no torch needed
            raw = (handle.metadata() or {}).get(META_KEY)
    except Exception as exc:
        raise IsageError(
            f"{path}: not a readable iSAGE checkpoint ({exc}); retrain to write a new one"
        ) from exc
    if not raw:
        raise IsageError(
            f"{path}: safetensors file without iSAGE metadata; use a model written by `isage train`"
        )
    try:
        return ModelMeta.from_dict(json.loads(raw))
    except (ValueError, TypeError) as exc:
        raise IsageError(f"{path}: damaged iSAGE metadata ({exc}); use another model file") from exc


def load_checkpoint(path: str | Path, device="cpu"):
    """Return ``(network, meta)`` rebuilt from a checkpoint, in eval mode on ``device``."""
    from safetensors.torch import load_file

    from .network import build_network

    meta = read_meta(path)
    state = load_file(str(path), device="cpu")
    network = build_network(meta)
    try:
        network.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        raise IsageError(
            f"{path}: weights do not fit {meta.architecture}/{meta.encoder}; the file is damaged"
        ) from exc
    return network.to(device).eval(), meta


def _check_file(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise IsageError(
            f"{path}: model file not found; train first (`isage train`) or give an existing model"
        )
    with path.open("rb") as handle:
        head = handle.read(9)
    # a safetensors file is an 8-byte little-endian header length, then the JSON header: its first
    # byte may be 0x80 by chance (a header of 128, 384... bytes), so only what is not that is a pickle
    safetensors = len(head) == 9 and head[8:9] == b"{"
    if head.startswith(PICKLE_MARKERS) and not safetensors:
        raise IsageError(
            f"{path}: is a pickled PyTorch file, which can run code when loaded; iSAGE only loads the "
            ".safetensors checkpoints it writes: retrain with `isage train`"
        )
    return path
