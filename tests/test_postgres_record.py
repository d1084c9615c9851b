"""The team record on PostgreSQL/PostGIS (issue 28): what a demanding administrator checks.

Every test runs against the session's throwaway cluster (``pg_team``: Unix socket only, a password per
person, set up by admin.sql) in a record of its own (``pg_schema``). The people: annotators ann1..ann8, the
reviewer rita, the trainer tom, the administrator ada, and the database administrator isage_dba.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from psycopg import errors as pg

from isage_core.errors import IsageError
from isage_core.record.postgres import (
    ClassDef,
    ClickRequest,
    Run,
    connect,
    create_record,
    describe_target,
    hash_clicks,
    open_record,
)

from .postgres_testutil import SUPERUSER, PostgresMissing, find_postgres

REPO = Path(__file__).resolve().parents[1]
CLASS_IDS = (0, 1, 2, 3)


def refused(conn, query, params=None) -> psycopg.Error:
    """The error ``query`` raises on ``conn`` (autocommit: nothing else is rolled back with it)."""
    with pytest.raises(psycopg.Error) as caught:
        conn.execute(query, params)
    return caught.value


def run_row(iteration: int, clicks=(), clicks_hash: str = "") -> Run:
    model = f"models/iter_{iteration:03d}.safetensors"
    started, finished = "2026-12-07T10:00:00+00:00", "2026-12-07T10:01:00+00:00"
    return Run(
        iteration, model, len(clicks), clicks_hash, {"final_loss": 0.1}, [], started, finished, 60.0, "cpu"
    )


def wait_for_lock(dba, pid: int, timeout_s: float = 10.0) -> None:
    """Until backend ``pid`` waits for a lock (a row of another transaction, or the iteration lock)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = dba.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
        if row and row[0] == "Lock":
            return
        time.sleep(0.01)
    raise AssertionError(f"backend {pid} never waited for a lock")


def independent_hash(rows) -> str:
    """The clicks hash computed from raw rows (uid, frame, row, col, class_id, iteration), as
    ``hash_clicks`` documents it: SHA-1 over the sorted lines ``uid|frame|row|col|class|iteration``."""
    lines = sorted("|".join(str(v) for v in r) for r in rows)
    return hashlib.sha1("\n".join(lines).encode(), usedforsecurity=False).hexdigest()


# ---- the basics ---------------------------------------------------------------------------------------
def test_a_record_holds_the_geopackage_tables_and_the_point_is_the_pixel_centre(pg_team, pg_schema):
    dba = pg_team.connect(SUPERUSER)
    tables = {
        r[0] for r in dba.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (pg_schema,))
    }
    assert {"clicks", "classes", "frames", "frame_sources", "runs", "isage_meta", "assessment_designs",
            "assessment_points", "assessment_labels"} <= tables  # fmt: skip
    geom_type = dba.execute(
        "SELECT type, srid FROM geometry_columns WHERE f_table_schema = %s AND f_table_name = 'clicks'",
        (pg_schema,),
    ).fetchone()
    assert geom_type == ("POINT", 31983)
    ann = pg_team.open("ann1", pg_schema)
    assert (ann.login, ann.group) == ("ann1", "isage_annotator")
    assert [c.name for c in ann.classes()] == ["background", "building", "road", "car"]
    assert [f.name for f in ann.frames()] == ["f0", "f1", "f2", "f3"]
    click = ann.add_click("f1", 2, 10, 20, note="on the road")
    assert (click.frame, click.row, click.col, click.class_id, click.iteration) == ("f1", 10, 20, 2, 0)
    assert (click.annotator, click.note, click.retracted) == ("ann1", "on the road", False)
    assert (click.x, click.y) == pytest.approx((300100 + 0.24 * 20.5, 8250000 - 0.24 * 10.5))
    assert click.created_utc.endswith("+00:00") and len(click.uid) == 32
    assert ann.clicks() == [click] and ann.click(click.uid) == click
    assert ann.clicks(frame="f0") == [] and ann.current_iteration() == 0


def test_refusals_are_one_line_errors_with_their_kind(pg_team, pg_schema):
    ann = pg_team.open("ann1", pg_schema)
    first = ann.add_click("f0", 1, 5, 5)
    cases = {
        "budget": dict(frame="f0", class_id=1, row=6, col=6),
        "duplicate": dict(frame="f0", class_id=1, row=5, col=5),
        "conflict": dict(frame="f0", class_id=2, row=5, col=5),
        "outside": dict(frame="f0", class_id=2, row=256, col=0),
        "unknown frame": dict(frame="nope", class_id=2, row=1, col=1),
        "unknown class": dict(frame="f0", class_id=9, row=1, col=1),
    }
    for kind, args in cases.items():
        with pytest.raises(IsageError) as caught:
            ann.add_click(**args)
        message = str(caught.value)
        assert f"PostGIS record '{pg_schema}' (ann1@isage_test): {kind}:" in message and "\n" not in message
    assert "retract that click first" in str(pytest.raises(IsageError, ann.add_click, "f0", 1, 7, 7).value)
    assert first.uid in str(pytest.raises(IsageError, ann.add_click, "f0", 3, 5, 5).value)
    assert [c.uid for c in ann.clicks()] == [first.uid]


