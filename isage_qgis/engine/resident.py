"""The resident engine: one ``isage serve`` process for the QGIS session, and live training in it.

A press of Train or Predict then pays neither a process start nor the engine's imports, and with live
training on, the model of the current iteration learns while the person clicks (the engine pauses it while
a command runs). :class:`ResidentEngine` owns the process (started on demand, restarted after a crash or
a kill) and hands out :class:`ResidentRun` objects with the signals of
:class:`~isage_qgis.engine.worker.EngineRun`, so a :class:`~isage_qgis.engine.pipeline.Pipeline` runs on
either. The protocol is the engine's (``isage_core.cli.serve``): requests as JSON lines on stdin,
events tagged with the request id on stdout.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from itertools import count

from qgis.PyQt.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, pyqtSignal

from ..translation import tr
from .protocol import (
    CANCEL_GRACE_SECONDS,
    engine_command,
    engine_environment,
    is_executable,
    log_level,
    missing_engine_message,
    unexpected_stop,
)
from .worker import ProcessOutput, relay_run_event

log = logging.getLogger(__name__)
DOWN, STARTING, READY = "down", "starting", "ready"


class ResidentRun(QObject):
    """One command on the resident engine; the signals of :class:`~isage_qgis.engine.worker.EngineRun`."""

    progress = pyqtSignal(float, str)
    logged = pyqtSignal(str, str)  # level, message
    succeeded = pyqtSignal(dict)
    failed = pyqtSignal(str, bool)
    finished = pyqtSignal()

    def __init__(self, engine: ResidentEngine, request_id: str, args: list[str]):
        super().__init__(engine)
        self.engine, self.request_id, self.args = engine, request_id, [str(a) for a in args]
        self._result: dict | None = None
        self._error: dict | None = None
        self._started = self._done = self._cancelled = False

    def is_running(self) -> bool:
        return self._started and not self._done

    def start(self) -> None:
        if self._started:
            raise RuntimeError("a ResidentRun starts once; create a new one")  # no-i18n
        self._started = True
        self.engine._submit(self)

    def cancel(self) -> None:
        """Ask the engine to stop this command (it discards its outputs); stop the engine after a grace
        period if it does not."""
        if not self.is_running():
            return
        self._cancelled = True
        self.engine._send({"cancel": self.request_id})
        QTimer.singleShot(int(self.engine.grace_seconds * 1000), self._stop_if_stuck)

    def _stop_if_stuck(self) -> None:
        if self.is_running():
            log.warning("the engine did not stop within %.0f s; stopping it", self.engine.grace_seconds)
            self.engine.stop(kill=True)

    def handle(self, event: dict) -> None:
        relay_run_event(self, event)
        if event.get("event") == "done":
            if self._result is not None and event.get("status") == 0:
                self.finish(None, False)
            elif self._error is not None:
                message = str(self._error.get("message", "")) or tr("the engine failed")
                self.finish(message, bool(self._error.get("cancelled")))
            else:
                self.finish(tr("The engine ended the command without a result."), self._cancelled)

    def finish(self, message: str | None, cancelled: bool) -> None:
        if self._done:
            return
        self._done = True
        if message is None:
            self.succeeded.emit(self._result or {})
        else:
            (log.info if cancelled else log.error)("engine run failed: %s", message)  # no-i18n
            self.failed.emit(message, cancelled)
        self.finished.emit()


class ResidentEngine(QObject):
    """The ``isage serve`` process of the session; see the module docstring.

    Signals: ``stateChanged(state)`` (``down``, ``starting``, ``ready``) and ``liveChanged(event)`` (the
    engine's live status events, and ``{"state": "down"}`` when the process ends).
    """

    stateChanged = pyqtSignal(str)  # noqa: N815 (Qt signal naming)
    liveChanged = pyqtSignal(dict)  # noqa: N815

    def __init__(
        self,
        python: str,
        parent: QObject | None = None,
        grace_seconds: float = CANCEL_GRACE_SECONDS,
        env: Mapping[str, str] | None = None,
    ):
        super().__init__(parent)
        self.python, self.grace_seconds = python, grace_seconds
        self.env = dict(env or {})  # a PostGIS record's logins: this process's environment only, never logged
        self.state = DOWN
        self.live: dict | None = None  # the live request in force ({"workspace", "args"}), re-sent on restart
        self.last_live: dict = {"state": "off"}
        self._process: QProcess | None = None
        self._output = ProcessOutput()
        self._runs: dict[str, ResidentRun] = {}
        self._ids = count(1)

    # ---- the process -------------------------------------------------------------------------------
    def start(self) -> bool:
        """Start the process unless it runs; False (and a failed state) when the engine Python is unusable."""
        if self._process is not None:
            return True
        if not is_executable(self.python):
            self._set_state(DOWN)
            return False
        process = QProcess(self)
        env = QProcessEnvironment()
        for key, value in {**engine_environment(), **self.env}.items():
            env.insert(key, value)
        process.setProcessEnvironment(env)
        command = engine_command(self.python, ["serve"])
        process.setProgram(command[0])
        process.setArguments(command[1:])
        process.readyReadStandardOutput.connect(self._read_stdout)
        process.readyReadStandardError.connect(self._read_stderr)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process = process
        self._output.clear()
        log.info("resident engine: %s", " ".join(command))
        self._set_state(STARTING)
        process.start()
        if self.live is not None:
            self._send({"live": self.live})
        return True

    def stop(self, kill: bool = False) -> None:
        """End the process: close its input (it finishes the command in progress) or kill it."""
        process = self._process
        if process is None:
            return
        if kill:
            process.kill()
        else:
            process.closeWriteChannel()
            if not process.waitForFinished(int(self.grace_seconds * 1000)):
                process.kill()
        process.waitForFinished(5000)

    def restart(self) -> None:
        self.stop(kill=True)
        self.start()

    def is_running(self) -> bool:
        return self._process is not None

    # ---- commands ----------------------------------------------------------------------------------
    def run(self, args: list[str]) -> ResidentRun:
        """A command to :meth:`ResidentRun.start` (the process starts with it if needed)."""
        return ResidentRun(self, str(next(self._ids)), args)

    def _submit(self, run: ResidentRun) -> None:
        if not self.start():
            QTimer.singleShot(0, lambda: run.finish(missing_engine_message(self.python), False))
            return
        self._runs[run.request_id] = run
        run.finished.connect(lambda: self._runs.pop(run.request_id, None))
        self._send({"id": run.request_id, "run": run.args})

    def set_live(
        self, workspace: str | None, args: list[str] | None = None, preview_every_s: float | None = None
    ) -> None:
        """Train ``workspace``'s current iteration while the person clicks (None: stop), with a preview of
        the map around the newest click at most every ``preview_every_s`` seconds (None: none)."""
        spec = None
        if workspace:
            spec = {"workspace": str(workspace), "args": [str(a) for a in args or []]}
            if preview_every_s is not None:
                spec["preview_every_s"] = float(preview_every_s)
        if spec == self.live:
            return
        self.live = spec
        if spec is None and self._process is None:
            return
        if self.start():
            self._send({"live": spec})

    def _send(self, request: dict) -> None:
        if self._process is not None:
            self._process.write((json.dumps(request) + "\n").encode("utf-8"))

    # ---- events ------------------------------------------------------------------------------------
    def _read_stdout(self) -> None:
        for event in self._output.events(self._process):
            self._handle(event)

    def _read_stderr(self) -> None:
        self._output.read_stderr(self._process)

    def _handle(self, event: dict | None) -> None:
        if event is None:
            return
        kind = event.get("event")
        run = self._runs.get(str(event.get("id"))) if "id" in event else None
        if run is not None:
            run.handle(event)
        elif kind == "ready":
            self._set_state(READY)
        elif kind == "live":
            self.last_live = event
            self.liveChanged.emit(event)
        elif kind == "log":
            log.log(log_level(str(event.get("level"))), "engine: %s", event.get("message", ""))

    def _on_error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            message = f"{missing_engine_message(self.python)} ({self._process.errorString()})"
            self._ended(message)

    def _on_finished(self, code: int, status) -> None:
        if self._process is None:
            return
        self._read_stdout()
        self._read_stderr()
        crashed = status == QProcess.ExitStatus.CrashExit
        self._ended(unexpected_stop(-1 if crashed else code, list(self._output.stderr)))

    def _ended(self, message: str) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.deleteLater()
        stopped = tr("cancelled; the engine was stopped before it finished")
        for run in list(self._runs.values()):
            run.finish(stopped if run._cancelled else message, run._cancelled)
        self._runs.clear()
        self.last_live = {"event": "live", "state": DOWN} if self.live is not None else {"state": "off"}
        self.liveChanged.emit(self.last_live)
        self._set_state(DOWN)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
