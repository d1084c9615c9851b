"""Where a benchmark's methods put their clicks: distance to the nearest reference class boundary, and
how often the click's class is the frame's rarest. Prints one JSON line per method.

Example::

    python benchmarks/click_placement.py BENCHMARK_FOLDER [--seed-folder seed_0]

Reads ``methods/*/clicks.gpkg`` of a finished ``isage benchmark`` folder and the reference masks of its
``sample/train/masks`` (the bundled sample) or of ``--masks DIR``. Seed clicks are left out: every method
shares them. A click within 2 pixels of a boundary sits where reference masks are least reliable.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import rasterio
from scipy import ndimage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from isage_core.record.click_record import ClickRecord  # noqa: E402


def boundary_distance(mask: np.ndarray) -> np.ndarray:
    """Pixels to the nearest pixel of another class (1 on a boundary pixel)."""
    distance = np.full(mask.shape, np.inf)
    for value in np.unique(mask):
        inside = mask == value
        distance[inside] = ndimage.distance_transform_edt(inside)[inside]
    return distance


def summarise(record_path: Path, masks: dict[str, np.ndarray]) -> dict:
    record = ClickRecord.open(record_path)
    clicks = [c for c in record.clicks() if c.annotator != "benchmark seed"]
    distances, by_round = [], {}
    for click in clicks:
        d = float(boundary_distance(masks[click.frame])[click.row, click.col])
        distances.append(d)
        by_round.setdefault(click.iteration, []).append(d)
    values = np.asarray(distances)
    return {
        "clicks": len(clicks),
        "median_boundary_distance_px": float(np.median(values)) if len(values) else None,
        "share_within_2px_of_boundary": float((values <= 2).mean()) if len(values) else None,
        "median_distance_per_round": {k: float(np.median(v)) for k, v in sorted(by_round.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a finished isage benchmark folder (or one seed_N in it)")
    parser.add_argument("--masks", type=Path, help="training masks folder (default: the exported sample)")
    a = parser.parse_args()
    masks_dir = a.masks or next(
        p for p in (a.folder / "sample/train/masks", a.folder.parent / "sample/train/masks") if p.is_dir()
    )
    masks = {}
    for path in sorted(masks_dir.glob("*")):
        with rasterio.open(path) as src:
            masks[path.stem] = src.read(1)
    for record in sorted(a.folder.glob("methods/*/clicks.gpkg")):
        summary = summarise(record, masks)
        sys.stdout.write(json.dumps({"method": record.parent.name, **summary}) + "\n")


if __name__ == "__main__":
    main()