def test_a_batch_is_all_or_nothing_and_reports_each_refusal(pg_team, pg_schema):
    ann = pg_team.open("ann2", pg_schema)
    requests = [
        ClickRequest("p1", "f0", 1, 1, 0),
        ClickRequest("p2", "f0", 2, 2, 1),
        ClickRequest("p3", "f0", 2, 2, 2),  # the same pixel as p2 in the same batch
        ClickRequest("p4", "f0", 3, 3, 0),  # over the budget of p1
        ClickRequest("p5", None, 0, 0, None, refusal="outside: no frame contains it"),
    ]
    report = ann.add_clicks(requests)
    assert report.accepted == 2 and not report.written
    assert [(s, r.split(":")[0]) for s, r in report.refused] == [
        ("p3", "conflict"),
        ("p4", "budget"),
        ("p5", "outside"),
    ]
    assert ann.clicks() == []
    kept = ann.add_clicks(requests, keep_valid=True)
    assert kept.accepted == 2 and kept.written
    assert sorted((c.frame, c.row, c.col, c.class_id) for c in ann.clicks()) == [
        ("f0", 1, 1, 0),
        ("f0", 2, 2, 1),
    ]


# ---- 8 annotators at once ------------------------------------------------------------------------------
ANNOTATOR = r"""
import json, os, sys, time
from collections import Counter
from isage_core.errors import IsageError
from isage_core.record.postgres import ClickRequest, connect, open_record

attempts, batch = json.loads(sys.stdin.readline()), int(sys.argv[2])
record = open_record(connect(os.environ["ISAGE_TEST_CONNINFO"]), sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()  # go
accepted, kinds, began = [], Counter(), time.time()
if batch:
    for i in range(0, len(attempts), batch):
        chunk = attempts[i : i + batch]
        report = record.add_clicks([ClickRequest(str(k), *a) for k, a in enumerate(chunk)], keep_valid=True)
        bad = {source for source, _ in report.refused}
        kinds.update(reason.split(":")[0] for _, reason in report.refused)
        accepted += [a for k, a in enumerate(chunk) if str(k) not in bad]
else:
    for frame, row, col, class_id in attempts:
        try:
            record.add_click(frame, class_id, row, col)
            accepted.append([frame, row, col, class_id])
        except IsageError as exc:
            kinds[str(exc).split("): ", 1)[1].split(":")[0]] += 1
print(json.dumps({"accepted": accepted, "refused": kinds, "began": began, "ended": time.time()}), flush=True)
"""


