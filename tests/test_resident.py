"""The resident engine (``isage serve``) as the plugin drives it: commands one after another in one
process, a live round closed by a Train request, cancels, and a kill that loses nothing."""

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

from tests.test_live import click_on
from tests.test_train import make_workspace

TINY_ARGS = [
    "--encoder", "tu-mobilenetv3_small_100", "--weights", "none", "--decoder-channels", "64,32,16,16,8",
    "--batch-size", "2", "--patch-size", "64", "--check-steps", "3", "--max-steps", "60", "--device", "cpu",
]  # fmt: skip


class Engine:
    """``isage serve`` in a subprocess, its events collected by a reader thread."""

    def __init__(self, *options: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "isage_core.cli", *options, "serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        self.events: queue.Queue = queue.Queue()
        self.seen: list[dict] = []
        self.stderr: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.process.stderr), daemon=True).start()

    def _pump(self):
        for line in self.process.stdout:
            self.events.put(json.loads(line))
        self.events.put(None)

    def send(self, request: dict) -> None:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()

    def wait(self, predicate, timeout: float = 120.0) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                event = self.events.get(timeout=0.5)
            except queue.Empty:
                continue
            if event is None:
                raise AssertionError(f"the engine stopped; stderr: {''.join(self.stderr)[-2000:]}")
            self.seen.append(event)
            if predicate(event):
                return event
        raise AssertionError(f"timed out; last events {self.seen[-5:]}")

    def run(self, request_id: str, args: list[str], timeout: float = 180.0) -> tuple[dict | None, int]:
        """Send a run; return its result (or error) event and its exit status."""
        self.send({"id": request_id, "run": args})
        outcome = None
        while True:
            event = self.wait(lambda e: e.get("id") == request_id, timeout)
            if event["event"] in ("result", "error"):
                outcome = event
            if event["event"] == "done":
                return outcome, event["status"]


def test_commands_run_in_one_process_and_a_live_round_closes_on_train(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=1)
    _, mask = bsb_train_frames["bsb_1"]
    engine = Engine()
    try:
        ready = engine.wait(lambda e: e["event"] == "ready")
        info, status = engine.run("1", ["info"])
        assert status == 0 and info["event"] == "result"
        bad, status = engine.run("2", ["train", str(tmp_path / "nowhere")])
        assert status == 2 and bad["event"] == "error" and "nowhere" in bad["message"]
        engine.send({"live": {"workspace": str(ws.folder), "args": TINY_ARGS}})
        engine.wait(lambda e: e["event"] == "live" and e["state"] == "training" and e["steps"] >= 3)
        late = click_on(ws, "bsb_1", mask, 2, seed=4)
        engine.wait(lambda e: e["event"] == "live" and e["clicks"] == 6)
        result, status = engine.run("3", ["train", str(ws.folder), *TINY_ARGS])
        assert status == 0 and result["event"] == "result" and result["stopped_by"] == "live"
        run = ws.record.runs()[-1]
        assert run.metrics["mode"] == "live" and late.uid in run.metrics["clicks_seen"]
        assert run.clicks_hash == ws.record.clicks_hash(0) and run.clicks_used == 6
        predict = ["predict", str(ws.folder), "--backend", "torch", "--device", "cpu"]
        predicted, status = engine.run("4", predict)
        assert status == 0 and "bsb_1_classes" in predicted["outputs"]
        assert {e.get("id") for e in engine.seen if e["event"] == "start"} == {"1", "2", "3", "4"}
        assert ready["pid"] == engine.process.pid  # every command ran in the one process
        engine.send({"status": True})
        engine.wait(lambda e: e["event"] == "live" and e.get("iteration") == 1)  # the next round is open
        engine.process.stdin.close()
        assert engine.process.wait(timeout=60) == 0
        assert len("".join(engine.stderr)) < 4000, engine.stderr[-5:]  # nothing floods the pipe
    finally:
        engine.process.kill()


def test_a_fresh_engine_answers_ready_at_once_then_imports_what_a_press_needs():
    engine = Engine("-v")
    try:
        engine.wait(lambda e: e["event"] == "ready")
        engine.send({"status": True})  # queued behind the warm-up, answered after it
        warmed = engine.wait(lambda e: e["event"] == "log" and "warm-up" in e["message"])
        assert warmed["message"].startswith("warm-up imports took"), warmed  # not "warm-up stopped"
        engine.wait(lambda e: e["event"] == "live" and e["state"] == "off")
        engine.process.stdin.close()
        assert engine.process.wait(timeout=60) == 0
    finally:
        engine.process.kill()


def test_a_cancelled_run_writes_nothing_and_a_killed_engine_loses_nothing(tmp_path, bsb_train_frames):
    ws = make_workspace(tmp_path / "ws", bsb_train_frames, names=["bsb_1"], per_class=1)
    before = sorted(c.uid for c in ws.record.clicks())
    engine = Engine()
    try:
        engine.wait(lambda e: e["event"] == "ready")
        engine.send({"id": "1", "run": ["train", str(ws.folder), *TINY_ARGS, "--steps", "5000"]})
        engine.wait(lambda e: e.get("id") == "1" and e["event"] == "progress" and "step" in e["message"])
        engine.send({"cancel": "1"})
        error = engine.wait(lambda e: e.get("id") == "1" and e["event"] == "error")
        done = engine.wait(lambda e: e.get("id") == "1" and e["event"] == "done")
        assert error["cancelled"] and done["status"] == 130
        assert not ws.record.runs() and not list(ws.models_dir.glob("*.safetensors"))
        engine.send({"live": {"workspace": str(ws.folder), "args": TINY_ARGS}})
        engine.wait(lambda e: e["event"] == "live" and e["state"] == "training" and e["steps"] >= 3)
        engine.process.send_signal(signal.SIGKILL)
        engine.process.wait(timeout=30)
    finally:
        engine.process.kill()
    assert sorted(c.uid for c in ws.record.clicks()) == before
    assert not ws.record.runs() and not list(ws.models_dir.iterdir())
