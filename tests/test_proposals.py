"""``isage propose`` on real patches: deterministic, spaced from clicks, nodata and each other, one per
predicted class by default, reasons that follow the clicks and the previous iteration, and never a write
to the click record."""

from __future__ import annotations

import shutil

import numpy as np
import pyogrio
import pytest
import rasterio
from scipy import ndimage

from isage_core.proposals.store import read_proposals

from .test_bad_input import CLASSES, CLICKS, TINY, cli, frame, patch, refused, snapshot

SPACING = 5


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """Two real patches, the second with a band of nodata across it; three clicks each, trained once."""
    folder = tmp_path_factory.mktemp("propose")
    holed = patch("11.png").copy()
    holed[:, 150:190, :] = 0  # nodata (0 in every band)
    capsys, ws = _NoCapture(), folder / "ws"
    assert cli(capsys, "init", ws, "--classes", CLASSES)[0] == 0
    for index, (name, data) in enumerate({"a": patch("1.png"), "b": holed}.items()):
        frame(folder / f"{name}.tif", data, 300000 + 100 * index, nodata=0)
        assert cli(capsys, "frames", "add", ws, folder / f"{name}.tif")[0] == 0
        for row, col, class_id in CLICKS:
            assert cli(capsys, "click", "add", ws, "--frame", name, "--class", class_id,
                       "--row", row, "--col", col)[0] == 0  # fmt: skip
    assert cli(capsys, "train", ws, *TINY)[0] == 0
    return ws


class _NoCapture:
    """``make_workspace`` reads events through capsys; module fixtures have none, so read nothing."""

    def readouterr(self):
        return type("Captured", (), {"out": ""})()


def propose(capsys, ws, *args) -> tuple[dict, list]:
    status, events = cli(capsys, "propose", ws, *args)
    assert status == 0, events[-1]
    result = events[-1]
    return result, read_proposals(result["outputs"]["proposals"])


def valid(path) -> np.ndarray:
    with rasterio.open(path) as src:
        return src.dataset_mask() > 0


def test_proposals_keep_their_distances_and_leave_the_record_alone(capsys, workspace):
    before = snapshot(workspace)
    result, proposals = propose(capsys, workspace, "--seed", "3")
    written = workspace / "outputs" / "iteration_000" / "proposals.gpkg"
    assert result["outputs"]["proposals"] == str(written.resolve()) and result["proposals"] == len(proposals)
    after = snapshot(workspace)
    graph_cache = (".onnx", ".precision.json")  # the graph proposals run, cached beside the model
    assert {
        k: v for k, v in after.items() if not k.startswith("outputs") and not k.endswith(graph_cache)
    } == {k: v for k, v in before.items() if not k.endswith(graph_cache)}  # record, models untouched
    assert not any(k.endswith(".f1.onnx") for k in after)  # a small job: PyTorch, no graph exported
    assert result["seconds_per_megapixel"] > 0 and result["megapixels"] == pytest.approx(
        2 * 256 * 256 / 1e6, 0.2
    )
    for name in ("a", "b"):
        mine = [p for p in proposals if p.frame == name]
        assert 1 <= len(mine) <= 3  # one per class present (3 classes), at most
        assert len({p.class_id for p in mine}) == len(mine)
        far_from_nodata = ndimage.distance_transform_edt(valid(workspace.parent / f"{name}.tif")) >= SPACING
        for p in mine:
            assert far_from_nodata[p.row, p.col], p
            assert all((p.row - r) ** 2 + (p.col - c) ** 2 >= SPACING**2 for r, c, _ in CLICKS), p
            assert all((p.row - q.row) ** 2 + (p.col - q.col) ** 2 >= SPACING**2 for q in mine if q != p)
            assert p.reason in ("typical", "uncertain", "changed") and 0 <= p.score <= 1
    table = pyogrio.read_dataframe(written)
    first = table.iloc[0]
    frame_x0 = 300000 + (100 if first.frame == "b" else 0)
    assert first.geometry.x == pytest.approx(frame_x0 + (first.col + 0.5) * 0.24)  # the pixel centre
    assert first.geometry.y == pytest.approx(8250000 - (first.row + 0.5) * 0.24)
    assert list(table["rank"]) == list(range(1, len(table) + 1))

    _, again = propose(capsys, workspace, "--seed", "3")
    assert again == proposals  # deterministic for a fixed seed
    _, wide = propose(
        capsys, workspace, "--seed", "3", "--spacing", "20", "--out", workspace.parent / "w.gpkg"
    )
    for p in wide:
        assert all((p.row - r) ** 2 + (p.col - c) ** 2 >= 400 for r, c, _ in CLICKS), p
    assert (workspace.parent / "w.gpkg").is_file()


