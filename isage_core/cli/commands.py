"""What each ``isage`` subcommand does: parse its arguments into settings, call the engine, report."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..cancel import CancelToken
from ..errors import IsageError
from ..record.click_record import ClassDef
from ..record.workspace import Workspace
from .options import model_settings, predict_settings, train_settings
from .reporters import Reporter

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def parse_classes(text: str) -> list[ClassDef]:
    """Classes from ``id:name:#rrggbb,...`` or a JSON file of ``{"id", "name", "color"}`` objects."""
    path = Path(text)
    if path.suffix.lower() == ".json":
        try:
            items = json.loads(path.read_text())
            return [ClassDef(int(i["id"]), str(i["name"]), str(i["color"])) for i in items]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IsageError(
                f"{path}: not a JSON list of {{id, name, color}} objects ({exc}); fix the file"
            ) from exc
    classes = []
    for part in text.split(","):
        fields = part.strip().split(":")
        if len(fields) != 3 or not fields[0].strip().isdigit() or not COLOR.match(fields[2].strip()):
            raise IsageError(
                f"class '{part}' is not id:name:#rrggbb; write e.g. 0:background:#9e9e9e,1:car:#e53935"
            )
        classes.append(ClassDef(int(fields[0]), fields[1].strip(), fields[2].strip()))
    return classes


# ---- subcommands -----------------------------------------------------------------------------------
def init(a, reporter: Reporter, cancel: CancelToken) -> None:
    classes = parse_classes(a.classes) if a.classes else None
    if a.postgres:
        from ..record.postgres.pointer import RecordPointer

        pointer = RecordPointer(a.postgres, a.schema, a.trainer_connection)
        ws = Workspace.create_postgres(a.workspace, pointer, classes, crs=a.crs)
        reporter.log(f"workspace on {ws.record.where}, as {ws.record.login}", "info")
    else:
        if classes is None:
            raise IsageError("init: give --classes (or --postgres to join a team's record)")
        ws = Workspace.create(a.workspace, classes, crs=a.crs)
    reporter.result(outputs={"workspace": ws.folder.resolve(), "record": ws.record_location.resolve()})


def offline(a, reporter: Reporter, cancel: CancelToken) -> None:
    from ..record.offline import export_offline

    ws = Workspace.open(a.workspace)
    copy = export_offline(ws, a.destination)
    reporter.result(outputs={"workspace": copy.folder.resolve(), "record": copy.record_location.resolve()})


def classes(a, reporter: Reporter, cancel: CancelToken) -> None:
    ws = Workspace.open(a.workspace)
    if a.action == "set":
        if a.id is None or not a.name or not a.color or not COLOR.match(a.color):
            raise IsageError("classes set: give --id, --name and --color #rrggbb")
        ws.record.set_class(ClassDef(a.id, a.name, a.color))
    reporter.result(classes={c.id: {"name": c.name, "color": c.color} for c in ws.record.classes()})


def _frame_at(record, x: float, y: float, crs: str | None) -> str:
    """The one frame with a pixel at ``(x, y)``; an error naming the record when none or several do."""
    if y is None:
        raise IsageError("click add: give --x and --y together")
    names = record.frames_at(x, y, crs)
    if len(names) == 1:
        return names[0]
    if not names:
        raise IsageError(
            f"{record.where}: no frame has a pixel at ({x}, {y}); check the point and --crs, or give --frame"
        )
    raise IsageError(f"{record.where}: frames {', '.join(names)} all cover ({x}, {y}); give --frame")


