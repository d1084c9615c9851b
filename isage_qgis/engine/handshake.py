"""The version handshake: the engine the plugin found must be its own version and able to train.

Checked once per engine Python before its first run (the dock puts an ``info`` step in front of the
others; Processing asks before running), so a mismatched or broken engine is a one-line message with an
**Update engine** action, never a confusing failure in the middle of a run.
"""

from __future__ import annotations

from collections.abc import Callable

from ..resources import plugin_version
from ..translation import deferred_tr, tr

LABEL = deferred_tr("checking the engine")  # a step label: the pipeline translates it where shown
ARGS = ["info"]  # the command whose result the check reads
UPDATE_HINT = deferred_tr("press Update engine in the iSAGE settings")  # shown through tr()
_verified: set[str] = set()


def engine_problem(report: dict, python: str, expected: str | None = None) -> str | None:
    """What is wrong with the engine that ``isage info`` described, in one line; None when it fits."""
    expected = expected if expected is not None else plugin_version()
    found = report.get("isage")
    if found != expected:
        return tr(
            "the iSAGE engine at {python} is version {found}, this plugin is {expected}: {hint}"
        ).format(python=python, found=found or tr("unknown"), expected=expected, hint=tr(UPDATE_HINT))
    if report.get("can_train") is False:
        problems = report.get("problems") or [tr("a library it needs does not import")]
        return tr("the iSAGE engine at {python} cannot train: {problem}; {hint}").format(
            python=python, problem=problems[0], hint=tr(UPDATE_HINT)
        )
    return None


def is_verified(python: str) -> bool:
    """Whether ``python``'s engine passed the handshake in this QGIS session."""
    return python in _verified


def forget_verified() -> None:
    """Check every engine again (after an environment was built or the settings changed)."""
    _verified.clear()


def result_check(python: str, expected: str | None = None) -> Callable[[dict], str | None]:
    """A check of an ``info`` result event for a pipeline step; a passing engine is remembered."""

    def check(event: dict) -> str | None:
        problem = engine_problem(event.get("environment") or {}, python, expected)
        if problem is None:
            _verified.add(python)
        return problem

    return check
