"""Patches around a click set that changes while training runs: new clicks first, mixed with a replay.

:class:`ReplaySampler` is what live training draws from. :meth:`ReplaySampler.update` replaces the click set
(a retracted click leaves it before the next patch is drawn); each click new to the sampler is due
``fresh_draws`` times (unless added as learnt already: the earlier rounds' clicks). A batch draws due clicks
first, but at most ``fresh_share`` of it (at least one patch): the rest is the replay of all clicks (a class
uniformly, then one of its clicks), so a batch never holds the newest click alone and the older clicks are not
forgotten. Every click labelled in a drawn patch is added to :attr:`ReplaySampler.seen`, the audit of what the
model saw.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ..record.click_record import Click
from ..training.losses import IGNORE
from ..training.sampling import PatchSampler


class ReplaySampler(PatchSampler):
    """A :class:`~isage_core.training.sampling.PatchSampler` over a replaceable click set.

    Args:
        class_ids: the model's class ids; a label is the index of the click's class in this list.
        fresh_draws: how often a new click is due to be drawn first.
        fresh_share: the most of a batch (at least one patch) that due clicks take.
        The other arguments are :class:`PatchSampler`'s (``frames`` may grow through :meth:`update`).
    """

    def __init__(
        self,
        class_ids: Sequence[int],
        bands: Sequence[int],
        mean: Sequence[float],
        std: Sequence[float],
        patch_size: int,
        augment: bool = True,
        seed: int | Sequence[int] = 0,
        fresh_draws: int = 2,
        fresh_share: float = 0.25,
    ):
        super().__init__({}, bands, mean, std, patch_size, augment, seed)
        self.channel = {int(cid): i for i, cid in enumerate(class_ids)}
        self.fresh_draws, self.fresh_share = fresh_draws, fresh_share
        self._fresh_room = float("inf")  # due draws the current batch may still take
        self.seen: set[str] = set()
        self._clicks: list[Click] = []
        self._uids: set[str] = set()
        self._fresh: deque[str] = deque()
        self._index: dict[str, int] = {}
        self._by_class: dict[int, np.ndarray] = {}
        self._frame_table: dict[str, tuple[np.ndarray, list[str]]] = {}

    @property
    def clicks(self) -> list[Click]:
        return list(self._clicks)

    @property
    def pending(self) -> int:
        """Draws of new clicks still due before the replay."""
        return len(self._fresh)

    def due_only(self, uids: Sequence[str]) -> None:
        """Draw these clicks (once each) before the replay, and no other click's due draws."""
        self._fresh = deque(u for u in uids if u in self._uids)

    def update(
        self, clicks: Sequence[Click], frames: Mapping[str, str | Path], due: bool = True
    ) -> tuple[int, int]:
        """Train on ``clicks`` from now on (rasters in ``frames``); returns (clicks added, removed). With
        ``due`` false the clicks added join the replay only (clicks a warm start has learnt)."""
        for click in clicks:
            if click.class_id not in self.channel:
                raise ValueError(f"click {click.uid} has class {click.class_id}, not in {list(self.channel)}")
            if click.frame not in frames:
                raise ValueError(f"click {click.uid} is on frame '{click.frame}', which was not given")
        for name, path in frames.items():
            if self.frames.get(name) != Path(path) and name in self._sources:
                self._sources.pop(name).close()  # a re-linked frame is read from its new file
            self.frames[name] = Path(path)
        uids = {c.uid for c in clicks}
        added = [c.uid for c in clicks if c.uid not in self._uids]
        removed = len(self._uids - uids)
        self._clicks, self._uids = list(clicks), uids
        self._index = {c.uid: i for i, c in enumerate(self._clicks)}
        self._fresh = deque(u for u in self._fresh if u in uids)
        for _ in range(self.fresh_draws if due else 0):
            self._fresh.extend(added)
        by_class: dict[int, list[int]] = {}
        by_frame: dict[str, list[int]] = {}
        for i, click in enumerate(self._clicks):
            by_class.setdefault(self.channel[click.class_id], []).append(i)
            by_frame.setdefault(click.frame, []).append(i)
        self._by_class = {ch: np.asarray(v) for ch, v in sorted(by_class.items())}
        self._frame_table = {
            name: (
                np.asarray(
                    [
                        (self._clicks[i].row, self._clicks[i].col, self.channel[self._clicks[i].class_id])
                        for i in idx
                    ],
                    dtype=np.int64,
                ),  # fmt: skip
                [self._clicks[i].uid for i in idx],
            )
            for name, idx in by_frame.items()
        }
        return len(added), removed

    def choose(self) -> int:
        if not self._clicks:
            raise ValueError("no clicks to sample patches around")
        if self._fresh and self._fresh_room > 0:
            self._fresh_room -= 1
            return self._index[self._fresh.popleft()]
        classes = list(self._by_class)
        members = self._by_class[classes[int(self.rng.integers(len(classes)))]]
        return int(members[int(self.rng.integers(len(members)))])

    def batch(self, batch_size: int):
        """A batch whose due draws take at most ``fresh_share`` of it (see the module docstring)."""
        self._fresh_room = max(1, int(batch_size * self.fresh_share))
        try:
            return super().batch(batch_size)
        finally:
            self._fresh_room = float("inf")

    def anchor(self, index: int) -> tuple[str, int, int]:
        click = self._clicks[index]
        return click.frame, int(click.row), int(click.col)

    def labels(self, index: int, name: str, row0: int, col0: int, height: int, width: int) -> np.ndarray:
        labels = np.full((height, width), IGNORE, dtype=np.int64)
        table, uids = self._frame_table[name]
        rows, cols = table[:, 0] - row0, table[:, 1] - col0
        inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
        labels[rows[inside], cols[inside]] = table[inside, 2]
        self.seen.update(uid for uid, keep in zip(uids, inside, strict=True) if keep)
        click = self._clicks[index]
        if 0 <= click.row - row0 < height and 0 <= click.col - col0 < width:
            labels[click.row - row0, click.col - col0] = self.channel[click.class_id]  # the anchor wins
        self.seen.add(click.uid)
        return labels
