"""Estimates from a labelled design (``isage assess report``): the accuracy of every iteration's map
and the class areas, with standard errors and 95 % confidence intervals.

Only one design enters an estimate. Unsure labels and unlabelled points are left out (a point's label
order is random, so the labelled points of each stratum stay a random sample of it); the report says
how many, and which strata have too few labelled points for an estimate or an interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..areas import M2_PER_HA, pixel_areas_m2
from ..errors import IsageError
from ..record.assessment import Design, SamplePoint
from ..record.backends import assessment_store
from ..record.workspace import Workspace
from . import estimators
from .population import MapReader, Population, iterations_with_maps

# n * min(p, 1 - p) below this: the normal interval of a stratum's share is approximate
APPROXIMATE_BELOW = 10
# fewer labelled points of a reference class than this: its producer's accuracy interval is approximate
# (1,000 simulated designs: 22 such points covered the truth 76 % of the time, 42 points 91 %)
PRODUCERS_APPROXIMATE = 50
COUNT_TOLERANCE = 1e-3  # a strata map may differ from the design's counts by this share (a re-prediction)


@dataclass
class LabelledPoints:
    design: Design
    points: list[SamplePoint]  # labelled with a class (not unsure)
    reference: np.ndarray
    unsure: int
    unlabelled: int
    total: int


def labelled_points(workspace: Workspace, design_id: str | None, partial: bool) -> LabelledPoints:
    """The design's points that carry a class label; refuses an unlabelled sample, and a half-labelled one
    unless ``partial``."""
    store = assessment_store(workspace.record)
    design = store.design(design_id)
    points = store.points(design.design_id)
    labels = {lab.point_id: lab for lab in store.labels(design.design_id)}
    unlabelled = [p for p in points if p.point_id not in labels]
    short = design.design_id[:8]
    if len(unlabelled) == len(points):
        raise IsageError(
            f"{workspace.record.where}: no point of design {short} is labelled yet; label them (the panel's "
            f"Assess map, or `isage assess label`) before a report"
        )
    if unlabelled and not partial:
        raise IsageError(
            f"{workspace.record.where}: {len(unlabelled)} of {len(points)} points of design {short} are "
            "unlabelled; label them, or pass --partial to estimate from the labelled ones"
        )
    frames = {f.name for f in workspace.record.frames()}
    missing = sorted({p.frame for p in points} - frames)
    if missing:
        raise IsageError(
            f"{workspace.record.where}: design {short} lies on frames {missing} the record lacks"
        )
    with_class = [p for p in points if p.point_id in labels and not labels[p.point_id].unsure]
    if not with_class:
        raise IsageError(
            f"{workspace.record.where}: every labelled point of design {short} is unsure; label some"
        )
    reference = np.array([labels[p.point_id].class_id for p in with_class], dtype=np.int64)
    unsure = sum(1 for lab in labels.values() if lab.unsure)
    return LabelledPoints(design, with_class, reference, unsure, len(unlabelled), len(points))


def _point_areas(workspace: Workspace, points: list[SamplePoint]) -> np.ndarray:
    frames = {f.name: f for f in workspace.record.frames()}
    return np.array(
        [
            float(pixel_areas_m2(frames[p.frame].info.crs, frames[p.frame].info.affine, np.array([p.row]))[0])
            for p in points
        ]
    )


def _assess_iteration(
    workspace: Workspace, sample: LabelledPoints, iteration: int, areas: np.ndarray
) -> dict:
    """The figures of one iteration's map (``iteration``) estimated with the design's sample."""
    design, record = sample.design, workspace.record
    frames = [f for f in record.frames() if f.name in design.population["frames"]]
    population = Population(
        tuple(design.population["frames"]),
        tuple(design.population["extent"]) if design.population.get("extent") else None,
        design.population.get("aoi"),
    )
    class_ids = [c.id for c in record.classes()]
    mapped_area = dict.fromkeys(class_ids, 0.0)
    strata_pixels = dict.fromkeys(class_ids, 0)
    mapped_at = np.full(len(sample.points), -1, dtype=np.int64)
    for frame in frames:
        strata_map = MapReader(workspace, design.iteration, frame)
        assessed = MapReader(workspace, iteration, frame)
        try:
            for block in strata_map.blocks(population, record.crs):
                classes = _read_frame_window(assessed, block.row0, block.col0, *block.classes.shape)
                if (classes[block.valid] < 0).any():
                    raise IsageError(
                        f"{assessed.path}: iteration {iteration}'s map does not cover the whole population "
                        "of "
                        f"design {design.design_id[:8]} (it was predicted for another extent); predict the "
                        f"whole frames (`isage predict {workspace.folder}`) and report again"
                    )
                weights = np.broadcast_to(block.row_area_m2[:, None], classes.shape)[block.valid]
                for k, n in zip(*np.unique(block.classes[block.valid], return_counts=True), strict=True):
                    strata_pixels[int(k)] = strata_pixels.get(int(k), 0) + int(n)
                valid_classes = classes[block.valid]
                for k in class_ids:
                    mapped_area[k] += float(weights[valid_classes == k].sum())
            on_frame = [i for i, p in enumerate(sample.points) if p.frame == frame.name]
            rows = np.array([sample.points[i].row for i in on_frame], dtype=np.int64)
            cols = np.array([sample.points[i].col for i in on_frame], dtype=np.int64)
            mapped_at[on_frame] = assessed.classes_at(rows, cols)
        finally:
            strata_map.close()
            assessed.close()
    _check_strata(workspace, design, strata_pixels)
    if (mapped_at < 0).any():
        raise IsageError(
            f"iteration {iteration}'s map has no class at some sample points of design "
            f"{design.design_id[:8]}; predict the whole frames and report again"
        )
    stored = {int(s["class_id"]): int(s["pixels"]) for s in design.strata}
    labelled = estimators.LabelledSample(
        np.array([p.stratum for p in sample.points]), sample.reference, mapped_at, areas, stored
    )
    total_area = float(design.population["area_m2"])
    result = estimators.assess_map(labelled, class_ids, total_area, mapped_area)
    names = {c.id: c.name for c in record.classes()}
    per_stratum = {h: int(np.sum(labelled.strata == h)) for h in stored}
    return {
        "iteration": iteration,
        "overall_accuracy": result.overall_accuracy.as_dict(),
        "classes": [
            {
                "class_id": f.class_id,
                "name": names[f.class_id],
                "users_accuracy": _or_none(f.users_accuracy),
                "producers_accuracy": _or_none(f.producers_accuracy),
                "area_ha": _or_none(f.area_m2.scaled(1 / M2_PER_HA)),
                "mapped_area_ha": f.mapped_area_m2 / M2_PER_HA,
                "labelled_in_stratum": per_stratum.get(f.class_id, 0),
            }
            for f in result.classes
        ],
        "error_matrix": {
            "class_ids": result.class_ids,
            "proportions": [[None if np.isnan(v) else float(v) for v in row] for row in result.error_matrix],
            "rows": "map class",
            "columns": "reference class",
        },
        "total_area_ha": total_area / M2_PER_HA,
        "strata_without_points": result.strata_without_points,
        "strata_with_one_point": result.strata_with_one_point,
    }


def _or_none(estimate: estimators.Estimate) -> dict | None:
    return None if estimate.estimate is None else estimate.as_dict()


def _read_frame_window(reader: MapReader, row0: int, col0: int, height: int, width: int) -> np.ndarray:
    """The map's classes on a window given in frame pixels; -1 where the map has none."""
    from rasterio.windows import Window

    from .. import geo
    from .population import NODATA

    out = np.full((height, width), -1, dtype=np.int64)
    r0, c0 = row0 - reader.row_off, col0 - reader.col_off
    top, left = max(r0, 0), max(c0, 0)
    bottom, right = min(r0 + height, reader.src.height), min(c0 + width, reader.src.width)
    if bottom <= top or right <= left:
        return out
    window = Window(left, top, right - left, bottom - top)
    values = geo.read_pixels(reader.src, 1, window=window).astype(np.int64)
    valid = (reader.src.read_masks(1, window=window) > 0) & (values != NODATA)
    out[top - r0 : bottom - r0, left - c0 : right - c0] = np.where(valid, values, -1)
    return out


