"""One iteration of iSAGE training: the network learns from the expert's clicks alone.

A run reads the unretracted clicks up to the current iteration, warm-starts from the latest model (or
builds a new one), optimises the Error-Weighted Dice Loss on patches around the clicks, then writes the
checkpoint and a run row listing the clicks the new model still gets wrong. A cancelled run writes
nothing: the previous model stays the latest.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from .. import geo
from ..atomic import kill_point, remove_stale_partials
from ..cancel import CancelToken
from ..device import describe_device, select_device
from ..errors import IsageError, make_folder
from ..events import ProgressCallback, utc_now
from ..inference.predict import predict_at_pixels
from ..model.checkpoint import load_checkpoint, save_checkpoint
from ..model.input_check import OVERRIDE, InputProfile, check_input
from ..model.network import build_network, initialise_encoder
from ..model.normalization import check_bands, estimate_stats
from ..record.click_record import ClassDef, Click, Frame, Run, hash_clicks
from ..record.workspace import Workspace
from ..settings import ModelMeta, ModelSettings, PredictSettings, TrainSettings
from ..training.optimiser import TRAIN_SHARE, Optimisation, optimise, schedule_steps
from ..training.sampling import ClickPatchSampler

log = logging.getLogger(__name__)
# training settings copied into the run metrics
RUN_SETTINGS = ("loss", "error_weight", "batch_size", "patch_size", "learning_rate", "lr_schedule", "seed")


@dataclass
class TrainResult:
    """What a finished training run produced."""

    iteration: int
    model_path: Path
    clicks_used: int
    steps: int
    final_loss: float
    seconds_per_step: float
    duration_s: float
    device: str
    weights_origin: str
    unresolved: list[dict]  # each {uid, frame, row, col, class_id, predicted, confidence}
    click_accuracy: float = 0.0  # share of the clicks the model predicts as labelled (the fit reached)
    stopped_by: str = "steps"  # why training ended: steps, fit, max_steps, time_budget (or live)
    timings: dict = field(default_factory=dict)  # seconds: open_s, steps_s, check_s, write_s


@dataclass
class Round:
    """A training round opened on the workspace's current iteration: its inputs and its network."""

    iteration: int
    classes: list[ClassDef]
    frames: dict[str, Frame]
    clicks: list[Click]
    clicks_hash: str
    network: object
    meta: ModelMeta
    origin: str
    warm: bool
    mismatched: dict[str, str]
    device: object
    device_name: str
    started_utc: str
    clock: float


def train_iteration(
    workspace: Workspace,
    model_settings: ModelSettings,
    train_settings: TrainSettings,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    monitor: Callable[[object, ModelMeta], float] | None = None,
) -> TrainResult:
    """Train the model of the workspace's current iteration from its clicks; see the module docstring.

    ``monitor`` scores the network during training and the best-scoring weights are kept (the
    benchmark's checkpoint selection on reference masks, which no user has; see
    :func:`~isage_core.training.optimiser.optimise`).

    Raises :class:`IsageError` (one line naming the GeoPackage and the fix) on unusable input and
    :class:`~isage_core.errors.Cancelled` when ``cancel`` fires, in which case nothing is written.
    """
    report = progress or (lambda fraction, message="": None)
    check = cancel.check if cancel is not None else (lambda: None)
    began = time.monotonic()
    opened = open_round(workspace, model_settings, train_settings)
    opened_s = time.monotonic() - began
    steps = schedule_steps(train_settings, len(opened.clicks), opened.warm, frames=len(opened.frames))
    check()
    meta = opened.meta
    sampler = ClickPatchSampler(
        {name: f.path for name, f in opened.frames.items()},
        opened.clicks,
        meta.class_ids,
        meta.bands,
        meta.mean,
        meta.std,
        train_settings.patch_size,
        augment=train_settings.augment,
        seed=[train_settings.seed, opened.iteration],
    )
    began = time.monotonic()
    with sampler:
        run = optimise(
            opened.network,
            train_settings,
            sampler,
            steps,
            opened.device,
            report,
            check,
            monitor and partial(monitor, meta=meta),
        )
    timings = {"open_s": round(opened_s, 3), "steps_s": round(time.monotonic() - began, 3)}
    return close_round(workspace, opened, train_settings, run, report, check, timings=timings)


