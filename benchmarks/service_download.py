"""Download throughput of a service frame: ``isage frames add`` of an XYZ extent from the tests' loopback
imitation of a tile service (``tests/imagery_server.py``: real aerial patches as 256-pixel PNG tiles), cold
(every tile over HTTP) and warm (every tile from the workspace's cache: a resumed download), with and
without a per-tile delay standing for a remote server's latency.

Prints one JSON object: per case, the frame size, seconds (median of ``--repeat``), megapixels and
megabytes of tiles per second.

Example::

    python benchmarks/service_download.py --tiles 16 12 --repeat 3 --delay 0.05
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def isage(*argv) -> dict:
    """Run the engine CLI in its own process (as the plugin does); its JSON result event."""
    done = subprocess.run(
        [sys.executable, "-m", "isage_core.cli", "--json", *map(str, argv)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    events = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0:
        raise SystemExit(f"isage {' '.join(map(str, argv))}: {events[-1] if events else done.stderr[-500:]}")
    return events[-1]


def main() -> None:
    from tests.imagery_server import ImageryServer, make_world_raster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiles", type=int, nargs=2, default=(16, 12), help="world size in tiles (x y)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.05, help="seconds the server waits per tile")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="isage-download-"))
    results = {}
    try:
        world = make_world_raster(scratch / "world" / "world.tif", tiles=tuple(args.tiles))
        with ImageryServer(world) as server:
            template = server.url + "/xyz/{z}/{x}/{y}.png"
            box = [str(v) for v in server.bounds]
            tile_bytes = None
            for delay in sorted({0.0, args.delay}):
                server.faults.delay_s = delay
                cold, warm = [], []
                for run in range(args.repeat):
                    ws = scratch / f"ws_{delay}_{run}"
                    isage("init", ws, "--classes", "1:a:#ff0000,2:b:#00ff00")
                    began = time.perf_counter()
                    result = isage(
                        "frames", "add", ws, template, "--zoom", 19, "--extent", *box, "--name", "a"
                    )
                    cold.append(time.perf_counter() - began)
                    tile_bytes = sum(
                        p.stat().st_size for p in (ws / "cache" / "tiles").rglob("*") if p.is_file()
                    )
                    again = scratch / f"again_{delay}_{run}"  # a resumed download: every tile in the cache
                    isage("init", again, "--classes", "1:a:#ff0000,2:b:#00ff00")
                    shutil.copytree(ws / "cache", again / "cache")
                    began = time.perf_counter()
                    isage("frames", "add", again, template, "--zoom", 19, "--extent", *box, "--name", "a")
                    warm.append(time.perf_counter() - began)
                width, height = result["fetched"]["a"]["size"]
                for case, times in ((f"cold_delay_{delay}", cold), (f"warm_delay_{delay}", warm)):
                    seconds = statistics.median(times)
                    results[case] = {
                        "size": [width, height],
                        "seconds": round(seconds, 3),
                        "times": [round(t, 3) for t in times],
                        "megapixels_per_s": round(width * height / 1e6 / seconds, 2),
                        "tile_megabytes_per_s": round(tile_bytes / 1e6 / seconds, 2),
                    }
            results["tiles"] = args.tiles[0] * args.tiles[1]
            results["tile_megabytes"] = round(tile_bytes / 1e6, 2)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    json.dump(results, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
