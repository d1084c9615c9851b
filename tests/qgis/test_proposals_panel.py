"""Where to click next in the panel: Predict brings the engine's proposals back as a layer, Next proposal
(button or key N) pans to each, a class key labels it as an ordinary click, the counter follows."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from qgis.core import Qgis, QgsCoordinateReferenceSystem, QgsPointXY
from qgis.PyQt.QtCore import QEvent, Qt
from qgis.PyQt.QtGui import QKeyEvent

from isage_qgis.engine.pipeline import Pipeline, Step
from isage_qgis.layers import results as layers
from isage_qgis.panel import model as dm
from isage_qgis.panel.proposals import (
    LABELLED,
    SKIPPED,
    VIEW_HALF_PX,
    Proposal,
    ProposalQueue,
    proposal_extent,
    read_proposals,
)
from isage_qgis.record.view import ClickRow, read_record

from .dock_testutil import messages, spin

CRITICAL, WARNING = Qgis.MessageLevel.Critical, Qgis.MessageLevel.Warning


def clicks_at(record, frame: str, row: int, col: int) -> list[tuple]:
    with closing(sqlite3.connect(record)) as conn:
        return conn.execute(
            "SELECT class_id, annotator, iteration, retracted, note FROM clicks WHERE frame = ? AND row = ? "
            "AND col = ?",
            (frame, row, col),
        ).fetchall()


def key(tool, code) -> None:
    tool.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, code, Qt.KeyboardModifier.NoModifier))


def test_predict_proposes_and_the_panel_steps_through_labels_and_skips(
    make_dock, engine_workspace, qgis_iface, qgis_new_project
):
    ws = engine_workspace.copy("dock_proposals")
    dock = make_dock(workspace=ws)
    assert dock.session.proposals.items == [] and not dock.ui.next_proposal_button.isEnabled()
    assert "Predict proposes" in dock.ui.proposal_counter.text()
    before = read_record(ws / "clicks.gpkg").clicks

    dock.ui.predict_button.click()
    spin(lambda: not dock.session.busy)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    gpkg = ws / "outputs" / "iteration_000" / "proposals.gpkg"
    queue = dock.session.proposals
    assert queue.path == str(gpkg.resolve()) and queue.items == read_proposals(gpkg)
    assert len(queue.items) >= 4 and {p.frame for p in queue.items} == {"train_1", "train_1000"}
    assert read_record(ws / "clicks.gpkg").clicks == before  # proposing never writes the record
    shown = layers.proposals_layer(qgis_new_project)
    assert shown is not None and shown.featureCount() == len(queue.items)
    top = [c.name() for c in qgis_new_project.layerTreeRoot().children()]
    assert top[:3] == ["iSAGE clicks", "iSAGE proposals", "iSAGE iteration 0"], top
    total = len(queue.items)
    assert dock.ui.proposal_counter.text() == f"{total} of {total} proposals left (0 labelled, 0 skipped)"
    assert dock.ui.next_proposal_button.isEnabled()

    # Next proposal: the map centres on it, its point is selected, the click tool takes the keys
    dock.canvas.resize(400, 400)
    dock.canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:31983"))
    dock.ui.next_proposal_button.click()
    first = queue.current
    assert first is queue.items[0]
    frame = dock.session.snapshot.frame(first.frame)
    a, b, c, d, e, f = frame.transform
    centre = QgsPointXY(a * (first.col + 0.5) + c, e * (first.row + 0.5) + f)
    shown_extent = dock.canvas.extent()
    assert shown_extent.contains(centre)
    assert min(shown_extent.width(), shown_extent.height()) == pytest.approx(
        2 * VIEW_HALF_PX * 0.24, rel=0.02
    )
    assert [ft["rank"] for ft in shown.selectedFeatures()] == [first.rank]
    assert dock.canvas.mapTool() is dock.tool
    assert first.frame in dock.ui.proposal_label.text() and dock.ui.proposal_label.isVisibleTo(dock.ui)

    # a class key labels it: an ordinary click of that class on the proposal's pixel
    row = 3  # key 4: building
    class_id = dock.session.state.classes[row].id
    key(dock.tool, Qt.Key.Key_4)
    assert dock.active_class_id == class_id
    assert clicks_at(ws / "clicks.gpkg", first.frame, first.row, first.col) == [
        (class_id, "tester", 1, 0, "")
    ]
    assert queue.status == {0: LABELLED} and queue.current is None
    assert dock.ui.proposal_counter.text() == f"{total - 1} of {total} proposals left (1 labelled, 0 skipped)"
    key(dock.tool, Qt.Key.Key_3)  # no proposal shown now: a class key only picks the class
    assert len(read_record(ws / "clicks.gpkg").clicks) == len(before) + 1

    # key N: the next one; N again leaves it unlabelled (skipped)
    key(dock.tool, Qt.Key.Key_N)
    assert queue.index == 1 and queue.current is queue.items[1]
    key(dock.tool, Qt.Key.Key_N)
    assert queue.status == {0: LABELLED, 1: SKIPPED} and queue.index == 2
    assert dock.ui.proposal_counter.text() == f"{total - 2} of {total} proposals left (1 labelled, 1 skipped)"

    # undoing the labelling click re-opens its proposal; the queue survives the record being re-read
    dock.tool.undo()
    assert queue.status == {1: SKIPPED}
    assert dock.session.proposals is queue

    # reopening the workspace finds the latest model's proposals again
    dock.session.close()
    assert dock.session.proposals.items == []
    assert dock.session.open_record(ws / "clicks.gpkg")
    assert dock.session.proposals.items == queue.items
    assert len(qgis_new_project.mapLayersByName("iSAGE proposals")) == 1


def test_on_windows_the_layers_over_the_files_a_run_replaces_are_released_first(
    make_dock, engine_workspace, qgis_new_project, monkeypatch
):
    from types import SimpleNamespace

    from isage_qgis.panel import session as session_module

    ws = engine_workspace.copy("dock_windows")
    dock = make_dock(workspace=ws)
    dock.ui.predict_button.click()
    spin(lambda: not dock.session.busy)
    assert layers.proposals_layer(qgis_new_project) is not None
    assert qgis_new_project.mapLayersByName("iteration 0 classes")
    monkeypatch.setattr(session_module, "os", SimpleNamespace(name="nt"))  # Windows cannot replace open files
    dock.session._predict_steps(dock.session.load_settings(), None, 0)
    assert layers.proposals_layer(qgis_new_project) is None
    assert not qgis_new_project.mapLayersByName("iteration 0 classes")
    assert layers.find_click_layer(qgis_new_project, ws / "clicks.gpkg") is not None  # the clicks stay


def test_a_failed_propose_step_still_shows_the_predictions(
    make_dock, engine_workspace, qgis_iface, qgis_new_project, monkeypatch
):
    ws = engine_workspace.copy("dock_propose_fails")
    dock = make_dock(workspace=ws)
    monkeypatch.setattr(
        dm, "propose_steps", lambda *a, **k: [Step(dm.PROPOSE_LABEL, ["propose", str(ws), "--spacing", "-1"],
                                                   optional=True)]
    )  # fmt: skip
    dock.ui.predict_button.click()
    spin(lambda: not dock.session.busy)
    assert not messages(qgis_iface, CRITICAL), messages(qgis_iface, CRITICAL)
    assert qgis_new_project.mapLayersByName("iteration 0 classes")
    warned = messages(qgis_iface, WARNING)
    assert any("propose where to click next failed" in m and "--spacing" in m for m in warned), warned
    assert dock.session.proposals.items == [] and not qgis_new_project.mapLayersByName("iSAGE proposals")


def test_propose_is_a_setting_and_follows_the_predicted_frames(make_dock, engine_workspace, monkeypatch):
    snapshot = read_record(engine_workspace.record)
    for propose in (True, False):
        session = make_dock(workspace=engine_workspace.copy(f"propose_{propose}"), propose=propose).session
        steps = session._predict_steps(session.load_settings(), None, 0)
        assert [s.label for s in steps] == ["predict", dm.PROPOSE_LABEL][: 1 + propose]
    assert dm.propose_steps("ws", "cpu")[0].args == ["propose", "ws", "--device", "cpu"]
    step = dm.propose_steps("ws", "cpu", ["train_1"])[0]
    assert step.args[-2:] == ["--frame", "train_1"] and step.optional
    assert dm.extent_propose_frames(snapshot, {"train_1000", "train_1"}) == ["train_1", "train_1000"]
    monkeypatch.setattr(dm, "PROPOSE_EXTENT_MAX_PIXELS", 256 * 256)  # a quick look at large frames
    assert dm.extent_propose_frames(snapshot, ["train_1"]) == ["train_1"]
    assert dm.extent_propose_frames(snapshot, ["train_1", "train_1000"]) == []
    frame = snapshot.frame("train_1")
    proposal = Proposal(frame.name, 10, 20, 2, "road", 0.5, "uncertain", 1)
    box = proposal_extent(frame, proposal, QgsCoordinateReferenceSystem("EPSG:31983"))
    a, _, c, _, e, f = frame.transform
    assert box.center().x() == pytest.approx(a * 20.5 + c) and box.center().y() == pytest.approx(e * 10.5 + f)
    assert box.width() == pytest.approx(2 * VIEW_HALF_PX * abs(a))
    wgs84 = proposal_extent(frame, proposal, QgsCoordinateReferenceSystem("EPSG:4326"))
    assert -60 < wgs84.center().x() < -40 and -20 < wgs84.center().y() < -10  # Brasília


def test_queue_rules():
    items = [
        Proposal("a", 10, 10, 0, "x", 1.0, "typical", 1),
        Proposal("a", 50, 50, 1, "y", 0.5, "uncertain", 2),
        Proposal("b", 10, 10, 1, "y", 0.2, "changed", 3),
    ]
    queue = ProposalQueue("p.gpkg", items)
    assert queue.remaining == 3 and queue.current is None
    assert queue.sync([ClickRow("b", 0, 1, 11, 9), ClickRow("a", 0, 1, 12, 10)]) == 1  # next to it; too far
    assert queue.status == {2: LABELLED}
    assert queue.advance() is items[0] and queue.advance() is items[1]  # the first left open: skipped
    assert queue.advance() is None and queue.remaining == 0 and queue.index is None
    assert queue.sync([]) == 0 and queue.status == {0: SKIPPED, 1: SKIPPED}  # its click gone: open again
    assert queue.advance() is items[2]
    assert ProposalQueue().counter_text().startswith("No proposals yet")
    assert ProposalQueue("p.gpkg").counter_text().startswith("No proposals:")


def test_the_pipeline_goes_on_after_an_optional_step_fails(qgis_app):
    from qgis.PyQt.QtCore import QObject, pyqtSignal

    class FakeRun(QObject):
        progress = pyqtSignal(float, str)
        succeeded = pyqtSignal(dict)
        failed = pyqtSignal(str, bool)

        def __init__(self, args):
            super().__init__()
            self.args = args

        def start(self):
            if "fail" in self.args:
                self.failed.emit("it broke", False)
            else:
                self.succeeded.emit({"event": "result", "args": self.args})

    steps = [Step("a", ["a"]), Step("b", ["fail"], optional=True), Step("c", ["c"])]
    pipeline = Pipeline("python", steps, run_factory=lambda python, args: FakeRun(args))
    done = []
    pipeline.succeeded.connect(done.append)
    pipeline.start()
    assert [label for label, _ in done[0]] == ["a", "c"] and pipeline.skipped == [("b", "it broke")]
    required = Pipeline("python", [Step("b", ["fail"]), Step("c", ["c"])],
                        run_factory=lambda python, args: FakeRun(args))  # fmt: skip
    failed = []
    required.failed.connect(lambda text, cancelled: failed.append(text))
    required.start()
    assert failed == ["b: it broke"]
