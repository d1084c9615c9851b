"""The loopback imitation of online imagery services (``tests/imagery_server.py``) for the plugin tests.

The test process stays like QGIS (no rasterio or numpy here): the world raster is made and the server runs in
the engine's Python, in a child process driven over its stdin/stdout as ``ImageryServer`` drives it.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .click_testutil import PY

REPO = Path(__file__).resolve().parents[2]
TILE, HALF = 256, 20037508.342789244
_WORLD = (
    "import json, sys\n"
    "from tests.imagery_server import World, make_world_raster\n"
    "world = World(make_world_raster(sys.argv[1]))\n"
    "print(json.dumps({'bounds': world.bounds, 'zoom': world.zoom, 'tiles': world.tiles}))\n"
)
NO_FAULTS = {
    "tile_status": [], "status_all": None, "html_error": False, "delay_s": 0.0, "auth": None,
    "fail_after": None, "kill_connection_after": None, "imagery_version": 0,
}  # fmt: skip


def tile_resolution(zoom: int) -> float:
    return 2 * HALF / (TILE * 2**zoom)


class LoopbackImagery:
    """XYZ tiles at ``/xyz/{z}/{x}/{y}.png``, a WMTS (``wmts_url``) and a WMS (``wms_url``) of the world
    raster (1024 x 768 px at zoom 19 in EPSG:3857, ``bounds``), on 127.0.0.1. ``set_faults(**faults)``
    injects the failures of ``tests.imagery_server.Faults`` (``tile_status`` as ``{(z, x, y): status}``)."""

    def __init__(self, folder: Path):
        world = Path(folder) / "world.tif"
        done = subprocess.run(
            [PY, "-c", _WORLD, str(world)], cwd=REPO, capture_output=True, text=True, timeout=120, check=True
        )
        described = json.loads(done.stdout.strip().splitlines()[-1])
        self.bounds = tuple(described["bounds"])
        self.zoom = int(described["zoom"])
        self.tiles = [tuple(t) for t in described["tiles"]]
        self.world, self.files = world, Path(folder) / "files"
        self.files.mkdir(exist_ok=True)
        self.faults = dict(NO_FAULTS)
        self._process: subprocess.Popen | None = None

    def start(self) -> LoopbackImagery:
        command = [PY, "-m", "tests.imagery_server", str(self.world), str(self.files), "127.0.0.1"]
        self._process = subprocess.Popen(command, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         text=True)  # fmt: skip
        started = self._process.stdout.readline()
        if not started:
            self.stop()
            raise RuntimeError("the imagery server did not start (its stderr tells why)")
        self.url = f"http://127.0.0.1:{json.loads(started)['port']}"
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process.stdout.close()
            self._process = None

    def _command(self, op: str, **arguments) -> dict:
        self._process.stdin.write(json.dumps({"op": op, **arguments}) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the imagery server process has ended (its stderr tells why)")
        return json.loads(line)

    def set_faults(self, **faults) -> None:
        """Set these faults (the others as they were); ``reset_faults()`` clears them all."""
        for key, value in faults.items():
            if key == "tile_status":
                value = [[*map(int, tile), int(status)] for tile, status in value.items()]
            elif key == "auth" and value is not None:
                value = list(value)
            self.faults[key] = value
        self._command("faults", faults=self.faults)

    def reset_faults(self) -> None:
        self.faults = dict(NO_FAULTS)
        self._command("faults", faults=self.faults)

    @property
    def requests(self) -> list[dict]:
        """The requests so far (method, path, range, status), in arrival order."""
        return self._command("log")["log"]

    @property
    def xyz_template(self) -> str:
        return self.url + "/xyz/{z}/{x}/{y}.png"

    @property
    def wmts_url(self) -> str:
        return f"{self.url}/wmts/WMTSCapabilities.xml"

    @property
    def wms_url(self) -> str:
        return f"{self.url}/wms"

    def extent(self, col0: int, row0: int, col1: int, row1: int) -> tuple[float, float, float, float]:
        """Map extent (EPSG:3857) of world pixels ``[col0, col1) x [row0, row1)`` at zoom 19."""
        res = tile_resolution(self.zoom)
        left, top = self.bounds[0], self.bounds[3]
        return left + col0 * res, top - row1 * res, left + col1 * res, top - row0 * res

    def __enter__(self) -> LoopbackImagery:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