def click(a, reporter: Reporter, cancel: CancelToken) -> None:
    from ..record.mask_import import import_sparse_mask
    from ..record.point_import import PointImport, import_points
    from ..record.schema import RASTER_SUFFIXES

    ws = Workspace.open(a.workspace)
    record = ws.record
    if a.action == "add":
        if a.class_id is None or (a.frame is None and a.x is None):
            raise IsageError("click add: give --class, and --frame with --row/--col or --x/--y")
        c = record.add_click(
            a.frame if a.frame is not None else _frame_at(record, a.x, a.y, a.crs),
            a.class_id,
            row=a.row,
            col=a.col,
            x=a.x,
            y=a.y,
            crs=a.crs,
            annotator=a.annotator,
            note=a.note,
            enforce_budget=not a.over_budget,
        )
        reporter.result(click=_click_dict(c))
    elif a.action == "retract":
        if not a.target:
            raise IsageError("click retract: give the click's uid or fid")
        target = int(a.target) if a.target.isdigit() else a.target
        c = record.retract_click(target, by=a.annotator, reason=a.reason)
        reporter.result(click=_click_dict(c))
    elif a.action == "import":
        if not a.target:
            raise IsageError("click import: give a point layer (and --class-field) or a sparse label raster")
        if a.class_field or Path(a.target).suffix.lower() not in RASTER_SUFFIXES:
            if not a.class_field:
                raise IsageError(f"{a.target}: give --class-field, the field holding each point's class")
            settings = PointImport(
                a.class_field, a.class_by, a.layer, a.crs, a.x_field, a.y_field, a.annotator,
                a.annotator_field, not a.over_budget, a.keep_valid,
            )  # fmt: skip
            report = import_points(record, a.target, settings)
            refused = [{"source": source, "reason": reason} for source, reason in report.refused]
            reporter.result(added=report.accepted, refused=refused)
            return
        if not a.frame:
            raise IsageError(f"{a.target}: give --frame, the frame this label raster belongs to")
        added = import_sparse_mask(
            record,
            a.frame,
            a.target,
            unlabelled=a.unlabelled,
            annotator=a.annotator,
            enforce_budget=not a.over_budget,
            keep_valid=a.keep_valid,
        )
        reporter.result(added=added)
    else:
        reporter.result(
            clicks=[_click_dict(c) for c in record.clicks(include_retracted=a.all)],
            iteration=record.current_iteration(),
        )


def _click_dict(c) -> dict:
    return {
        k: getattr(c, k)
        for k in (
            "fid",
            "uid",
            "frame",
            "row",
            "col",
            "class_id",
            "iteration",
            "annotator",
            "created_utc",
            "note",
            "retracted",
            "x",
            "y",
        )
    }


def merge(a, reporter: Reporter, cancel: CancelToken) -> None:
    ws = Workspace.open(a.workspace)
    if ws.record.backend == "postgis":
        from ..record.offline import import_offline

        report = import_offline(ws, a.other)
    else:
        from ..record.merge import merge_records

        report = merge_records(ws.record, a.other)
    for conflict in report.conflicts:
        reporter.log(f"conflict ({conflict.kind}): {conflict.message}", "warning")
    reporter.result(
        added_clicks=report.added_clicks,
        added_retractions=report.added_retractions,
        added_frames=report.added_frames,
        added_classes=report.added_classes,
        conflicts=[{"kind": c.kind, "message": c.message, "uids": list(c.uids)} for c in report.conflicts],
    )


def train(a, reporter: Reporter, cancel: CancelToken) -> None:
    from ..loop.train import train_iteration

    ws = Workspace.open(a.workspace)
    result = train_iteration(
        ws, model_settings(a), train_settings(a), progress=reporter.progress, cancel=cancel
    )
    report_train_result(reporter, result)


def report_train_result(reporter: Reporter, result) -> None:
    """The result event of a training run (``isage train``, or a live round's close)."""
    reporter.result(
        outputs={"model": result.model_path.resolve()},
        iteration=result.iteration,
        device=result.device,
        clicks_used=result.clicks_used,
        steps=result.steps,
        final_loss=result.final_loss,
        seconds_per_step=result.seconds_per_step,
        weights=result.weights_origin,
        click_accuracy=result.click_accuracy,
        stopped_by=result.stopped_by,
        timing=dict(result.timings),
        unresolved=result.unresolved,
    )


