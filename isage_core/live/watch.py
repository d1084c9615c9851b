"""Noticing that another program wrote the click record, cheaply enough to ask before every step."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class RecordWatcher:
    """Holds one read-only connection to the record and asks SQLite whether another connection committed
    since the last question (``PRAGMA data_version``: a counter read without touching the tables)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._version = self._read()

    def _read(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        """Whether the record was written since the watcher was made or last answered True."""
        version = self._read()
        if version == self._version:
            return False
        self._version = version
        return True

    def close(self) -> None:
        self._conn.close()


class TeamRecordWatcher:
    """The same question for a PostGIS record: a cheap query of the newest click and run and the count of
    retractions (:meth:`TeamRecord.changes`)."""

    def __init__(self, record):
        self.record = record
        self._token = record.changes()

    def changed(self) -> bool:
        token = self.record.changes()
        if token == self._token:
            return False
        self._token = token
        return True

    def close(self) -> None:
        """Nothing to close: the record's connection is the workspace's."""


def watcher_for(record) -> RecordWatcher | TeamRecordWatcher:
    """The watcher of ``record``'s backend."""
    return RecordWatcher(record.path) if record.backend == "geopackage" else TeamRecordWatcher(record)
