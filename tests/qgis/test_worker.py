"""The engine runners on the real engine: events, success, cancel, a missing or broken Python."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest
from qgis.core import QgsProcessingException, QgsProcessingFeedback
from qgis.PyQt.QtCore import QEventLoop, QTimer

from isage_qgis.engine.worker import EngineRun, engine_command, parse_event, run_engine, run_engine_blocking


class Recorder:
    """Collects an EngineRun's signals and waits for its end with a Qt event loop."""

    def __init__(self, run: EngineRun):
        self.run = run
        self.progress: list[tuple[float, str]] = []
        self.logs: list[tuple[str, str]] = []
        self.result: dict | None = None
        self.failure: tuple[str, bool] | None = None
        self.finished = 0
        run.progress.connect(lambda f, m: self.progress.append((f, m)))
        run.logged.connect(lambda level, m: self.logs.append((level, m)))
        run.succeeded.connect(lambda r: setattr(self, "result", r))
        run.failed.connect(lambda m, c: setattr(self, "failure", (m, c)))
        run.finished.connect(self._finished)
        self._loop = QEventLoop()

    def _finished(self) -> None:
        self.finished += 1
        self._loop.quit()

    def wait(self, timeout: float = 120.0) -> None:
        if not self.finished:
            QTimer.singleShot(int(timeout * 1000), self._loop.quit)
            self._loop.exec()
        assert self.finished == 1, f"the engine run did not finish within {timeout} s"

    def wait_until(self, condition, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        loop = QEventLoop()
        while not condition() and not self.finished and time.monotonic() < deadline:
            QTimer.singleShot(50, loop.quit)
            loop.exec()
        assert condition(), "the condition was not reached"


def test_engine_command_and_parse_event():
    assert engine_command("/py", ["train", "ws", 3]) == [
        "/py",
        "-m",
        "isage_core.cli",
        "--json",
        "train",
        "ws",
        "3",
    ]
    assert parse_event('{"event": "progress", "fraction": 0.5, "message": "x"}\n')["fraction"] == 0.5
    assert parse_event("Warning: some library noise") is None
    assert parse_event("   ") is None
    assert parse_event("[1, 2]") is None
    assert parse_event('{"no_event": 1}') is None


def test_engine_run_emits_progress_and_result(engine_workspace, engine_python, tmp_path):
    out = tmp_path / "polygons.gpkg"
    run = EngineRun(engine_python, ["vectorize", str(engine_workspace.classes_raster), str(out)])
    recorder = Recorder(run)
    run.start()
    assert run.is_running()
    recorder.wait()
    assert recorder.failure is None, recorder.failure
    assert recorder.progress and all(0.0 <= f <= 1.0 for f, _ in recorder.progress)
    assert recorder.progress[-1][0] == pytest.approx(1.0)
    assert recorder.result["event"] == "result"
    assert Path(recorder.result["outputs"]["polygons"]) == out.resolve()
    assert out.is_file()
    assert not run.is_running()


def test_engine_run_cancel_stops_training_cleanly(engine_workspace, engine_python, tiny_model):
    ws = engine_workspace.copy("ws_cancel")
    before = sorted(p.name for p in (ws / "models").iterdir())
    run = EngineRun(engine_python, ["train", str(ws), *tiny_model, "--steps", "500"], grace_seconds=60)
    recorder = Recorder(run)
    run.start()
    recorder.wait_until(lambda: any("training iteration" in m for _, m in recorder.logs), timeout=180)
    run.cancel()
    recorder.wait(timeout=90)
    assert recorder.result is None
    message, cancelled = recorder.failure
    assert cancelled is True, message
    assert "cancel" in message.lower() or "stopped" in message.lower()
    assert run._process.exitCode() == 130  # the engine stopped itself on SIGTERM, it was not killed
    assert sorted(p.name for p in (ws / "models").iterdir()) == before  # no new model, no temp file


def test_engine_run_missing_python_fails_clearly():
    run = EngineRun("/nonexistent/python3", ["info"])
    recorder = Recorder(run)
    run.start()
    recorder.wait(timeout=10)
    message, cancelled = recorder.failure
    assert not cancelled
    assert "/nonexistent/python3" in message and "iSAGE settings" in message
    assert "create the engine environment" in message


def test_engine_run_python_without_engine_reports_unexpected_stop(tmp_path, caplog):
    # A Python that runs but cannot import the engine dies without an error event.
    fake = tmp_path / "fake_python"
    fake.write_text("#!/bin/sh\necho 'not json'\necho 'Traceback: boom' >&2\nexit 3\n")
    fake.chmod(0o755)
    run = EngineRun(str(fake), ["info"])
    recorder = Recorder(run)
    with caplog.at_level("WARNING", logger="isage_qgis"):
        run.start()
        recorder.wait(timeout=30)
    message, cancelled = recorder.failure
    assert not cancelled
    assert "stopped unexpectedly" in message and "exit status 3" in message and "log" in message
    assert "Traceback: boom" in caplog.text  # the stderr tail went to the log


def test_engine_run_user_error_passes_the_engine_message(engine_python, tmp_path):
    run = EngineRun(engine_python, ["train", str(tmp_path / "nowhere")])
    recorder = Recorder(run)
    run.start()
    recorder.wait(timeout=60)
    message, cancelled = recorder.failure
    assert not cancelled and "no iSAGE workspace here" in message


def test_run_engine_blocking_reports_progress_to_feedback(engine_workspace, engine_python, tmp_path):
    seen: list[float] = []
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(seen.append)
    out = tmp_path / "p.gpkg"
    result = run_engine_blocking(engine_python, ["vectorize", str(engine_workspace.classes_raster), str(out)],
                                 feedback)  # fmt: skip
    assert result["outputs"]["polygons"] == str(out.resolve())
    assert seen and max(seen) == pytest.approx(100.0)


def test_run_engine_blocking_cancel_and_missing_python(engine_workspace, engine_python, tiny_model):
    ws = engine_workspace.copy("ws_cancel_blocking")
    started = threading.Event()

    class Feedback(QgsProcessingFeedback):
        def pushInfo(self, info):  # noqa: N802 (the engine's first log line: training has begun)
            started.set()
            super().pushInfo(info)

    feedback = Feedback()
    threading.Thread(target=lambda: started.wait(180) and feedback.cancel(), daemon=True).start()
    with pytest.raises(QgsProcessingException) as caught:
        run_engine_blocking(engine_python, ["train", str(ws), *tiny_model, "--steps", "500"], feedback)
    assert "cancel" in str(caught.value).lower() or "stopped" in str(caught.value).lower()
    assert [p.name for p in (ws / "models").iterdir()] == ["iteration_000.safetensors"]
    with pytest.raises(QgsProcessingException, match="iSAGE settings"):
        run_engine_blocking("/nonexistent/python3", ["info"], None)


def test_run_engine_timeout(engine_python, tmp_path):
    slow = tmp_path / "slow_python"
    slow.write_text(f"#!/bin/sh\nexec {sys.executable} -c 'import time; time.sleep(60)'\n")
    slow.chmod(0o755)
    began = time.monotonic()
    with pytest.raises(Exception, match="timed out"):
        run_engine(str(slow), ["info"], timeout=1.0, grace_seconds=5.0)
    assert time.monotonic() - began < 10
