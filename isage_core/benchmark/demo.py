"""A short simulated iSAGE session on the bundled sample: seed clicks, train, predict, then a simulated
person's clicks: on the model's errors (an expert strategy), or on what ``isage propose`` proposes.

After the first round the simulated person also labels an accuracy assessment sample drawn from the
first map (``isage assess``); every round then reports the map's overall accuracy estimated from it, with
its 95 % interval, beside the true one counted on every pixel of the dense masks."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import rasterio

from ..cancel import CancelToken
from ..errors import IsageError
from ..events import ProgressCallback
from ..inference.batch import predict_rasters
from ..inference.evaluate import evaluate
from ..loop.predict import predict_workspace
from ..loop.train import train_iteration
from ..record.workspace import Workspace
from ..settings import AssessSettings, ModelSettings, PredictSettings, ProposeSettings, TrainSettings
from .assessment_user import label_sample, true_overall_accuracy
from .expert import Strategy, pick_error_clicks
from .proposal_user import label_proposals
from .sample_data import PLACEHOLDER_CRS, SAMPLE_CLASSES, export_sample

log = logging.getLogger(__name__)


@dataclass
class DemoSettings:
    """What the demo runs: how many train/predict rounds and how the simulated expert clicks."""

    iterations: int = 4
    # proposed: the person labels what `isage propose` proposes (the recommended strategy, as in the panel)
    strategy: Strategy | Literal["proposed"] = "proposed"
    model: ModelSettings = field(default_factory=ModelSettings)
    train: TrainSettings = field(default_factory=TrainSettings)
    predict: PredictSettings = field(default_factory=lambda: PredictSettings(tile_size=256, overlap=64))
    assess: AssessSettings | None = field(default_factory=AssessSettings)  # None: no assessment


def run_demo(
    out: str | Path,
    settings: DemoSettings,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> dict:
    """Run the simulated session in the new folder ``out``; return per-iteration metrics and outputs."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise IsageError(f"{out}: folder is not empty; remove it or give another --out for the demo")
    started = time.monotonic()
    report = progress or (lambda fraction, message="": None)
    layout = export_sample(out / "sample")
    workspace = Workspace.create(out, SAMPLE_CLASSES, crs=PLACEHOLDER_CRS)
    record = workspace.record
    for name, path in layout.train.images.items():
        record.add_frame(path, name=name)
    for name, picks in layout.seed_clicks.items():
        for row, col, class_id in picks:
            record.add_click(
                name, class_id, row=row, col=col, annotator="authors' seed clicks", enforce_budget=False
            )
    log.info("workspace %s: %d frames, %d seed clicks", out, len(layout.train.images), len(record.clicks()))

    class_ids = [c.id for c in SAMPLE_CLASSES]
    names = [c.name for c in SAMPLE_CLASSES]
    train_pixels = sum(_pixels(p) for p in layout.train.images.values())
    references = {}
    for name, path in layout.train.masks.items():
        with rasterio.open(path) as m:
            references[name] = m.read(1)
    design_id = None
    history = []
    for index in range(settings.iterations):
        share = 1 / settings.iterations
        base = index * share
        result = train_iteration(
            workspace, settings.model, settings.train, progress=_sub(report, base, share * 0.7), cancel=cancel
        )
        val_dir = workspace.output_dir(result.iteration) / "validation"
        val_frames = {n: p for n, p in layout.val.images.items()}
        predictions = predict_rasters(val_frames, result.model_path, val_dir, settings.predict, cancel=cancel)
        scores = evaluate(
            [predictions[n]["classes"] for n in val_frames],
            [layout.val.masks[n] for n in val_frames],
            class_ids,
            names,
        )
        train_outputs = predict_workspace(
            workspace,
            settings.predict,
            progress=_sub(report, base + share * 0.7, share * 0.25),
            cancel=cancel,
            references=layout.train.masks,
        )
        entry = {
            "iteration": result.iteration,
            "clicks": result.clicks_used,
            "labelled_pixel_fraction": result.clicks_used / train_pixels,
            "val_miou": scores["miou"],
            "val_per_class_iou": scores["per_class_iou"],
            "unresolved_clicks": len(result.unresolved),
            "train_seconds": round(result.duration_s, 1),
        }
        history.append(entry)
        log.info(
            "iteration %d: %d clicks (%.4f%% of pixels), validation mIoU %.3f, %d unresolved clicks",
            result.iteration,
            result.clicks_used,
            100 * entry["labelled_pixel_fraction"],
            scores["miou"],
            len(result.unresolved),
        )
        if settings.assess is not None:
            if design_id is None:
                design_id = _assessment_sample(workspace, settings.assess, result.iteration, references)
            entry["assessment"] = _assess(workspace, design_id, result.iteration, train_outputs, references)
        if index + 1 < settings.iterations and settings.strategy == "proposed":
            added = _proposals_round(workspace, settings, layout.train.masks, class_ids, index, cancel)
            log.info("simulated user labelled %d of the engine's proposals", added)
        elif index + 1 < settings.iterations:
            added = _expert_round(workspace, train_outputs, layout.train.masks, class_ids, settings.strategy)
            log.info("simulated expert added %d clicks on confident errors", added)
    summary = {
        "workspace": str(out.resolve()),
        "record": str(record.path.resolve()),
        "iterations": history,
        "wall_seconds": round(time.monotonic() - started, 1),
    }
    (out / "demo_summary.json").write_text(json.dumps(summary, indent=2))
    report(1.0, "done")
    return summary


