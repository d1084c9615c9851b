"""Fault injection: the engine SIGKILLs itself at each named kill point (``ISAGE_KILL_AT``) and what it
leaves must hold the invariants: the record intact and unchanged but for committed writes, the previous
model byte-identical, no incomplete file under a final name, and the next run succeeds and removes the
partial files of the killed one."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from isage_core.atomic import KILL_ENV, KILL_POINTS
from isage_core.cli.main import main
from isage_core.loop.health import check_workspace
from isage_core.record.workspace import Workspace

from .test_bad_input import CLASSES, CLICKS, TINY, frame, patch

CASES = [
    ("atomic-before-rename", "train"),
    ("atomic-before-rename", "predict"),
    ("atomic-after-rename", "predict"),
    ("record-before-commit", "click"),
    ("train-before-run-row", "train"),
]
COMMANDS = {
    "train": ["train", "ws", *TINY],
    "predict": ["predict", "ws", "--tile-size", "128", "--overlap", "32"],
    "click": ["click", "add", "ws", "--frame", "b", "--class", "1", "--row", "40", "--col", "41"],
}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """Two real frames with clicks, iteration 0 trained and predicted (a model and outputs to keep), and
    a second round's click."""
    folder = tmp_path_factory.mktemp("faults")
    ws = folder / "ws"
    steps = [["init", ws, "--classes", CLASSES]]
    for index, name in enumerate(("a", "b")):
        frame(folder / f"{name}.tif", patch(("1.png", "11.png")[index]), 300000 + 100 * index)
        steps.append(["frames", "add", ws, folder / f"{name}.tif"])
        steps += [
            ["click", "add", ws, "--frame", name, "--class", c, "--row", r, "--col", k] for r, k, c in CLICKS
        ]
    steps += [["train", ws, *TINY], ["predict", ws], ["click", "add", ws, "--frame", "a", "--class", 1,
                                                        "--row", 60, "--col", 61]]  # fmt: skip
    for argv in steps:
        assert main([str(v) for v in argv]) == 0, argv
    return folder


def _engine(folder: Path, *argv: str, kill_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != KILL_ENV}
    if kill_at:
        env[KILL_ENV] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "isage_core.cli", *argv], cwd=folder, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_kill_point_is_exercised():
    cluster = {"cluster-after-part"}  # tests/test_cluster.py kills a Dask worker there
    assert {point for point, _ in CASES} == set(KILL_POINTS) - cluster


@pytest.mark.parametrize(("point", "command"), CASES)
def test_a_kill_at_each_point_leaves_the_invariants(prepared, tmp_path, point, command):
    folder = tmp_path / "copy"
    shutil.copytree(prepared, folder)
    ws = Workspace.open(folder / "ws")
    model = ws.models_dir / "iteration_000.safetensors"
    model_digest, clicks_before = _digest(model), ws.record.clicks(include_retracted=True)
    runs_before = len(ws.record.runs())

    killed = _engine(folder, *COMMANDS[command], kill_at=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]

    health = check_workspace(ws, deep=True)
    assert not health.problems  # record sound, every run's model reads, every output raster reads whole
    assert _digest(model) == model_digest
    assert ws.record.clicks(include_retracted=True) == clicks_before  # nothing committed, nothing lost
    assert len(ws.record.runs()) == runs_before
    if point == "atomic-before-rename":
        assert health.partial_files  # the kill came before the rename: only a partial file holds the data

    again = _engine(folder, *COMMANDS[command])
    assert again.returncode == 0, again.stderr[-2000:]
    health = check_workspace(ws, deep=True)
    assert health.whole, (health.problems, health.partial_files)
    assert _digest(model) == model_digest
    if command == "train":
        assert len(ws.record.runs()) == runs_before + 1
    if command == "click":
        assert len(ws.record.clicks(include_retracted=True)) == len(clicks_before) + 1


def test_info_repair_removes_only_the_partial_files_of_stopped_writers(prepared, tmp_path):
    from isage_core.atomic import HOST, OTHER_HOST_AGE_S

    folder = tmp_path / "copy"
    shutil.copytree(prepared, folder)
    models = folder / "ws" / "models"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    names = {
        "dead": f".iteration_001.partial-{HOST}-{int(dead.stdout)}-0123abcd-0.safetensors",
        "alive": f".iteration_001.partial-{HOST}-{os.getpid()}-0123abcd-1.safetensors",
        "other-new": ".iteration_001.partial-otherhost-12-0123abcd-0.safetensors",
        "other-old": ".iteration_001.partial-otherhost-13-0123abcd-0.safetensors",
        "unnamed-old": ".iteration_001.partial-0123abcd.safetensors",  # as versions before host names wrote
    }
    for key, name in names.items():
        (models / name).write_bytes(b"x")
        if key.endswith("old"):
            old = (models / name).stat().st_mtime - OTHER_HOST_AGE_S - 60
            os.utime(models / name, (old, old))
    result = _engine(folder, "--json", "info", "ws", "--repair")
    assert result.returncode == 0, result.stderr
    left = sorted(p.name for p in models.glob(".*partial*"))
    assert left == sorted([names["alive"], names["other-new"]])
