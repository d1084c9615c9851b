"""Run inside a fresh QGIS profile by tests/qgis/test_zip_install.py, with QGIS's own Python.

Loads the plugin installed from the zip, builds the managed engine environment through the plugin's own
code path (offline, from a wheel folder), then trains and predicts through the plugin's worker. Prints
one JSON object with what it saw. Arguments: SAMPLE_JSON ENV_DIR WHEEL_FOLDER WORK_DIR.
"""

import json
import sys
import time
from pathlib import Path

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QEventLoop, QTimer

sample_json, env_dir, wheel_folder, work = (Path(a) for a in sys.argv[1:5])
app = QgsApplication([], False)
app.initQgis()
import importlib.util  # noqa: E402

import qgis.utils  # noqa: E402  (after QGIS has started)

# What QGIS's Python start-up does: the profile's plugin folder is where plugins are looked for.
profile_plugins = Path(QgsApplication.qgisSettingsDirPath()) / "python" / "plugins"
qgis.utils.plugin_paths = [str(profile_plugins)]
sys.path.insert(0, str(profile_plugins))
assert importlib.util.find_spec("isage_core") is None, "QGIS's Python must not see an engine"
qgis.utils.updateAvailablePlugins()
assert qgis.utils.loadPlugin("isage_qgis"), "QGIS could not load the plugin"
import isage_qgis  # noqa: E402
from isage_qgis.engine.base_python import find_base_python  # noqa: E402
from isage_qgis.engine.discovery import env_python  # noqa: E402
from isage_qgis.engine.environment import EnvironmentBuilder, EnvRequest, build_steps, bundled_engine  # noqa: E402
from isage_qgis.engine.worker import run_engine  # noqa: E402
from isage_qgis.resources import plugin_version  # noqa: E402

seen: dict = {
    "plugin_file": isage_qgis.__file__,
    "plugin_version": plugin_version(),
    "profile_plugins": str(profile_plugins),
}
engine = bundled_engine()
assert engine is not None, "the zip carries no engine"
search = find_base_python()
assert search.python, search.message
steps = build_steps(EnvRequest(search.python, env_dir, engine, wheel_folder=str(wheel_folder)))
seen["commands"] = [s.command for s in steps]
builder = EnvironmentBuilder(steps)
done: list = []
loop = QEventLoop()
builder.finished.connect(lambda ok, message: (done.append((ok, message)), loop.quit()))
began = time.monotonic()
builder.start()
QTimer.singleShot(1500 * 1000, loop.quit)
if not done:
    loop.exec()
seen["built"] = done[0] if done else (False, "the builder did not finish in time")
seen["build_seconds"] = round(time.monotonic() - began, 1)

if seen["built"][0]:
    python = str(env_python(env_dir))
    seen["info"] = run_engine(python, ["info"], timeout=300)["environment"]
    sample = json.loads(sample_json.read_text())
    ws = str(work / "ws")
    classes = "0:background:#9e9e9e,1:car:#e53935,2:road:#3c3c3c,3:building:#ff9800,4:permeable:#43a047"
    run_engine(python, ["init", ws, "--classes", classes])
    run_engine(python, ["frames", "add", ws, sample["image"]])
    for row, col, class_id in sample["clicks"]:
        where = ["--frame", sample["frame"], "--class", str(class_id), "--row", str(row), "--col", str(col)]
        run_engine(python, ["click", "add", ws, *where, "--over-budget"])
    tiny = [
        *("--encoder", "tu-mobilenetv3_small_100", "--weights", "none"),
        *("--decoder-channels", "64,32,16,16,8", "--batch-size", "2", "--patch-size", "64"),
        *("--steps", "3", "--device", "cpu"),
    ]
    seen["train"] = run_engine(python, ["train", ws, *tiny], timeout=600)
    seen["predict"] = run_engine(
        python, ["predict", ws, "--tile-size", "256", "--overlap", "32"], timeout=600
    )

print(json.dumps(seen, default=str))
app.exitQgis()