def _assessment_sample(workspace, settings: AssessSettings, iteration: int, references) -> str:
    """Draw the design from ``iteration``'s map and label it as a careful person would (the reference)."""
    from ..assessment.design import create_design

    design, summary = create_design(workspace, replace(settings, iteration=iteration))
    labelled = label_sample(workspace.record, design.design_id, references, "simulated person (reference)")
    log.info(
        "accuracy assessment: %d points drawn from iteration %d's map, %d labelled (anticipated SE %.3f)",
        summary["size"], iteration, labelled, summary["anticipated_se"],
    )  # fmt: skip
    return design.design_id


def _assess(workspace, design_id: str, iteration: int, outputs, references) -> dict:
    """The map's overall accuracy estimated from the labelled sample, beside the true one."""
    from ..assessment.report import assessment_report

    report = assessment_report(workspace, design_id, iteration)
    overall = report["report"]["overall_accuracy"]
    truth = true_overall_accuracy({n: files["classes"] for n, files in outputs.items()}, references)
    low, high = overall["ci95"]
    log.info(
        "iteration %d: map accuracy estimated from %d labelled points %.3f ± %.3f (95%% CI %.3f-%.3f); "
        "true accuracy on every pixel of the training frames %.3f",
        iteration, report["labelled"], overall["estimate"], high - overall["estimate"], low, high, truth,
    )  # fmt: skip
    return {"estimated_overall_accuracy": overall, "true_overall_accuracy": truth, "points": report["points"]}


def _expert_round(workspace, outputs, masks, class_ids, strategy) -> int:
    added = 0
    for name, files in outputs.items():
        with rasterio.open(files["classes"]) as p, rasterio.open(files["confidence"]) as c:
            prediction, confidence = p.read(1), c.read(1)
        with rasterio.open(masks[name]) as m:
            reference = m.read(1)
        for row, col, class_id in pick_error_clicks(prediction, confidence, reference, class_ids, strategy):
            workspace.record.add_click(
                name, class_id, row=row, col=col, annotator=f"simulated expert ({strategy})"
            )
            added += 1
    return added


def _proposals_round(workspace, settings: DemoSettings, masks, class_ids, index: int, cancel) -> int:
    """Label what ``isage propose`` proposes on every frame with the reference class (the panel's loop)."""
    from ..proposals.run import propose_workspace

    references = {}
    for name, path in masks.items():
        with rasterio.open(path) as m:
            references[name] = m.read(1)
    proposed = propose_workspace(
        workspace, ProposeSettings(seed=index, predict=settings.predict), cancel=cancel
    )
    done = label_proposals(
        workspace.record, proposed.proposals, references, class_ids, "simulated user (proposals)"
    )
    return done.added


def _pixels(path: Path) -> int:
    with rasterio.open(path) as src:
        return src.width * src.height


def _sub(report: ProgressCallback, start: float, span: float) -> ProgressCallback:
    return lambda fraction, message="": report(start + span * float(np.clip(fraction, 0, 1)), message)
