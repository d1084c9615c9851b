"""The accuracy assessment on real frames: the design, the record's audit rules for the sample and its
labels, the command line from design to report, bad input, merging, and the sample kept off training."""

import csv
import json
import shutil
import sqlite3

import numpy as np
import pytest
import rasterio

from isage_core.assessment.design import create_design
from isage_core.errors import IsageError
from isage_core.record.assessment import AssessmentStore, LabelRequest
from isage_core.record.click_record import ClassDef, Run
from isage_core.record.workspace import Workspace
from isage_core.settings import AssessSettings

from .assessment_testutil import drop_assessment_tables
from .conftest import BSB_CLASSES
from .test_cli import run_json


def _write_map(path, classes, like):
    with rasterio.open(like) as src:
        profile = dict(src.profile, count=1, dtype="uint8", nodata=255)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(classes.astype(np.uint8), 1)


def _map_with_errors(mask, seed, share):
    """The dense mask with ``share`` of its pixels (in blocks of 8x8) given another class."""
    rng = np.random.default_rng(seed)
    wrong = np.kron(rng.random((mask.shape[0] // 8, mask.shape[1] // 8)) < share, np.ones((8, 8), bool))
    return np.where(wrong, (mask + 1 + rng.integers(0, 4, mask.shape)) % 5, mask)


@pytest.fixture
def mapped_workspace(tmp_path, bsb_train_frames):
    """Three real frames, two iterations (runs) whose maps are the dense masks with 30 % and 10 % of
    blocks wrong: ``(workspace, {frame: mask}, {iteration: {frame: map}})``."""
    ws = Workspace.create(tmp_path / "ws", [ClassDef(*c) for c in BSB_CLASSES])
    masks, maps = {}, {0: {}, 1: {}}
    for name, (path, mask) in bsb_train_frames.items():
        ws.record.add_frame(path, name=name)
        masks[name] = mask.astype(np.int64)
    for iteration, share in ((0, 0.3), (1, 0.1)):
        folder = ws.output_dir(iteration)
        for index, (name, (path, _mask)) in enumerate(bsb_train_frames.items()):
            maps[iteration][name] = _map_with_errors(masks[name], 10 * iteration + index, share)
            _write_map(folder / f"{name}_classes.tif", maps[iteration][name], path)
        run = Run(
            iteration, f"models/iteration_{iteration:03d}.safetensors", 0, "", {}, [], "", "", 1.0, "cpu"
        )
        ws.record.add_run(run)
    return ws, masks, maps


def _label_all(ws, design_id, masks, skip=()):
    store = AssessmentStore(ws.record)
    requests = [
        LabelRequest("test", p.point_id, int(masks[p.frame][p.row, p.col]), False, "tester")
        for p in store.points(design_id)
        if p.point_id not in skip
    ]
    assert not store.add_labels(design_id, requests).refused
    return store


def test_design_is_a_seeded_stratified_sample_of_the_map(mapped_workspace):
    ws, masks, maps = mapped_workspace
    ws.record.add_click("bsb_1", 2, row=100, col=100)
    settings = AssessSettings(iteration=0, size=60, allocation="minimum", minimum=8, seed=7)
    design, summary = create_design(ws, settings)
    points = AssessmentStore(ws.record).points(design.design_id)
    counts = {k: int(sum((m == k).sum() for m in maps[0].values())) for k in range(5)}
    assert {s["class_id"]: s["pixels"] for s in design.strata} == counts  # exact pixel counts: W_h
    assert design.population["area_m2"] == pytest.approx(sum(counts.values()) * 0.24**2)
    sizes = {s["class_id"]: s["sample"] for s in design.strata}
    assert all(n >= 8 for n in sizes.values()) and sum(sizes.values()) == len(points) >= 60
    assert [p.point_id for p in points] == list(range(1, len(points) + 1))
    assert all(maps[0][p.frame][p.row, p.col] == p.stratum for p in points)  # a point's stratum: its class
    assert {k: sum(p.stratum == k for p in points) for k in sizes} == sizes
    assert len({(p.frame, p.row, p.col) for p in points}) == len(points)  # without replacement
    near = [p for p in points if p.click_distance_px is not None]
    assert all(max(abs(p.row - 100), abs(p.col - 100)) <= 3 and p.frame == "bsb_1" for p in near)
    assert summary["near_clicks"] == len(near)
    # the same seed draws the same points; another seed other points
    again, _ = create_design(ws, settings)
    other, _ = create_design(
        ws, AssessSettings(iteration=0, size=60, allocation="minimum", minimum=8, seed=8)
    )
    store = AssessmentStore(ws.record)
    where = [[(p.frame, p.row, p.col) for p in store.points(d.design_id)] for d in (design, again, other)]
    assert where[0] == where[1] and where[0] != where[2]


def test_an_extent_limits_the_population(mapped_workspace):
    ws, _, _ = mapped_workspace
    frame = ws.record.frame("bsb_1")
    a = frame.info.affine
    # the top-left 100 x 50 pixels of frame bsb_1, in the record's CRS
    extent = (a.c, a.f - 50 * 0.24, a.c + 100 * 0.24, a.f)
    design, _ = create_design(
        ws, AssessSettings(iteration=1, size=30, allocation="proportional", extent=extent)
    )
    points = AssessmentStore(ws.record).points(design.design_id)
    assert design.population["pixels"] == 100 * 50
    assert all(p.frame == "bsb_1" and p.row < 50 and p.col < 100 for p in points)


def test_the_record_keeps_the_sample_and_its_labels_under_audit_rules(mapped_workspace):
    ws, masks, _ = mapped_workspace
    design, _ = create_design(ws, AssessSettings(iteration=0, size=20, allocation="minimum", minimum=2))
    store = AssessmentStore(ws.record)
    first = store.points(design.design_id)[0]
    report = store.add_labels(design.design_id, [LabelRequest("t", first.point_id, 3, False, "ann")])
    assert report.added == 1
    conn = sqlite3.connect(ws.record.path)
    for sql, why in (
        ("DELETE FROM assessment_labels", "retracted, not deleted"),
        ("UPDATE assessment_labels SET class_id = 1", "cannot be changed"),
        ("DELETE FROM assessment_points", "never changed or deleted"),
        ("UPDATE assessment_points SET stratum = 0", "never changed or deleted"),
        ("UPDATE assessment_designs SET seed = 1", "never changed or deleted"),
        (
            "INSERT INTO assessment_labels (uid, design_id, point_id, class_id, annotator, created_utc) "
            f"VALUES ('x', '{design.design_id}', {first.point_id}, 1, 'b', 'now')",
            "already has a label",
        ),
        (
            "INSERT INTO assessment_labels (uid, design_id, point_id, class_id, annotator, created_utc) "
            f"VALUES ('y', '{design.design_id}', 99999, 1, 'b', 'now')",
            "need a sample point",
        ),
    ):
        with pytest.raises(sqlite3.DatabaseError, match=why):
            conn.execute(sql)
    conn.close()
    # a second label of the same point is refused unless it replaces (retracts) the first
    again = [LabelRequest("t", first.point_id, 1, False, "ann")]
    assert "already says class 3" in store.add_labels(design.design_id, again).refused[0][1]
    assert store.add_labels(design.design_id, again, replace=True).replaced == 1
    history = store.labels(design.design_id, include_retracted=True)
    assert [(lab.class_id, lab.retracted, lab.retract_reason) for lab in history] == [
        (3, True, "relabelled"),
        (1, False, None),
    ]
    conn = sqlite3.connect(ws.record.path)
    with pytest.raises(sqlite3.DatabaseError, match="never undone"):
        conn.execute("UPDATE assessment_labels SET retracted = 0 WHERE retracted = 1")
    conn.close()
    unsure = store.add_labels(design.design_id, [LabelRequest("t", 2, None, True, "ann")])
    assert unsure.added == 1 and store.labels(design.design_id)[-1].class_id is None


def test_training_clicks_stay_off_the_sample(mapped_workspace):
    from isage_core.record.click_record import ClickRequest

    ws, _, _ = mapped_workspace
    design, _ = create_design(ws, AssessSettings(iteration=0, size=10, allocation="proportional"))
    point = AssessmentStore(ws.record).points(design.design_id)[0]
    before = ws.record.clicks_hash(5)
    with pytest.raises(IsageError, match="accuracy assessment design .*click a neighbouring pixel"):
        ws.record.add_click(point.frame, 1, row=point.row, col=point.col)
    report = ws.record.add_clicks([ClickRequest("p", point.frame, point.row, point.col, 1)])
    assert "assessment sample" in report.refused[0][1] and not report.written
    conn = sqlite3.connect(ws.record.path)  # whatever program writes the file
    with pytest.raises(sqlite3.DatabaseError, match="never land on a pixel of the accuracy assessment"):
        conn.execute(
            "INSERT INTO clicks (uid, frame, row, col, class_id, iteration, created_utc) "
            f"VALUES ('u', '{point.frame}', {point.row}, {point.col}, 1, 0, 'now')"
        )
    conn.close()
    assert ws.record.clicks_hash(5) == before
    # labelling the sample leaves what training reads (the clicks) unchanged; a neighbour pixel is fine
    _label_all(ws, design.design_id, {f: np.zeros((256, 256), int) for f in ("bsb_1", "bsb_1000", "bsb_101")})
    assert ws.record.clicks_hash(5) == before
    row = point.row + 1 if point.row < 255 else point.row - 1
    assert ws.record.add_click(point.frame, 1, row=row, col=point.col).row == row


def _fill(path, masks, unsure=(), empty=()):
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    for row in rows:
        pid = int(row["point_id"])
        value = masks[row["frame"]][int(row["row"]), int(row["col"])]
        row["class"] = "" if pid in empty else "unsure" if pid in unsure else str(value)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_command_line_from_design_to_report(mapped_workspace, tmp_path, capsys):
    ws, masks, maps = mapped_workspace
    folder = str(ws.folder)
    status, events = run_json(capsys, "assess", "design", folder, "--iteration", "0", "--size", "80",
                              "--allocation", "minimum:10", "--seed", "3")  # fmt: skip
    assert status == 0, events[-1]
    design = events[-1]["design"]
    assert design["iteration"] == 0 and design["size"] == sum(s["sample"] for s in design["strata"])
    sheet = tmp_path / "sample.csv"
    status, events = run_json(capsys, "assess", "points", folder, "--out", str(sheet))
    assert status == 0 and sheet.read_text().splitlines()[0] == "design_id,point_id,frame,row,col,x,y,class"
    assert "stratum" not in sheet.read_text()  # blind: the map's class is not in the file
    rows = _fill(sheet, masks, unsure={1}, empty={2})
    status, events = run_json(capsys, "assess", "label", folder, str(sheet), "--annotator", "field team")
    assert status == 0 and events[-1]["added"] == len(rows) - 1 and events[-1]["unlabelled"] == 1
    status, events = run_json(capsys, "assess", "report", folder)
    assert status == 2 and "1 of" in events[-1]["message"] and "--partial" in events[-1]["message"]
    status, events = run_json(capsys, "assess", "report", folder, "--partial")
    assert status == 0 and events[-1]["partial"] and any("unsure" in w for w in events[-1]["warnings"])
    _fill(sheet, masks)  # the field team finishes the sheet, correcting point 1 (unsure before)
    status, events = run_json(capsys, "assess", "label", folder, str(sheet), "--replace")
    assert status == 0 and events[-1]["replaced"] == len(rows) - 1 and events[-1]["unlabelled"] == 0
    status, events = run_json(capsys, "assess", "report", folder)
    assert status == 0, events[-1]
    result = events[-1]
    assert [r["iteration"] for r in result["iterations"]] == [0, 1] and result["report"]["iteration"] == 1
    # overall accuracy of each map, recomputed here from the sheet: sum_h W_h * (share right in stratum h)
    store = AssessmentStore(ws.record)
    stored = store.design()
    weights = {s["class_id"]: s["pixels"] / stored.population["pixels"] for s in stored.strata}
    points = store.points(stored.design_id)
    for entry in result["iterations"]:
        right = {h: [] for h in weights}
        for p in points:
            right[p.stratum].append(
                maps[entry["iteration"]][p.frame][p.row, p.col] == masks[p.frame][p.row, p.col]
            )
        expected = sum(w * np.mean(right[h]) for h, w in weights.items())
        assert entry["overall_accuracy"]["estimate"] == pytest.approx(expected)
        lo, hi = entry["overall_accuracy"]["ci95"]
        assert lo < expected < hi
    detail = result["report"]
    assert sum(c["mapped_area_ha"] for c in detail["classes"]) == pytest.approx(detail["total_area_ha"])
    mapped_road = sum((m == 2).sum() for m in maps[1].values()) * 0.24**2 / 1e4
    assert next(c for c in detail["classes"] if c["name"] == "road")["mapped_area_ha"] == pytest.approx(
        mapped_road
    )
    files = result["outputs"]
    assert set(files) == {"json", "csv", "plot", "markdown", "html"}
    assert json.loads(open(files["json"]).read())["design_id"] == stored.design_id
    header = open(files["csv"]).readline().strip().split(",")
    assert header[0] == "map \\ reference" and header[1:6] == [c[1] for c in BSB_CLASSES]
    assert "How to read it" in open(files["markdown"]).read() and "<table>" in open(files["html"]).read()


def _fingerprint(path):
    conn = sqlite3.connect(path)
    rows = [conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in
            ("assessment_designs", "assessment_points", "assessment_labels", "clicks")]  # fmt: skip
    conn.close()
    return rows


def test_bad_input_is_refused_with_one_line_and_nothing_written(mapped_workspace, tmp_path, capsys):
    ws, masks, maps = mapped_workspace
    folder = str(ws.folder)
    before = _fingerprint(ws.record.path)
    for argv, words in (
        (["design", folder, "--size", "999999"], "larger than the 196608 mapped pixels"),
        (["design", folder, "--anticipated", "9:0.7"], "class(es) [9] the record does not have"),
        (["design", folder, "--allocation", "most"], "proportional, equal or minimum:K"),
        (["design", folder, "--iteration", "7"], "no iteration 7"),
        (["design", folder, "--extent", "0", "0", "1", "1"], "no mapped pixel lies in the extent"),
        (["report", folder], "no accuracy assessment design yet"),
    ):
        status, events = run_json(capsys, "assess", *argv)
        assert status == 2 and words in events[-1]["message"], events[-1]
        assert "\n" not in events[-1]["message"]
    assert _fingerprint(ws.record.path) == before
    status, events = run_json(
        capsys, "assess", "design", folder, "--size", "30", "--allocation", "proportional"
    )
    sheet = tmp_path / "s.csv"
    run_json(capsys, "assess", "points", folder, "--out", str(sheet))
    status, events = run_json(capsys, "assess", "report", folder)
    assert status == 2 and "no point of design" in events[-1]["message"]
    rows = _fill(sheet, masks)
    after_design = _fingerprint(ws.record.path)
    bad = tmp_path / "bad.csv"
    for change, words in (
        (lambda r: r.update({"class": "lake"}), "neither a class id nor a class name"),
        (lambda r: r.update({"design_id": "f" * 32}), "design ffffffff"),
        (lambda r: r.update({"row": str(int(r["row"]) + 1)}), "another pixel"),
        (lambda r: r.update({"point_id": "777"}), "has no point 777"),
    ):
        changed = [dict(r) for r in rows]
        change(changed[3])
        with open(bad, "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(changed)
        status, events = run_json(capsys, "assess", "label", folder, str(bad))
        assert status == 2 and words in events[-1]["message"] and str(bad) in events[-1]["message"], events[
            -1
        ]
        assert _fingerprint(ws.record.path) == after_design  # all or nothing
    # a later map predicted for another extent cannot be scored with this design
    status, _ = run_json(capsys, "assess", "label", folder, str(sheet))
    assert status == 0
    ws.record.add_run(Run(2, "models/iteration_002.safetensors", 0, "", {}, [], "", "", 1.0, "cpu"))
    frame = ws.record.frame("bsb_1")
    crop = frame.info.affine * (0, 0)
    folder2 = ws.output_dir(2)
    for name in maps[1]:
        shutil.copy(ws.outputs_dir / "iteration_001" / f"{name}_classes.tif", folder2 / f"{name}_classes.tif")
    with rasterio.open(frame.path) as src:
        profile = dict(src.profile, count=1, dtype="uint8", nodata=255, width=100, height=100)
    profile["transform"] = rasterio.transform.from_origin(crop[0], crop[1], 0.24, 0.24)
    with rasterio.open(folder2 / "bsb_1_classes.tif", "w", **profile) as dst:
        dst.write(maps[1]["bsb_1"][:100, :100].astype(np.uint8), 1)
    status, events = run_json(capsys, "assess", "report", folder, "--iteration", "2")
    assert status == 2 and "predicted for another extent" in events[-1]["message"]
    status, events = run_json(capsys, "assess", "report", folder)  # the newest is left out, plainly
    assert status == 0 and any("iteration 2 left out" in w for w in events[-1]["warnings"])


def test_merging_carries_designs_and_labels(mapped_workspace, tmp_path):
    from isage_core.record.merge import merge_records

    ws, masks, _ = mapped_workspace
    colleague = tmp_path / "colleague.gpkg"
    shutil.copy(ws.record.path, colleague)  # the same frames and classes, no design yet
    design, _ = create_design(ws, AssessSettings(iteration=0, size=12, allocation="proportional"))
    store = _label_all(ws, design.design_id, masks, skip={1})
    from isage_core.record.click_record import ClickRecord

    other = ClickRecord.open(colleague)
    report = merge_records(other, ws.record.path)
    theirs = AssessmentStore(other)
    assert report.added_designs == [design.design_id] and report.added_labels == design.size - 1
    assert [(p.frame, p.row, p.col) for p in theirs.points(design.design_id)] == [
        (p.frame, p.row, p.col) for p in store.points(design.design_id)
    ]
    assert merge_records(other, ws.record.path).added_labels == 0  # merging again adds nothing
    # the colleague labels point 1, the owner too, differently: both kept, one merged as retracted
    theirs.add_labels(design.design_id, [LabelRequest("c", 1, 0, False, "colleague")])
    store.add_labels(design.design_id, [LabelRequest("o", 1, 4, False, "owner")])
    report = merge_records(ws.record, colleague)
    assert [c.kind for c in report.conflicts] == ["label"]
    labels = store.labels(design.design_id, include_retracted=True)
    point_1 = [(lab.annotator, lab.class_id, lab.retracted) for lab in labels if lab.point_id == 1]
    assert sorted(point_1) == [("colleague", 0, True), ("owner", 4, False)]
    # a colleague's click on a sample pixel arrives retracted, reported
    target = store.points(design.design_id)[2]
    clicks = sqlite3.connect(colleague)
    clicks.execute("DROP TRIGGER isage_clicks_not_on_sample")  # as an older iSAGE would have let it in
    clicks.execute(
        "INSERT INTO clicks (uid, frame, row, col, class_id, iteration, created_utc) "
        f"VALUES ('old', '{target.frame}', {target.row}, {target.col}, 1, 0, '2026-01-01T00:00:00+00:00')"
    )
    clicks.commit()
    clicks.close()
    report = merge_records(ws.record, colleague)
    assert [c.kind for c in report.conflicts] == ["sample_pixel"]
    merged = [
        c for c in ws.record.clicks(include_retracted=True) if (c.row, c.col) == (target.row, target.col)
    ]
    assert merged[0].retracted and merged[0].retracted_by == "isage merge"


def test_an_older_record_gets_the_assessment_on_its_first_write(mapped_workspace):
    from isage_core.record.click_record import ClickRecord

    ws, _, _ = mapped_workspace
    conn = sqlite3.connect(ws.record.path)
    drop_assessment_tables(conn)
    conn.execute("UPDATE isage_meta SET value = '2' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    record = ClickRecord.open(ws.record.path)
    record.add_click("bsb_1", 1, row=3, col=3)
    design, _ = create_design(
        Workspace(ws.folder, record), AssessSettings(iteration=1, size=5, allocation="proportional")
    )
    assert len(AssessmentStore(record).points(design.design_id)) == design.size >= 5
