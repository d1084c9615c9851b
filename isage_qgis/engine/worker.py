"""Running the engine (``isage --json``) in its own Python and turning its JSON-lines events into Qt signals.

The plugin never imports the engine: QGIS's Python would clash with torch/rasterio/geopandas. Two
runners share the protocol: :class:`EngineRun` (QProcess, non-blocking, for the dock) and
:func:`run_engine_blocking` (subprocess, for Processing algorithms running in a worker thread).
"""

from __future__ import annotations

# Bandit B404/B603: the plugin runs Pythons and nvidia-smi as argument lists, never through a shell;
# the programs are the engine's or base Python the user chose or the search found.
import logging
import queue
import subprocess  # nosec B404
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

from qgis.core import QgsProcessingException, QgsProcessingFeedback
from qgis.PyQt.QtCore import QObject, QProcess, QProcessEnvironment, QTimer, pyqtSignal

from ..translation import tr
from .protocol import (  # noqa: F401 (re-exported: the worker's public API)
    CANCEL_GRACE_SECONDS,
    ENGINE_MODULE,
    STDERR_TAIL_LINES,
    EngineError,
    engine_command,
    engine_environment,
    is_executable,
    log_level,
    missing_engine_message,
    parse_event,
    public_command,
    unexpected_stop,
)

log = logging.getLogger(__name__)


class ProcessOutput:
    """What an engine process writes: whole JSON-lines events from stdout (a line split across reads
    waits for its end) and the last lines of stderr, each logged at debug."""

    def __init__(self) -> None:
        self.buffer = b""
        self.stderr: deque[str] = deque(maxlen=STDERR_TAIL_LINES)

    def clear(self) -> None:
        self.buffer = b""
        self.stderr.clear()

    def events(self, process: QProcess) -> list[dict | None]:
        """The events of the whole lines read since the last call."""
        self.buffer += bytes(process.readAllStandardOutput())
        *lines, self.buffer = self.buffer.split(b"\n")
        return [parse_event(line.decode("utf-8", "replace")) for line in lines]

    def rest(self) -> dict | None:
        """The event of an unterminated last line (the process ended), if any."""
        rest, self.buffer = self.buffer, b""
        return parse_event(rest.decode("utf-8", "replace")) if rest else None

    def read_stderr(self, process: QProcess) -> None:
        text = bytes(process.readAllStandardError()).decode("utf-8", "replace")
        for line in text.splitlines():
            if line.strip():
                self.stderr.append(line)
                log.debug("engine stderr: %s", line)


def relay_run_event(run, event: dict) -> None:
    """A command's progress and log events become ``run``'s signals; its result or error is kept in
    ``run._result`` / ``run._error`` (for :class:`EngineRun` and the resident engine's runs)."""
    kind = event.get("event")
    if kind == "progress":
        run.progress.emit(float(event.get("fraction", 0.0)), str(event.get("message", "")))
    elif kind == "log":
        level, message = str(event.get("level", "info")), str(event.get("message", ""))
        log.log(log_level(level), "engine: %s", message)
        run.logged.emit(level, message)
    elif kind == "result":
        run._result = event
    elif kind == "error":
        run._error = event


class EngineRun(QObject):
    """One non-blocking engine run (QProcess) for the GUI; connect the signals, then :meth:`start`.

    Exactly one of ``succeeded`` (the ``result`` event) or ``failed`` (message, cancelled) is emitted,
    then ``finished``.
    """

    progress = pyqtSignal(float, str)
    logged = pyqtSignal(str, str)  # level, message
    succeeded = pyqtSignal(dict)
    failed = pyqtSignal(str, bool)
    finished = pyqtSignal()

    def __init__(
        self,
        python: str,
        args: list[str],
        parent: QObject | None = None,
        grace_seconds: float = CANCEL_GRACE_SECONDS,
        env: Mapping[str, str] | None = None,
    ):
        super().__init__(parent)
        self.python, self.args = python, [str(a) for a in args]
        self.grace_seconds = grace_seconds
        self._env = dict(env or {})  # added to the process's environment only: never logged
        self._process: QProcess | None = None
        self._output = ProcessOutput()
        self._result: dict | None = None
        self._error: dict | None = None
        self._cancelled = False
        self._done = False

    @property
    def command(self) -> list[str]:
        return engine_command(self.python, self.args)

    def is_running(self) -> bool:
        return self._process is not None and not self._done

    def start(self) -> None:
        """Start the process; problems are reported through ``failed`` (after this call returns)."""
        if self._process is not None:
            raise RuntimeError("an EngineRun starts once; create a new one")  # no-i18n
        log.info("engine: %s", " ".join(public_command(self.command)))
        process = QProcess(self)
        self._process = process
        if not is_executable(self.python):
            QTimer.singleShot(0, lambda: self._finish(missing_engine_message(self.python), False))
            return
        env = QProcessEnvironment()
        for key, value in {**engine_environment(), **self._env}.items():
            env.insert(key, value)
        process.setProcessEnvironment(env)
        process.setProgram(self.python)
        process.setArguments(self.command[1:])
        process.readyReadStandardOutput.connect(self._read_stdout)
        process.readyReadStandardError.connect(self._read_stderr)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        process.start()

    def cancel(self) -> None:
        """Ask the engine to stop (SIGTERM: it discards this run's outputs); kill it after a grace period."""
        if not self.is_running():
            return
        self._cancelled = True
        log.info("cancelling the engine run")
        if sys.platform == "win32":  # no SIGTERM for console programs there; outputs are written atomically
            self._process.kill()
            return
        self._process.terminate()
        QTimer.singleShot(int(self.grace_seconds * 1000), self._kill)

    def _kill(self) -> None:
        if self.is_running() and self._process.state() != QProcess.ProcessState.NotRunning:
            log.warning("the engine did not stop within %.0f s; killing it", self.grace_seconds)
            self._process.kill()

    def _read_stdout(self) -> None:
        for event in self._output.events(self._process):
            self._handle(event)

    def _read_stderr(self) -> None:
        self._output.read_stderr(self._process)

    def _handle(self, event: dict | None) -> None:
        if event is not None:
            relay_run_event(self, event)

    def _on_error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._finish(f"{missing_engine_message(self.python)} ({self._process.errorString()})", False)

    def _on_finished(self, code: int, status) -> None:
        self._read_stdout()
        self._read_stderr()
        self._handle(self._output.rest())
        crashed = status == QProcess.ExitStatus.CrashExit
        if self._result is not None and code == 0 and not crashed:
            self._finish(None, False)
        elif self._error is not None:
            self._finish(
                str(self._error.get("message", tr("the engine failed"))), bool(self._error.get("cancelled"))
            )
        elif self._cancelled:
            self._finish(tr("cancelled; the engine was stopped before it finished"), True)
        else:
            self._finish(unexpected_stop(code, list(self._output.stderr)), False)

    def _finish(self, message: str | None, cancelled: bool) -> None:
        if self._done:
            return
        self._done = True
        if message is None:
            self.succeeded.emit(self._result or {})
        else:
            (log.info if cancelled else log.error)("engine run failed: %s", message)  # no-i18n
            self.failed.emit(message, cancelled)
        self.finished.emit()


