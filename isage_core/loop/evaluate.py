"""Scoring a workspace's class rasters: which of its clicks lie on the pixels being scored."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .. import geo
from ..record.click_record import ClickRecord


def clicks_inside(record: ClickRecord, rasters: Sequence[str | Path]) -> int:
    """How many of the record's clicks lie on a pixel of one of ``rasters`` (each click counted once):
    the labelled pixels of the area scored, not of the whole workspace."""
    frames = {f.name: f for f in record.frames()}
    clicks = record.clicks()
    inside: set[str] = set()
    for path in rasters:
        with geo.open_raster(path, "prediction") as src:
            for name, frame in frames.items():
                mine = [c for c in clicks if c.frame == name and c.uid not in inside]
                if not mine:
                    continue
                points = [geo.pixel_center(frame.info.affine, c.row, c.col) for c in mine]
                xs, ys = (np.asarray(v) for v in zip(*points, strict=True))
                if frame.info.crs is not None and src.crs is not None:
                    xs, ys = geo.reproject_points(xs, ys, frame.info.crs, src.crs)
                for click, x, y in zip(mine, xs, ys, strict=True):
                    row, col = geo.map_to_pixel(src.transform, float(x), float(y))
                    if 0 <= row < src.height and 0 <= col < src.width:
                        inside.add(click.uid)
    return len(inside)
