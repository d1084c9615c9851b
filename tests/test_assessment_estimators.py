"""The accuracy assessment's estimators against a worked example computed by hand here, the sample size
and allocation rules, and areas in m² for projected and geographic CRSs."""

import math

import numpy as np
import pytest

from isage_core.assessment import estimators
from isage_core.assessment.estimators import LabelledSample, assess_map


def _sample(counts, pixels, pixel_area=1.0, mapped=None):
    """Points from an error matrix of sample counts: ``counts[h][j]`` points of stratum (map class) ``h``
    whose reference class is ``j``."""
    strata, reference = [], []
    for h, row in enumerate(counts):
        for j, n in enumerate(row):
            strata += [h] * n
            reference += [j] * n
    strata, reference = np.array(strata), np.array(reference)
    return LabelledSample(
        strata,
        reference,
        strata.copy() if mapped is None else mapped,
        np.full(len(strata), pixel_area),
        pixels,
    )


# Three classes; the map is the strata. Stratum pixels N = (600, 300, 100) of 0.25 m² each, so the
# weights are W = (0.6, 0.3, 0.1) and the area is 250 m². Sample counts (rows: map, columns: reference):
COUNTS = [[8, 1, 1], [1, 4, 0], [0, 1, 4]]  # n_h = 10, 5, 5
PIXELS = {0: 600, 1: 300, 2: 100}


def test_olofsson_figures_of_a_worked_example():
    result = assess_map(_sample(COUNTS, PIXELS, 0.25), [0, 1, 2], 250.0, {0: 150.0, 1: 75.0, 2: 25.0})
    # Error matrix in area proportions, p_ij = W_i n_ij / n_i (Olofsson eq. 4)
    expected = [
        [0.6 * 8 / 10, 0.6 * 1 / 10, 0.6 * 1 / 10],
        [0.3 * 1 / 5, 0.3 * 4 / 5, 0],
        [0, 0.1 / 5, 0.1 * 4 / 5],
    ]
    np.testing.assert_allclose(result.error_matrix, expected, atol=1e-12)
    # Overall accuracy: 0.48 + 0.24 + 0.08; V = sum W_i^2 U_i (1 - U_i) / (n_i - 1) (eq. 5)
    assert result.overall_accuracy.estimate == pytest.approx(0.80)
    v_overall = 0.36 * 0.8 * 0.2 / 9 + 0.09 * 0.8 * 0.2 / 4 + 0.01 * 0.8 * 0.2 / 4  # 0.0064 + 0.0036 + 0.0004
    assert result.overall_accuracy.se == pytest.approx(math.sqrt(v_overall))
    lo, hi = result.overall_accuracy.ci95
    assert (lo, hi) == pytest.approx(
        (0.80 - 1.959964 * math.sqrt(0.0104), 0.80 + 1.959964 * math.sqrt(0.0104))
    )
    users, producers = (
        [c.users_accuracy for c in result.classes],
        [c.producers_accuracy for c in result.classes],
    )
    # User's accuracy U_i = n_ii / n_i, V = U_i (1 - U_i) / (n_i - 1) (eqs. 2 and 6)
    assert [u.estimate for u in users] == pytest.approx([0.8, 0.8, 0.8])
    assert [u.se for u in users] == pytest.approx(
        [math.sqrt(0.16 / 9), math.sqrt(0.16 / 4), math.sqrt(0.16 / 4)]
    )
    # Area proportions p_.j = sum_i p_ij: 0.54, 0.32, 0.14; producer's accuracy P_j = p_jj / p_.j (eq. 3)
    assert [p.estimate for p in producers] == pytest.approx([0.48 / 0.54, 0.24 / 0.32, 0.08 / 0.14])
    # V(P_j) (eq. 7) with N_.j = N p_.j = 540, 320, 140 pixels
    p0, p1, p2 = 0.48 / 0.54, 0.75, 0.08 / 0.14
    v0 = (600**2 * (1 - p0) ** 2 * 0.16 / 9 + p0**2 * (300**2 * 0.2 * 0.8 / 4 + 100**2 * 0)) / 540**2
    v1 = (
        300**2 * (1 - p1) ** 2 * 0.16 / 4 + p1**2 * (600**2 * 0.1 * 0.9 / 9 + 100**2 * 0.2 * 0.8 / 4)
    ) / 320**2
    v2 = (100**2 * (1 - p2) ** 2 * 0.16 / 4 + p2**2 * (600**2 * 0.1 * 0.9 / 9 + 300**2 * 0)) / 140**2
    assert [p.se for p in producers] == pytest.approx([math.sqrt(v0), math.sqrt(v1), math.sqrt(v2)])
    # Areas: A p_.j; S(A_j) = A sqrt(sum W_i^2 p' (1 - p') / (n_i - 1)), p' = n_ij / n_i (eqs. 9-10)
    areas = [c.area_m2 for c in result.classes]
    assert [a.estimate for a in areas] == pytest.approx([250 * 0.54, 250 * 0.32, 250 * 0.14])
    s0 = 0.36 * 0.8 * 0.2 / 9 + 0.09 * 0.2 * 0.8 / 4 + 0.0
    s1 = 0.36 * 0.1 * 0.9 / 9 + 0.09 * 0.8 * 0.2 / 4 + 0.01 * 0.2 * 0.8 / 4
    s2 = 0.36 * 0.1 * 0.9 / 9 + 0.0 + 0.01 * 0.8 * 0.2 / 4
    assert [a.se for a in areas] == pytest.approx([250 * math.sqrt(s) for s in (s0, s1, s2)])
    assert [c.mapped_area_m2 for c in result.classes] == [150.0, 75.0, 25.0]


