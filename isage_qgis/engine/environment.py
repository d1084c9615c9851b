"""Creating the engine's own Python environment (a venv) for a user who has only the plugin.

QGIS's Python is never touched: the venv is made from a separate Python >= 3.10 found on the machine,
then ``pip install isage`` (from the package index, or offline from a wheel folder) runs inside it.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from qgis.PyQt.QtCore import QObject, QProcess, QProcessEnvironment, pyqtSignal

from .discovery import clear_engine_cache, env_python
from .protocol import engine_environment

log = logging.getLogger(__name__)

PACKAGE = "isage"
MIN_VERSION = (3, 10)
# For a CPU-only torch (smaller, no CUDA libraries), pass these as extra pip arguments.
TORCH_CPU_PIP_ARGS = ["--extra-index-url", "https://download.pytorch.org/whl/cpu"]
_PIP = ["-m", "pip", "--disable-pip-version-check", "--no-input"]
_CHECK = "import sys, venv, ensurepip; print(sys.version_info[0], sys.version_info[1], sys.executable)"


def _is_qgis_python(path: str) -> bool:
    """A Python shipped inside QGIS (OSGeo4W, QGIS.app) or the one running QGIS: never the base."""
    lowered = path.replace("\\", "/").lower()
    if "osgeo4w" in lowered or "/qgis" in lowered or "qgis.app" in lowered:
        return True
    return sys.platform != "linux" and Path(path).resolve() == Path(sys.executable).resolve()


def _candidates() -> list[list[str]]:
    if sys.platform == "win32":
        found = [["py", "-3"]] if shutil.which("py") else []
        return found + [[p] for p in (shutil.which("python"), shutil.which("python3")) if p]
    if sys.platform == "darwin":
        fixed = [
            "/opt/homebrew/bin/python3",
            "/usr/local/bin/python3",
            "/Library/Frameworks/Python.framework/Versions/Current/bin/python3",
        ]
    else:
        fixed = ["/usr/bin/python3", "/usr/local/bin/python3"]
    on_path = shutil.which("python3")
    return [[p] for p in [*fixed, *([on_path] if on_path else [])]]


def python_version(command: list[str]) -> tuple[tuple[int, int], str] | None:
    """``((major, minor), executable)`` of a Python that can create venvs with pip, else None."""
    try:
        done = subprocess.run(
            [*command, "-c", _CHECK],
            capture_output=True,
            text=True,
            timeout=30,
            env=engine_environment(),
            cwd=tempfile.gettempdir(),
        )
        major, minor, executable = done.stdout.strip().split(" ", 2)
        return (int(major), int(minor)), executable
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def find_base_python() -> str | None:
    """A Python >= 3.10 that is not QGIS's own and has ``venv``/``ensurepip``; None when there is none
    (Debian/Ubuntu: ``apt install python3-venv``; Windows/macOS: install Python from python.org)."""
    seen: set[str] = set()
    for command in _candidates():
        if command[0] != "py" and (not Path(command[0]).is_file() or _is_qgis_python(command[0])):
            continue
        found = python_version(command)
        if found is None:
            continue
        version, executable = found
        if executable in seen or _is_qgis_python(executable):
            continue
        seen.add(executable)
        if version >= MIN_VERSION:
            return executable
        log.debug("%s is Python %d.%d; iSAGE needs >= %d.%d", executable, *version, *MIN_VERSION)
    return None


def build_env_commands(
    base_python: str, env_dir: str | Path, source: str = "", extra_pip_args: list[str] | None = None
) -> list[list[str]]:
    """The commands that create the venv and install the engine into it.

    ``source``: empty for ``pip install isage`` from the package index (a requirement such as
    ``isage==0.1.0`` is taken as is); a ``.whl`` file to install offline with ``--no-index
    --find-links <its folder>`` (its dependencies must be in that folder too); a folder of wheels
    (``--no-index --find-links <folder> isage``). ``extra_pip_args`` go to the install command
    (e.g. :data:`TORCH_CPU_PIP_ARGS`, or ``--no-deps``).
    """
    env_dir = Path(env_dir)
    python = str(env_python(env_dir))
    commands = [[base_python, "-m", "venv", str(env_dir)]]
    path = Path(source) if source else None
    if path is not None and path.suffix.lower() == ".whl":
        install = ["--no-index", "--find-links", str(path.resolve().parent), str(path.resolve())]
    elif path is not None and path.is_dir():
        install = ["--no-index", "--find-links", str(path.resolve()), PACKAGE]
    else:
        commands.append([python, *_PIP, "install", "--upgrade", "pip"])
        install = [source or PACKAGE]
    commands.append([python, *_PIP, "install", *install, *(extra_pip_args or [])])
    commands.append([python, "-c", "import isage_core; print('isage', isage_core.__version__)"])
    return commands


def describe_command(command: list[str]) -> str:
    """A short human description of one of :func:`build_env_commands`' steps."""
    if "venv" in command:
        return f"creating the environment {command[-1]}"
    if "--upgrade" in command and "pip" in command:
        return "updating pip"
    if "install" in command:
        return "installing the iSAGE engine and its libraries (this can take several minutes)"
    return "checking that the engine imports"


