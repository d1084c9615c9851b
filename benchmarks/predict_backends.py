"""Prediction throughput by backend, in one run: forward passes alone against end-to-end ``isage predict``.

On a synthetic ``--size``² uint8 raster (``predict_benchmark.make_raster``) and a default-network
checkpoint with random weights, interleaved ``--repeat`` times and reported as medians:

- ``openvino_bf16_forward`` / ``openvino_f32_forward`` / ``onnxruntime_forward`` (``torch_forward`` with
  ``--torch``): the backend's forward passes alone, on exactly the tiles (and batches) the pipeline runs
  for that raster, built beforehand and run as the pipeline runs them (OpenVINO: one batch per stream at
  once); reading and blending are not timed;
- ``end_to_end``: ``isage predict --raster`` as a user runs it (a new process, the graph and its precision
  guard already cached, classes and confidence written with overviews), wall time; ``end_to_end_f32``
  the same with ``--precision f32`` (a CPU without bfloat16), ``end_to_end_onnxruntime`` with
  ``--backend onnxruntime`` (the previous default);
- ``baseline_end_to_end`` (with ``--baseline CHECKOUT``): the same command of another checkout of the
  engine, such as the commit before this pipeline, at its own default settings.

Throughputs are megapixels of the raster per second. ``--memory-sizes`` adds the peak RSS of
end-to-end runs at several raster sizes (with ``--memory-tiny``: the tiny network), and
``--train-to-layers`` the panel's Train → layers time (``train_to_layers.py --warm --repeat 3``, headless
QGIS). Prints one JSON object.

Example::

    python benchmarks/predict_backends.py --size 6144 --repeat 3 --baseline /tmp/base --out runs/pb.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from predict_benchmark import make_raster  # noqa: E402  (a sibling script)


def checkpoint(path: Path, tiny: bool) -> Path:
    """A U-Net checkpoint with seeded random weights (the default network, or the tiny one)."""
    import torch

    from isage_core.model.checkpoint import save_checkpoint
    from isage_core.model.network import build_network
    from isage_core.settings import ModelMeta

    if path.exists():
        return path
    meta = ModelMeta(
        architecture="unet",
        encoder="tu-mobilenetv3_small_100" if tiny else "tu-efficientnet_lite0",
        in_channels=3,
        class_ids=list(range(5)),
        class_names=[f"class {i}" for i in range(5)],
        class_colors=["#808080"] * 5,
        bands=[1, 2, 3],
        mean=[128.0] * 3,
        std=[50.0] * 3,
        decoder_channels=[64, 32, 16, 16, 8] if tiny else None,
    )
    torch.manual_seed(0)
    return save_checkpoint(path, build_network(meta).eval(), meta)


def pipeline_batches(raster: Path, settings):
    """The batches of normalised tiles the pipeline runs on ``raster``, in its order (a generator)."""
    from isage_core.geo import iter_blocks, open_raster, valid_mask
    from isage_core.inference.tiling import TileRunner, padded_read
    from isage_core.model.checkpoint import read_meta
    from isage_core.model.normalization import normalise, read_bands

    meta = read_meta(MODEL)
    runner = TileRunner(_NoBackend(), meta, settings, None, None)
    with open_raster(raster) as src:

        def read(window):
            return normalise(read_bands(src, meta.bands, window), meta.mean, meta.std)

        for block in iter_blocks(src.width, src.height, settings.block_size):
            tiles = runner.block_tiles(src.height, src.width, block, valid_mask(src, block))
            for start in range(0, len(tiles), settings.batch_size):
                chunk = tiles[start : start + settings.batch_size]
                t = settings.tile_size
                yield np.stack(
                    [padded_read(read, src.height, src.width, r, r + t, c, c + t) for r, c in chunk]
                )


class _NoBackend:
    name = "none"

    def probabilities(self, batch):  # pragma: no cover - never called: only the tile layout is used
        raise NotImplementedError


def forward_seconds(backend_name: str, raster: Path, settings, precision: str = "auto") -> tuple[float, int]:
    """Seconds of the backend's forward passes over the pipeline's tiles (the batches built beforehand,
    run as the pipeline runs them: OpenVINO's streams each computing a batch), and the tiles run."""
    from isage_core.inference.backends import load_predictor

    predictor = load_predictor(MODEL, backend=backend_name, device="cpu", precision=precision)
    batches = list(pipeline_batches(raster, settings))
    backend = predictor.backend
    stream = getattr(backend, "stream_probabilities", None) or (lambda b: map(backend.probabilities, b))
    start = time.perf_counter()
    for _ in stream(batches):
        pass
    return time.perf_counter() - start, sum(len(batch) for batch in batches)


def end_to_end(raster: Path, model: Path, out: Path, checkout: Path | None = None, extra=()) -> dict:
    """Wall time and result of ``isage predict --raster`` in a new process (``checkout``: that engine)."""
    env = dict(os.environ)
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
    command = [sys.executable, "-m", "isage_core.cli.main", "--json", "predict", "--raster", str(raster)]
    command += ["--model", str(model), "--out", str(out), "--heatmaps", "confidence", *extra]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=str(checkout or ROOT))
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    result = next(json.loads(line) for line in done.stdout.splitlines() if '"result"' in line)
    return {"seconds": seconds, "result": result}


def peak_rss_child(raster: Path, model: Path, out: Path) -> float:
    """Peak RSS (MB) of one ``isage predict`` process, measured by a wrapper process of its own."""
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    command = [sys.executable, "-m", "isage_core.cli.main", "--json", "predict", "--raster", str(raster)]
    command += ["--model", str(model), "--out", str(out), "--heatmaps", "confidence"]
    done = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, check=True)
    return round(int(done.stdout.strip()) / 1024, 1)


