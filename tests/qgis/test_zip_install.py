"""The plugin zip alone, as a GIS user has it: a fresh QGIS profile, no repository around, an engine
built by the plugin's own code path (offline, from a wheel folder), then training and prediction."""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
QGIS_PYTHON = "/usr/bin/python3"  # the Python QGIS itself runs (Debian's), without the repo's venv
SCRIPT = Path(__file__).parent / "zip_install" / "in_fresh_qgis.py"
WHEELHOUSE = REPO / "build" / "test-wheelhouse"  # kept between runs: pip download then only checks
CLOSURE = (
    "import json, sys\n"
    "from importlib import metadata\n"
    "from pip._vendor.packaging.requirements import Requirement\n"
    "norm = lambda n: n.lower().replace('_', '-')\n"
    "todo, seen, closure = [('geoisage', 'cluster')], set(), set()\n"
    "while todo:\n"
    "    name, extra = todo.pop()\n"
    "    if (name, extra) in seen: continue\n"
    "    seen.add((name, extra)); closure.add(name)\n"
    "    for text in metadata.requires(name) or []:\n"
    "        req = Requirement(text)\n"
    "        if req.marker is None or req.marker.evaluate({'extra': extra}):\n"
    "            todo += [(norm(req.name), e) for e in sorted(req.extras) or ['']]\n"
    "print(json.dumps({'installed': sorted(norm(d.metadata['Name']) for d in metadata.distributions()),\n"
    "                  'closure': sorted(closure)}))\n"
)


def build_zip(dest: Path) -> Path:
    zip_path = dest / "isage_qgis.zip"
    done = subprocess.run(
        ["make", "-s", "package", f"PLUGIN_ZIP={zip_path}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0 and zip_path.is_file(), done.stdout + done.stderr
    return zip_path


def wheel_folder(engine_wheel: Path) -> Path:
    """Every wheel the engine needs, as this machine's package sources serve them (pip download)."""
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    for stale in WHEELHOUSE.glob("geoisage-*.whl"):
        stale.unlink()
    done = subprocess.run(
        [str(VENV_PYTHON), "-m", "pip", "download", "-q", "-d", str(WHEELHOUSE),
         "-c", str(REPO / "constraints.txt"), f"{engine_wheel}[cluster]"],
        capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return WHEELHOUSE


def test_the_zip_alone_builds_an_engine_of_its_own_version_that_trains_and_predicts(tmp_path):
    zip_path = build_zip(tmp_path)
    size_mb = zip_path.stat().st_size / 1e6
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert all(n.startswith("isage_qgis/") for n in names)
        assert "isage_qgis/LICENSE" in names and "isage_qgis/metadata.txt" in names
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        metadata = archive.read("isage_qgis/metadata.txt").decode()
        version = next(line.split("=", 1)[1] for line in metadata.splitlines() if line.startswith("version="))
        wheel = f"isage_qgis/bundled/geoisage-{version}-py3-none-any.whl"
        assert wheel in names and "isage_qgis/bundled/constraints.txt" in names
        assert not [n for n in names if n.endswith((".so", ".pyd", ".dll", ".dylib", ".exe"))]
        config = tmp_path / "qgis-config"  # a fresh profile, as QGIS_CUSTOM_CONFIG_PATH gives it
        plugins = config / "profiles" / "default" / "python" / "plugins"
        plugins.mkdir(parents=True)
        archive.extractall(plugins)
    assert size_mb < 20, size_mb
    wheels = wheel_folder(plugins / wheel)

    sample = subprocess.run(
        [str(VENV_PYTHON), "-c",
         "import json, sys; from isage_core.benchmark.sample_data import export_sample; "
         "layout = export_sample(sys.argv[1]); "
         "print(json.dumps({'frame': 'train_1', 'image': str(layout.train.images['train_1']), "
         "'clicks': layout.seed_clicks['train_1']}))",
         str(tmp_path / "sample")],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    (tmp_path / "sample.json").write_text(sample.stdout)

    env = {k: v for k, v in os.environ.items() if k not in ("ISAGE_PYTHON", "PYTHONPATH", "VIRTUAL_ENV")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        QGIS_CUSTOM_CONFIG_PATH=str(config),
        PIP_CONFIG_FILE=os.devnull,  # offline for real: no configured indexes or local wheel folders
        PATH=os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if ".venv" not in p),
    )
    engine_env = tmp_path / "engine env"  # a space, as in many Windows user folders
    work = tmp_path / "work"
    work.mkdir()
    done = subprocess.run(
        [QGIS_PYTHON, str(SCRIPT), str(tmp_path / "sample.json"), str(engine_env), str(wheels), str(work)],
        cwd=work, env=env, capture_output=True, text=True, timeout=2400,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stdout[-3000:] + done.stderr[-3000:]
    seen = json.loads(lines[-1])

    assert Path(seen["plugin_file"]).resolve().is_relative_to(plugins.resolve())  # loaded from the zip
    assert seen["plugin_version"] == version
    assert seen["built"][0], seen["built"][1]
    for command in seen["commands"]:  # the engine is the bundled wheel, never a name on the index
        if "install" in command:
            assert "--no-index" in command and f"{plugins / wheel}[cluster]" in command, command
            assert not {"isage", "geoisage"} & set(command), command
    info = seen["info"]
    assert info["isage"] == version and info["distribution"] == "geoisage" and info["can_train"], info
    assert Path(seen["train"]["outputs"]["model"]).is_file()
    assert seen["predict"]["outputs"], seen["predict"]

    python = engine_env / "bin" / "python"
    listed = subprocess.run(
        [str(python), "-c", CLOSURE], capture_output=True, text=True, check=True, cwd=work
    )
    packages = json.loads(listed.stdout)
    strangers = set(packages["installed"]) - set(packages["closure"]) - {"pip", "setuptools"}
    assert not strangers, strangers  # nothing but the engine and what it needs
    assert {"dask", "distributed"} <= set(packages["installed"])  # the [cluster] extra
    assert not {"pytest", "isage"} & set(packages["installed"])  # no test tools, no name-squatting package
    assert not [n for n in packages["installed"] if n.startswith("isage-")]
    print(f"zip {size_mb:.1f} MB; engine environment {du_mb(engine_env):.0f} MB, built offline in "
          f"{seen['build_seconds']} s")  # fmt: skip


def du_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6