def run_annotators(pg_team, schema: str, plans: dict, batches: dict) -> tuple[list, Counter, float]:
    """One process per annotator (``plans``: login -> [(frame, row, col, class_id), ...], clicked in that
    order; ``batches``: login -> batch size, 0 for one click per transaction), each connected with its own
    login and password (given in its environment, not on its command line), started together. What they
    report: the accepted clicks (login, frame, row, col, class), the refusals by kind, the seconds."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    procs = {}
    try:
        for login, plan in plans.items():
            procs[login] = subprocess.Popen(
                [sys.executable, "-c", ANNOTATOR, schema, str(batches.get(login, 0))],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                env=dict(env, ISAGE_TEST_CONNINFO=pg_team.conninfo(login)),
            )  # fmt: skip
            procs[login].stdin.write(json.dumps(plan) + "\n")
            procs[login].stdin.flush()
        for proc in procs.values():
            assert proc.stdout.readline().strip() == "ready"
        for proc in procs.values():
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = {login: json.loads(proc.stdout.readline()) for login, proc in procs.items()}
        for proc in procs.values():
            assert proc.wait(timeout=60) == 0
    finally:
        for proc in procs.values():
            proc.kill()
    accepted = sorted((login, *a) for login, r in results.items() for a in r["accepted"])
    kinds = sum((Counter(r["refused"]) for r in results.values()), Counter())
    seconds = max(r["ended"] for r in results.values()) - min(r["began"] for r in results.values())
    return accepted, kinds, seconds


def stored_clicks(pg_team, schema: str) -> list:
    rita = pg_team.open("rita", schema)
    return sorted(
        (c.annotator, c.frame, c.row, c.col, c.class_id) for c in rita.clicks(include_retracted=True)
    )


def test_eight_annotators_racing_never_lose_duplicate_or_exceed_the_budget(pg_team, record_property):
    """8 annotators x 200 clicks, all on the same 50 frames and 4 classes (each tries every (frame, class)
    once, in its own order, at one of 9 pixels of the frame); two of them send batches of 10."""
    schema = pg_team.new_record(frames=50)
    logins = [f"ann{i}" for i in range(1, 9)]
    plans = {}
    for seed, login in enumerate(logins):
        rng = random.Random(seed)
        slots = [(f"f{i}", c) for i in range(50) for c in CLASS_IDS]
        rng.shuffle(slots)
        plans[login] = [(f, rng.randrange(3), rng.randrange(3), c) for f, c in slots]
    accepted, kinds, seconds = run_annotators(pg_team, schema, plans, {"ann7": 10, "ann8": 10})
    attempts = sum(map(len, plans.values()))
    assert attempts == 1600 and len(accepted) + sum(kinds.values()) == attempts
    assert set(kinds) <= {"budget", "duplicate", "conflict"}

    assert (
        stored_clicks(pg_team, schema) == accepted
    )  # 0 lost, 0 duplicated: each accepted click once, no other
    dba = pg_team.connect(SUPERUSER)
    dba.execute(f"SET search_path = {schema}")  # a name the fixture made
    assert dba.execute("SELECT count(*) FROM clicks WHERE retracted OR iteration <> 0").fetchone()[0] == 0
    over_budget = dba.execute(
        "SELECT count(*) FROM (SELECT 1 FROM clicks GROUP BY frame, class_id, iteration "
        "HAVING count(*) > 1) o"
    ).fetchone()[0]
    same_pixel = dba.execute(
        "SELECT count(*) FROM (SELECT 1 FROM clicks GROUP BY frame, row, col HAVING count(*) > 1) o"
    ).fetchone()[0]
    assert over_budget == 0 and same_pixel == 0
    assert len(accepted) > 180  # nearly every one of the 200 (frame, class) slots was won by someone
    assert {login for login, *_ in accepted} == set(logins)  # everyone won some
    figures = {
        "attempts": attempts,
        "accepted": len(accepted),
        "refused": dict(kinds),
        "seconds": round(seconds, 3),
    }
    record_property("race", dict(figures, attempts_per_s=round(attempts / seconds, 1)))


def test_eight_annotators_sustain_hundreds_of_clicks_per_second(pg_team, record_property):
    """8 annotators x 200 clicks within the budget (each on 50 frames of its own, 4 classes), one click
    per transaction as the plugin sends them: all 1600 stored, each once."""
    schema = pg_team.new_record(frames=400, size=64)
    plans = {
        f"ann{a}": [(f"f{50 * (a - 1) + i}", i % 64, c * 8, c) for i in range(50) for c in CLASS_IDS]
        for a in range(1, 9)
    }
    accepted, kinds, seconds = run_annotators(pg_team, schema, plans, {})
    assert not kinds and len(accepted) == 1600
    assert stored_clicks(pg_team, schema) == accepted
    record_property(
        "sustained", {"clicks": 1600, "seconds": round(seconds, 3), "clicks_per_s": round(1600 / seconds, 1)}
    )


# ---- failures mid-transaction -------------------------------------------------------------------------
def test_a_connection_dropped_mid_batch_keeps_what_was_committed_and_nothing_half_written(pg_team, pg_schema):
    dba = pg_team.connect(SUPERUSER)
    alice = pg_team.open("ann1", pg_schema)
    committed = alice.add_click("f0", 0, 1, 1)
    # another annotator's open transaction holds pixel (5, 5) of f1: alice's batch waits there, mid-way
    bob = psycopg.connect(pg_team.conninfo("ann2"))
    bob.execute(f"SET search_path = {pg_schema}, public")
    bob.execute("INSERT INTO clicks (frame, row, col, class_id) VALUES ('f1', 5, 5, 1)")
    batch = [
        ClickRequest("a", "f0", 2, 2, 1),
        ClickRequest("b", "f0", 3, 3, 2),
        ClickRequest("c", "f1", 5, 5, 1),
    ]
    caught = []
    worker = threading.Thread(
        target=lambda: caught.append(pytest.raises(IsageError, alice.add_clicks, batch).value)
    )
    worker.start()
    wait_for_lock(dba, alice.conn.info.backend_pid)
    assert dba.execute("SELECT pg_terminate_backend(%s)", (alice.conn.info.backend_pid,)).fetchone()[0]
    worker.join(timeout=20)
    assert len(caught) == 1 and "connection to the server was lost" in str(caught[0])
    assert "nothing of it counts as written" in str(caught[0]) and "\n" not in str(caught[0])
    bob.rollback()
    bob.close()

    check = pg_team.open("rita", pg_schema)
    assert [c.uid for c in check.clicks(include_retracted=True)] == [committed.uid]
    again = pg_team.open("ann1", pg_schema).add_clicks(batch)  # reconnected: the whole batch, once
    assert again.accepted == 3 and again.written and len(check.clicks()) == 4


def test_two_batches_that_deadlock_end_with_refusals_not_errors(pg_team, pg_schema):
    """Batch A holds pixel P and waits for pixel Q, which transaction B holds, and B then waits for P:
    the server ends the deadlock by failing A (B is a superuser session with a long deadlock_timeout, so
    the victim is always A), and A's batch is tried again whole, after B committed."""
    dba = pg_team.connect(SUPERUSER)
    log = pg_team.cluster.root / "server.log"
    before = log.read_text().count("ERROR:  deadlock detected")
    other = psycopg.connect(pg_team.cluster.superuser_conninfo())
    other.execute(f"SET search_path = {pg_schema}, public")
    other.execute("SET deadlock_timeout = '10s'")
    other.execute("INSERT INTO clicks (frame, row, col, class_id) VALUES ('f1', 9, 9, 2)")  # Q
    ann = pg_team.open("ann1", pg_schema)
    batch = [
        ClickRequest("P", "f0", 8, 8, 1),
        ClickRequest("Q", "f1", 9, 9, 2),
        ClickRequest("R", "f2", 7, 7, 3),
    ]
    reports = []
    worker = threading.Thread(target=lambda: reports.append(ann.add_clicks(batch, keep_valid=True)))
    worker.start()
    wait_for_lock(dba, ann.conn.info.backend_pid)  # A holds P, waits for Q
    # B waits for P: a deadlock
    other.execute("INSERT INTO clicks (frame, row, col, class_id) VALUES ('f0', 8, 8, 0)")
    other.commit()
    worker.join(timeout=20)
    other.close()
    (report,) = reports
    assert report.accepted == 1 and report.written
    kinds = [(source, reason.split(":")[0]) for source, reason in report.refused]
    assert kinds == [("P", "conflict"), ("Q", "duplicate")]
    by = sorted((c.annotator, c.frame) for c in ann.clicks())
    assert by == [("ann1", "f2"), ("isage_dba", "f0"), ("isage_dba", "f1")]
    assert log.read_text().count("ERROR:  deadlock detected") == before + 1  # there was one, and A lived on


