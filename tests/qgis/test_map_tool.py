"""The click map tool on a real canvas: simulated mouse and key events, checked against GDAL/OSR maths."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from osgeo import osr
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsExpressionContextUtils,
    QgsFeature,
    QgsPointXY,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsRenderContext,
)
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, Qt
from qgis.PyQt.QtGui import QKeyEvent
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication

from isage_qgis.clicks.actions import ClickSettings
from isage_qgis.clicks.map_tool import ClickMapTool
from isage_qgis.clicks.style import click_renderer
from tests.qgis.click_testutil import ND_CORNER, engine_clicks, gdal_centre, gdal_pixel, rows

SAMPLE = QgsCoordinateReferenceSystem("EPSG:31983")


class Harness:
    """A canvas showing the record's frames, a click tool on it, and everything the tool emitted."""

    def __init__(self, canvas, record, crs: str) -> None:
        self.canvas, self.record = canvas, record
        self.frames = {f.name: f for f in record.frames()}
        self.layers = [QgsRasterLayer(str(f.path), f.name) for f in self.frames.values()]
        QgsProject.instance().addMapLayers(self.layers)
        canvas.setDestinationCrs(QgsCoordinateReferenceSystem(crs))
        canvas.setLayers(self.layers)
        self.active = 1
        self.settings = ClickSettings(enforce_budget=True, annotator="tester")
        self.tool = ClickMapTool(
            canvas, lambda: record, lambda: self.active, self.layers, lambda: self.settings
        )
        canvas.setMapTool(self.tool)
        self.events: list[tuple] = []
        self.tool.clicked.connect(lambda fid: self.events.append(("clicked", fid)))
        self.tool.retracted.connect(lambda fid: self.events.append(("retracted", fid)))
        self.tool.message.connect(lambda level, text: self.events.append(("message", level, text)))
        self.tool.classKeyPressed.connect(lambda i: self.events.append(("class", i)))

    def to_canvas(self, x: float, y: float, src=SAMPLE) -> QgsPointXY:
        dst = self.canvas.mapSettings().destinationCrs()
        return QgsCoordinateTransform(src, dst, QgsProject.instance()).transform(QgsPointXY(x, y))

    def zoom_on(self, x: float, y: float, metres_per_px: float = 0.03) -> None:
        """Centre the canvas on (x, y) of the frame CRS, about ``metres_per_px`` per screen pixel."""
        size = self.canvas.mapSettings().outputSize()
        half_w, half_h = size.width() * metres_per_px / 2, size.height() * metres_per_px / 2
        box = QgsRectangle(x - half_w, y - half_h, x + half_w, y + half_h)
        dst = self.canvas.mapSettings().destinationCrs()
        self.canvas.setExtent(
            QgsCoordinateTransform(SAMPLE, dst, QgsProject.instance()).transformBoundingBox(box)
        )

    def screen(self, x: float, y: float) -> QPoint:
        p = self.canvas.getCoordinateTransform().transform(self.to_canvas(x, y))
        return QPoint(round(p.x()), round(p.y()))

    def release(self, pos: QPoint, button=Qt.MouseButton.LeftButton) -> QgsMapMouseEvent:
        event = QgsMapMouseEvent(
            self.canvas, QEvent.Type.MouseButtonRelease, pos, button, button, Qt.KeyboardModifier.NoModifier
        )
        self.tool.canvasReleaseEvent(event)
        return event

    def messages(self) -> list[tuple[str, str]]:
        return [(e[1], e[2]) for e in self.events if e[0] == "message"]


@pytest.fixture
def harness(qgis_canvas, click_record, qgis_new_project):
    h = Harness(qgis_canvas, click_record, "EPSG:3857")
    yield h
    qgis_canvas.unsetMapTool(h.tool)
    qgis_canvas.setLayers([])


def expected_pixel(harness: Harness, frame: str, event: QgsMapMouseEvent) -> tuple[int, int]:
    """The pixel under the event's map point, by OSR + the raster's geotransform (no QGIS maths)."""
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.SetFromUserInput(harness.canvas.mapSettings().destinationCrs().authid())
    dst.ImportFromEPSG(31983)
    for s in (src, dst):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    x, y, _ = osr.CoordinateTransformation(src, dst).TransformPoint(
        event.mapPoint().x(), event.mapPoint().y()
    )
    return gdal_pixel(harness.frames[frame].path, x, y)


