"""Make docs/screenshot.png: QGIS desktop (under Xvfb) with the iSAGE plugin, frames, clicks, a prediction.

1. A short engine session on the bundled sample, in the engine's Python (subprocesses, the CLI): export
   the sample, ``init``, ``frames add`` (a 4x3 block of the sample grid), ``click import`` of the method
   authors' seed clicks, ``train`` (the default model and schedule), then a few iteration-1 clicks.
2. A throw-away QGIS profile with the staged plugin enabled; ``qgis --code screenshot_in_qgis.py`` opens
   the record in the iSAGE panel, presses Predict (the real engine run) and grabs the main window; then,
   as asked, Next proposal (``--proposal-out``) and the accuracy assessment (``--assessment-out``: Assess
   map with a small design, points labelled through the click tool's keys, a partial report).

Usage: ``python scripts/screenshot.py --plugin build/plugin/isage_qgis --engine-python .venv/bin/python``
(``make screenshot`` does this; ``--locale pt_BR`` runs QGIS and the plugin in Brazilian Portuguese).
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOG = logging.getLogger("isage.screenshot")
CLASSES = "0:background:#9e9e9e,1:car:#e53935,2:road:#3c3c3c,3:building:#ff9800,4:permeable area:#43a047"
GRID = (0, 1, 2, 3, 6, 7, 8, 9, 12, 13, 14, 15)  # a 4x3 block of the sample's 6-column grid
_EXPORT = """
import json, sys
from isage_core.benchmark.sample_data import export_sample, sample_root
layout = export_sample(sys.argv[1])
seeds = sample_root() / "sparse_masks_iter0"
print(json.dumps({"images": {k: str(v) for k, v in layout.train.images.items()},
                  "masks": {k: str(v) for k, v in layout.train.masks.items()},
                  "seeds": {k: str(seeds / (k.split("_", 1)[1] + ".png")) for k in layout.train.images}}))
"""
# A pixel of ``class`` near the centre of each given mask: the corrections an expert adds in iteration 1.
_PICK = """
import json, sys
import numpy as np, rasterio
picks = []
for path, name, cls in json.loads(sys.argv[1]):
    with rasterio.open(path) as src:
        mask = src.read(1)
    rows, cols = np.nonzero(mask == cls)
    if len(rows):
        i = int(np.argmin((rows - mask.shape[0] / 2) ** 2 + (cols - mask.shape[1] / 2) ** 2))
        picks.append([name, cls, int(rows[i]), int(cols[i])])
