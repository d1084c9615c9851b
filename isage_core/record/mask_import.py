"""Importing clicks from a sparse label raster (one labelled pixel per click, the rest unlabelled)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import IsageError
from ..geo import iter_blocks, open_raster, read_pixels
from .schema import ClickRequest


def import_sparse_mask(
    record,
    frame: str,
    path,
    unlabelled: int = 255,
    annotator: str = "",
    enforce_budget: bool = True,
    keep_valid: bool = False,
) -> int:
    """Add a click for every labelled pixel of ``path`` (same size as the frame); returns how many.
    All or nothing, as :meth:`~isage_core.record.click_record.ClickRecord.add_clicks`: with a refused
    pixel nothing is added (each refusal logged) unless ``keep_valid``."""
    target = record.frame(frame)
    with open_raster(path, "sparse label") as src:
        if (src.width, src.height) != (target.info.width, target.info.height):
            raise IsageError(
                f"{path}: {src.width}x{src.height} pixels but frame '{frame}' has "
                f"{target.info.width}x{target.info.height}; give a label raster of the frame's size"
            )
        picks = []
        for window in iter_blocks(src.width, src.height, 1024):
            data = read_pixels(src, 1, window=window)
            rows, cols = np.nonzero(data != unlabelled)
            picks += [
                (int(r + window.row_off), int(c + window.col_off), int(data[r, c]))
                for r, c in zip(rows, cols, strict=True)
            ]
    name = Path(path).name
    requests = [
        ClickRequest(f"{name} pixel ({r}, {c})", frame, r, c, k, annotator, f"imported from {name}")
        for r, c, k in picks
    ]
    report = record.add_clicks(requests, enforce_budget=enforce_budget, keep_valid=keep_valid)
    report.settle(path, len(requests), "labelled pixels", keep_valid)
    return report.accepted
