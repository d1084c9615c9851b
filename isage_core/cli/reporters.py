"""The CLI's reporters: what a run tells a person (progress bar) or a program (JSON lines).

JSON-lines schema (one object per line on stdout, ``--json``); every event has ``event`` and ``time``
(UTC ISO 8601):

- ``{"event": "start", "command": str, ...}``: the run began; extra keys describe it (device, frames).
- ``{"event": "progress", "fraction": float 0..1, "message": str}``: overall progress of the command.
- ``{"event": "log", "level": "debug"|"info"|"warning"|"error", "message": str}``: a log line.
- ``{"event": "result", "outputs": {name: path}, ...}``: the command succeeded; paths are absolute,
  other keys (``metrics``, ``iteration``, ``unresolved``...) depend on the command.
- ``{"event": "error", "message": str, "cancelled": bool}``: the command failed or was cancelled; the
  message is one line that names the file and the fix. The exit status is then non-zero
  (2 for a user error, 130 for a cancel, 1 for an unexpected failure).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, TextIO

from ..events import ProgressCallback, utc_now


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return value.item()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


class Reporter:
    """Receives a command's events; subclasses render them. The base class discards everything."""

    def start(self, command: str, **info: Any) -> None:
        """The command began."""

    def progress(self, fraction: float, message: str = "") -> None:
        """Overall progress, ``fraction`` in 0..1."""

    def log(self, message: str, level: str = "info") -> None:
        """A log line."""

    def result(self, **payload: Any) -> None:
        """The command's result (``outputs`` maps names to paths)."""

    def error(self, message: str, cancelled: bool = False) -> None:
        """The command failed or was cancelled."""

    def close(self) -> None:
        """Release anything the reporter holds (progress bars)."""

    def scaled(self, start: float, end: float) -> ProgressCallback:
        """A progress callback mapping a sub-task's 0..1 onto ``start..end`` of the whole command."""

        def callback(fraction: float, message: str = "") -> None:
            self.progress(start + (end - start) * min(max(fraction, 0.0), 1.0), message)

        return callback


class JsonLinesReporter(Reporter):
    """Writes one JSON object per event, flushed at once, for programs such as the QGIS plugin."""

    def __init__(self, stream: TextIO | None = None, min_interval: float = 0.1):
        self.stream = stream or sys.stdout
        self.min_interval = min_interval
        self._last_progress = 0.0

    def _emit(self, event: str, **payload: Any) -> None:
        record = {"event": event, "time": utc_now(), **_jsonable(payload)}
        self.stream.write(json.dumps(record) + "\n")
        self.stream.flush()

    def start(self, command: str, **info: Any) -> None:
        self._emit("start", command=command, **info)

    def progress(self, fraction: float, message: str = "") -> None:
        now = time.monotonic()
        if fraction < 1.0 and now - self._last_progress < self.min_interval:
            return
        self._last_progress = now
        self._emit("progress", fraction=round(float(fraction), 4), message=message)

    def log(self, message: str, level: str = "info") -> None:
        self._emit("log", level=level, message=message)

    def result(self, **payload: Any) -> None:
        self._emit("result", **payload)

    def error(self, message: str, cancelled: bool = False) -> None:
        self._emit("error", message=message, cancelled=cancelled)


def human_text(value: Any) -> str:
    """A result value for a person: names and paths as written (no quotes, no escapes), lists joined
    by commas, mappings as ``key: value`` pairs; ``None`` as ``none``."""
    value = _jsonable(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {human_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(human_text(v) for v in value) + "]"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class HumanReporter(Reporter):
    """A progress bar and log lines on stderr, a short summary of the result on stdout."""

    def __init__(self, stream: TextIO | None = None, out: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.out = out or sys.stdout
        self._bar = None

    def start(self, command: str, **info: Any) -> None:
        from tqdm import tqdm

        details = ", ".join(f"{k}: {v}" for k, v in info.items())
        self.log(f"{command}" + (f" ({details})" if details else ""))
        self._bar = tqdm(
            total=1000,
            file=self.stream,
            bar_format="{l_bar}{bar}| {elapsed}<{remaining} {postfix}",
            disable=not getattr(self.stream, "isatty", lambda: False)(),
        )

    def progress(self, fraction: float, message: str = "") -> None:
        if self._bar is not None:
            self._bar.n = int(1000 * min(max(fraction, 0.0), 1.0))
            self._bar.set_postfix_str(message, refresh=False)
            self._bar.refresh()

    def log(self, message: str, level: str = "info") -> None:
        line = message if level == "info" else f"{level}: {message}"
        if self._bar is not None:
            self._bar.write(line, file=self.stream)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def result(self, **payload: Any) -> None:
        self.close()
        for key, value in payload.items():
            if isinstance(value, dict):
                self.out.write(f"{key}:\n")
                for sub, item in value.items():
                    self.out.write(f"  {sub}: {human_text(item)}\n")
            else:
                self.out.write(f"{key}: {human_text(value)}\n")
        self.out.flush()

    def error(self, message: str, cancelled: bool = False) -> None:
        self.close()
        self.stream.write(("cancelled: " if cancelled else "error: ") + message + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class ReporterLogHandler(logging.Handler):
    """Forwards the engine's ``logging`` records to a reporter as ``log`` events."""

    def __init__(self, reporter: Reporter, level: int = logging.INFO):
        super().__init__(level)
        self.reporter = reporter

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.reporter.log(record.getMessage(), record.levelname.lower())
        except Exception:  # a broken pipe must not take the run down
            self.handleError(record)


class TimedReporter(Reporter):
    """Passes every event on to ``inner`` and adds ``timing`` to the result: the command's seconds
    (``command_s``) and how old the process was when the command began (``process_age_s``: the
    interpreter's start and the imports for a one-shot run, the engine's uptime for a resident one)."""

    def __init__(self, inner: Reporter, extra: dict | None = None):
        self.inner, self.extra = inner, dict(extra or {})
        self.began = time.monotonic()
        self.process_age_s = _process_age()

    def start(self, command: str, **info: Any) -> None:
        self.inner.start(command, **info)

    def progress(self, fraction: float, message: str = "") -> None:
        self.inner.progress(fraction, message)

    def log(self, message: str, level: str = "info") -> None:
        self.inner.log(message, level)

    def result(self, **payload: Any) -> None:
        timing = {
            "command_s": round(time.monotonic() - self.began, 3),
            "process_age_s": self.process_age_s,
            **self.extra,
            **payload.pop("timing", {}),
        }
        self.inner.result(**payload, timing=timing)

    def error(self, message: str, cancelled: bool = False) -> None:
        self.inner.error(message, cancelled)

    def close(self) -> None:
        self.inner.close()


def _process_age() -> float | None:
    try:
        import psutil

        return round(time.time() - psutil.Process().create_time(), 3)
    except Exception:  # a platform psutil cannot read: the timing goes without it
        return None