def _check_strata(workspace: Workspace, design: Design, counted: dict[int, int]) -> None:
    for stratum in design.strata:
        stored, now = int(stratum["pixels"]), counted.get(int(stratum["class_id"]), 0)
        if abs(now - stored) > COUNT_TOLERANCE * max(stored, 1) + 1:
            raise IsageError(
                f"{workspace.outputs_dir / f'iteration_{design.iteration:03d}'}: the map design "
                f"{design.design_id[:8]} was drawn from changed since (class {stratum['class_id']}: {stored} "
                f"pixels then, {now} now); its strata no longer hold: create a new design"
            )


def assessment_report(
    workspace: Workspace, design_id: str | None = None, iteration: int | None = None, partial: bool = False
) -> dict:
    """Every iteration's overall accuracy with its interval, and the full figures of ``iteration`` (the
    newest by default), from one design's labels."""
    sample = labelled_points(workspace, design_id, partial)
    design = sample.design
    ready = iterations_with_maps(workspace, list(design.population["frames"]))
    if iteration is not None and iteration not in ready:
        raise IsageError(
            f"{workspace.outputs_dir}: iteration {iteration} has no map of every frame of design "
            f"{design.design_id[:8]}; predict it, or choose one of {ready}"
        )
    if design.iteration not in ready:
        raise IsageError(
            f"{workspace.outputs_dir / f'iteration_{design.iteration:03d}'}: the map design "
            f"{design.design_id[:8]} was drawn from is gone; predict iteration {design.iteration} again"
        )
    areas = _point_areas(workspace, sample.points)
    per_iteration, warnings = [], []
    for it in ready:
        try:
            per_iteration.append(_assess_iteration(workspace, sample, it, areas))
        except IsageError as exc:
            if it == iteration or it == design.iteration:
                raise
            warnings.append(f"iteration {it} left out: {exc}")
    chosen = iteration if iteration is not None else per_iteration[-1]["iteration"]  # the newest scored
    detail = next(r for r in per_iteration if r["iteration"] == chosen)
    if sample.unlabelled:
        warnings.append(
            f"partial: {sample.unlabelled} of {sample.total} points unlabelled; the estimates use the "
            f"{len(sample.points)} labelled with a class"
        )
    if sample.unsure:
        warnings.append(f"{sample.unsure} point(s) labelled unsure are left out of the estimates")
    names = {c.id: c.name for c in workspace.record.classes()}
    for h in detail["strata_without_points"]:
        warnings.append(
            f"stratum {names.get(h, h)} has no labelled point: no estimate is possible; label its points"
        )
    if chosen == design.iteration:  # strata = the map's classes: a user's accuracy is a stratum's share
        for c in detail["classes"]:
            ua, n = c["users_accuracy"], c["labelled_in_stratum"]
            if (
                ua
                and ua["se"] is not None
                and n * min(ua["estimate"], 1 - ua["estimate"]) < APPROXIMATE_BELOW
            ):
                warnings.append(
                    f"user's accuracy of {c['name']}: {n} points and an accuracy near 0 or 1, so its "
                    "interval is approximate (it may hold the truth less often than 95 %); label more points"
                )
    for c in detail["classes"]:
        seen = int(np.sum(sample.reference == c["class_id"]))
        if (
            c["producers_accuracy"]
            and c["producers_accuracy"]["se"] is not None
            and seen < PRODUCERS_APPROXIMATE
        ):
            warnings.append(
                f"producer's accuracy of {c['name']}: {seen} labelled points show it, so its interval is "
                "approximate (it may hold the truth less often than 95 %); label more points"
            )
    for h in detail["strata_with_one_point"]:
        warnings.append(
            f"stratum {names.get(h, h)} has one labelled point: too few for an interval; label more"
        )
    near = sum(1 for p in sample.points if p.click_distance_px is not None)
    return {
        "design_id": design.design_id,
        "design_iteration": design.iteration,
        "points": sample.total,
        "labelled": len(sample.points) + sample.unsure,
        "unsure": sample.unsure,
        "unlabelled": sample.unlabelled,
        "partial": bool(sample.unlabelled),
        "near_clicks": near,
        "iterations": [
            {"iteration": r["iteration"], "overall_accuracy": r["overall_accuracy"]} for r in per_iteration
        ],
        "report": detail,
        "all_iterations": per_iteration,
        "warnings": warnings,
    }