TRAINER = r"""
import os, sys, time, psycopg
conn = psycopg.connect(os.environ["ISAGE_TEST_CONNINFO"])  # not autocommit: what follows is one transaction
conn.execute("SELECT set_config('search_path', %s, false)", (sys.argv[1] + ", public",))
conn.execute("INSERT INTO runs (iteration, model_path, clicks_used, clicks_hash) VALUES (0, 'm', 1, 'h')")
conn.execute("INSERT INTO frame_sources (frame, event, source, fingerprint) VALUES ('f0', 'added', '', 'x')")
print("recording", flush=True)
time.sleep(120)
"""


def test_a_training_process_killed_mid_transaction_leaves_the_record_as_it_was(pg_team, pg_schema):
    dba = pg_team.connect(SUPERUSER)
    ann = pg_team.open("ann1", pg_schema)
    ann.add_click("f0", 1, 1, 1)
    trainer = subprocess.Popen(
        [sys.executable, "-c", TRAINER, pg_schema],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, ISAGE_TEST_CONNINFO=pg_team.conninfo("tom")),
    )
    try:
        assert trainer.stdout.readline().strip() == "recording"
        # the run being recorded holds the iteration: a click now waits for it ...
        waiting = []
        clicker = threading.Thread(target=lambda: waiting.append(ann.add_click("f1", 1, 1, 1)))
        clicker.start()
        wait_for_lock(dba, ann.conn.info.backend_pid)
        trainer.send_signal(signal.SIGKILL)
        trainer.wait(timeout=20)
        clicker.join(timeout=20)
    finally:
        trainer.kill()
    # ... and, the run never committed, lands in the iteration it was: nothing of the run remains
    assert waiting and waiting[0].iteration == 0
    tom = pg_team.open("tom", pg_schema)
    assert tom.runs() == [] and tom.frame_sources() == [] and tom.current_iteration() == 0
    assert len(tom.clicks()) == 2
    others = "SELECT count(*) FROM pg_stat_activity WHERE usename = 'tom' AND pid <> %s"
    assert dba.execute(others, (tom.conn.info.backend_pid,)).fetchone()[0] == 0  # its backend is gone


# ---- iterations, runs and the training snapshot ---------------------------------------------------------
def test_a_click_made_while_a_run_is_recorded_lands_in_the_next_iteration(pg_team, pg_schema):
    dba = pg_team.connect(SUPERUSER)
    ann = pg_team.open("ann1", pg_schema)
    tom = pg_team.open("tom", pg_schema)
    ann.add_click("f0", 1, 1, 1)
    snapshot = tom.training_snapshot(0)
    between = ann.add_click("f3", 1, 1, 1)  # after the snapshot, before the run: iteration 0, not trained on
    assert between.iteration == 0 and between.uid not in {c.uid for c in snapshot.clicks}
    # the run is being recorded (its transaction open): a click made now waits, then reads the run
    recording = psycopg.connect(pg_team.conninfo("tom"))
    recording.execute(f"SET search_path = {pg_schema}, public")
    recording.execute(
        "INSERT INTO runs (iteration, clicks_used, clicks_hash) VALUES (0, 1, %s)", (snapshot.clicks_hash,)
    )
    made = []
    clicker = threading.Thread(target=lambda: made.append(ann.add_click("f0", 1, 2, 2)))
    clicker.start()
    wait_for_lock(dba, ann.conn.info.backend_pid)
    recording.commit()
    clicker.join(timeout=20)
    assert made[0].iteration == 1  # the budget of class 1 on f0 is fresh in iteration 1
    recording.close()

    # the other way round: a click being added (open) when the run is recorded keeps its iteration
    open_click = psycopg.connect(pg_team.conninfo("ann2"))
    open_click.execute(f"SET search_path = {pg_schema}, public")
    open_click.execute("INSERT INTO clicks (frame, row, col, class_id) VALUES ('f2', 3, 3, 0)")
    recorded = threading.Thread(target=tom.add_run, args=(run_row(1),))
    recorded.start()
    wait_for_lock(dba, tom.conn.info.backend_pid)
    open_click.commit()
    recorded.join(timeout=20)
    open_click.close()
    by_pixel = {(c.frame, c.row): c.iteration for c in ann.clicks()}
    assert by_pixel == {("f0", 1): 0, ("f3", 1): 0, ("f0", 2): 1, ("f2", 3): 1}
    assert tom.current_iteration() == 2 and [r.iteration for r in tom.runs()] == [0, 1]
    assert tom.runs()[0].clicks_hash == snapshot.clicks_hash != tom.training_snapshot(0).clicks_hash


def test_a_run_waits_at_most_its_lock_timeout_for_an_open_click(pg_team, pg_schema):
    open_click = psycopg.connect(pg_team.conninfo("ann3"))
    open_click.execute(f"SET search_path = {pg_schema}, public")
    open_click.execute("INSERT INTO clicks (frame, row, col, class_id) VALUES ('f2', 3, 3, 0)")
    tom = pg_team.open("tom", pg_schema)
    with pytest.raises(IsageError, match="held the record for 0.3 s .* nothing was written"):
        tom.add_run(run_row(0), lock_timeout_s=0.3)
    open_click.rollback()
    open_click.close()
    tom.add_run(run_row(0))
    assert tom.current_iteration() == 1


