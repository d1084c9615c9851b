"""How often the accuracy assessment's 95 % intervals hold the truth, and how biased its estimates are:
1,000 seeded designs drawn from a map the demo predicted for the sample's validation frames
(tests/data/demo_val_map), each labelled from the dense masks. Writes docs/benchmark/assessment/coverage.json.

    python benchmarks/assessment_coverage.py [--draws 1000] [--out FILE]
"""

import argparse
import json
from pathlib import Path

import numpy as np
from PIL import Image

from isage_core.benchmark.coverage import coverage_study

ROOT = Path(__file__).resolve().parents[1]
MAPS = ROOT / "tests" / "data" / "demo_val_map"
MASKS = ROOT / "isage_core" / "data" / "bsb_toy" / "mask_val"
DESIGNS = {
    "the test's design (size 500, minimum:100)": {"size": 500, "allocation": "minimum", "minimum": 100},
    "the default design (target SE 0.025 -> 204, minimum:50)": {
        "size": 204,
        "allocation": "minimum",
        "minimum": 50,
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmark" / "assessment" / "coverage.json"))
    args = parser.parse_args()
    maps = {p.stem: np.array(Image.open(p)).astype(np.int64) for p in sorted(MAPS.glob("*.png"))}
    references = {n: np.array(Image.open(MASKS / f"{n}.png")).astype(np.int64) for n in maps}
    results = {}
    for name, design in DESIGNS.items():
        study = coverage_study(
            maps, references, [0, 1, 2, 3, 4], pixel_area=0.24**2, draws=args.draws, seed=0, **design
        )
        results[name] = study
        print(f"{name}: {study['points']} points {study['sizes']}")
        for figure, values in study["figures"].items():
            print(
                f"  {figure:24s} truth {values['truth']:.4f}  mean {values['mean']:.4f}  "
                f"bias {values['bias_in_mc_se']:+.2f} MC SE  coverage {values['coverage']:.3f}  "
                f"no interval {values['without_interval']}"
            )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"draws": args.draws, "designs": results}, indent=2))


if __name__ == "__main__":
    main()
