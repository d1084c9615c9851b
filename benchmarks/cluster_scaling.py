"""Cluster prediction on this machine: 1 and 2 Dask workers against the one-process path, in one run.

On a synthetic ``--size``² uint8 raster (``predict_benchmark.make_raster``) and a default-network
checkpoint with seeded weights (``predict_backends.checkpoint``), each configuration is a new
``isage predict --raster`` process, as a user runs it, with the same parts (``--block-size``):

- ``one_process``: the in-process path with ``--threads 2`` (every CPU here);
- ``workers_1`` / ``workers_2``: ``--local-workers N`` with 1 thread each;
- ``assembly``: ``--resume --cog`` on the finished parts of ``workers_2``: nothing is computed, the VRT
  and the COG of each output are assembled (timed separately).

Reported per run: wall time, the engine's own split (start-up, parts, summed compute, assembly), Mpx/s,
and the scheduler's overhead per part ((parts time x workers - summed compute) / parts). The outputs
are then compared pixel by pixel: the cluster runs with each other (must be identical) and with the
one-process run at 2 threads (``--determinism``: what a thread count changes, for each backend).

Example::

    python benchmarks/cluster_scaling.py --size 6144 --block-size 1536 --out docs/benchmark/cluster/run.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from predict_backends import checkpoint  # noqa: E402  (a sibling script)
from predict_benchmark import make_raster  # noqa: E402

KINDS = ("classes", "confidence")


def isage(*argv: str) -> tuple[dict, float]:
    """Run ``isage --json ARGV`` in a new process; its result event and the wall time."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "isage_core.cli", "--json", *argv], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"isage {' '.join(argv)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    events = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return next(e for e in events if e["event"] == "result"), wall


def read(path: str | Path) -> np.ndarray:
    import rasterio

    with rasterio.open(path) as src:
        return src.read(1)


def compare(a: dict[str, str], b: dict[str, str]) -> dict:
    """How two runs' outputs differ: class pixels changed, largest confidence difference."""
    classes = read(a["classes"]) != read(b["classes"])
    confidence = np.abs(read(a["confidence"]).astype(np.float64) - read(b["confidence"]))
    return {
        "identical": bool(not classes.any() and not confidence.any()),
        "class_pixels_differing": int(classes.sum()),
        "class_pixels_differing_pct": round(100 * float(classes.mean()), 6),
        "max_confidence_difference": float(confidence.max()),
    }


def outputs(result: dict, stem: str) -> dict[str, str]:
    found = result["outputs"]
    return {kind: found.get(kind) or found[f"{stem}_{kind}"] for kind in KINDS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=6144)
    parser.add_argument("--block-size", type=int, default=1536)
    parser.add_argument("--work", type=Path, default=Path("runs/cluster_scaling"))
    parser.add_argument("--determinism", type=int, default=2048, help="raster side of the thread-count check")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    raster = args.work / f"raster_{args.size}.tif"
    make_raster(raster, args.size, 3)
    model = checkpoint(args.work / "lite0.safetensors", tiny=False)
    mpx = args.size**2 / 1e6
    common = ["predict", "--raster", str(raster), "--model", str(model), "--block-size", str(args.block_size)]
    common += ["--heatmaps", "confidence"]
    warm = ["--extent", "190000", "8249800", "190200", "8250000", "--backend", "onnxruntime"]
    isage(*common, "--out", str(args.work / "warm"), *warm)  # exports the graph once, as users have it
    report: dict = {
        "size": args.size,
        "block_size": args.block_size,
        "mpx": round(mpx, 3),
        "cpus": os.cpu_count(),
    }
    runs = {
        "one_process": ["--threads", "2"],
        "workers_1": ["--local-workers", "1"],
        "workers_2": ["--local-workers", "2"],
    }
    produced = {}
    for name, extra in runs.items():
        result, wall = isage(*common, "--out", str(args.work / name), *extra)
        produced[name] = outputs(result, raster.stem)
        entry = {"wall_s": round(wall, 2), "mpx_per_s": round(mpx / wall, 3), "backend": result["backend"]}
        if "parts" in result:
            workers = result["workers"]
            entry.update({k: result[k] for k in ("workers", "parts", "startup_s", "parts_s", "compute_s")})
            entry["assembly_s"] = result["assembly_s"]
            entry["startup_share"] = round(result["startup_s"] / wall, 3)
            entry["mpx_per_s_parts"] = round(mpx / result["parts_s"], 3)
            idle = result["parts_s"] * workers - result["compute_s"]
            entry["overhead_per_part_s"] = round(idle / result["parts"], 3)
        report[name] = entry
        print(name, json.dumps(entry), file=sys.stderr)
    result, wall = isage(
        *common, "--out", str(args.work / "workers_2"), "--local-workers", "2", "--resume", "--cog"
    )
    report["assembly"] = {
        "wall_s": round(wall, 2),
        "parts_computed": result["parts_computed"],
        "assembly_s": result["assembly_s"],
    }
    w1, w2 = report["workers_1"], report["workers_2"]
    report["speedup_2_over_1_workers"] = round(w1["wall_s"] / w2["wall_s"], 3)
    report["speedup_2_over_1_workers_parts"] = round(w1["parts_s"] / w2["parts_s"], 3)
    report["workers_2_over_one_process"] = round(report["one_process"]["wall_s"] / w2["wall_s"], 3)
    report["workers_1_vs_workers_2"] = compare(produced["workers_1"], produced["workers_2"])
    report["one_process_2_threads_vs_workers"] = compare(produced["one_process"], produced["workers_2"])
    if args.determinism:
        report["threads_1_vs_2"] = thread_counts(args, model)
    text = json.dumps(report, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)


def thread_counts(args, model: Path) -> dict:
    """For each backend, the one-process path at 1 and at 2 threads on a smaller raster."""
    raster = args.work / f"raster_{args.determinism}.tif"
    make_raster(raster, args.determinism, 3)
    found = {}
    for backend in ("onnxruntime", "torch"):
        runs = {}
        for threads in (1, 2):
            out = args.work / f"threads_{backend}_{threads}"
            argv = ["predict", "--raster", str(raster), "--model", str(model), "--out", str(out)]
            argv += ["--backend", backend, "--threads", str(threads), "--heatmaps", "confidence"]
            result, _ = isage(*argv)
            runs[threads] = outputs(result, raster.stem)
        found[backend] = compare(runs[1], runs[2])
    return found


if __name__ == "__main__":
    main()
