"""Cooperative cancellation: Ctrl-C and SIGTERM set a flag that long loops check."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import Cancelled


class CancelToken:
    """A flag that long-running loops poll with :meth:`check` between units of work."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = ""

    def cancel(self, reason: str = "cancelled") -> None:
        self.reason = reason
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled(self.reason)


@contextmanager
def cancel_on_signals(token: CancelToken) -> Iterator[CancelToken]:
    """Turn SIGINT and SIGTERM into ``token.cancel()`` for the duration of the block.

    The work in progress stops at its next check, so outputs are finished or removed, never half-written.
    A second signal of the same kind falls back to the previous handler.
    """
    if threading.current_thread() is not threading.main_thread():
        yield token
        return
    previous = {}

    def handler(signum, _frame):
        name = signal.Signals(signum).name
        token.cancel(f"stopped by {name}")
        signal.signal(signum, previous[signum])

    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.getsignal(sig)
        signal.signal(sig, handler)
    try:
        yield token
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
