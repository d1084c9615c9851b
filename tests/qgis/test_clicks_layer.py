"""The click record through QGIS: the engine's rules, the file's integrity, and the engine reading it back."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import time

import pytest
from osgeo import gdal
from qgis.core import QgsPointXY, QgsVectorLayer

from isage_qgis.clicks.layer import (
    BudgetExceeded,
    ClassInfo,
    ClickRecordError,
    ClickRecordLayer,
    ClickRefused,
    pixel_of,
)
from tests.qgis.click_testutil import (
    ND_CORNER,
    PY,
    engine,
    engine_clicks,
    engine_json,
    gdal_centre,
    rows,
    write_rgba_frame,
)

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")


def test_open_validates(tmp_path, click_workspace, qgis_new_project):
    with pytest.raises(ClickRecordError, match="not found"):
        ClickRecordLayer.open(tmp_path / "missing.gpkg")
    text = tmp_path / "notes.gpkg"
    text.write_text("not a database")
    with pytest.raises(ClickRecordError, match="not an iSAGE click record"):
        ClickRecordLayer.open(text)
    other = tmp_path / "other.gpkg"
    gdal.GetDriverByName("GPKG").Create(str(other), 0, 0, 0, gdal.GDT_Unknown).CreateLayer("roads")
    with pytest.raises(ClickRecordError, match="not an iSAGE click record"):
        ClickRecordLayer.open(other)
    gpkg = click_workspace / "clicks.gpkg"
    with sqlite3.connect(gpkg) as c:
        c.execute("UPDATE isage_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(ClickRecordError, match="newer iSAGE.*upgrade the plugin"):
        ClickRecordLayer.open(gpkg)


def test_classes_frames_and_iteration(click_record, click_workspace):
    assert [(c.id, c.name, c.color) for c in click_record.classes()][:2] == [
        (0, "background", "#9e9e9e"),
        (1, "car", "#e53935"),
    ]
    click_record.add_class(ClassInfo(5, "water", "#1E88E5"))
    click_record.update_class(ClassInfo(1, "vehicle", "#ff0000"))
    assert rows(
        click_workspace / "clicks.gpkg", "SELECT id, name, color FROM classes WHERE id IN (1, 5) ORDER BY id"
    ) == [(1, "vehicle", "#ff0000"), (5, "water", "#1e88e5")]
    with pytest.raises(ClickRefused, match="colour"):
        click_record.update_class(ClassInfo(2, "road", "grey"))
    with pytest.raises(ClickRefused, match="used by class 1"):
        click_record.add_class(ClassInfo(6, "vehicle", "#000000"))
    frames = {f.name: f for f in click_record.frames()}
    assert set(frames) == {"train_1", "train_11", "nd"}
    f = frames["train_1"]
    ds = gdal.Open(str(f.path))
    assert (
        f.path.is_absolute() and f.path.is_file() and (f.width, f.height) == (ds.RasterXSize, ds.RasterYSize)
    )
    gt = ds.GetGeoTransform()
    assert f.transform == (gt[1], gt[2], gt[0], gt[4], gt[5], gt[3])
    assert click_record.current_iteration() == 0
    with sqlite3.connect(
        click_workspace / "clicks.gpkg"
    ) as c:  # a finished training run, as the engine writes it
        c.execute("INSERT INTO runs (iteration, model_path) VALUES (0, 'models/iteration_000.pt')")
    assert click_record.current_iteration() == 1


def test_add_click_is_the_engines_click(click_record, click_workspace):
    frame = click_record.frame("train_1")
    fid = click_record.add_click("train_1", 10, 20, 1, annotator="ana", note="a car")
    (saved,) = rows(
        click_workspace / "clicks.gpkg",
        "SELECT fid, uid, frame, row, col, class_id, iteration, annotator, "
        "note, retracted, created_utc FROM clicks",
    )
    assert saved[0] == fid and re.fullmatch(r"[0-9a-f]{32}", saved[1])
    assert saved[2:10] == ("train_1", 10, 20, 1, 0, "ana", "a car", 0)
    assert ISO_UTC.match(saved[10])
    (listed,) = engine_clicks(click_workspace)
    assert (listed["fid"], listed["row"], listed["col"], listed["class_id"], listed["iteration"]) == (
        fid,
        10,
        20,
        1,
        0,
    )
    assert listed["created_utc"] == saved[10] and listed["retracted"] is False
    assert (listed["x"], listed["y"]) == pytest.approx(gdal_centre(frame.path, 10, 20), abs=1e-9)
    info = click_record.click(fid)
    assert (info.x, info.y) == pytest.approx(gdal_centre(frame.path, 10, 20), abs=1e-9)
    # the same file, read through a fresh layer and through another program, holds the click
    fresh = QgsVectorLayer(f"{click_workspace / 'clicks.gpkg'}|layername=clicks", "c", "ogr")
    assert [f["uid"] for f in fresh.getFeatures()] == [saved[1]]
    assert click_record.counts()[1] == (1, 1) and click_record.counts()[2] == (0, 0)


def test_engine_sees_click_while_qgis_holds_the_file(click_record, click_workspace, qgis_new_project):
    display = QgsVectorLayer(f"{click_workspace / 'clicks.gpkg'}|layername=clicks", "clicks", "ogr")
    qgis_new_project.addMapLayer(display)
    assert display.featureCount() == 0
    fid = click_record.add_click("train_11", 3, 4, 2)
    assert display.featureCount() == 1 and [f.id() for f in display.getFeatures()] == [fid]
    assert [c["fid"] for c in engine_clicks(click_workspace)] == [fid]
    # the engine writes while QGIS holds the file; QGIS then reads the engine's click
    events = engine_json(
        "click", "add", str(click_workspace), "--frame", "train_1", "--class", "3", "--row", "5", "--col", "6"
    )
    assert events[-1]["event"] == "result", events
    assert sorted(c.fid for c in click_record.clicks()) == [fid, fid + 1]
    integrity = rows(click_workspace / "clicks.gpkg", "PRAGMA integrity_check")
    assert integrity == [("ok",)]


def test_budget_rule(click_record, click_workspace):
    first = click_record.add_click("train_1", 1, 1, 2)
    assert not click_record.budget_allows("train_1", 2) and click_record.budget_allows("train_11", 2)
    with pytest.raises(BudgetExceeded, match="one click per class per frame per iteration.*override"):
        click_record.add_click("train_1", 2, 2, 2)
    second = click_record.add_click("train_1", 2, 2, 2, enforce_budget=False)
    click_record.retract(first, "ana", "wrong")
    click_record.retract(second, "ana", "wrong")
    assert click_record.budget_allows("train_1", 2)
    click_record.add_click("train_1", 3, 3, 2)
    with sqlite3.connect(click_workspace / "clicks.gpkg") as c:
        c.execute("INSERT INTO runs (iteration, model_path) VALUES (0, 'm.pt')")
    fid = click_record.add_click("train_1", 4, 4, 2)  # a new iteration: a new budget
    assert click_record.click(fid).iteration == 1
    assert click_record.counts()[2] == (1, 2)


def test_refusals_write_nothing(click_record, click_workspace):
    with pytest.raises(ClickRefused, match="outside frame"):
        click_record.add_click("train_1", 256, 0, 1)
    with pytest.raises(ClickRefused, match="unknown class 9"):
        click_record.add_click("train_1", 0, 0, 9)
    with pytest.raises(ClickRefused, match="no frame named 'nope'"):
        click_record.add_click("nope", 0, 0, 1)
    for row, col in ((0, 0), (ND_CORNER - 1, ND_CORNER - 1)):
        with pytest.raises(ClickRefused, match="nodata"):
            click_record.add_click("nd", row, col, 1)
    assert rows(click_workspace / "clicks.gpkg", "SELECT COUNT(*) FROM clicks") == [(0,)]
    assert click_record.add_click("nd", ND_CORNER, ND_CORNER - 1, 1) > 0  # next to the nodata block: data


def test_pixel_of_matches_geotransform(click_record):
    frame = click_record.frame("train_11")
    gt = gdal.Open(str(frame.path)).GetGeoTransform()
    x, y = gt[0] + 37.3 * gt[1], gt[3] + 120.9 * gt[5]
    assert pixel_of(frame, QgsPointXY(x, y)) == (120, 37)
    assert pixel_of(frame, QgsPointXY(gt[0] - 0.01, y)) is None
    assert pixel_of(frame, QgsPointXY(x, gt[3] + 256 * gt[5] - 0.01)) is None


def test_retract_keeps_the_click(click_record, click_workspace):
    fid = click_record.add_click("train_1", 7, 8, 4)
    click_record.retract(fid, "bob", "was a shadow")
    (r,) = rows(
        click_workspace / "clicks.gpkg",
        "SELECT retracted, retracted_by, retract_reason, retracted_utc FROM clicks",
    )
    assert r[:3] == (1, "bob", "was a shadow") and ISO_UTC.match(r[3])
    assert click_record.clicks() == [] and len(click_record.clicks(include_retracted=True)) == 1
    with pytest.raises(ClickRefused, match="already retracted"):
        click_record.retract(fid)
    (listed,) = engine_clicks(click_workspace, "--all")
    assert listed["retracted"] is True


def test_deleting_through_the_layer_is_refused(click_record, click_workspace, qgis_new_project):
    fid = click_record.add_click("train_1", 7, 8, 4)
    layer = QgsVectorLayer(f"{click_workspace / 'clicks.gpkg'}|layername=clicks", "clicks", "ogr")
    qgis_new_project.addMapLayer(layer)
    warnings = []
    click_record.message.connect(lambda level, text: warnings.append((level, text)))
    click_record.watch_layer(layer)
    assert layer.startEditing()
    assert layer.deleteFeature(fid)
    assert warnings and warnings[0][0] == "warning" and "retract" in warnings[0][1]
    with pytest.raises(
        ClickRecordError, match="could not be saved.*retracted, not deleted.*retract clicks instead"
    ):
        click_record.commit_pending()
    assert not layer.commitChanges()
    assert any("retracted, not deleted" in e for e in layer.commitErrors())
    layer.rollBack()
    assert rows(click_workspace / "clicks.gpkg", "SELECT fid FROM clicks") == [(fid,)]
    # changing what a click says is refused too; editing its note is allowed and saved by commit_pending
    assert layer.startEditing()
    layer.changeAttributeValue(fid, layer.fields().indexOf("class_id"), 2)
    assert not layer.commitChanges()
    layer.rollBack()
    assert layer.startEditing()
    layer.changeAttributeValue(fid, layer.fields().indexOf("note"), "checked")
    assert click_record.commit_pending() == ["clicks"]
    assert rows(click_workspace / "clicks.gpkg", "SELECT class_id, note FROM clicks") == [(4, "checked")]
    layer.rollBack()


def test_undo(click_record, click_workspace):
    a = click_record.add_click("train_1", 1, 2, 1, annotator="ana")
    assert click_record.undo("ana") == ("retracted", a)
    assert rows(
        click_workspace / "clicks.gpkg", "SELECT retracted, retract_reason FROM clicks WHERE fid = ?", (a,)
    ) == [(1, "undo")]
    b = click_record.add_click("train_1", 3, 4, 2)
    click_record.retract(b, "ana", "oops")
    kind, c = click_record.undo("ana")
    assert kind == "added" and c not in (a, b)
    again = click_record.click(c)
    assert (again.frame, again.row, again.col, again.class_id, again.retracted) == ("train_1", 3, 4, 2, False)
    assert click_record.undo("ana") == (
        "retracted",
        b,
    )  # b's addition: b is retracted already, nothing written
    assert rows(click_workspace / "clicks.gpkg", "SELECT COUNT(*), SUM(retracted) FROM clicks") == [(3, 2)]
    assert click_record.undo("ana") is None


def test_read_only_record(click_record, click_workspace):
    gpkg = click_workspace / "clicks.gpkg"
    fid = click_record.add_click("train_1", 1, 1, 1)
    before = gpkg.read_bytes()
    os.chmod(gpkg, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        with pytest.raises(
            ClickRecordError, match=r"clicks\.gpkg: the click record is read-only; fix its permissions"
        ):
            click_record.add_click("train_1", 2, 2, 2)
        with pytest.raises(ClickRecordError, match="read-only"):
            click_record.retract(fid)
        again = ClickRecordLayer.open(gpkg)  # still opens and reads
        assert [c.fid for c in again.clicks()] == [fid]
        again.close()
    finally:
        os.chmod(gpkg, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    assert gpkg.read_bytes() == before


def test_locked_record(click_record, click_workspace):
    gpkg = click_workspace / "clicks.gpkg"
    code = (
        "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
        "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(float(sys.argv[2]))"
    )
    holder = subprocess.Popen([PY, "-c", code, str(gpkg), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        start = time.monotonic()
        with pytest.raises(ClickRecordError, match="locked by another program; close it there"):
            click_record.add_click("train_1", 1, 1, 1)
        assert time.monotonic() - start < 20
    finally:
        holder.kill()
        holder.wait()
    assert click_record.add_click("train_1", 1, 1, 1) > 0
    assert rows(gpkg, "SELECT COUNT(*) FROM clicks") == [(1,)]


def test_frame_in_another_crs_and_alpha_band_as_the_engine(click_record, click_workspace):
    tif = write_rgba_frame(click_workspace / "geo.tif")
    engine("frames", "add", str(click_workspace), str(tif))
    fid = click_record.add_click("geo", 10, 12, 2)
    engine(
        "click", "add", str(click_workspace), "--frame", "geo", "--class", "3", "--row", "10", "--col", "12"
    )
    mine, theirs = sorted(engine_clicks(click_workspace), key=lambda c: c["fid"])
    assert mine["fid"] == fid and (mine["row"], mine["col"]) == (theirs["row"], theirs["col"]) == (10, 12)
    assert (mine["x"], mine["y"]) == pytest.approx((theirs["x"], theirs["y"]), abs=1e-6)  # both in EPSG:31983
    assert 180000 < mine["x"] < 200000 and 8250000 < mine["y"] < 8260000
    with pytest.raises(ClickRefused, match="nodata"):
        click_record.add_click("geo", 3, 3, 1)  # alpha 0
    refused = engine(
        "click",
        "add",
        str(click_workspace),
        "--frame",
        "geo",
        "--class",
        "1",
        "--row",
        "3",
        "--col",
        "3",
        check=False,
    )
    assert refused.returncode != 0 and "nodata" in refused.stdout + refused.stderr
    assert click_record.add_click("geo", 4, 3, 1) > 0  # just below the transparent block
