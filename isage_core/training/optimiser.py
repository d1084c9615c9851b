"""The optimiser every training run shares: the step schedule, the learning rate and the Adam loop."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from ..device import cpu_has_native_bf16
from ..errors import IsageError
from ..events import ProgressCallback
from ..settings import TrainSettings
from .losses import make_loss
from .sampling import PatchSampler

TRAIN_SHARE = 0.9  # share of the progress bar given to the optimisation steps
PLATEAU_CHECKS = 3  # settled: the latest this many checks against the this many before them
PLATEAU_FIT = 0.01  # settled: the labelled pixels' fit gained less than this between those checks


def schedule_steps(ts: TrainSettings, clicks: int, warm: bool, frames: int = 1) -> int:
    """Optimisation steps of a run over ``clicks`` clicks on ``frames`` frames: ``steps``, else
    ``epochs`` (a patch per click each), else ``frame_epochs`` (a patch per frame each, at least one
    step), else the default."""
    if ts.steps is not None:
        return ts.steps
    if ts.epochs is not None:
        return ts.epochs * math.ceil(clicks / ts.batch_size)
    if ts.frame_epochs is not None:
        return max(1, math.ceil(ts.frame_epochs * frames / ts.batch_size))
    if ts.step_schedule == "converge":
        return ts.converge_floor if warm else ts.first_steps
    return ts.steps_per_run if warm else ts.first_steps


def recent_steps(ts: TrainSettings) -> int:
    """The steps whose patches the converge schedule's fit looks at after every step: half a check. The
    check's whole window lags: its first steps' logits predate what the later steps learnt."""
    return max(1, ts.check_steps // 2)


def learning_rate(ts: TrainSettings, step: int, steps: int) -> float:
    """The learning rate of ``step`` (0-based) of a ``steps``-step run: constant, or a cosine decay from
    ``ts.learning_rate`` down to ``ts.final_lr_fraction`` of it at the last step."""
    if ts.lr_schedule == "constant" or steps <= 1:
        return ts.learning_rate
    floor = ts.learning_rate * ts.final_lr_fraction
    return floor + (ts.learning_rate - floor) * 0.5 * (1 + math.cos(math.pi * step / (steps - 1)))


@dataclass
class Optimisation:
    """What a run of :func:`optimise` did."""

    losses: list[float]  # one per step
    seconds_per_step: float
    fit_rates: list[float] = field(default_factory=list)  # labelled pixels fit, per check of steps
    selected_step: int | None = None  # the step whose weights a monitor kept; None: the last
    stopped_by: str = "steps"  # why the run ended (StepPlan.stopped_by)
    precision: str = "fp32"  # fp32, or the autocast type: fp16 (CUDA), bf16 (CPUs computing it natively)
    memory_format: str = "contiguous"  # channels_last on CPUs: 1.16x faster steps measured here

    @property
    def steps(self) -> int:
        return len(self.losses)


class StepPlan:
    """When a run ends and what rate each step gets.

    Fixed: ``steps`` steps under :func:`learning_rate`. Converge: a constant rate until, past ``steps``,
    the labelled pixels of the latest patches fit (``fit_target``; :meth:`fitted`, after every step, over
    the last :func:`recent_steps` steps) or, at a check, training has settled (:meth:`_settled`: the
    latest :data:`PLATEAU_CHECKS` checks' mean loss less than ``plateau`` below that of the checks before
    them, and their fit less than :data:`PLATEAU_FIT` above; one noisy window is no plateau, nor is a loss
    flat while the clicks still get fit), or 80 % of ``max_steps`` or of the time budget
    (``time_budget_s``) has passed; then the cosine schedule
    decays over a quarter of the steps run so far, at least one check (a constant schedule stops there),
    within what is left of the budget. So an early stop never leaves the weights at a high rate.
    ``stopped_by`` says why the run ended: ``steps`` (fixed), ``fit``, ``settled``, ``max_steps`` or
    ``time_budget``.
    """

    def __init__(self, ts: TrainSettings, steps: int, clock=time.monotonic):
        self.ts, self.floor, self.clock = ts, steps, clock
        self.converge = ts.step_schedule == "converge"
        self.cap = max(ts.max_steps, steps) if self.converge else steps
        self.end = None if self.converge else steps
        self.decay_from: int | None = None
        self.history: list[tuple[float, float]] = []  # (mean loss, fit rate) of every check
        self.began = clock()
        self.stopped_by = "steps" if not self.converge else ""

    def rate(self, step: int) -> float:
        if not self.converge:
            return learning_rate(self.ts, step, self.cap)
        if self.decay_from is None or self.end is None:
            return self.ts.learning_rate
        return learning_rate(self.ts, step - self.decay_from, self.end - self.decay_from)

    def elapsed(self) -> float:
        return self.clock() - self.began

    def finished(self, done: int) -> bool:
        if done >= (self.end if self.end is not None else self.cap):
            self.stopped_by = self.stopped_by or "max_steps"
            return True
        budget = self.ts.time_budget_s
        if self.converge and budget is not None and done and self.elapsed() >= budget:
            self.stopped_by = "time_budget"  # a decay that outlasts the budget is cut short
            return True
        return False

    def checked(self, done: int, fit_rate: float, mean_loss: float) -> None:
        """A check after ``done`` steps: maybe start the decay (converge)."""
        self.history.append((mean_loss, fit_rate))
        if not self.converge or self.end is not None:
            return
        settled = self._settled()
        converged = done >= self.floor and (fit_rate >= self.ts.fit_target or settled)
        out_of_time = self.ts.time_budget_s is not None and self.elapsed() >= 0.8 * self.ts.time_budget_s
        if converged:
            self._decay(done, "fit" if fit_rate >= self.ts.fit_target else "settled")
        elif out_of_time or done >= 0.8 * self.cap:
            self._decay(done, "time_budget" if out_of_time else "max_steps")

    def _settled(self) -> bool:
        """Neither the loss nor the fit moved: the latest :data:`PLATEAU_CHECKS` checks' mean loss is less
        than ``plateau`` (relative) below the mean of the checks before them, and their mean fit less than
        :data:`PLATEAU_FIT` above."""
        n = PLATEAU_CHECKS
        if len(self.history) < 2 * n:
            return False
        earlier, later = self.history[-2 * n : -n], self.history[-n:]
        loss_before, loss_now = (sum(loss for loss, _ in part) / n for part in (earlier, later))
        fit_before, fit_now = (sum(fit for _, fit in part) / n for part in (earlier, later))
        falling = loss_before - loss_now >= self.ts.plateau * abs(loss_before)
        return not falling and fit_now - fit_before < PLATEAU_FIT

    def fitted(self, done: int, recent_fit: float) -> None:
        """After every step: the latest steps' fit (``recent_fit``) at the target past the floor starts the
        decay (converge), without waiting for the next check."""
        if self.converge and self.end is None and done >= self.floor and recent_fit >= self.ts.fit_target:
            self._decay(done, "fit")

    def _decay(self, done: int, reason: str) -> None:
        self.stopped_by = reason
        budget = self.ts.time_budget_s
        decay = max(self.ts.check_steps, done // 4) if self.ts.lr_schedule == "cosine" else 0
        if budget is not None and decay:  # the decay fits in what is left of the budget
            elapsed = self.elapsed()
            per_step = elapsed / max(done, 1)
            decay = min(decay, max(1, int((budget - elapsed) / max(per_step, 1e-9))))
        self.decay_from, self.end = done, min(done + decay, self.cap)


class LiveSchedule:
    """The learning rate of a live round: cosine cycles from ``ts.learning_rate`` to its floor
    (``final_lr_fraction``), restarted when new clicks arrive.

    A cycle lasts ``cycle`` steps (default ``ts.steps_per_run``, the fixed schedule's warm round); once it
    ends the rate stays at the floor (:attr:`annealed`). :meth:`anneal` reaches the floor sooner, in a given
    number of steps. A ``constant`` ``lr_schedule`` keeps ``ts.learning_rate`` and is always annealed.
    """

    def __init__(self, ts: TrainSettings, cycle: int | None = None):
        self.ts = ts
        self.cycle = max(2, cycle or ts.steps_per_run)
        self.restarts = -1
        self.restart()

    def restart(self) -> None:
        """Back to the peak rate, decaying over a whole cycle."""
        self.phase, self.pace, self._floored = 0.0, 1.0 / (self.cycle - 1), False
        self.restarts += 1

    def resume(self) -> None:
        """Decay at a cycle's pace again (after :meth:`anneal`)."""
        self.pace = 1.0 / (self.cycle - 1)

    def settle(self) -> None:
        """At the floor, annealed (a round opened on a model that learnt every click it has)."""
        self.phase, self.pace, self._floored = 1.0, 0.0, True

    def anneal(self, steps: int) -> None:
        """Reach the floor from the current rate in ``steps`` steps, the last at the floor."""
        if steps <= 1:
            self.phase, self.pace = 1.0, 0.0
        else:
            self.pace = (1.0 - self.phase) / (steps - 1)

    @property
    def annealed(self) -> bool:
        """Whether a step ran at the floor since the last restart (always, for a constant rate)."""
        return self.ts.lr_schedule == "constant" or self._floored

    @property
    def steps_left(self) -> int:
        """Steps to the floor at the current pace, the floor's included (0 once annealed)."""
        if self.annealed:
            return 0
        return (math.ceil((1.0 - self.phase) / self.pace - 1e-9) if self.pace > 0 else 0) + 1

    def rate(self) -> float:
        if self.ts.lr_schedule == "constant":
            return self.ts.learning_rate
        floor = self.ts.learning_rate * self.ts.final_lr_fraction
        return floor + (self.ts.learning_rate - floor) * 0.5 * (1 + math.cos(math.pi * self.phase))

    def advance(self) -> None:
        """One step done at :meth:`rate`."""
        self._floored = self._floored or self.phase >= 1.0 - 1e-9
        self.phase = min(1.0, self.phase + self.pace)


class Stepper:
    """Adam steps of the Error-Weighted Dice Loss on a network: the step every training loop shares.

    On CPUs the network runs channels-last, with bf16 autocast only where the CPU computes bf16 natively
    (``ts.amp``), its depthwise convolutions in float32 (:mod:`.precision`); on CUDA with fp16 autocast
    and a gradient scaler. The network is left in train mode on ``device``.
    """

    def __init__(self, network, ts: TrainSettings, device):
        import torch

        self.network, self.ts, self.device = network, ts, device
        cpu = device.type == "cpu"
        self.layout = torch.channels_last if cpu else torch.contiguous_format
        network.to(device, memory_format=self.layout).train()
        # the fused kernel: 3.4 ms a step for the default network on a 2-core CPU, against 17.8 ms for
        # Adam's loop over the tensors (2026-12-07); other devices keep PyTorch's default
        self.optimizer = torch.optim.Adam(
            network.parameters(),
            lr=ts.learning_rate,
            weight_decay=ts.weight_decay,
            fused=True if device.type in ("cpu", "cuda") else None,
        )
        self.loss_fn = make_loss(ts)
        self.amp = bool(ts.amp) and (device.type == "cuda" or (cpu and cpu_has_native_bf16()))
        self.half = torch.bfloat16 if cpu else torch.float16
        if self.amp and cpu:
            from .precision import keep_depthwise_float32

            keep_depthwise_float32(network)
        self.scaler = torch.amp.GradScaler("cuda") if self.amp and device.type == "cuda" else None
        self.precision = ("bf16" if cpu else "fp16") if self.amp else "fp32"
        self.memory_format = "channels_last" if cpu else "contiguous"
        self.steps = 0

    def step(self, images, labels, rate: float) -> tuple[float, int, int]:
        """One step at learning ``rate``: the loss, and how many of the labelled pixels the network's
        logits (before the step) fit, of how many."""
        import torch

        for group in self.optimizer.param_groups:
            group["lr"] = rate
        images = images.to(self.device, non_blocking=True).contiguous(memory_format=self.layout)
        labels = labels.to(self.device, non_blocking=True)
        self.optimizer.zero_grad(set_to_none=True)
        with torch.autocast(device_type=self.device.type, dtype=self.half, enabled=self.amp):
            logits = self.network(images)
        loss = self.loss_fn(logits.float(), labels)
        scaler = self.scaler
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.unscale_(self.optimizer)
        else:
            loss.backward()
        if self.ts.grad_clip:
            torch.nn.utils.clip_grad_norm_(self.network.parameters(), self.ts.grad_clip)
        if scaler is not None:
            scaler.step(self.optimizer)
            scaler.update()
        else:
            self.optimizer.step()
        self.steps += 1
        value = float(loss.detach())
        if not math.isfinite(value):
            raise IsageError(
                f"training diverged at step {self.steps} (loss {value}); lower --lr or use --no-amp"
            )
        with torch.no_grad():
            known = labels >= 0
            fit = int((logits.detach().argmax(1) == labels)[known].sum())
        return value, fit, int(known.sum())


def optimise(
    network,
    ts: TrainSettings,
    sampler: PatchSampler,
    steps: int,
    device,
    report: ProgressCallback,
    check,
    monitor: Callable[[object], float] | None = None,
) -> Optimisation:
    """Run Adam on batches from ``sampler``: ``steps`` steps, or with the ``converge`` schedule at least
    that many and on until the fit and the loss settle (see :class:`StepPlan`). ``monitor`` (the
    benchmark's checkpoint selection) scores the network in eval mode after every check of
    ``ts.check_steps`` steps; the best-scoring weights are kept. The network is left in eval mode on
    ``device``."""
    stepper = Stepper(network, ts, device)
    plan = StepPlan(ts, steps)
    every = max(1, ts.check_steps)
    result = Optimisation([], 0.0, precision=stepper.precision, memory_format=stepper.memory_format)
    best: tuple[float, int, dict] | None = None
    fit, labelled, window = 0, 0, []
    recent: deque[tuple[int, int]] = deque(maxlen=recent_steps(ts))
    begin = time.monotonic()
    while not plan.finished(result.steps):
        check()
        step = result.steps
        value, batch_fit, batch_labelled = stepper.step(*sampler.batch(ts.batch_size), plan.rate(step))
        result.losses.append(value)
        window.append(value)
        fit, labelled = fit + batch_fit, labelled + batch_labelled
        done = step + 1
        recent.append((batch_fit, batch_labelled))
        if len(recent) == recent.maxlen:
            plan.fitted(done, sum(f for f, _ in recent) / max(sum(n for _, n in recent), 1))
        share = done / plan.cap
        if plan.converge and ts.time_budget_s:
            share = max(share, min(plan.elapsed() / ts.time_budget_s, 1.0))
        report(TRAIN_SHARE * share, f"step {done}/{plan.cap} loss {value:.4f}")
        if done % every and not plan.finished(done):
            continue
        rate = fit / max(labelled, 1)
        result.fit_rates.append(round(rate, 4))
        plan.checked(done, rate, sum(window) / len(window))
        fit, labelled, window = 0, 0, []
        if monitor is not None:
            network.eval()
            score = float(monitor(network))
            network.train()
            if best is None or score > best[0]:
                best = (score, done, {k: v.detach().clone() for k, v in network.state_dict().items()})
    result.seconds_per_step = (time.monotonic() - begin) / result.steps if result.steps else 0.0
    result.stopped_by = plan.stopped_by or "max_steps"
    if best is not None:
        network.load_state_dict(best[2])
        result.selected_step = best[1]
    network.eval()
    return result
