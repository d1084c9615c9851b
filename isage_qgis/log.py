"""Standard ``logging`` for the plugin, shown in QGIS's Log Messages panel under the tag "iSAGE"."""

from __future__ import annotations

import logging

from qgis.core import QgsMessageLog

from .compat import LEVEL_CRITICAL, LEVEL_INFO, LEVEL_WARNING

TAG = "iSAGE"
LOGGER_NAME = "isage_qgis"


class QgsMessageLogHandler(logging.Handler):
    """Forwards log records to ``QgsMessageLog`` (thread-safe there) under :data:`TAG`."""

    def __init__(self, tag: str = TAG, level: int = logging.NOTSET):
        super().__init__(level)
        self.tag = tag

    @staticmethod
    def qgis_level(levelno: int):
        """The ``Qgis.MessageLevel`` of a ``logging`` level."""
        if levelno >= logging.ERROR:
            return LEVEL_CRITICAL
        if levelno >= logging.WARNING:
            return LEVEL_WARNING
        return LEVEL_INFO

    def emit(self, record: logging.LogRecord) -> None:
        try:
            QgsMessageLog.logMessage(self.format(record), self.tag, self.qgis_level(record.levelno), False)
        except Exception:  # logging must never take the plugin down
            self.handleError(record)


def setup_logging(level: int = logging.INFO) -> logging.Logger:
    """The ``isage_qgis`` logger with one :class:`QgsMessageLogHandler` (calling it again adds none)."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h, QgsMessageLogHandler) for h in logger.handlers):
        handler = QgsMessageLogHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
    return logger