def test_typical_first_then_uncertain_and_changed_pixels(capsys, workspace, tmp_path):
    _, early = propose(capsys, workspace, "--out", tmp_path / "early.gpkg")
    assert {p.reason for p in early} == {"typical"}  # one click per class and frame: below typical-until 2
    _, later = propose(capsys, workspace, "--typical-until", "1", "--out", tmp_path / "later.gpkg")
    assert "typical" not in {p.reason for p in later}
    _, many = propose(capsys, workspace, "--per-frame", "6", "--out", tmp_path / "many.gpkg")
    assert max(sum(p.frame == f for p in many) for f in ("a", "b")) > 3  # beyond one per class, on request

    ws = workspace.parent / "ws2"
    shutil.copytree(workspace, ws)
    assert cli(capsys, "predict", ws, "--heatmaps", "confidence")[0] == 0  # iteration 0's classes
    assert cli(capsys, "train", ws, *TINY, "--seed", "7")[0] == 0  # iteration 1, another model
    _, flipped = propose(capsys, ws, "--typical-until", "0")
    changed = [p for p in flipped if p.reason == "changed"]
    assert changed, flipped
    for p in changed:
        with rasterio.open(ws / "outputs" / "iteration_000" / f"{p.frame}_classes.tif") as src:
            assert src.read(1)[p.row, p.col] != p.class_id  # the class there flipped since iteration 0


def test_more_proposals_per_class_keep_the_first_ones_and_their_spacing(capsys, workspace, tmp_path):
    _, one = propose(capsys, workspace, "--seed", "5", "--out", tmp_path / "one.gpkg")
    _, two = propose(capsys, workspace, "--seed", "5", "--per-class", "2", "--out", tmp_path / "two.gpkg")
    key = lambda p: (p.frame, p.row, p.col, p.class_id, p.reason)  # noqa: E731
    assert {key(p) for p in one} < {key(p) for p in two}  # the first pass is the default's, then more
    for name in ("a", "b"):
        classes = {p.class_id for p in one if p.frame == name}
        of_frame = [p for p in two if p.frame == name]
        assert len([p for p in one if p.frame == name]) < len(of_frame) <= 2 * len(classes)
        assert {p.class_id for p in of_frame} == classes
        for i, p in enumerate(of_frame):
            for q in of_frame[i + 1 :]:
                assert (p.row - q.row) ** 2 + (p.col - q.col) ** 2 >= SPACING**2


def test_bounded_memory_settings_still_follow_the_rules(capsys, workspace, tmp_path):
    _, small = propose(
        capsys, workspace, "--samples", "40", "--candidates", "8", "--block-size", "96", "--tile-size", "128",
        "--overlap", "32", "--out", tmp_path / "small.gpkg",
    )  # fmt: skip
    assert small
    for p in small:
        assert all((p.row - r) ** 2 + (p.col - c) ** 2 >= SPACING**2 for r, c, _ in CLICKS)


def test_refusals_write_nothing(capsys, workspace, tmp_path):
    before = snapshot(workspace)
    assert "--per-frame" in refused(capsys, "propose", workspace, "--per-frame", "0")
    assert "--per-class" in refused(capsys, "propose", workspace, "--per-class", "0")
    assert "--uncertain-share" in refused(capsys, "propose", workspace, "--uncertain-share", "2")
    empty = tmp_path / "empty"
    assert cli(capsys, "init", empty, "--classes", "0:a:#000000,1:b:#ffffff")[0] == 0
    assert "no trained model" in refused(capsys, "propose", empty)
    assert snapshot(workspace) == before


