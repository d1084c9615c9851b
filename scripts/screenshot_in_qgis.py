"""Run inside the QGIS desktop by ``scripts/screenshot.py`` (``qgis --code``): frames, the iSAGE panel,
a real Predict through the plugin, then a grab of the main window; with ISAGE_SHOT_PROPOSAL_OUT, then
Next proposal pressed and a second grab; with ISAGE_SHOT_ASSESSMENT_OUT, then Assess map pressed (a small
design: 40 points, equal allocation), most points labelled with the sample's reference class through the
click tool's keys (one marked unsure with U, N to skip to a point inside its frame), Report pressed, and a
grab of the panel while assessing: the point shown, the counter, the partial report's figures, the map's
classes hidden. Settings: ISAGE_SHOT_*
variables."""

import os
import traceback
from collections import Counter
from pathlib import Path

from qgis.core import QgsPointXY, QgsProject, QgsRasterLayer, QgsRectangle
from qgis.PyQt.QtCore import QEvent, Qt, QTimer
from qgis.PyQt.QtGui import QImage, QKeyEvent, qRgb
from qgis.PyQt.QtWidgets import QDockWidget
from qgis.utils import iface, plugins

WS = Path(os.environ["ISAGE_SHOT_WS"])
OUT = os.environ["ISAGE_SHOT_OUT"]
LOG = os.environ["ISAGE_SHOT_LOG"]
PROPOSAL_OUT = os.environ.get("ISAGE_SHOT_PROPOSAL_OUT", "")
ASSESSMENT_OUT = os.environ.get("ISAGE_SHOT_ASSESSMENT_OUT", "")
SHOW_RAW = 4  # the first frames of the grid show the imagery and clicks only (their prediction unchecked)
DESIGN = ["--size", "40", "--allocation", "equal", "--seed", "4"]  # a small sample: 8 points per class
LABELLED = 30  # points labelled before the report (one of them unsure): the report is partial
UNSURE_AT = 5  # the point-id order's place of the point marked unsure
MARGIN = 64  # the point left shown is skipped to one at least this many pixels inside its frame
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
    state["dock"] = dock
    dock.session.busyChanged.connect(run_ended)
    after_run(predicted)
    dock.ui.predict_button.click()


def after_run(callback):
    """Call ``callback`` once, half a second after the next engine run ends."""
    state["after"] = callback


def run_ended(busy):
    callback = None if busy else state.pop("after", None)
    if callback is not None:
        QTimer.singleShot(500, callback)


def save(path, compact=False):
    """Grab the main window into ``path``; ``compact``: as a PNG of 256 colours (a third of the size)."""
    image = iface.mainWindow().grab().toImage()
    if compact:
        image = image.convertToFormat(QImage.Format.Format_Indexed8, median_cut(image))
    if not image.save(path):
        note(f"could not save {path}")


def median_cut(image, colours=256):
    """A palette of ``colours`` for ``image`` (median cut over its 15-bit colour histogram): the window's
    greys and text keep their colours, the imagery gets the rest."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    bits = rgb.constBits()
    bits.setsize(rgb.sizeInBytes())
    data = bytes(bits)  # B, G, R, 255 per pixel
    counts = Counter(
        (r >> 3, g >> 3, b >> 3) for b, g, r in zip(data[0::4], data[1::4], data[2::4], strict=True)
    )
    boxes = [[(*colour, n) for colour, n in counts.items()]]

    def widest(box):
        return max((max(c[ch] for c in box) - min(c[ch] for c in box), ch) for ch in range(3))

    while len(boxes) < colours:
        splittable = [
            (sum(c[3] for c in box) * widest(box)[0], i) for i, box in enumerate(boxes) if len(box) > 1
        ]
        if not splittable:
            break
        box = boxes.pop(max(splittable)[1])
        channel = widest(box)[1]
        box.sort(key=lambda c: c[channel])
        half, seen, cut = sum(c[3] for c in box) / 2, 0, 0
        while cut < len(box) - 1 and seen < half:  # at the weighted median, one colour at least each side
            seen += box[cut][3]
            cut += 1
        boxes += [box[:cut], box[cut:]]
    table = []
    for box in boxes:
        n = sum(c[3] for c in box)
        table.append(qRgb(*(min(255, round(sum(c[ch] * c[3] for c in box) / n * 8 + 4)) for ch in range(3))))
    return table


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
    save(OUT)
    if PROPOSAL_OUT:
        state["dock"].ui.next_proposal_button.click()
        QTimer.singleShot(4000, shoot_proposal)
    else:
        assess()


@guarded
def shoot_proposal():
    save(PROPOSAL_OUT)
    assess()


@guarded
def assess():
    """Assess map over the whole frames with a small design (the engine draws it); or leave."""
    if not ASSESSMENT_OUT:
        leave()
        return
    dock = state["dock"]
    dock.ui.scope_combo.setCurrentIndex(0)  # whole frames
    dock.assessment.design_extra = list(DESIGN)
    after_run(designed)
    dock.ui.assessment_box.assess_button.click()
    if not dock.session.busy:  # the record had a design already: Assess map goes on with it, no engine run
        state.pop("after", None)
        QTimer.singleShot(500, designed)


def reference_class(point):
    """The class the sample's dense mask gives the point (what a person would see there)."""
    frame = state["dock"].session.snapshot.frame(point.frame)
    mask = QgsRasterLayer(str(WS.parent / "sample" / "train" / "masks" / f"{point.frame}.tif"), "mask")
    a, b, c, d, e, f = frame.transform[:6]
    x, y = point.col + 0.5, point.row + 0.5
    value, ok = mask.dataProvider().sample(QgsPointXY(a * x + b * y + c, d * x + e * y + f), 1)
    return int(value) if ok else None


def press(code):
    """A key press on the click tool, as QGIS delivers it while the tool is active."""
    state["dock"].tool.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, code, Qt.KeyboardModifier.NoModifier))


@guarded
def designed():
    dock = state["dock"]
    assessment = dock.assessment
    if not assessment.active or assessment.queue is None:
        raise RuntimeError(f"Assess map did not start: {dock.ui.status_label.text()}")
    rows = [c.id for c in dock.session.state.classes]
    queue = assessment.queue
    while assessment.active and queue.current is not None and queue.labelled + queue.unsure < LABELLED:
        point = queue.current
        class_id = reference_class(point) if queue.position(point) != UNSURE_AT else None
        press(getattr(Qt.Key, f"Key_{rows.index(class_id) + 1}") if class_id in rows else Qt.Key.Key_U)
    for _ in range(queue.left):  # N: skip to a point inside its frame, the map around it filled
        point = queue.current
        frame = dock.session.snapshot.frame(point.frame) if point is not None else None
        if frame is None or (
            MARGIN <= point.row < frame.height - MARGIN and MARGIN <= point.col < frame.width - MARGIN
        ):
            break
        press(Qt.Key.Key_N)
    after_run(reported)
    dock.ui.assessment_box.report_button.click()  # a partial report while assessing


@guarded
def reported():
    dock = state["dock"]
    dock.ui.verticalScrollBar().setValue(dock.ui.assessment_box.y() - 6)  # the box's top: counter, point
    iface.mapCanvas().refresh()  # (refreshAllLayers would reload the sample layer and drop its selection)
    QTimer.singleShot(4000, shoot_assessment)


@guarded
def shoot_assessment():
    iface.messageBar().clearWidgets()  # the report's figures are in the panel; the map stays uncovered
    save(ASSESSMENT_OUT, compact=True)
    leave()


QTimer.singleShot(2000, start)
