"""Importing clicks from a sparse label raster (one labelled pixel per click, the rest unlabelled)."""

from __future__ import annotations

import numpy as np

from ..errors import IsageError
from ..geo import iter_blocks, open_raster, read_pixels


def import_sparse_mask(
    record, frame: str, path, unlabelled: int = 255, annotator: str = "", enforce_budget: bool = True
) -> int:
    """Add a click for every labelled pixel of ``path`` (same size as the frame); returns how many."""
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
    for row, col, class_id in picks:
        record.add_click(
            frame, class_id, row=row, col=col, annotator=annotator, enforce_budget=enforce_budget
        )
    return len(picks)
