"""Run the iSAGE protocol with simulated annotators on a dataset with dense references, per method.

Every method gets its own fresh workspace and the same seed clicks (iteration 0); then, per iteration,
it trains (warm start), scores the validation split, and, unless it is the last iteration, predicts the
training frames and adds the next round of clicks chosen by its picker.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio

from ..cancel import CancelToken
from ..errors import IsageError
from ..evaluate import confusion_matrix, scores_from_confusion
from ..events import ProgressCallback
from ..record import ClassDef
from ..sample_data import PLACEHOLDER_CRS, SAMPLE_CLASSES, export_sample
from ..settings import ModelSettings, PredictSettings, TrainSettings
from ..train import train_iteration
from ..workspace import Workspace
from . import pickers
from .report import write_outputs

log = logging.getLogger(__name__)

METHODS = ("expert-confident", "expert-interior", "expert-random", "random", "entropy")
PALETTE = ("#9e9e9e", "#e53935", "#3c3c3c", "#ff9800", "#43a047", "#1e88e5", "#8e24aa", "#fdd835")


@dataclass
class Split:
    images: dict[str, Path]
    masks: dict[str, Path]


@dataclass
class _Context:
    """What every method of one benchmark shares: data, seed clicks and settings."""

    classes: list[ClassDef]
    crs: str | None
    train: Split
    val: Split
    references: dict[str, np.ndarray]
    seeds: dict[str, list[tuple[int, int, int]]]
    iterations: int
    model_settings: ModelSettings
    train_settings: TrainSettings
    predict_settings: PredictSettings
    seed: int
    margin: int
    train_pixels: int
    cancel: CancelToken | None


def load_dataset(source: str | Path | None, work: Path, max_train: int | None, max_val: int | None):
    """``(train, val, classes, crs)`` from the bundled sample (``source`` None) or a folder holding
    ``train/`` and ``val/``, each with ``images/`` and ``masks/`` of rasters with matching file names."""
    if source is None:
        layout = export_sample(work / "sample")
        train, val = (
            Split(layout.train.images, layout.train.masks),
            Split(layout.val.images, layout.val.masks),
        )
        classes, crs = SAMPLE_CLASSES, PLACEHOLDER_CRS
    else:
        train, val = _folder_split(Path(source), "train"), _folder_split(Path(source), "val")
        classes, crs = _classes_of(list(train.masks.values()) + list(val.masks.values())), None
    train, val = _limit(train, max_train), _limit(val, max_val)
    if not train.images or not val.images:
        raise IsageError(f"{source or 'sample'}: the benchmark needs at least one train and one val frame")
    return train, val, classes, crs


def _folder_split(root: Path, split: str) -> Split:
    images = {p.stem: p for p in sorted((root / split / "images").glob("*")) if p.is_file()}
    masks = {p.stem: p for p in sorted((root / split / "masks").glob("*")) if p.is_file()}
    missing = sorted(set(images) - set(masks))
    if missing:
        raise IsageError(f"{root / split}: no mask for images {missing[:3]}; give masks/ the images' names")
    return Split(images, {n: masks[n] for n in images})


def _classes_of(masks: list[Path]) -> list[ClassDef]:
    ids: set[int] = set()
    for path in masks:
        ids |= {int(v) for v in np.unique(_read_mask(path)) if v != 255}
    return [ClassDef(i, f"class {i}", PALETTE[k % len(PALETTE)]) for k, i in enumerate(sorted(ids))]


def _limit(split: Split, count: int | None) -> Split:
    names = list(split.images)[:count] if count else list(split.images)
    return Split({n: split.images[n] for n in names}, {n: split.masks[n] for n in names})


def _read_mask(path: Path) -> np.ndarray:
    with rasterio.open(path) as src:
        return src.read(1)


def run_benchmark(
    out_dir: str | Path,
    methods: list[str],
    iterations: int,
    train_settings: TrainSettings,
    model_settings: ModelSettings,
    seed: int = 0,
    dataset: str | Path | None = None,
    max_train_frames: int | None = None,
    max_val_frames: int | None = None,
    margin: int = 3,
    predict_settings: PredictSettings | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> dict:
    """Benchmark ``methods`` over ``iterations`` rounds in the new folder ``out_dir``; return the summary.

    The summary (also ``benchmark.json``) holds the settings, the seeds and ``rows``: one dict per method
    and iteration with ``val_miou``, ``val_per_class_iou``, ``clicks``, ``labelled_pixel_fraction``,
    ``new_clicks`` (added after this iteration) and ``seconds``. ``benchmark.csv``, ``benchmark.png``
    and ``benchmark.md`` are written beside it.
    """
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise IsageError(f"{out}: folder is not empty; remove it or give another --out for the benchmark")
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise IsageError(f"unknown benchmark methods {unknown}; choose from {', '.join(METHODS)}")
    if iterations < 1:
        raise IsageError("the benchmark needs at least one iteration; use --iterations 1 or more")
    report = progress or (lambda fraction, message="": None)
    predict_settings = predict_settings or PredictSettings(
        tile_size=256, overlap=64, device=train_settings.device
    )
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    train, val, classes, crs = load_dataset(dataset, out, max_train_frames, max_val_frames)
    class_ids = [c.id for c in classes]
    references = {n: _read_mask(p) for n, p in train.masks.items()}
    train_pixels = sum(int(np.isin(r, class_ids).sum()) for r in references.values())
    seed_rng = np.random.default_rng(seed)
    seeds = {n: pickers.seed_clicks(references[n], class_ids, margin, seed_rng) for n in train.images}
    log.info(
        "benchmark: %d train and %d val frames, %d seed clicks",
        len(train.images),
        len(val.images),
        sum(map(len, seeds.values())),
    )
    context = _Context(
        classes,
        crs,
        train,
        val,
        references,
        seeds,
        iterations,
        model_settings,
        train_settings,
        predict_settings,
        seed,
        margin,
        train_pixels,
        cancel,
    )
    rows = []
    span = 1 / len(methods)
    for m, method in enumerate(methods):

        def sub(fraction, message="", m=m, method=method):
            report((m + float(np.clip(fraction, 0, 1))) * span, f"{method}: {message}")

        rows += _run_method(context, out / "methods" / method, method, sub)
    summary = {
        "methods": list(methods),
        "iterations": iterations,
        "seed": seed,
        "margin": margin,
        "dataset": str(dataset) if dataset else "bundled sample (BsB Aerial toy)",
        "train_frames": list(train.images),
        "val_frames": list(val.images),
        "train_labelled_pixels": train_pixels,
        "classes": [c.name for c in classes],
        "train_settings": vars(train_settings).copy(),
        "model_settings": vars(model_settings).copy(),
        "rows": rows,
        "wall_seconds": round(time.monotonic() - started, 1),
    }
    summary["outputs"] = write_outputs(out, summary)
    report(1.0, "done")
    return summary


def _run_method(ctx: _Context, folder: Path, method: str, report: ProgressCallback) -> list[dict]:
    from ..checkpoint import load_checkpoint
    from ..device import select_device

    classes, train, val, references, iterations = (
        ctx.classes,
        ctx.train,
        ctx.val,
        ctx.references,
        ctx.iterations,
    )
    predict_settings, margin, train_pixels, cancel = (
        ctx.predict_settings,
        ctx.margin,
        ctx.train_pixels,
        ctx.cancel,
    )

    workspace = Workspace.create(folder, classes, crs=ctx.crs)
    record = workspace.record
    for name, path in train.images.items():
        record.add_frame(path, name=name)
    for name, picks in ctx.seeds.items():
        for row, col, class_id in picks:
            record.add_click(name, class_id, row=row, col=col, annotator="benchmark seed")
    rng = np.random.default_rng([ctx.seed, METHODS.index(method)])
    device = select_device(predict_settings.device)
    class_ids = [c.id for c in classes]
    names = [c.name for c in classes]
    rows = []
    for index in range(iterations):
        clock = time.monotonic()
        base, share = index / iterations, 1 / iterations

        def step(fraction, message="", base=base, share=share):
            report(base + share * 0.8 * fraction, message)

        result = train_iteration(
            workspace, ctx.model_settings, ctx.train_settings, progress=step, cancel=cancel
        )
        network, meta = load_checkpoint(result.model_path, device)
        cm = np.zeros((len(class_ids), len(class_ids)), dtype=np.int64)
        for name, path in val.images.items():
            probs = _probabilities(path, network, meta, predict_settings, device, cancel)
            prediction = np.asarray(meta.class_ids)[np.argmax(probs, axis=0)]
            cm += confusion_matrix(prediction, _read_mask(val.masks[name]), class_ids)
        scores = scores_from_confusion(cm)
        added = 0
        if index + 1 < iterations:
            report(base + share * 0.9, "simulated clicks")
            for name, path in train.images.items():
                probs = _probabilities(path, network, meta, predict_settings, device, cancel)
                picks = _pick(method, probs, meta.class_ids, references[name], class_ids, rng, margin)
                for row, col, class_id in picks:
                    record.add_click(
                        name,
                        class_id,
                        row=row,
                        col=col,
                        annotator=f"benchmark {method}",
                        enforce_budget=method != "entropy",
                    )
                added += len(picks)
        row = {
            "method": method,
            "iteration": result.iteration,
            "clicks": result.clicks_used,
            "labelled_pixel_fraction": result.clicks_used / train_pixels if train_pixels else None,
            "val_miou": scores["miou"],
            "val_overall_accuracy": scores["overall_accuracy"],
            "val_per_class_iou": dict(zip(names, scores["iou"], strict=True)),
            "new_clicks": added,
            "train_seconds": round(result.duration_s, 2),
            "seconds": round(time.monotonic() - clock, 2),
        }
        rows.append(row)
        log.info(
            "%s iteration %d: %d clicks, validation mIoU %.3f, %d new clicks",
            method,
            result.iteration,
            result.clicks_used,
            scores["miou"] or 0.0,
            added,
        )
    return rows


def _probabilities(path, network, meta, settings, device, cancel) -> np.ndarray:
    from ..predict import predict_probabilities

    with rasterio.open(path) as src:
        image = src.read(list(meta.bands))
    return predict_probabilities(network, meta, image, settings, device, cancel)


def _pick(method, probs, model_ids, reference, class_ids, rng, margin):
    prediction = np.asarray(model_ids)[np.argmax(probs, axis=0)]
    confidence = probs.max(axis=0)
    if method.startswith("expert-"):
        strategy = {"confident": "confident", "interior": "interior", "random": "random_error"}[method[7:]]
        return pickers.expert_clicks(prediction, confidence, reference, class_ids, strategy, rng, margin)
    if method == "random":
        return pickers.uniform_random_clicks(reference, class_ids, rng)
    return pickers.entropy_oracle_clicks(probs, reference, list(model_ids))
