"""Finding the Python the engine's environment is made from, or saying in one line what to install.

QGIS's own Python is never used (OSGeo4W, QGIS.app, the Python running QGIS): the engine gets a venv of
a separate Python >= 3.10 that has ``venv`` and ``ensurepip``. The search takes its candidates and its
probe as arguments, so every platform's dead end can be tested with a fake finder.
"""

from __future__ import annotations

# Bandit B404/B603: the plugin runs Pythons and nvidia-smi as argument lists, never through a shell;
# the programs are the engine's or base Python the user chose or the search found.
import json
import logging
import shutil
import subprocess  # nosec B404
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..translation import tr
from .protocol import engine_environment

log = logging.getLogger(__name__)

MIN_VERSION = (3, 10)
_PROBE = (
    "import json, os, sys, sysconfig, importlib.util as u; "  # no-i18n
    "print(json.dumps({'version': list(sys.version_info[:2]), 'executable': sys.executable, "
    "'venv': all(u.find_spec(m) is not None for m in ('venv', 'ensurepip')), "
    "'externally_managed': os.path.exists(os.path.join(sysconfig.get_path('stdlib'), "
    "'EXTERNALLY-MANAGED'))}))"
)


@dataclass(frozen=True)
class PythonProbe:
    """What a candidate Python said about itself."""

    executable: str
    version: tuple[int, int]
    has_venv: bool  # the ``venv`` and ``ensurepip`` modules (Debian/Ubuntu ship them in python3-venv)
    externally_managed: bool  # PEP 668: the distribution manages it; pip must never install into it


@dataclass(frozen=True)
class BaseSearch:
    """The base Python found, or why there is none (``message``: one line saying what to install)."""

    python: str | None
    message: str = ""


def is_qgis_python(path: str) -> bool:
    """A Python shipped inside QGIS (OSGeo4W, QGIS.app) or the one running QGIS: never the base."""
    lowered = path.replace("\\", "/").lower()
    if "osgeo4w" in lowered or "/qgis" in lowered or "qgis.app" in lowered:
        return True
    return sys.platform != "linux" and Path(path).resolve() == Path(sys.executable).resolve()


def default_candidates(platform: str = sys.platform) -> list[list[str]]:
    """Commands that may start a Python on this platform, most likely first."""
    if platform == "win32":
        found = [["py", "-3"]] if shutil.which("py") else []
        return found + [[p] for p in (shutil.which("python"), shutil.which("python3")) if p]
    if platform == "darwin":
        fixed = [
            "/opt/homebrew/bin/python3",
            "/usr/local/bin/python3",
            "/Library/Frameworks/Python.framework/Versions/Current/bin/python3",
        ]
    else:
        fixed = ["/usr/bin/python3", "/usr/local/bin/python3"]
    on_path = shutil.which("python3")
    return [[p] for p in [*fixed, *([on_path] if on_path else [])] if Path(p).is_file()]


def probe_python(command: list[str]) -> PythonProbe | None:
    """Ask ``command`` what it is; None when it does not run as a Python."""
    try:
        done = subprocess.run(  # nosec B603
            [*command, "-c", _PROBE],
            capture_output=True,
            text=True,
            timeout=30,
            env=engine_environment(),
            cwd=tempfile.gettempdir(),
        )
        facts = json.loads(done.stdout.strip().splitlines()[-1])
        return PythonProbe(
            facts["executable"],
            tuple(facts["version"]),
            bool(facts["venv"]),
            bool(facts["externally_managed"]),
        )
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, IndexError):
        return None


def find_base_python(
    candidates: Sequence[list[str]] | None = None,
    probe: Callable[[list[str]], PythonProbe | None] = probe_python,
    platform: str = sys.platform,
) -> BaseSearch:
    """The first candidate that is a Python >= 3.10, not QGIS's own, with ``venv`` and ``ensurepip``.

    A Python managed by the distribution (PEP 668) is a fine base: the engine is installed into a new
    venv, never into it. When none fits, the message names what to install on this platform.
    """
    seen: set[str] = set()
    without_venv: list[PythonProbe] = []
    too_old: list[PythonProbe] = []
    for command in default_candidates(platform) if candidates is None else candidates:
        if command[0] != "py" and is_qgis_python(command[0]):
            continue
        found = probe(command)
        if found is None or found.executable in seen or is_qgis_python(found.executable):
            continue
        seen.add(found.executable)
        if found.version < MIN_VERSION:
            too_old.append(found)
        elif not found.has_venv:
            without_venv.append(found)
        else:
            return BaseSearch(found.executable)
    return BaseSearch(None, _what_to_install(platform, without_venv, too_old))


def _what_to_install(platform: str, without_venv: list[PythonProbe], too_old: list[PythonProbe]) -> str:
    need = f"{MIN_VERSION[0]}.{MIN_VERSION[1]}"
    if without_venv:
        p = without_venv[0]
        version = f"{p.version[0]}.{p.version[1]}"
        if platform.startswith("linux"):
            fix = tr("install the python3-venv package (sudo apt install python{version}-venv)").format(
                version=version
            )
        else:
            fix = tr("reinstall it with the venv and ensurepip modules (python.org installer)")
        if p.externally_managed:
            text = tr(
                "Python {version} at {path} (a system Python managed by the distribution) cannot create "
                "environments: {fix}, then press Create engine environment"
            )
        else:
            text = tr(
                "Python {version} at {path} cannot create environments: {fix}, then press Create engine "
                "environment"
            )
        return text.format(version=version, path=p.executable, fix=fix)
    found = ", ".join(f"{p.version[0]}.{p.version[1]}" for p in too_old)
    old = tr(" (found only {versions})").format(versions=found) if too_old else ""
    if platform == "win32":
        text = tr(
            "No Python {need} or newer was found besides QGIS's own{old}: install Python 3.12 from "
            "python.org (with the py launcher), then press Create engine environment"
        )
    elif platform == "darwin":
        text = tr(
            "No Python {need} or newer was found besides QGIS's own{old}: install Python 3.12 from "
            "python.org or Homebrew (brew install python@3.12), then press Create engine environment"
        )
    else:
        text = tr(
            "No Python {need} or newer was found{old}: install python3 and python3-venv (Debian/Ubuntu: "
            "sudo apt install python3 python3-venv), then press Create engine environment"
        )
    return text.format(need=need, old=old)
