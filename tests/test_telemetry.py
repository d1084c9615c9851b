"""Nothing leaves the machine unasked: OpenVINO's telemetry client stays off in the engine."""

import json
import os
import subprocess
import sys

PROBE = """
import json, multiprocessing, sys
from isage_core.cli.main import main
main(["--json", "info"])
from isage_core.inference.openvino_backend import openvino_version
import openvino.tools.ovc.telemetry_utils as telemetry
sys.stderr.write(json.dumps({"module": telemetry.tm.__name__, "openvino": openvino_version(),
                             "children": len(multiprocessing.active_children())}))
"""


def test_importing_openvino_through_the_engine_sends_and_writes_nothing(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "CI": "", "TF_BUILD": "", "JENKINS_URL": ""}
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    probe = json.loads(proc.stderr.strip().splitlines()[-1])
    assert probe["openvino"]  # OpenVINO itself works
    assert probe["module"].endswith("telemetry_stub") and probe["children"] == 0
    assert not (tmp_path / "intel").exists()  # no client id, no consent file, no stats
