"""Merging two annotators' records: nothing lost, every conflict reported, idempotent, all or nothing."""

import shutil
import sqlite3
import warnings

import numpy as np
import pytest
import rasterio

from isage_core.errors import IsageError
from isage_core.record.click_record import ClassDef, ClickRecord, Run
from isage_core.record.merge import Conflict, MergeReport, conflicts_in, merge_records


@pytest.fixture
def two_annotators(tmp_path, click_record, record_frames):
    """Ana's record and Bob's, copied from Ana's after two shared clicks, then annotated apart."""
    ana = click_record
    s1 = ana.add_click("a", 0, row=5, col=5, annotator="ana")
    s2 = ana.add_click("b", 2, row=40, col=40, annotator="ana")
    (tmp_path / "people" / "bob").mkdir(parents=True)
    shutil.copy(ana.path, tmp_path / "people" / "bob" / "record.gpkg")
    bob = ClickRecord.open(tmp_path / "people" / "bob" / "record.gpkg")
    assert not bob.frame("a").exists  # relative paths now point next to Bob's folder: re-link them
    assert bob.resolve_missing_frames([tmp_path / "imagery"]) == ["a", "b"]

    ana.add_click("a", 1, row=10, col=10, annotator="ana")
    ana.add_click("b", 1, row=20, col=20, annotator="ana")

    bob.set_class(ClassDef(1, "building", "#00ff00"))
    bob.set_class(ClassDef(3, "water", "#0000ff"))
    bob.add_frame(record_frames["wgs"])
    bob.add_click("a", 2, row=10, col=10, annotator="bob")  # pixel_class with ana's class 1
    bob.add_click("b", 1, row=20, col=20, annotator="bob")  # duplicate of ana's click
    bob.add_click("wgs", 3, row=128, col=128, annotator="bob")
    bob.retract_click(s1.uid, by="bob", reason="not background")
    with sqlite3.connect(bob.path) as conn:  # a note edited in QGIS: same uid, different content
        conn.execute("UPDATE clicks SET note = 'shadow?' WHERE uid = ?", (s2.uid,))
    bob.add_run(Run(0, "models/m0", 4, bob.clicks_hash(0), {}, [], "s", "f", 1.0, "cpu"))
    late = bob.add_click("a", 1, row=200, col=200, annotator="bob")
    assert late.iteration == 1
    return ana, bob, s1, s2


def test_merge_keeps_everything_and_reports_each_conflict(two_annotators):
    ana, bob, s1, s2 = two_annotators
    before = {c.uid for c in ana.clicks(include_retracted=True)}
    report = merge_records(ana, bob.path)
    assert isinstance(report, MergeReport)
    assert report.added_clicks == 4 and report.added_retractions == 1
    assert report.added_frames == ["wgs"] and report.added_classes == [3]
    kinds = sorted(c.kind for c in report.conflicts)
    assert kinds == ["class_table", "duplicate", "pixel_class", "uid_mismatch"]
    by_kind = {c.kind: c for c in report.conflicts}
    assert by_kind["uid_mismatch"].uids == (s2.uid,) and "note" in by_kind["uid_mismatch"].message
    assert "#ff0000" in by_kind["class_table"].message and "#00ff00" in by_kind["class_table"].message
    assert len(by_kind["pixel_class"].uids) == 2 and "row 10, col 10" in by_kind["pixel_class"].message
    assert len(by_kind["duplicate"].uids) == 2 and "row 20, col 20" in by_kind["duplicate"].message

    merged = {c.uid: c for c in ana.clicks(include_retracted=True)}
    theirs = {c.uid: c for c in bob.clicks(include_retracted=True)}
    assert set(merged) == before | set(theirs)
    for uid, c in theirs.items():
        m = merged[uid]
        assert (m.frame, m.row, m.col, m.class_id, m.iteration, m.annotator, m.created_utc) == (
            c.frame,
            c.row,
            c.col,
            c.class_id,
            c.iteration,
            c.annotator,
            c.created_utc,
        )
        assert m.retracted == c.retracted and (m.x, m.y) == pytest.approx((c.x, c.y), abs=1e-6)
    assert merged[s1.uid].retracted and merged[s1.uid].retracted_by == "bob"
    assert merged[s1.uid].retract_reason == "not background"
    assert merged[s2.uid].note == ""  # the target's version wins
    assert max(c.iteration for c in merged.values()) == 1 and ana.current_iteration() == 0
    assert ana.classes()[1] == ClassDef(1, "building", "#ff0000") and ana.class_ids() == [0, 1, 2, 3]
    assert ana.frame("wgs").stored_path == "../imagery/wgs.tif" and ana.frame("wgs").exists
    assert bob.frame("wgs").stored_path == "../../imagery/wgs.tif"

    text = report.summary()
    assert "4 click(s)" in text and "1 retraction(s)" in text and "pixel_class" in text
    assert len(text.splitlines()) == 2 + len(report.conflicts)

    on_ana = sorted(c.kind for c in conflicts_in(ana))
    assert on_ana == ["duplicate", "pixel_class"]
    assert all(isinstance(c, Conflict) for c in conflicts_in(bob)) and conflicts_in(bob) == []


def test_merging_twice_adds_nothing_and_both_ways_agree(two_annotators):
    ana, bob, _, _ = two_annotators
    merge_records(ana, bob.path)
    n_clicks, n_frames = len(ana.clicks(include_retracted=True)), len(ana.frames())
    again = merge_records(ana, bob.path)
    assert (again.added_clicks, again.added_retractions, again.added_frames, again.added_classes) == (
        0,
        0,
        [],
        [],
    )
    assert len(ana.clicks(include_retracted=True)) == n_clicks and len(ana.frames()) == n_frames
    back = merge_records(bob, ana.path)
    assert back.added_clicks == 2 and back.added_retractions == 0 and back.added_frames == []
    state = {(c.uid, c.retracted) for c in ana.clicks(include_retracted=True)}
    assert state == {(c.uid, c.retracted) for c in bob.clicks(include_retracted=True)}
    assert merge_records(ana, ana.path).added_clicks == 0  # merging a record into itself is harmless


def test_merge_is_all_or_nothing(tmp_path, click_record, record_classes):
    ana = click_record
    ana.add_click("a", 1, row=1, col=1)
    plain = tmp_path / "plain.tif"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # not georeferenced, on purpose
        with rasterio.open(plain, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8") as dst:
            dst.write(np.full((1, 8, 8), 9, dtype="uint8"))
    other = ClickRecord.create(tmp_path / "ungeo.gpkg", record_classes + [ClassDef(4, "tree", "#008000")])
    other.add_frame(plain)
    other.add_click("plain", 4, row=2, col=2)
    with pytest.raises(IsageError, match="no CRS"):
        merge_records(ana, other.path)
    assert len(ana.clicks()) == 1 and ana.class_ids() == [0, 1, 2] and len(ana.frames()) == 2
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a database at all" * 10)
    with pytest.raises(IsageError, match="not a GeoPackage"):
        merge_records(ana, junk)