def open_round(workspace: Workspace, model_settings: ModelSettings, train_settings: TrainSettings) -> Round:
    """Check the inputs of the current iteration and build (or warm-start) its network."""
    import torch

    started, clock = utc_now(), time.monotonic()
    record = workspace.record
    _check_settings(record.where, train_settings)
    record.check_writable()  # the run is stored at the end: a record that cannot take it fails first
    models = make_folder(workspace.models_dir)
    if not os.access(models, os.W_OK):
        raise IsageError(f"{models}: the models folder is read-only; fix its permissions or work on a copy")
    remove_stale_partials([models])
    iteration = record.current_iteration()
    classes, frames, clicks = _training_inputs(workspace, iteration)
    clicks_hash = hash_clicks(clicks)  # now: clicks added while training are not in this run
    device = select_device(train_settings.device)
    device_name = describe_device(device)
    log.info(
        "training iteration %d on %s: %d clicks on %d frames",
        iteration,
        device_name,
        len(clicks),
        len(frames),
    )
    torch.manual_seed(train_settings.seed)
    network, meta, origin, warm, mismatched = _prepare_network(
        workspace, model_settings, train_settings, classes, frames
    )
    return Round(
        iteration, classes, frames, clicks, clicks_hash, network, meta, origin, warm, mismatched, device,
        device_name, started, clock,
    )  # fmt: skip


def close_round(
    workspace: Workspace,
    opened: Round,
    train_settings: TrainSettings,
    run: Optimisation,
    report: ProgressCallback,
    check,
    extra_metrics: dict | None = None,
    timings: dict | None = None,
) -> TrainResult:
    """Check the clicks, then write the checkpoint and the run row of a trained round (all or nothing).
    ``timings`` (seconds of the phases before) gain ``check_s`` and ``write_s``."""
    network, frames, clicks, iteration = opened.network, opened.frames, opened.clicks, opened.iteration
    losses, seconds, steps = run.losses, run.seconds_per_step, run.steps
    timings = dict(timings or {})
    began = time.monotonic()
    report(TRAIN_SHARE, "checking the clicks")
    unresolved, per_class = _unresolved(
        network, opened.meta, frames, clicks, train_settings, opened.device, check
    )
    check()
    timings["check_s"] = round(time.monotonic() - began, 3)
    began = time.monotonic()
    path = workspace.model_path(iteration)
    meta = replace(
        opened.meta,
        iteration=iteration,
        clicks_hash=opened.clicks_hash,
        clicks_used=len(clicks),
        weights_origin=opened.origin,
        patch_size=train_settings.patch_size,
        created_utc=utc_now(),
    )
    final_loss = sum(losses[-10:]) / len(losses[-10:]) if losses else float("nan")
    metrics = {
        "final_loss": None if math.isnan(final_loss) else round(final_loss, 6),
        "initial_loss": round(losses[0], 6) if losses else None,
        "steps": steps,
        "schedule": train_settings.step_schedule,
        "stopped_by": run.stopped_by,
        "time_budget_s": train_settings.time_budget_s,
        "fit_rates": run.fit_rates,
        "selected_step": run.selected_step,
        "seconds_per_step": round(seconds, 4),
        "precision": run.precision,
        "memory_format": run.memory_format,
        "click_accuracy": round(1 - len(unresolved) / len(clicks), 6),
        "click_accuracy_per_class": per_class,
        "unresolved_clicks": len(unresolved),
        "warm_start": opened.warm,
        "weights_origin": opened.origin,
        "input_mismatch": opened.mismatched,
        **{k: getattr(train_settings, k) for k in RUN_SETTINGS},
        **(extra_metrics or {}),
        "timings": timings,
    }
    save_checkpoint(path, network, meta)
    kill_point("train-before-run-row")
    duration = time.monotonic() - opened.clock
    try:
        workspace.record.add_run(
            Run(
                iteration=iteration,
                model_path=workspace.relative(path),
                clicks_used=len(clicks),
                clicks_hash=meta.clicks_hash,
                metrics=metrics,
                unresolved=unresolved,
                started_utc=opened.started_utc,
                finished_utc=utc_now(),
                duration_s=round(duration, 3),
                device=opened.device_name,
            )
        )
    except BaseException:
        path.unlink(missing_ok=True)  # a model without its run row would never be used; leave no trace
        raise
    timings["write_s"] = round(time.monotonic() - began, 3)
    report(1.0, f"iteration {iteration}: {len(unresolved)} of {len(clicks)} clicks unresolved")
    log.info(
        "iteration %d trained in %.1f s (%.3f s/step, final loss %.4f, %s); %d of %d clicks unresolved",
        iteration,
        duration,
        seconds,
        final_loss,
        f"stopped by {run.stopped_by}",
        len(unresolved),
        len(clicks),
    )
    return TrainResult(
        iteration, path, len(clicks), steps, final_loss, seconds, duration, opened.device_name,
        opened.origin, unresolved, metrics["click_accuracy"], run.stopped_by, timings,
    )  # fmt: skip