def test_another_maps_accuracy_from_the_same_sample_stehman():
    # A later map, right at 9 of stratum 0's 10 points, 3 of stratum 1's 5 and all of stratum 2's 5:
    # OA = sum W_h ybar_h, V = sum W_h^2 s_h^2 / n_h with s_h^2 = n_h/(n_h - 1) p (1 - p).
    base = _sample(COUNTS, PIXELS)
    mapped = base.reference.copy()
    wrong = [np.flatnonzero(base.strata == 0)[0], *np.flatnonzero(base.strata == 1)[:2]]
    mapped[wrong] = (mapped[wrong] + 1) % 3
    result = assess_map(
        LabelledSample(base.strata, base.reference, mapped, base.area_m2, PIXELS), [0, 1, 2], 1000.0, {}
    )
    assert result.overall_accuracy.estimate == pytest.approx(0.6 * 0.9 + 0.3 * 0.6 + 0.1 * 1.0)
    variance = 0.36 * (0.9 * 0.1 / 9) + 0.09 * (0.6 * 0.4 / 4) + 0.01 * 0.0
    assert result.overall_accuracy.se == pytest.approx(math.sqrt(variance))


def test_strata_with_too_few_points_say_so():
    sample = _sample([[8, 1, 1], [1, 0, 0], [0, 0, 0]], PIXELS)
    result = assess_map(sample, [0, 1, 2], 1000.0, {})
    assert result.strata_without_points == [2] and result.strata_with_one_point == [1]
    assert result.overall_accuracy.estimate is None and result.overall_accuracy.ci95 is None


def test_sample_size_and_allocation():
    weights = {0: 0.6, 1: 0.3, 2: 0.1}
    # (sum W_h sqrt(U (1 - U)) / SE)^2 with U = 0.85 everywhere: (0.357071 / 0.025)^2 = 204.0
    assert estimators.sample_size(weights, dict.fromkeys(weights, 0.85), 0.025) == math.ceil(
        (math.sqrt(0.85 * 0.15) / 0.025) ** 2
    )
    pixels = {0: 6000, 1: 3000, 2: 1000, 3: 0}
    assert estimators.allocate(200, pixels, "proportional") == {0: 120, 1: 60, 2: 20}
    assert estimators.allocate(200, pixels, "equal") == {0: 67, 1: 67, 2: 66}
    assert estimators.allocate(200, pixels, "minimum", 50) == {0: 120, 1: 60, 2: 50}
    assert estimators.allocate(200, {0: 6000, 1: 30}, "minimum", 50) == {0: 199, 1: 30}  # capped at N_h
    se = estimators.anticipated_se(weights, dict.fromkeys(weights, 0.85), {0: 120, 1: 60, 2: 20})
    assert se == pytest.approx(math.sqrt(0.1275 * (0.36 / 119 + 0.09 / 59 + 0.01 / 19)))


def test_areas_in_square_metres_whatever_the_crs():
    from pyproj import Geod
    from shapely.geometry import box

    from isage_core.areas import pixel_areas_m2, polygon_areas_m2

    # projected: 0.24 m pixels; a CRS in US survey feet converts to m²
    assert pixel_areas_m2("EPSG:31983", (0.24, 0, 0, 0, -0.24, 0), np.array([0]))[0] == pytest.approx(0.0576)
    assert pixel_areas_m2("EPSG:2230", (1, 0, 0, 0, -1, 0), np.array([0]))[0] == pytest.approx(0.3048006**2)
    # geographic: each row's cell on the ellipsoid equals pyproj's geodesic area of the same cell
    transform = (0.001, 0, -47.9, 0, -0.001, -15.7)
    rows = np.array([0, 5000, 40000])
    geod = Geod(ellps="WGS84")
    for row, area in zip(rows, pixel_areas_m2("EPSG:4326", transform, rows), strict=True):
        top = -15.7 - 0.001 * row
        cell = box(-47.9, top - 0.001, -47.899, top)
        assert area == pytest.approx(abs(geod.geometry_area_perimeter(cell)[0]), rel=1e-9)
        assert polygon_areas_m2([cell], "EPSG:4326")[0] == pytest.approx(area, rel=1e-9)
    assert polygon_areas_m2([box(0, 0, 10, 10)], "EPSG:31983")[0] == pytest.approx(100.0)