def test_the_trainer_reads_a_consistent_snapshot_while_annotators_click(pg_team):
    schema = pg_team.new_record(frames=60)
    tom = pg_team.open("tom", schema)
    annotators = {f"ann{i}": pg_team.open(f"ann{i}", schema) for i in range(1, 5)}
    go, run_recorded = threading.Event(), threading.Event()

    def clicking(login, class_id):
        record = annotators[login]
        go.wait()
        for i in range(60):  # each annotator its own class: every click is within the budget
            record.add_click(f"f{i}", class_id, i % 256, class_id)

    threads = [threading.Thread(target=clicking, args=(login, k)) for k, login in enumerate(annotators)]
    for t in threads:
        t.start()
    go.set()
    snapshots = []
    while any(t.is_alive() for t in threads):
        snapshots.append(tom.training_snapshot(0))
        if len(snapshots) == 10 and not run_recorded.is_set():
            tom.add_run(run_row(0, snapshots[-1].clicks, snapshots[-1].clicks_hash))
            run_recorded.set()
        time.sleep(0.005)
    for t in threads:
        t.join()
    assert run_recorded.is_set(), "the annotators finished before the run was recorded: make them click more"

    everything = tom.clicks()
    assert len(everything) == 240
    order = {login: [c.uid for c in everything if c.annotator == login] for login in annotators}
    for snap in snapshots:
        uids = {c.uid for c in snap.clicks}
        # consistent: each annotator's clicks in it are a prefix of what they made, in order
        for made in order.values():
            seen = [uid in uids for uid in made]
            assert seen == sorted(seen, reverse=True)
        assert {c.iteration for c in snap.clicks} <= {0}
        raw = [(c.uid, c.frame, c.row, c.col, c.class_id, c.iteration) for c in snap.clicks]
        assert snap.clicks_hash == hash_clicks(snap.clicks) == independent_hash(raw)
    run = tom.runs()[0]
    trained = {c.uid for c in snapshots[9].clicks}
    assert run.clicks_hash == hash_clicks([c for c in everything if c.uid in trained])
    # each annotator's clicks are of iteration 0, then 1 once the run is recorded: never back
    for login in order:
        iterations = [c.iteration for c in everything if c.annotator == login]
        assert iterations == sorted(iterations) and set(iterations) <= {0, 1}
    assert {c.iteration for c in everything} == {0, 1}
    # later snapshots of iteration 0 also hold the clicks made after the run's snapshot but before the run
    assert tom.training_snapshot(0).clicks_hash == hash_clicks([c for c in everything if c.iteration == 0])
    assert tom.current_iteration() == 1


def test_clicks_are_added_in_read_committed_transactions_only(pg_team, pg_schema):
    conn = psycopg.connect(pg_team.conninfo("ann1"))
    conn.execute(f"SET search_path = {pg_schema}, public")
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    error = refused(conn, "INSERT INTO clicks (frame, row, col, class_id) VALUES ('f0', 1, 1, 1)")
    assert "isolation: iSAGE clicks are added in READ COMMITTED transactions, not REPEATABLE READ" in str(
        error
    )
    conn.close()