@pytest.mark.parametrize("canvas_crs", ["EPSG:3857", "EPSG:4326", "EPSG:31983"])
def test_left_click_writes_the_pixel_under_the_cursor(qgis_canvas, click_record, click_workspace, canvas_crs):
    h = Harness(qgis_canvas, click_record, canvas_crs)
    try:
        frame = h.frames["train_11"]
        x, y = gdal_centre(frame.path, 120, 37)
        h.zoom_on(x + 0.05, y - 0.07)  # off the pixel centre, still inside the pixel
        event = h.release(h.screen(x + 0.05, y - 0.07))
        row, col = expected_pixel(h, "train_11", event)
        assert (row, col) == (120, 37)
        (fid,) = [e[1] for e in h.events if e[0] == "clicked"]
        saved = rows(
            click_workspace / "clicks.gpkg",
            "SELECT frame, row, col, class_id, iteration, annotator, retracted FROM clicks WHERE fid = ?",
            (fid,),
        )
        assert saved == [("train_11", row, col, 1, 0, "tester", 0)]
        click = click_record.click(fid)
        assert (click.x, click.y) == pytest.approx(gdal_centre(frame.path, row, col), abs=1e-9)
        (listed,) = engine_clicks(click_workspace)
        assert (listed["frame"], listed["row"], listed["col"], listed["class_id"]) == (
            "train_11",
            row,
            col,
            1,
        )
        assert (listed["x"], listed["y"]) == pytest.approx(gdal_centre(frame.path, row, col), abs=1e-9)
    finally:
        qgis_canvas.unsetMapTool(h.tool)


def test_qtest_mouse_click_on_the_viewport(harness, click_workspace):
    frame = harness.frames["train_1"]
    x, y = gdal_centre(frame.path, 200, 3)
    harness.zoom_on(x, y)
    QTest.mouseClick(
        harness.canvas.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        harness.screen(x, y),
    )
    assert rows(click_workspace / "clicks.gpkg", "SELECT frame, row, col FROM clicks") == [
        ("train_1", 200, 3)
    ]


def test_a_drag_is_not_a_click(harness, click_workspace):
    x, y = gdal_centre(harness.frames["train_1"].path, 40, 40)
    harness.zoom_on(x, y)
    viewport, pos = harness.canvas.viewport(), harness.screen(x, y)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    QTest.mouseRelease(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos + QPoint(30, 0)
    )
    assert rows(click_workspace / "clicks.gpkg", "SELECT COUNT(*) FROM clicks") == [(0,)]


def test_right_click_retracts_the_nearest_click(harness, click_workspace):
    frame = harness.frames["train_1"]
    x, y = gdal_centre(frame.path, 50, 60)
    harness.zoom_on(x, y)
    harness.release(harness.screen(x, y))
    fid = harness.events[0][1]
    pos = harness.screen(x, y)
    harness.release(pos + QPoint(40, 0), Qt.MouseButton.RightButton)  # too far: nothing
    assert ("retracted", fid) not in harness.events and harness.messages()[-1][
        1
    ] == "No click here to retract."
    harness.release(pos + QPoint(3, -2), Qt.MouseButton.RightButton)
    assert ("retracted", fid) in harness.events
    assert rows(click_workspace / "clicks.gpkg", "SELECT fid, retracted, retracted_by FROM clicks") == [
        (fid, 1, "tester")
    ]


def test_budget_override_and_retraction(harness, click_workspace):
    frame = harness.frames["train_1"]
    a, b = gdal_centre(frame.path, 10, 10), gdal_centre(frame.path, 11, 14)
    harness.zoom_on(*a)
    harness.release(harness.screen(*a))
    harness.release(harness.screen(*b))
    level, text = harness.messages()[-1]
    assert level == "warning" and "one click per class per frame per iteration" in text and "override" in text
    assert rows(click_workspace / "clicks.gpkg", "SELECT COUNT(*) FROM clicks") == [(1,)]
    harness.settings = ClickSettings(enforce_budget=False, annotator="tester")
    harness.release(harness.screen(*b))
    assert rows(click_workspace / "clicks.gpkg", "SELECT COUNT(*) FROM clicks") == [(2,)]
    harness.settings = ClickSettings(enforce_budget=True, annotator="tester")
    for point in (a, b):
        harness.release(harness.screen(*point), Qt.MouseButton.RightButton)
    harness.release(harness.screen(*b))  # the budget is free again
    assert rows(click_workspace / "clicks.gpkg", "SELECT row, col, retracted FROM clicks ORDER BY fid") == [
        (10, 10, 1),
        (11, 14, 1),
        (11, 14, 0),
    ]


def test_no_frame_layer_loaded(harness, click_workspace):
    harness.tool.set_frame_layers([])
    harness.release(QPoint(10, 10))
    level, text = harness.messages()[-1]
    assert level == "warning" and text.startswith("No frame layer of the click record is loaded")
    assert rows(click_workspace / "clicks.gpkg", "SELECT COUNT(*) FROM clicks") == [(0,)]


def test_outside_any_frame_and_nodata_write_nothing(harness, click_workspace):
    nd = harness.frames["nd"]
    x, y = gdal_centre(nd.path, 2, 2)
    harness.zoom_on(x, y)
    harness.release(harness.screen(x, y))
    level, text = harness.messages()[-1]
    assert level == "warning" and "nodata" in text
    harness.release(harness.screen(x - 5, y))  # west of the nodata frame: no frame there
    level, text = harness.messages()[-1]
    assert level == "warning" and text.startswith("Outside every frame") and "nothing recorded" in text
    assert rows(click_workspace / "clicks.gpkg", "SELECT COUNT(*) FROM clicks") == [(0,)]
    assert not [e for e in harness.events if e[0] == "clicked"]
    x, y = gdal_centre(nd.path, ND_CORNER + 1, 2)
    harness.release(harness.screen(x, y))
    assert rows(click_workspace / "clicks.gpkg", "SELECT frame, row, col FROM clicks") == [
        ("nd", ND_CORNER + 1, 2)
    ]


