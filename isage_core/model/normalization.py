"""Band selection and per-band normalisation, shared by training and prediction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rasterio.windows import Window

from ..errors import IsageError
from ..geo import read_pixels, valid_mask


def check_bands(path, band_count: int, bands: Sequence[int]) -> None:
    """Refuse a frame that lacks a band the model reads."""
    missing = [b for b in bands if b < 1 or b > band_count]
    if missing:
        raise IsageError(
            f"{path}: has {band_count} bands but the model reads bands {list(bands)}; "
            "use frames with the same bands as the training frames, or train a model on this frame's bands"
        )


def read_bands(
    src, bands: Sequence[int], window: Window | None = None, boundless: bool = False
) -> np.ndarray:
    """Read the selected bands of a window as float32 ``(bands, rows, cols)``."""
    check_bands(src.name, src.count, bands)
    data = read_pixels(src, list(bands), window=window, boundless=boundless, fill_value=0)
    return data.astype(np.float32, copy=False)


def normalise(
    data: np.ndarray, mean: Sequence[float], std: Sequence[float], *, in_place: bool = False
) -> np.ndarray:
    """``(data - mean) / std`` per band, float32; NaN and infinite values (nodata) become 0, the band's
    mean, so that they cannot spread through a network's tile. ``in_place``: a float32 ``data`` nothing
    else holds (just read) is overwritten and returned, sparing an array as large."""
    m = np.asarray(mean, dtype=np.float32)[:, None, None]
    s = np.asarray(std, dtype=np.float32)[:, None, None]
    if in_place and data.dtype == np.float32:
        out = np.subtract(data, m, out=data)
    else:
        out = np.subtract(data, m, dtype=np.float32)
    np.divide(out, s, out=out)
    # one sum finds any NaN or infinity (it would be NaN or infinite); only then the per-pixel pass
    if not np.isfinite(out.sum()):
        out[~np.isfinite(out)] = 0.0
    return out


@dataclass(frozen=True)
class BandStats:
    """Per-band statistics of training frames: normalisation and the value range they span."""

    mean: list[float]
    std: list[float]
    low: list[float]  # RANGE_PERCENTILES[0] of the valid pixels
    high: list[float]  # RANGE_PERCENTILES[1]


RANGE_PERCENTILES = (0.5, 99.5)
PIXELS_PER_WINDOW = 4096  # sampled from each window for the value range


def estimate_stats(
    sources, bands: Sequence[int], samples: int = 64, size: int = 256, seed: int = 0
) -> BandStats:
    """Per-band mean, standard deviation and value range over random windows of the given open rasters.

    Reads ``samples`` windows in all (spread across the rasters), ignoring nodata pixels (NaN and
    infinite values included), so it stays cheap for rasters of any size.
    """
    rng = np.random.default_rng(seed)
    subsample = np.random.default_rng([seed, 1])  # its own stream: the windows drawn stay those of `seed`
    total = np.zeros(len(bands))
    total_sq = np.zeros(len(bands))
    count = 0
    kept: list[np.ndarray] = []
    for index in range(max(samples, len(sources))):
        src = sources[index % len(sources)]
        h, w = min(size, src.height), min(size, src.width)
        row = int(rng.integers(0, src.height - h + 1))
        col = int(rng.integers(0, src.width - w + 1))
        window = Window(col, row, w, h)
        data = read_bands(src, bands, window).astype(np.float64)
        pixels = data[:, valid_mask(src, window)]
        total += pixels.sum(axis=1)
        total_sq += (pixels**2).sum(axis=1)
        count += pixels.shape[1]
        if pixels.shape[1] > PIXELS_PER_WINDOW:
            pixels = pixels[:, subsample.choice(pixels.shape[1], PIXELS_PER_WINDOW, replace=False)]
        kept.append(pixels)
    if count == 0:
        raise IsageError(
            f"{sources[0].name}: no valid pixels found to normalise; check the frames' nodata value"
        )
    mean = total / count
    std = np.sqrt(np.maximum(total_sq / count - mean**2, 0.0))
    std = np.where(std < 1e-6, 1.0, std)
    low, high = np.percentile(np.concatenate(kept, axis=1), RANGE_PERCENTILES, axis=1)
    return BandStats(*([float(v) for v in values] for values in (mean, std, low, high)))
