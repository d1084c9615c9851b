"""Workspaces on the team's PostGIS record (issue 28): every ``isage`` command on the database as on a
GeoPackage, each person as their own login, and the offline copy that goes out and comes back.

The people log in with ``PGUSER``/``PGPASSWORD`` in the environment, as the plugin passes them to the
engine: the workspace's pointer file holds only where the record is.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from isage_core.record.backends import assessment_store
from isage_core.record.offline import record_content
from isage_core.record.schema import hash_clicks
from isage_core.record.workspace import Workspace

from .cli_testutil import cli, refused
from .conftest import BSB_CLASSES
from .postgres_testutil import SUPERUSER

TINY = (
    "--encoder", "tu-mobilenetv3_small_100", "--weights", "none", "--decoder-channels", "64,32,16,16,8",
    "--patch-size", "64", "--batch-size", "2", "--device", "cpu",
)  # fmt: skip
CLASSES = ",".join(f"{i}:{name}:{color}" for i, name, color in BSB_CLASSES)


class Team:
    """The people of one test's record: each runs ``isage`` in their own workspace folder as themselves."""

    def __init__(self, pg_team, root: Path, schema: str, monkeypatch, capsys):
        self.pg, self.root, self.schema = pg_team, root, schema
        self.monkeypatch, self.capsys = monkeypatch, capsys
        self.where = f"host={pg_team.cluster.socket_dir} port=5432 dbname=isage_test"

    def password(self, login: str) -> str:
        return self.pg.cluster.password if login == SUPERUSER else self.pg.passwords[login]

    def as_(self, login: str) -> None:
        self.monkeypatch.setenv("PGUSER", login)
        self.monkeypatch.setenv("PGPASSWORD", self.password(login))

    def folder(self, login: str) -> Path:
        return self.root / login

    def run(self, login: str, *argv) -> tuple[int, list[dict]]:
        self.as_(login)
        return cli(self.capsys, *argv)

    def refused(self, login: str, *argv) -> str:
        self.as_(login)
        return refused(self.capsys, *argv)

    def join(self, login: str, *extra) -> Path:
        status, events = self.run(
            login, "init", self.folder(login), "--postgres", self.where, "--schema", self.schema, *extra
        )
        assert status == 0, events[-1]
        return self.folder(login)

    def record(self, login: str):
        self.as_(login)
        return Workspace.open(self.folder(login)).record


@pytest.fixture
def team(pg_team, tmp_path, monkeypatch, capsys, bsb_train_frames):
    """A record created by the database administrator with the BSB classes, its frames added by ada from
    a shared imagery folder, and ada's, ann1's and tom's workspaces joined to it."""
    monkeypatch.delenv("PGSERVICE", raising=False)
    imagery = tmp_path / "imagery"
    imagery.mkdir()
    for path, _ in bsb_train_frames.values():
        (imagery / Path(path).name).write_bytes(Path(path).read_bytes())
    pg_team.records += 1
    people = Team(pg_team, tmp_path, f"ws_{pg_team.records}", monkeypatch, capsys)
    people.masks = {name: mask for name, (_, mask) in bsb_train_frames.items()}
    people.join(SUPERUSER, "--classes", CLASSES, "--crs", "EPSG:31983")
    for login in ("ada", "ann1", "ann2", "tom"):
        people.join(login)
    for tif in sorted(imagery.glob("*.tif")):
        status, events = people.run("ada", "frames", "add", people.folder("ada"), tif)
        assert status == 0, events[-1]
    yield people
    pg_team.close_connections()


