"""A team's click record in PostGIS, through the panel (issue 28, "In QGIS").

A throwaway PostgreSQL + PostGIS cluster (Unix socket only, a password per person; tests/postgres_testutil.py)
set up as an administrator would (admin.sql with psql; the people, the record and its frames by the engine in
its own process: this process stays like QGIS and never imports the engine or psycopg). Each person reaches it
through a PostGIS connection saved in QGIS whose login is an authentication configuration; the panel opens the
record through that connection and clicks with the map tool.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
from pathlib import Path

import pytest
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsAuthMethodConfig,
    QgsCoordinateReferenceSystem,
    QgsDataSourceUri,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsPointXY,
    QgsProviderRegistry,
    QgsRasterLayer,
    QgsRectangle,
)
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, QSize, Qt
from qgis.PyQt.QtGui import QColor, QImage, QPainter

from isage_qgis.layers import postgis_clicks
from isage_qgis.record.model import ClassInfo
from isage_qgis.record.postgis import POINTER_NAME, PostgisTarget, literal

from ..postgres_testutil import SUPERUSER, ThrowawayCluster, find_postgres
from .conftest import REPO
from .dock_testutil import messages, spin

SUCCESS = Qgis.MessageLevel.Success

WARNING, CRITICAL, INFO = Qgis.MessageLevel.Warning, Qgis.MessageLevel.Critical, Qgis.MessageLevel.Info
SCHEMA = "isage"
TRAIN_SCHEMA = "isage_train"
CLASSES = [(0, "background", "#9e9e9e"), (1, "car", "#e53935"), (2, "road", "#3c3c3c"),
           (3, "building", "#ff9800"), (4, "permeable", "#43a047")]  # fmt: skip
NASTY_FRAME = "f'; DROP SCHEMA isage CASCADE; --\"$$ {x}"
FRAMES = {"train_1": "train_1", "train_11": "train_11", NASTY_FRAME: "train_1000"}
PEOPLE = {
    "ann1": "isage_annotator",
    "ann2": "isage_annotator",
    "rita": "isage_reviewer",
    "tom": "isage_trainer",
    "ada": "isage_admin",
}
SETUP = r"""
import json, sys
from isage_core.benchmark.sample_data import export_sample
from isage_core.geo import frame_info
from isage_core.record.postgres import ClassDef, add_person, connect, create_record, open_record
a = json.loads(sys.stdin.read())
layout = export_sample(a["data"])
dba = connect(a["dba"])
for login, (group, password) in a["people"].items():
    add_person(dba, login, group, password)
create_record(dba, a["schema"], [ClassDef(*c) for c in a["classes"]], "EPSG:31983")
ada = open_record(connect(a["ada"]), a["schema"])
out = {}
for name, patch in a["frames"].items():
    path = layout.train.images[patch]
    info = frame_info(path)
    ada.add_frame(name, str(path), info)
    out[name] = {"path": str(path), "transform": list(info.transform)[:6]}
# a second record to train on: one seed click per class of train_1 and train_11, by ann1
# (its CRS as the engine writes it: the database computes each click's point; the first record's CRS is
# PostGIS's text of EPSG:31983, so the plugin sends the point)
wkt = frame_info(layout.train.images["train_1"]).crs_wkt
create_record(dba, a["train_schema"], [ClassDef(*c) for c in a["classes"]], "EPSG:31983", crs_wkt=wkt)
ada = open_record(connect(a["ada"]), a["train_schema"])
ann = open_record(connect(a["ann1"]), a["train_schema"])
for patch in ("train_1", "train_11"):
    ada.add_frame(patch, str(layout.train.images[patch]), frame_info(layout.train.images[patch]))
    firsts = {}
    for row, col, class_id in layout.seed_clicks[patch]:
        firsts.setdefault(class_id, (row, col))
    for class_id, (row, col) in sorted(firsts.items()):
        ann.add_click(patch, class_id, row, col)
