"""The iSAGE dock end to end: real engine runs (EngineRun over QProcess) started from the dock's buttons,
layers added on success, cancel, a missing or dying engine, frames removed mid-run, visible-extent predict."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import pytest
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCoordinateTransformContext,
    QgsRasterLayer,
    QgsRectangle,
)
from qgis.PyQt.QtWidgets import QPushButton

from isage_qgis.engine import handshake
from isage_qgis.layers import results as layers
from isage_qgis.panel import dock as dock_module
from isage_qgis.panel import model as dm
from isage_qgis.panel.settings_dialog import SettingsDialog
from isage_qgis.panel.widgets import frames_text
from isage_qgis.plugin import IsagePlugin
from isage_qgis.record.model import ClassInfo
from isage_qgis.record.view import read_record
from isage_qgis.settings import PluginSettings

from .dock_testutil import messages, spin

CRITICAL, SUCCESS, INFO = Qgis.MessageLevel.Critical, Qgis.MessageLevel.Success, Qgis.MessageLevel.Info


def test_dock_trains_through_the_worker_and_adds_styled_layers(
    make_dock, engine_workspace, qgis_iface, qgis_new_project
):
    ws = engine_workspace.copy("dock_train")
    dock = make_dock(workspace=ws)
    assert dock.session.state.iteration == 1 and dock.ui.train_button.isEnabled()
    assert layers.find_click_layer(qgis_new_project, ws / "clicks.gpkg") is not None
    seen = []
    dock.session.progress.connect(lambda fraction, text: seen.append(fraction))
    dock.ui.train_button.click()
    assert dock.session.busy and not dock.ui.train_button.isEnabled() and dock.ui.cancel_button.isEnabled()
    assert not dock.click_action.isEnabled() and dock._record_for_tool() is None  # no clicking meanwhile
    spin(lambda: not dock.session.busy)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    assert any("iteration 1 trained" in m for m in messages(qgis_iface, SUCCESS))
    assert seen and max(seen) == pytest.approx(1.0)

    root = qgis_new_project.layerTreeRoot()
    group = root.findGroup("iSAGE iteration 1")
    assert group is not None, [c.name() for c in root.children()]
    # two frames: one mosaic layer per output, not a group of layers per frame
    assert [c.name() for c in group.children()] == ["iteration 1 classes", "iteration 1 confidence"]
    record = read_record(ws / "clicks.gpkg")
    colours = [(c.id, c.color, c.name) for c in record.classes]
    classes_layer = qgis_new_project.mapLayersByName("iteration 1 classes")[0]
    assert root.findLayer(classes_layer.id()).parent() is group
    palette = classes_layer.renderer()
    assert palette.type() == "paletted"
    assert [(int(c.value), c.color.name(), c.label) for c in palette.classes()] == colours
    assert Path(classes_layer.source()).parent.parent.name == "iteration_001"
    for frame in ("train_1", "train_1000"):
        assert classes_layer.extent().contains(QgsRectangle(*record.frame(frame).bounds()).buffered(-0.01))
    heat = qgis_new_project.mapLayersByName("iteration 1 confidence")[0]
    assert heat.renderer().type() == "singlebandpseudocolor"
    assert dock.session.state.iteration == 2 and "iteration 1" in dock.ui.run_label.text()
    assert dock.ui.train_button.isEnabled() and not dock.ui.cancel_button.isEnabled()


def test_cancel_stops_a_run(make_dock, engine_workspace, qgis_iface):
    ws = engine_workspace.copy("dock_cancel")
    dock = make_dock(workspace=ws, steps=5000)
    progress = []
    dock.session.progress.connect(lambda fraction, text: progress.append(text))
    dock.ui.train_button.click()
    spin(lambda: any("step" in t for t in progress), 120)  # training has begun
    dock.ui.cancel_button.click()
    spin(lambda: not dock.session.busy, 60)
    assert any("cancelled" in m for m in messages(qgis_iface, INFO))
    assert not messages(qgis_iface, CRITICAL)
    assert len(read_record(ws / "clicks.gpkg").runs) == 1  # no run 1 recorded
    assert not (ws / "models" / "iteration_001.safetensors").exists()
    assert dock.ui.train_button.isEnabled() and dock.click_action.isEnabled()


def test_missing_engine_python_is_a_message_bar_error(make_dock, engine_workspace, qgis_iface, tmp_path):
    ws = engine_workspace.copy("dock_missing")
    dock = make_dock(python=str(tmp_path / "no" / "python"), workspace=ws)
    dock.ui.predict_button.click()
    spin(lambda: not dock.session.busy, 30)
    errors = messages(qgis_iface, CRITICAL)
    assert errors and "does not exist" in errors[-1] and "settings" in errors[-1]
    assert dock.ui.predict_button.isEnabled()


def test_a_dead_worker_is_a_message_bar_error(make_dock, engine_workspace, qgis_iface):
    ws = engine_workspace.copy("dock_dead")
    dock = make_dock(workspace=ws, steps=5000)
    dock.ui.train_button.click()
    pipeline = dock.session.pipeline
    spin(lambda: pipeline.current_label == "train", 60)  # past the engine check: the training run dies
    engine = dock.session.engine  # the session's resident engine runs the command
    spin(lambda: engine._process is not None and engine._process.processId() > 0, 30)
    os.kill(engine._process.processId(), signal.SIGKILL)
    spin(lambda: not dock.session.busy, 60)
    errors = messages(qgis_iface, CRITICAL)
    assert errors and "stopped unexpectedly" in errors[-1]
    assert dock.ui.train_button.isEnabled() and engine.state == "down"


def test_frames_removed_mid_run_and_missing_files(make_dock, engine_workspace, qgis_iface, qgis_new_project):
    ws = engine_workspace.copy("dock_removed")
    dock = make_dock(workspace=ws)
    frames = [QgsRasterLayer(str(p), name) for name, p in engine_workspace.images.items()]
    qgis_new_project.addMapLayers(frames)
    dock.ui.predict_button.click()
    qgis_new_project.removeMapLayers([lyr.id() for lyr in frames])  # the user removes the frames meanwhile
    spin(lambda: not dock.session.busy)
    assert not messages(qgis_iface, CRITICAL)
    assert qgis_new_project.mapLayersByName("iteration 0 classes")  # results still arrive, nothing crashed
    # a frame file gone from disk: the engine's message (with the fix) reaches the message bar
    moved = ws.parent / "moved_train_1000.tif"
    frame = read_record(ws / "clicks.gpkg").frame("train_1000")
    Path(frame.path).rename(moved)
    try:
        dock.ui.predict_button.click()
        spin(lambda: not dock.session.busy)
    finally:
        moved.rename(frame.path)
    errors = messages(qgis_iface, CRITICAL)
    assert errors and "train_1000" in errors[-1] and "relink" in errors[-1]


def test_predict_visible_extent_only_predicts_frames_on_screen(
    make_dock, engine_workspace, qgis_iface, qgis_new_project
):
    ws = engine_workspace.copy("dock_extent")
    dock = make_dock(workspace=ws)
    record = read_record(ws / "clicks.gpkg")
    xmin, ymin, xmax, ymax = record.frame("train_1").bounds()
    crs = QgsCoordinateReferenceSystem("EPSG:31983")
    dock.canvas.setDestinationCrs(crs)
    dock.canvas.resize(400, 400)
    dock.canvas.setExtent(QgsRectangle(xmin + 10, ymin + 10, xmin + 30, ymin + 30))
    dock.ui.scope_combo.setCurrentIndex(1)  # visible extent
    assert dock.extent() is not None
    dock.ui.predict_button.click()
    spin(lambda: not dock.session.busy)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    group = qgis_new_project.layerTreeRoot().findGroup("iSAGE iteration 0")
    assert [c.name() for c in group.children()] == ["train_1 (extent)"]
    layer = qgis_new_project.mapLayersByName("train_1 classes")[0]
    assert "extent" in Path(layer.source()).parent.name
    assert layer.width() < 256 and layer.height() < 256  # only the visible part was predicted
    dock.canvas.setExtent(QgsRectangle(0, 0, 10, 10))  # nowhere near a frame
    assert not dock.session.predict(dock.extent())
    assert any("overlaps no frame" in m for m in messages(qgis_iface, Qgis.MessageLevel.Warning))


def test_predict_runs_on_the_dask_scheduler_of_the_settings(
    make_dock, engine_workspace, engine_python, engine_cli, qgis_iface, qgis_new_project, tmp_path
):
    import subprocess

    from osgeo import gdal

    assert dm.predict_steps("ws", "cpu", None, None, "tcp://10.0.0.5:8786")[0].args[-2:] == [
        "--scheduler", "tcp://10.0.0.5:8786",
    ]  # fmt: skip
    tls = ("/etc/dask/ca.pem", "/home/ana/ana.pem", "/home/ana/ana.key")
    assert dm.predict_steps("ws", "cpu", None, None, "tls://10.0.0.5:8786", tls)[0].args[-8:] == [
        "--scheduler", "tls://10.0.0.5:8786",
        "--tls-ca-file", tls[0], "--tls-cert", tls[1], "--tls-key", tls[2],
    ]  # fmt: skip
    assert (
        "--tls-ca-file" not in dm.predict_steps("ws", "cpu", None, None, "tls://h:1", tls[:2] + ("",))[0].args
    )
    ws = engine_workspace.copy("dock_cluster")
    dask = [engine_python, "-m", "dask"]  # not a `dask` script beside it: the chroot's engine is a wrapper
    file = tmp_path / "scheduler.json"  # as `dask scheduler --scheduler-file` writes it on a cluster
    logs = tmp_path / "dask.log"
    with open(logs, "w") as log:
        started = [subprocess.Popen(
            [*dask, "scheduler", "--scheduler-file", str(file), "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard"], stdout=log, stderr=log,
        )]  # fmt: skip
        try:
            spin(file.is_file, 60)
            started.append(subprocess.Popen(
                [*dask, "worker", "--scheduler-file", str(file), "--nworkers", "1", "--nthreads", "1",
                 "--no-dashboard"], stdout=log, stderr=log,
            ))  # fmt: skip
            dock = make_dock(workspace=ws, scheduler=str(file))
            dock.ui.predict_button.click()
            spin(lambda: not dock.session.busy, 180)
        finally:
            for process in reversed(started):
                process.terminate()
                process.wait(30)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL) + [logs.read_text()[-2000:]]
    mosaic = qgis_new_project.mapLayersByName("iteration 0 classes")[0]  # a VRT over the frames' VRTs
    part = Path(mosaic.source()).parent.parent / "train_1_classes.vrt"  # assembled from parts
    assert mosaic.isValid() and part.resolve() in {
        Path(f).resolve() for f in gdal.Open(mosaic.source()).GetFileList()
    }
    engine_cli("predict", str(ws), "--frame", "train_1", "--out", str(tmp_path / "serial"), "--threads", "1")
    got = gdal.Open(str(part)).ReadAsArray()
    want = gdal.Open(str(tmp_path / "serial" / "train_1_classes.tif")).ReadAsArray()
    assert (got == want).all()  # the pixels of one process with the worker's one thread


def test_create_workspace_classes_and_class_keys(make_dock, engine_workspace, qgis_new_project, tmp_path):
    dock = make_dock()
    assert not dock.ui.train_button.isEnabled() and not dock.click_action.isEnabled()
    classes = [ClassInfo(0, "soil, bare", "#aa7744"), ClassInfo(1, "water: open", "#2266ff")]
    folder = tmp_path / "new_ws"
    assert dock.session.create_workspace(str(folder), classes, [str(engine_workspace.images["train_1"])])
    spin(lambda: not dock.session.busy, 60)
    state = dock.session.state
    assert state.record_path == str((folder / "clicks.gpkg").resolve()) and state.frame_names == ["train_1"]
    assert [(c.name, c.color) for c in state.classes] == [
        ("soil, bare", "#aa7744"),
        ("water: open", "#2266ff"),
    ]
    click_layer = layers.find_click_layer(qgis_new_project, folder / "clicks.gpkg")
    assert click_layer is not None and click_layer.crs().authid() == "EPSG:31983"
    assert dock.ui.class_table.rowCount() == 2 and dock.ui.train_button.isEnabled()
    assert "click at least once" in state.train_blocker()
    dock.tool.classKeyPressed.emit(1)  # key 2
    assert dock.active_class_id == 1
    assert dock.session.set_class(ClassInfo(1, "lake", "#0000ff"))
    assert [c.name for c in read_record(folder / "clicks.gpkg").classes] == ["soil, bare", "lake"]
    categories = {int(c.value()): c.symbol().color().name() for c in click_layer.renderer().categories()}
    assert categories == {0: "#aa7744", 1: "#0000ff"}


def test_extent_jobs_transform_the_canvas_extent_per_frame_crs(engine_workspace):
    snapshot = read_record(engine_workspace.record)
    xmin, ymin, xmax, ymax = snapshot.frame("train_1").bounds()
    utm = QgsCoordinateReferenceSystem("EPSG:31983")
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    to_wgs = QgsCoordinateTransform(utm, wgs84, QgsCoordinateTransformContext())
    view = to_wgs.transformBoundingBox(QgsRectangle(xmin + 5, ymin + 5, xmin + 20, ymin + 20))
    jobs = dm.extent_jobs(snapshot, view, wgs84)  # the canvas in another CRS than the frames
    assert [frames for frames, _ in jobs] == [["train_1"]]
    box = jobs[0][1]
    assert box[0] == pytest.approx(xmin + 5, abs=0.5) and box[3] == pytest.approx(ymin + 20, abs=0.5)
    steps = dm.predict_steps("ws", "cpu", jobs, "ws/outputs/iteration_000/extent")
    assert steps[0].args[:6] == ["predict", "ws", "--device", "cpu", "--frame", "train_1"]
    assert steps[0].args[6] == "--extent" and steps[0].args[-2:] == [
        "--out",
        "ws/outputs/iteration_000/extent",
    ]
    assert dm.extent_jobs(snapshot, QgsRectangle(0, 0, 1, 1), wgs84) == []


def test_dock_model_texts():
    classes = dm.parse_class_lines("soil, bare #AA7744\n\nwater\nroad #3c3c3c")
    assert [(c.id, c.name) for c in classes] == [(0, "soil, bare"), (1, "water"), (2, "road")]
    assert classes[0].color == "#aa7744" and classes[1].color.startswith("#")
    assert dm.parse_class_lines(dm.class_lines(classes)) == classes
    assert dm.next_class(classes).id == 3
    state = dm.DockState(frame_names=[f"f{i}" for i in range(6)], missing_frames=["f5"])
    assert frames_text(state) == "Frames (6): f0, f1, f2 and 3 more — missing on disk: f5"


def test_plugin_gui_processing_and_unload(qgis_iface, qgis_new_project):
    registry = QgsApplication.processingRegistry()
    before = registry.providerById("isage")
    plugin = IsagePlugin(qgis_iface)
    plugin.initGui()
    assert registry.providerById("isage") is not None
    assert [a.text() for a in plugin.actions] == ["iSAGE panel", "iSAGE click tool", "iSAGE settings…"]
    assert all(not a.icon().isNull() for a in plugin.actions)
    plugin.toggle_dock(True)
    assert plugin.dock is not None and not plugin.dock.isHidden()
    plugin.activate_click_tool()  # no record open: a warning, not a crash
    assert any("Open or create" in m for m in messages(qgis_iface, Qgis.MessageLevel.Warning))
    plugin.unload()
    assert plugin.dock is None and not plugin.actions
    assert registry.providerById("isage") is before  # removed if it added it, untouched otherwise


def test_settings_dialog_reports_the_engine(qgis_app, engine_python, tmp_path):
    chosen = PluginSettings(
        engine_python=engine_python, device="cpu", enforce_budget=False, annotator="ana",
        scheduler="tls://10.0.0.5:8786", scheduler_tls_ca=str(tmp_path / "ca.pem"),
        scheduler_tls_cert=str(tmp_path / "ana.pem"), scheduler_tls_key=str(tmp_path / "ana.key"),
    )  # fmt: skip
    dialog = SettingsDialog(chosen)
    assert dialog.settings() == chosen
    dialog.check_engine()
    spin(lambda: "Checking" not in dialog.status_label.text(), 120)
    text = dialog.status_label.text()
    assert engine_python in text and "torch 2." in text and "GPU (CUDA) detected:" in text, text
    dialog.python_edit.setText(str(tmp_path / "none" / "python"))
    dialog.check_engine()
    spin(lambda: "Checking" not in dialog.status_label.text(), 30)
    assert "not usable" in dialog.status_label.text() and "does not exist" in dialog.status_label.text()


def test_relink_missing_frames_from_the_dock(make_dock, engine_workspace, qgis_iface, monkeypatch):
    ws = engine_workspace.copy("dock_relink")
    original = Path(read_record(ws / "clicks.gpkg").frame("train_1000").path)
    folder = ws.parent / "colleague_frames"
    folder.mkdir()
    moved = folder / original.name
    dock = make_dock()
    original.rename(moved)  # the frame lives elsewhere on this machine
    try:
        assert dock.session.open_record(ws / "clicks.gpkg")
        state = dock.session.state
        assert state.missing_frames == ["train_1000"] and state.missing_text == "1 frame not found"
        assert dock.ui.missing_label.text() == "1 frame not found" and not dock.ui.relink_button.isHidden()
        warnings = messages(qgis_iface, Qgis.MessageLevel.Warning)
        assert any("train_1000" in m and "Re-link frames" in m for m in warnings), warnings
        asked = []
        chooser = SimpleNamespace(getExistingDirectory=lambda *a: asked.append(a) or str(folder))
        monkeypatch.setattr(dock_module, "QFileDialog", chooser)
        dock.ui.relink_button.click()
        assert asked and dock.session.busy
        spin(lambda: not dock.session.busy, 60)
        assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
        assert dock.session.state.missing_frames == [] and dock.ui.relink_button.isHidden()
        with closing(sqlite3.connect(ws / "clicks.gpkg")) as conn:
            (stored,) = conn.execute("SELECT path FROM frames WHERE name = 'train_1000'").fetchone()
        assert (
            (ws / stored) if not Path(stored).is_absolute() else Path(stored)
        ).resolve() == moved.resolve()
        assert any("1 frame re-linked" in m for m in messages(qgis_iface, SUCCESS))
        assert not dock.session.relink_frames([])  # no folder chosen: nothing runs
    finally:
        if not original.exists():  # other tests share the sample rasters
            shutil.copy2(moved, original)


def fake_engine(folder: Path, version: str = "0.0.9", exit_code: int = 0, stderr: str = "") -> str:
    """An executable that answers every engine command like an old (or broken) engine would."""
    script = folder / "python"
    result = {"event": "result", "time": "t", "outputs": {},
              "environment": {"isage": version, "can_train": True, "problems": []}}  # fmt: skip
    lines = [json.dumps({"event": "start", "command": "info", "time": "t"}), json.dumps(result)]
    body = "".join(f"echo '{line}'\n" for line in lines) if not exit_code else f"echo '{stderr}' >&2\n"
    script.write_text(f"#!/bin/sh\n{body}exit {exit_code}\n")
    script.chmod(0o755)
    return str(script)


def bar_item_texts(iface) -> tuple[str, list[str]]:
    """The current message bar item's text and the texts of its buttons."""
    item = iface.messageBar().currentItem()
    assert item is not None, "nothing in the message bar"
    return item.text(), [b.text() for b in item.findChildren(QPushButton)]


