"""The progress protocol that long runs take, and the timestamps of what they record.

Training, prediction and the benchmark report progress through a :data:`ProgressCallback`
``(fraction 0..1, message)`` and stop through a :class:`~isage_core.cancel.CancelToken`; they never
know who listens (the CLI's reporters in ``isage_core.cli.reporters`` turn both into a progress bar or
JSON lines).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

ProgressCallback = Callable[[float, str], None]


def utc_now() -> str:
    """The current UTC time as an ISO 8601 string with seconds."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
