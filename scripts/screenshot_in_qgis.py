"""Run inside the QGIS desktop by ``scripts/screenshot.py`` (``qgis --code``): frames, the iSAGE panel,
a real Predict through the plugin, then a grab of the main window; with ISAGE_SHOT_PROPOSAL_OUT, then
Next proposal pressed and a second grab. Settings: ISAGE_SHOT_* variables."""

import os
import traceback
from pathlib import Path

from qgis.core import QgsProject, QgsRasterLayer, QgsRectangle
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.utils import iface, plugins

WS = Path(os.environ["ISAGE_SHOT_WS"])
OUT = os.environ["ISAGE_SHOT_OUT"]
LOG = os.environ["ISAGE_SHOT_LOG"]
PROPOSAL_OUT = os.environ.get("ISAGE_SHOT_PROPOSAL_OUT", "")
SHOW_RAW = 4  # the first frames of the grid show the imagery and clicks only (their prediction unchecked)
state = {}


def note(text):
    with open(LOG, "a", encoding="utf-8") as fh:
        fh.write(text + "\n")


def guarded(function):
    def run():
        try:
            function()
        except Exception:  # the screenshot run must end QGIS whatever happens
            note(traceback.format_exc())
            leave()

    return run


def leave():
    project = QgsProject.instance()
    project.removeAllMapLayers()  # layers under /tmp count as temporary: QGIS would ask before exiting
    project.setDirty(False)
    iface.actionExit().trigger()


@guarded
def start():
    iface.mainWindow().setGeometry(0, 0, 1280, 800)  # Xvfb has no window manager to maximise it
    plugin = plugins.get("isage_qgis")
    if plugin is None:
        raise RuntimeError(f"the iSAGE plugin is not loaded (plugins: {sorted(plugins)})")
    project = QgsProject.instance()
    frames = sorted((WS.parent / "sample" / "train" / "images").glob("*.tif"))
    group = project.layerTreeRoot().addGroup("Frames (BsB Aerial sample)")
    dock = plugin.ensure_dock()
    plugin.toggle_dock(True)
    window = iface.mainWindow()
    window.resizeDocks([dock], [420], Qt.Orientation.Horizontal)
    for panel in window.findChildren(QDockWidget):
        if panel.objectName() == "Browser":
            panel.hide()  # more room for the layer tree
    if not dock.session.open_record(WS / "clicks.gpkg"):
        raise RuntimeError("the record did not open")
    extent = QgsRectangle()
    extent.setMinimal()
    wanted = set(dock.session.state.frame_names)
    for path in frames:
        if path.stem in wanted:
            layer = QgsRasterLayer(str(path), path.stem)
            project.addMapLayer(layer, False)
            group.addLayer(layer)
            extent.combineExtentWith(layer.extent())
    group.setExpanded(False)
    canvas = iface.mapCanvas()
    canvas.setDestinationCrs(project.mapLayersByName(next(iter(wanted)))[0].crs())
    extent.grow(2.0)
    canvas.setExtent(extent)
    dock.session.busyChanged.connect(lambda busy: None if busy else QTimer.singleShot(500, predicted))
    state["dock"] = dock
    dock.ui.predict_button.click()


@guarded
def predicted():
    dock = state["dock"]
    root = QgsProject.instance().layerTreeRoot()
    names = dock.session.state.frame_names
    for node in root.children():
        if node.name().startswith("iSAGE iteration"):
            for index, sub in enumerate(node.children()):
                raw = sub.name() in names and names.index(sub.name()) < SHOW_RAW
                sub.setItemVisibilityChecked(not raw)
                sub.setExpanded(index == len(node.children()) - 1)
    dock.select_class_row(3)
    dock.click_action.setChecked(True)
    dock.toggle_tool(True)
    iface.mapCanvas().refreshAllLayers()
    QTimer.singleShot(4000, shoot)


@guarded
def shoot():
    if not iface.mainWindow().grab().save(OUT):
        note(f"could not save {OUT}")
    if not PROPOSAL_OUT:
        leave()
        return
    state["dock"].ui.next_proposal_button.click()
    QTimer.singleShot(4000, shoot_proposal)


@guarded
def shoot_proposal():
    if not iface.mainWindow().grab().save(PROPOSAL_OUT):
        note(f"could not save {PROPOSAL_OUT}")
    leave()


QTimer.singleShot(2000, start)
