"""Errors the engine reports to people: one line that names the file and the fix."""

from __future__ import annotations

import errno
from pathlib import Path

NO_SPACE_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


class IsageError(Exception):
    """A failure the user can fix; its message is a single line naming the file and the fix."""

    def __init__(self, message: str):
        super().__init__(" ".join(str(message).split()))


class Cancelled(Exception):
    """The run was stopped on request (Ctrl-C, SIGTERM or a cancel from the plugin)."""


def is_no_space(exc: BaseException) -> bool:
    """True when ``exc`` (or what it wraps) says the disk or file-size limit was hit."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in NO_SPACE_ERRNOS:
            return True
        text = str(exc).lower()
        if "no space left" in text or "file too large" in text or "disk quota" in text:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def make_folder(folder: str | Path) -> Path:
    """Create ``folder`` (and its parents) for outputs, or fail with a one-line error naming it."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IsageError(
            f"{folder}: cannot create this output folder ({exc.strerror}); choose another"
        ) from exc
    return folder


def write_failed(path: str | Path, exc: BaseException) -> IsageError:
    """The one-line error for an output that could not be written."""
    if is_no_space(exc):
        return IsageError(
            f"{path}: not enough disk space to write it; free some space or choose another output folder"
        )
    return IsageError(f"{path}: could not be written ({exc}); check the folder exists and is writable")
