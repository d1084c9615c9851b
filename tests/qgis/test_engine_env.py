"""Creating the engine's environment (steps, base Python, torch plan, builder), finding and probing it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.PyQt.QtCore import QEventLoop, QTimer

from isage_qgis.engine import discovery, install_plan
from isage_qgis.engine.base_python import PythonProbe, find_base_python, probe_python
from isage_qgis.engine.discovery import default_env_dir, env_python, find_engine_python, probe_engine
from isage_qgis.engine.environment import (
    BundledEngine,
    EnvironmentBuilder,
    EnvRequest,
    Step,
    build_steps,
    bundled_engine,
)
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


def commands(*argv: list[str]) -> list[Step]:
    return [Step(f"step {i}", list(a)) for i, a in enumerate(argv)]


@pytest.fixture
def engine(tmp_path) -> BundledEngine:
    folder = tmp_path / "bundled"
    folder.mkdir()
    (folder / "geoisage-0.1.0-py3-none-any.whl").write_bytes(b"")
    (folder / "constraints.txt").write_text((REPO / "constraints.txt").read_text())
    found = bundled_engine(folder)
    assert found is not None and found.version == "0.1.0"
    return found


def test_default_env_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ISAGE_ENV_DIR", str(tmp_path / "custom"))
    assert default_env_dir() == tmp_path / "custom"
    monkeypatch.delenv("ISAGE_ENV_DIR")
    assert default_env_dir().parts[-2:] == ("isage", "engine-venv")
    assert env_python(tmp_path).parent.name == ("Scripts" if sys.platform == "win32" else "bin")


def test_find_base_python_is_a_separate_python_with_venv():
    search = find_base_python()
    assert search.python is not None, search.message
    found = probe_python([search.python])
    assert found.version >= (3, 10) and found.has_venv and found.executable == search.python
    assert "qgis" not in search.python.lower() and "osgeo4w" not in search.python.lower()


def fake_finder(*pythons: PythonProbe):
    """Candidates and a probe for ``find_base_python`` that answer with ``pythons`` (no process runs)."""
    by_command = {p.executable: p for p in pythons}
    return [[p.executable] for p in pythons], lambda command: by_command.get(command[0])


@pytest.mark.parametrize(
    ("platform", "pythons", "found", "says"),
    [
        ("win32", [], None, ["python.org", "py launcher", "Create engine environment"]),
        ("darwin", [], None, ["python.org or Homebrew", "brew install python@3.12"]),
        ("linux", [], None, ["sudo apt install python3 python3-venv"]),
        # Debian/Ubuntu without python3-venv: the Python is there, ensurepip is not
        ("linux", [PythonProbe("/usr/bin/python3", (3, 11), False, False)], None, ["python3.11-venv"]),
        # a PEP 668 system Python without venv: the message names both
        (
            "linux",
            [PythonProbe("/usr/bin/python3", (3, 12), False, True)],
            None,
            ["managed by the distribution", "sudo apt install python3.12-venv"],
        ),
        # a PEP 668 system Python with venv is a fine base: the engine goes into a new venv, not into it
        ("linux", [PythonProbe("/usr/bin/python3", (3, 12), True, True)], "/usr/bin/python3", []),
        ("win32", [PythonProbe(r"C:\Py38\python.exe", (3, 8), True, False)], None, ["found only 3.8"]),
        # QGIS's own Python is skipped even when it would do, the next one is taken
        (
            "win32",
            [
                PythonProbe(r"C:\OSGeo4W\apps\Python312\python.exe", (3, 12), True, False),
                PythonProbe(r"C:\Python312\python.exe", (3, 12), True, False),
            ],
            r"C:\Python312\python.exe",
            [],
        ),
    ],
)
def test_base_python_found_or_explained(platform, pythons, found, says):
    candidates, probe = fake_finder(*pythons)
    search = find_base_python(candidates, probe, platform)
    assert search.python == found
    assert (search.message == "") == (found is not None)
    assert "\n" not in search.message
    for words in says:
        assert words in search.message, search.message


def bare_names(steps: list[Step]) -> list[str]:
    """Arguments that would make pip install something by name (anything not an option, path or URL)."""
    names = []
    for step in steps:
        argv = step.command
        if "install" not in argv:
            continue
        rest = argv[argv.index("install") + 1 :]
        skip_next = {"-c", "--report", "--find-links", "--extra-index-url", "--index-url"}
        i = 0
        while i < len(rest):
            if rest[i] in skip_next:
                i += 2
                continue
            if not rest[i].startswith("-") and not Path(rest[i].split("[")[0]).suffix == ".whl":
                names.append(rest[i])
            i += 1
    return names


def test_build_steps_install_the_bundled_wheel_under_the_constraints(engine, tmp_path):
    env = tmp_path / "env"
    py = str(env_python(env))
    online = build_steps(EnvRequest("/usr/bin/python3", env, engine))
    argv = [s.command for s in online]
    assert argv[0] == ["/usr/bin/python3", "-m", "venv", str(env)]
    assert argv[1][0] == py and argv[1][-2:] == ["--upgrade", "pip"]
    assert "--dry-run" in argv[2] and online[2].check is not None  # the default choice looks first
    install = argv[3]
    wheel = f"{engine.wheel}[cluster]"  # with Dask, for predicting on a cluster
    assert install[-1] == wheel and install[install.index("-c") + 1] == str(engine.constraints)
    assert argv[4][:2] == [py, "-c"] and "import isage_core" in argv[4][2]
    assert bare_names(online) == ["pip"]  # pip upgrades itself; the engine is never named

    offline = build_steps(EnvRequest("/usr/bin/python3", env, engine, wheel_folder=str(tmp_path / "wheels")))
    assert [s.description.split()[0] for s in offline] == ["creating", "installing", "checking"]
    assert offline[1].command[-4:] == ["--no-index", "--find-links", str((tmp_path / "wheels").resolve()),
                                       wheel]  # fmt: skip
    assert bare_names(offline) == []

    cpu = build_steps(EnvRequest("/usr/bin/python3", env, engine, torch="cpu"))
    assert not any("--dry-run" in s.command for s in cpu)
    assert cpu[2].command[-3:] == ["--extra-index-url", install_plan.CPU_INDEX, wheel]
    cuda = build_steps(EnvRequest("/usr/bin/python3", env, engine, torch="cuda"))
    assert not any("--dry-run" in s.command for s in cuda)  # asked for: nothing to refuse


def test_version_check_step_refuses_another_version(engine, tmp_path):
    check = build_steps(EnvRequest(sys.executable, tmp_path / "env", engine))[-1]
    fake = Step(check.description, [sys.executable, "-c", "print('0.0.9')"], check.check)
    ok, message, _ = run_builder(EnvironmentBuilder([fake]))
    assert not ok and "'0.0.9'" in message and "0.1.0" in message
    right = Step(check.description, [sys.executable, "-c", "print('0.1.0')"], check.check)
    ok, message, _ = run_builder(EnvironmentBuilder([right]))
    assert ok, message


def test_environment_builder_reports_failure_and_cancel(tmp_path):
    failing = commands(
        [sys.executable, "-c", "print('step one')"],
        [sys.executable, "-c", "import sys; print('bad'); sys.exit(4)"],
    )
    ok, message, _ = run_builder(EnvironmentBuilder(failing))
    assert not ok and "exit status 4" in message and "bad" in message
    ok, message, _ = run_builder(EnvironmentBuilder(commands(["/nonexistent/python3", "-V"])))
    assert not ok and "/nonexistent/python3" in message
    slow = commands([sys.executable, "-c", "import time; time.sleep(60)"])
    ok, message, _ = run_builder(EnvironmentBuilder(slow), timeout=30, cancel_after=0.5)
    assert not ok and "cancelled" in message


def test_make_install_refuses_an_unasked_for_cuda_torch_and_so_does_the_builder(tmp_path):
    """Without the local CPU wheel (an empty find-links folder), PyPI would give torch's CUDA build."""
    empty = tmp_path / "no-local-wheels"
    empty.mkdir()
    plan = tmp_path / "plan.json"
    env = {**os.environ, "PIP_FIND_LINKS": str(empty)}
    done = subprocess.run(
        ["make", "-s", "torch-plan", f"TORCH_PLAN={plan}"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    refusal = [line for line in done.stderr.splitlines() if line.startswith("make install:")]
    assert len(refusal) == 1 and "CUDA build of torch 2.13.0" in refusal[0], done.stderr
    assert "make install TORCH=cpu" in refusal[0] and "GB" in refusal[0]
    report = json.loads(plan.read_text())
    names = {i["metadata"]["name"] for i in report["install"]}
    assert "torch" in names and any(n.startswith("nvidia-") for n in names)  # pip resolved, installed nothing
    # the environment builder reads the same kind of report and stops there, before any download
    check = Step(
        "checking what would be downloaded",
        [sys.executable, "-c", "pass"],
        lambda _lines: install_plan.torch_refusal(install_plan.read_report(plan), "default", "choose CPU"),
    )
    ok, message, _ = run_builder(EnvironmentBuilder([check]))
    assert not ok and "CUDA build of torch" in message and message.endswith("choose CPU")
    # with the local CPU wheel (this machine's pip configuration) the default goes ahead
    local = subprocess.run(
        ["make", "-s", "torch-plan", f"TORCH_PLAN={plan}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert local.returncode == 0 and "torch 2.13.0+cpu" in local.stdout, local.stdout + local.stderr


def test_install_plan_works_without_qgis_as_make_install_runs_it(tmp_path):
    # make install imports install_plan with the system Python before any QGIS matters: a qgis import
    # (the plugin's translation module) must not be needed, and make's messages stay English
    report = tmp_path / "plan.json"
    items = [("torch", "2.13.0+cu130"), ("nvidia-cublas-cu13", "13.0.0")]
    report.write_text(json.dumps({"install": [{"metadata": {"name": n, "version": v}} for n, v in items]}))
    code = (
        "import sys; sys.modules['qgis'] = None; "
        "from isage_qgis.engine.install_plan import describe_choice, main, torch_pip_args; "
        "print(torch_pip_args('cpu')[-1]); print(describe_choice('cuda'), flush=True); "
        f"sys.exit(main([{str(report)!r}]))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr  # the unasked-for CUDA torch refused
    assert done.stdout.splitlines() == [
        install_plan.CPU_INDEX,
        "the CUDA build, for an NVIDIA GPU (about 2.7 GB of downloads)",
    ]
    assert done.stderr.startswith("make install: the package index would install the CUDA build of torch ")
    assert "(2 packages, 1 of them CUDA libraries" in done.stderr and "make install TORCH=cpu" in done.stderr


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
    assert {"isage", "python", "torch", "device", "cuda_available", "torch_build"} <= set(report)
    # as training sees them: smp and timm import beside this machine's CPU torch and PyPI's CUDA torchvision
    assert report["can_train"] is True and report["problems"] == [], report
    assert report["smp"][0].isdigit() and report["timm"][0].isdigit() and report["distribution"] == "geoisage"
    assert report["device"].startswith(("cpu", "cuda", "mps"))
    with pytest.raises(EngineError, match="iSAGE settings"):
        probe_engine(str(tmp_path / "missing" / "python"))
    with pytest.raises(EngineError, match="cannot import the iSAGE engine"):
        probe_engine(find_base_python().python)  # a plain system Python without isage


def test_a_gpu_found_by_nvidia_smi_is_suggested_for_cuda_torch(qgis_app, monkeypatch, tmp_path):
    from isage_qgis.panel.settings_dialog import SettingsDialog

    smi = tmp_path / "nvidia-smi"
    smi.write_text("#!/bin/sh\necho 'GPU 0: NVIDIA H200 (UUID: GPU-0c1d2e3f)'\n")
    smi.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    install_plan.nvidia_gpu.cache_clear()
    try:
        assert install_plan.nvidia_gpu() == "NVIDIA H200"
        dialog = SettingsDialog(PluginSettings(torch="default"))
        assert "NVIDIA GPU was found (NVIDIA H200): choose cuda" in dialog.torch_hint.text()
        dialog.torch_combo.setCurrentText("cuda")
        assert "NVIDIA GPU was found" not in dialog.torch_hint.text() and "GB" in dialog.torch_hint.text()
        assert dialog.settings().torch == "cuda"
    finally:
        install_plan.nvidia_gpu.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    assert install_plan.nvidia_gpu() is None
    install_plan.nvidia_gpu.cache_clear()
