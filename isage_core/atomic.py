"""Atomic file output: write beside the target, then rename over it; nothing half-written survives."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import IsageError, write_failed


def partial_path(path: Path) -> Path:
    """A temporary sibling of ``path`` that keeps its suffix, so drivers still recognise the format."""
    return path.with_name(f".{path.stem}.partial-{uuid.uuid4().hex[:8]}{path.suffix}")


@contextmanager
def atomic_output(path: str | Path, sidecars: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path`` in one rename.

    ``sidecars`` are suffixes (such as ``".aux.xml"``) of files written next to the temporary file
    that move with it. On any error, or cancellation, the temporary files are removed and ``path``
    (if it existed) is left as it was. Write failures become a one-line :class:`IsageError`.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise IsageError(f"{target.parent}: output folder does not exist; create it or choose another")
    tmp = partial_path(target)
    try:
        yield tmp
        for suffix in sidecars:
            side = Path(str(tmp) + suffix)
            if side.exists():
                os.replace(side, str(target) + suffix)
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException as exc:
        for leftover in [tmp, *(Path(str(tmp) + s) for s in sidecars)]:
            leftover.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise write_failed(target, exc) from exc
        raise


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_output(path) as tmp:
        tmp.write_bytes(data)


def _fsync(path: Path) -> None:
    if path.exists():
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
