"""Band selection and per-band normalisation, shared by training and prediction."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rasterio.windows import Window

from ..errors import IsageError


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
    data = src.read(list(bands), window=window, boundless=boundless, fill_value=0)
    return data.astype(np.float32, copy=False)


def normalise(data: np.ndarray, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """``(data - mean) / std`` per band, float32."""
    m = np.asarray(mean, dtype=np.float32)[:, None, None]
    s = np.asarray(std, dtype=np.float32)[:, None, None]
    return (data - m) / s


def estimate_stats(
    sources, bands: Sequence[int], samples: int = 64, size: int = 256, seed: int = 0
) -> tuple[list[float], list[float]]:
    """Per-band mean and standard deviation over random windows of the given open rasters.

    Reads ``samples`` windows in all (spread across the rasters), ignoring nodata pixels, so it stays
    cheap for rasters of any size.
    """
    rng = np.random.default_rng(seed)
    total = np.zeros(len(bands))
    total_sq = np.zeros(len(bands))
    count = 0
    for index in range(max(samples, len(sources))):
        src = sources[index % len(sources)]
        h, w = min(size, src.height), min(size, src.width)
        row = int(rng.integers(0, src.height - h + 1))
        col = int(rng.integers(0, src.width - w + 1))
        window = Window(col, row, w, h)
        data = read_bands(src, bands, window).astype(np.float64)
        valid = np.all(src.read_masks(window=window) > 0, axis=0)
        pixels = data[:, valid]
        total += pixels.sum(axis=1)
        total_sq += (pixels**2).sum(axis=1)
        count += pixels.shape[1]
    if count == 0:
        raise IsageError(
            f"{sources[0].name}: no valid pixels found to normalise; check the frames' nodata value"
        )
    mean = total / count
    std = np.sqrt(np.maximum(total_sq / count - mean**2, 0.0))
    std = np.where(std < 1e-6, 1.0, std)
    return [float(v) for v in mean], [float(v) for v in std]
