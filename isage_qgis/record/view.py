"""A read-only snapshot of a click record (the engine's GeoPackage), read with the standard ``sqlite3``.

The plugin never writes the record through this module: clicks go through the click layer, everything
else through the engine. Reading is one short read transaction, so it never blocks the engine.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..translation import tr
from .model import ClassInfo

REQUIRED_TABLES = {"isage_meta", "clicks", "classes", "frames", "runs"}
TABLES_QUERY = "SELECT name FROM sqlite_master WHERE type = 'table'"  # no-i18n


class RecordError(Exception):
    """The file is not a readable iSAGE click record; ``str()`` says what to do."""


@dataclass(frozen=True)
class FrameInfo:
    """A frame as the record stores it (path resolved against the record's folder)."""

    name: str
    path: str
    width: int
    height: int
    crs_wkt: str
    transform: tuple[float, ...]  # affine a, b, c, d, e, f

    @property
    def exists(self) -> bool:
        return Path(self.path).is_file()

    def bounds(self) -> tuple[float, float, float, float]:
        """``xmin, ymin, xmax, ymax`` in the frame's CRS (corners of the pixel grid)."""
        a, b, c, d, e, f = self.transform[:6]
        xs = [c + a * col + b * row for col in (0, self.width) for row in (0, self.height)]
        ys = [f + d * col + e * row for col in (0, self.width) for row in (0, self.height)]
        return min(xs), min(ys), max(xs), max(ys)


@dataclass(frozen=True)
class RunInfo:
    iteration: int
    clicks_used: int
    metrics: dict
    unresolved: list
    device: str
    duration_s: float


@dataclass(frozen=True)
class ClickRow:
    frame: str
    class_id: int
    iteration: int
    row: int = -1
    col: int = -1


@dataclass
class RecordSnapshot:
    """What the record holds now: classes, frames, runs and unretracted clicks."""

    path: str
    classes: list[ClassInfo] = field(default_factory=list)
    frames: list[FrameInfo] = field(default_factory=list)
    runs: list[RunInfo] = field(default_factory=list)
    clicks: list[ClickRow] = field(default_factory=list)
    crs_wkt: str = ""

    @property
    def workspace(self) -> str:
        return str(Path(self.path).parent)

    @property
    def iteration(self) -> int:
        """The iteration new clicks belong to: 0 before any run, else the last run's + 1."""
        return max((r.iteration for r in self.runs), default=-1) + 1

    @property
    def last_run(self) -> RunInfo | None:
        return max(self.runs, key=lambda r: r.iteration) if self.runs else None

    def frame(self, name: str) -> FrameInfo | None:
        return next((f for f in self.frames if f.name == name), None)


def connect_read_only(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=5.0)
    conn.execute("PRAGMA query_only = 1")  # no-i18n
    return conn


def _json(text: str | None, default):
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default


def read_record(path: str | Path) -> RecordSnapshot:
    """Read a click record; raises :class:`RecordError` with a one-line message and the fix."""
    path = Path(path)
    if not path.is_file():
        text = tr("{path}: click record not found; open an existing clicks.gpkg or create a workspace")
        raise RecordError(text.format(path=path))
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        text = tr("{path}: cannot open ({reason}); check the file's permissions")
        raise RecordError(text.format(path=path, reason=exc)) from exc
    try:
        tables = {r[0] for r in conn.execute(TABLES_QUERY)}
        if not REQUIRED_TABLES <= tables:
            text = tr("{path}: not an iSAGE click record; open a clicks.gpkg made by iSAGE")
            raise RecordError(text.format(path=path))
        snapshot = RecordSnapshot(str(path.resolve()))
        row = conn.execute("SELECT value FROM isage_meta WHERE key = 'crs_wkt'").fetchone()  # no-i18n
        snapshot.crs_wkt = (row[0] or "") if row else ""
        snapshot.classes = [
            ClassInfo(int(i), str(n or ""), str(c or "#000000"))
            for i, n, c in conn.execute("SELECT id, name, color FROM classes ORDER BY id")  # no-i18n
        ]
        for name, stored, width, height, wkt, transform in conn.execute(
            "SELECT name, path, width, height, crs_wkt, transform FROM frames ORDER BY fid"  # no-i18n
        ):
            full = Path(stored or "")
            full = full if full.is_absolute() else path.resolve().parent / full
            snapshot.frames.append(
                FrameInfo(
                    name,
                    str(full.resolve()),
                    int(width or 0),
                    int(height or 0),
                    wkt or "",
                    tuple(float(v) for v in _json(transform, [1, 0, 0, 0, -1, 0])),
                )
            )
        snapshot.runs = [
            RunInfo(
                int(it),
                int(used or 0),
                _json(metrics, {}),
                _json(unresolved, []),
                device or "",
                float(duration or 0.0),
            )
            for it, used, metrics, unresolved, device, duration in conn.execute(
                "SELECT iteration, clicks_used, metrics, unresolved, device, duration_s FROM runs "  # no-i18n
                "ORDER BY iteration, fid"
            )
        ]
        snapshot.clicks = [
            ClickRow(str(f), int(c), int(i), int(r), int(k))
            for f, c, i, r, k in conn.execute(
                "SELECT frame, class_id, iteration, row, col FROM clicks WHERE retracted = 0"  # no-i18n
            )
        ]
        return snapshot
    except sqlite3.Error as exc:
        text = tr("{path}: cannot read the click record ({reason}); is it a GeoPackage?")
        raise RecordError(text.format(path=path, reason=exc)) from exc
    finally:
        conn.close()
