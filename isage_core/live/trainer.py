"""Live training: the current iteration's model trains in the background while the person clicks.

A :class:`LiveTrainer` runs one thread, at a lower scheduling priority, in the resident engine
(:mod:`isage_core.cli.serve`). It opens a round on the workspace's current iteration (the same checks and
the same warm start as ``isage train``), then steps on the clicks as they are: before every step it asks
SQLite whether the record changed, and on a change re-reads the clicks, so a new click is drawn first (in a
bounded share of each batch, the rest replays all clicks) and a retracted one leaves the replay before the
next patch. The learning rate follows a :class:`~isage_core.training.optimiser.LiveSchedule`: new clicks
restart a cosine decay to the floor.
Beside the network it keeps an exponential moving average of its weights (``average_decay``; batch-norm
statistics included, :class:`torch.optim.swa_utils.AveragedModel`): while clicks keep coming the rate
stays near its peak, and the average is the smoother model a press at any moment closes.
Once the clicks fit (``fit_target``) with no new click due and the rate at its floor, or ``max_steps``
steps passed since the last change, it idles until the record changes again (unlike a one-off run it does
not stop on a settled loss: the CPU would idle anyway).

A round opened on the model just closed (a warm start, no click of the new iteration yet) starts settled:
that model learnt every click there is, so the engine idles until the next click instead of competing with
the press's prediction for the CPU.

Nothing is written while it trains: a crash or kill leaves the last closed iteration's model as it was,
and the clicks live in the record, which the plugin writes. :meth:`LiveTrainer.close` (the person's Train
press) only closes the round: the background trained the clicks meanwhile, so the press draws the clicks not
seen yet (once each) and anneals the rate to the floor within ``press_budget_s`` seconds of steps; then the
averaged model is checked on the clicks and written, with the run row, as ``isage train`` writes them,
with the audit of every click the model saw in the round (``clicks_seen``; those retracted since in
``clicks_seen_retracted``), whether the clicks fit the trained network at the last check
(``close_stopped_by``: ``fit`` or ``unfit``) and which weights were written (``closed_weights``).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path

from ..cancel import CancelToken
from ..errors import IsageError
from ..events import ProgressCallback
from ..record.click_record import hash_clicks
from ..record.workspace import Workspace
from ..settings import ModelSettings, TrainSettings
from ..training.optimiser import TRAIN_SHARE, LiveSchedule, Optimisation, Stepper
from .replay import ReplaySampler
from .watch import RecordWatcher, watcher_for

log = logging.getLogger(__name__)
Publish = Callable[[dict], None]


class LiveTrainer:
    """Background training of one workspace's current iteration; see the module docstring.

    ``publish`` receives status events ``{"event": "live", "state": ..., ...}`` (from the training thread):
    ``waiting`` (the round cannot open yet; ``message`` says why), ``training``, ``idle``, ``paused``,
    ``stopped`` or ``failed``.
    """

    def __init__(
        self,
        workspace: str | Path,
        model_settings: ModelSettings,
        train_settings: TrainSettings,
        publish: Publish,
        *,
        poll_s: float = 0.5,
        status_every_s: float = 2.0,
        fresh_draws: int = 2,
        fresh_share: float = 0.25,
        nice: int = 10,
        preview_every_s: float | None = None,
        average_decay: float | None = 0.95,
    ):
        self.workspace = Workspace.open(workspace)
        self.model_settings, self.train_settings = model_settings, train_settings
        self.publish = publish
        self.poll_s, self.status_every_s = poll_s, status_every_s
        self.fresh_draws, self.fresh_share, self.nice = fresh_draws, fresh_share, nice
        self.preview_every_s = preview_every_s  # None: no live preview of the map
        if average_decay is not None and not 0.0 <= average_decay < 1.0:
            raise ValueError(f"average_decay must be in [0, 1), not {average_decay}")
        self.average_decay = average_decay  # None: the press closes the network as trained
        self.average = None  # the weights' moving average (an AveragedModel), from the round's first step
        self._preview_due, self._previews, self._last_preview = False, 0, 0.0
        self._cond = threading.Condition()
        self._pause_requests = 0
        self._paused = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._watcher: RecordWatcher | None = None
        self.round = None
        self.sampler: ReplaySampler | None = None
        self.stepper: Stepper | None = None
        self.schedule: LiveSchedule | None = None
        self.state, self.message = "starting", ""
        self._reset_stats()
        self._last_status = 0.0
        self._closing = False

    @property
    def folder(self) -> Path:
        return self.workspace.folder.resolve()

    # ---- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="isage-live-training", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread; the round's training is discarded (nothing was written)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=60)
        self._close_sampler()

    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hold the thread at a step boundary (for a foreground command) and let it go on afterwards."""
        with self._cond:
            self._pause_requests += 1
            self._cond.notify_all()
            while not self._paused and self.alive():
                self._cond.wait(0.05)
        try:
            yield
        finally:
            with self._cond:
                self._pause_requests -= 1
                self._cond.notify_all()

    # ---- the thread --------------------------------------------------------------------------------
    def _run(self) -> None:
        if self.nice and hasattr(os, "setpriority"):  # this thread and the compute threads it starts
            with suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)
        self._watcher = watcher_for(self.workspace.record)
        dirty = True
        try:
            while self._wait_while_paused():
                try:
                    if self._watcher.changed() or dirty:
                        dirty = False
                        self.sync()
                    if self.round is None or self._settled:
                        if self.round is not None:
                            self._maybe_preview()
                        self._set_state("idle" if self.round is not None else "waiting")
                        self._sleep(self.poll_s)
                        continue
                    self._set_state("training")
                    self.step()
                    self._maybe_preview()
                except IsageError as exc:  # e.g. a class without clicks yet: wait for the next change
                    self.round = None
                    self._set_state("waiting", str(exc))
                    self._sleep(self.poll_s)
        except Exception as exc:  # the engine stays up; the panel shows the failure and offers a restart
            log.exception("live training failed")
            self._set_state("failed", f"{type(exc).__name__}: {exc}")
        finally:
            self._watcher.close()
            if self.state != "failed":
                self._set_state("stopped")

    def _wait_while_paused(self) -> bool:
        with self._cond:
            while self._pause_requests and not self._stopping:
                if not self._paused:
                    self._paused = True
                    self._cond.notify_all()
                    self._publish_status(force=True, state="paused")
                self._cond.wait()
            self._paused = False
            return not self._stopping

    def _sleep(self, seconds: float) -> None:
        with self._cond:
            if not (self._stopping or self._pause_requests):
                self._cond.wait(seconds)

    # ---- the round ---------------------------------------------------------------------------------
    def _reset_stats(self) -> None:
        self.losses: list[float] = []
        self.rates: list[float] = []  # the learning rate of each step
        self.fit_rates: list[float] = []
        self._fit_current = False  # a check of steps completed since the clicks last changed
        self._window: list[tuple[float, int, int]] = []
        self._settled = False
        self._steps_since_change = 0
        self._step_seconds = 0.0
        self._opened_at = time.monotonic()

    def _open(self) -> None:
        from ..loop.train import open_round

        self._close_sampler()
        opened = open_round(self.workspace, self.model_settings, self.train_settings)
        meta, ts = opened.meta, self.train_settings
        self.sampler = ReplaySampler(
            meta.class_ids, meta.bands, meta.mean, meta.std, ts.patch_size, ts.augment,
            seed=[ts.seed, opened.iteration], fresh_draws=self.fresh_draws, fresh_share=self.fresh_share,
        )  # fmt: skip
        self.stepper = Stepper(opened.network, ts, opened.device)
        self.schedule = LiveSchedule(ts)
        self.average = None
        if self.average_decay is not None:
            from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

            ema = get_ema_multi_avg_fn(self.average_decay)
            self.average = AveragedModel(opened.network, multi_avg_fn=ema, use_buffers=True)
        self.round = opened
        self._reset_stats()
        log.info("live training of iteration %d started", opened.iteration)

    def _close_sampler(self) -> None:
        if self.sampler is not None:
            self.sampler.close()

    def sync(self) -> None:
        """Re-read the record: reopen the round when the iteration or the classes changed, then hand the
        sampler the clicks as they are now."""
        record = self.workspace.record
        iteration = record.current_iteration()
        if self.round is not None:
            classes = [(c.id, c.name) for c in record.classes()]
            if iteration != self.round.iteration or classes != [(c.id, c.name) for c in self.round.classes]:
                self.round = None
        opening = self.round is None
        if opening:
            self._open()
        clicks = record.clicks(max_iteration=self.round.iteration)
        frames = {name: record.frame(name).path for name in {c.frame for c in clicks}}
        known = set(self.round.meta.class_ids)
        stray = next((c for c in clicks if c.class_id not in known), None)
        if stray is not None:
            self.round = None  # a class added since the round opened: the next sync reopens it
            raise IsageError(f"click {stray.uid} has class {stray.class_id}, new to this round; reopening it")
        for name in set(frames) - set(self.sampler.frames):
            self._check_new_frame(name)
        if opening and self.round.warm:  # the clicks of earlier rounds, which the warm start learnt: replayed
            self.sampler.update([c for c in clicks if c.iteration < self.round.iteration], frames, due=False)
        added, removed = self.sampler.update(clicks, frames)
        if opening and self.round.warm and not added:  # the closed model learnt every click: idle
            self.schedule.settle()
            self._settled = True
        elif added or removed:
            log.info("live training: %d click(s) added, %d retracted; %d in all", added, removed, len(clicks))
            self._settled, self._steps_since_change, self._fit_current = False, 0, False
            self._preview_due = True
            if added:
                self.schedule.restart()

    def _check_new_frame(self, name: str) -> None:
        """A frame clicked for the first time in this round must suit the round's network, as in a run."""
        from .. import geo
        from ..model.input_check import check_input

        frame = self.workspace.record.frame(name)
        if not frame.exists:
            raise IsageError(
                f"{self.workspace.record.where}: the file of frame '{name}' is missing ({frame.path}); "
                f"re-link it with `isage frames relink {self.workspace.folder} {name} NEW_PATH`"
            )
        with geo.open_raster(frame.path) as src:
            what = f"frame '{name}' does not match the model being trained: "
            reason = check_input(src, self.round.meta, self.train_settings.allow_input_mismatch, what)
        if reason:
            self.round.mismatched[name] = reason

    def step(self) -> None:
        ts, plan = self.train_settings, self.schedule
        began, rate = time.monotonic(), plan.rate()
        loss, fit, labelled = self.stepper.step(*self.sampler.batch(ts.batch_size), rate)
        if self.average is not None:
            self.average.update_parameters(self.stepper.network)
        plan.advance()
        self._step_seconds += time.monotonic() - began
        self.losses.append(loss)
        self.rates.append(rate)
        self._window.append((loss, fit, labelled))
        self._steps_since_change += 1
        if len(self._window) >= max(1, ts.check_steps):
            fit_rate = sum(w[1] for w in self._window) / max(sum(w[2] for w in self._window), 1)
            self.fit_rates.append(round(fit_rate, 4))
            self._fit_current = True
            # the CPU is free: no stop on a settled loss while clicks are unfit, only at max_steps since the
            # last change; unfit clicks train on at the floor (no restart: a press finds the rate annealed)
            fitted = self.fitted and not self.sampler.pending
            self._settled = (fitted and plan.annealed) or self._steps_since_change >= ts.max_steps
            self._window = []
        self._publish_status()

    @property
    def fitted(self) -> bool:
        """Whether a check since the clicks last changed found them fit (``fit_target``)."""
        target = self.train_settings.fit_target
        return self._fit_current and bool(self.fit_rates) and self.fit_rates[-1] >= target

    def _maybe_preview(self) -> None:
        """A live preview around the newest click, once a check's steps followed a change (or the clicks
        fit), at most every ``preview_every_s`` seconds."""
        if self.preview_every_s is None or not self._preview_due or not self.sampler.clicks:
            return
        ready = self._settled or self._steps_since_change >= max(1, self.train_settings.check_steps)
        if not ready or time.monotonic() - self._last_preview < self.preview_every_s:
            return
        from .preview import write_preview

        newest = self.sampler.clicks[-1]
        opened = self.round
        network = self._closing_network
        try:  # the model a press now would close
            path = write_preview(
                network, opened.meta, self.workspace.record.frame(newest.frame), newest,
                self.workspace.folder, self._previews, opened.device,
            )  # fmt: skip
        finally:
            opened.network.train()
        self._previews += 1
        self._preview_due, self._last_preview = False, time.monotonic()
        self.publish({**self.status(), "preview": str(path), "frame": newest.frame})

    @property
    def _closing_network(self):
        """What a press closes: the weights' moving average once a step ran, else the network."""
        return self.average.module if self.average is not None and self.losses else self.round.network

    @property
    def settled(self) -> bool:
        """Whether the clicks fit at the floor rate (or ``max_steps`` passed since the last change): nothing
        to train."""
        return self.round is not None and self._settled

    def train_for(self, steps: int, cancel: CancelToken | None = None) -> int:
        """Without the thread (the benchmark's simulated person): re-read the record, then up to ``steps``
        steps unless the clicks fit; the steps run. A round that cannot open yet runs none. ``cancel`` is
        checked before every step (it raises :class:`~isage_core.errors.Cancelled`; nothing is written)."""
        try:
            self.sync()
        except IsageError:
            return 0
        done = 0
        while done < steps and not self._settled:
            if cancel is not None:
                cancel.check()
            self.step()
            done += 1
        return done

    # ---- status ------------------------------------------------------------------------------------
    def _set_state(self, state: str, message: str = "") -> None:
        changed = (state, message) != (self.state, self.message)
        self.state, self.message = state, message
        self._publish_status(force=changed)

    def _publish_status(self, force: bool = False, state: str | None = None) -> None:
        now = time.monotonic()
        if not force and now - self._last_status < self.status_every_s:
            return
        self._last_status = now
        self.publish(self.status(state))

    def status(self, state: str | None = None) -> dict:
        """The status event: state, iteration, steps, clicks trained on and seen, the last fit rate and
        why the round rests (:meth:`_rest_reason`)."""
        sampler = self.sampler
        return {
            "event": "live",
            "state": state or self.state,
            "message": self.message,
            "workspace": str(self.folder),
            "iteration": self.round.iteration if self.round is not None else None,
            "steps": len(self.losses),
            "clicks": len(sampler.clicks) if sampler is not None and self.round is not None else 0,
            "clicks_seen": len(sampler.seen) if sampler is not None and self.round is not None else 0,
            "fit": self.fit_rates[-1] if self.fit_rates else None,
            "learning_rate": float(f"{self.schedule.rate():.3g}") if self.schedule is not None else None,
            "seconds_per_step": round(self._step_seconds / len(self.losses), 4) if self.losses else None,
            "rests": self._rest_reason(),
        }

    def _rest_reason(self) -> str | None:
        """Why the round idles: ``fit`` (the clicks fit at the floor rate), ``closed`` (opened on the model
        the last press wrote, no click since), ``max_steps`` (unfit after that many steps); None: it does
        not idle."""
        if not self.settled:
            return None
        if not self.losses:
            return "closed"
        return "fit" if self.fitted else "max_steps"

    # ---- the press ---------------------------------------------------------------------------------
    def close(self, progress: ProgressCallback | None = None, cancel: CancelToken | None = None):
        """Close the round (call inside :meth:`paused`): draw the clicks not seen yet and anneal
        (:meth:`_finish`), then write the checkpoint and the run row; returns the
        :class:`~isage_core.loop.train.TrainResult`. A cancel or a failure writes nothing and the round goes
        on."""
        from ..loop.train import _training_inputs, close_round

        report = progress or (lambda fraction, message="": None)
        check = cancel.check if cancel is not None else (lambda: None)
        began = time.monotonic()
        for _ in range(3):
            self.sync()
            _, frames, clicks = _training_inputs(self.workspace, self.round.iteration)  # train's refusals
            if {c.uid for c in clicks} == {c.uid for c in self.sampler.clicks}:
                break
        else:
            raise IsageError(f"{self.workspace.record.where}: the clicks kept changing; press Train again")
        opened = self.round
        timings = {"open_s": round(time.monotonic() - began, 3)}  # here: re-reading the record
        began, before = time.monotonic(), len(self.losses)
        stopped_by = self._finish(report, check)
        timings |= {"steps_s": round(time.monotonic() - began, 3), "close_steps": len(self.losses) - before}
        seen, alive = set(self.sampler.seen), {c.uid for c in clicks}
        run = Optimisation(
            list(self.losses),
            self._step_seconds / len(self.losses) if self.losses else 0.0,
            fit_rates=list(self.fit_rates),
            stopped_by="live",
            precision=self.stepper.precision,
            memory_format=self.stepper.memory_format,
        )
        extra = {
            "mode": "live",
            "live_seconds": round(time.monotonic() - self._opened_at, 1),
            "clicks_seen": sorted(seen),
            "clicks_seen_retracted": sorted(seen - alive),
            "clicks_unseen": sorted(alive - seen),
            "close_stopped_by": stopped_by,
            "lr_restarts": self.schedule.restarts,
            "final_learning_rate": self.rates[-1] if self.rates else None,
        }
        closed = self._closing_network
        extra["closed_weights"] = "moving average" if closed is not opened.network else "last step"
        closing = replace(
            opened, network=closed, clicks=clicks, frames=frames, clicks_hash=hash_clicks(clicks)
        )
        opened.network.eval()
        closed.eval()
        try:
            result = close_round(
                self.workspace, closing, self.train_settings, run, report, check, extra, timings
            )
        except BaseException:
            opened.network.train()
            raise
        self.round = None  # the next round warm-starts from the model just written
        self._close_sampler()
        self.sampler, self.stepper, self.schedule, self.average = None, None, None, None
        return result

    def _finish(self, report: ProgressCallback, check) -> str:
        """The press's training: the clicks not seen in the round yet are due (once each, whatever the
        budget; in whole batches once it is spent; no other click's due draws), and the rate anneals from
        where it is to the floor, in what is left of the cycle but at most ``press_budget_s`` seconds of
        steps at the round's pace. The press does not train on until the clicks fit: the background did
        that while the person clicked.
        Returns ``fit`` when the last check since the clicks last changed found them fit, else ``unfit``."""
        budget, plan, sampler = self.train_settings.press_budget_s, self.schedule, self.sampler
        sampler.due_only([c.uid for c in sampler.clicks if c.uid not in sampler.seen])
        began, steps, annealing = time.monotonic(), 0, plan.annealed
        self._closing = True
        try:
            while sampler.pending or not plan.annealed or not self.losses:
                elapsed = time.monotonic() - began
                if not annealing and self.losses:  # the pace is known once a step ran
                    self._anneal(elapsed, self._step_seconds / len(self.losses))
                    annealing = True
                if budget is not None and steps and elapsed >= budget:
                    sampler.fresh_share = 1.0  # out of time: the unseen clicks in whole batches
                check()
                self.step()
                steps += 1
                share = min(elapsed / budget, 1.0) if budget else 0.0
                report(TRAIN_SHARE * share, f"closing the round: step {steps}, rate {plan.rate():.2g}")
        finally:  # a cancelled press: the round goes on as before it
            self._closing, sampler.fresh_share = False, self.fresh_share
            plan.resume()
        return "fit" if self.fitted else "unfit"

    def _anneal(self, elapsed: float, per_step: float) -> None:
        """Decay to the floor at a cycle's pace, or faster to end within what is left of the press budget
        (at ``per_step`` seconds a step)."""
        decay, budget = self.schedule.steps_left, self.train_settings.press_budget_s
        if budget is not None and per_step > 0:
            decay = min(decay, max(1, int((budget - elapsed) / per_step)))
        self.schedule.anneal(decay)
