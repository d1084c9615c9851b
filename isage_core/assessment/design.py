"""A stratified random sampling design from an iteration's map (``isage assess design``).

The strata are the map's classes; the stratum weights come from exact pixel counts; each stratum's
points are drawn without replacement, every pixel of the stratum equally likely, with a seeded
generator, then put in a random order (point ids 1..n) so that any prefix of the labelling order is a
random sample too. Pixels under or next to a training click stay in the population (leaving them out
would bias it); how many points lie near one is recorded.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

import numpy as np

from ..errors import IsageError
from ..events import utc_now
from ..record.assessment import NEAR_CLICK_PX, Design, click_distances
from ..record.backends import assessment_store
from ..record.workspace import Workspace
from ..settings import AssessSettings
from . import estimators
from .population import Block, MapReader, Population, iterations_with_maps

log = logging.getLogger(__name__)


@dataclass
class StrataCount:
    pixels: dict[int, int]
    area_m2: dict[int, float]

    @property
    def total_pixels(self) -> int:
        return sum(self.pixels.values())

    @property
    def total_area_m2(self) -> float:
        return sum(self.area_m2.values())


def count_strata(blocks: Iterable[Block], class_ids: list[int]) -> StrataCount:
    """Exact pixel counts and areas of each class in the population's blocks."""
    pixels = dict.fromkeys(class_ids, 0)
    area = dict.fromkeys(class_ids, 0.0)
    for block in blocks:
        classes = block.classes[block.valid]
        weights = np.broadcast_to(block.row_area_m2[:, None], block.classes.shape)[block.valid]
        unknown = set(np.unique(classes).tolist()) - set(class_ids)
        if unknown:
            raise IsageError(
                f"frame '{block.frame}': the map holds class(es) {sorted(unknown)} the record does not "
                "know; add the classes or predict again with the workspace's model"
            )
        for k in class_ids:
            chosen = classes == k
            pixels[k] += int(chosen.sum())
            area[k] += float(weights[chosen].sum())
    return StrataCount(pixels, area)


def draw_sample(
    blocks: Callable[[], Iterable[Block]],
    sizes: dict[int, int],
    pixels: dict[int, int],
    rng: np.random.Generator,
) -> list[tuple[str, int, int, int]]:
    """``(frame, row, col, stratum)`` of ``sizes[h]`` distinct pixels of each stratum ``h``, every pixel
    of it equally likely, in a random order. ``blocks()`` gives the population's blocks, always in the
    same order, as :func:`count_strata` counted them (``pixels``)."""
    wanted = {h: np.sort(rng.choice(pixels[h], size=n, replace=False)) for h, n in sizes.items() if n > 0}
    seen = dict.fromkeys(wanted, 0)
    points: list[tuple[str, int, int, int]] = []
    for block in blocks():
        for h, ranks in wanted.items():
            flat = np.flatnonzero(block.valid & (block.classes == h))
            lo, hi = np.searchsorted(ranks, [seen[h], seen[h] + len(flat)])
            for rank in ranks[lo:hi]:
                r, c = divmod(int(flat[rank - seen[h]]), block.classes.shape[1])
                points.append((block.frame, block.row0 + r, block.col0 + c, h))
            seen[h] += len(flat)
    if seen != {h: pixels[h] for h in wanted}:
        raise IsageError("the map changed while the sample was drawn; draw the design again")
    order = rng.permutation(len(points))
    return [points[i] for i in order]


def parse_anticipated(text: str | None) -> tuple[float, dict[int, float]]:
    """``0.85`` (every class) or ``1:0.7,2:0.9`` (those classes; the others 0.85)."""
    default, per_class = 0.85, {}
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if ":" in part:
                key, value = part.split(":", 1)
                per_class[int(key)] = float(value)
            else:
                default = float(part)
        except ValueError as exc:
            raise IsageError(
                f"--anticipated '{text}': write 0.85 or class:accuracy pairs like 1:0.7,2:0.9"
            ) from exc
    for value in [default, *per_class.values()]:
        if not 0.0 < value < 1.0:
            raise IsageError(f"--anticipated {value}: a user's accuracy strictly between 0 and 1, e.g. 0.85")
    return default, per_class


def population_of(workspace: Workspace, settings: AssessSettings) -> Population:
    """The frames (all of the record's) and the extent / AOI (in the record CRS) of a new design."""
    frames = tuple(f.name for f in workspace.record.frames())
    if not frames:
        raise IsageError(
            f"{workspace.record.where}: no frames; add frames, train and predict before assessing"
        )
    extent = settings.extent
    record_crs = workspace.record.crs
    if extent is not None:
        if extent[0] >= extent[2] or extent[1] >= extent[3]:
            raise IsageError(f"--extent {extent}: give XMIN YMIN XMAX YMAX with XMIN < XMAX and YMIN < YMAX")
        if settings.extent_crs and record_crs is not None:
            from .. import geo

            xs, ys = geo.reproject_points(
                [extent[0], extent[2], extent[0], extent[2]],
                [extent[1], extent[1], extent[3], extent[3]],
                settings.extent_crs,
                record_crs,
            )
            extent = (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))
    aoi = _aoi_wkt(settings.aoi, record_crs) if settings.aoi else None
    return Population(frames, extent, aoi)


