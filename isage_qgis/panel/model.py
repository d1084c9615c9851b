"""What the iSAGE dock shows and which engine commands its buttons run: no widgets here.

``DockState`` is built from a :class:`~isage_qgis.record.view.RecordSnapshot`; the ``*_steps``
functions turn the user's choices into engine argument lists; :func:`extent_jobs` turns the canvas
extent into one ``--extent`` per frame CRS.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsCsException,
    QgsProject,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsRectangle,
)

from ..engine.pipeline import Step
from ..layers.results import EXTENT_SCOPE, PROP_ROLE
from ..layers.service_source import ServiceFrame, ServiceLayer, frame_args, service_kind
from ..record.model import ClassInfo
from ..record.postgis import PostgisTarget
from ..record.view import RecordSnapshot, RunInfo
from ..settings import PluginSettings, scheduler_args
from ..translation import deferred_tr, tr

DEFAULT_CLASSES = [
    ClassInfo(0, "background", "#9e9e9e"),
    ClassInfo(1, "building", "#ff9800"),
    ClassInfo(2, "road", "#3c3c3c"),
    ClassInfo(3, "vegetation", "#43a047"),
]
NO_OVERLAP = deferred_tr("the visible extent overlaps no frame; pan to a frame or predict whole frames")
PALETTE = ("#e53935", "#1e88e5", "#fdd835", "#8e24aa", "#00acc1", "#6d4c41", "#f06292", "#c0ca33")


@dataclass(frozen=True)
class ClassCount:
    id: int
    name: str
    color: str
    this_iteration: int
    total: int


@dataclass
class DockState:
    """Everything the dock displays about the open record."""

    record_path: str = ""
    iteration: int = 0
    classes: list[ClassInfo] = field(default_factory=list)
    frame_names: list[str] = field(default_factory=list)
    missing_frames: list[str] = field(default_factory=list)
    counts: list[ClassCount] = field(default_factory=list)
    run_summary: str = deferred_tr("no model trained yet")
    unresolved: list[str] = field(default_factory=list)
    admin_refusal: str = ""  # why classes and frames cannot be changed (a PostGIS record, not its admin)

    @property
    def is_open(self) -> bool:
        return bool(self.record_path)

    @property
    def missing_text(self) -> str:
        """``3 frames not found`` ("" when every frame's file is on disk)."""
        n = len(self.missing_frames)
        return tr("%n frame(s) not found", n) if n else ""

    def train_blocker(self) -> str:
        """Why Train cannot run now ("" when it can)."""
        if not self.is_open:
            return tr("open or create a click record first")
        if not self.frame_names:
            return tr("add at least one frame raster to the record")
        empty = [c.name for c in self.counts if c.total == 0]
        if empty:
            return tr("click at least once for every class (none yet: {classes})").format(
                classes=", ".join(empty)
            )
        return ""


def summarize_run(run: RunInfo | None) -> str:
    """One line about a training run: iteration, clicks, the model's fit on its own training clicks (not
    the map's accuracy: that is the accuracy assessment's), loss, device, time."""
    if run is None:
        return tr("no model trained yet")
    m = run.metrics
    parts = [tr("iteration {iteration}: %n clicks", run.clicks_used).format(iteration=run.iteration)]
    if "click_accuracy" in m:
        fit = tr("fit on its training clicks {percent}%")
        parts.append(fit.format(percent=f"{100 * float(m['click_accuracy']):.0f}"))
    if m.get("final_loss") is not None:
        parts.append(tr("loss {loss}").format(loss=f"{float(m['final_loss']):.3f}"))
    if m.get("steps"):
        parts.append(tr("%n steps", int(m["steps"])))
    if run.duration_s:
        parts.append(f"{run.duration_s:.0f} s")
    if run.device:
        parts.append(run.device.split(" (")[0])
    return ", ".join(parts)


def train_message(event: dict) -> str:
    """The message after a training run (its ``result`` event)."""
    unresolved = len(event.get("unresolved") or [])
    text = tr(
        "iteration {iteration} trained on {clicks} clicks; %n of them still predicted wrong "
        "(listed in the iSAGE panel)",
        unresolved,
    )
    return text.format(iteration=event.get("iteration"), clicks=event.get("clicks_used"))


def describe_unresolved(run: RunInfo | None, classes: Sequence[ClassInfo]) -> list[str]:
    """One line per click the last model still gets wrong (where to click again)."""
    if run is None:
        return []
    names = {c.id: c.name for c in classes}
    lines = []
    for u in run.unresolved:
        if not isinstance(u, dict):
            continue
        wanted, got = names.get(u.get("class_id"), u.get("class_id")), names.get(u.get("predicted"), "?")
        confidence = float(u.get("confidence") or 0.0)
        where = f"{u.get('frame')} ({u.get('row')}, {u.get('col')})"
        lines.append(f"{where}: {wanted} → {got} {100 * confidence:.0f}%")
    return lines


def build_state(snapshot: RecordSnapshot, pending: Sequence[tuple[int, int]] = ()) -> DockState:
    """The dock state of a record; ``pending`` adds ``(class_id, iteration)`` of unsaved clicks."""
    iteration = snapshot.iteration
    total = Counter(c.class_id for c in snapshot.clicks) + Counter(cid for cid, _ in pending)
    current = Counter(c.class_id for c in snapshot.clicks if c.iteration == iteration)
    current += Counter(cid for cid, it in pending if it == iteration)
    run = snapshot.last_run
    return DockState(
        record_path=snapshot.path,
        iteration=iteration,
        classes=list(snapshot.classes),
        frame_names=[f.name for f in snapshot.frames],
        missing_frames=[f.name for f in snapshot.frames if not f.exists],
        counts=[ClassCount(c.id, c.name, c.color, current[c.id], total[c.id]) for c in snapshot.classes],
        run_summary=summarize_run(run),
        unresolved=describe_unresolved(run, snapshot.classes),
    )


def missing_warning(missing: Sequence[str]) -> str:
    """The warning on opening a record whose frames are not on disk (a colleague's record...)."""
    text = tr(
        '%n frame file(s) of this record not found: {frames}; click "Re-link frames…" in the iSAGE '
        "panel and choose the folder that holds them",
        len(missing),
    )
    return text.format(frames=", ".join(missing))


def relink_message(event: dict, still_missing: Sequence[str] | None = None) -> tuple[str, str]:
    """``(level, text)`` after ``frames find`` or ``frames relink`` (their ``result`` event); the frames
    still missing are ``still_missing`` when given (the refreshed record), else the event's."""
    relinked = list(event.get("relinked") or [])  # a list (find) or {name: path} (relink)
    still = list(event.get("still_missing") or []) if still_missing is None else list(still_missing)
    text = tr("%n frame(s) re-linked", len(relinked)) + (f": {', '.join(relinked)}" if relinked else "")
    if still:
        more = tr("still missing: {frames} (choose the folder holding them)").format(frames=", ".join(still))
        text += f"; {more}"
    return ("success" if relinked and not still else "warning"), text


def next_class(classes: Sequence[ClassInfo]) -> ClassInfo:
    """A new class with the next free id, a placeholder name and an unused palette colour."""
    next_id = max((c.id for c in classes), default=-1) + 1
    used = {c.color.lower() for c in classes}
    color = next((p for p in PALETTE if p not in used), PALETTE[next_id % len(PALETTE)])
    names = {c.name for c in classes}
    name, n = f"class {next_id}", next_id
    while name in names:
        n += 1
        name = f"class {n}"
    return ClassInfo(next_id, name, color)


def write_classes_json(classes: Sequence[ClassInfo], path: str | Path | None = None) -> str:
    """Write the class list as the engine's JSON class file (names may hold commas and colons);
    ``path`` None: a new temporary file (the caller deletes it)."""
    if path is None:
        handle, path = tempfile.mkstemp(prefix="isage_classes_", suffix=".json")
        os.close(handle)
    items = [{"id": int(c.id), "name": str(c.name), "color": str(c.color)} for c in classes]
    Path(path).write_text(json.dumps(items, indent=1), encoding="utf-8")
    return str(path)


# ---- engine commands ---------------------------------------------------------------------------
def create_steps(folder: str, classes_json: str, frame_paths: Sequence[str]) -> list[Step]:
    """``init`` a workspace in ``folder``, then ``frames add`` the chosen rasters."""
    steps = [Step(tr("create workspace"), ["init", folder, "--classes", classes_json], 0.2)]
    if frame_paths:
        steps.append(Step(tr("add frames"), ["frames", "add", folder, *frame_paths], 0.8))
    return steps


def postgis_create_steps(
    target: PostgisTarget, conninfo: str, classes_json: str, crs: str, env: Mapping[str, str]
) -> list[Step]:
    """``init`` a workspace folder on a new record in ``target``'s schema (the login in ``env`` only)."""
    args = ["init", str(target.workspace), "--postgres", conninfo, "--schema", target.schema]
    args += ["--classes", classes_json, *(["--crs", crs] if crs else [])]
    return [Step(tr("create workspace"), args, 1.0, env=env)]


def add_frames_steps(workspace: str, frame_paths: Sequence[str]) -> list[Step]:
    return [Step(tr("add frames"), ["frames", "add", workspace, *frame_paths])]


def service_frames_steps(
    workspace: str,
    service: ServiceLayer,
    frames: Sequence[ServiceFrame],
    env: Mapping[str, str] | None = None,
) -> list[Step]:
    """One ``frames add`` per frame fetched from ``service`` (each is downloaded once into the workspace);
    ``env``: the credentials, for those engine processes only."""
    return [
        Step(
            tr("fetch frame {name}").format(name=f.name),
            frame_args(workspace, service, f),
            1.0,
            env=env or None,
        )
        for f in frames
    ]


def relink_steps(workspace: str, folders: Sequence[str]) -> list[Step]:
    """``frames find``: re-link missing frames to files of the same fingerprint under ``folders``."""
    return [Step(tr("re-link frames"), ["frames", "find", workspace, *folders])]


def relink_frame_steps(workspace: str, name: str, path: str) -> list[Step]:
    """``frames relink``: point frame ``name`` at ``path`` (the engine checks it is the same raster)."""
    return [Step(f"re-link {name}", ["frames", "relink", workspace, name, path])]


def train_options(settings: PluginSettings, extra: Sequence[str] = ()) -> list[str]:
    """The options of ``isage train`` the settings choose: the device and the time budget (then
    ``extra``). Live training runs with the same options, so that a press closes its round."""
    budget = ["--time-budget", repr(float(settings.train_time_budget_s))]
    return ["--device", settings.device or "auto", *budget, *extra]


def train_steps(workspace: str, options: Sequence[str]) -> list[Step]:
    return [Step("train", ["train", workspace, *options], 3.0)]


def predict_steps(
    workspace: str,
    device: str = "auto",
    jobs: Sequence[tuple[list[str], tuple[float, float, float, float]]] | None = None,
    out_dir: str | None = None,
    scheduler: str = "",
    tls: Sequence[str] = (),
) -> list[Step]:
    """Whole frames (``jobs`` None), or one run per ``(frames, extent)`` job writing to ``out_dir``;
    on the Dask cluster ``scheduler`` names, if any (over TLS with the ``tls`` CA, certificate, key)."""
    base = ["predict", workspace, "--device", device or "auto", *scheduler_args(scheduler, tls)]
    if jobs is None:
        return [Step("predict", base, 1.0)]
    steps = []
    for frames, extent in jobs:
        args = base + [a for name in frames for a in ("--frame", name)]
        args += ["--extent", *(repr(float(v)) for v in extent)]
        if out_dir:
            args += ["--out", out_dir]
        steps.append(Step(f"predict {', '.join(frames)}", args, 1.0))
    return steps


PROPOSE_LABEL = deferred_tr("propose where to click next")
# A visible-extent prediction proposes on its frames only up to this many pixels in all: propose scans
# whole frames, and a quick look at part of a large frame must not wait for a scan of all of it.
PROPOSE_EXTENT_MAX_PIXELS = 16_000_000


def extent_propose_frames(snapshot: RecordSnapshot, names: Sequence[str]) -> list[str]:
    """The frames of a visible-extent prediction worth proposing on: all of them while their pixels add up
    to at most PROPOSE_EXTENT_MAX_PIXELS, else none (the proposals of the last whole-frame run stay)."""
    frames = [snapshot.frame(name) for name in names]
    pixels = sum(f.width * f.height for f in frames if f is not None)
    return sorted(names) if pixels <= PROPOSE_EXTENT_MAX_PIXELS else []


def propose_steps(workspace: str, device: str = "auto", frames: Sequence[str] | None = None) -> list[Step]:
    """``isage propose`` on whole frames (all, or those named), after a prediction; optional: when it
    fails the predictions are still shown."""
    args = ["propose", workspace, "--device", device or "auto"]
    args += [a for name in frames or () for a in ("--frame", name)]
    return [Step(PROPOSE_LABEL, args, 0.5, optional=True)]


def proposals_path(workspace: str, iteration: int) -> Path:
    """Where ``isage propose`` writes the proposals of the model of ``iteration``."""
    return Path(workspace) / "outputs" / f"iteration_{iteration:03d}" / "proposals.gpkg"


def extent_out_dir(workspace: str, iteration: int) -> str:
    """Where visible-extent predictions go, beside (not over) the whole-frame outputs."""
    return str(Path(workspace) / "outputs" / f"iteration_{iteration:03d}" / EXTENT_SCOPE)


def extent_jobs(
    snapshot: RecordSnapshot,
    extent: QgsRectangle,
    crs: QgsCoordinateReferenceSystem,
    context: QgsCoordinateTransformContext | None = None,
) -> list[tuple[list[str], tuple[float, float, float, float]]]:
    """The frames the map extent overlaps, grouped by frame CRS, with the extent in that CRS."""
    context = context or QgsCoordinateTransformContext()
    groups: dict[str, tuple[list[str], tuple[float, float, float, float]]] = {}
    for frame in snapshot.frames:
        frame_crs = QgsCoordinateReferenceSystem.fromWkt(frame.crs_wkt) if frame.crs_wkt else crs
        try:
            local = QgsCoordinateTransform(crs, frame_crs, context).transformBoundingBox(extent)
        except QgsCsException:
            continue
        xmin, ymin, xmax, ymax = frame.bounds()
        overlap = local.intersect(QgsRectangle(xmin, ymin, xmax, ymax))
        if overlap.isEmpty() or overlap.width() <= 0 or overlap.height() <= 0:
            continue
        box = (local.xMinimum(), local.yMinimum(), local.xMaximum(), local.yMaximum())
        groups.setdefault(frame.crs_wkt, ([], box))[0].append(frame.name)
    return list(groups.values())


def parse_class_lines(text: str) -> list[ClassInfo]:
    """Classes from lines ``name #rrggbb`` (colour optional), ids 0, 1, 2... in line order."""
    classes: list[ClassInfo] = []
    for line in (s.strip() for s in text.splitlines()):
        if not line:
            continue
        name, _, last = line.rpartition(" ")
        if not (last.startswith("#") and len(last) == 7):
            name, last = line, ""
        name = name.strip().rstrip(",:").strip() or f"class {len(classes)}"
        color = last.lower() if last else next_class(classes).color
        classes.append(ClassInfo(len(classes), name, color))
    return classes


def class_lines(classes: Sequence[ClassInfo]) -> str:
    """The inverse of :func:`parse_class_lines`."""
    return "\n".join(f"{c.name} {c.color}" for c in classes)


def remote_raster_url(source: str) -> str | None:
    """The URL of a GDAL layer read over HTTP(S) (``/vsicurl/https://...`` or a plain URL), else None."""
    path = source.split("|")[0]
    if path.startswith("/vsicurl/"):
        path = path[len("/vsicurl/") :]
    return path if path.lower().startswith(("http://", "https://")) else None


def is_remote(path: str) -> bool:
    return remote_raster_url(path) is not None


def frame_candidates(project: QgsProject) -> list[tuple[str, str]]:
    """``(layer name, file or URL)`` of the project's rasters on disk or read over HTTP(S) (a remote COG:
    its frame reads it where it lies) that are not iSAGE results."""
    found = []
    for layer in project.mapLayers().values():
        if not isinstance(layer, QgsRasterLayer) or layer.providerType() != "gdal":
            continue
        if layer.customProperty(PROP_ROLE) == "result":
            continue
        path, url = layer.source().split("|")[0], remote_raster_url(layer.source())
        if url:
            found.append((layer.name(), url))
        elif Path(path).is_file():
            found.append((layer.name(), str(Path(path).resolve())))
    return sorted(found)


def service_candidates(project: QgsProject) -> list[tuple[str, str, str]]:
    """``(layer name, layer id, kind)`` of the project's online XYZ, WMTS and WMS layers."""
    found = []
    for layer in project.mapLayers().values():
        decoded = None
        if isinstance(layer, QgsRasterLayer) and layer.providerType() == "wms":
            decoded = QgsProviderRegistry.instance().decodeUri("wms", layer.source())
        kind = service_kind(decoded) if decoded is not None else None
        if kind is not None:
            found.append((layer.name(), layer.id(), kind))
    return sorted(found)


def live_text(status: dict) -> tuple[str, bool]:
    """What the panel says of the resident engine's live training, and whether to offer a restart."""
    state, fit = status.get("state"), status.get("fit")
    iteration, steps, clicks = status.get("iteration"), status.get("steps", 0), status.get("clicks", 0)
    fit_text = tr("{fit} % of the clicked pixels in the latest training patches predicted right").format(
        fit=round(100 * fit)
    ) if fit is not None else ""  # fmt: skip
    if state == "training":
        text = tr("Live training of iteration {iteration}: {steps} steps on %n click(s).", clicks)
        return " ".join(t for t in (text.format(iteration=iteration, steps=steps), fit_text) if t), False
    if state == "idle" and status.get("rests") == "closed":
        text = tr("Live training of iteration {iteration} waits for its first click.")
        return text.format(iteration=iteration), False
    if state == "idle" and status.get("rests") == "max_steps":
        text = tr(
            "Live training of iteration {iteration} rests after {steps} steps, not every one of its %n "
            "click(s) fitting; a new click resumes it.",
            clicks,
        )
        return " ".join(t for t in (text.format(iteration=iteration, steps=steps), fit_text) if t), False
    if state == "idle":
        text = tr(
            "Live training of iteration {iteration} rests: its %n click(s) fit; a new click resumes it.",
            clicks,
        )
        return " ".join(t for t in (text.format(iteration=iteration), fit_text) if t), False
    if state == "waiting":
        return tr("Live training waits: {reason}").format(reason=status.get("message", "")), False
    if state == "paused":
        return tr("Live training pauses while the engine runs a command."), False
    if state == "failed":
        return tr("Live training failed: {reason}").format(reason=status.get("message", "")), True
    if state == "down":
        return tr("The engine stopped; Train restarts it, or press Restart engine."), True
    if status.get("message"):
        return tr("Live training is off: {reason}").format(reason=status["message"]), False
    return "", False