def _pump(stream, sink: queue.Queue, tail: deque | None) -> None:
    for line in iter(stream.readline, ""):
        if tail is None:
            sink.put(line)
        elif line.strip():
            tail.append(line.rstrip())
            log.debug("engine stderr: %s", line.rstrip())
    stream.close()
    if tail is None:
        sink.put(None)


def run_engine(
    python: str,
    args: list[str],
    feedback: QgsProcessingFeedback | None = None,
    timeout: float | None = None,
    grace_seconds: float = CANCEL_GRACE_SECONDS,
    env: Mapping[str, str] | None = None,
) -> dict:
    """Run the engine to the end in this thread; return its ``result`` event or raise :class:`EngineError`.

    Progress and log events go to ``feedback`` when given; ``feedback.isCanceled()`` (or ``timeout``
    seconds) terminates the engine, which then stops cleanly. ``env``: added to the process's environment
    only (a PostGIS record's login), never logged.
    """
    if not is_executable(python):
        raise EngineError(missing_engine_message(python))
    command = engine_command(python, args)
    log.info("engine: %s", " ".join(public_command(command)))
    try:
        process = subprocess.Popen(  # nosec B603
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env={**engine_environment(), **(env or {})},
        )
    except OSError as exc:
        raise EngineError(f"{missing_engine_message(python)} ({exc.strerror})") from exc
    lines: queue.Queue = queue.Queue()
    tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
    readers = [
        threading.Thread(target=_pump, args=(process.stdout, lines, None), daemon=True),
        threading.Thread(target=_pump, args=(process.stderr, lines, tail), daemon=True),
    ]
    for reader in readers:
        reader.start()
    result = error = None
    stop_reason, deadline, stop_at = "", None if timeout is None else time.monotonic() + timeout, None
    while True:
        if not stop_reason and feedback is not None and feedback.isCanceled():
            stop_reason = "cancelled"
        if not stop_reason and deadline is not None and time.monotonic() > deadline:
            stop_reason = tr("timed out after {seconds} s").format(seconds=f"{timeout:.0f}")
        if stop_reason and stop_at is None:
            log.info("stopping the engine: %s", stop_reason)
            process.terminate()
            stop_at = time.monotonic() + grace_seconds
        if stop_at is not None and time.monotonic() > stop_at and process.poll() is None:
            log.warning("the engine did not stop within %.0f s; killing it", grace_seconds)
            process.kill()
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        if line is None:
            break
        event = parse_event(line)
        kind = event.get("event") if event else None
        if kind == "result":
            result = event
        elif kind == "error":
            error = event
        elif kind and feedback is not None:
            _to_feedback(event, feedback)
        elif kind == "log":
            log.log(log_level(str(event.get("level"))), "engine: %s", event.get("message", ""))
    code = process.wait()
    for reader in readers:
        reader.join(timeout=5)
    if result is not None and code == 0:
        return result
    if error is not None:
        raise EngineError(str(error.get("message", tr("the engine failed"))), bool(error.get("cancelled")))
    if stop_reason:
        cancelled = stop_reason == "cancelled"
        reason = tr("cancelled") if cancelled else stop_reason
        raise EngineError(
            tr("{reason}; the engine was stopped before it finished").format(reason=reason), cancelled
        )
    raise EngineError(unexpected_stop(code, list(tail)))


def _to_feedback(event: dict[str, Any], feedback: QgsProcessingFeedback) -> None:
    if event["event"] == "progress":
        feedback.setProgress(100.0 * float(event.get("fraction", 0.0)))
        if event.get("message"):
            feedback.setProgressText(str(event["message"]))
    elif event["event"] == "log":
        level, message = str(event.get("level", "info")), str(event.get("message", ""))
        if level in ("warning", "error"):
            feedback.pushWarning(message)
        elif level == "debug":
            feedback.pushDebugInfo(message)
        else:
            feedback.pushInfo(message)


def run_engine_blocking(
    python: str,
    args: list[str],
    feedback: QgsProcessingFeedback | None = None,
    env: Mapping[str, str] | None = None,
) -> dict:
    """:func:`run_engine` for Processing: failures and cancels raise ``QgsProcessingException``."""
    try:
        return run_engine(python, args, feedback, env=env)
    except EngineError as exc:
        raise QgsProcessingException(str(exc)) from exc