def test_proposals_never_land_on_the_accuracy_assessment_sample(capsys, workspace, tmp_path):
    from isage_core.record.assessment import AssessmentStore, Design
    from isage_core.record.workspace import Workspace

    shutil.copytree(workspace.parent, tmp_path / "copy")  # the frames too: the record holds relative paths
    copy = tmp_path / "copy" / workspace.name
    _, first = propose(capsys, copy, "--seed", "3")
    # a sample whose points are exactly where the proposals were
    ws = Workspace.open(copy)
    design = Design("d" * 32, "2026-12-06T00:00:00+00:00", "test", 0, 0, {}, [], {"frames": ["a", "b"]})
    AssessmentStore(ws.record).add_design(design, [(p.frame, p.row, p.col, p.class_id, None) for p in first])
    _, second = propose(capsys, copy, "--seed", "3")
    sample = {(p.frame, p.row, p.col) for p in first}
    assert second and not sample & {(p.frame, p.row, p.col) for p in second}


def test_the_lowest_margins_kept_are_those_a_full_sort_keeps_ties_included():
    from isage_core.proposals.features import Lowest

    rng = np.random.default_rng(4)
    kept = Lowest(50)
    margins, keys = [], []
    for _ in range(6):  # blocks of pixels, with many tied margins
        margin = rng.integers(0, 20, 3000).astype(np.float32) / 20
        key = rng.integers(0, 2**63, 3000, dtype=np.uint64)
        kept.add(margin, key, np.arange(3000), np.arange(3000))
        margins.append(margin)
        keys.append(key)
    margin, key = np.concatenate(margins), np.concatenate(keys)
    order = np.lexsort((key, margin))[:50]
    assert np.array_equal(kept.key, key[order]) and np.array_equal(kept.margin, margin[order])
    assert kept.seen == 18000


def test_offering_a_masked_block_keeps_what_a_full_sort_of_its_pixels_keeps():
    from isage_core.proposals.features import Lowest, position_keys

    rng = np.random.default_rng(5)
    kept = Lowest(40)
    margins, keys, masks = [], [], 0
    for block in range(5):  # 60x70 blocks side by side, tied margins, about half the pixels offered
        margin = rng.integers(0, 15, (60, 70)).astype(np.float32) / 15
        mask = rng.random((60, 70)) < 0.5
        if block == 3:
            mask[:] = False  # a block without any pixel of the class
        r0, c0 = 60 * block, 7
        kept.offer(mask, margin, r0, c0, seed=9)
        rows, cols = np.nonzero(mask)
        margins.append(margin[mask])
        keys.append(position_keys(rows + r0, cols + c0, 9))
        masks += int(mask.sum())
    margin, key = np.concatenate(margins), np.concatenate(keys)
    order = np.lexsort((key, margin))[:40]
    assert np.array_equal(kept.key, key[order]) and np.array_equal(kept.margin, margin[order])
    assert np.array_equal(position_keys(kept.rows, kept.cols, 9), kept.key)
    assert kept.seen == masks


def test_top_two_is_argmax_and_the_sorted_margin_ties_included():
    from isage_core.proposals.features import top_two

    rng = np.random.default_rng(2)
    probs = rng.integers(0, 6, (5, 40, 50)).astype(np.float32) / 5  # many ties
    best, margin = top_two(probs)
    ordered = np.sort(probs, axis=0)
    assert np.array_equal(best, probs.argmax(axis=0))
    assert np.array_equal(margin, (ordered[-1] - ordered[-2]).astype(np.float32))
    one_class = top_two(probs[:1])
    assert np.array_equal(one_class[0], np.zeros((40, 50))) and np.array_equal(one_class[1], probs[0])
