"""The live map: the model being trained, predicted on a window around the newest click.

While the live engine trains, the panel can show what the current weights predict where the person is
clicking, every few seconds, before any Train press. A preview is a small class GeoTIFF (the window
around the newest click, at most ``size`` pixels a side, the frame's grid and CRS, the classes' colour
table) under ``<workspace>/live/``. Two file names alternate, so QGIS can keep one open while the next is
written. Previews are no iteration's output: nothing in the record refers to them, and the next one
replaces them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rasterio.windows import Window

from .. import geo
from ..errors import make_folder
from ..inference.predict import predict_probabilities
from ..inference.rasterout import ClassTable, write_geotiff
from ..model.normalization import read_bands
from ..record.click_record import Click, Frame
from ..settings import ModelMeta, PredictSettings

PREVIEW_FOLDER = "live"
PREVIEW_SIZE = 768  # pixels a side: about a second of prediction on a laptop CPU


def preview_window(click: Click, height: int, width: int, size: int = PREVIEW_SIZE) -> Window:
    """A window of at most ``size`` pixels a side centred on ``click``, inside the frame."""
    rows, cols = min(size, height), min(size, width)
    row0 = min(max(click.row - rows // 2, 0), height - rows)
    col0 = min(max(click.col - cols // 2, 0), width - cols)
    return Window(col0, row0, cols, rows)


def write_preview(
    network,
    meta: ModelMeta,
    frame: Frame,
    click: Click,
    folder: Path,
    sequence: int,
    device,
    size: int = PREVIEW_SIZE,
) -> Path:
    """Predict the window around ``click`` with ``network`` (left in eval mode) into the preview file of
    ``sequence``; returns its path."""
    import torch

    with geo.open_raster(frame.path) as src:
        window = preview_window(click, src.height, src.width, size)
        image = read_bands(src, meta.bands, window)
        valid = geo.valid_mask(src, window)
        transform, crs = src.window_transform(window), src.crs
    settings = PredictSettings(tile_size=256, overlap=32, batch_size=4, device=str(device), amp=False)
    network.eval()
    with torch.no_grad():
        probs = predict_probabilities(network, meta, image, settings, device)
    classes = np.asarray(meta.class_ids, dtype=np.uint8)[np.argmax(probs, axis=0)]
    classes[~valid] = 255
    path = make_folder(folder / PREVIEW_FOLDER) / f"preview_{sequence % 2}.tif"
    write_geotiff(
        path, classes, crs=crs, transform=transform, kind="classes", classes=ClassTable.from_meta(meta)
    )
    return path
