"""A queue of engine commands run one after another (train, then predict...), as one cancellable task.

The dock builds the steps (argument lists), this runs them with :class:`~isage_qgis.engine.worker.EngineRun`
and reports overall progress; the dock adds layers from the collected results on the main thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..translation import tr
from .worker import EngineRun

log = logging.getLogger(__name__)

RunFactory = Callable[[str, list], EngineRun]


@dataclass(frozen=True)
class Step:
    """One engine command: its arguments (after ``isage --json``), its share of the progress bar, an
    optional ``check(result event)`` whose message, when it returns one, stops the pipeline, whether
    it is ``optional`` (its failure is noted in ``Pipeline.skipped`` and the next step runs), and ``env``:
    environment variables of its engine process only (credentials: never shown, logged or compared). A
    step with ``env`` runs in its own engine process, never on the resident engine (started without them)."""

    label: str
    args: list[str]
    weight: float = 1.0
    check: Callable[[dict], str | None] | None = field(default=None, compare=False)
    optional: bool = False
    env: Mapping[str, str] | None = field(default=None, compare=False, repr=False)


class Pipeline(QObject):
    """Runs ``steps`` in order; the first failure stops the rest.

    Signals: ``progress(fraction, message)`` over all steps, ``stepFinished(label, result event)``,
    ``succeeded(list of (label, result event))``, ``failed(message, cancelled)``, then ``finished``.
    An optional step that fails is listed in ``skipped`` as ``(label, message)`` and the rest go on.
    """

    progress = pyqtSignal(float, str)
    stepFinished = pyqtSignal(str, dict)  # noqa: N815 (Qt signal naming)
    succeeded = pyqtSignal(list)
    failed = pyqtSignal(str, bool)
    finished = pyqtSignal()

    def __init__(
        self,
        python: str,
        steps: Sequence[Step],
        parent: QObject | None = None,
        run_factory: RunFactory | None = None,
    ):
        super().__init__(parent)
        self.python = python
        self.steps = list(steps)
        self.results: list[tuple[str, dict]] = []
        self.skipped: list[tuple[str, str]] = []
        self._factory = run_factory or (lambda python, args: EngineRun(python, args, self))
        self._index = -1
        self._run: EngineRun | None = None
        self._done = False
        self._cancelled = False
        total = sum(max(s.weight, 0.0) for s in self.steps) or 1.0
        starts, acc = [], 0.0
        for s in self.steps:
            starts.append(acc / total)
            acc += max(s.weight, 0.0)
        self._starts, self._total = starts, total

    def is_running(self) -> bool:
        return self._index >= 0 and not self._done

    @property
    def current_label(self) -> str:
        return self.steps[self._index].label if 0 <= self._index < len(self.steps) else ""

    def start(self) -> None:
        """Start the first step (an empty pipeline succeeds at once)."""
        if self._index >= 0:
            raise RuntimeError("a Pipeline starts once; create a new one")  # no-i18n
        self._next()

    def cancel(self) -> None:
        """Stop the running step (the engine discards its partial outputs) and skip the rest."""
        if not self.is_running():
            return
        self._cancelled = True
        if self._run is not None and self._run.is_running():
            self._run.cancel()

    def _next(self) -> None:
        self._index += 1
        if self._cancelled:
            self._finish(tr("cancelled before the next step"), True)
            return
        if self._index >= len(self.steps):
            self._done = True
            self.progress.emit(1.0, "done")
            self.succeeded.emit(list(self.results))
            self.finished.emit()
            return
        step = self.steps[self._index]
        if step.env:  # its secrets go to a process of its own, never to one shared with other commands
            run = EngineRun(self.python, list(step.args), self, env=step.env)
        else:
            run = self._factory(self.python, list(step.args))
        run.progress.connect(self._on_progress)
        run.succeeded.connect(self._on_succeeded)
        run.failed.connect(self._on_failed)
        self._run = run
        self.progress.emit(self._starts[self._index], tr(step.label))
        run.start()

    def _on_progress(self, fraction: float, message: str) -> None:
        step = self.steps[self._index]
        share = max(step.weight, 0.0) / self._total
        text = f"{tr(step.label)}: {message}" if message else tr(step.label)
        self.progress.emit(self._starts[self._index] + share * min(max(fraction, 0.0), 1.0), text)

    def _on_succeeded(self, event: dict) -> None:
        step = self.steps[self._index]
        label = step.label
        problem = step.check(event) if step.check is not None else None
        if problem:
            self._finish(problem, False)
            return
        self.results.append((label, event))
        self.stepFinished.emit(label, event)
        self._next()

    def _on_failed(self, message: str, cancelled: bool) -> None:
        step = self.steps[self._index]
        if step.optional and not (cancelled or self._cancelled):
            log.warning("%s failed, the run goes on without it: %s", step.label, message)
            self.skipped.append((step.label, message))
            self._next()
            return
        self._finish(f"{tr(step.label)}: {message}", cancelled or self._cancelled)

    def _finish(self, message: str, cancelled: bool) -> None:
        if self._done:
            return
        self._done = True
        self.failed.emit(message, cancelled)
        self.finished.emit()
