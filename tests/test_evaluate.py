"""Scores: confusion matrix, IoU and accuracy on hand-made arrays and on real masks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from isage_core.benchmark.sample_data import sample_root
from isage_core.errors import IsageError
from isage_core.inference.evaluate import confusion_matrix, evaluate, scores_from_confusion

MASKS = sample_root() / "mask_train"


def write(path: Path, array: np.ndarray, nodata=None) -> Path:
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=array.shape[1],
        height=array.shape[0],
        count=1,
        dtype="uint8",
        crs="EPSG:32723",
        transform=from_origin(0, 100, 1, 1),
        nodata=nodata,
    ) as dst:
        dst.write(array.astype(np.uint8), 1)
    return path


def test_confusion_matrix_by_hand():
    ref = np.array([0, 0, 1, 1, 2, 2, 255, 2])
    pred = np.array([0, 1, 1, 1, 2, 0, 1, 9])  # 255: unlabelled; 9: not a class
    cm = confusion_matrix(pred, ref, 3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    # ids need not be 0..n-1: the matrix follows the order given
    np.testing.assert_array_equal(
        confusion_matrix(pred * 10, ref * 10, [20, 0, 10], ignore_value=2550),
        [[1, 1, 0], [0, 1, 1], [0, 0, 2]],
    )
    scores = scores_from_confusion(cm)
    # class 0: tp 1, union 1+1+1 = 3; class 1: tp 2, union 3; class 2: tp 1, union 2
    assert scores["iou"] == pytest.approx([1 / 3, 2 / 3, 1 / 2])
    assert scores["miou"] == pytest.approx((1 / 3 + 2 / 3 + 1 / 2) / 3)
    assert scores["overall_accuracy"] == pytest.approx(4 / 6) and scores["pixels"] == 6


def test_absent_class_is_none_and_left_out_of_the_mean():
    scores = scores_from_confusion(np.array([[3, 1, 0], [0, 0, 0], [0, 0, 0]]))
    assert scores["iou"] == [pytest.approx(0.75), 0.0, None]
    assert scores["miou"] == pytest.approx(0.375)


def test_evaluate_files_streams_and_honours_nodata(tmp_path, monkeypatch):
    import isage_core.inference.evaluate as module

    monkeypatch.setattr(module, "WINDOW", 7)  # many windows, some partial
    rng = np.random.default_rng(0)
    ref = rng.integers(0, 3, size=(30, 41))
    pred = np.where(rng.random((30, 41)) < 0.8, ref, (ref + 1) % 3)
    ref_nodata = ref.copy()
    ref_nodata[:5] = 255
    pred_nodata = pred.copy()
    pred_nodata[:, :3] = 200  # the prediction's own nodata value
    files = [
        write(tmp_path / "p1.tif", pred),
        write(tmp_path / "r1.tif", ref_nodata),
        write(tmp_path / "p2.tif", pred_nodata, nodata=200),
        write(tmp_path / "r2.tif", ref),
    ]
    result = evaluate(
        [files[0], files[2]], [files[1], files[3]], [0, 1, 2], ["a", "b", "c"], labelled_pixels=50
    )
    keep1, keep2 = ref_nodata != 255, pred_nodata != 200
    expected = confusion_matrix(pred[keep1], ref[keep1], 3) + confusion_matrix(pred[keep2], ref[keep2], 3)
    assert result["confusion_matrix"] == expected.tolist()
    assert result["pixels"] == keep1.sum() + keep2.sum()
    scores = scores_from_confusion(expected)
    assert result["miou"] == pytest.approx(scores["miou"])
    assert list(result["per_class_iou"]) == ["a", "b", "c"]
    assert result["labelled_pixel_fraction"] == pytest.approx(50 / result["pixels"])
    json.dumps(result)


def test_real_mask_against_itself_is_perfect():
    mask = MASKS / "1.png"
    result = evaluate(mask, mask, [0, 1, 2, 3, 4], ["a", "b", "c", "d", "e"])
    assert result["miou"] == 1.0 and result["overall_accuracy"] == 1.0 and result["pixels"] == 256 * 256
    assert all(v == 1.0 for v in result["per_class_iou"].values())
    other = evaluate(mask, MASKS / "1000.png", [0, 1, 2, 3, 4])
    assert 0 <= other["miou"] < 1


def test_size_mismatch_names_both_files(tmp_path):
    a = write(tmp_path / "a.tif", np.zeros((10, 10)))
    b = write(tmp_path / "b.tif", np.zeros((10, 12)))
    with pytest.raises(IsageError, match=r"a.tif is 10x10 pixels but .*b.tif is 12x10"):
        evaluate(a, b, [0, 1])
    with pytest.raises(IsageError, match="not found"):
        evaluate(tmp_path / "missing.tif", b, [0, 1])


def test_reference_values_outside_the_classes_are_counted_and_warned(tmp_path, caplog):
    # A reference coded 1..3 scored against classes 0..2: the 3s are not silently dropped.
    reference = np.array([[1, 2, 3, 3], [1, 2, 3, 255]], dtype=np.uint8)
    prediction = np.array([[1, 2, 2, 2], [1, 2, 0, 0]], dtype=np.uint8)
    ref, pred = write(tmp_path / "ref.tif", reference), write(tmp_path / "pred.tif", prediction)
    with caplog.at_level("WARNING", logger="isage_core.inference.evaluate"):
        scores = evaluate(pred, ref, [0, 1, 2])
    assert scores["unscored_reference_pixels"] == 3
    assert scores["pixels"] == 4
    assert "ref.tif" in caplog.text and "not class ids" in caplog.text
    assert evaluate(pred, pred, [0, 1, 2])["unscored_reference_pixels"] == 0