def test_a_workspace_on_the_database_holds_no_secret_and_says_where_its_record_is(team):
    pointer = team.folder("ann1") / "isage-postgis.json"
    text = pointer.read_text()
    assert json.loads(text)["schema"] == team.schema and json.loads(text)["connection"] == team.where
    for login in ("ann1", SUPERUSER):
        assert team.password(login) not in text
    assert not (team.folder("ann1") / "clicks.gpkg").exists()
    status, events = team.run("ann1", "info", team.folder("ann1"))
    workspace = events[-1]["workspace"]
    assert status == 0 and workspace["record_backend"] == "postgis" and workspace["frames"] == 3
    assert workspace["crs"] == "EPSG:31983" and workspace["iteration"] == 0
    # a password in the connection string would land in the workspace: refused, nothing written
    message = team.refused(
        "ann2", "init", team.root / "leaky", "--postgres", f"{team.where} password=hunter2", "--schema", "x"
    )
    assert "hunter2" not in message and "password" in message and not (team.root / "leaky").exists()
    # a schema without a record, joined without classes: refused, nothing written
    message = team.refused("ann2", "init", team.root / "empty", "--postgres", team.where, "--schema", "nope")
    assert "no record in schema 'nope'" in message and not (team.root / "empty").exists()


def test_joining_a_record_refuses_the_options_that_only_create_one_and_writes_nothing(team):
    before = [(c.id, c.name, c.color) for c in team.record("ada").classes()]
    join = ("init", team.root / "late", "--postgres", team.where, "--schema", team.schema)
    message = team.refused(SUPERUSER, *join, "--classes", "0:other:#000000", "--crs", "EPSG:4326")
    assert f"schema '{team.schema}' already holds a record" in message
    assert "drop --classes and --crs" in message and "isage classes set" in message
    (team.root / "late").mkdir()  # an empty folder picked for the workspace stays empty
    assert "drop --crs (" in team.refused("ann2", *join, "--crs", "EPSG:31983")
    assert not any((team.root / "late").iterdir())
    assert [(c.id, c.name, c.color) for c in team.record("ada").classes()] == before


def test_each_person_clicks_as_themselves_within_the_teams_budget(team):
    ws1, ws2 = team.folder("ann1"), team.folder("ann2")
    status, events = team.run("ann1", "click", "add", ws1, "--frame", "bsb_1", "--class", "1", "--row", "10",
                              "--col", "20")  # fmt: skip
    assert status == 0
    # the same class on the same frame in the same iteration, by another person: the team's budget
    message = team.refused("ann2", "click", "add", ws2, "--frame", "bsb_1", "--class", "1", "--row", "40",
                           "--col", "40")  # fmt: skip
    assert "budget" in message and team.schema in message
    assert "cannot be overridden" in team.refused(
        "ann2", "click", "add", ws2, "--frame", "bsb_1", "--class", "2", "--row", "40", "--col", "40",
        "--over-budget",
    )  # fmt: skip
    assert "annotator" in team.refused(
        "ann2", "click", "add", ws2, "--frame", "bsb_1", "--class", "2", "--row", "40", "--col", "40",
        "--annotator", "ann1",
    )  # fmt: skip
    # a click given as a map point lands on its pixel, and the database records who made it
    record = team.record("ann2")
    frame = record.frame("bsb_1")
    x, y = frame.info.affine * (30.5, 12.5)
    status, events = team.run("ann2", "click", "add", ws2, "--class", "2", "--x", x, "--y", y)
    assert status == 0
    clicks = {(c.annotator, c.frame, c.row, c.col, c.class_id) for c in team.record("ann1").clicks()}
    assert clicks == {("ann1", "bsb_1", 10, 20, 1), ("ann2", "bsb_1", 12, 30, 2)}
    # retracting another's click needs a reviewer
    uid = next(c.uid for c in team.record("ann1").clicks() if c.annotator == "ann1")
    assert "reviewer" in team.refused("ann2", "click", "retract", ws2, uid)


def click_each_class(team, login: str, frames=("bsb_1", "bsb_1000")) -> None:
    """One click of each class on each frame where the dense mask has it (its middle pixel in scan order)."""
    for name in frames:
        for class_id, *_ in BSB_CLASSES:
            rows, cols = np.nonzero(team.masks[name] == class_id)
            if len(rows):
                i = len(rows) // 2
                status, events = team.run(
                    login, "click", "add", team.folder(login), "--frame", name, "--class", class_id,
                    "--row", rows[i], "--col", cols[i],
                )  # fmt: skip
                assert status == 0, events[-1]


