"""Predict loose rasters (name -> path) with one checkpoint, outside any workspace."""

from __future__ import annotations

import logging
from pathlib import Path

from ..cancel import CancelToken
from ..events import ProgressCallback
from ..geo import open_raster
from ..settings import PredictSettings
from .backends import Predictor, load_predictor
from .predict import predict_frame
from .tiling import tile_pixels

log = logging.getLogger(__name__)


def open_predictor(model_path: str | Path, settings: PredictSettings, shapes) -> Predictor:
    """The checkpoint loaded with the backend ``settings.backend`` asks for, for rasters of these shapes."""
    predictor = load_predictor(
        model_path,
        backend=settings.backend,
        device=settings.device,
        amp=settings.amp,
        work_pixels=tile_pixels(shapes, settings),
        threads=settings.threads,
        precision=settings.precision,
    )
    log.info(
        "predicting with %s (iteration %d) on %s: %s (%s)",
        Path(model_path).name,
        predictor.meta.iteration,
        predictor.device,
        predictor.backend.name,
        predictor.reason,
    )
    return predictor


def predict_rasters(
    rasters: dict[str, Path],
    model_path: str | Path,
    out_dir: str | Path,
    settings: PredictSettings,
    *,
    references: dict[str, Path] | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    predictor: Predictor | None = None,
) -> dict[str, dict[str, Path]]:
    """Predict any rasters (name -> path) with one model into ``out_dir``, outside a workspace."""
    if predictor is None:
        shapes = []
        for path in rasters.values():
            with open_raster(path) as src:
                shapes.append((src.height, src.width))
        predictor = open_predictor(model_path, settings, shapes)
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
            predictor.backend,
            predictor.meta,
            target,
            name,
            settings,
            device=None,  # the backend holds its device
            reference=reference,
            progress=step,
            cancel=cancel,
        )
    return results
