"""Do the assessment's 95 % intervals hold 95 % of the time? A Monte Carlo study on frames whose dense
reference masks give the true accuracy and areas: the design is drawn many times from a map (the same
code as ``isage assess design``), each sample labelled from the masks, and every estimate's interval
checked against the truth counted on every pixel."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ..assessment import estimators
from ..assessment.design import count_strata, draw_sample
from ..assessment.population import NODATA, Block


def _figures(result: estimators.MapAssessment) -> dict[str, estimators.Estimate]:
    out = {"overall accuracy": result.overall_accuracy}
    for c in result.classes:
        out[f"user's accuracy {c.class_id}"] = c.users_accuracy
        out[f"producer's accuracy {c.class_id}"] = c.producers_accuracy
        out[f"area {c.class_id}"] = c.area_m2
    return out


def true_figures(
    maps: Mapping[str, np.ndarray],
    references: Mapping[str, np.ndarray],
    class_ids: list[int],
    pixel_area: float,
) -> dict[str, float]:
    """The figures the estimators estimate, counted on every mapped pixel."""
    mapped = np.concatenate([maps[n][maps[n] != NODATA].ravel() for n in maps])
    truth = np.concatenate([references[n][maps[n] != NODATA].ravel() for n in maps])
    out = {"overall accuracy": float(np.mean(mapped == truth))}
    for k in class_ids:
        both = np.sum((mapped == k) & (truth == k))
        out[f"user's accuracy {k}"] = float(both / max(np.sum(mapped == k), 1))
        out[f"producer's accuracy {k}"] = float(both / max(np.sum(truth == k), 1))
        out[f"area {k}"] = float(np.sum(truth == k) * pixel_area)
    return out


def coverage_study(
    maps: Mapping[str, np.ndarray],
    references: Mapping[str, np.ndarray],
    class_ids: list[int],
    *,
    pixel_area: float,
    size: int,
    allocation: str = "minimum",
    minimum: int = 30,
    draws: int = 1000,
    seed: int = 0,
    assess: Callable = estimators.assess_map,
) -> dict[str, dict]:
    """Per figure: the truth, the mean and spread of the estimates over ``draws`` designs, the bias in
    Monte Carlo standard errors, the share of draws whose 95 % interval held the truth (a draw that gives
    no interval, its sample showing no spread, counts as not holding it) and how many gave none."""
    blocks = [
        Block(n, 0, 0, m.astype(np.int64), m != NODATA, np.full(m.shape[0], pixel_area))
        for n, m in maps.items()
    ]
    counted = count_strata(blocks, class_ids)
    sizes = estimators.allocate(size, counted.pixels, allocation, minimum)
    truth = true_figures(maps, references, class_ids, pixel_area)
    rng = np.random.default_rng(seed)
    estimates: dict[str, list[float]] = {k: [] for k in truth}
    covered: dict[str, list[bool]] = {k: [] for k in truth}
    without = dict.fromkeys(truth, 0)
    for _ in range(draws):
        points = draw_sample(lambda: blocks, sizes, counted.pixels, rng)
        strata = np.array([h for _, _, _, h in points])
        reference = np.array([references[f][r, c] for f, r, c, _ in points], dtype=np.int64)
        sample = estimators.LabelledSample(
            strata, reference, strata.copy(), np.full(len(points), pixel_area), counted.pixels
        )
        result = assess(sample, class_ids, counted.total_area_m2, counted.area_m2)
        for name, estimate in _figures(result).items():
            if estimate.estimate is None:
                continue
            estimates[name].append(estimate.estimate)
            # a draw whose estimate has no interval (no spread in the sample) holds the truth in none
            covered[name].append(
                estimate.ci95 is not None and estimate.ci95[0] <= truth[name] <= estimate.ci95[1]
            )
            without[name] += estimate.ci95 is None
    out = {}
    for name, values in estimates.items():
        values_arr = np.asarray(values)
        spread = float(values_arr.std(ddof=1)) if len(values_arr) > 1 else float("nan")
        mc_se = spread / np.sqrt(len(values_arr)) if len(values_arr) else float("nan")
        mean = float(values_arr.mean()) if len(values_arr) else float("nan")
        out[name] = {
            "truth": truth[name],
            "mean": mean,
            "sd": spread,
            "bias_in_mc_se": (mean - truth[name]) / mc_se if mc_se > 0 else 0.0,
            "coverage": float(np.mean(covered[name])) if covered[name] else float("nan"),
            "draws": len(values_arr),
            "without_interval": without[name],
        }
    return {
        "sizes": {int(h): int(n) for h, n in sizes.items()},
        "points": int(sum(sizes.values())),
        "figures": out,
    }
