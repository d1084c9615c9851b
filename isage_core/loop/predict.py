"""Predict a workspace's frames with its model: the step of the loop that follows each training run."""

from __future__ import annotations

import logging
from pathlib import Path

from ..cancel import CancelToken
from ..errors import IsageError
from ..events import ProgressCallback
from ..inference.backends import Predictor
from ..inference.batch import open_predictor
from ..inference.mosaic import KINDS, MosaicSet, write_mosaics
from ..inference.predict import FrameTask, predict_frame
from ..record.workspace import Workspace
from ..settings import PredictSettings

log = logging.getLogger(__name__)


def resolve_model(workspace: Workspace, model_path: str | Path | None = None) -> Path:
    """The model to predict with: the one given, else the workspace's latest."""
    if model_path:
        return Path(model_path)
    latest = workspace.latest_model()
    if latest is None:
        raise IsageError(
            f"{workspace.record.where}: no trained model yet; run `isage train {workspace.folder}` first"
        )
    return latest[1]


def previous_classes(workspace: Workspace, iteration: int, name: str) -> Path | None:
    """The class raster of frame ``name`` from the iteration before ``iteration`` (a GeoTIFF, or the VRT
    of a cluster run), for the change heatmap; None when there is none."""
    return workspace.class_raster(iteration - 1, name)


def workspace_tasks(
    workspace: Workspace,
    settings: PredictSettings,
    iteration: int,
    frames: list[str] | None = None,
    out_dir: str | Path | None = None,
) -> list[FrameTask]:
    """What predicting the workspace's frames (all, or those named) with a model of ``iteration`` writes:
    into ``outputs/iteration_NNN/`` unless ``out_dir`` is given, with the previous iteration's classes."""
    known = {f.name: f for f in workspace.record.frames()}
    names = _frame_names(workspace, known, frames)
    target = Path(out_dir) if out_dir else workspace.outputs_dir / f"iteration_{iteration:03d}"
    tasks = []
    for name in names:
        frame = known[name]
        if not frame.path.exists():
            raise IsageError(
                f"{frame.path}: frame '{name}' not found; re-link it with "
                f"`isage frames relink {workspace.folder} {name} NEW_PATH`"
            )
        reference = Path(settings.reference) if settings.reference else None
        tasks.append(
            FrameTask(frame.path, name, target, previous_classes(workspace, iteration, name), reference)
        )
    return tasks


def open_workspace_predictor(
    workspace: Workspace,
    settings: PredictSettings,
    frames: list[str] | None = None,
    model_path: str | Path | None = None,
) -> Predictor:
    """The workspace's latest model (or the one given) loaded for predicting these frames (default all)."""
    known = {f.name: f for f in workspace.record.frames()}
    names = _frame_names(workspace, known, frames)
    model = resolve_model(workspace, model_path)
    return open_predictor(model, settings, [(known[n].info.height, known[n].info.width) for n in names])


def _frame_names(workspace: Workspace, known: dict, frames: list[str] | None) -> list[str]:
    names = frames or list(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise IsageError(
            f"{workspace.record.where}: no frame named {', '.join(unknown)}; "
            f"see `isage frames list {workspace.folder}`"
        )
    return names


def predict_workspace(
    workspace: Workspace,
    settings: PredictSettings,
    *,
    frames: list[str] | None = None,
    model_path: str | Path | None = None,
    out_dir: str | Path | None = None,
    references: dict[str, Path] | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    predictor: Predictor | None = None,
) -> dict[str, dict[str, Path]]:
    """Predict the workspace's frames (all, or those named) with its latest model (or the one given).

    Outputs go to ``outputs/iteration_NNN/`` of the model's iteration unless ``out_dir`` is given; the
    change heatmap compares with the previous iteration's class raster of the same frame when there is one.
    """
    names = _frame_names(workspace, {f.name: f for f in workspace.record.frames()}, frames)
    predictor = predictor or open_workspace_predictor(workspace, settings, names, model_path)
    meta = predictor.meta
    results = {}
    tasks = workspace_tasks(workspace, settings, meta.iteration, names, out_dir)
    for index, task in enumerate(tasks):
        reference = (references or {}).get(task.name) or task.reference
        step = None
        if progress is not None:
            start, span = index / len(tasks), 1 / len(tasks)

            def step(fraction: float, message: str = "", start=start, span=span, name=task.name) -> None:
                progress(start + span * fraction, f"{name}: {message}" if message else name)

        results[task.name] = predict_frame(
            task.frame,
            predictor.backend,
            meta,
            task.out_dir,
            task.name,
            settings,
            device=None,  # the backend holds its device
            previous_classes=task.previous_classes,
            reference=reference,
            progress=step,
            cancel=cancel,
        )
    return results


def iteration_files(workspace: Workspace, iteration: int) -> list[tuple[str, dict[str, Path]]]:
    """The per-frame rasters in ``outputs/iteration_NNN/`` of the record's frames, in the record's order:
    ``(frame, {kind: path})`` (a GeoTIFF, else the VRT of a cluster run)."""
    folder = workspace.outputs_dir / f"iteration_{iteration:03d}"
    found = []
    for frame in workspace.record.frames():
        files = {}
        for kind in KINDS:
            paths = [folder / f"{frame.name}_{kind}{suffix}" for suffix in (".tif", ".vrt")]
            existing = [p for p in paths if p.is_file()]
            if existing:
                files[kind] = existing[0]
        if files:
            found.append((frame.name, files))
    return found


def write_iteration_mosaics(workspace: Workspace, iteration: int) -> MosaicSet:
    """One VRT mosaic per output kind over the iteration's per-frame rasters (every frame of the record
    predicted by that iteration, not only those of the last run), under ``outputs/iteration_NNN/mosaic/``;
    where frames overlap, the later frame in the record wins."""
    folder = workspace.outputs_dir / f"iteration_{iteration:03d}"
    return write_mosaics(folder, iteration, iteration_files(workspace, iteration))


def mosaic_outputs(workspace: Workspace, iteration: int, out: str | Path | None, outputs: dict) -> dict:
    """A workspace prediction's result: ``outputs`` plus the iteration's mosaics (``mosaic/<kind>...``
    keys), and ``mosaics``, what each covers (kind, CRS, frames). Mosaics are written only when the run
    wrote into the iteration's own folder (``out`` None)."""
    if out:
        return {"outputs": outputs}
    written = write_iteration_mosaics(workspace, iteration)
    outputs = {**outputs, **{m.key: m.path.resolve() for m in written.mosaics}}
    return {"outputs": outputs, "mosaics": {m.key: m.describe() for m in written.mosaics}}
