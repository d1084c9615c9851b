"""The optimiser every training run shares: the step schedule, the learning rate and the Adam loop."""

from __future__ import annotations

import math
import time

from ..errors import IsageError
from ..events import ProgressCallback
from ..settings import TrainSettings
from .losses import make_loss
from .sampling import PatchSampler

TRAIN_SHARE = 0.9  # share of the progress bar given to the optimisation steps


def schedule_steps(ts: TrainSettings, clicks: int, warm: bool) -> int:
    """Optimisation steps of a run over ``clicks`` clicks: ``steps``, else ``epochs``, else the default."""
    if ts.steps is not None:
        return ts.steps
    if ts.epochs is not None:
        return ts.epochs * math.ceil(clicks / ts.batch_size)
    return ts.steps_per_run if warm else ts.first_steps


def learning_rate(ts: TrainSettings, step: int, steps: int) -> float:
    """The learning rate of ``step`` (0-based) of a ``steps``-step run: constant, or a cosine decay from
    ``ts.learning_rate`` down to ``ts.final_lr_fraction`` of it at the last step."""
    if ts.lr_schedule == "constant" or steps <= 1:
        return ts.learning_rate
    floor = ts.learning_rate * ts.final_lr_fraction
    return floor + (ts.learning_rate - floor) * 0.5 * (1 + math.cos(math.pi * step / (steps - 1)))


def optimise(
    network,
    ts: TrainSettings,
    sampler: PatchSampler,
    steps: int,
    device,
    report: ProgressCallback,
    check,
) -> tuple[list[float], float]:
    """Run ``steps`` Adam steps on batches from ``sampler``; return the loss of each step and the seconds
    per step. The network is left in eval mode on ``device``."""
    import torch

    network.to(device).train()
    optimizer = torch.optim.Adam(network.parameters(), lr=ts.learning_rate, weight_decay=ts.weight_decay)
    loss_fn = make_loss(ts)
    amp = bool(ts.amp) and device.type == "cuda"
    scaler = torch.amp.GradScaler("cuda") if amp else None
    losses: list[float] = []
    begin = time.monotonic()
    for step in range(steps):
        check()
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(ts, step, steps)
        images, labels = sampler.batch(ts.batch_size)
        images, labels = images.to(device, non_blocking=True), labels.to(device, non_blocking=True)
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device_type=device.type, dtype=torch.float16, enabled=amp):
            logits = network(images)
        loss = loss_fn(logits.float(), labels)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            optimizer.step()
        value = float(loss.detach())
        if not math.isfinite(value):
            raise IsageError(
                f"training diverged at step {step + 1} (loss {value}); lower --lr or use --no-amp"
            )
        losses.append(value)
        report(TRAIN_SHARE * (step + 1) / steps, f"step {step + 1}/{steps} loss {value:.4f}")
    seconds = (time.monotonic() - begin) / steps if steps else 0.0
    network.eval()
    return losses, seconds
