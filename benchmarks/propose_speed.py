"""How long ``isage propose`` takes per megapixel, beside ``isage predict`` of the same frame, in one run.

The sample's training frames are laid out into a mosaic (``overlap_quality.mosaic``), repeated to a
``--size`` square frame, and put in a new workspace with a few clicks per class taken from its mask; a
default network trains a few steps (its quality does not change the cost). Then ``propose`` and
``predict`` (each backend asked for) run as new processes, interleaved, ``--repeat`` times each. Prints
one JSON object: wall seconds (process start included), the engine's own seconds, and seconds per
megapixel of each. One untimed run of each first exports and guards the graphs, as a session's first
round does.

Example::

    python benchmarks/propose_speed.py --size 4096 --repeat 2 > docs/benchmark/proposals/propose_speed.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CLASSES = "0:background:#9e9e9e,1:car:#e53935,2:road:#3c3c3c,3:building:#ff9800,4:permeable:#43a047"


def engine(*args: str) -> tuple[dict, float]:
    """Run ``isage --json *args``; its result event and the wall seconds of the whole process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "isage_core.cli", "--json", *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0:
        raise SystemExit(
            f"isage {' '.join(args)} failed ({done.returncode}): {events[-1:]} {done.stderr[-2000:]}"
        )
    return next(e for e in events if e.get("event") == "result"), seconds


def square_frame(data: Path, size: int, out: Path) -> tuple[Path, np.ndarray]:
    """A ``size`` x ``size`` GeoTIFF repeating the training mosaic, and its mask."""
    import rasterio
    from overlap_quality import mosaic

    image_path, mask_path = mosaic(data, "train", 6, out)
    with rasterio.open(image_path) as src:
        image, profile = src.read(), src.profile
    with rasterio.open(mask_path) as src:
        mask = src.read(1)
    reps = (-(-size // image.shape[1]), -(-size // image.shape[2]))
    image = np.tile(image, (1, *reps))[:, :size, :size]
    mask = np.tile(mask, reps)[:size, :size]
    profile.update(width=size, height=size, tiled=True, blockxsize=512, blockysize=512, compress="deflate")
    path = out / "big.tif"
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(image)
    return path, mask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "bsb_toy"))
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--backends", default="auto,onnxruntime", help="predict backends timed beside propose"
    )
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    runs: dict[str, list[dict]] = {"propose": []}
    with tempfile.TemporaryDirectory() as tmp:
        frame, mask = square_frame(Path(args.data), args.size, Path(tmp))
        ws = str(Path(tmp) / "ws")
        engine("init", ws, "--classes", CLASSES)
        engine("frames", "add", ws, str(frame))
        for class_id in range(5):
            rows, cols = np.nonzero(mask == class_id)
            for index in rng.choice(len(rows), size=3, replace=False):
                where = ["--row", str(rows[index]), "--col", str(cols[index])]
                engine(
                    "click", "add", ws, "--frame", "big", "--class", str(class_id), *where, "--over-budget"
                )
        engine("train", ws, "--steps", "3")
        backends = [b for b in args.backends.split(",") if b]
        for backend in backends:
            runs[f"predict {backend}"] = []
        engine("propose", ws)  # warm-up, not timed: graphs exported and guarded once, as in a session
        for backend in backends:
            engine("predict", ws, "--backend", backend, "--out", str(Path(tmp) / backend))
        for _ in range(args.repeat):
            result, wall = engine("propose", ws)
            runs["propose"].append(
                {
                    "wall_s": round(wall, 2),
                    "engine_s": result["seconds"],
                    "proposals": result["proposals"],
                    "backend": result.get("backend"),
                }
            )
            for backend in backends:
                result, wall = engine("predict", ws, "--backend", backend, "--out", str(Path(tmp) / backend))
                runs[f"predict {backend}"].append(
                    {"wall_s": round(wall, 2), "backend": result.get("backend")}
                )
    megapixels = args.size * args.size / 1e6
    summary = {
        name: {
            "median_wall_s": round(statistics.median(r["wall_s"] for r in rows), 2),
            "s_per_megapixel": round(statistics.median(r["wall_s"] for r in rows) / megapixels, 3),
        }
        for name, rows in runs.items()
    }
    for name in summary:
        if name != "propose":
            summary[name]["propose_over_this"] = round(
                summary["propose"]["median_wall_s"] / summary[name]["median_wall_s"], 3
            )
    json.dump(
        {"size": args.size, "megapixels": round(megapixels, 2), "repeat": args.repeat,
         "machine": f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPUs",
         "summary": summary, "runs": runs},
        sys.stdout, indent=1,
    )  # fmt: skip
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
