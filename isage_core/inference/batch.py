"""Predict loose rasters (name -> path) with one checkpoint, outside any workspace."""

from __future__ import annotations

from pathlib import Path

from ..cancel import CancelToken
from ..device import select_device
from ..events import ProgressCallback
from ..model.checkpoint import load_checkpoint
from ..settings import PredictSettings
from .predict import predict_frame


def predict_rasters(
    rasters: dict[str, Path],
    model_path: str | Path,
    out_dir: str | Path,
    settings: PredictSettings,
    *,
    references: dict[str, Path] | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> dict[str, dict[str, Path]]:
    """Predict any rasters (name -> path) with one model into ``out_dir``, outside a workspace."""
    device = select_device(settings.device)
    network, meta = load_checkpoint(model_path, device)
    target = Path(out_dir)
    results = {}
    for index, (name, path) in enumerate(rasters.items()):
        step = None
        if progress is not None:

            def step(fraction: float, message: str = "", index=index) -> None:
                progress((index + fraction) / len(rasters), message)

        reference = (references or {}).get(name)
        results[name] = predict_frame(
            Path(path),
            network,
            meta,
            target,
            name,
            settings,
            device=device,
            reference=reference,
            progress=step,
            cancel=cancel,
        )
    return results
