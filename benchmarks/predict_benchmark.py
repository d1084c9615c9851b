"""Prediction throughput and peak memory on a synthetic raster; prints one JSON line.

Examples::

    python benchmarks/predict_benchmark.py --size 4096                      # default encoder, megapixels/s
    python benchmarks/predict_benchmark.py --size 20000 --tiny --heatmaps confidence   # peak RSS, tiny model

The synthetic raster (smooth patterns plus noise, uint8, tiled GeoTIFF) is written block by block and kept
for reuse; prediction runs in a child process whose own ``ru_maxrss`` is reported as its peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_raster(path: Path, size: int, bands: int, block: int = 2048) -> None:
    """A ``size`` x ``size`` uint8 GeoTIFF written block by block (memory independent of size)."""
    import rasterio
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    if path.exists():
        return
    tmp = path.with_suffix(".partial.tif")
    profile = dict(
        driver="GTiff",
        width=size,
        height=size,
        count=bands,
        dtype="uint8",
        crs="EPSG:31983",
        transform=from_origin(190000.0, 8250000.0, 0.25, 0.25),
        tiled=True,
        blockxsize=512,
        blockysize=512,
        compress="deflate",
        BIGTIFF="IF_SAFER",
    )
    rng = np.random.default_rng(0)
    with rasterio.open(tmp, "w", **profile) as dst:
        for row in range(0, size, block):
            for col in range(0, size, block):
                h, w = min(block, size - row), min(block, size - col)
                yy, xx = np.mgrid[row : row + h, col : col + w].astype(np.float32)
                for band in range(bands):
                    base = 128 + 60 * np.sin(xx / (37.0 + 11 * band)) * np.cos(yy / (53.0 + 7 * band))
                    noise = rng.integers(-20, 21, size=(h, w))
                    dst.write(
                        np.clip(base + noise, 0, 255).astype(np.uint8),
                        band + 1,
                        window=Window(col, row, w, h),
                    )
    os.replace(tmp, path)


def child(args: argparse.Namespace) -> dict:
    """Build the model, predict the raster, report time and this process's peak RSS."""
    import torch

    from isage_core.inference.predict import predict_frame
    from isage_core.model.network import build_network
    from isage_core.settings import ModelMeta, PredictSettings

    encoder = "tu-mobilenetv3_small_100" if args.tiny else args.encoder
    meta = ModelMeta(
        architecture="unet",
        encoder=encoder,
        in_channels=args.bands,
        class_ids=list(range(5)),
        class_names=[f"class {i}" for i in range(5)],
        class_colors=["#808080"] * 5,
        bands=list(range(1, args.bands + 1)),
        mean=[128.0] * args.bands,
        std=[50.0] * args.bands,
        decoder_channels=[64, 32, 16, 16, 8] if args.tiny else None,
    )
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = torch.device(args.device)
    network = build_network(meta).to(device).eval()
    settings = PredictSettings(
        tile_size=args.tile,
        overlap=args.overlap,
        block_size=args.block,
        batch_size=args.batch,
        heatmaps=tuple(args.heatmaps.split(",")) if args.heatmaps else (),
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    paths = predict_frame(args.raster, network, meta, out, "bench", settings, device=device)
    seconds = time.perf_counter() - start
    megapixels = args.size * args.size / 1e6
    return {
        "encoder": encoder,
        "size": args.size,
        "bands": args.bands,
        "tile": args.tile,
        "overlap": args.overlap,
        "block": args.block,
        "batch": args.batch,
        "heatmaps": args.heatmaps,
        "device": str(device),
        "threads": torch.get_num_threads(),
        "seconds": round(seconds, 2),
        "megapixels": round(megapixels, 2),
        "megapixels_per_s": round(megapixels / seconds, 4),
        "peak_rss_before_predict_mb": round(rss_before, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "outputs_mb": round(sum(p.stat().st_size for p in paths.values()) / 2**20, 1),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
        "load_average": [round(v, 2) for v in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=4096)
    parser.add_argument("--bands", type=int, default=3)
    parser.add_argument("--encoder", default="tu-efficientnet_lite0")
    parser.add_argument("--tiny", action="store_true", help="tiny U-Net (mobilenetv3_small, small decoder)")
    parser.add_argument("--tile", type=int, default=512)
    parser.add_argument("--overlap", type=int, default=64)
    parser.add_argument("--block", type=int, default=3072)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--heatmaps", default="confidence", help="comma-separated, or empty for classes only")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    parser.add_argument("--raster", help="synthetic raster path (created if missing)")
    parser.add_argument("--out", default="/tmp/isage_benchmark/out")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.raster is None:
        args.raster = f"/tmp/isage_benchmark/synthetic_{args.size}_{args.bands}b.tif"
    if args.child:
        sys.stdout.write(json.dumps(child(args)) + "\n")
        return
    Path(args.raster).parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    make_raster(Path(args.raster), args.size, args.bands)
    made = time.perf_counter() - start
    result = subprocess.run(
        [sys.executable, __file__, *sys.argv[1:], "--raster", args.raster, "--child"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(result.returncode)
    record = json.loads(result.stdout.strip().splitlines()[-1])
    record["raster_seconds"] = round(made, 1)
    sys.stdout.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
