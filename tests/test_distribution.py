"""The engine's identity: one version everywhere, its own name on the index, and an honest ``isage info``."""

from __future__ import annotations

import configparser
import json
import subprocess
import sys
from pathlib import Path

import isage_core

REPO = Path(__file__).resolve().parents[1]


def test_one_version_for_the_plugin_and_the_engine():
    metadata = configparser.ConfigParser(interpolation=None)
    metadata.read(REPO / "metadata.txt", encoding="utf-8")
    assert metadata.get("general", "version") == isage_core.__version__
    project = (REPO / "pyproject.toml").read_text()
    assert '\nname = "geoisage"\n' in project and '\ndynamic = ["version"]\n' in project
    for field in ("about", "tracker", "repository", "homepage", "license", "qgisMinimumVersion"):
        assert metadata.get("general", field).strip(), field


def torch_has_gpu() -> bool:
    import torch

    mps = getattr(torch.backends, "mps", None)
    return torch.cuda.is_available() or bool(mps and mps.is_available())


def test_info_reports_what_training_can_use_in_a_fresh_process(tmp_path):
    """A new engine process (nothing imported yet) sees smp and timm as training does, even beside a
    torchvision built for another torch (this machine: PyPI's CUDA torchvision with the CPU torch)."""
    done = subprocess.run(
        [sys.executable, "-m", "isage_core.cli", "--json", "info"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = next(json.loads(line) for line in done.stdout.splitlines() if '"result"' in line)
    report = result["environment"]
    assert report["isage"] == isage_core.__version__ and report["distribution"] == "geoisage"
    assert report["can_train"] is True and report["problems"] == []
    for key in ("smp", "timm", "torchvision", "rasterio", "numpy", "onnxruntime", "onnx", "openvino"):
        assert report[key][0].isdigit(), (key, report[key])
    if not torch_has_gpu():
        openvino = report["openvino"].split("-")[0]
        assert report["prediction_backend"].startswith(f"OpenVINO {openvino} on the CPU in ")
    import torch

    assert report["torch_build"] == ("cpu" if torch.version.cuda is None else f"cuda {torch.version.cuda}")
