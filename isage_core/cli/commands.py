"""What each ``isage`` subcommand does: parse its arguments into settings, call the engine, report."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from ..cancel import CancelToken
from ..errors import IsageError
from ..inference.backends import BACKENDS, PRECISIONS
from ..record.click_record import ClassDef
from ..record.workspace import Workspace
from ..settings import ModelSettings, PredictSettings, TrainSettings
from .reporters import Reporter

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


# ---- options shared by several commands -------------------------------------------------------------
def add_model_options(p: argparse.ArgumentParser) -> None:
    d = ModelSettings()
    p.add_argument("--architecture", default=d.architecture, help="smp architecture (unet, fpn, ...)")
    p.add_argument("--encoder", default=d.encoder, help="smp encoder name")
    p.add_argument("--weights", default=d.weights, choices=["auto", "offline", "imagenet", "none"])
    p.add_argument("--decoder-channels", help="comma-separated, e.g. 64,32,16,16,8 (U-Net)")
    p.add_argument("--bands", help="1-based bands to use, comma-separated (default: all)")


def add_train_options(p: argparse.ArgumentParser) -> None:
    d = TrainSettings()
    p.add_argument("--steps", type=int, help="optimisation steps (default: the schedule for a laptop CPU)")
    p.add_argument("--epochs", type=int, help="epoch schedule instead (one patch per click per epoch; GPUs)")
    p.add_argument(
        "--frame-epochs", type=int, help="epochs of one patch per frame with clicks (the authors')"
    )
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--patch-size", type=int, default=d.patch_size)
    p.add_argument("--lr", type=float, default=d.learning_rate)
    p.add_argument(
        "--lr-schedule", choices=["constant", "cosine"], default=d.lr_schedule, help="learning rate in a run"
    )
    p.add_argument(
        "--schedule", choices=["auto", "fixed", "converge"], default=d.schedule,
        help="converge: train until the clicks fit and the loss settles, within --time-budget (the "
        "default); fixed: the step count (the default when --steps, --epochs or --frame-epochs is given)",
    )  # fmt: skip
    p.add_argument("--max-steps", type=int, default=d.max_steps, help="the converge schedule's cap")
    p.add_argument(
        "--time-budget", type=float, default=d.time_budget_s,
        help="converge: seconds of training at most (0: no limit but --max-steps)",
    )  # fmt: skip
    p.add_argument(
        "--press-budget", type=float, default=d.press_budget_s,
        help="live training: seconds of steps a Train press may take to anneal the round (0: no limit)",
    )  # fmt: skip
    p.add_argument("--check-steps", type=int, default=d.check_steps, help="converge: steps between checks")
    p.add_argument("--fit-target", type=float, default=d.fit_target, help="converge: clicks' fit rate")
    p.add_argument("--plateau", type=float, default=d.plateau, help="converge: relative loss gain")
    p.add_argument("--grad-clip", type=float, default=d.grad_clip, help="clip the gradient norm")
    p.add_argument("--loss", choices=["ewdl", "ce"], default=d.loss)
    p.add_argument("--error-weight", type=float, default=d.error_weight, help="lambda of the EWDL (1: Dice)")
    p.add_argument("--no-augment", action="store_true")
    p.add_argument("--no-warm-start", action="store_true")
    p.add_argument("--no-amp", action="store_true")
    p.add_argument("--device", default=d.device, help="auto, cpu, cuda, cuda:1, mps")
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument(
        "--allow-input-mismatch", action="store_true",
        help="use rasters whose bands, data type or values differ from the model's training frames",
    )  # fmt: skip


def add_predict_options(p: argparse.ArgumentParser) -> None:
    d = PredictSettings()
    p.add_argument("--tile-size", type=int, default=d.tile_size)
    p.add_argument("--overlap", type=int, default=d.overlap)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument(
        "--block-size", type=int, default=d.block_size,
        help="output block predicted at once (pixels): bounds memory whatever the raster size",
    )  # fmt: skip
    p.add_argument("--device", default=d.device)
    p.add_argument(
        "--backend", choices=BACKENDS, default=d.backend,
        help="auto: OpenVINO (else onnxruntime) on a CPU, on the graph exported once per model and cached "
        "beside it; torch on a GPU",
    )  # fmt: skip
    p.add_argument(
        "--precision", choices=PRECISIONS, default=d.precision,
        help="OpenVINO's: auto takes bfloat16 where the CPU computes it (AMX, AVX-512 BF16) and a guard "
        "against float32 passes; f32 never reduces it; bf16 insists",
    )  # fmt: skip
    p.add_argument(
        "--threads", type=int, help="CPU threads per block (default: every CPU; 1 on a cluster worker)"
    )
    p.add_argument("--extent", nargs=4, type=float, metavar=("XMIN", "YMIN", "XMAX", "YMAX"))
    p.add_argument("--aoi", help="vector file whose polygons limit the prediction")
    p.add_argument("--reference", help="reference class raster: adds the confident-error heatmap")
    p.add_argument("--heatmaps", default=",".join(d.heatmaps), help="comma list of confidence,change,error")
    p.add_argument(
        "--allow-input-mismatch", action="store_true",
        help="use rasters whose bands, data type or values differ from the model's training frames",
    )  # fmt: skip


def int_list(text: str | None) -> tuple[int, ...] | None:
    if not text:
        return None
    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError as exc:
        raise IsageError(f"'{text}' is not a comma-separated list of integers; write e.g. 1,2,3") from exc


def model_settings(a: argparse.Namespace) -> ModelSettings:
    return ModelSettings(
        a.architecture, a.encoder, a.weights, int_list(a.decoder_channels), int_list(a.bands)
    )


def train_settings(a: argparse.Namespace) -> TrainSettings:
    return TrainSettings(
        steps=a.steps,
        epochs=a.epochs,
        frame_epochs=a.frame_epochs,
        batch_size=a.batch_size,
        patch_size=a.patch_size,
        learning_rate=a.lr,
        lr_schedule=a.lr_schedule,
        grad_clip=a.grad_clip,
        schedule=a.schedule,
        max_steps=a.max_steps,
        time_budget_s=a.time_budget or None,
        press_budget_s=a.press_budget or None,
        check_steps=a.check_steps,
        fit_target=a.fit_target,
        plateau=a.plateau,
        loss=a.loss,
        error_weight=a.error_weight,
        augment=not a.no_augment,
        amp=not a.no_amp,
        device=a.device,
        seed=a.seed,
        warm_start=not a.no_warm_start,
        allow_input_mismatch=a.allow_input_mismatch,
    )


def predict_settings(a: argparse.Namespace) -> PredictSettings:
    heatmaps = tuple(h for h in a.heatmaps.split(",") if h)
    wrong = [h for h in heatmaps if h not in ("confidence", "change", "error")]
    if wrong:
        raise IsageError(f"unknown heatmap {', '.join(wrong)}; choose among confidence, change, error")
    return PredictSettings(
        tile_size=a.tile_size,
        overlap=a.overlap,
        batch_size=a.batch_size,
        block_size=a.block_size,
        device=a.device,
        heatmaps=heatmaps,
        extent=tuple(a.extent) if a.extent else None,
        aoi=a.aoi,
        reference=a.reference,
        allow_input_mismatch=a.allow_input_mismatch,
        backend=a.backend,
        precision=a.precision,
        threads=a.threads,
    )


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
