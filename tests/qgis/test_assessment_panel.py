"""The independent accuracy assessment in the panel: Assess map draws a sample through the engine, the
person labels it blindly with the click tool's keys (the map hidden meanwhile), labels go into the record
through QGIS under its audit rules, the report's figures come back to the panel, and no training click
lands on a sample pixel."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from dataclasses import replace

import pytest
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsPointXY,
    QgsRasterLayer,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QEvent, Qt
from qgis.PyQt.QtGui import QKeyEvent

from isage_qgis.clicks import actions as click_actions
from isage_qgis.clicks.actions import ClickActions, ClickSettings
from isage_qgis.clicks.layer import ClickRecordLayer
from isage_qgis.layers import assessment as assessment_layers
from isage_qgis.layers import results as layers
from isage_qgis.panel.assessment.figures import AssessmentFigures
from isage_qgis.panel.assessment.queue import AssessmentQueue, design_steps, extent_args, report_steps
from isage_qgis.record.assessment import DesignInfo, LabelInfo, SamplePoint, is_sample_pixel, newest_design
from isage_qgis.record.labels import LabelWriter
from isage_qgis.record.model import ClickRecordError
from isage_qgis.settings import PluginSettings, assessment_args

from .dock_testutil import messages, spin

CRITICAL, WARNING, INFO = Qgis.MessageLevel.Critical, Qgis.MessageLevel.Warning, Qgis.MessageLevel.Info
DESIGN = ["--size", "20", "--allocation", "equal", "--seed", "3"]  # small: 4 points per class
UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
KEYS = [getattr(Qt.Key, f"Key_{n}") for n in range(1, 10)]


def query(record, sql: str, params: tuple = ()) -> list[tuple]:
    with closing(sqlite3.connect(record)) as conn:
        return conn.execute(sql, params).fetchall()


def key(tool, code, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    tool.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, code, modifier))


def result_visibility(project) -> dict[str, bool]:
    """Check state of every iSAGE result layer (class rasters, heatmaps, proposals), by layer name."""
    root = project.layerTreeRoot()
    return {
        lyr.name(): root.findLayer(lyr.id()).itemVisibilityChecked()
        for lyr in layers.layers_of(project, "result")
    }


def pixel_centre(frame, row: int, col: int) -> QgsPointXY:
    a, b, c, d, e, f = frame.transform[:6]
    return QgsPointXY(a * (col + 0.5) + b * (row + 0.5) + c, d * (col + 0.5) + e * (row + 0.5) + f)


def test_assess_map_labels_the_sample_blindly_then_reports(
    make_dock, engine_workspace, engine_cli, qgis_iface, qgis_new_project, monkeypatch
):
    ws = engine_workspace.copy("assess_panel")
    record = ws / "clicks.gpkg"
    dock = make_dock(workspace=ws)
    dock.assessment.design_extra = list(DESIGN)
    box, tool, project = dock.ui.assessment_box, dock.tool, qgis_new_project
    fit = dock.ui.run_label.text()
    assert "fit on its training clicks" in fit and "click accuracy" not in fit, fit
    assert box.counter_label.text().startswith("No accuracy assessment yet")
    dock.ui.predict_button.click()  # the maps (and proposals) of iteration 0, as layers
    spin(lambda: not dock.session.busy)
    before = result_visibility(project)
    # two frames: one mosaic layer per output
    assert (
        before["iteration 0 classes"] and not before["iteration 0 confidence"] and before["iSAGE proposals"]
    )

    shown: list[int] = []
    dock.assessment.pointShown.connect(lambda p: shown.append(p.point_id))
    box.assess_button.click()  # no design yet: isage assess design, then the first point
    spin(lambda: not dock.session.busy)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    points = query(
        record, "SELECT point_id, frame, row, col, stratum FROM assessment_points ORDER BY point_id"
    )
    n = len(points)
    assert n == 20 and [p[0] for p in points] == list(range(1, n + 1))
    assert query(record, "SELECT created_by FROM assessment_designs") == [("tester",)]
    assert dock.assessment.active and shown == [1]
    assert not any(result_visibility(project).values())  # the map is hidden while labelling
    assert box.counter_label.text() == f"0 labelled, 0 unsure, {n} left of {n} sample points"

    # the point shown: the map centres on it, it is selected on the sample layer, its stratum is not shown
    sample = assessment_layers.assessment_layer(project)
    assert sample is not None and sample.featureCount() == n
    assert [f["point_id"] for f in sample.selectedFeatures()] == [1]
    stratum = sample.fields().indexOf("stratum")
    assert sample.editorWidgetSetup(stratum).type() == "Hidden"
    assert sample.attributeTableConfig().columnHidden(stratum)
    first = dock.session.snapshot.frame(points[0][1])
    dock.canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:31983"))
    dock.assessment_view.go_to(dock.assessment.queue.current)
    assert dock.canvas.extent().contains(pixel_centre(first, points[0][2], points[0][3]))
    assert box.point_label.text().startswith(
        f"Sample point 1 of {n}: frame {points[0][1]}, row {points[0][2]}"
    )
    assert dock.canvas.mapTool() is tool

    classes = [c.id for c in dock.session.state.classes]
    key(tool, Qt.Key.Key_1)  # point 1: the first class
    key(tool, Qt.Key.Key_U)  # point 2: unsure
    key(tool, Qt.Key.Key_N)  # point 3: skipped for now
    key(tool, Qt.Key.Key_2)  # point 4: the second class...
    key(tool, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # ...undone: point 4 shows again
    assert any("sample point 4 retracted" in m for m in messages(qgis_iface, INFO)), messages(
        qgis_iface, INFO
    )
    key(tool, Qt.Key.Key_3)  # point 4 relabelled
    assert shown == [1, 2, 3, 4, 5, 4, 5]
    assert box.counter_label.text() == f"2 labelled, 1 unsure, {n - 3} left of {n} sample points"
    assert not any(result_visibility(project).values())

    # stop: the map shows as before; Assess map again goes on with the same design, point 3 still last
    box.stop_button.click()
    assert not dock.assessment.active and result_visibility(project) == before
    box.assess_button.click()
    assert not dock.session.busy and dock.assessment.active and shown[-1] == 5
    assert not any(result_visibility(project).values())
    assert len(query(record, "SELECT 1 FROM assessment_designs")) == 1
    key(tool, KEYS[0])  # point 5
    key(tool, KEYS[1])  # point 6, then the Undo label button, then a relabel
    box.undo_button.click()
    assert dock.assessment.queue.current.point_id == 6
    key(tool, KEYS[3])
    for point_id in range(7, n + 1):
        key(tool, Qt.Key.Key_U if point_id == 9 else KEYS[point_id % len(classes)])
    assert dock.assessment.queue.current.point_id == 3  # the skipped point comes back last
    key(tool, KEYS[4])  # every point labelled: assessing stops, the report runs
    assert shown[-2:] == [n, 3]
    spin(lambda: not dock.session.busy)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    assert not dock.assessment.active and result_visibility(project) == before

    # the labels in the record: one live label per point, the undone ones retracted with who, when and why
    rows = query(
        record,
        "SELECT point_id, class_id, unsure, annotator, created_utc, retracted, retracted_by, retract_reason, "
        "retracted_utc FROM assessment_labels ORDER BY fid",
    )
    live = {r[0]: r for r in rows if r[5] == 0}
    assert sorted(live) == list(range(1, n + 1)) and len(rows) == n + 2
    assert live[1][1:3] == (classes[0], 0) and live[2][1:3] == (None, 1) and live[9][1:3] == (None, 1)
    assert live[3][1] == classes[4] and live[4][1] == classes[2] and live[6][1] == classes[3]
    undone = [r for r in rows if r[5] == 1]
    assert [(r[0], r[1], r[6], r[7]) for r in undone] == [
        (4, classes[1], "tester", "undo"),
        (6, classes[1], "tester", "undo"),
    ]
    assert all(r[3] == "tester" and UTC.match(r[4]) for r in rows) and all(UTC.match(r[8]) for r in undone)

    # the report's figures in the panel: the engine's own, with their 95% interval, per iteration too
    engine = next(e for e in engine_cli("assess", "report", str(ws)) if e["event"] == "result")
    overall = engine["report"]["overall_accuracy"]
    low, high = overall["ci95"]
    text = box.report_label.text()
    assert box.report_label.isVisibleTo(box) and "Partial" not in text
    assert (
        f"Map accuracy of iteration 0 (overall accuracy): {100 * overall['estimate']:.1f}% "
        f"(95% interval {100 * low:.1f}% to {100 * high:.1f}%)" in text
    ), text
    assert f"Iteration 0: overall accuracy {100 * overall['estimate']:.1f}%" in text
    assert "user's accuracy" in text and "2 marked unsure are left out" in text
    assert box.open_report_button.isVisibleTo(box) and box.report_path.endswith(".html")
    assert box.counter_label.text() == f"{n - 2} labelled, 2 unsure, 0 left of {n} sample points"

    # a training click on a sample pixel is refused before writing, and by the record itself
    _, frame, row, col, _ = points[0]
    clicks = query(record, "SELECT COUNT(*) FROM clicks")
    qgis_iface.messageBar().clear_messages()
    tool.report(tool.actions.add_pixel(frame, row, col))
    refused = messages(qgis_iface, WARNING)
    assert any("accuracy assessment sample" in m and "neighbouring pixel" in m for m in refused), refused
    frame_layer = QgsRasterLayer(str(dock.session.snapshot.frame(frame).path), frame, "gdal")
    project.addMapLayer(frame_layer)
    centre = pixel_centre(dock.session.snapshot.frame(frame), row, col)
    outcome = tool.actions.add_at(centre, QgsCoordinateReferenceSystem("EPSG:31983"))
    assert outcome.kind == "refused" and "accuracy assessment sample" in outcome.text
    monkeypatch.setattr(click_actions, "is_sample_pixel", lambda *a: False)  # the record's trigger alone
    outcome = tool.actions.add_pixel(frame, row, col)
    assert outcome.kind == "refused"
    assert "iSAGE clicks never land on a pixel of the accuracy assessment sample" in outcome.text
    assert query(record, "SELECT COUNT(*) FROM clicks") == clicks


def test_assess_map_over_the_visible_extent_with_the_settings_design(
    make_dock, engine_workspace, engine_cli, qgis_iface
):
    ws = engine_workspace.copy("assess_extent")
    record = ws / "clicks.gpkg"
    engine_cli("predict", str(ws), "--device", "cpu")  # the maps of iteration 0
    dock = make_dock(workspace=ws, propose=False)
    chosen = replace(
        dock.session.load_settings(), assess_target_se=0.1, assess_allocation="equal", assess_seed=7
    )
    dock.session.load_settings = lambda: chosen
    # the map in another CRS than the record's, on the middle of the first frame
    frame = dock.session.snapshot.frame("train_1")
    record_crs, canvas_crs = (
        QgsCoordinateReferenceSystem("EPSG:31983"),
        QgsCoordinateReferenceSystem("EPSG:4326"),
    )
    xmin, ymin, xmax, ymax = frame.bounds()
    w, h = xmax - xmin, ymax - ymin
    middle = QgsRectangle(xmin + 0.4 * w, ymin + 0.4 * h, xmin + 0.6 * w, ymin + 0.6 * h)
    context = dock.session.project.transformContext()
    dock.canvas.setDestinationCrs(canvas_crs)
    dock.canvas.setExtent(
        QgsCoordinateTransform(record_crs, canvas_crs, context).transformBoundingBox(middle)
    )
    dock.ui.scope_combo.setCurrentIndex(1)  # Visible extent
    assert not dock.ui.whole_frames()
    visible = QgsCoordinateTransform(canvas_crs, record_crs, context).transformBoundingBox(
        dock.canvas.extent()
    )
    assert visible.intersect(QgsRectangle(*frame.bounds())).area() < 0.5 * w * h  # not the whole frame

    dock.ui.assessment_box.assess_button.click()
    spin(lambda: not dock.session.busy)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    assert any("over the visible extent" in m for m in messages(qgis_iface, Qgis.MessageLevel.Success))
    assert dock.assessment.active

    # every point's pixel centre lies inside the visible extent, in the record's CRS
    frames = {f.name: f for f in dock.session.snapshot.frames}
    points = query(record, "SELECT frame, row, col FROM assessment_points")
    assert points
    for name, row, col in points:
        centre = pixel_centre(frames[name], row, col)
        assert visible.contains(centre), (name, row, col, centre.toString(), visible.toString())
    # the design the settings chose: its target standard error, allocation and seed; the extent reprojected
    ((seed, settings, population),) = query(
        record, "SELECT seed, settings, population FROM assessment_designs"
    )
    settings, population = json.loads(settings), json.loads(population)
    assert seed == 7 and settings["target_se"] == 0.1 and settings["allocation"] == "equal"
    assert settings["anticipated_default"] == 0.85 and settings["size"] == len(points)
    engine_extent = QgsRectangle(*population["extent"])
    assert visible.contains(engine_extent) and engine_extent.width() > 0.95 * visible.width()


def test_the_settings_choose_the_design_and_an_expert_s_options_win():
    defaults = assessment_args(PluginSettings())
    assert defaults == ["--target-se", "0.025", "--anticipated", "0.85", "--allocation", "minimum:50",
                        "--seed", "0"]  # fmt: skip
    chosen = PluginSettings(assess_target_se=0.05, assess_anticipated=0.7, assess_allocation="equal",
                            assess_minimum=9, assess_seed=12)  # fmt: skip
    assert assessment_args(chosen) == ["--target-se", "0.05", "--anticipated", "0.7", "--allocation", "equal",
                                       "--seed", "12"]  # fmt: skip
    assert "minimum:9" in assessment_args(replace(chosen, assess_allocation="minimum"))
    extent = extent_args(QgsRectangle(-47.9, -15.8, -47.8, -15.7), QgsCoordinateReferenceSystem("EPSG:4326"))
    assert extent == ["--extent", "-47.9", "-15.8", "-47.8", "-15.7", "--extent-crs", "EPSG:4326"]
    args = design_steps("ws", [], "me", defaults + extent)[0].args
    assert args == ["assess", "design", "ws", *defaults, *extent, "--annotator", "me"]
    # design_extra (experts, tests): its options replace the settings' (--size replaces --target-se)
    args = design_steps("ws", ["--size", "20", "--allocation", "proportional", "--annotator", "x"], "me",
                        defaults + extent)[0].args  # fmt: skip
    assert args == ["assess", "design", "ws", "--anticipated", "0.85", "--seed", "0", *extent, "--size", "20",
                    "--allocation", "proportional", "--annotator", "x"]  # fmt: skip


def test_the_settings_dialog_edits_the_design(qgis_app):
    from isage_qgis.panel.settings_dialog import SettingsDialog

    dialog = SettingsDialog(PluginSettings())
    assert dialog.settings() == PluginSettings() and dialog.minimum_spin.isEnabled()
    assert "smaller standard error needs more points" in dialog.target_se_spin.toolTip()
    dialog.target_se_spin.setValue(0.04)
    dialog.anticipated_spin.setValue(0.75)
    dialog.allocation_combo.setCurrentIndex(dialog.allocation_combo.findData("proportional"))
    assert not dialog.minimum_spin.isEnabled()
    dialog.seed_spin.setValue(42)
    chosen = dialog.settings()
    assert (
        chosen.assess_target_se,
        chosen.assess_anticipated,
        chosen.assess_allocation,
        chosen.assess_seed,
    ) == (0.04, 0.75, "proportional", 42)
    assert SettingsDialog(chosen).settings() == chosen


def test_the_design_settings_are_kept_in_qgis_settings(qgis_app):
    from qgis.core import QgsSettings

    saved = PluginSettings.load()
    try:
        chosen = PluginSettings(assess_target_se=0.04, assess_anticipated=0.7, assess_allocation="equal",
                                assess_minimum=20, assess_seed=9)  # fmt: skip
        chosen.save()
        assert PluginSettings.load() == chosen
        QgsSettings().setValue("isage/assess_seed", "not a number")  # edited by hand: the default
        assert PluginSettings.load() == replace(chosen, assess_seed=0)
    finally:
        saved.save()


def test_assess_map_without_a_model_says_so_and_writes_nothing(make_dock, click_workspace, qgis_iface):
    dock = make_dock(workspace=click_workspace)
    dock.ui.assessment_box.assess_button.click()
    assert not dock.session.busy and not dock.assessment.active
    assert any("No model yet" in m for m in messages(qgis_iface, WARNING)), messages(qgis_iface, WARNING)
    assert query(click_workspace / "clicks.gpkg", "SELECT COUNT(*) FROM assessment_designs") == [(0,)]


def downgrade_to_schema_2(record) -> None:
    """The record as the engine of schema 2 left it: no assessment tables, no sample trigger."""
    with closing(sqlite3.connect(record)) as conn, conn:
        conn.execute("DROP TRIGGER isage_clicks_not_on_sample")
        for table in ("assessment_labels", "assessment_points", "assessment_designs"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DELETE FROM gpkg_contents WHERE table_name LIKE 'assessment_%'")
        conn.execute("DELETE FROM gpkg_geometry_columns WHERE table_name LIKE 'assessment_%'")
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_ogr_contents'").fetchone():
            conn.execute("DELETE FROM gpkg_ogr_contents WHERE table_name LIKE 'assessment_%'")
        conn.execute("UPDATE isage_meta SET value = '2' WHERE key = 'schema_version'")


def test_a_record_of_schema_2_has_no_design_and_still_takes_clicks(click_workspace, qgis_new_project):
    record = click_workspace / "clicks.gpkg"
    downgrade_to_schema_2(record)
    assert newest_design(record) is None and AssessmentQueue.load(record) is None
    assert not is_sample_pixel(record, "train_1", 10, 10)
    with pytest.raises(ClickRecordError, match="no accuracy assessment yet"):
        LabelWriter(record).add("design", 1, 1)
    rec = ClickRecordLayer.open(record)
    try:
        outcome = ClickActions(rec, 1, [], ClickSettings(annotator="tester")).add_pixel("train_1", 10, 10)
        assert outcome.kind == "added", outcome.text
    finally:
        rec.close()


def test_the_queue_keeps_point_order_and_brings_skipped_points_back_last():
    design = DesignInfo("d1", 0, "2026-01-01T00:00:00+00:00", "me")
    points = [SamplePoint("d1", i, "f", i, i) for i in range(1, 6)]
    queue = AssessmentQueue(design, points, {2: LabelInfo(1, "u", 2, 0, False, "me")})
    assert queue.current is None and queue.counter_text() == "1 labelled, 0 unsure, 4 left of 5 sample points"
    assert queue.advance().point_id == 1
    assert queue.advance(skip=True).point_id == 3 and queue.skipped == {1}
    queue.labelled_now(LabelInfo(2, "v", 3, None, True, "me"))
    assert (
        queue.advance().point_id == 4
        and queue.counter_text() == "1 labelled, 1 unsure, 3 left of 5 sample points"
    )
    assert queue.advance(skip=True).point_id == 5
    assert queue.advance(skip=True).point_id == 1  # only skipped ones left: they come back, in order
    assert queue.skipped == set() and queue.last_labelled().point_id == 3
    queue.retracted_now(3)
    assert queue.current.point_id == 3 and queue.history == [] and queue.last_labelled() is None
    assert queue.describe(queue.current) == "Sample point 3 of 5: frame f, row 3, col 3."
    assert design_steps("ws", ["--size", "20"], "me")[0].args == [
        "assess",
        "design",
        "ws",
        "--size",
        "20",
        "--annotator",
        "me",
    ]
    assert report_steps("ws", "d1", True)[0].args == ["assess", "report", "ws", "--design", "d1", "--partial"]


OA, NONE = {"estimate": 0.8, "se": 0.05, "ci95": [0.7, 0.9]}, {"estimate": None, "se": None, "ci95": None}


def test_report_figures_say_what_they_measure_and_carry_their_interval():
    event = {
        "design_id": "d1", "points": 10, "labelled": 6, "unsure": 1, "unlabelled": 4,
        "iterations": [{"iteration": 1, "overall_accuracy": OA}, {"iteration": 0, "overall_accuracy": NONE}],
        "report": {"iteration": 1, "overall_accuracy": OA,
                   "classes": [{"class_id": 0, "name": "road", "users_accuracy": None,
                                "producers_accuracy": {"estimate": 0.5, "se": 0.2, "ci95": [0.1, 0.9]}}]},
        "warnings": ["stratum road has no labelled point"], "outputs": {"html": "/r/report.html"},
    }  # fmt: skip
    figures = AssessmentFigures.of(event)
    assert figures.partial and figures.iterations == [(1, figures.overall)]
    assert figures.lines() == [
        "Map accuracy of iteration 1 (overall accuracy): 80.0% (95% interval 70.0% to 90.0%)",
        "Partial: 4 of 10 sample points not labelled yet; these figures will change.",
        "Estimated from 5 sample points labelled with a class (1 marked unsure are left out).",
        "Iteration 1: overall accuracy 80.0% (95% interval 70.0% to 90.0%)",
        "road: user's accuracy no sample point mapped as it; producer's accuracy 50.0% "
        "(95% interval 10.0% to 90.0%)",
        "stratum road has no labelled point",
    ]
    empty = AssessmentFigures.of({"report": {"overall_accuracy": {"estimate": None}}})
    assert empty.headline().startswith("No map accuracy yet")
