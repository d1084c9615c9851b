"""Stratified estimators of map accuracy and class areas from a labelled stratified random sample.

Olofsson et al. 2014 (Remote Sensing of Environment 148: 42-57, equations 2-12) give them for strata
equal to the map's classes; Stehman 2014 (Int. J. Remote Sensing 35: 4923-4939) for any map assessed
with the same sample (a later iteration's map, whose classes no longer match the strata). Both are the
estimator of a population total under stratified random sampling,

    T(y) = sum_h N_h * mean_h(y),   V(T) = sum_h N_h**2 * var_h(y) / n_h   (var with n_h - 1),

and of a ratio of two totals, R = T(y) / T(x), with V(R) = sum_h N_h**2 * (var_h(y) + R**2 var_h(x)
- 2 R cov_h(x, y)) / n_h / T(x)**2, applied to per-pixel indicators weighted by the pixel's area (so
frames of several resolutions, or a geographic CRS, weigh each pixel by its ground area). With equal
pixel areas and strata equal to the map's classes these are exactly Olofsson's equations. The finite
population correction is left out, as there (it is below 0.1 % for a few hundred points in a map of a
million pixels, and leaving it out only widens the intervals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

Z95 = 1.959963984540054  # the standard normal quantile of a two-sided 95 % interval


@dataclass(frozen=True)
class Estimate:
    """A point estimate with its standard error (None where the sample cannot give it)."""

    estimate: float | None
    se: float | None
    limits: tuple[float, float] | None = None  # the values it can take: the interval is clipped to them

    @property
    def ci95(self) -> tuple[float, float] | None:
        """The 95 % interval; None without a standard error, or with a zero one (every point agreed: the
        sample shows no spread, which is not certainty)."""
        if self.estimate is None or not self.se:
            return None
        low, high = self.estimate - Z95 * self.se, self.estimate + Z95 * self.se
        if self.limits is not None:
            low, high = max(low, self.limits[0]), min(high, self.limits[1])
        return low, high

    def within(self, low: float, high: float) -> Estimate:
        return Estimate(self.estimate, self.se, (low, high))

    def scaled(self, factor: float) -> Estimate:
        limits = None if self.limits is None else (self.limits[0] * factor, self.limits[1] * factor)
        return Estimate(
            None if self.estimate is None else self.estimate * factor,
            None if self.se is None else self.se * factor,
            limits,
        )

    def as_dict(self) -> dict:
        ci = self.ci95
        return {"estimate": self.estimate, "se": self.se, "ci95": list(ci) if ci else None}


@dataclass(frozen=True)
class LabelledSample:
    """The labelled points of one design seen through one map: per point its stratum, reference class,
    the assessed map's class and its pixel area (m²); ``stratum_pixels`` holds N_h of every stratum."""

    strata: np.ndarray
    reference: np.ndarray
    mapped: np.ndarray
    area_m2: np.ndarray
    stratum_pixels: dict[int, int]


