"""Helpers of the panel tests: run the Qt event loop until a condition holds, read the message bar."""

from __future__ import annotations

import time

from qgis.PyQt.QtCore import QEventLoop, QTimer


def spin(condition, timeout: float = 150.0) -> None:
    """Run the Qt event loop until ``condition()`` holds (fails after ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not condition() and time.monotonic() < deadline:
        QTimer.singleShot(50, loop.quit)
        loop.exec()
    assert condition(), f"not reached within {timeout} s"


def messages(iface, level) -> list[str]:
    """The texts pytest-qgis's message bar holds at ``level``."""
    return iface.messageBar().get_messages(level)