# ---- inputs ----------------------------------------------------------------------------------------
def _check_settings(gpkg: str, ts: TrainSettings) -> None:
    problems = []
    if ts.patch_size < 32 or ts.patch_size % 32:
        problems.append(f"patch size {ts.patch_size} is not a multiple of 32 (at least 32)")
    if ts.batch_size < 1:
        problems.append(f"batch size {ts.batch_size} is below 1")
    if ts.steps is not None and ts.steps < 0:
        problems.append(f"steps {ts.steps} is negative")
    if ts.epochs is not None and ts.epochs < 1:
        problems.append(f"epochs {ts.epochs} is below 1")
    if not ts.learning_rate > 0 or not ts.error_weight > 0:
        problems.append("the learning rate and the error weight must be positive")
    if ts.grad_clip is not None and not ts.grad_clip > 0:
        problems.append(f"gradient clip {ts.grad_clip} is not positive")
    converge = ts.step_schedule == "converge"
    if converge and (ts.max_steps < 1 or ts.check_steps < 1 or not 0 < ts.fit_target <= 1):
        problems.append("the converge schedule needs max steps and check steps >= 1 and 0 < fit target <= 1")
    if converge and ts.time_budget_s is not None and not ts.time_budget_s > 0:
        problems.append(f"time budget {ts.time_budget_s} s is not positive")
    if ts.press_budget_s is not None and not ts.press_budget_s > 0:
        problems.append(f"press budget {ts.press_budget_s} s is not positive")
    if problems:
        raise IsageError(f"{gpkg}: cannot train: {'; '.join(problems)}; change the training settings")