# ---- what nobody may do ---------------------------------------------------------------------------------
def test_nobody_deletes_not_even_the_owner(pg_team, pg_schema):
    ann = pg_team.open("ann1", pg_schema)
    ann.add_click("f0", 1, 1, 1)
    pg_team.open("tom", pg_schema).add_run(run_row(0))
    pg_team.open("ada", pg_schema).add_frame_source("f0", "unchanged", {"kind": "file"}, "fp")
    for login in ("ann1", "rita", "tom", "ada"):
        conn = pg_team.open(login, pg_schema).conn
        for table in ("clicks", "frames", "frame_sources", "runs", "classes", "isage_meta"):
            assert isinstance(refused(conn, f"DELETE FROM {table}"), pg.InsufficientPrivilege)
            assert isinstance(refused(conn, f"TRUNCATE {table}"), pg.InsufficientPrivilege)
    owner = pg_team.open(SUPERUSER, pg_schema).conn  # the superuser, as the owner role
    owner.execute("SET ROLE isage_owner")
    for table in ("clicks", "frames", "frame_sources", "runs", "classes", "assessment_labels"):
        for statement in (f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
            error = refused(owner, statement)
            assert isinstance(error, pg.RaiseException) and "are never deleted" in str(error)
    owner.execute("RESET ROLE")
    assert "are never deleted" in str(refused(owner, "DELETE FROM clicks"))  # the superuser itself
    assert len(ann.clicks()) == 1 and len(ann.runs()) == 1 and len(ann.frames()) == 4


def test_what_a_click_says_never_changes(pg_team, pg_schema):
    ann = pg_team.open("ann1", pg_schema)
    mine = ann.add_click("f0", 1, 1, 1)
    other = pg_team.open("ann2", pg_schema).add_click("f0", 2, 2, 2)
    for column, value in [("class_id", 2), ("row", 9), ("col", 9), ("frame", "f1"), ("iteration", 5),
                          ("annotator", "ann2"), ("created_utc", "2020-01-01"), ("uid", "0" * 32),
                          ("retracted_by", "ann2"), ("retracted_utc", "2020-01-01")]:  # fmt: skip
        error = refused(ann.conn, f"UPDATE clicks SET {column} = %s WHERE uid = %s", (value, mine.uid))
        assert isinstance(error, pg.InsufficientPrivilege), column
    assert isinstance(refused(ann.conn, "UPDATE clicks SET geom = NULL"), pg.InsufficientPrivilege)
    owner = pg_team.open(SUPERUSER, pg_schema).conn
    owner.execute("SET ROLE isage_owner")
    changes = (
        "class_id = 2",
        "row = 9",
        "iteration = 5",
        "annotator = 'ann2'",
        "created_utc = now() - interval '1 day'",
        "geom = ST_SetSRID(ST_MakePoint(0, 0), 31983)",
    )
    for assignment in changes:
        error = refused(owner, f"UPDATE clicks SET {assignment} WHERE uid = %s", (mine.uid,))
        assert "changed: iSAGE clicks cannot be changed, only retracted" in str(error)
    # the note: only its annotator edits it
    ann.conn.execute("UPDATE clicks SET note = 'seen from the ground' WHERE uid = %s", (mine.uid,))
    assert ann.click(mine.uid).note == "seen from the ground"
    error = refused(ann.conn, "UPDATE clicks SET note = 'x' WHERE uid = %s", (other.uid,))
    assert "note: only 'ann2' edits the note" in str(error)
    # a retraction is written once, never undone or rewritten, and its who and when are the database's
    retracted = ann.retract_click(mine.uid)
    assert (retracted.retracted, retracted.retracted_by, retracted.retract_reason) == (True, "ann1", None)
    assert "retracted: click" in str(
        refused(ann.conn, "UPDATE clicks SET retracted = false WHERE uid = %s", (mine.uid,))
    )
    error = refused(ann.conn, "UPDATE clicks SET retract_reason = 'later' WHERE uid = %s", (mine.uid,))
    assert "written once and never undone" in str(error)
    error = refused(owner, "UPDATE clicks SET retracted_by = 'ann2' WHERE uid = %s", (mine.uid,))
    assert "written once" in str(error)
    with pytest.raises(IsageError, match="already retracted"):
        ann.retract_click(mine.uid)
    assert ann.click(mine.uid) == retracted


def test_an_annotator_retracts_only_their_own_clicks(pg_team, pg_schema):
    ann1 = pg_team.open("ann1", pg_schema)
    theirs = pg_team.open("ann2", pg_schema).add_click("f0", 1, 1, 1)
    with pytest.raises(IsageError, match="is ann2's; only a reviewer retracts another person's click"):
        ann1.retract_click(theirs.uid, reason="I think it is wrong")
    error = refused(
        ann1.conn, "UPDATE clicks SET retracted = true, retract_reason = 'x' WHERE uid = %s", (theirs.uid,)
    )
    assert isinstance(error, pg.InsufficientPrivilege) and "row-level security" in str(error)
    assert not ann1.click(theirs.uid).retracted


def test_a_reviewer_retracts_anyones_click_with_a_reason(pg_team, pg_schema):
    ann = pg_team.open("ann1", pg_schema)
    rita = pg_team.open("rita", pg_schema)
    click = ann.add_click("f0", 1, 1, 1)
    for reason in ("", "   "):
        with pytest.raises(IsageError, match="reason: retracting 'ann1''s click .* needs a reason; say why"):
            rita.retract_click(click.uid, reason=reason)
    before = rita.conn.execute("SELECT now()").fetchone()[0]
    done = rita.retract_click(click.uid, reason="a shadow, not a building")
    assert (done.retracted, done.retracted_by, done.retract_reason) == (
        True,
        "rita",
        "a shadow, not a building",
    )
    assert done.retracted_utc >= before.isoformat(timespec="seconds")[:19]
    with pytest.raises(IsageError, match="reviewer"):  # a reviewer clicks nothing
        rita.add_click("f1", 1, 1, 1)
    assert ann.add_click("f0", 1, 2, 2).iteration == 0  # the retraction freed the budget


def test_no_one_can_act_as_someone_else(pg_team, pg_schema):
    ann = pg_team.open("ann1", pg_schema)
    attempts = (
        "SET ROLE ann2",
        "SET ROLE rita",
        "SET ROLE isage_reviewer",
        "SET ROLE isage_admin",
        "SET ROLE isage_owner",
        "SET SESSION AUTHORIZATION ann2",
        "SET SESSION AUTHORIZATION isage_dba",
        "GRANT isage_reviewer TO ann1",
        "ALTER ROLE ann1 BYPASSRLS",
        "ALTER ROLE ann2 PASSWORD 'x'",
        "CREATE ROLE mallory LOGIN",
    )
    for statement in attempts:
        assert isinstance(refused(ann.conn, statement), pg.InsufficientPrivilege), statement
    # sending another name is refused, through the engine and through SQL
    with pytest.raises(
        IsageError, match="annotator: clicks are recorded as the connected user 'ann1', not 'ann2'"
    ):
        ann.add_click("f0", 1, 1, 1, annotator="ann2")
    error = refused(
        ann.conn, "INSERT INTO clicks (frame, row, col, class_id, annotator) VALUES ('f0', 1, 1, 1, 'rita')"
    )
    assert "annotator: clicks are recorded as the connected user 'ann1'" in str(error)
    report = ann.add_clicks([ClickRequest("p", "f0", 1, 1, 1, annotator="ann3")])
    assert report.refused[0][1].startswith("annotator:")
    # its own group role changes nothing: the database records the login (session_user)
    ann.conn.execute("SET ROLE isage_annotator")
    assert ann.add_click("f0", 1, 1, 1, annotator="ann1").annotator == "ann1"
    ann.conn.execute("RESET ROLE")
    # nor can anyone choose their iteration, their time, or a retraction
    for column, value in (
        ("iteration", 7),
        ("created_utc", "2020-01-01"),
        ("retracted", True),
        ("retracted_by", "x"),
    ):
        error = refused(
            ann.conn,
            f"INSERT INTO clicks (frame, row, col, class_id, {column}) VALUES ('f1', 1, 1, 1, %s)",
            (value,),
        )
        assert isinstance(error, pg.InsufficientPrivilege), column
    # a temporary table named like the record's cannot stand in for it inside the rules
    ann.conn.execute("CREATE TEMP TABLE runs (iteration integer)")
    ann.conn.execute("INSERT INTO pg_temp.runs VALUES (41)")
    ann.conn.execute(f"SET search_path = pg_temp, {pg_schema}, public")
    ann.conn.execute("INSERT INTO clicks (frame, row, col, class_id) VALUES ('f2', 1, 1, 1)")
    assert ann.conn.execute("SELECT iteration FROM clicks WHERE frame = 'f2'").fetchone()[0] == 0
    # logging in needs one's own password
    with pytest.raises(IsageError) as caught:
        connect(pg_team.cluster.conninfo("ann2", pg_team.passwords["ann1"]))
    message = str(caught.value)
    assert "cannot connect" in message and "password authentication failed" in message
    assert pg_team.passwords["ann1"] not in message and "\n" not in message
    assert f"ann2@{pg_team.cluster.socket_dir}:5432/isage_test" in message
    with pytest.raises(IsageError, match="cannot connect"):
        connect(pg_team.cluster.conninfo("ann2", "").replace("password= ", ""))


def test_each_role_writes_only_what_its_work_needs(pg_team, pg_schema):
    from isage_core.geo import FrameInfo

    records = {login: pg_team.open(login, pg_schema) for login in ("ann1", "rita", "tom", "ada")}
    info = FrameInfo(64, 64, 3, "uint8", records["ada"].crs_wkt, (1, 0, 0, 0, -1, 0), None, "fp-new")
    allowed = {
        "add_click": ({"ann1"}, lambda r: r.add_click("f0", 1, 1, 1)),
        "add_run": ({"tom"}, lambda r: r.add_run(run_row(0))),
        "add_frame": ({"ada"}, lambda r: r.add_frame("new", "/shared/new.tif", info)),
        "set_class": ({"ada"}, lambda r: r.set_class(ClassDef(4, "water", "#00ffff"))),
        "add_frame_source": ({"tom", "ada"}, lambda r: r.add_frame_source("f0", "unchanged", {}, "fp")),
        "relink_frame": ({"ada"}, lambda r: r.relink_frame("f1", "/elsewhere/f1.tif")),
    }
    for who, call in allowed.values():
        for login, record in records.items():
            if login in who:
                call(record)
            else:
                with pytest.raises(IsageError, match=f"{login} \\(isage_\\w+\\) may not do this"):
                    call(record)
    ada = records["ada"]
    assert ada.frame("f1").stored_path == "/elsewhere/f1.tif"
    error = refused(ada.conn, "UPDATE frames SET width = 10 WHERE name = 'f1'")
    assert isinstance(error, pg.InsufficientPrivilege)
    assert isinstance(refused(ada.conn, "CREATE TABLE x (i integer)"), pg.InsufficientPrivilege)
    assert [c.name for c in ada.classes()][-1] == "water"


def test_names_and_notes_with_sql_in_them_are_stored_as_data(pg_team, pg_schema):
    from isage_core.geo import FrameInfo

    ada = pg_team.open("ada", pg_schema)
    nasty_class = "x'); DROP TABLE clicks; --"
    nasty_frame = "f'; DROP SCHEMA public CASCADE; --\"; SELECT 1"
    nasty_note = "'; UPDATE clicks SET class_id = 0; -- \\ $$ %s %(x)s"
    ada.set_class(ClassDef(5, nasty_class, "#123456"))
    info = FrameInfo(32, 32, 1, "uint8", ada.crs_wkt, (1, 0, 0, 0, -1, 0), None, "fp-nasty")
    ada.add_frame(nasty_frame, "/x';--.tif", info, source={"url": "https://a/?q=';DROP"})
    ann = pg_team.open("ann1", pg_schema)
    click = ann.add_click(nasty_frame, 5, 1, 1, note=nasty_note)
    assert (click.frame, click.note) == (nasty_frame, nasty_note)
    assert ann.classes()[-1].name == nasty_class and ann.frames()[-1].stored_path == "/x';--.tif"
    assert ann.frame_sources(nasty_frame)[0].source == {"url": "https://a/?q=';DROP"}
    with pytest.raises(IsageError, match="duplicate"):
        ann.add_click(nasty_frame, 5, 1, 1)
    assert len(ann.clicks()) == 1 and len(ann.frames()) == 5
    # a schema name with quotes and SQL is a name too
    weird = 'team "b"; DROP SCHEMA ' + pg_schema + " CASCADE; --"
    other = create_record(pg_team.connect(SUPERUSER), weird, [ClassDef(0, "bg", "#000000")], "EPSG:31983")
    assert other.classes() == [ClassDef(0, "bg", "#000000")] and len(ann.clicks()) == 1


def test_each_write_of_clicks_runs_classes_or_frames_tells_qgis_once_at_commit(pg_team, pg_schema):
    """QGIS refreshes the team's clicks layer on a NOTIFY of channel 'qgis' with the payload
    'isage:<schema>' (the plugin's layer waits for exactly that); refusals and reads send nothing."""
    listener = pg_team.connect("ann2")
    listener.execute("LISTEN qgis")

    def heard(wait_s: float = 1.0) -> list[str]:
        return [n.payload for n in listener.notifies(timeout=wait_s, stop_after=10)]

    ann, tom = pg_team.open("ann1", pg_schema), pg_team.open("tom", pg_schema)
    click = ann.add_click("f0", 1, 10, 10)
    assert heard() == [f"isage:{pg_schema}"]
    with pytest.raises(IsageError, match="budget"):
        ann.add_click("f0", 1, 20, 20)
    ann.clicks()
    assert heard(0.3) == []
    report = ann.add_clicks([ClickRequest(f"p{i}", "f1", i, i, i, "", "") for i in range(3)])
    assert report.accepted == 3 and heard() == [f"isage:{pg_schema}"]  # one batch, one notification
    ann.retract_click(click.uid)
    assert heard() == [f"isage:{pg_schema}"]
    tom.add_run(run_row(0))
    assert heard() == [f"isage:{pg_schema}"]
    pg_team.open("ada", pg_schema).set_class(ClassDef(4, "water", "#00ffff"))
    assert heard() == [f"isage:{pg_schema}"]


def test_several_records_live_in_one_database_each_with_its_budget(pg_team, pg_schema):
    second = pg_team.new_record()
    first_ann, second_ann = pg_team.open("ann1", pg_schema), pg_team.open("ann1", second)
    first_ann.add_click("f0", 1, 1, 1)
    second_ann.add_click("f0", 1, 1, 1)  # another record: its own budget and pixels
    pg_team.open("tom", second).add_run(run_row(0))
    assert (first_ann.current_iteration(), second_ann.current_iteration()) == (0, 1)
    with pytest.raises(IsageError, match="already holds a record"):
        create_record(pg_team.connect(SUPERUSER), pg_schema, [], "EPSG:31983")
    with pytest.raises(IsageError, match="no record here that this login may read"):
        open_record(pg_team.connect("ann1"), "no_such_schema")


def test_a_training_click_never_lands_on_the_assessment_sample(pg_team, pg_schema):
    tom = pg_team.open("tom", pg_schema)
    tom.conn.execute(
        "INSERT INTO assessment_designs (design_id, iteration, seed, settings, strata, population) "
        "VALUES ('d1', 0, 1, '{}', '[]', '{}')"
    )
    tom.conn.execute(
        "INSERT INTO assessment_points (design_id, point_id, frame, row, col, stratum) "
        "VALUES ('d1', 0, 'f0', 4, 4, 1)"
    )
    ann = pg_team.open("ann1", pg_schema)
    with pytest.raises(IsageError, match="assessment sample: pixel \\(4, 4\\) of frame 'f0'"):
        ann.add_click("f0", 1, 4, 4)
    ann.conn.execute("INSERT INTO assessment_labels (design_id, point_id, class_id) VALUES ('d1', 0, 1)")
    assert ann.conn.execute("SELECT annotator FROM assessment_labels").fetchone()[0] == "ann1"
    assert "annotator: labels" in str(refused(ann.conn, "INSERT INTO assessment_labels (design_id, point_id, "
                                             "class_id, annotator) VALUES ('d1', 0, 2, 'ann2')"))  # fmt: skip
    assert isinstance(refused(tom.conn, "UPDATE assessment_points SET row = 5"), pg.InsufficientPrivilege)
    owner = pg_team.open(SUPERUSER, pg_schema).conn
    assert "never changed" in str(refused(owner, "UPDATE assessment_points SET row = 5"))
    assert "never deleted" in str(refused(owner, "DELETE FROM assessment_designs"))


# ---- connecting and the harness ----------------------------------------------------------------------
def test_connection_errors_name_the_target_never_the_password(tmp_path, monkeypatch):
    secret = "s3cr3t-not-to-be-seen"
    dsn = f"host={tmp_path} port=5999 dbname=team user=alice password={secret} connect_timeout=2"
    with pytest.raises(IsageError) as caught:
        connect(dsn)
    message = str(caught.value)
    assert message.startswith(f"PostgreSQL alice@{tmp_path}:5999/team: cannot connect (")
    assert secret not in message and "\n" not in message
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "pg_service.conf"))
    (tmp_path / "pg_service.conf").write_text(
        f"[team]\nhost={tmp_path}\nport=5999\ndbname=team\npassword={secret}\n"
    )
    with pytest.raises(IsageError, match="PostgreSQL service 'team': cannot connect") as caught:
        connect("team")  # a bare name is a service
    assert secret not in str(caught.value)
    with pytest.raises(IsageError, match="connection string is not understood"):
        connect(f"host=a password={secret} nonsense")
    assert describe_target({"service": "team"}) == "service 'team'"


def test_without_postgresql_the_harness_says_to_run_make_install(tmp_path):
    with pytest.raises(PostgresMissing, match="run `make install`"):
        find_postgres(str(tmp_path / "lib"), str(tmp_path / "share"))
    assert find_postgres().name == "bin"


def test_the_harness_cluster_listens_on_a_private_socket_only(pg_team):
    dba = pg_team.connect(SUPERUSER)
    settings = dict(dba.execute(
        "SELECT name, setting FROM pg_settings WHERE name IN ('listen_addresses', 'unix_socket_directories', "
        "'password_encryption')"
    ).fetchall())  # fmt: skip
    assert settings == {
        "listen_addresses": "",
        "unix_socket_directories": str(pg_team.cluster.socket_dir),
        "password_encryption": "scram-sha-256",
    }
    rules = dba.execute("SELECT type, auth_method FROM pg_hba_file_rules").fetchall()
    assert rules == [("local", "scram-sha-256")]
    assert dba.execute(
        "SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'ann1'"
    ).fetchone()[0]
