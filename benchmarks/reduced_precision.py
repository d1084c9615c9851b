"""Does bfloat16 prediction change the map? Real frames, trained models: every model of a demo workspace
(``isage demo``) predicts the sample's validation frames with OpenVINO in float32 and in bfloat16 (and
onnxruntime), through the whole pipeline (tiles, blending); compares the class rasters pixel by pixel,
the confidence, and the validation mIoU against the dense masks. Prints one JSON object.

    python benchmarks/reduced_precision.py demo_workspace --out docs/benchmark/predict/reduced_precision.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import rasterio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from isage_core.inference.backends import load_predictor  # noqa: E402
from isage_core.inference.batch import predict_rasters  # noqa: E402
from isage_core.inference.evaluate import evaluate  # noqa: E402
from isage_core.inference.openvino_backend import REDUCED_DECISIVE_MARGIN  # noqa: E402
from isage_core.settings import PredictSettings  # noqa: E402

VARIANTS = {"openvino-f32": ("openvino", "f32"), "openvino-bf16": ("openvino", "bf16")}
VARIANTS["onnxruntime"] = ("onnxruntime", "auto")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", help="a demo workspace (its sample/val frames and models/)")
    parser.add_argument("--out", help="also write the JSON here")
    args = parser.parse_args()
    ws = Path(args.workspace)
    images = {p.stem: p for p in sorted((ws / "sample" / "val" / "images").glob("*.tif"))}
    masks = {p.stem: p for p in sorted((ws / "sample" / "val" / "masks").glob("*.tif"))}
    report: dict = {"frames": len(images), "decisive_margin": REDUCED_DECISIVE_MARGIN, "models": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for model in sorted((ws / "models").glob("iteration_*.safetensors")):
            outputs, entry = {}, {}
            for name, (backend, precision) in VARIANTS.items():
                settings = PredictSettings(
                    tile_size=256, overlap=64, heatmaps=("confidence",), backend=backend
                )
                settings.precision = precision
                predictor = load_predictor(model, backend=backend, precision=precision)
                files = predict_rasters(
                    images, model, Path(tmp) / model.stem / name, settings, predictor=predictor
                )
                outputs[name] = files
                meta = predictor.meta
                scores = evaluate(
                    [files[n]["classes"] for n in images], [masks[n] for n in images], meta.class_ids,
                    meta.class_names,
                )  # fmt: skip
                entry[name] = {"backend": predictor.backend.name, "val_miou": scores["miou"]}
            exact, reduced = outputs["openvino-f32"], outputs["openvino-bf16"]
            same = total = 0
            moved = []
            for n in images:
                with rasterio.open(exact[n]["classes"]) as a, rasterio.open(reduced[n]["classes"]) as b:
                    ca, cb = a.read(1), b.read(1)
                with rasterio.open(exact[n]["confidence"]) as a, rasterio.open(reduced[n]["confidence"]) as b:
                    fa, fb = a.read(1), b.read(1)
                same += int((ca == cb).sum())
                total += ca.size
                moved.append(np.abs(fa - fb)[ca == cb])
            moved_all = np.concatenate(moved)
            entry["bf16_against_f32"] = {
                "class_agreement": same / total,
                "confidence_difference_where_classes_agree": {
                    "mean": float(moved_all.mean()),
                    "p99": float(np.quantile(moved_all, 0.99)),
                    "max": float(moved_all.max()),
                },
                "val_miou_difference": entry["openvino-bf16"]["val_miou"] - entry["openvino-f32"]["val_miou"],
            }
            report["models"][model.stem] = entry
            print(model.stem, json.dumps(entry["bf16_against_f32"]), file=sys.stderr)
    text = json.dumps(report, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