def _training_inputs(
    workspace: Workspace, iteration: int
) -> tuple[list[ClassDef], dict[str, Frame], list[Click]]:
    """Classes, frames with clicks and clicks of this run, refusing input that cannot train a model."""
    record, folder = workspace.record, workspace.folder
    gpkg = record.where
    all_frames = {f.name: f for f in record.frames()}
    if not all_frames:
        raise IsageError(f"{gpkg}: no frames to train on; add one with `isage frames add {folder} RASTER`")
    clicks = record.clicks(max_iteration=iteration)
    if not clicks:
        raise IsageError(f"{gpkg}: no clicks to train on; add clicks with `isage click add {folder}`")
    classes = record.classes()
    counts = {c.id: 0 for c in classes}
    for click in clicks:
        counts[click.class_id] = counts.get(click.class_id, 0) + 1
    empty = [c for c in classes if counts[c.id] == 0]
    if empty:
        c = empty[0]
        raise IsageError(
            f"{gpkg}: class '{c.name}' (id {c.id}) has no clicks; add a click of it "
            f"(`isage click add {folder} --class {c.id}`) or remove the class from the record"
        )
    unknown = sorted({k for k in counts if k not in {c.id for c in classes}})
    if unknown:
        raise IsageError(f"{gpkg}: clicks of classes {unknown} not in the class table; add those classes")
    names = sorted({c.frame for c in clicks}, key=list(all_frames).index)
    frames = {name: all_frames[name] for name in names}
    for frame in frames.values():
        if not frame.exists:
            raise IsageError(
                f"{gpkg}: the file of frame '{frame.name}' is missing ({frame.path}); re-link it with "
                f"`isage frames relink {folder} {frame.name} NEW_PATH`"
            )
        with geo.open_raster(frame.path) as src:
            if geo.fingerprint(src) != frame.info.fingerprint:
                raise IsageError(
                    f"{frame.path}: frame '{frame.name}' no longer holds the imagery it was added with "
                    f"(pixels or georeference changed); restore it, or add the new imagery as a new frame "
                    f"(`isage frames refresh {folder}` compares a source's imagery)"
                )
    return classes, frames, clicks


# ---- network ---------------------------------------------------------------------------------------
def _prepare_network(
    workspace: Workspace,
    ms: ModelSettings,
    ts: TrainSettings,
    classes: list[ClassDef],
    frames: dict[str, Frame],
):
    """``(network, meta, weights_origin, warm, mismatched)``: the latest model when warm-starting, else a
    new one; ``mismatched`` maps the frames let through by ``ts.allow_input_mismatch`` to the reason."""
    latest = workspace.latest_model() if ts.warm_start else None
    if latest is not None:
        network, meta, origin = _warm_network(workspace, ms, classes, frames, latest)
        mismatched = {}
        with ExitStack() as stack:
            for frame in frames.values():
                src = stack.enter_context(geo.open_raster(frame.path))
                what = f"frame '{frame.name}' does not match the model being warm-started: "
                reason = check_input(src, meta, ts.allow_input_mismatch, what)
                if reason:
                    mismatched[frame.name] = reason
        return network, meta, origin, True, mismatched
    return (*_fresh_network(workspace, ms, ts, classes, frames), False)


def _warm_network(
    workspace: Workspace,
    ms: ModelSettings,
    classes: list[ClassDef],
    frames: dict[str, Frame],
    latest: tuple[int, Path],
):
    previous_iteration, path = latest
    previous, meta = load_checkpoint(path, "cpu")
    if ms.bands is not None and list(ms.bands) != list(meta.bands):
        raise IsageError(
            f"{path}: the previous model reads bands {meta.bands}, not the bands {list(ms.bands)} asked for; "
            "keep its bands or train a new model with --no-warm-start"
        )
    for frame in frames.values():
        if max(meta.bands) > frame.info.band_count:
            raise IsageError(
                f"{path}: the previous model reads bands {meta.bands} but frame '{frame.name}' "
                f"({frame.path}) has {frame.info.band_count}; use frames with those bands or train a new "
                "model with --no-warm-start"
            )
    if (ms.architecture, ms.encoder) != (meta.architecture, meta.encoder):
        log.info(
            "warm start keeps the %s/%s network of iteration %d (--no-warm-start to change it)",
            meta.architecture,
            meta.encoder,
            previous_iteration,
        )
    ids = [c.id for c in classes]
    new_meta = replace(
        meta, class_ids=ids, class_names=[c.name for c in classes], class_colors=[c.color for c in classes]
    )
    network = previous
    if ids != list(meta.class_ids):
        log.warning(
            "the classes changed since iteration %d (%s -> %s): keeping the encoder and decoder "
            "weights, re-initialising the segmentation head",
            previous_iteration,
            meta.class_ids,
            ids,
        )
        network = build_network(new_meta)
        kept = {k: v for k, v in previous.state_dict().items() if not k.startswith("segmentation_head.")}
        missing, unexpected = network.load_state_dict(kept, strict=False)
        if unexpected or any(not k.startswith("segmentation_head.") for k in missing):
            raise IsageError(
                f"{path}: weights do not fit {meta.architecture}/{meta.encoder}; train with --no-warm-start"
            )
    log.info("warm start from iteration %d (%s)", previous_iteration, workspace.relative(path))
    return network, new_meta, f"warm-start:{workspace.relative(path)}"


