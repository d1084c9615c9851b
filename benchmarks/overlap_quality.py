"""How the tile overlap changes a prediction: mIoU and agreement with a wide-overlap prediction.

The sample's frames are laid out into one mosaic raster (with its dense mask), predicted with one
checkpoint at several overlaps, and each class raster is compared with the reference mask (mIoU) and with
the prediction at the widest overlap (pixel agreement, and agreement within ``--seam`` pixels of a tile
edge, where blending matters). Prints one JSON object.

Example::

    python benchmarks/overlap_quality.py --model runs/.../iteration_003.safetensors --overlaps 0,32,64,128,192
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def mosaic(folder: Path, split: str, columns: int, out: Path) -> tuple[Path, Path]:
    """The frames of ``split`` laid out in rows of ``columns``, as an image and a mask GeoTIFF."""
    import rasterio
    from PIL import Image
    from rasterio.transform import from_origin

    names = sorted((p.stem for p in (folder / f"image_{split}").glob("*.png")), key=int)
    rows = len(names) // columns
    names = names[: rows * columns]
    images = [np.asarray(Image.open(folder / f"image_{split}" / f"{n}.png")) for n in names]
    masks = [np.asarray(Image.open(folder / f"mask_{split}" / f"{n}.png")) for n in names]
    size = images[0].shape[0]
    image = np.zeros((3, rows * size, columns * size), dtype=np.uint8)
    mask = np.zeros((rows * size, columns * size), dtype=np.uint8)
    for index, (img, msk) in enumerate(zip(images, masks, strict=True)):
        r, c = divmod(index, columns)
        image[:, r * size : (r + 1) * size, c * size : (c + 1) * size] = img.transpose(2, 0, 1)[:3]
        mask[r * size : (r + 1) * size, c * size : (c + 1) * size] = msk
    geo = dict(
        crs="EPSG:31983",
        transform=from_origin(190000.0, 8250000.0, 0.25, 0.25),
        driver="GTiff",
        width=mask.shape[1],
        height=mask.shape[0],
        dtype="uint8",
    )
    paths = out / "mosaic.tif", out / "mosaic_mask.tif"
    with rasterio.open(paths[0], "w", count=3, **geo) as dst:
        dst.write(image)
    with rasterio.open(paths[1], "w", count=1, **geo) as dst:
        dst.write(mask, 1)
    return paths


def seam_mask(height: int, width: int, tile: int, overlap: int, seam: int) -> np.ndarray:
    """Pixels within ``seam`` of an inner edge of the tiles of this overlap's grid (where seams show)."""
    from isage_core.inference.tiling import tile_starts

    near = np.zeros((height, width), dtype=bool)
    for length, axis in ((height, 0), (width, 1)):
        for start in tile_starts(length, tile, tile - overlap):
            for edge in (start, start + tile):
                if 0 < edge < length:
                    index = [slice(None), slice(None)]
                    index[axis] = slice(max(edge - seam, 0), edge + seam)
                    near[tuple(index)] = True
    return near


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "bsb_toy"))
    parser.add_argument("--split", default="train")
    parser.add_argument("--columns", type=int, default=6)
    parser.add_argument("--tile", type=int, default=512)
    parser.add_argument("--overlaps", default="0,32,64,128,192")
    parser.add_argument("--seam", type=int, default=16)
    parser.add_argument("--backend", default="onnxruntime")
    args = parser.parse_args()

    import rasterio

    from isage_core.inference.batch import predict_rasters
    from isage_core.inference.evaluate import evaluate
    from isage_core.model.checkpoint import read_meta
    from isage_core.settings import PredictSettings

    meta = read_meta(args.model)
    overlaps = [int(v) for v in args.overlaps.split(",")]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        image, mask = mosaic(Path(args.data), args.split, args.columns, Path(tmp))
        classes = {}
        for overlap in overlaps:
            settings = PredictSettings(
                tile_size=args.tile, overlap=overlap, heatmaps=(), backend=args.backend
            )
            start = time.perf_counter()
            folder = Path(tmp) / f"o{overlap}"
            out = predict_rasters({"m": image}, args.model, folder, settings)["m"]["classes"]
            seconds = time.perf_counter() - start
            with rasterio.open(out) as src:
                classes[overlap] = src.read(1)
            scores = evaluate([out], [mask], meta.class_ids, meta.class_names)
            results[overlap] = {"miou": round(scores["miou"], 4), "seconds": round(seconds, 1)}
        widest = classes[max(overlaps)]
        for overlap in overlaps:
            near = seam_mask(*widest.shape, args.tile, overlap, args.seam)
            same = classes[overlap] == widest
            results[overlap]["agreement_with_widest"] = round(float(same.mean()), 5)
            results[overlap]["agreement_near_tile_edges"] = round(float(same[near].mean()), 5)
        shape = list(widest.shape)
    json.dump({"model": str(args.model), "mosaic": shape, "tile": args.tile, "overlaps": results}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
