"""An in-memory undo stack of this session's click edits (the record itself is append-only).

Undoing an added click retracts it (reason ``undo``); undoing a retraction adds a new click with the same
frame, pixel and class, because the record refuses to un-retract a click (by design, through a trigger).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

UNDO_REASON = "undo"


@dataclass(frozen=True)
class UndoEntry:
    """One edit that can be undone: ``add`` (click ``fid`` was added) or ``retract`` (it was retracted)."""

    kind: Literal["add", "retract"]
    fid: int
    frame: str
    row: int
    col: int
    class_id: int
    note: str = ""


class ClickUndoStack:
    """Last in, first out; keeps at most ``limit`` entries (the oldest are forgotten)."""

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self._entries: list[UndoEntry] = []

    def push(self, entry: UndoEntry) -> None:
        self._entries.append(entry)
        del self._entries[: -self.limit]

    def pop(self) -> UndoEntry | None:
        return self._entries.pop() if self._entries else None

    def peek(self) -> UndoEntry | None:
        return self._entries[-1] if self._entries else None

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def can_undo(self) -> bool:
        return bool(self._entries)