print(json.dumps(out))
"""


class Team:
    """The cluster, the people's passwords and QGIS connections, the record's frames."""

    def __init__(self, cluster: ThrowawayCluster, passwords: dict, frames: dict):
        self.cluster, self.passwords, self.frames = cluster, passwords, frames
        self.authcfgs: dict[str, str] = {}

    def conninfo(self, login: str) -> str:
        return self.cluster.conninfo(login, self.passwords[login])

    def plain_connection(self, login: str) -> str:
        """A PostGIS connection saved in QGIS for ``login`` that stores the user name and password itself."""
        name = f"isage team {login} plain"
        uri = QgsDataSourceUri()
        uri.setConnection(str(self.cluster.socket_dir), "5432", "isage_test", login, self.passwords[login])
        metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
        metadata.saveConnection(
            metadata.createConnection(uri.uri(False), {"saveUsername": True, "savePassword": True}), name
        )
        return name

    def connection(self, login: str) -> str:
        """A PostGIS connection saved in QGIS for ``login``, its password in an authentication config."""
        name = f"isage team {login}"
        metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
        if login not in self.authcfgs:  # a connection of that name left by an earlier run is replaced
            manager = QgsApplication.authManager()
            if not manager.masterPasswordIsSet():
                assert manager.setMasterPassword("isage-tests", True)
            config = QgsAuthMethodConfig("Basic")
            config.setName(name)
            config.setConfig("username", login)
            config.setConfig("password", self.passwords[login])
            stored = manager.storeAuthenticationConfig(config)
            assert (stored[0] if isinstance(stored, tuple) else stored) and config.id()
            self.authcfgs[login] = config.id()
            uri = QgsDataSourceUri()
            uri.setConnection(
                str(self.cluster.socket_dir), "5432", "isage_test", "", "", authConfigId=config.id()
            )
            metadata.saveConnection(metadata.createConnection(uri.uri(False), {}), name)
        return name

    def sql(self, query: str) -> list[list]:
        """``query`` as the database administrator, through QGIS (a check from outside the plugin)."""
        metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
        uri = QgsDataSourceUri()
        uri.setConnection(
            str(self.cluster.socket_dir), "5432", "isage_test", SUPERUSER, self.cluster.password
        )
        return metadata.createConnection(uri.uri(False), {}).executeSql(query)


@pytest.fixture(scope="module")
def team(tmp_path_factory, engine_python):
    cluster, team = ThrowawayCluster(find_postgres()).start(), Team(None, {}, {})
    try:
        cluster.run_admin_sql(REPO / "isage_core" / "record" / "postgres" / "admin.sql", SCHEMA)
        passwords = {login: secrets.token_urlsafe(15) for login in PEOPLE}
        args = {
            "data": str(tmp_path_factory.mktemp("pg_sample")), "dba": cluster.superuser_conninfo(),
            "ada": cluster.conninfo("ada", passwords["ada"]), "schema": SCHEMA, "classes": CLASSES,
            "ann1": cluster.conninfo("ann1", passwords["ann1"]), "train_schema": TRAIN_SCHEMA,
            "people": {login: (group, passwords[login]) for login, group in PEOPLE.items()}, "frames": FRAMES,
        }  # fmt: skip
        done = subprocess.run(
            [engine_python, "-c", SETUP], input=json.dumps(args), capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        team = Team(cluster, {**passwords, SUPERUSER: cluster.password}, json.loads(done.stdout))
        yield team
    finally:
        metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
        for name in [n for n in metadata.connections() if n.startswith("isage team ")]:
            metadata.deleteConnection(name)
        for authcfg in team.authcfgs.values():
            QgsApplication.authManager().removeAuthenticationConfig(authcfg)
        cluster.stop()


@pytest.fixture
def open_dock(make_dock, team, tmp_path, qgis_new_project):
    """``open_dock(login)``: a dock with ``login``'s record open through their QGIS connection, the record's
    frames shown as raster layers."""

    def make(login: str, schema: str = SCHEMA):
        dock = make_dock()
        target = PostgisTarget(team.connection(login), schema, tmp_path / f"ws_{login}_{schema}")
        assert dock.session.open_postgis(target), messages(dock.iface, CRITICAL)
        for name, frame in team.frames.items():
            if not qgis_new_project.mapLayersByName(name):
                qgis_new_project.addMapLayer(QgsRasterLayer(frame["path"], name, "gdal"))
        return dock

    return make


def centre(team: Team, frame: str, row: int, col: int) -> QgsPointXY:
    a, b, c, d, e, f = team.frames[frame]["transform"]
    return QgsPointXY(a * (col + 0.5) + b * (row + 0.5) + c, d * (col + 0.5) + e * (row + 0.5) + f)


def click(dock, team: Team, frame: str, row: int, col: int, button=Qt.MouseButton.LeftButton) -> None:
    """A mouse click of ``dock``'s click tool on the pixel's centre (the canvas in the record's CRS)."""
    canvas = dock.canvas
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:31983"))
    here = centre(team, frame, row, col)
    canvas.setExtent(QgsRectangle(here.x() - 5, here.y() - 5, here.x() + 5, here.y() + 5))
    p = canvas.getCoordinateTransform().transform(here)
    event = QgsMapMouseEvent(
        canvas, QEvent.Type.MouseButtonRelease, QPoint(round(p.x()), round(p.y())), button, button,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    dock.tool.canvasReleaseEvent(event)


def last_message(dock) -> str:
    return dock.ui.status_label.text()


def row_of(team: Team, where: str) -> list:
    columns = "annotator, class_id, retracted, retracted_by, retract_reason, note"
    rows = team.sql(f'SELECT {columns} FROM "{SCHEMA}".clicks WHERE {where}')
    return rows[0] if rows else []


def test_an_annotator_opens_the_record_through_a_qgis_connection_and_clicks(
    open_dock, team, qgis_new_project
):
    dock = open_dock("ann1")
    session = dock.session
    assert [c.name for c in session.state.classes] == [c[1] for c in CLASSES]
    assert session.state.frame_names == list(FRAMES) and session.state.iteration == 0
    assert "ann1" in dock.ui.record_label.text() and "annotator" in dock.ui.record_label.text()
    layer = session.click_layer()
    assert layer is not None and layer.providerType() == "postgres" and layer.isValid()
    assert f"authcfg={team.authcfgs['ann1']}" in layer.source() and layer.readOnly()
    assert layer.renderer().classAttribute() == 'CASE WHEN NOT "retracted" THEN "class_id" END'
    # the workspace: the engine's pointer (no login), models/ and outputs/
    ws = session.record.workspace
    pointer = json.loads((ws / POINTER_NAME).read_text())
    assert pointer == {
        "format": "isage-postgis-record", "version": 1, "schema": SCHEMA,
        "connection": f"host={team.cluster.socket_dir} port=5432 dbname=isage_test",
        "qgis_connection": team.connection("ann1"),  # the plugin's: which QGIS connection (no login)
    }  # fmt: skip
    assert (ws / "models").is_dir() and (ws / "outputs").is_dir()

    click(dock, team, "train_1", 10, 20)
    assert "Click" in last_message(dock) and not messages(dock.iface, CRITICAL), last_message(dock)
    assert row_of(team, "frame = 'train_1' AND row = 10 AND col = 20") == ["ann1", 0, False, None, None, ""]
    counts = {c.id: (c.this_iteration, c.total) for c in session.state.counts}
    assert counts[0] == (1, 1) and dock.ui.class_table.item(0, 3).text() == "1"
    # the team's budget, refused by the database: one line starting with its kind
    click(dock, team, "train_1", 30, 40)
    assert last_message(dock).startswith("Click not recorded: budget: frame 'train_1' already has a click")
    assert "\n" not in last_message(dock) and messages(dock.iface, WARNING)
    dock.select_class_row(1)
    click(dock, team, "train_1", 10, 20)
    assert "conflict: pixel (10, 20) of frame 'train_1' already has a click of class 0" in last_message(dock)
    assert len(team.sql(f'SELECT fid FROM "{SCHEMA}".clicks')) == 1


def test_the_others_clicks_appear_when_the_database_announces_them(open_dock, team, monkeypatch):
    monkeypatch.setattr(postgis_clicks, "POLL_S", 600.0)  # only the NOTIFY can refresh within the test
    first, second = open_dock("ann1"), open_dock("ann2")
    layer = first.session.click_layer()
    before = layer.featureCount()
    second.select_class_row(2)
    click(second, team, "train_11", 50, 60)
    assert "Click" in last_message(second), last_message(second)
    spin(lambda: layer.featureCount() == before + 1, 10)
    spin(lambda: {c.id: c.total for c in first.session.state.counts}[2] >= 1, 10)
    assert {f["annotator"] for f in layer.getFeatures()} >= {"ann2"}
    # the budget is the team's: ann1 cannot click road on train_11 in this iteration either
    first.select_class_row(2)
    click(first, team, "train_11", 70, 80)
    assert "budget: frame 'train_11' already has a click of class 2" in last_message(first)
    # retraction: not another's click (an annotator), then one's own; Ctrl+Z retracts one's last click
    click(first, team, "train_11", 50, 60, Qt.MouseButton.RightButton)
    assert "only a reviewer retracts" in last_message(first)
    assert row_of(team, "frame = 'train_11' AND row = 50")[2] is False
    click(second, team, "train_11", 50, 60, Qt.MouseButton.RightButton)
    assert "retracted" in last_message(second)
    assert row_of(team, "frame = 'train_11' AND row = 50")[2:5] == [True, "ann2", "retracted on the map"]
    spin(lambda: layer.featureCount() == before + 1 and first.session.state.counts[2].total == 0, 10)
    click(first, team, "train_11", 70, 80)
    assert "Click" in last_message(first)
    first.tool.undo()
    assert "Undone" in last_message(first)
    assert row_of(team, "frame = 'train_11' AND row = 70")[2:5] == [True, "ann1", "undo"]


def test_a_reviewer_retracts_anyones_click_with_a_reason(open_dock, team):
    ann, rita = open_dock("ann2"), open_dock("rita")
    ann.select_class_row(3)
    click(ann, team, "train_1", 100, 100)
    assert "Click" in last_message(ann)
    rita.tool.actions.ask_reason = lambda c: None  # cancelled: nothing retracted
    click(rita, team, "train_1", 100, 100, Qt.MouseButton.RightButton)
    assert "without a reason" in last_message(rita)
    asked = []
    rita.tool.actions.ask_reason = lambda c: (
        asked.append((c.annotator, c.class_id)) or "a shadow, not a building"
    )
    click(rita, team, "train_1", 100, 100, Qt.MouseButton.RightButton)
    assert asked == [("ann2", 3)] and "retracted" in last_message(rita)
    assert row_of(team, "frame = 'train_1' AND row = 100")[2:5] == [True, "rita", "a shadow, not a building"]
    # a reviewer adds no clicks
    click(rita, team, "train_1", 110, 110)
    assert "permission denied" in last_message(rita) and not row_of(team, "row = 110")


def test_names_and_notes_with_sql_in_them_are_stored_as_data(open_dock, team):
    ada, ann = open_dock("ada"), open_dock("ann1")
    nasty_class = "x'); DROP TABLE clicks; -- $$ $isage_1$ {y}"
    assert ada.session.set_class(ClassInfo(5, nasty_class, "#123456")), last_message(ada)
    nasty_note = "'; UPDATE clicks SET class_id = 0; -- \\ $$ %s {note}"
    fid = ann.session.record.add_click(NASTY_FRAME, 3, 4, 1, note=nasty_note)
    assert row_of(team, f"fid = {fid}") == ["ann1", 1, False, None, None, nasty_note]
    assert team.sql(f'SELECT frame FROM "{SCHEMA}".clicks WHERE fid = {fid}') == [[NASTY_FRAME]]
    assert team.sql(f'SELECT name FROM "{SCHEMA}".classes WHERE id = 5') == [[nasty_class]]
    ann.session.refresh()
    assert ann.session.state.classes[-1].name == nasty_class and NASTY_FRAME in ann.session.state.frame_names
    # the class key labels a pixel of the nasty frame through the map tool too
    ann.select_class_row(2)
    click(ann, team, NASTY_FRAME, 7, 8)
    assert "Click" in last_message(ann), last_message(ann)
    for text in (nasty_class, nasty_note, NASTY_FRAME, "$isage_", "$$"):
        assert literal(text).startswith("$isage_") and text in literal(text)


def test_no_password_in_the_workspace_the_log_or_the_project(
    open_dock, team, qgis_new_project, tmp_path, caplog
):
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda text, tag, level: logged.append(text))
    with caplog.at_level(logging.DEBUG, logger="isage_qgis"):
        dock = open_dock("ann1")
        click(dock, team, "train_11", 5, 5)
        dock.session.record.engine_environment()
    env = dock.session.record.engine_environment()
    assert env == {"PGUSER": "ann1", "PGPASSWORD": team.passwords["ann1"]}
    project = tmp_path / "project.qgs"
    assert qgis_new_project.write(str(project))
    files = [p for p in dock.session.record.workspace.rglob("*") if p.is_file()]
    seen = "\n".join([*logged, caplog.text, project.read_text(), *(p.read_text() for p in files)])
    assert "clicks" in project.read_text() and files
    for password in team.passwords.values():
        assert password not in seen


def test_without_the_notifications_the_panel_still_sees_the_others_within_seconds(
    open_dock, team, monkeypatch
):
    """A record made before the notifications (or a server whose NOTIFY never reaches QGIS): polled."""
    monkeypatch.setattr(postgis_clicks, "POLL_S", 0.5)
    team.sql(f'DROP TRIGGER clicks_notify ON "{SCHEMA}".clicks')
    try:
        first, second = open_dock("ann1"), open_dock("ann2")
        layer = first.session.click_layer()
        before = layer.featureCount()
        second.select_class_row(4)
        click(second, team, "train_1", 200, 200)
        assert "Click" in last_message(second), last_message(second)
        spin(lambda: layer.featureCount() == before + 1, 10)
        spin(lambda: {c.id: c.total for c in first.session.state.counts}[4] >= 1, 10)
    finally:
        team.sql(
            f'CREATE TRIGGER clicks_notify AFTER INSERT OR UPDATE ON "{SCHEMA}".clicks FOR EACH STATEMENT '
            f'EXECUTE FUNCTION "{SCHEMA}".isage_notify_change()'
        )


def test_the_trainer_trains_from_the_panel_and_the_team_sees_the_new_iteration(
    open_dock, team, qgis_new_project
):
    """The engine runs on the workspace folder with the connection's login in its environment only; the
    run is recorded in the database and every panel sees the next iteration."""
    annotator, trainer = open_dock("ann1", TRAIN_SCHEMA), open_dock("tom", TRAIN_SCHEMA)
    assert trainer.session.state.iteration == 0 and not trainer.session.state.train_blocker()
    trainer.ui.train_button.click()
    assert trainer.session.busy
    spin(lambda: not trainer.session.busy, 300)
    assert not messages(trainer.iface, CRITICAL), messages(trainer.iface, CRITICAL)
    assert any("iteration 0 trained on 10 clicks" in m for m in messages(trainer.iface, SUCCESS))
    assert team.sql(f'SELECT iteration, clicks_used FROM "{TRAIN_SCHEMA}".runs') == [[0, 10]]
    ws = trainer.session.record.workspace
    assert list((ws / "models").glob("*.safetensors")) and (ws / "outputs" / "iteration_000").is_dir()
    group = qgis_new_project.layerTreeRoot().findGroup("iSAGE iteration 0")
    assert group is not None and group.findLayers(), [
        c.name() for c in qgis_new_project.layerTreeRoot().children()
    ]
    assert all(layer.layer().isValid() for layer in group.findLayers())
    assert trainer.session.state.iteration == 1
    spin(lambda: annotator.session.state.iteration == 1, 10)  # the run's NOTIFY reached the other panel
    assert "iteration 0" in annotator.ui.run_label.text()
    # the next iteration's budget is fresh: a click of class 1 on train_1 is taken, a second one refused
    annotator.select_class_row(1)
    click(annotator, team, "train_1", 128, 128)
    assert "Click" in last_message(annotator), last_message(annotator)
    click(annotator, team, "train_1", 40, 200)
    assert "budget: frame 'train_1' already has a click of class 1 in iteration 1" in last_message(annotator)
    screenshot(annotator, team, qgis_new_project, group, Path(os.environ.get("ISAGE_SCREENSHOT_DIR") or ws))


def screenshot(dock, team: Team, project, group, folder: Path) -> None:
    """docs/screenshot_postgis_record.png (make screenshot-postgis-record): the annotator's panel on the
    team's record beside the map of train_1 with the model's classes and the team's clicks."""
    dock.resize(440, 1180)
    dock.show()
    spin(lambda: dock.isVisible(), 5)
    panel = dock.grab()
    side = panel.height()
    frame = QgsRasterLayer(team.frames["train_1"]["path"], "train_1", "gdal")
    classes = next(n.layer() for n in group.findLayers() if "classes" in n.layer().name())
    settings = QgsMapSettings()
    settings.setLayers([dock.session.click_layer(), classes, frame])
    settings.setDestinationCrs(frame.crs())
    settings.setExtent(frame.extent())
    settings.setOutputSize(QSize(side, side))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = QImage(side + panel.width(), side, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawPixmap(0, 0, panel)
    painter.drawImage(panel.width(), 0, job.renderedImage())
    painter.end()
    assert image.save(str(folder / "screenshot_postgis_record.png"))
    dock.hide()


def test_the_panels_dialog_lists_qgis_connections_and_opens_the_record(
    make_dock, team, tmp_path, monkeypatch
):
    from isage_qgis.panel import dialogs

    name = team.connection("ann2")
    dialog = dialogs.PostgisRecordDialog(["other", name], folder="")
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert dialog.schema_edit.text() == "isage" and not ok.isEnabled() and dialog.target() is None
    dialog.connection_combo.setCurrentText(name)
    dialog.folder_edit.setText(str(tmp_path / "ws"))
    assert ok.isEnabled() and dialog.target() == PostgisTarget(name, SCHEMA, (tmp_path / "ws").resolve())

    dock = make_dock()
    chosen = {"folder": str(tmp_path / "from_dialog")}

    def accept(self):
        assert name in [self.connection_combo.itemText(i) for i in range(self.connection_combo.count())]
        self.connection_combo.setCurrentText(name)
        self.folder_edit.setText(chosen["folder"])
        return True

    monkeypatch.setattr(dialogs.PostgisRecordDialog, "exec", accept)
    dock.ui.postgis_button.click()
    assert dock.session.state.is_open and "ann2" in dock.ui.record_label.text()
    assert (tmp_path / "from_dialog" / POINTER_NAME).is_file() and dock.click_action.isEnabled()
    assert not dock.assessment.start()  # no model yet: said, nothing run
    assert "No model yet" in messages(dock.iface, WARNING)[-1] and not dock.session.busy
    # a schema holding no record, a folder pointing to another record: one-line errors, nothing opened
    assert not dock.session.open_postgis(PostgisTarget(name, "nothing_here", tmp_path / "nothing"))
    assert "no iSAGE record here that this login may read" in messages(dock.iface, CRITICAL)[-1]
    assert not (tmp_path / "nothing").exists()
    moved = json.loads((tmp_path / "from_dialog" / POINTER_NAME).read_text())
    moved["schema"] = TRAIN_SCHEMA
    (tmp_path / "from_dialog" / POINTER_NAME).write_text(json.dumps(moved))
    assert not dock.session.open_postgis(PostgisTarget(name, SCHEMA, tmp_path / "from_dialog"))
    assert "already points to another record (isage_train)" in messages(dock.iface, CRITICAL)[-1]


def test_a_pointer_already_there_is_kept_with_the_engines_trainer_connection(open_dock, team, tmp_path):
    ws = tmp_path / "ws_ann1_isage"  # where open_dock puts ann1's workspace of the record
    ws.mkdir()
    conninfo = f"host={team.cluster.socket_dir} port=5432 dbname=isage_test"
    pointer = {"format": "isage-postgis-record", "version": 1, "connection": conninfo, "schema": SCHEMA,
               "trainer_connection": "service=isage_trainer"}  # fmt: skip
    (ws / POINTER_NAME).write_text(json.dumps(pointer))
    open_dock("ann1")  # the engine's keys kept; the plugin's name of the connection added
    assert json.loads((ws / POINTER_NAME).read_text()) == {
        **pointer,
        "qgis_connection": team.connection("ann1"),
    }


def test_a_connection_that_stores_its_password_shows_the_clicks_without_writing_it(
    make_dock, team, tmp_path, qgis_new_project
):
    dock = make_dock()
    name = team.plain_connection("ann2")
    assert dock.session.open_postgis(PostgisTarget(name, SCHEMA, tmp_path / "ws")), messages(
        dock.iface, CRITICAL
    )
    dock.session.record.add_click(NASTY_FRAME, 220, 220, 0)
    layer = dock.session.click_layer()
    layer.reload()
    total = team.sql(f'SELECT count(*) FROM "{SCHEMA}".clicks')[0][0]
    assert layer.isValid() and layer.featureCount() == total > 0 and "user='ann2'" in layer.source()
    assert dock.session.record.engine_environment() == {
        "PGUSER": "ann2",
        "PGPASSWORD": team.passwords["ann2"],
    }
    assert qgis_new_project.write(str(tmp_path / "project.qgs"))
    assert team.passwords["ann2"] not in (tmp_path / "project.qgs").read_text()
    assert team.passwords["ann2"] not in (tmp_path / "ws" / POINTER_NAME).read_text()


def test_a_connection_with_a_stored_user_and_password_gives_them_to_the_engine_only(team):
    from isage_qgis.record import postgis

    uri = QgsDataSourceUri()
    uri.setConnection(
        "db.example.org", "5433", "team db", "ann1", "s3cr'et pw", QgsDataSourceUri.SslMode.SslRequire
    )
    assert postgis.engine_conninfo(uri) == "host=db.example.org port=5433 dbname='team db' sslmode=require"
    assert postgis.engine_environment(uri) == {"PGUSER": "ann1", "PGPASSWORD": "s3cr'et pw"}
    service = QgsDataSourceUri()
    service.setConnection("isage_team", "", "", "")
    assert (
        postgis.engine_conninfo(service) == "service=isage_team" and postgis.engine_environment(service) == {}
    )
    error = postgis.database_error(
        Exception("connection failed for user ann1 password=s3cr'et pw"), "here", "s3cr'et pw"
    )
    assert "s3cr'et pw" not in str(error) and "***" in str(error)


def test_the_database_administrator_creates_a_record_from_the_panel(make_dock, team, tmp_path, monkeypatch):
    from isage_qgis.panel import dialogs

    dock = make_dock()
    name = team.connection(SUPERUSER)
    nasty = "land'); DROP SCHEMA isage CASCADE; --"

    def accept(self):
        self.connection_combo.setCurrentText(name)
        self.schema_edit.setText("isage_new")
        self.folder_edit.setText(str(tmp_path / "new"))
        assert not self.classes_edit.isEnabled()
        self.create_check.setChecked(True)
        assert (
            self.classes_edit.isEnabled() and self.buttons.button(self.buttons.StandardButton.Ok).isEnabled()
        )
        self.classes_edit.setPlainText(f"water #0000ff\n{nasty} #00ff00")
        self.crs_edit.setText("EPSG:31983")
        return True

    monkeypatch.setattr(dialogs.PostgisRecordDialog, "exec", accept)
    dock.ui.postgis_button.click()
    assert dock.session.busy  # the engine's isage init --postgres, the login in its environment
    spin(lambda: not dock.session.busy, 120)
    assert not messages(dock.iface, CRITICAL), messages(dock.iface, CRITICAL)
    assert [(c.id, c.name) for c in dock.session.state.classes] == [(0, "water"), (1, nasty)]
    assert "isage_new" in dock.ui.record_label.text() and dock.session.click_layer().isValid()
    text = (tmp_path / "new" / POINTER_NAME).read_text()
    assert json.loads(text)["schema"] == "isage_new" and team.cluster.password not in text
    assert team.sql("SELECT value FROM isage_new.isage_meta WHERE key = 'srid'") == [["31983"]]
    assert team.sql(f'SELECT count(*) FROM "{SCHEMA}".classes')[0][0] >= 5  # the other record untouched

    # creating it again (another folder, other classes) opens the team's record instead and changes nothing
    def again(self):
        accept(self)
        self.folder_edit.setText(str(tmp_path / "again"))
        self.classes_edit.setPlainText("sand #ffff00")
        return True

    monkeypatch.setattr(dialogs.PostgisRecordDialog, "exec", again)
    dock.ui.postgis_button.click()
    spin(lambda: not dock.session.busy, 120)
    assert not messages(dock.iface, CRITICAL), messages(dock.iface, CRITICAL)
    assert any("already holds a click record" in text for text in messages(dock.iface, INFO))
    assert [(c.id, c.name) for c in dock.session.state.classes] == [(0, "water"), (1, nasty)]
    assert team.sql("SELECT count(*) FROM isage_new.classes") == [[2]]


def test_sql_takes_only_quoted_values():
    from isage_qgis.record.postgis import compose, ident

    assert compose(
        "SELECT {a}, {b} FROM {t}", {"a": literal("it's"), "b": 3, "t": ident('we"ird')}
    ).startswith("SELECT $isage_")
    assert compose("{t}", {"t": ident('we"ird')}) == '"we""ird"'
    for raw in ("x'); DROP TABLE clicks; --", 1.5, True, None):
        with pytest.raises(TypeError, match="must be quoted"):
            compose("SELECT {v}", {"v": raw})
    sneaky = "a$isage_0$b"  # a tag-like text: the tag chosen is never one the text holds
    quoted = literal(sneaky)
    tag = quoted[: quoted.index("$", 1) + 1]
    assert quoted == f"{tag}{sneaky}{tag}" and tag not in sneaky
    assert literal(None) == "NULL" and literal(False) == "false" and literal(7) == "7"