def test_the_trainer_trains_on_a_snapshot_and_annotators_cannot_record_runs(team):
    click_each_class(team, "ann1")
    before = team.record("tom").clicks()
    message = team.refused("ann1", "train", team.folder("ann1"), *TINY, "--steps", "1")
    assert "may not record training runs" in message and "trainer" in message
    assert team.record("tom").runs() == []
    status, events = team.run("tom", "train", team.folder("tom"), *TINY, "--steps", "2")
    assert status == 0, events[-1]
    runs = team.record("ann1").runs()
    assert (
        len(runs) == 1 and runs[0].clicks_used == len(before) and runs[0].clicks_hash == hash_clicks(before)
    )
    assert (team.folder("tom") / runs[0].model_path).is_file()
    # clicks from now on belong to the next iteration
    status, events = team.run(
        "ann1", "click", "add", team.folder("ann1"), "--frame", "bsb_101", "--class", "0", "--row", "5",
        "--col", "5",
    )  # fmt: skip
    assert status == 0 and team.record("ann1").clicks(frame="bsb_101")[0].iteration == 1
    status, events = team.run("tom", "predict", team.folder("tom"), "--frame", "bsb_1")
    assert status == 0, events[-1]
    assert (team.folder("tom") / "outputs" / "iteration_000" / "bsb_1_classes.tif").is_file()
    # proposals: where to click next, never on a pixel the team already clicked
    status, events = team.run("tom", "propose", team.folder("tom"), "--frame", "bsb_1", "--per-frame", "4")
    assert status == 0, events[-1]
    import geopandas as gpd

    proposals = gpd.read_file(events[-1]["outputs"]["proposals"])
    taken = {(c.row, c.col) for c in team.record("ann1").clicks(frame="bsb_1")}
    assert 0 < len(proposals) <= 4 and not taken & set(zip(proposals["row"], proposals["col"], strict=True))


