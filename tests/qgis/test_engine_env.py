"""Creating the engine's environment for real, and finding/probing the engine's Python."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.PyQt.QtCore import QEventLoop, QTimer

from isage_qgis.engine import discovery
from isage_qgis.engine import environment as engine_env
from isage_qgis.engine.discovery import default_env_dir, env_python, find_engine_python, probe_engine
from isage_qgis.engine.environment import EnvironmentBuilder, build_env_commands, find_base_python
from isage_qgis.engine.worker import EngineError
from isage_qgis.settings import PluginSettings

REPO = Path(__file__).resolve().parents[2]


def run_builder(builder: EnvironmentBuilder, timeout: float = 240.0, cancel_after: float | None = None):
    """Start ``builder``; return (ok, message, progress messages) once it finishes."""
    done: list[tuple[bool, str]] = []
    steps: list[str] = []
    loop = QEventLoop()
    builder.progress.connect(lambda fraction, message: steps.append(message))
    builder.finished.connect(lambda ok, message: (done.append((ok, message)), loop.quit()))
    builder.start()
    if cancel_after is not None:
        QTimer.singleShot(int(cancel_after * 1000), builder.cancel)
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    if not done:
        loop.exec()
    assert len(done) == 1, "the builder did not finish in time"
    return (*done[0], steps)


@pytest.fixture(scope="module")
def engine_wheel(tmp_path_factory) -> Path:
    """A wheel of this repository's engine, built from a copy (the checkout is left untouched)."""
    source = tmp_path_factory.mktemp("wheel_src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "isage_core", source / "isage_core", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [str(REPO / ".venv/bin/python"), "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(out), str(source)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = out.glob("isage-*.whl")
    return wheel


def test_default_env_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ISAGE_ENV_DIR", str(tmp_path / "custom"))
    assert default_env_dir() == tmp_path / "custom"
    monkeypatch.delenv("ISAGE_ENV_DIR")
    assert default_env_dir().parts[-2:] == ("isage", "engine-venv")
    assert env_python(tmp_path).parent.name == ("Scripts" if sys.platform == "win32" else "bin")


def test_find_base_python_is_a_separate_python_with_venv():
    base = find_base_python()
    assert base is not None, "no Python >= 3.10 with venv/ensurepip (Debian: apt install python3-venv)"
    version, executable = engine_env.python_version([base])
    assert version >= (3, 10) and executable == base
    assert "qgis" not in base.lower() and "osgeo4w" not in base.lower()


def test_build_env_commands_for_each_source(tmp_path):
    env = tmp_path / "env"
    py = str(env_python(env))
    online = build_env_commands("/usr/bin/python3", env, "", ["--extra-index-url", "https://example.org/cpu"])
    assert online[0] == ["/usr/bin/python3", "-m", "venv", str(env)]
    assert online[1][0] == py and online[1][-2:] == ["--upgrade", "pip"]
    assert online[2][0] == py and online[2][-3:] == ["isage", "--extra-index-url", "https://example.org/cpu"]
    assert online[-1][:2] == [py, "-c"] and "import isage_core" in online[-1][2]
    wheel = tmp_path / "wheels" / "isage-0.1.0-py3-none-any.whl"
    offline = build_env_commands("/usr/bin/python3", env, str(wheel))
    assert len(offline) == 3  # no pip upgrade without an index
    links = str(wheel.parent.resolve())
    assert offline[1][-4:] == ["--no-index", "--find-links", links, str(wheel.resolve())]
    (tmp_path / "folder").mkdir()
    folder = build_env_commands("/usr/bin/python3", env, str(tmp_path / "folder"))
    assert folder[1][-4:] == ["--no-index", "--find-links", str((tmp_path / "folder").resolve()), "isage"]
    assert build_env_commands("/usr/bin/python3", env, "isage==0.1.0")[2][-1] == "isage==0.1.0"


def test_environment_builder_creates_a_working_engine_env(engine_wheel, tmp_path):
    base = find_base_python()
    env = tmp_path / "engine env"  # a space in the path, as in many Windows user folders
    commands = build_env_commands(base, env, str(engine_wheel), ["--no-deps"])
    ok, message, steps = run_builder(EnvironmentBuilder(commands))
    assert ok, message
    assert steps[0].startswith("creating the environment") and steps[-1] == message
    python = env_python(env)
    code = "import isage_core, sys; print(isage_core.__file__, sys.prefix)"
    check = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert str(env) in check.stdout  # installed in the new env, not found in QGIS's Python or the repo
    isolated = subprocess.run([str(python), "-c", "import qgis"], capture_output=True, cwd=tmp_path)
    assert isolated.returncode != 0  # a plain venv: QGIS's (system) packages are not mixed in
    discovery.clear_engine_cache()
    assert discovery.can_import_engine(str(python))


def test_environment_builder_reports_failure_and_cancel(tmp_path):
    failing = [
        [sys.executable, "-c", "print('step one')"],
        [sys.executable, "-c", "import sys; print('bad'); sys.exit(4)"],
    ]
    ok, message, _ = run_builder(EnvironmentBuilder(failing))
    assert not ok and "exit status 4" in message and "bad" in message
    ok, message, _ = run_builder(EnvironmentBuilder([["/nonexistent/python3", "-V"]]))
    assert not ok and "/nonexistent/python3" in message
    slow = [[sys.executable, "-c", "import time; time.sleep(60)"]]
    ok, message, _ = run_builder(EnvironmentBuilder(slow), timeout=30, cancel_after=0.5)
    assert not ok and "cancelled" in message


def test_plugin_settings_round_trip():
    saved = PluginSettings.load()
    try:
        PluginSettings("/opt/engine/bin/python", "cpu", False, "ana").save()
        assert PluginSettings.load() == PluginSettings("/opt/engine/bin/python", "cpu", False, "ana")
    finally:
        saved.save()


def test_find_engine_python_order(engine_python, monkeypatch, tmp_path):
    discovery.clear_engine_cache()
    chosen = PluginSettings(engine_python=engine_python)
    assert find_engine_python(chosen) == engine_python
    # a setting that is not a Python with the engine is skipped; ISAGE_PYTHON comes next
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("ISAGE_PYTHON", engine_python)
    assert find_engine_python(PluginSettings(engine_python=str(fake))) == engine_python
    candidates = discovery.engine_python_candidates(PluginSettings(engine_python=str(fake)))
    assert candidates[:2] == [str(fake), engine_python]
    assert str(REPO / ".venv" / "bin" / "python") in candidates  # the checkout's own venv
    assert str(env_python(default_env_dir())) in candidates


def test_probe_engine(engine_python, tmp_path):
    report = probe_engine(engine_python)
    assert {"isage", "python", "torch", "device", "cuda_available"} <= set(report)
    assert report["device"].startswith(("cpu", "cuda", "mps"))
    with pytest.raises(EngineError, match="iSAGE settings"):
        probe_engine(str(tmp_path / "missing" / "python"))
    with pytest.raises(EngineError, match="cannot import the iSAGE engine"):
        probe_engine(find_base_python())  # a plain system Python without isage
