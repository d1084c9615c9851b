"""Whether a raster looks like the frames a model was trained on.

The rule: a raster matches a model when it has the training frames' band count and data type, and at
most half of its valid pixels (sampled in up to ``CHECK_WINDOWS`` windows) hold a value, in any band the
model reads, outside that band's training range widened by ``RANGE_MARGIN`` of its width on each side.
The training range of a band is the 0.5th to 99.5th percentile of the valid pixels sampled to normalise
the first model of the workspace. A model without a stored profile (made before it was recorded) is not
checked beyond its bands existing. ``allow`` (``--allow-input-mismatch``) turns a refusal into a warning
that the caller records.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from rasterio.windows import Window

from ..errors import IsageError
from ..geo import valid_mask
from .normalization import BandStats, read_bands

log = logging.getLogger(__name__)

OUTSIDE_SHARE = 0.5
RANGE_MARGIN = 0.1
CHECK_WINDOWS = 8
CHECK_SIZE = 256
OVERRIDE = "pass --allow-input-mismatch (in Processing: Allow rasters unlike the training frames)"


@dataclass(frozen=True)
class InputProfile:
    """The training frames' band count and data type, and the value range of each band the model reads."""

    band_count: int
    dtype: str
    low: list[float]
    high: list[float]

    @classmethod
    def of(cls, src, stats: BandStats) -> InputProfile:
        return cls(int(src.count), str(src.dtypes[0]), list(stats.low), list(stats.high))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> InputProfile | None:
        return None if not data else cls(**{k: data[k] for k in ("band_count", "dtype", "low", "high")})

    def describe(self) -> str:
        return f"{self.band_count} band(s) of {self.dtype}"


def mismatch(src, profile: InputProfile, bands: Sequence[int], seed: int = 0) -> str | None:
    """Why ``src`` does not look like the training frames of ``profile``; None when it does."""
    here = f"{src.count} band(s) of {src.dtypes[0]}"
    if src.count != profile.band_count or str(src.dtypes[0]) != profile.dtype:
        return f"it has {here} but the model was trained on frames of {profile.describe()}"
    share = outside_share(src, profile, bands, seed)
    if share > OUTSIDE_SHARE:
        ranges = ", ".join(
            f"band {b}: {lo:g} to {hi:g}" for b, lo, hi in zip(bands, profile.low, profile.high, strict=True)
        )
        return f"{share:.0%} of its pixels lie outside the values of the training frames ({ranges})"
    return None


def outside_share(src, profile: InputProfile, bands: Sequence[int], seed: int = 0) -> float:
    """The share of sampled valid pixels with a value outside the widened training range in any band."""
    rng = np.random.default_rng(seed)
    low, high = np.asarray(profile.low), np.asarray(profile.high)
    margin = RANGE_MARGIN * np.maximum(high - low, 1e-6)
    low, high = (low - margin)[:, None], (high + margin)[:, None]
    outside = total = 0
    h, w = min(CHECK_SIZE, src.height), min(CHECK_SIZE, src.width)
    windows = {(0, 0)} if (h, w) == (src.height, src.width) else set()
    while len(windows) < CHECK_WINDOWS and len(windows) < (src.height - h + 1) * (src.width - w + 1):
        windows.add((int(rng.integers(0, src.height - h + 1)), int(rng.integers(0, src.width - w + 1))))
    for row, col in sorted(windows):
        window = Window(col, row, w, h)
        pixels = read_bands(src, bands, window)[:, valid_mask(src, window)]
        outside += int(np.any((pixels < low) | (pixels > high), axis=0).sum())
        total += pixels.shape[1]
    return outside / total if total else 0.0


def check_input(src, meta, allow: bool, what: str = "") -> str | None:
    """Refuse ``src`` (one line naming it and the fix) when it does not match ``meta``'s training frames;
    with ``allow`` log a warning instead. Returns the mismatch (None when it matches) for the caller to
    record."""
    profile = InputProfile.from_dict(getattr(meta, "input_profile", None))
    if profile is None:
        return None
    reason = mismatch(src, profile, meta.bands)
    if reason is None:
        return None
    if not allow:
        raise IsageError(
            f"{src.name}: {what}{reason}; use rasters like the training frames, train a model on these "
            f"(--no-warm-start), or {OVERRIDE}"
        )
    log.warning("%s: %s (allowed by --allow-input-mismatch)", src.name, reason)
    return reason