MODEL = Path()


def main() -> None:
    global MODEL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=6144)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", default="/tmp/isage_predict_backends")
    parser.add_argument("--baseline", help="a checkout of the engine to compare end to end")
    parser.add_argument("--memory-sizes", default="", help="comma list of raster sizes for peak RSS")
    parser.add_argument("--memory-tiny", action="store_true", help="the tiny network for the memory runs")
    parser.add_argument("--train-to-layers", action="store_true", help="also time Train -> layers (QGIS)")
    parser.add_argument("--out", help="also write the JSON here")
    parser.add_argument("--torch", action="store_true", help="also time PyTorch's forward passes (slow)")
    parser.add_argument(
        "--model", help="a trained checkpoint (default: the default network with seeded random weights, "
        "whose near-uniform outputs may fail the bfloat16 guard)",
    )  # fmt: skip
    args = parser.parse_args()

    import torch

    from isage_core.inference.backends import load_predictor
    from isage_core.settings import PredictSettings

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    raster = work / f"synthetic_{args.size}.tif"
    make_raster(raster, args.size, 3)
    if args.model:
        MODEL = work / "trained.safetensors"
        if not MODEL.exists():
            shutil.copy(args.model, MODEL)
    else:
        MODEL = checkpoint(work / "model.safetensors", tiny=False)
    load_predictor(MODEL, backend="openvino")  # export once: end-to-end runs find the graph and guard cached
    settings = PredictSettings()
    megapixels = args.size * args.size / 1e6
    forwards = {"openvino_bf16": ("openvino", "bf16"), "openvino_f32": ("openvino", "f32")}
    forwards["onnxruntime"] = ("onnxruntime", "auto")
    if args.torch:
        forwards["torch"] = ("torch", "auto")
    variants = {"end_to_end": (), "end_to_end_f32": ("--precision", "f32")}
    variants["end_to_end_onnxruntime"] = ("--backend", "onnxruntime")
    runs: dict[str, list[float]] = {f"{k}_forward": [] for k in forwards} | {k: [] for k in variants}
    if args.baseline:
        runs["baseline_end_to_end"] = []
    tiles, backends_used = 0, {}
    for _ in range(args.repeat):
        for key, (name, precision) in forwards.items():
            seconds, tiles = forward_seconds(name, raster, settings, precision)
            runs[f"{key}_forward"].append(seconds)
        for key, extra in variants.items():
            run = end_to_end(raster, MODEL, work / key, extra=extra)
            runs[key].append(run["seconds"])
            backends_used[key] = run["result"].get("backend"), run["result"].get("backend_reason")
        if args.baseline:
            baseline = end_to_end(raster, MODEL, work / "base", Path(args.baseline))
            runs["baseline_end_to_end"].append(baseline["seconds"])
    medians = {key: statistics.median(values) for key, values in runs.items()}
    throughput = {key: round(megapixels / value, 4) for key, value in medians.items()}
    forward_of = {"openvino-bf16": "openvino_bf16_forward", "openvino-f32": "openvino_f32_forward"}
    forward_of["onnxruntime"] = "onnxruntime_forward"
    report = {
        "size": args.size,
        "megapixels": round(megapixels, 2),
        "settings": {k: getattr(settings, k) for k in ("tile_size", "overlap", "batch_size", "block_size")},
        "tiles_run": tiles,
        "tile_pixels_per_raster_pixel": round(tiles * settings.tile_size**2 / (args.size**2), 3),
        "threads": torch.get_num_threads(),
        "end_to_end_backends": backends_used,
        "seconds": {key: [round(v, 2) for v in values] for key, values in runs.items()},
        "median_seconds": {key: round(v, 2) for key, v in medians.items()},
        "megapixels_per_s": throughput,
        "ratios": {
            # end to end against the forward passes of the backend that end-to-end run used
            f"{key}_over_its_forward": round(medians[forward_of[used[0]]] / medians[key], 3)
            for key, used in backends_used.items()
            if used[0] in forward_of
        }
        | {
            "openvino_bf16_over_onnxruntime_forward": round(
                medians["onnxruntime_forward"] / medians["openvino_bf16_forward"], 3
            ),
            "openvino_f32_over_onnxruntime_forward": round(
                medians["onnxruntime_forward"] / medians["openvino_f32_forward"], 3
            ),
            "end_to_end_over_end_to_end_onnxruntime": round(
                medians["end_to_end_onnxruntime"] / medians["end_to_end"], 3
            ),
        },
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }
    if args.baseline:
        report["ratios"]["end_to_end_over_baseline"] = round(
            medians["baseline_end_to_end"] / medians["end_to_end"], 3
        )
    if args.memory_sizes:
        model = checkpoint(work / "tiny.safetensors", tiny=True) if args.memory_tiny else MODEL
        memory = {}
        for size in (int(v) for v in args.memory_sizes.split(",")):
            path = work / f"synthetic_{size}.tif"
            make_raster(path, size, 3)
            start = time.perf_counter()
            memory[size] = {"peak_rss_mb": peak_rss_child(path, model, work / f"mem_{size}")}
            memory[size]["seconds"] = round(time.perf_counter() - start, 1)
        report["peak_memory"] = {"network": "tiny" if args.memory_tiny else "default", "by_size": memory}
    if args.train_to_layers:
        script = ROOT / "benchmarks" / "train_to_layers.py"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        done = subprocess.run(
            [sys.executable, str(script), "--warm", "--repeat", "3"], capture_output=True, text=True, env=env
        )
        if done.returncode != 0:
            raise SystemExit(f"train_to_layers.py failed:\n{done.stderr[-2000:]}")
        report["train_to_layers"] = json.loads(done.stdout.strip().splitlines()[-1])
    text = json.dumps(report, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