def predict(a, reporter: Reporter, cancel: CancelToken) -> None:
    from .cluster import cluster_settings, predict_on_cluster_cmd

    settings = predict_settings(a)
    cluster = cluster_settings(a)
    if cluster.wanted:
        predict_on_cluster_cmd(a, settings, cluster, reporter, cancel)
        return
    if a.raster:
        from ..geo import open_raster
        from ..inference.batch import open_predictor, predict_rasters

        if not a.model or not a.out:
            raise IsageError("predict --raster: give --model and --out as well")
        rasters = {Path(r).stem: Path(r) for r in a.raster}
        if len(rasters) != len(a.raster):
            raise IsageError(
                f"two rasters would write outputs of one name ({', '.join(a.raster)}); rename one"
            )
        if a.reference and len(rasters) > 1:
            raise IsageError("--reference belongs to one raster: predict the rasters one at a time")
        references = {next(iter(rasters)): Path(a.reference)} if a.reference else None
        shapes = []
        for path in rasters.values():
            with open_raster(path) as src:
                shapes.append((src.height, src.width))
        predictor = open_predictor(a.model, settings, shapes)
        files = predict_rasters(
            rasters,
            a.model,
            a.out,
            settings,
            references=references,
            progress=reporter.progress,
            cancel=cancel,
            predictor=predictor,
        )
        outputs = {
            (f"{name}_{kind}" if len(rasters) > 1 else kind): Path(p).resolve()
            for name, kinds in files.items()
            for kind, p in kinds.items()
        }
        reporter.result(outputs=outputs, **predictor.describe())
        return
    if not a.workspace:
        raise IsageError("predict: give a workspace, or --raster with --model and --out")
    from ..loop.predict import mosaic_outputs, open_workspace_predictor, predict_workspace

    ws = Workspace.open(a.workspace)
    predictor = open_workspace_predictor(ws, settings, a.frame, a.model)
    results = predict_workspace(
        ws,
        settings,
        frames=a.frame,
        model_path=a.model,
        out_dir=a.out,
        progress=reporter.progress,
        cancel=cancel,
        predictor=predictor,
    )
    outputs = {
        f"{frame}_{kind}": Path(p).resolve() for frame, files in results.items() for kind, p in files.items()
    }
    reporter.result(**mosaic_outputs(ws, predictor.meta.iteration, a.out, outputs), **predictor.describe())


def evaluate_cmd(a, reporter: Reporter, cancel: CancelToken) -> None:
    from ..atomic import write_bytes_atomic
    from ..inference.evaluate import evaluate
    from ..loop.evaluate import clicks_inside
    from ..model.checkpoint import read_meta

    if len(a.prediction) != len(a.reference):
        raise IsageError("evaluate: give as many --reference as --prediction, in the same order")
    class_ids, names, labelled = None, None, None
    if a.model:
        meta = read_meta(a.model)
        class_ids, names = meta.class_ids, meta.class_names
    if a.workspace:
        ws = Workspace.open(a.workspace)
        labelled = clicks_inside(ws.record, a.prediction)
        class_ids = class_ids or ws.record.class_ids()
        names = names or [c.name for c in ws.record.classes()]
    if class_ids is None:
        raise IsageError("evaluate: give --workspace or --model so the classes are known")
    scores = evaluate(a.prediction, a.reference, class_ids, names, labelled_pixels=labelled)
    if a.out:
        write_bytes_atomic(a.out, json.dumps(scores, indent=2).encode())
    reporter.result(metrics=scores, outputs={"json": Path(a.out).resolve()} if a.out else {})


def vectorize_cmd(a, reporter: Reporter, cancel: CancelToken) -> None:
    from ..inference.vectorize import vectorize

    out = vectorize(a.raster, a.output, min_area_pixels=a.min_area, progress=reporter.progress, cancel=cancel)
    reporter.result(outputs={"polygons": Path(out).resolve()})


def info(a, reporter: Reporter, cancel: CancelToken) -> None:
    from ..model.capabilities import engine_report

    payload = {"environment": engine_report()}
    if a.repair and not a.workspace:
        raise IsageError("info --repair: give the workspace to repair")
    if a.workspace:
        ws = Workspace.open(a.workspace)
        if a.repair:
            from ..loop.health import check_workspace

            payload["removed_partial_files"] = [str(p) for p in ws.remove_stale_partials()]
            health = check_workspace(ws)
            payload["problems"] = health.problems
            payload["partial_files_kept"] = [str(p) for p in health.partial_files]  # of running writers
        record = ws.record
        clicks = record.clicks()
        runs = record.runs()
        payload["workspace"] = {
            "record": str(ws.record_location.resolve()),
            "record_backend": record.backend,
            "crs": record.crs.to_string() if record.crs else None,
            "iteration": record.current_iteration(),
            "frames": len(record.frames()),
            "clicks": len(clicks),
            "retracted": len(record.clicks(include_retracted=True)) - len(clicks),
            "clicks_per_class": {c.name: sum(k.class_id == c.id for k in clicks) for c in record.classes()},
            "last_run": runs[-1].metrics if runs else None,
        }
    reporter.result(**payload)
