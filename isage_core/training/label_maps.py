"""Training from label maps instead of a click record: dense masks, or masks with unlabelled pixels.

The benchmark's dense ceiling, pseudo-label and label-propagation baselines train this way, with the
same network, optimiser, loss and schedule as :func:`isage_core.loop.train.train_iteration`, warm-starting
from an earlier checkpoint. The checkpoint is written atomically; a cancelled run writes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np

from ..cancel import CancelToken
from ..device import select_device
from ..errors import IsageError
from ..events import ProgressCallback, utc_now
from ..model.checkpoint import load_checkpoint, save_checkpoint
from ..settings import ModelMeta, TrainSettings
from .losses import IGNORE
from .optimiser import optimise
from .sampling import LabelMapSampler

log = logging.getLogger(__name__)


@dataclass
class LabelRunResult:
    """What a finished label-map training run produced."""

    model_path: Path
    labelled_pixels: int
    steps: int
    final_loss: float
    seconds_per_step: float
    duration_s: float
    fit_rate: float | None = None  # labelled pixels the network fit in its last check of steps


def channel_maps(label_maps: Mapping[str, np.ndarray], class_ids: list[int]) -> dict[str, np.ndarray]:
    """Class-id maps to class *channel* maps (index in ``class_ids``), :data:`IGNORE` for other values."""
    lookup = {int(cid): i for i, cid in enumerate(class_ids)}
    out = {}
    for name, labels in label_maps.items():
        channels = np.full(labels.shape, IGNORE, dtype=np.int16)
        for cid, ch in lookup.items():
            channels[labels == cid] = ch
        out[name] = channels
    return out


def train_on_label_maps(
    previous_model: str | Path,
    frames: Mapping[str, str | Path],
    label_maps: Mapping[str, np.ndarray],
    ts: TrainSettings,
    out_path: str | Path,
    iteration: int,
    steps: int,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    monitor: Callable[[object, ModelMeta], float] | None = None,
) -> LabelRunResult:
    """Warm-start from ``previous_model`` and train on ``label_maps`` (frame name to a class-id array of
    the frame's shape; values that are not class ids of the model are unlabelled) for ``steps`` steps of
    ``ts``'s optimiser (a floor with the converge schedule; ``monitor`` as in
    :func:`~isage_core.training.optimiser.optimise`); write the model of ``iteration`` to ``out_path``."""
    clock = time.monotonic()
    report = progress or (lambda fraction, message="": None)
    check = cancel.check if cancel is not None else (lambda: None)
    device = select_device(ts.device)
    network, meta = load_checkpoint(previous_model, "cpu")
    channels = channel_maps(label_maps, meta.class_ids)
    labelled = int(sum(int((c >= 0).sum()) for c in channels.values()))
    if labelled == 0:
        raise IsageError(f"{previous_model}: no pixel of the label maps holds one of the model's classes")
    import torch

    torch.manual_seed(ts.seed)
    sampler = LabelMapSampler(
        frames,
        channels,
        meta.bands,
        meta.mean,
        meta.std,
        ts.patch_size,
        ts.augment,
        seed=[ts.seed, iteration],
    )
    if ts.schedule == "auto":  # the caller gave the steps (the baselines': a click method's fixed count)
        ts = replace(ts, schedule="fixed")
    with sampler:
        run = optimise(
            network, ts, sampler, steps, device, report, check, monitor and partial(monitor, meta=meta)
        )
    losses, seconds, steps = run.losses, run.seconds_per_step, run.steps
    check()
    meta = replace(
        meta,
        iteration=iteration,
        clicks_used=labelled,
        weights_origin=f"warm-start:{Path(previous_model).name}",
        patch_size=ts.patch_size,
        created_utc=utc_now(),
        extra={**meta.extra, "trained_on": "label maps"},
    )
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    save_checkpoint(out_path, network, meta)
    final = float(np.mean(losses[-10:])) if losses else float("nan")
    duration = time.monotonic() - clock
    log.info(
        "label-map run %d: %d labelled pixels, %d steps in %.1f s, final loss %.4f",
        iteration,
        labelled,
        steps,
        duration,
        final,
    )
    report(1.0, f"iteration {iteration}: trained on {labelled} labelled pixels")
    fit_rate = run.fit_rates[-1] if run.fit_rates else None
    return LabelRunResult(Path(out_path), labelled, steps, final, seconds, duration, fit_rate)
