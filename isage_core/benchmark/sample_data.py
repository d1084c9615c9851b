"""The bundled BsB Aerial sample, given a stated placeholder georeference so GIS tools can open it.

The sample (``data/bsb_toy``, MIT licence kept beside it) holds 256x256 RGB patches of Brasilia at
0.24 m with dense masks: 30 for training, 10 for validation, plus the method's authors' seed clicks
(one per class per patch; 5 marks unlabelled). The patches carry no coordinates. iSAGE places them on
a grid in the **placeholder** CRS EPSG:31983 (SIRGAS 2000 / UTM zone 23S, the zone of Brasilia):
6 columns, 32 pixels of gap between neighbours so none overlap, training patches from the grid origin
(easting 190000, northing 8250000) southwards, validation patches on their own grid 500 m further
south. Their positions are not the true ones; only their pixel size is. Training and validation file
names collide (both have ``1.png``), so exported frames are named ``train_<n>`` and ``val_<n>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import rasterio
from PIL import Image
from rasterio.transform import from_origin

from ..record.click_record import ClassDef

PLACEHOLDER_CRS = "EPSG:31983"
PIXEL_SIZE = 0.24
GRID_COLUMNS = 6
GAP_PIXELS = 32
ORIGIN = (190000.0, 8250000.0)
VALIDATION_OFFSET = 500.0  # metres south of the training grid's last row
UNLABELLED = 5  # value of unlabelled pixels in the authors' seed masks

SAMPLE_CLASSES = [
    ClassDef(0, "background", "#9e9e9e"),
    ClassDef(1, "car", "#e53935"),
    ClassDef(2, "road", "#3c3c3c"),
    ClassDef(3, "building", "#ff9800"),
    ClassDef(4, "permeable area", "#43a047"),
]


@dataclass
class SampleSplit:
    """Exported GeoTIFFs of one split: frame name -> image path and reference mask path."""

    images: dict[str, Path] = field(default_factory=dict)
    masks: dict[str, Path] = field(default_factory=dict)


@dataclass
class SampleLayout:
    """Where :func:`export_sample` wrote the sample, and the authors' seed clicks per training frame."""

    train: SampleSplit
    val: SampleSplit
    seed_clicks: dict[str, list[tuple[int, int, int]]]  # frame -> [(row, col, class_id)]


def sample_root() -> Path:
    """The folder of the bundled sample inside the installed package."""
    return Path(str(resources.files("isage_core") / "data" / "bsb_toy"))


def patch_names(split: str) -> list[str]:
    """Patch file stems of a split (``train`` or ``val``), in a stable numeric order."""
    folder = sample_root() / f"image_{split}"
    return sorted((p.stem for p in folder.glob("*.png")), key=int)


def patch_transform(split: str, index: int, size: int = 256):
    """The placeholder transform of the ``index``-th patch of a split."""
    pitch = (size + GAP_PIXELS) * PIXEL_SIZE
    row, col = divmod(index, GRID_COLUMNS)
    x0, y0 = ORIGIN
    if split == "val":
        train_rows = -(-len(patch_names("train")) // GRID_COLUMNS)
        y0 -= train_rows * pitch + VALIDATION_OFFSET
    return from_origin(x0 + col * pitch, y0 - row * pitch, PIXEL_SIZE, PIXEL_SIZE)


def export_sample(dest: str | Path) -> SampleLayout:
    """Write the sample as georeferenced GeoTIFFs under ``dest`` (``train/``, ``val/``; images and masks)."""
    dest = Path(dest)
    root = sample_root()
    splits = {}
    for split in ("train", "val"):
        result = SampleSplit()
        for index, stem in enumerate(patch_names(split)):
            name = f"{split}_{stem}"
            image = np.asarray(Image.open(root / f"image_{split}" / f"{stem}.png").convert("RGB"))
            mask = np.asarray(Image.open(root / f"mask_{split}" / f"{stem}.png"))
            transform = patch_transform(split, index, image.shape[0])
            result.images[name] = _write(
                dest / split / "images" / f"{name}.tif", image.transpose(2, 0, 1), transform
            )
            result.masks[name] = _write(
                dest / split / "masks" / f"{name}.tif", mask[None], transform, nodata=255
            )
        splits[split] = result
    seeds = {f"train_{stem}": picks for stem, picks in human_seed_clicks().items()}
    return SampleLayout(train=splits["train"], val=splits["val"], seed_clicks=seeds)


def human_seed_clicks() -> dict[str, list[tuple[int, int, int]]]:
    """The authors' seed clicks per training patch stem: ``[(row, col, class_id)]``."""
    root = sample_root()
    seeds = {}
    for stem in patch_names("train"):
        sparse = np.asarray(Image.open(root / "sparse_masks_iter0" / f"{stem}.png"))
        rows, cols = np.nonzero(sparse != UNLABELLED)
        seeds[stem] = [(int(r), int(c), int(sparse[r, c])) for r, c in zip(rows, cols, strict=True)]
    return seeds


@lru_cache(maxsize=1)
def human_click_depths() -> np.ndarray:
    """How deep (pixels, 1 on a boundary) the authors' seed clicks lie inside their class of the dense
    mask: what a simulated person's click depth is drawn from. Clicks the mask disagrees with are left
    out."""
    from .pickers import click_depths

    root = sample_root()
    depths: list[float] = []
    for stem, picks in human_seed_clicks().items():
        mask = np.asarray(Image.open(root / "mask_train" / f"{stem}.png"))
        depths += [d for d in click_depths(mask, picks) if d > 0]
    return np.asarray(depths)


def _write(path: Path, data: np.ndarray, transform, nodata=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "GTiff",
        "width": data.shape[2],
        "height": data.shape[1],
        "count": data.shape[0],
        "dtype": data.dtype.name,
        "crs": PLACEHOLDER_CRS,
        "transform": transform,
        "compress": "deflate",
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
    return path