class StratifiedEstimator:
    """Totals and ratios of totals of per-point values over a :class:`LabelledSample`'s population."""

    def __init__(self, sample: LabelledSample):
        self.sample = sample
        strata = np.asarray(sample.strata)
        self.groups = {h: np.flatnonzero(strata == h) for h in sample.stratum_pixels}
        # strata of the population with no labelled point: no estimate is possible (their share is unknown)
        populated = [h for h in self.groups if sample.stratum_pixels[h] > 0]
        self.empty = sorted(h for h in populated if len(self.groups[h]) == 0)
        self.single = sorted(h for h in populated if len(self.groups[h]) == 1)
        used = [h for h in populated if len(self.groups[h]) > 0]
        self._index = np.full(len(strata), -1, dtype=np.int64)
        for slot, h in enumerate(used):
            self._index[self.groups[h]] = slot
        self._n = np.array([len(self.groups[h]) for h in used], dtype=np.float64)
        self._big_n = np.array([sample.stratum_pixels[h] for h in used], dtype=np.float64)
        self._keep = self._index >= 0

    def _sums(self, values: np.ndarray) -> np.ndarray:
        """Per stratum (in use), the sum of ``values`` over its points."""
        return np.bincount(self._index[self._keep], weights=values[self._keep], minlength=len(self._n))

    def _cov(self, y: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Per stratum, the sample covariance of ``y`` and ``x`` (n_h - 1 in the denominator; NaN for one
        point)."""
        n = self._n
        with np.errstate(invalid="ignore", divide="ignore"):
            return (self._sums(y * x) - self._sums(y) * self._sums(x) / n) / (n - 1)

    def total(self, y: np.ndarray) -> Estimate:
        """Estimated population total of ``y`` (one value per point) and its standard error."""
        if self.empty:
            return Estimate(None, None)
        y = np.asarray(y, dtype=np.float64)
        estimate = float(np.sum(self._big_n * self._sums(y) / self._n))
        if self.single:
            return Estimate(estimate, None)
        variance = float(np.sum(self._big_n**2 * self._cov(y, y) / self._n))
        return Estimate(estimate, math.sqrt(max(variance, 0.0)))

    def ratio(self, y: np.ndarray, x: np.ndarray) -> Estimate:
        """Estimated ratio of the totals of ``y`` and ``x`` (None where the total of ``x`` is 0)."""
        if self.empty:
            return Estimate(None, None)
        y, x = np.asarray(y, dtype=np.float64), np.asarray(x, dtype=np.float64)
        total_y, total_x = self.total(y).estimate, self.total(x).estimate
        if not total_x:
            return Estimate(None, None)
        ratio = total_y / total_x
        terms = (
            self._big_n**2
            * (self._cov(y, y) + ratio**2 * self._cov(x, x) - 2 * ratio * self._cov(y, x))
            / self._n
        )
        single = self._n == 1
        if np.any(single & ((self._sums(np.abs(y)) > 0) | (self._sums(np.abs(x)) > 0))):
            return Estimate(float(ratio), None)  # a stratum of one point that counts: no interval
        variance = float(np.sum(terms[~single]))
        return Estimate(float(ratio), math.sqrt(max(variance, 0.0)) / total_x)


@dataclass
class ClassFigures:
    class_id: int
    users_accuracy: Estimate
    producers_accuracy: Estimate
    area_m2: Estimate  # estimated from the reference labels
    mapped_area_m2: float  # counted on the map (exact)


@dataclass
class MapAssessment:
    """Accuracy and areas of one map estimated from one design's labelled sample."""

    overall_accuracy: Estimate
    classes: list[ClassFigures]
    error_matrix: np.ndarray  # estimated area proportions, rows: map class, columns: reference class
    class_ids: list[int]
    total_area_m2: float
    strata_without_points: list[int] = field(default_factory=list)
    strata_with_one_point: list[int] = field(default_factory=list)


def assess_map(
    sample: LabelledSample, class_ids: list[int], total_area_m2: float, mapped_area_m2: dict[int, float]
) -> MapAssessment:
    """Overall, user's and producer's accuracies, the error matrix in area proportions and each class's
    area, for the map whose classes at the sample points are ``sample.mapped``; ``total_area_m2`` and
    ``mapped_area_m2`` are the population's area and each class's mapped area, counted exactly."""
    est = StratifiedEstimator(sample)
    area = np.asarray(sample.area_m2, dtype=np.float64)
    ref, mapped = np.asarray(sample.reference), np.asarray(sample.mapped)
    correct = area * (ref == mapped)
    overall = est.total(correct).within(0.0, total_area_m2).scaled(1.0 / total_area_m2)
    matrix = np.full((len(class_ids), len(class_ids)), np.nan)
    figures = []
    for i, k in enumerate(class_ids):
        on_map, in_ref = area * (mapped == k), area * (ref == k)
        both = area * ((mapped == k) & (ref == k))
        for j, m in enumerate(class_ids):
            cell = est.total(area * ((mapped == k) & (ref == m))).estimate
            matrix[i, j] = np.nan if cell is None else cell / total_area_m2
        figures.append(
            ClassFigures(
                k,
                est.ratio(both, on_map).within(0.0, 1.0),
                est.ratio(both, in_ref).within(0.0, 1.0),
                est.total(in_ref).within(0.0, total_area_m2),
                float(mapped_area_m2.get(k, 0.0)),
            )
        )
    return MapAssessment(overall, figures, matrix, list(class_ids), total_area_m2, est.empty, est.single)


# ---- sample sizes (Olofsson et al. 2014, equation 13 and section 5.1.2) -----------------------------
def sample_size(weights: dict[int, float], anticipated: dict[int, float], target_se: float) -> int:
    """Points needed for a standard error ``target_se`` of overall accuracy: (sum W_h S_h / SE)^2 with
    S_h = sqrt(U_h (1 - U_h)) from each stratum's anticipated user's accuracy U_h."""
    spread = sum(w * math.sqrt(anticipated[h] * (1 - anticipated[h])) for h, w in weights.items())
    return max(1, math.ceil((spread / target_se) ** 2))


def anticipated_se(weights: dict[int, float], anticipated: dict[int, float], sizes: dict[int, int]) -> float:
    """The standard error of overall accuracy the allocation ``sizes`` should give if the user's
    accuracies are as anticipated: sqrt(sum W_h^2 U_h (1 - U_h) / (n_h - 1))."""
    total = 0.0
    for h, w in weights.items():
        if w > 0:
            u = anticipated[h]
            total += w**2 * u * (1 - u) / max(sizes.get(h, 0) - 1, 1)
    return math.sqrt(total)


def allocate(total: int, pixels: dict[int, int], rule: str, minimum: int = 0) -> dict[int, int]:
    """Points per stratum: ``proportional`` to its pixels, ``equal``, or ``minimum`` (proportional,
    then raised to at least ``minimum`` points, which may make the sample larger than ``total``);
    never more points than a stratum has pixels, at least two in every stratum with pixels (an interval
    needs two), so the total may exceed ``total``."""
    present = {h: n for h, n in pixels.items() if n > 0}
    big_n = sum(present.values())
    if rule == "equal":
        share = {h: total / len(present) for h in present}
    else:
        share = {h: total * n / big_n for h, n in present.items()}
    sizes = _round_shares(share, total)
    if rule == "minimum":
        sizes = {h: max(n, minimum) for h, n in sizes.items()}
    return {h: min(max(n, 2), present[h]) for h, n in sizes.items()}


def _round_shares(share: dict[int, float], total: int) -> dict[int, int]:
    """Whole numbers summing to ``total`` (largest remainders), in the proportions of ``share``."""
    floors = {h: math.floor(v) for h, v in share.items()}
    left = total - sum(floors.values())
    for h in sorted(share, key=lambda k: share[k] - floors[k], reverse=True)[: max(left, 0)]:
        floors[h] += 1
    return floors