print(json.dumps(picks))
"""


def engine(python: str, *args: str) -> dict:
    """Run ``isage --json ARGS``; its result event (exits with the engine's error otherwise)."""
    done = subprocess.run([python, "-m", "isage_core.cli", "--json", *args], capture_output=True, text=True)
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0:
        sys.exit(f"isage {' '.join(args[:2])} failed: {events[-1:] or done.stderr[-2000:]}")
    return next(e for e in events if e["event"] == "result")


def engine_session(python: str, work: Path, steps: int | None) -> Path:
    """The workspace of the screenshot: frames, seed clicks, a trained model, iteration-1 clicks."""
    exported = subprocess.run([python, "-c", _EXPORT, str(work / "sample")], capture_output=True, text=True)
    if exported.returncode != 0:
        sys.exit(f"exporting the sample failed: {exported.stderr[-2000:]}")
    layout = json.loads(exported.stdout)
    names = [list(layout["images"])[i] for i in GRID]
    ws = work / "workspace"
    engine(python, "init", str(ws), "--classes", CLASSES)
    engine(python, "frames", "add", str(ws), *(layout["images"][n] for n in names))
    for name in names:
        engine(
            python,
            "click",
            "import",
            str(ws),
            layout["seeds"][name],
            "--frame",
            name,
            "--unlabelled",
            "5",
            "--annotator",
            "seed",
            "--over-budget",
        )
    LOG.info("training on %d frames (%s steps)", len(names), steps or "the default")
    engine(python, "train", str(ws), "--device", "cpu", *(["--steps", str(steps)] if steps else []))
    wanted = [(layout["masks"][n], n, cls) for n, cls in zip(names[1:4], (3, 1, 2), strict=True)]
    picks = subprocess.run(
        [python, "-c", _PICK, json.dumps(wanted)], capture_output=True, text=True, check=True
    )
    for name, cls, row, col in json.loads(picks.stdout):
        engine(
            python,
            "click",
            "add",
            str(ws),
            "--frame",
            name,
            "--class",
            str(cls),
            "--row",
            str(row),
            "--col",
            str(col),
            "--annotator",
            "ana",
        )
    return ws


def make_profile(root: Path, plugin: Path, engine_python: str, locale: str = "") -> None:
    """A QGIS profile folder with the plugin installed and enabled; QGIS's interface in ``locale`` if given
    (the plugin's translation follows it)."""
    profile = root / "profiles" / "default"
    shutil.copytree(plugin, profile / "python" / "plugins" / "isage_qgis")
    ini = profile / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_text(
        "[PythonPlugins]\nisage_qgis=true\n\n"
        f"[isage]\nengine_python={engine_python}\ndevice=cpu\nannotator=ana\nenforce_budget=true\n\n"
        "[qgis]\nshowTips=false\ncheckVersion=false\nwarnOldProjectVersion=false\n"
        + (f"\n[locale]\noverrideFlag=true\nuserLocale={locale}\n" if locale else ""),
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin", required=True, help="the staged plugin folder (make plugin-stage)")
    parser.add_argument("--engine-python", required=True)
    parser.add_argument("--out", default="docs/screenshot.png")
    parser.add_argument("--proposal-out", help="also grab the window after pressing Next proposal, here")
    parser.add_argument(
        "--assessment-out", help="also grab the window while assessing the map, after a partial report, here"
    )
    parser.add_argument(
        "--locale", default="", help="QGIS's interface locale, e.g. pt_BR (default: the system's)"
    )
    parser.add_argument("--steps", type=int, help="training steps (default: the engine's laptop schedule)")
    parser.add_argument("--workdir", help="keep the workspace and profile here (default: a temporary folder)")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--reuse", action="store_true", help="reuse the trained workspace of --workdir")
    a = parser.parse_args()
    python = str(Path(a.engine_python).absolute())
    out = Path(a.out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(a.workdir or tempfile.mkdtemp(prefix="isage_screenshot_")).resolve()
    reuse = a.reuse and (work / "workspace" / "clicks.gpkg").is_file()
    if a.workdir and work.exists():
        for child in work.iterdir() if reuse else [work]:
            if child.name not in ("workspace", "sample"):
                shutil.rmtree(child)
    work.mkdir(parents=True, exist_ok=True)
    ws = work / "workspace" if reuse else engine_session(python, work, a.steps)
    make_profile(work / "qgis", Path(a.plugin).resolve(), python, a.locale)
    log = out.with_suffix(".log")
    extra = [Path(path).resolve() for path in (a.proposal_out, a.assessment_out) if path]
    for path in (out, *extra):
        path.unlink(missing_ok=True)
    env = dict(
        os.environ,
        ISAGE_SHOT_WS=str(ws),
        ISAGE_SHOT_OUT=str(out),
        ISAGE_SHOT_LOG=str(log),
        ISAGE_SHOT_PROPOSAL_OUT=str(Path(a.proposal_out).resolve()) if a.proposal_out else "",
        ISAGE_SHOT_ASSESSMENT_OUT=str(Path(a.assessment_out).resolve()) if a.assessment_out else "",
        ISAGE_PYTHON=python,
        QT_QPA_PLATFORM="xcb",
    )
    command = [
        "xvfb-run",
        "-a",
        "-s",
        "-screen 0 1280x800x24",
        "qgis",
        "--nologo",
        "--noversioncheck",
        "--profiles-path",
        str(work / "qgis"),
        "--code",
        str(HERE / "screenshot_in_qgis.py"),
    ]
    LOG.info("running QGIS under Xvfb")
    qgis = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        qgis.wait(timeout=a.timeout)
    except subprocess.TimeoutExpired:
        LOG.warning("QGIS did not exit within %s s; stopping it", a.timeout)
        os.killpg(qgis.pid, signal.SIGTERM)  # xvfb-run, Xvfb and QGIS: the process group started here
        qgis.wait(timeout=30)
    missing = [str(path) for path in (out, *extra) if not path.is_file()]
    if missing:
        details = log.read_text(encoding="utf-8") if log.is_file() else "no log"
        sys.exit(f"no screenshot was written to {', '.join(missing)}; {details}")
    log.unlink(missing_ok=True)
    if not a.workdir:
        shutil.rmtree(work, ignore_errors=True)
    for path in (out, *extra):
        LOG.info("wrote %s", path)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main()