def test_keys_pick_classes_and_ctrl_z_undoes(harness, click_workspace):
    QTest.keyClick(harness.canvas, Qt.Key.Key_3)
    harness.tool.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_1, Qt.KeyboardModifier.NoModifier))
    assert [e for e in harness.events if e[0] == "class"] == [("class", 2), ("class", 0)]
    frame = harness.frames["train_1"]
    x, y = gdal_centre(frame.path, 30, 31)
    harness.zoom_on(x, y)
    harness.release(harness.screen(x, y))
    fid = harness.events[-2][1]
    QTest.keyClick(harness.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert ("retracted", fid) in harness.events
    assert rows(click_workspace / "clicks.gpkg", "SELECT retracted, retract_reason FROM clicks") == [
        (1, "undo")
    ]
    harness.tool.undo()
    assert harness.messages()[-1] == ("info", "Nothing to undo.")
    # in QGIS, Ctrl+Z is also the Edit > Undo shortcut: the active tool claims it (and 1-9) first
    for key, mods in (
        (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_4, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier),
    ):
        override = QKeyEvent(QEvent.Type.ShortcutOverride, key, mods)
        override.ignore()
        QApplication.sendEvent(harness.canvas, override)
        assert override.isAccepted() == (key != Qt.Key.Key_A)


def test_renderer_hides_retracted_clicks(click_record):
    renderer = click_renderer(click_record.classes())
    assert [(c.value(), c.symbol().color().name()) for c in renderer.categories()][:2] == [
        (0, "#9e9e9e"),
        (1, "#e53935"),
    ]
    fields = click_record.layer.fields()
    context = QgsRenderContext()
    renderer.startRender(context, fields)
    try:
        drawn = []
        for retracted in (0, 1):
            feature = QgsFeature(fields)
            feature.setAttribute("class_id", 1)
            feature.setAttribute("retracted", retracted)
            context.setExpressionContext(QgsExpressionContextUtils.createFeatureBasedContext(feature, fields))
            drawn.append(renderer.willRenderFeature(feature, context))
    finally:
        renderer.stopRender(context)
    assert drawn == [True, False]


HEAVY = ("torch", "rasterio", "geopandas", "shapely", "pyproj", "numpy", "isage_core", "osgeo")
_SPY = """
import builtins, json, sys
# what QGIS has loaded before any plugin (QGIS 3.38+ loads shapely in qgis.core)
import qgis.core, qgis.gui, qgis.PyQt.QtCore, qgis.PyQt.QtGui, qgis.PyQt.QtWidgets
heavy = set(sys.argv[1].split(","))
before = set(sys.modules)
seen = set()
real_import = builtins.__import__

def spy(name, globals=None, locals=None, fromlist=(), level=0):
    importer = (globals or {}).get("__name__", "")
    if importer.startswith("isage_qgis") and level == 0 and name.split(".")[0] in heavy:
        seen.add(f"{importer} imports {name}")
    return real_import(name, globals, locals, fromlist, level)

builtins.__import__ = spy
import isage_qgis.clicks.layer, isage_qgis.clicks.map_tool, isage_qgis.clicks.style
import isage_qgis.plugin, isage_qgis.panel.dock, isage_qgis.processing.provider
by_plugin = sorted(seen)
newly_loaded = sorted(m for m in heavy if m in sys.modules and m not in before)
exec("import numpy", {"__name__": "isage_qgis.control"})  # a plugin module importing numpy is caught
control = sorted(seen - set(by_plugin))
print(json.dumps({"by_plugin": by_plugin, "newly_loaded": newly_loaded, "control": control}))
"""


def test_plugin_modules_import_nothing_heavy():
    """Whatever QGIS itself has loaded (QGIS 3.38+ imports shapely in qgis.core), no plugin module
    imports an engine library, and loading the plugin loads none that QGIS had not."""
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run(  # QGIS's own Python, the one running these tests
        [sys.executable, "-c", _SPY, ",".join(HEAVY)], capture_output=True, text=True, cwd=repo, timeout=120
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["by_plugin"] == [] and seen["newly_loaded"] == [], seen
    assert seen["control"] == ["isage_qgis.control imports numpy"]  # the spy does see such an import


def test_read_only_record_gives_a_message(harness, click_workspace):
    import os
    import stat

    gpkg = click_workspace / "clicks.gpkg"
    x, y = gdal_centre(harness.frames["train_1"].path, 5, 5)
    harness.zoom_on(x, y)
    os.chmod(gpkg, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        harness.release(harness.screen(x, y))
    finally:
        os.chmod(gpkg, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    level, text = harness.messages()[-1]
    assert level == "critical" and str(gpkg) in text and "read-only; fix its permissions" in text
    assert rows(gpkg, "SELECT COUNT(*) FROM clicks") == [(0,)]
    harness.release(harness.screen(x, y))  # writable again: the same click now goes in
    assert rows(gpkg, "SELECT frame, row, col FROM clicks") == [("train_1", 5, 5)]