@pytest.mark.parametrize("broken", [False, True])
def test_a_mismatched_or_broken_engine_is_stopped_before_the_run(
    make_dock, engine_workspace, qgis_iface, tmp_path, broken
):
    ws = engine_workspace.copy(f"dock_handshake_{broken}")
    if broken:
        python = fake_engine(tmp_path, exit_code=1, stderr="ModuleNotFoundError: No module named torch")
    else:
        python = fake_engine(tmp_path, version="0.0.9")
    dock = make_dock(python=python, workspace=ws)
    problems = []
    dock.session.engineProblem.connect(problems.append)
    dock.ui.train_button.click()
    spin(lambda: not dock.session.busy, 60)
    assert len(problems) == 1 and "\n" not in problems[0]
    if broken:
        assert "No module named torch" in problems[0]
    else:
        assert "version 0.0.9, this plugin is 0.1.0" in problems[0] and "Update engine" in problems[0]
    text, buttons = bar_item_texts(qgis_iface)
    assert text == problems[0] and buttons == ["Update engine"]
    assert dock.ui.status_label.text() == problems[0]
    assert len(read_record(ws / "clicks.gpkg").runs) == 1  # nothing ran: no iteration 1
    assert not handshake.is_verified(python)


def test_the_right_engine_passes_the_handshake_once(make_dock, engine_workspace, engine_python):
    ws = engine_workspace.copy("dock_handshake_ok")
    handshake.forget_verified()
    dock = make_dock(workspace=ws)
    labels = []
    dock.session.progress.connect(lambda fraction, text: labels.append(text))
    dock.ui.predict_button.click()
    spin(lambda: not dock.session.busy)
    assert labels[0] == handshake.LABEL and handshake.is_verified(engine_python)
    labels.clear()
    dock.ui.predict_button.click()
    spin(lambda: not dock.session.busy)
    assert handshake.LABEL not in labels  # checked once per engine and QGIS session


def test_import_points_button_opens_the_algorithm_for_this_workspace_and_shows_the_clicks(
    make_dock, engine_workspace, isage_provider, monkeypatch
):
    import processing

    from .test_processing import point_layer

    ws = engine_workspace.copy("dock_import_points")
    dock = make_dock(workspace=ws)
    before = len(dock.session.snapshot.clicks)
    layer = dock.session.click_layer()
    shown = layer.featureCount()
    survey = point_layer(engine_workspace, [("train_1", 30, 31, "car"), ("train_1000", 32, 33, "road")])
    asked = []

    def dialog(algorithm, preset):  # the user picks the layer and the field, then Run
        asked.append((algorithm, preset))
        return processing.run(algorithm, {**preset, "INPUT": survey, "CLASS_FIELD": "cls"})

    monkeypatch.setattr(processing, "execAlgorithmDialog", dialog)
    assert dock.ui.import_button.isEnabled()
    dock.ui.import_button.click()
    assert asked == [("isage:importpoints", {"WORKSPACE": str(ws / "clicks.gpkg")})]
    assert len(dock.session.snapshot.clicks) == before + 2
    assert dock.session.click_layer().featureCount() == shown + 2
