"""Atomic file output and what a killed run leaves behind.

Every output is written to a hidden temporary sibling, ``.NAME.partial-HOST-PID-RUN-N.EXT``, and renamed
over its final name in one step once complete, so no file under a final name is ever incomplete. The
name says which host and process wrote it and in which run (a random id per process), so that the next
run can remove the partial files of processes that are gone (:func:`remove_stale_partials`): those of
this host whose process no longer runs, and those of other hosts (or of versions that did not name
them) once older than ``OTHER_HOST_AGE_S``. Finished files get the permissions the umask gives any new
file, whatever library wrote them.

``ISAGE_KILL_AT`` (fault injection for tests) names a kill point (:data:`KILL_POINTS`); the process
SIGKILLs itself when it reaches it (with ``ISAGE_KILL_ONCE``, a file path: only the first process to
reach it, the one that creates the file).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import signal
import socket
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import IsageError, write_failed

log = logging.getLogger(__name__)

OTHER_HOST_AGE_S = 6 * 3600  # partial files of other hosts (or unnamed writers) older than this are removed
RUN_ID = uuid.uuid4().hex[:8]
HOST = re.sub(r"[^A-Za-z0-9]", "_", socket.gethostname())[:40] or "host"
_COUNTER = itertools.count()
_PARTIAL = re.compile(
    r"^\.(?P<stem>.+)\.partial-(?:(?P<host>[A-Za-z0-9_]+)-(?P<pid>\d+)-[0-9a-f]{8}-\d+|[0-9a-f]{8})"
)

KILL_ENV = "ISAGE_KILL_AT"
KILL_POINTS = {
    "atomic-before-rename": "an output is complete under its temporary name, not yet renamed",
    "atomic-after-rename": "an output was renamed into place, its sidecars not yet",
    "record-before-commit": "a click-record transaction has written, not yet committed",
    "train-before-run-row": "a model file is in place, its run not yet in the record",
    "cluster-after-part": "a cluster worker has written a part of a prediction, not yet reported it",
}
KILL_ONCE_ENV = "ISAGE_KILL_ONCE"


def kill_point(name: str) -> None:
    """SIGKILL this process here when ``ISAGE_KILL_AT`` names ``name`` (tests of what a kill leaves)."""
    if os.environ.get(KILL_ENV) != name:
        return
    once = os.environ.get(KILL_ONCE_ENV)
    if once:
        try:
            os.close(os.open(once, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            return  # another process was killed here already
    log.debug("fault injection: killed at %s", name)
    os.kill(os.getpid(), signal.SIGKILL)


def partial_path(path: Path) -> Path:
    """A temporary sibling of ``path`` naming this host, process and run; it keeps the suffix, so that
    drivers still recognise the format."""
    tag = f"{HOST}-{os.getpid()}-{RUN_ID}-{next(_COUNTER)}"
    return path.with_name(f".{path.stem}.partial-{tag}{path.suffix}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
        mode = 0o666 & ~_umask()
        sides = [(Path(str(tmp) + s), Path(str(target) + s)) for s in sidecars]
        for written in [tmp, *(side for side, _ in sides)]:
            if written.exists():
                os.chmod(written, mode)
        _fsync(tmp)
        kill_point("atomic-before-rename")
        for side, final in sides:  # sidecars first: the main file never appears without its sidecar
            if side.exists():
                os.replace(side, final)
        os.replace(tmp, target)
        kill_point("atomic-after-rename")
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


def remove_stale_partials(folders: Iterable[str | Path], recursive: bool = False) -> list[Path]:
    """Remove the partial files in ``folders`` that no running writer can finish; return them.

    Kept: those of a process of this host that still runs (its write may be in progress), and those of
    other hosts younger than ``OTHER_HOST_AGE_S`` (a cluster worker may be writing them).
    """
    removed = []
    now = time.time()
    for folder in map(Path, folders):
        if not folder.is_dir():
            continue
        for path in folder.rglob(".*.partial-*") if recursive else folder.glob(".*.partial-*"):
            match = _PARTIAL.match(path.name)
            if match is None or not path.is_file():
                continue
            host, pid = match["host"], match["pid"]
            try:
                if host == HOST and pid is not None:
                    stale = not _running(int(pid))
                else:
                    stale = now - path.stat().st_mtime > OTHER_HOST_AGE_S
                if stale:
                    path.unlink()
                    removed.append(path)
            except OSError as exc:  # gone meanwhile, or not ours to remove: left alone
                log.debug("leaving %s: %s", path, exc)
    if removed:
        log.info("removed %d partial file(s) left by stopped runs", len(removed))
    return removed


def _running(pid: int) -> bool:
    import psutil  # os.kill(pid, 0) would terminate the process on Windows

    return pid == os.getpid() or psutil.pid_exists(pid)


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
