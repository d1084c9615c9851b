"""Whether a workspace is whole: the record sound, every run's model loadable, every output readable, no
partial files left. What ``isage info --repair`` reports, and what the fault-injection tests assert after
a kill."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import IsageError
from ..record.workspace import Workspace


@dataclass
class Health:
    """What a check found: problems (each one line) and the partial files present."""

    problems: list[str] = field(default_factory=list)
    partial_files: list[Path] = field(default_factory=list)

    @property
    def whole(self) -> bool:
        return not self.problems and not self.partial_files


def check_workspace(workspace: Workspace, deep: bool = False) -> Health:
    """Check the record's integrity, that every run's model reads, and that every output raster opens
    (``deep``: and every pixel of it reads); list partial files."""
    from ..geo import open_raster, read_pixels
    from ..model.checkpoint import read_meta

    health = Health()
    record = workspace.record
    try:
        if record.backend == "geopackage":  # a database server checks its own pages
            with sqlite3.connect(f"file:{record.path}?mode=ro", uri=True) as conn:
                verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                health.problems.append(f"{record.where}: integrity check: {verdict}")
        runs = record.runs()
        record.clicks(include_retracted=True)
    except (sqlite3.Error, IsageError) as exc:
        health.problems.append(f"{record.where}: {exc}")
        runs = []
    for run in runs:
        path = workspace.folder / run.model_path
        try:
            read_meta(path)
        except (IsageError, OSError) as exc:
            health.problems.append(f"{path}: model of iteration {run.iteration} does not read ({exc})")
    for raster in sorted(workspace.outputs_dir.rglob("*.tif")) if workspace.outputs_dir.is_dir() else []:
        if raster.name.startswith("."):
            continue
        try:
            with open_raster(raster, "output") as src:
                if deep:
                    read_pixels(src)
        except IsageError as exc:
            health.problems.append(str(exc))
    for folder, pattern in (
        (workspace.folder, "*"),
        (workspace.models_dir, "*"),
        (workspace.outputs_dir, "**/*"),
    ):
        if folder.is_dir():
            health.partial_files += sorted(p for p in folder.glob(pattern) if ".partial-" in p.name)
    return health
