"""The benchmark's proposed methods (the user who labels ``isage propose``'s proposals) and the verdict on
the recommended method."""

import numpy as np
import pytest

from .test_benchmark import _tiny_run


@pytest.mark.timeout(300)
def test_the_proposed_method_labels_what_isage_propose_proposes(tmp_path):
    from isage_core.proposals.store import read_proposals
    from isage_core.record.workspace import Workspace

    summary = _tiny_run(tmp_path / "p", ("proposed", "proposed-2", "random"), (0,), iterations=3)
    rows = {(r["method"], r["iteration"]): r for r in summary["rows"]}
    references = summary["train_frames"]
    proposals_of_seed_model = {}
    for method in ("proposed", "proposed-2"):
        assert rows[(method, 2)]["clicks"] > rows[(method, 0)]["clicks"]
        ws = Workspace.open(tmp_path / "p" / "work" / "seed_0" / "methods" / method)
        for iteration in (1, 2):  # the clicks of round N are proposals of the model of round N - 1
            clicks = [c for c in ws.record.clicks() if c.iteration == iteration]
            proposed = read_proposals(ws.outputs_dir / f"iteration_{iteration - 1:03d}" / "proposals.gpkg")
            proposals_of_seed_model.setdefault(method, proposed)
            at = {(p.frame, p.row, p.col) for p in proposed}
            assert clicks and all((c.frame, c.row, c.col) in at for c in clicks)
            assert all(c.note.startswith("proposed: ") and c.frame in references for c in clicks)
            per = [(c.frame, c.class_id) for c in clicks]
            assert len(per) == len(set(per))  # the method's budget: one per class per frame per round
        for iteration in (0, 1):  # a row's new clicks are those added after its round
            made = [c for c in ws.record.clicks() if c.iteration == iteration + 1]
            assert rows[(method, iteration)]["new_clicks"] == len(made)
    one, two = proposals_of_seed_model["proposed"], proposals_of_seed_model["proposed-2"]
    for name in references:  # the same seed model: two proposals per class present against one
        assert len([p for p in one if p.frame == name]) < len([p for p in two if p.frame == name])


def test_the_recommended_method_must_beat_random_and_entropy_by_more_than_their_spread():
    from isage_core.benchmark.report import aggregate, best_baseline, recommended_verdict

    def rows(method, mious):
        per_class = {"a": 0.5}
        return [
            {"seed": s, "method": method, "iteration": 5, "val_miou": m, "clicks": 10, "elapsed_seconds": 1.0,
             "labelled_pixel_fraction": 0.001, "trained_pixel_fraction": 0.001, "steps": 60,
             "val_per_class_iou": per_class}
            for s, m in enumerate(mious)
        ]  # fmt: skip

    baselines = (
        rows("random", [0.50, 0.52, 0.54]) + rows("entropy", [0.49, 0.50, 0.51]) + rows("dense", [0.6] * 3)
    )
    clear = aggregate(baselines + rows("proposed", [0.58, 0.58, 0.58]))
    verdict = recommended_verdict(clear, "proposed")
    assert verdict["lead_over"] == {"random": pytest.approx(0.06), "entropy": pytest.approx(0.08)}
    assert verdict["larger_baseline_spread"] == pytest.approx(np.std([0.50, 0.52, 0.54]), abs=1e-4)
    assert verdict["clears_the_spread"] and verdict["percent_of_dense"] == pytest.approx(96.7)
    assert verdict["own_spread"] == 0.0 and verdict["seeds"] == 3
    assert best_baseline(clear)["method"] == "random"  # the product's strategy is not a baseline
    close = aggregate(baselines + rows("proposed", [0.53, 0.535, 0.54]))  # 0.005 over random's mean
    assert recommended_verdict(close, "proposed")["clears_the_spread"] is False
    assert recommended_verdict(aggregate(rows("proposed", [0.6])), "proposed") is None  # no baselines
