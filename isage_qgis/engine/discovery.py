"""Finding the engine's Python: the settings, ``$ISAGE_PYTHON``, a checkout's ``.venv``, the managed
environment, an ``isage`` command on the PATH; and asking it what it can do (``isage info``)."""

from __future__ import annotations

# Bandit B404/B603: the plugin runs Pythons and nvidia-smi as argument lists, never through a shell;
# the programs are the engine's or base Python the user chose or the search found.
import logging
import os
import shutil
import subprocess  # nosec B404
import sys
import tempfile
from pathlib import Path

from qgis.PyQt.QtCore import QStandardPaths

from ..settings import PluginSettings
from ..translation import tr
from .handshake import forget_verified
from .protocol import EngineError, engine_environment, is_executable, missing_engine_message
from .worker import run_engine

log = logging.getLogger(__name__)

ENV_VARIABLE = "ISAGE_PYTHON"
ENV_DIR_VARIABLE = "ISAGE_ENV_DIR"
PROBE_TIMEOUT = 120.0  # seconds: ``isage info`` imports torch, slow on a cold disk

_engine_checks: dict[str, bool] = {}


def default_env_dir() -> Path:
    """Where the managed engine venv lives: ``$ISAGE_ENV_DIR``; on Windows ``%APPDATA%\\isage\\engine-venv``;
    elsewhere the user data folder (``~/.local/share`` on Linux) ``/isage/engine-venv``."""
    if os.environ.get(ENV_DIR_VARIABLE):
        return Path(os.environ[ENV_DIR_VARIABLE])
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "isage" / "engine-venv"
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base or Path.home() / ".local" / "share") / "isage" / "engine-venv"


def env_python(env_dir: str | Path) -> Path:
    """The Python executable inside a venv folder."""
    return Path(env_dir) / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def clear_engine_cache() -> None:
    """Forget which Pythons could import the engine and passed the handshake (after creating or changing
    an environment)."""
    _engine_checks.clear()
    forget_verified()


def can_import_engine(python: str) -> bool:
    """Whether ``python -c "import isage_core"`` succeeds (cached per path)."""
    if not is_executable(python):
        return False
    key = str(Path(python).absolute())
    if key not in _engine_checks:
        try:
            done = subprocess.run(  # from a neutral folder: an isage_core beside the cwd must not count  # nosec B603
                [python, "-c", "import isage_core"],  # no-i18n
                capture_output=True,
                timeout=60,
                env=engine_environment(),
                cwd=tempfile.gettempdir(),
            )
            _engine_checks[key] = done.returncode == 0
            if done.returncode:
                log.debug(
                    "%s cannot import isage_core: %s", python, done.stderr.decode(errors="replace")[-500:]
                )
        except (OSError, subprocess.SubprocessError) as exc:
            log.debug("%s cannot run: %s", python, exc)
            _engine_checks[key] = False
    return _engine_checks[key]


def engine_python_candidates(settings: PluginSettings | None = None) -> list[str]:
    """Where the engine's Python may be, in the order :func:`find_engine_python` tries them."""
    candidates = []
    if settings is not None and settings.engine_python:
        candidates.append(settings.engine_python)
    if os.environ.get(ENV_VARIABLE):
        candidates.append(os.environ[ENV_VARIABLE])
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):  # a development checkout: the repo's own .venv
        for venv in (folder / ".venv",):
            if venv.is_dir():
                candidates.append(str(env_python(venv)))
    candidates.append(str(env_python(default_env_dir())))
    script = shutil.which("isage")
    if script:
        bin_dir = Path(script).resolve().parent
        candidates += [str(bin_dir / "python.exe"), str(bin_dir / "python"), str(bin_dir / "python3")]
    seen: set[str] = set()
    return [c for c in candidates if not (c in seen or seen.add(c))]


def find_engine_python(settings: PluginSettings | None = None) -> str | None:
    """The first candidate Python that can import the engine, or None (see the README for the order)."""
    for candidate in engine_python_candidates(settings):
        if can_import_engine(candidate):
            return candidate
    return None


def probe_engine(python: str | None) -> dict:
    """``isage info`` in ``python``: the environment report (``isage``, ``python``, ``torch``,
    ``cuda_available``, ``device``...). Raises :class:`~isage_qgis.engine.worker.EngineError`, a clear
    message."""
    if not is_executable(python):
        raise EngineError(missing_engine_message(python))
    if not can_import_engine(python):
        raise EngineError(
            tr(
                "'{python}' runs, but cannot import the iSAGE engine (isage_core); choose the "
                "Python of the environment where isage is installed, or create the engine environment"
            ).format(python=python)
        )
    result = run_engine(python, ["info"], timeout=PROBE_TIMEOUT)
    report = result.get("environment")
    if not isinstance(report, dict):
        raise EngineError(
            tr("'{python}': the engine answered `info` without an environment report; update isage").format(
                python=python
            )
        )
    return report
