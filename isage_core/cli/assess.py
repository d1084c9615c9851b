"""``isage assess``: an independent accuracy assessment of the map, with class areas (design, points,
label, report)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cancel import CancelToken
from ..errors import IsageError
from ..settings import AssessSettings
from .reporters import Reporter


def add_assess_options(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    d = AssessSettings()

    design = sub.add_parser(
        "design", help="draw a stratified random sample of pixels from an iteration's map"
    )
    design.add_argument("workspace")
    design.add_argument(
        "--iteration", type=int, help="the map whose classes are the strata (default: newest)"
    )
    size = design.add_mutually_exclusive_group()
    size.add_argument("--size", type=int, help="total points (default: from --target-se)")
    size.add_argument(
        "--target-se", type=float, default=d.target_se,
        help=f"standard error of overall accuracy the sample should reach (default {d.target_se})",
    )  # fmt: skip
    design.add_argument(
        "--anticipated", default=str(d.anticipated_default),
        help="anticipated user's accuracy: one value, or class:value pairs (default 0.85 each)",
    )  # fmt: skip
    design.add_argument(
        "--allocation", default=f"minimum:{d.minimum}",
        help="proportional, equal, or minimum:K (proportional, at least K per class; default minimum:50)",
    )  # fmt: skip
    design.add_argument("--extent", nargs=4, type=float, metavar=("XMIN", "YMIN", "XMAX", "YMAX"))
    design.add_argument("--extent-crs", help="CRS of --extent (default: the record's)")
    design.add_argument("--aoi", help="polygons (vector file) limiting the population")
    design.add_argument("--seed", type=int, default=d.seed)
    design.add_argument("--annotator", default="", help="who created the design")

    points = sub.add_parser("points", help="the sample as a GeoPackage or CSV to fill in elsewhere (blind)")
    points.add_argument("workspace")
    points.add_argument("--out", required=True, help="a .gpkg or .csv file")
    points.add_argument("--design", help="design id or a unique prefix (default: the newest)")

    label = sub.add_parser("label", help="reference labels from a filled-in sample file (all or nothing)")
    label.add_argument("workspace")
    label.add_argument("file", help="the file `isage assess points` wrote, with the class column filled in")
    label.add_argument(
        "--class-field", default="class", help="the column holding class ids, names or 'unsure'"
    )
    label.add_argument("--point-field", default="point_id")
    label.add_argument("--annotator", default="", help="who labelled (default: the file's annotator column)")
    label.add_argument(
        "--replace", action="store_true", help="correct labelled points (retracts their label)"
    )
    label.add_argument("--design", help="design id or a unique prefix (default: the newest)")

    report = sub.add_parser("report", help="accuracy and areas with 95 %% intervals, per iteration")
    report.add_argument("workspace")
    report.add_argument("--design", help="design id or a unique prefix (default: the newest)")
    report.add_argument("--iteration", type=int, help="the map reported in full (default: the newest)")
    report.add_argument("--partial", action="store_true", help="estimate from the points labelled so far")
    report.add_argument("--out", help="folder of the report files (default: outputs/assessment/<design>)")


def _allocation(text: str) -> tuple[str, int]:
    kind, _, count = text.partition(":")
    if kind in ("proportional", "equal") and not count:
        return kind, 0
    if kind == "minimum" and count.isdigit() and int(count) > 0:
        return kind, int(count)
    raise IsageError(f"--allocation {text}: write proportional, equal or minimum:K (e.g. minimum:50)")


def assess_cmd(a, reporter: Reporter, cancel: CancelToken) -> None:
    from ..record.workspace import Workspace

    ws = Workspace.open(a.workspace)
    {"design": _design, "points": _points, "label": _label, "report": _report}[a.action](a, ws, reporter)


def _design(a, ws, reporter: Reporter) -> None:
    from ..assessment.design import create_design, parse_anticipated

    default, per_class = parse_anticipated(a.anticipated)
    rule, minimum = _allocation(a.allocation)
    if a.size is not None and a.size < 1:
        raise IsageError(f"--size {a.size}: give at least 1 point")
    if a.target_se is not None and not 0 < a.target_se < 0.5:
        raise IsageError(f"--target-se {a.target_se}: give a standard error between 0 and 0.5, e.g. 0.025")
    settings = AssessSettings(
        iteration=a.iteration, size=a.size, target_se=a.target_se or 0.025, anticipated=per_class,
        anticipated_default=default, allocation=rule, minimum=minimum,
        extent=tuple(a.extent) if a.extent else None, extent_crs=a.extent_crs, aoi=a.aoi, seed=a.seed,
        annotator=a.annotator,
    )  # fmt: skip
    _, summary = create_design(ws, settings)
    reporter.result(design=summary, outputs={"record": ws.record_location.resolve()})


def _points(a, ws, reporter: Reporter) -> None:
    from ..assessment.sample_files import write_points
    from ..record.backends import assessment_store

    store = assessment_store(ws.record)
    design = store.design(a.design)
    path = write_points(a.out, design, store.points(design.design_id), ws.record.crs)
    reporter.result(design_id=design.design_id, points=design.size, outputs={"points": path.resolve()})


def _label(a, ws, reporter: Reporter) -> None:
    from ..assessment.sample_files import read_labels
    from ..record.backends import assessment_store

    store = assessment_store(ws.record)
    design = store.design(a.design)
    names = {c.name: c.id for c in ws.record.classes()}
    requests, empty = read_labels(
        a.file, design, store.points(design.design_id), a.class_field, names, point_field=a.point_field,
        annotator=a.annotator,
    )  # fmt: skip
    report = store.add_labels(design.design_id, requests, replace=a.replace, by=a.annotator)
    if report.refused:
        for source, reason in report.refused:
            reporter.log(f"{source}: refused ({reason})", "warning")
        raise IsageError(
            f"{a.file}: {len(report.refused)} of {len(requests)} labels refused ({report.refused[0][1]}); "
            "nothing was labelled: fix the file, or pass --replace to correct labelled points"
        )
    labelled = {lab.point_id for lab in store.labels(design.design_id)}
    reporter.result(
        design_id=design.design_id, added=report.added, replaced=report.replaced, empty_rows=empty,
        labelled=len(labelled), unlabelled=design.size - len(labelled),
    )  # fmt: skip


def _report(a, ws, reporter: Reporter) -> None:
    from ..assessment.outputs import write_report
    from ..assessment.report import assessment_report

    report = assessment_report(ws, a.design, a.iteration, a.partial)
    for warning in report["warnings"]:
        reporter.log(warning, "warning")
    folder = Path(a.out) if a.out else ws.outputs_dir / "assessment" / report["design_id"][:8]
    names = {c.id: c.name for c in ws.record.classes()}
    paths = write_report(folder, report, names)
    summary = {k: v for k, v in report.items() if k != "all_iterations"}
    reporter.result(**summary, outputs={k: p.resolve() for k, p in paths.items()})
