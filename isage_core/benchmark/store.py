"""Where a benchmark keeps what it measured, so that a run can stop and go on later without redoing any.

The output folder::

    benchmark_config.json             what every result in it was measured with (all but methods, seeds)
    results/seed_<s>/<method>.json    one method's rows for one seed, written the moment it finishes
    work/                             workspaces and models: large, ignored by git, safe to delete
    benchmark.json .csv .md .png      the summary of every result present

A run given the folder of an earlier one (``resume``) checks that the configuration is the same, skips
each (method, seed) that has a result and redoes any that was interrupted. Methods and seeds can be
added run after run: the summary covers every result in the folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..atomic import atomic_output
from ..errors import IsageError
from ..events import utc_now

CONFIG = "benchmark_config.json"
SUMMARY_FILES = ("benchmark.json", "benchmark.csv", "benchmark.md", "benchmark.png")


def _plain(value):
    """``value`` as JSON gives it back (tuples become lists), so configurations compare equal."""
    return json.loads(json.dumps(value, default=str))


class ResultStore:
    """The results folder of one benchmark configuration."""

    def __init__(self, out: str | Path, config: dict, resume: bool):
        self.out = Path(out)
        self.config = _plain(config)
        config_path = self.out / CONFIG
        used = self.out.exists() and any(self.out.iterdir())
        if used and not resume:
            raise IsageError(
                f"{self.out}: folder is not empty; continue the benchmark in it with --resume, "
                "or give another --out"
            )
        if used and not config_path.exists():
            raise IsageError(
                f"{self.out}: holds no {CONFIG}, so it is not a benchmark to resume; give another --out"
            )
        if used:
            stored = json.loads(config_path.read_text())
            differing = sorted(
                k for k in set(stored) | set(self.config) if stored.get(k) != self.config.get(k)
            )
            if differing:
                raise IsageError(
                    f"{config_path}: this benchmark was measured with other {', '.join(differing)}; "
                    "run with those settings, or give another --out"
                )
        self.new = not used
        self.created = not self.out.exists()
        self.work = self.out / "work"

    def create(self) -> None:
        """Write the configuration (a new benchmark) and the work folder, which git ignores."""
        self.out.mkdir(parents=True, exist_ok=True)
        if self.new:
            with atomic_output(self.out / CONFIG) as tmp:
                tmp.write_text(json.dumps(self.config, indent=2))
        self.work.mkdir(exist_ok=True)
        (self.work / ".gitignore").write_text("*\n")

    def discard(self) -> None:
        """Remove what :meth:`create` wrote for a new benchmark (its input was refused)."""
        if self.created:
            shutil.rmtree(self.out, ignore_errors=True)
        elif self.new:
            (self.out / CONFIG).unlink(missing_ok=True)
            shutil.rmtree(self.work, ignore_errors=True)

    def _path(self, seed: int, method: str) -> Path:
        return self.out / "results" / f"seed_{seed}" / f"{method}.json"

    def has(self, seed: int, method: str) -> bool:
        return self._path(seed, method).exists()

    def rows(self, seed: int, method: str) -> list[dict]:
        return json.loads(self._path(seed, method).read_text())["rows"]

    def seed_row(self, seed: int) -> dict | None:
        """The seed round's row (iteration 0) of any method already measured with ``seed``."""
        for done_seed, method in self.done():
            if done_seed == seed:
                return self.rows(seed, method)[0]
        return None

    def save(self, seed: int, method: str, rows: list[dict]) -> None:
        """Keep one method's rows of one seed (atomically: a kill leaves the result or nothing)."""
        path = self._path(seed, method)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(path) as tmp:
            tmp.write_text(json.dumps({"finished_utc": utc_now(), "rows": rows}, indent=1, default=str))

    def method_folder(self, seed: int, method: str) -> Path:
        """The work folder of one method and seed, emptied of what an interrupted run left there."""
        folder = self.work / f"seed_{seed}" / "methods" / method
        if folder.exists():
            shutil.rmtree(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        return folder

    def done(self) -> list[tuple[int, str]]:
        """Every (seed, method) with a result, seeds in numeric order, methods as they finished."""
        found = []
        for folder in (self.out / "results").glob("seed_*"):
            seed = int(folder.name[len("seed_") :])
            files = sorted(folder.glob("*.json"), key=lambda p: json.loads(p.read_text())["finished_utc"])
            found += [(seed, p.stem) for p in files]
        return sorted(found, key=lambda pair: pair[0])

    def all_rows(self, method_order: list[str]) -> list[dict]:
        """Every stored row: by seed, then methods in ``method_order`` first, the others as they finished."""
        done = self.done()
        methods = list(
            dict.fromkeys([m for m in method_order if any(m == d for _, d in done)] + [d for _, d in done])
        )
        rows = []
        for seed in sorted({s for s, _ in done}):
            for method in methods:
                if self.has(seed, method):
                    rows += self.rows(seed, method)
        return rows