def test_the_trainer_killed_while_training_leaves_the_record_as_it_was(team, tmp_path):
    click_each_class(team, "ann1")
    before = record_content(team.record("tom"))
    env = dict(
        os.environ, PGUSER="tom", PGPASSWORD=team.password("tom"), ISAGE_KILL_AT="train-before-run-row"
    )
    done = subprocess.run(
        [sys.executable, "-m", "isage_core.cli", "train", str(team.folder("tom")), *TINY, "--steps", "2"],
        env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    assert record_content(team.record("ann1")) == before
    # the model file written before the kill belongs to no run; the next run replaces it
    status, events = team.run("tom", "train", team.folder("tom"), *TINY, "--steps", "1")
    assert status == 0 and [r.iteration for r in team.record("ann1").runs()] == [0]


def test_an_offline_copy_goes_out_equal_and_comes_back_without_loss(team):
    click_each_class(team, "ann1", frames=("bsb_1",))
    status, events = team.run("tom", "train", team.folder("tom"), *TINY, "--steps", "1")
    assert status == 0, events[-1]
    uid = team.record("ann1").clicks()[0].uid
    team.run("ann1", "click", "retract", team.folder("ann1"), uid)
    team.record("ann1")  # the retraction is in
    offline = team.root / "offline"
    status, events = team.run("ann1", "offline", team.folder("ann1"), offline)
    assert status == 0, events[-1]
    copy = Workspace.open(offline).record
    assert copy.backend == "geopackage" and copy.path == (offline / "clicks.gpkg").resolve()
    team_content = record_content(team.record("ann1"))
    assert record_content(copy) == team_content  # every click, author, time, retraction, run, frame
    assert len(team_content["clicks"]) >= 5 and any(c["retracted"] for c in team_content["clicks"])
    assert [c.name for c in copy.frames()] == ["bsb_1", "bsb_1000", "bsb_101"] and all(
        f.exists for f in copy.frames()
    )
    # bringing the unchanged copy back adds nothing
    status, events = team.run("ann1", "merge", team.folder("ann1"), offline)
    assert status == 0 and events[-1]["added_clicks"] == 0 and events[-1]["conflicts"] == []
    # the field worker clicks offline: two new clicks, one retraction of their own click
    live = [c for c in copy.clicks() if c.annotator == "ann1"]
    copy.retract_click(live[0].uid, by="ann1", reason="wrong class")
    a = copy.add_click("bsb_1000", 3, row=100, col=100, annotator="ann1", note="offline; it's a 'roof'")
    b = copy.add_click("bsb_101", 4, row=60, col=60, annotator="ann1", note="offline")
    # meanwhile a colleague takes the budget of one of them in the team record
    status, events = team.run(
        "ann2", "click", "add", team.folder("ann2"), "--frame", "bsb_101", "--class", "4", "--row", "70",
        "--col", "70",
    )  # fmt: skip
    assert status == 0
    status, events = team.run("ann1", "merge", team.folder("ann1"), offline)
    result = events[-1]
    assert status == 0 and result["added_clicks"] == 1 and result["added_retractions"] == 1
    refusals = [c for c in result["conflicts"] if c["kind"] == "refused"]
    assert len(refusals) == 1 and "budget" in refusals[0]["message"] and refusals[0]["uids"] == [b.uid]
    brought = {c.uid: c for c in team.record("ann1").clicks(include_retracted=True)}
    assert brought[a.uid].note == a.note and (brought[a.uid].row, brought[a.uid].col) == (100, 100)
    assert brought[a.uid].annotator == "ann1" and brought[live[0].uid].retracted
    assert (
        brought[live[0].uid].retracted_by == "ann1" and brought[live[0].uid].retract_reason == "wrong class"
    )
    # again: nothing more
    status, events = team.run("ann1", "merge", team.folder("ann1"), offline)
    assert events[-1]["added_clicks"] == 0 and events[-1]["added_retractions"] == 0
    # a second copy equals the team record again
    status, events = team.run("ann1", "offline", team.folder("ann1"), team.root / "offline2")
    assert status == 0
    assert record_content(Workspace.open(team.root / "offline2").record) == record_content(
        team.record("ann1")
    )
    # a copy into a folder in use is refused and leaves it as it was
    assert "not an empty folder" in team.refused("ann1", "offline", team.folder("ann1"), offline)
    assert record_content(Workspace.open(offline).record)["clicks"]


def test_an_annotator_trains_and_designs_with_the_trainer_login_from_the_environment(team):
    """The pointer's trainer_connection without a login; the login in ISAGE_TRAINER_PGUSER/PGPASSWORD (as the
    QGIS plugin passes a saved connection's): runs and designs are recorded as the trainer, labels as the
    person."""
    click_each_class(team, "ann1", frames=("bsb_1",))
    pointer = team.folder("ann1") / "isage-postgis.json"
    content = json.loads(pointer.read_text())
    pointer.write_text(json.dumps({**content, "trainer_connection": team.where}))
    message = team.refused("ann1", "train", team.folder("ann1"), *TINY, "--steps", "1")
    assert "may not record training runs" in message  # no trainer login given: the person's is used
    team.monkeypatch.setenv("ISAGE_TRAINER_PGUSER", "tom")
    team.monkeypatch.setenv("ISAGE_TRAINER_PGPASSWORD", "wrong password")
    message = team.refused("ann1", "train", team.folder("ann1"), *TINY, "--steps", "1")
    assert "tom@" in message and "wrong password" not in message and team.password("tom") not in message
    team.monkeypatch.setenv("ISAGE_TRAINER_PGPASSWORD", team.password("tom"))
    status, events = team.run("ann1", "train", team.folder("ann1"), *TINY, "--steps", "1")
    assert status == 0, events[-1]
    assert team.run("ann1", "predict", team.folder("ann1"))[0] == 0
    status, events = team.run("ann1", "assess", "design", team.folder("ann1"), "--size", "6", "--seed", "1")
    assert status == 0, events[-1]
    designs = assessment_store(team.record("ada")).designs()
    assert [d.created_by for d in designs] == ["tom"] and len(team.record("ada").runs()) == 1
    team.monkeypatch.delenv("ISAGE_TRAINER_PGUSER")
    team.monkeypatch.delenv("ISAGE_TRAINER_PGPASSWORD")
    message = team.refused("ann2", "assess", "design", team.folder("ann2"), "--size", "6", "--seed", "2")
    assert "trainer_connection" in message and len(assessment_store(team.record("ada")).designs()) == 1


def test_the_accuracy_assessment_works_on_the_team_record(team):
    click_each_class(team, "ann1")
    assert team.run("tom", "train", team.folder("tom"), *TINY, "--steps", "1")[0] == 0
    assert team.run("tom", "predict", team.folder("tom"))[0] == 0
    status, events = team.run("tom", "assess", "design", team.folder("tom"), "--size", "12", "--seed", "3")
    assert status == 0, events[-1]
    design = events[-1]["design"]
    sheet = team.root / "sample.csv"
    status, events = team.run("ann1", "assess", "points", team.folder("ann1"), "--out", sheet)
    assert status == 0, events[-1]
    rows = list(csv.DictReader(sheet.open()))
    assert len(rows) == design["size"] > 0
    for row in rows:
        row["class"] = str(int(team.masks[row["frame"]][int(row["row"]), int(row["col"])]))
    with sheet.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    status, events = team.run("ann1", "assess", "label", team.folder("ann1"), sheet)
    assert status == 0 and events[-1]["added"] == len(rows), events[-1]
    labels = assessment_store(team.record("tom")).labels(design["design_id"])
    assert {lab.annotator for lab in labels} == {"ann1"} and len(labels) == len(rows)
    # labelling as someone else is refused by the database, and nothing is written
    assert "annotator" in team.refused("ann2", "assess", "label", team.folder("ann2"), sheet, "--replace",
                                       "--annotator", "ann1")  # fmt: skip
    status, events = team.run("tom", "assess", "report", team.folder("tom"))
    assert status == 0, events[-1]
    # no training click lands on the sample, whoever makes it
    point = assessment_store(team.record("ann2")).points(design["design_id"])[0]
    message = team.refused(
        "ann2", "click", "add", team.folder("ann2"), "--frame", point.frame, "--class", "0",
        "--row", point.row, "--col", point.col,
    )  # fmt: skip
    assert "assessment" in message


def test_live_training_follows_the_team_record_and_the_press_records_the_audit(team):
    from isage_core.live.trainer import LiveTrainer
    from tests.test_live import live_settings, wait_for
    from tests.test_train import TINY as TINY_MODEL

    click_each_class(team, "ann1", frames=("bsb_1",))
    ann1 = team.record("ann1")  # connected as ann1 before the trainer logs in as tom
    team.as_("tom")
    trainer = LiveTrainer(team.folder("tom"), TINY_MODEL, live_settings(), lambda e: None, poll_s=0.05,
                          status_every_s=0)  # fmt: skip
    trainer.start()
    try:
        wait_for(lambda: trainer.state == "training" and len(trainer.losses) >= 2, what="training")
        rows, cols = np.nonzero(team.masks["bsb_1000"] == 0)
        late = ann1.add_click("bsb_1000", 0, row=int(rows[0]), col=int(cols[0]))
        wait_for(lambda: late.uid in trainer.sampler.seen, what="the colleague's click drawn")
        ann1.retract_click(late.uid, reason="")
        wait_for(lambda: late.uid not in {c.uid for c in trainer.sampler.clicks}, what="the retraction")
        with trainer.paused():
            result = trainer.close()
    finally:
        trainer.stop()
    run = ann1.runs()[-1]
    alive = ann1.clicks()
    assert result.iteration == 0 and run.clicks_hash == hash_clicks(alive) and run.metrics["mode"] == "live"
    assert run.metrics["clicks_seen_retracted"] == [late.uid]
    assert set(run.metrics["clicks_seen"]) == {c.uid for c in alive} | {late.uid}
