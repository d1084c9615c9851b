"""``isage propose``: the proposals of a workspace's frames from its latest model, never its clicks."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..cancel import CancelToken
from ..errors import IsageError
from ..events import ProgressCallback
from ..geo import grid_transform, pixel_center, reproject_points
from ..inference.feature_graph import load_feature_predictor
from ..inference.predict import FramePrediction
from ..inference.tiling import tile_pixels
from ..loop.predict import resolve_model, workspace_tasks
from ..model.checkpoint import read_meta
from ..record.backends import assessment_store
from ..record.workspace import Workspace
from ..settings import ProposeSettings
from .features import scan_frame
from .select import Proposal, choose
from .store import write_proposals

log = logging.getLogger(__name__)


@dataclass
class ProposeResult:
    path: Path
    iteration: int
    proposals: list[Proposal]
    megapixels: float
    seconds: float
    reasons: dict[str, int] = field(default_factory=dict)
    backend: str = ""
    backend_reason: str = ""

    def describe(self) -> dict:
        return {
            "backend": self.backend,
            "backend_reason": self.backend_reason,
            "iteration": self.iteration,
            "proposals": len(self.proposals),
            "reasons": self.reasons,
            "megapixels": round(self.megapixels, 3),
            "seconds": round(self.seconds, 2),
            "seconds_per_megapixel": round(self.seconds / max(self.megapixels, 1e-9), 2),
        }


def propose_workspace(
    workspace: Workspace,
    settings: ProposeSettings,
    *,
    frames: list[str] | None = None,
    model_path: str | Path | None = None,
    out: str | Path | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> ProposeResult:
    """Propose clicks on the workspace's frames (all, or those named) with its latest model (or the one
    given), into ``outputs/iteration_NNN/proposals.gpkg`` of the model's iteration unless ``out`` is given."""
    if settings.spacing < 0 or settings.samples < 1 or settings.candidates < 1:
        raise IsageError("--spacing must be at least 0, the samples and candidates at least 1")
    if settings.per_frame is not None and settings.per_frame < 1:
        raise IsageError("--per-frame must be at least 1 (or left out: --per-class per class present)")
    if settings.per_class < 1:
        raise IsageError("--per-class must be at least 1, for example 2")
    if not 0 < settings.uncertain_share <= 1:
        raise IsageError("--uncertain-share must lie in (0, 1], for example 0.05")
    started = time.perf_counter()
    model = resolve_model(workspace, model_path)
    predict = replace(settings.predict, heatmaps=("change",), reference=None)
    tasks = workspace_tasks(workspace, predict, read_meta(model).iteration, frames)
    known = {f.name: f.info for f in workspace.record.frames()}
    shapes = [(known[t.name].height, known[t.name].width) for t in tasks]
    loaded = load_feature_predictor(model, predict, work_pixels=tile_pixels(shapes, predict))
    meta, device, backend = loaded.meta, loaded.device, loaded.backend
    log.info("proposing with %s (%s)", backend.name, loaded.reason)
    record = workspace.record
    target = (
        Path(out) if out else workspace.outputs_dir / f"iteration_{meta.iteration:03d}" / "proposals.gpkg"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    record_crs = record.crs
    proposals: list[Proposal] = []
    xy: list[tuple[float, float]] = []
    scanned = 0
    sample = assessment_store(record).sample_pixels()  # never proposed: the assessment stays independent
    for index, task in enumerate(tasks):
        clicks = record.clicks(frame=task.name)
        excluded = [(row, col) for frame, row, col in sample if frame == task.name]
        step = None
        if progress is not None:
            start, span = index / len(tasks), 1 / len(tasks)

            def step(fraction: float, message: str = "", start=start, span=span) -> None:
                progress(start + span * fraction * 0.98, message)

        with FramePrediction(task, backend, meta, predict, device=device, cancel=cancel) as job:
            if job.window.width != job.src.width or job.window.height != job.src.height:
                raise IsageError("propose works on whole frames: drop --extent and --aoi")
            scan = scan_frame(job, backend, [(c.row, c.col) for c in clicks], settings, step, excluded)
            scanned += scan.pixels_scanned
            chosen = choose(scan, task.name, Counter(c.class_id for c in clicks), settings)
            transform, frame_crs = grid_transform(job.src), job.src.crs
        points = [pixel_center(transform, p.row, p.col) for p in chosen]
        if points and record_crs is not None and frame_crs is not None:
            xs, ys = reproject_points(
                [p[0] for p in points], [p[1] for p in points], frame_crs.to_wkt(), record_crs
            )
            points = list(zip(map(float, xs), map(float, ys), strict=True))
        proposals += chosen
        xy += points
        log.info(
            "%s: %d proposals (%s)", task.name, len(chosen), ", ".join(p.reason for p in chosen) or "none"
        )
    if cancel is not None:
        cancel.check()
    names = dict(zip(meta.class_ids, meta.class_names, strict=True))
    crs_wkt = record_crs.to_wkt() if record_crs is not None else None
    write_proposals(target, proposals, xy, crs_wkt, names)
    if progress is not None:
        progress(1.0, f"{len(proposals)} proposals")
    return ProposeResult(
        target, meta.iteration, proposals, scanned / 1e6, time.perf_counter() - started,
        dict(Counter(p.reason for p in proposals)), backend.name, loaded.reason,
    )  # fmt: skip
