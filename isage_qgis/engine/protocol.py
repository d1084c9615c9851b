"""The engine's side of the worker protocol: its command line, environment, events and error messages.

Shared by the runners of :mod:`isage_qgis.engine.worker`, the settings and the environment builder; standard
library only.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path

from ..translation import tr

log = logging.getLogger("isage_qgis.engine.worker")

ENGINE_MODULE = "isage_core.cli"
CANCEL_GRACE_SECONDS = 15.0  # after SIGTERM the engine finishes its current step and cleans up
STDERR_TAIL_LINES = 40
# Variables of QGIS's own Python/GDAL/PROJ that must not leak into the engine's Python (OSGeo4W, QGIS.app).
_SCRUBBED_VARIABLES = ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "GDAL_DATA", "GDAL_DRIVER_PATH",
                       "PROJ_LIB", "PROJ_DATA", "QGIS_PREFIX_PATH")  # fmt: skip
_LEVELS = {"debug": logging.DEBUG, "warning": logging.WARNING, "error": logging.ERROR}
# URL query parameters that carry credentials (the engine redacts the same in what it writes)
_SECRET_VALUE = re.compile(
    r"([?&](?:[^=&#]*(?:key|token|secret|passw|pwd|signature|auth|credential|session)[^=&#]*|sig)=)[^&#\s]+",
    re.I,
)
_USER_PART = re.compile(r"^([a-z][a-z0-9+.-]*://)([^:/@\s]+):[^@/\s]*@", re.I)


class EngineError(Exception):
    """An engine run that failed or was cancelled; ``str()`` is the one-line message for the user."""

    def __init__(self, message: str, cancelled: bool = False):
        super().__init__(message)
        self.cancelled = cancelled


def missing_engine_message(python: str | None) -> str:
    """The message for an engine Python that is not set, does not exist or cannot run the engine."""
    if python:
        what = tr("The iSAGE engine Python '{python}' does not exist or is not executable").format(
            python=python
        )
    else:
        what = tr("No iSAGE engine Python was found")
    return tr(
        "{problem}; set it in the iSAGE settings (engine Python), set ISAGE_PYTHON, "
        "or create the engine environment from the iSAGE panel"
    ).format(problem=what)


def engine_command(python: str, args: list[str]) -> list[str]:
    """The command line of one engine run: ``[python, -m, isage_core.cli, --json, *args]``."""
    return [python, "-m", ENGINE_MODULE, "--json", *[str(a) for a in args]]


def public_command(command: list[str]) -> list[str]:
    """``command`` as it may be logged: the values of secret-looking URL query parameters (keys, tokens,
    signatures) and the password of a URL's user part replaced by REDACTED."""
    return [_SECRET_VALUE.sub(r"\1REDACTED", _USER_PART.sub(r"\1\2:REDACTED@", str(a))) for a in command]


def has_secret(url: str) -> bool:
    """Whether ``url`` holds a credential: a secret-looking query value or a password in its user part."""
    return bool(_SECRET_VALUE.search(url) or _USER_PART.search(url))


def engine_environment() -> dict[str, str]:
    """This process's environment without QGIS's Python/GDAL/PROJ variables, and unbuffered output."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_VARIABLES}
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def is_executable(python: str | None) -> bool:
    """Whether ``python`` names an existing executable file."""
    return bool(python) and Path(python).is_file() and os.access(python, os.X_OK)


def parse_event(line: str) -> dict | None:
    """The event of one stdout line, or None for blank lines and noise (logged at debug)."""
    text = line.strip()
    if not text:
        return None
    try:
        event = json.loads(text)
    except ValueError:
        log.debug("engine: %s", text)
        return None
    if not isinstance(event, dict) or "event" not in event:
        log.debug("engine (not an event): %s", text)
        return None
    return event


def log_level(level: str) -> int:
    return _LEVELS.get(level, logging.INFO)


def unexpected_stop(code: int, stderr_tail: list[str]) -> str:
    if stderr_tail:
        log.warning("the engine's last error output:\n%s", "\n".join(stderr_tail))
    last = next((line.strip() for line in reversed(stderr_tail) if line.strip()), "")
    if last:
        return tr(
            "The iSAGE engine stopped unexpectedly (exit status {code}) without reporting an error "
            "(its last words: {words}); see the iSAGE log messages for its output"
        ).format(code=code, words=last[:200])
    return tr(
        "The iSAGE engine stopped unexpectedly (exit status {code}) without reporting an error; "
        "see the iSAGE log messages for its output"
    ).format(code=code)
