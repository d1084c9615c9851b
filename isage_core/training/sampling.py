"""Training patches, read window by window so frames of any size work.

:class:`ClickPatchSampler` draws patches around the clicks of a record; :class:`LabelMapSampler` draws
them around the labelled pixels of in-memory label maps (dense masks, or masks with unlabelled pixels).
Both choose a class uniformly first, so rare classes are seen as often as common ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch
from rasterio.windows import Window

from .. import geo
from ..model.normalization import normalise, read_bands
from ..record.click_record import Click
from .losses import IGNORE


class PatchSampler:
    """What both samplers share: raster handles, patch placement, reading, augmentation and batching.

    A subclass provides :meth:`choose` (an anchor index), :meth:`anchor` (its frame, row and column) and
    :meth:`labels` (the label window). The patch is placed so the anchor pixel falls at a random position
    in it. Windows stay inside rasters larger than the patch; rasters smaller than it are reflect-padded
    (labels padded with :data:`IGNORE`). Nodata pixels are never labelled and read as the band mean (0
    after normalisation). Use as a context manager, or call :meth:`close`, to close the rasters.

    Args:
        frames: frame name to raster path.
        bands: 1-based band indexes read from every frame.
        mean, std: per-band normalisation.
        patch_size: side of the square patches in pixels.
        augment: random rot90 and flips, the same on image and labels.
        seed: seed of the sampler's random generator (the same seed gives the same patches).
    """

    def __init__(
        self,
        frames: Mapping[str, str | Path],
        bands: Sequence[int],
        mean: Sequence[float],
        std: Sequence[float],
        patch_size: int,
        augment: bool = True,
        seed: int | Sequence[int] = 0,
    ):
        if patch_size < 1:
            raise ValueError(f"patch_size must be positive, got {patch_size}")
        self.frames = {name: Path(path) for name, path in frames.items()}
        self.bands = list(bands)
        self.mean = list(mean)
        self.std = list(std)
        self.patch_size = int(patch_size)
        self.augment = augment
        self.rng = np.random.default_rng(seed)
        self._sources: dict[str, object] = {}

    # ---- what a subclass provides ----------------------------------------------------------------
    def choose(self) -> int:
        """Index of the next anchor."""
        raise NotImplementedError

    def anchor(self, index: int) -> tuple[str, int, int]:
        """Frame name, row and column of anchor ``index``."""
        raise NotImplementedError

    def labels(self, index: int, name: str, row0: int, col0: int, height: int, width: int) -> np.ndarray:
        """int64 ``(height, width)`` class channel indexes of a window, :data:`IGNORE` where unlabelled."""
        raise NotImplementedError

    # ---- rasters ---------------------------------------------------------------------------------
    def _source(self, name: str):
        src = self._sources.get(name)
        if src is None:
            src = self._sources[name] = geo.open_raster(self.frames[name])
        return src

    def close(self) -> None:
        """Close every raster the sampler opened."""
        for src in self._sources.values():
            src.close()
        self._sources.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- patches ---------------------------------------------------------------------------------
    def _place(self, position: int, size: int) -> tuple[int, int, int]:
        """Along one axis: (window start, window length, padding before) for an anchor at ``position``."""
        side = self.patch_size
        if size >= side:
            offset = int(self.rng.integers(side))
            return min(max(position - offset, 0), size - side), side, 0
        return 0, size, int(self.rng.integers(side - size + 1))

    def patch(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Normalised image ``(bands, P, P)`` float32 and labels ``(P, P)`` int64 around anchor ``index``."""
        name, row, col = self.anchor(index)
        src = self._source(name)
        row0, height, pad_top = self._place(row, src.height)
        col0, width, pad_left = self._place(col, src.width)
        window = Window(col0, row0, width, height)
        valid = geo.valid_mask(src, window)
        image = normalise(read_bands(src, self.bands, window), self.mean, self.std, in_place=True)
        image[:, ~valid] = 0.0
        labels = self.labels(index, name, row0, col0, height, width)
        labels[~valid] = IGNORE
        side = self.patch_size
        if height < side or width < side:
            pads = ((pad_top, side - height - pad_top), (pad_left, side - width - pad_left))
            image = np.pad(image, ((0, 0), *pads), mode="reflect")
            labels = np.pad(labels, pads, constant_values=IGNORE)
        if self.augment:
            image, labels = self._augment(image, labels)
        return np.ascontiguousarray(image, dtype=np.float32), np.ascontiguousarray(labels)

    def _augment(self, image: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        turns = int(self.rng.integers(4))
        image, labels = np.rot90(image, turns, axes=(1, 2)), np.rot90(labels, turns)
        if self.rng.random() < 0.5:
            image, labels = image[:, :, ::-1], labels[:, ::-1]
        if self.rng.random() < 0.5:
            image, labels = image[:, ::-1, :], labels[::-1, :]
        return image, labels

    def batch(self, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
        """``batch_size`` patches: images ``(B, C, H, W)`` float32 and labels ``(B, H, W)`` int64."""
        pairs = [self.patch(self.choose()) for _ in range(batch_size)]
        images = torch.from_numpy(np.stack([p[0] for p in pairs]))
        labels = torch.from_numpy(np.stack([p[1] for p in pairs]))
        return images, labels


class ClickPatchSampler(PatchSampler):
    """Square patches that contain a click, with every click inside the patch as a label.

    A class is chosen uniformly among the classes that have clicks, then one of its clicks.

    Args:
        frames: frame name to raster path, for every frame a click refers to.
        clicks: the clicks to train on.
        class_ids: the model's class ids; a label is the index of the click's class in this list.
        The other arguments are :class:`PatchSampler`'s.
    """

    def __init__(
        self,
        frames: Mapping[str, str | Path],
        clicks: Sequence[Click],
        class_ids: Sequence[int],
        bands: Sequence[int],
        mean: Sequence[float],
        std: Sequence[float],
        patch_size: int,
        augment: bool = True,
        seed: int | Sequence[int] = 0,
    ):
        super().__init__(frames, bands, mean, std, patch_size, augment, seed)
        channel = {int(cid): i for i, cid in enumerate(class_ids)}
        self._clicks: list[tuple[str, int, int, int]] = []
        for click in clicks:
            if click.frame not in self.frames:
                raise ValueError(f"click {click.uid} is on frame '{click.frame}', which was not given")
            if click.class_id not in channel:
                raise ValueError(f"click {click.uid} has class {click.class_id}, not in {list(class_ids)}")
            self._clicks.append((click.frame, int(click.row), int(click.col), channel[click.class_id]))
        if not self._clicks:
            raise ValueError("no clicks to sample patches around")
        by_class: dict[int, list[int]] = {}
        by_frame: dict[str, list[int]] = {}
        for index, (frame, _, _, ch) in enumerate(self._clicks):
            by_class.setdefault(ch, []).append(index)
            by_frame.setdefault(frame, []).append(index)
        self._by_class = {ch: np.asarray(v) for ch, v in sorted(by_class.items())}
        table = np.asarray([c[1:] for c in self._clicks], dtype=np.int64)  # row, col, channel
        self._frame_labels = {name: table[np.asarray(idx)] for name, idx in by_frame.items()}

    def choose(self) -> int:
        """Index of a click: a class uniformly among those with clicks, then one of its clicks."""
        classes = list(self._by_class)
        members = self._by_class[classes[int(self.rng.integers(len(classes)))]]
        return int(members[int(self.rng.integers(len(members)))])

    def anchor(self, index: int) -> tuple[str, int, int]:
        name, row, col, _ = self._clicks[index]
        return name, row, col

    def labels(self, index: int, name: str, row0: int, col0: int, height: int, width: int) -> np.ndarray:
        labels = np.full((height, width), IGNORE, dtype=np.int64)
        table = self._frame_labels[name]
        rows, cols = table[:, 0] - row0, table[:, 1] - col0
        inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
        labels[rows[inside], cols[inside]] = table[inside, 2]
        _, row, col, ch = self._clicks[index]
        if 0 <= row - row0 < height and 0 <= col - col0 < width:
            labels[row - row0, col - col0] = ch  # the chosen click wins a conflict on its pixel
        return labels


class LabelMapSampler(PatchSampler):
    """Square patches around labelled pixels of label maps held in memory, one map per frame.

    A class is chosen uniformly among the classes with labelled pixels, then one of its pixels in any
    frame; every labelled pixel inside the patch is a label.

    Args:
        frames: frame name to raster path.
        label_maps: frame name to an integer array of the frame's shape holding class *channel* indexes
            (``0 .. C-1``) and :data:`IGNORE` (or any negative value) where unlabelled.
        The other arguments are :class:`PatchSampler`'s.
    """

    def __init__(
        self,
        frames: Mapping[str, str | Path],
        label_maps: Mapping[str, np.ndarray],
        bands: Sequence[int],
        mean: Sequence[float],
        std: Sequence[float],
        patch_size: int,
        augment: bool = True,
        seed: int | Sequence[int] = 0,
    ):
        super().__init__(frames, bands, mean, std, patch_size, augment, seed)
        missing = sorted(set(label_maps) - set(self.frames))
        if missing:
            raise ValueError(f"label maps of frames {missing[:3]}, which were not given")
        self._names = list(label_maps)
        self._maps = [np.asarray(label_maps[n]) for n in self._names]
        frame_of, position_of, channel_of = [], [], []
        for f, labels in enumerate(self._maps):
            flat = labels.ravel()
            positions = np.flatnonzero(flat >= 0)
            frame_of.append(np.full(len(positions), f, dtype=np.int32))
            position_of.append(positions)
            channel_of.append(flat[positions])
        if not frame_of or not sum(len(p) for p in position_of):
            raise ValueError("no labelled pixels to sample patches around")
        frames_all, positions_all = np.concatenate(frame_of), np.concatenate(position_of)
        channels_all = np.concatenate(channel_of)
        self._anchors = [
            (frames_all[channels_all == ch], positions_all[channels_all == ch])
            for ch in np.unique(channels_all)
        ]

    def choose(self) -> int:
        """Encodes (class slot, member) as one index: a class uniformly, then one of its pixels."""
        slot = int(self.rng.integers(len(self._anchors)))
        return slot * (1 << 40) + int(self.rng.integers(len(self._anchors[slot][0])))

    def anchor(self, index: int) -> tuple[str, int, int]:
        slot, member = divmod(index, 1 << 40)
        frames, positions = self._anchors[slot]
        f = int(frames[member])
        row, col = divmod(int(positions[member]), self._maps[f].shape[1])
        return self._names[f], row, col

    def labels(self, index: int, name: str, row0: int, col0: int, height: int, width: int) -> np.ndarray:
        window = self._maps[self._names.index(name)][row0 : row0 + height, col0 : col0 + width]
        return np.where(window >= 0, window, IGNORE).astype(np.int64)
