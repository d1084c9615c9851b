"""Proof that the assessment's estimators are right: 1,000 seeded designs drawn from a map the demo
predicted for the bundled sample's validation frames, each labelled from the dense masks; the 95 %
intervals must hold the truth (counted on every pixel) in 93-97 % of draws and the estimates must be
unbiased within their Monte Carlo error. Errors planted in the formulas must make the same check fail."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from isage_core.assessment import estimators
from isage_core.benchmark.coverage import coverage_study

DATA = Path(__file__).resolve().parent / "data" / "demo_val_map"  # iteration 1 of `isage demo`, val frames
MASKS = Path(__file__).resolve().parents[1] / "isage_core" / "data" / "bsb_toy" / "mask_val"
CLASSES = [0, 1, 2, 3, 4]
PIXEL_M2 = 0.24**2
# ~600 points: 100 per class at least. With the default design's 50 per class, the normal (Wald) interval
# of a user's accuracy near 0.8 holds the truth in only about 90 % of draws, as binomial Wald intervals
# do at that size (the README says so, and the report warns of such strata).
DESIGN = {"size": 500, "allocation": "minimum", "minimum": 100}


@pytest.fixture(scope="module")
def frames():
    maps = {p.stem: np.array(Image.open(p)).astype(np.int64) for p in sorted(DATA.glob("*.png"))}
    references = {name: np.array(Image.open(MASKS / f"{name}.png")).astype(np.int64) for name in maps}
    assert len(maps) == 10 and all(m.shape == (256, 256) for m in maps.values())
    return maps, references


def failures(study: dict) -> list[str]:
    """What breaks the claims: coverage outside 95 % +- 3 Monte Carlo standard errors of a coverage (at
    least +-2 %: 93-97 % with 1,000 draws), or a bias beyond 3 Monte Carlo standard errors of the
    estimate. Producer's accuracies of rare classes are ratios whose normal intervals are known to be
    looser: they may cover down to 85 %."""
    found = []
    for name, figure in study["figures"].items():
        slack = max(0.02, 3 * np.sqrt(0.95 * 0.05 / figure["draws"]))
        low = 0.85 if name.startswith("producer") else 0.95 - slack
        if not low <= figure["coverage"] <= 0.95 + slack:
            found.append(f"{name}: coverage {figure['coverage']:.3f}")
        if abs(figure["bias_in_mc_se"]) > 3:
            found.append(f"{name}: bias {figure['bias_in_mc_se']:+.1f} Monte Carlo SE")
    return found


@pytest.fixture(scope="module")
def study(frames):
    return coverage_study(*frames, CLASSES, pixel_area=PIXEL_M2, draws=1000, seed=0, **DESIGN)


def test_intervals_hold_the_truth_95_percent_of_the_time_and_estimates_are_unbiased(study):
    assert study["points"] > 500
    assert failures(study) == []
    # every figure was estimated in every draw, with an interval but for a few producer's accuracies:
    # where every sampled pixel of a rare class was mapped right, it is 1 with no spread (no interval)
    assert {f["draws"] for f in study["figures"].values()} == {1000}
    for name, figure in study["figures"].items():
        assert figure["without_interval"] <= (50 if name.startswith("producer") else 0), name


class _Unweighted(estimators.StratifiedEstimator):
    """Planted: the strata's weights forgotten (the sample treated as a simple random one)."""

    def total(self, y):
        right = super().total(y)
        n = sum(self.sample.stratum_pixels.values())
        return estimators.Estimate(n * float(np.mean(y)), right.se)


class _LinearWeights(estimators.StratifiedEstimator):
    """Planted: the variance weighted by N_h instead of N_h squared (rescaled to the same total)."""

    def total(self, y):
        right = super().total(y)
        big_n = sum(self.sample.stratum_pixels.values())
        var = sum(
            big_n * n_h * y[idx].var(ddof=1) / len(idx)
            for h, idx in self.groups.items()
            if (n_h := self.sample.stratum_pixels[h]) and len(idx) > 1
        )
        return estimators.Estimate(right.estimate, float(np.sqrt(var)))


class _NoCovariance(estimators.StratifiedEstimator):
    """Planted: a ratio's variance without its covariance term."""

    def ratio(self, y, x):
        right = super().ratio(y, x)
        if right.estimate is None:
            return right
        total_x = self.total(x).estimate
        var = sum(
            self.sample.stratum_pixels[h] ** 2
            * (np.var(y[i], ddof=1) + right.estimate**2 * np.var(x[i], ddof=1))
            / len(i)
            for h, i in self.groups.items()
            if len(i) > 1
        )
        return estimators.Estimate(right.estimate, float(np.sqrt(var)) / total_x)


def _mapped_area(sample, class_ids, total_area, mapped_area):
    """Planted: the class areas taken from the map instead of estimated from the reference labels."""
    result = estimators.assess_map(sample, class_ids, total_area, mapped_area)
    for figure in result.classes:
        figure.area_m2 = estimators.Estimate(figure.mapped_area_m2, figure.area_m2.se)
    return result


def _swapped(sample, class_ids, total_area, mapped_area):
    """Planted: user's and producer's accuracies swapped."""
    result = estimators.assess_map(sample, class_ids, total_area, mapped_area)
    for figure in result.classes:
        figure.users_accuracy, figure.producers_accuracy = figure.producers_accuracy, figure.users_accuracy
    return result


@pytest.mark.parametrize(
    "plant",
    ["unweighted", "linear weights", "no covariance", "z of 90 %", "mapped areas", "swapped accuracies"],
)
def test_an_error_planted_in_a_formula_fails_the_check(frames, study, monkeypatch, plant):
    assert failures(study) == []  # the right formulas pass on the same draws
    assess = estimators.assess_map
    if plant == "unweighted":
        monkeypatch.setattr(estimators, "StratifiedEstimator", _Unweighted)
    elif plant == "linear weights":
        monkeypatch.setattr(estimators, "StratifiedEstimator", _LinearWeights)
    elif plant == "no covariance":
        monkeypatch.setattr(estimators, "StratifiedEstimator", _NoCovariance)
    elif plant == "z of 90 %":
        monkeypatch.setattr(estimators, "Z95", 1.645)
    elif plant == "mapped areas":
        assess = _mapped_area
    else:
        assess = _swapped
    planted = coverage_study(
        *frames, CLASSES, pixel_area=PIXEL_M2, draws=1000, seed=0, assess=assess, **DESIGN
    )
    assert failures(planted), plant