def _aoi_wkt(path: str, record_crs) -> str:
    import geopandas as gpd

    try:
        shapes = gpd.read_file(path, engine="pyogrio")
    except Exception as exc:
        raise IsageError(
            f"{path}: not a readable vector file ({exc}); give polygons (GeoPackage, shapefile...)"
        ) from exc
    polygons = shapes[shapes.geometry.notna() & shapes.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polygons.empty:
        raise IsageError(f"{path}: holds no polygons; give the area of interest as polygons")
    if record_crs is not None and polygons.crs is not None:
        polygons = polygons.to_crs(record_crs.to_wkt())
    return polygons.union_all().wkt if hasattr(polygons, "union_all") else polygons.unary_union.wkt


def choose_iteration(workspace: Workspace, requested: int | None) -> int:
    """The iteration whose map gives the strata: the one asked for, else the newest with every frame's map."""
    names = [f.name for f in workspace.record.frames()]
    ready = iterations_with_maps(workspace, names)
    if requested is not None:
        if requested not in {r.iteration for r in workspace.record.runs()}:
            raise IsageError(
                f"{workspace.record.where}: no iteration {requested}; see `isage info {workspace.folder}`"
            )
        return requested
    if not ready:
        raise IsageError(
            f"{workspace.outputs_dir}: no iteration has a map of every frame; train and predict first "
            f"(`isage predict {workspace.folder}`)"
        )
    return ready[-1]


def create_design(workspace: Workspace, settings: AssessSettings) -> tuple[Design, dict]:
    """Draw a design from the map of ``settings.iteration`` and store it with its points in the record;
    returns it and a summary (strata with weights and sizes, anticipated SE, points near clicks)."""
    record = workspace.record
    record.check_writable()
    classes = record.classes()
    class_ids = [c.id for c in classes]
    iteration = choose_iteration(workspace, settings.iteration)
    population = population_of(workspace, settings)
    frames = [f for f in record.frames() if f.name in population.frames]
    readers = [MapReader(workspace, iteration, f) for f in frames]
    try:

        def blocks() -> Iterable[Block]:
            for reader in readers:
                yield from reader.blocks(population, record.crs)

        counted = count_strata(blocks(), class_ids)
        if counted.total_pixels == 0:
            raise IsageError(
                f"{workspace.record.where}: no mapped pixel lies in the extent/AOI; "
                "widen it or predict there first"
            )
        weights = {h: n / counted.total_pixels for h, n in counted.pixels.items()}
        unknown = sorted(set(settings.anticipated) - set(class_ids))
        if unknown:
            raise IsageError(f"--anticipated names class(es) {unknown} the record does not have; use its ids")
        anticipated = {h: settings.anticipated.get(h, settings.anticipated_default) for h in class_ids}
        total = settings.size or estimators.sample_size(weights, anticipated, settings.target_se)
        if total > counted.total_pixels:
            raise IsageError(
                f"{workspace.record.where}: a sample of {total} points is larger than the "
                f"{counted.total_pixels} "
                "mapped pixels of the population; ask for fewer points (--size) or a larger area"
            )
        if total < 1:
            raise IsageError("--size: give at least 1 point")
        sizes = estimators.allocate(total, counted.pixels, settings.allocation, settings.minimum)
        rng = np.random.default_rng(settings.seed)
        points = draw_sample(blocks, sizes, counted.pixels, rng)
    finally:
        for reader in readers:
            reader.close()
    clicks = [(c.frame, c.row, c.col) for c in record.clicks()]
    distances = click_distances([(f, r, c) for f, r, c, _ in points], clicks)
    strata = [
        {"class_id": h, "pixels": counted.pixels[h], "area_m2": counted.area_m2[h], "sample": sizes.get(h, 0)}
        for h in class_ids
    ]
    design_settings = asdict(settings)
    design_settings.update(anticipated={str(h): u for h, u in anticipated.items()}, size=total)
    design = Design(
        uuid.uuid4().hex, utc_now(), settings.annotator, iteration, settings.seed, design_settings, strata,
        dict(population.as_dict(), pixels=counted.total_pixels, area_m2=counted.total_area_m2),
    )  # fmt: skip
    assessment_store(record).add_design(
        design, [(f, r, c, h, d) for (f, r, c, h), d in zip(points, distances, strict=True)]
    )
    names = {c.id: c.name for c in classes}
    summary = {
        "design_id": design.design_id,
        "iteration": iteration,
        "size": len(points),
        "strata": [
            dict(s, name=names[s["class_id"]], weight=weights[s["class_id"]])
            for s in strata
            if s["pixels"] > 0
        ],
        "absent_classes": [h for h in class_ids if counted.pixels[h] == 0],
        "anticipated_se": estimators.anticipated_se(weights, anticipated, sizes),
        "near_clicks": sum(d is not None for d in distances),
        "near_click_px": NEAR_CLICK_PX,
    }
    log.info(
        "design %s: %d points over %d strata of iteration %d's map (%d within %d px of a training click)",
        design.design_id[:8], len(points), len(summary["strata"]), iteration, summary["near_clicks"],
        NEAR_CLICK_PX,
    )  # fmt: skip
    return design, summary
