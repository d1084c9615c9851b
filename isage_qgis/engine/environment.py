"""Creating (or updating) the engine's own Python environment from the engine the plugin carries.

The plugin zip holds, in ``bundled/``, the engine of exactly the plugin's version as a pure-Python wheel
and the constraints it is installed under. The environment is a venv of a separate Python
(:mod:`.base_python`); the bundled wheel goes into it with its dependencies from the package index, or
fully offline from a folder of wheels, always under the constraints. Nothing is installed by a bare
name: the engine is the wheel file, its dependencies are those its metadata names. From an index with
the default torch choice, a dry run comes first and a CUDA torch nobody asked for is refused
(:mod:`.install_plan`).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qgis.PyQt.QtCore import QObject, QProcess, QProcessEnvironment, pyqtSignal

from ..translation import tr
from .discovery import clear_engine_cache, env_python
from .install_plan import read_report, torch_pip_args, torch_refusal
from .protocol import engine_environment

log = logging.getLogger(__name__)

DISTRIBUTION = "geoisage"  # the engine's name on the package index ("isage" there is another project)
BUNDLE_DIR = Path(__file__).resolve().parents[1] / "bundled"
ENGINE_EXTRAS = "cluster"  # Dask, for the panel's and Processing's prediction on a cluster
PLAN_FILE = "install-plan.json"
_PIP = ["-m", "pip", "--disable-pip-version-check", "--no-input"]
_VERSION_CHECK = "import isage_core; print(isage_core.__version__)"  # no-i18n


@dataclass(frozen=True)
class BundledEngine:
    """The engine wheel the plugin carries, its version and the constraints file beside it."""

    wheel: Path
    constraints: Path
    version: str


def bundled_engine(folder: Path = BUNDLE_DIR) -> BundledEngine | None:
    """The engine in ``folder`` (the plugin's ``bundled/``), or None (a development checkout has none)."""
    wheels = sorted(Path(folder).glob(f"{DISTRIBUTION}-*-py3-none-any.whl"))
    constraints = Path(folder) / "constraints.txt"
    if len(wheels) != 1 or not constraints.is_file():
        return None
    return BundledEngine(wheels[0], constraints, wheels[0].name.split("-")[1])


@dataclass(frozen=True)
class EnvRequest:
    """What the user asked for: where, from which base Python, which torch, online or from wheels."""

    base_python: str
    env_dir: Path
    engine: BundledEngine
    wheel_folder: str = ""  # empty: the package index; else install offline from this folder only
    torch: str = "default"  # default | cpu | cuda (see install_plan)


@dataclass
class Step:
    """One command of the build; ``check(output lines)`` runs after it succeeds and may refuse to go on."""

    description: str
    command: list[str]
    check: Callable[[list[str]], str | None] | None = field(default=None, compare=False)


def build_steps(request: EnvRequest) -> list[Step]:
    """The commands that create the venv and install the bundled engine into it, with their checks."""
    env_dir = Path(request.env_dir)
    python = str(env_python(env_dir))
    engine = request.engine
    pip_install = [python, *_PIP, "install", "--upgrade", "-c", str(engine.constraints)]
    wanted = f"{engine.wheel}[{ENGINE_EXTRAS}]"
    creating = tr("creating the environment {folder}").format(folder=env_dir)
    steps = [Step(creating, [request.base_python, "-m", "venv", str(env_dir)])]
    if request.wheel_folder:
        source = ["--no-index", "--find-links", str(Path(request.wheel_folder).resolve())]
    else:
        source = torch_pip_args(request.torch)
        steps.append(Step(tr("updating pip"), [python, *_PIP, "install", "--upgrade", "pip"]))
        if request.torch == "default":
            plan = env_dir / PLAN_FILE
            steps.append(
                Step(
                    tr("checking what would be downloaded"),
                    [*pip_install, "--dry-run", "--report", str(plan), *source, wanted],
                    check=lambda _lines: torch_refusal(
                        read_report(plan), "default", tr("choose CPU or CUDA torch in the iSAGE settings"), tr
                    ),
                )
            )
    steps.append(
        Step(
            tr(
                "installing the iSAGE engine {version} and its libraries (this can take several minutes)"
            ).format(version=engine.version),
            [*pip_install, *source, wanted],
        )
    )
    steps.append(
        Step(
            tr("checking that the engine imports"),
            [python, "-c", _VERSION_CHECK],
            check=lambda lines: _version_problem(lines, engine.version),
        )
    )
    return steps


def _version_problem(lines: list[str], expected: str) -> str | None:
    found = lines[-1].strip() if lines else ""
    if found != expected:
        return tr(
            "the environment's engine is version '{found}', the plugin's is {expected}; build it again"
        ).format(found=found, expected=expected)
    return None


class EnvironmentBuilder(QObject):
    """Runs the steps of :func:`build_steps` one after another (QProcess, non-blocking).

    Signals: ``progress(fraction, message)`` at each step, ``output(line)`` for every line the tools
    print, ``finished(ok, message)`` once (cancelled, failed or refused: ok is False).
    """

    progress = pyqtSignal(float, str)
    output = pyqtSignal(str)
    finished = pyqtSignal(bool, str)

    def __init__(self, steps: list[Step], parent: QObject | None = None):
        super().__init__(parent)
        self.steps = list(steps)
        self._index = -1
        self._process: QProcess | None = None
        self._lines: list[str] = []
        self._cancelled = False
        self._running = False

    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Start the first step."""
        if self._running or self._index >= 0:
            raise RuntimeError("an EnvironmentBuilder runs once; create a new one")  # no-i18n
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
        if self._index >= len(self.steps):
            self._done(True, tr("the iSAGE engine environment is ready"))
            return
        step = self.steps[self._index]
        self.progress.emit(self._index / len(self.steps), step.description)
        log.info("engine environment: %s", " ".join(step.command))
        self._lines = []
        process = QProcess(self)
        env = QProcessEnvironment()
        for key, value in engine_environment().items():
            env.insert(key, value)
        process.setProcessEnvironment(env)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.setWorkingDirectory(tempfile.gettempdir())  # an isage_core folder in the cwd must not count
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process = process
        process.start(step.command[0], step.command[1:])

    def _read(self) -> None:
        text = bytes(self._process.readAllStandardOutput()).decode("utf-8", "replace")
        for line in text.splitlines():
            if line.strip():
                self._lines = (self._lines + [line])[-200:]
                log.info("%s", line)
                self.output.emit(line)

    def _on_error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            command = self.steps[self._index].command[0]
            text = tr("cannot run {command}: {reason}").format(
                command=command, reason=self._process.errorString()
            )
            self._done(False, text)

    def _on_finished(self, code: int, status) -> None:
        if not self._running:
            return
        self._read()
        step = self.steps[self._index]
        if self._cancelled:
            self._done(
                False, tr("cancelled; the engine environment is incomplete, build it again to finish it")
            )
        elif code != 0 or status == QProcess.ExitStatus.CrashExit:
            last = self._lines[-1] if self._lines else tr("no output")
            text = tr("{step} failed (exit status {code}): {output}; see the iSAGE log messages").format(
                step=step.description, code=code, output=last
            )
            self._done(False, text)
        else:
            refusal = self._check(step)
            if refusal:
                self._done(False, refusal)
            else:
                self._next()

    def _check(self, step: Step) -> str | None:
        if step.check is None:
            return None
        try:
            return step.check(list(self._lines))
        except (OSError, ValueError) as exc:
            return f"{step.description}: {exc}"

    def _done(self, ok: bool, message: str) -> None:
        if not self._running:
            return
        self._running = False
        if ok:
            clear_engine_cache()  # a Python that could not import the engine now can
            self.progress.emit(1.0, message)
        (log.info if ok else log.error)("engine environment: %s", message)  # no-i18n
        self.finished.emit(ok, message)
