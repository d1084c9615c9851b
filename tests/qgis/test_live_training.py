"""The panel's resident engine: it trains while the person clicks, Train closes that round, and a killed
engine is shown down and comes back on demand, with nothing lost."""

import os
import signal
import subprocess

from isage_qgis.engine import handshake
from isage_qgis.layers.live_preview import live_preview_layer
from isage_qgis.panel.session import IsageSession
from isage_qgis.record.view import read_record
from isage_qgis.settings import PluginSettings

from .dock_testutil import spin

LIVE_OPTIONS = ["--check-steps", "3", "--max-steps", "40"]


def live_session(project, python, tiny_model, **settings) -> tuple[IsageSession, list[dict]]:
    settings = {"live_training": True, **settings}  # an opt-in (the settings' default is off)
    chosen = PluginSettings(engine_python=python, device="cpu", annotator="tester", propose=False, **settings)
    session = IsageSession(project, settings_loader=lambda: chosen)
    session.train_extra = [*tiny_model, *LIVE_OPTIONS]
    statuses: list[dict] = []
    session.liveChanged.connect(statuses.append)
    return session, statuses


def add_click(python: str, ws, row: int, col: int, class_id: int) -> None:
    subprocess.run(
        [python, "-m", "isage_core.cli", "click", "add", str(ws), "--frame", "train_1", "--class",
         str(class_id), "--row", str(row), "--col", str(col), "--over-budget"],
        check=True, capture_output=True,
    )  # fmt: skip


def test_the_engine_trains_while_clicking_and_train_closes_the_round(
    qgis_new_project, engine_python, engine_workspace, tiny_model
):
    ws = engine_workspace.copy("live_round")
    handshake.forget_verified()
    session, statuses = live_session(qgis_new_project, engine_python, tiny_model)
    try:
        assert session.open_record(ws / "clicks.gpkg")
        assert session.engine is None  # an engine not yet checked is not trusted to stay up
        assert session.predict()
        spin(lambda: not session.busy, 120)
        # checked: live now, idle on the model of iteration 0, which learnt every click there is
        spin(lambda: any(s.get("state") == "idle" for s in statuses), 120)
        live = next(s for s in statuses if s.get("state") == "idle")
        assert live["iteration"] == 1 and live["workspace"] == str(ws.resolve()) and live["steps"] == 0
        pid = session.engine._process.processId()
        add_click(engine_python, ws, 40, 40, 2)
        spin(lambda: any(s.get("clicks", 0) > live["clicks"] for s in statuses), 60)  # the new click joined
        spin(lambda: any(s.get("state") == "training" for s in statuses), 60)  # and training followed
        spin(lambda: any(s.get("preview") and s["clicks"] > live["clicks"] for s in statuses), 60)
        preview = live_preview_layer(qgis_new_project)  # the map around the new click, before any Train
        assert preview is not None and preview.isValid()
        assert preview.customProperty("isage/frame") == "train_1"
        results = []
        session.layersAdded.connect(results.append)
        assert session.train()
        spin(lambda: not session.busy, 180)
        run = read_record(ws / "clicks.gpkg").runs[-1]
        assert run.iteration == 1 and run.metrics["mode"] == "live" and run.metrics["stopped_by"] == "live"
        assert len(run.metrics["clicks_seen"]) >= run.clicks_used == live["clicks"] + 1
        assert results and session.engine._process.processId() == pid  # one process did it all
        spin(lambda: statuses[-1].get("iteration") == 2, 60)  # the next round is open
    finally:
        session.close()
    assert session.engine is None and live_preview_layer(qgis_new_project) is None


def test_a_killed_engine_is_down_loses_nothing_and_restarts_on_demand(
    qgis_new_project, engine_python, engine_workspace, tiny_model
):
    ws = engine_workspace.copy("live_kill")
    handshake.forget_verified()
    session, statuses = live_session(qgis_new_project, engine_python, tiny_model)
    try:
        assert session.open_record(ws / "clicks.gpkg")
        assert session.predict()
        spin(lambda: not session.busy, 120)
        spin(lambda: statuses and statuses[-1].get("state") == "idle", 120)
        add_click(engine_python, ws, 40, 40, 2)
        spin(lambda: statuses[-1].get("state") == "training", 60)
        before = read_record(ws / "clicks.gpkg")
        os.kill(session.engine._process.processId(), signal.SIGKILL)
        spin(lambda: statuses[-1].get("state") == "down" and session.engine.state == "down", 30)
        after = read_record(ws / "clicks.gpkg")
        assert len(after.clicks) == len(before.clicks) and len(after.runs) == len(before.runs) == 1
        assert sorted(p.name for p in (ws / "models").iterdir()) == ["iteration_000.safetensors"]
        session.restart_engine()
        spin(lambda: statuses[-1].get("state") == "training", 120)  # the click made before the kill
    finally:
        session.close()


def test_live_training_switched_off_trains_as_before(
    qgis_new_project, engine_python, engine_workspace, tiny_model
):
    ws = engine_workspace.copy("live_off")
    session, statuses = live_session(
        qgis_new_project, engine_python, tiny_model, live_training=False, train_time_budget_s=5.0
    )
    try:
        assert session.open_record(ws / "clicks.gpkg")
        assert session.train()
        spin(lambda: not session.busy, 180)
        run = read_record(ws / "clicks.gpkg").runs[-1]
        assert run.iteration == 1 and "mode" not in run.metrics and run.metrics["time_budget_s"] == 5.0
        assert run.metrics["stopped_by"] in ("fit", "settled", "time_budget", "max_steps")
        assert not [s for s in statuses if s.get("state") == "training"]
    finally:
        session.close()


def test_the_panel_says_what_live_training_does_and_offers_a_restart_when_down():
    from isage_qgis.panel.widgets import DockUi

    ui = DockUi()
    ui.show_live({"state": "training", "iteration": 2, "steps": 40, "clicks": 3, "fit": 0.914})
    text = ui.live_label.text()
    assert "iteration 2" in text and "40 steps on 3 clicks" in text and "91 % of the clicked pixels" in text
    assert not ui.live_label.isHidden() and ui.restart_button.isHidden()
    ui.show_live({"state": "idle", "iteration": 2, "steps": 40, "clicks": 3, "fit": 1.0, "rests": "fit"})
    assert "rests: its 3 clicks fit" in ui.live_label.text()
    unfit = {"state": "idle", "iteration": 2, "steps": 600, "clicks": 3, "fit": 0.8, "rests": "max_steps"}
    ui.show_live(unfit)
    assert "after 600 steps, not every one of its 3 clicks fitting" in ui.live_label.text()
    ui.show_live({"state": "idle", "iteration": 3, "steps": 0, "clicks": 3, "fit": None, "rests": "closed"})
    assert ui.live_label.text() == "Live training of iteration 3 waits for its first click."
    ui.show_live({"state": "waiting", "message": "class 'car' (id 1) has no clicks"})
    assert ui.live_label.text() == "Live training waits: class 'car' (id 1) has no clicks"
    ui.show_live({"state": "down"})
    assert "engine stopped" in ui.live_label.text() and not ui.restart_button.isHidden()
    ui.show_live({"state": "off"})
    assert ui.live_label.isHidden() and ui.restart_button.isHidden()