class EnvironmentBuilder(QObject):
    """Runs the commands of :func:`build_env_commands` one after another (QProcess, non-blocking).

    Signals: ``progress(fraction, message)`` at each step, ``output(line)`` for every line the tools
    print, ``finished(ok, message)`` once (cancelled or failed: ok is False).
    """

    progress = pyqtSignal(float, str)
    output = pyqtSignal(str)
    finished = pyqtSignal(bool, str)

    def __init__(self, commands: list[list[str]], parent: QObject | None = None):
        super().__init__(parent)
        self.commands = [list(c) for c in commands]
        self._index = -1
        self._process: QProcess | None = None
        self._tail: list[str] = []
        self._cancelled = False
        self._running = False

    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Start the first command."""
        if self._running or self._index >= 0:
            raise RuntimeError("an EnvironmentBuilder runs once; create a new one")
        self._running = True
        self._next()

    def cancel(self) -> None:
        """Stop the running command; the environment may be incomplete (building it again repairs it)."""
        if self._running:
            self._cancelled = True
            if self._process is not None:
                self._process.kill()

    def _next(self) -> None:
        self._index += 1
        if self._index >= len(self.commands):
            self._done(True, "the iSAGE engine environment is ready")
            return
        command = self.commands[self._index]
        self.progress.emit(self._index / len(self.commands), describe_command(command))
        log.info("engine environment: %s", " ".join(command))
        self._tail = []
        process = QProcess(self)
        env = QProcessEnvironment()
        for key, value in engine_environment().items():
            env.insert(key, value)
        process.setProcessEnvironment(env)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process = process
        process.start(command[0], command[1:])

    def _read(self) -> None:
        text = bytes(self._process.readAllStandardOutput()).decode("utf-8", "replace")
        for line in text.splitlines():
            if line.strip():
                self._tail = (self._tail + [line])[-20:]
                log.info("%s", line)
                self.output.emit(line)

    def _on_error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._done(False, f"cannot run {self.commands[self._index][0]}: {self._process.errorString()}")

    def _on_finished(self, code: int, status) -> None:
        if not self._running:
            return
        self._read()
        if self._cancelled:
            self._done(False, "cancelled; the engine environment is incomplete, build it again to finish it")
        elif code != 0 or status == QProcess.ExitStatus.CrashExit:
            last = self._tail[-1] if self._tail else "no output"
            self._done(
                False,
                f"{describe_command(self.commands[self._index])} failed (exit status {code}): "
                f"{last}; see the iSAGE log messages",
            )
        else:
            self._next()

    def _done(self, ok: bool, message: str) -> None:
        if not self._running:
            return
        self._running = False
        if ok:
            clear_engine_cache()  # a Python that could not import the engine now can
            self.progress.emit(1.0, message)
        (log.info if ok else log.error)("engine environment: %s", message)
        self.finished.emit(ok, message)