def _fresh_network(
    workspace: Workspace,
    ms: ModelSettings,
    ts: TrainSettings,
    classes: list[ClassDef],
    frames: dict[str, Frame],
):
    every = workspace.record.frames()
    bands = list(ms.bands) if ms.bands else list(range(1, every[0].info.band_count + 1))
    for frame in every:
        check_bands(frame.path, frame.info.band_count, bands)
    mismatched = {}
    with ExitStack() as stack:
        sources = [stack.enter_context(geo.open_raster(f.path)) for f in frames.values()]
        first = sources[0]
        for name, src in zip(list(frames)[1:], sources[1:], strict=True):
            if (src.count, src.dtypes[0]) != (first.count, first.dtypes[0]):
                reason = (
                    f"frame '{name}' has {src.count} band(s) of {src.dtypes[0]} but frame "
                    f"'{next(iter(frames))}' {first.count} of {first.dtypes[0]}"
                )
                if not ts.allow_input_mismatch:
                    raise IsageError(
                        f"{src.name}: {reason}; train on frames of one kind (retract this frame's clicks) "
                        f"or {OVERRIDE}"
                    )
                log.warning("%s (allowed by --allow-input-mismatch)", reason)
                mismatched[name] = reason
        stats = estimate_stats(sources, bands, samples=ts.stats_samples, size=ts.patch_size, seed=ts.seed)
        profile = InputProfile.of(first, stats).to_dict()
    meta = ModelMeta(
        architecture=ms.architecture,
        encoder=ms.encoder,
        in_channels=len(bands),
        class_ids=[c.id for c in classes],
        class_names=[c.name for c in classes],
        class_colors=[c.color for c in classes],
        bands=bands,
        mean=stats.mean,
        std=stats.std,
        decoder_channels=list(ms.decoder_channels) if ms.decoder_channels else None,
        input_profile=profile,
    )
    network = build_network(meta)
    origin = initialise_encoder(network, meta, ms.weights)
    log.info("new %s/%s network, encoder weights: %s", ms.architecture, ms.encoder, origin)
    return network, meta, origin, mismatched


def _unresolved(
    network, meta: ModelMeta, frames: dict[str, Frame], clicks: list[Click], ts: TrainSettings, device, check
) -> tuple[list[dict], dict[str, float]]:
    """The clicks the trained network still predicts wrongly, and the click accuracy of each class."""
    # A tile of the training patch size centred on each click: the context the network learnt with.
    settings = PredictSettings(
        tile_size=ts.patch_size, overlap=0, batch_size=max(ts.batch_size, 8), device=ts.device, amp=ts.amp
    )
    wrong: list[dict] = []
    hits = {cid: [0, 0] for cid in meta.class_ids}
    for name, frame in frames.items():
        check()
        mine = [c for c in clicks if c.frame == name]
        with geo.open_raster(frame.path) as src:
            answers = predict_at_pixels(network, meta, src, [(c.row, c.col) for c in mine], settings, device)
        for click, (predicted, confidence) in zip(mine, answers, strict=True):
            hits[click.class_id][1] += 1
            if int(predicted) == click.class_id:
                hits[click.class_id][0] += 1
                continue
            wrong.append(
                {
                    "uid": click.uid,
                    "frame": name,
                    "row": click.row,
                    "col": click.col,
                    "class_id": click.class_id,
                    "predicted": int(predicted),
                    "confidence": round(float(confidence), 4),
                }
            )
    names = dict(zip(meta.class_ids, meta.class_names, strict=True))
    per_class = {names[cid]: round(h[0] / h[1], 4) for cid, h in hits.items() if h[1]}
    return wrong, per_class
