"""The file that makes a workspace folder use a record in PostgreSQL/PostGIS: ``isage-postgis.json``.

It says where the record is (a libpq connection string or a pg_service.conf service, and the schema) and,
optionally, the engine's own account for training (``trainer_connection``). It never holds a password or a
login's secret: libpq reads those from pg_service.conf, ~/.pgpass or the environment (``PGUSER``,
``PGPASSWORD``, as the QGIS plugin passes its connection's credentials to the engine process only).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg
from psycopg.conninfo import conninfo_to_dict

from ...atomic import atomic_output
from ...errors import IsageError
from ..schema import POINTER_NAME
from .store import DEFAULT_SCHEMA

FORMAT = "isage-postgis-record"
VERSION = 1
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_SECRET_KEYS = {"password", "sslpassword", "sslkey"}


@dataclass(frozen=True)
class RecordPointer:
    """Where a workspace's record lives: ``connection`` (libpq conninfo or ``service=NAME``), ``schema``,
    and the connection training records its runs with (default: ``connection``)."""

    connection: str
    schema: str = DEFAULT_SCHEMA
    trainer_connection: str = ""

    def __post_init__(self):
        object.__setattr__(self, "connection", normalise_conninfo(self.connection, "--postgres"))
        if self.trainer_connection:
            trainer = normalise_conninfo(self.trainer_connection, "--trainer-connection")
            object.__setattr__(self, "trainer_connection", trainer)
        if not _SCHEMA_NAME.match(self.schema):
            raise IsageError(
                f"PostGIS record: schema name {self.schema!r} is not a plain lower-case SQL name; give one "
                "like 'isage' or 'city_2026'"
            )

    def save(self, folder: Path) -> Path:
        """Write the pointer into ``folder`` (atomically; refuses to replace one)."""
        path = folder / POINTER_NAME
        if path.exists():
            raise IsageError(f"{path}: this folder already points to a record; open it or pick a new folder")
        document = {"format": FORMAT, "version": VERSION, **asdict(self)}
        with atomic_output(path) as tmp:
            tmp.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> RecordPointer:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IsageError(
                f"{path}: not a readable iSAGE PostGIS pointer ({exc}); restore it, or create it again with "
                "`isage init FOLDER --postgres SERVICE`"
            ) from None
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise IsageError(f"{path}: not an iSAGE PostGIS pointer; create one with `isage init --postgres`")
        if int(document.get("version", 0)) > VERSION:
            raise IsageError(f"{path}: written by a newer iSAGE; upgrade iSAGE")
        return cls(
            str(document.get("connection", "")),
            str(document.get("schema", DEFAULT_SCHEMA)),
            str(document.get("trainer_connection", "")),
        )


def normalise_conninfo(conninfo: str, option: str) -> str:
    """A connection string checked to carry no secret: a bare NAME means ``service=NAME``."""
    text = conninfo.strip()
    if not text:
        raise IsageError(f"PostGIS record: {option} is empty; give service=NAME or host=... dbname=...")
    if "=" not in text and "://" not in text:
        text = f"service={text}"
    try:
        params = conninfo_to_dict(text)
    except psycopg.Error:
        raise IsageError(
            f"PostGIS record: {option} is not a connection string libpq understands; give service=NAME "
            "(pg_service.conf) or host=... dbname=..."
        ) from None
    secret = sorted(_SECRET_KEYS & {k for k, v in params.items() if v})
    if secret:
        raise IsageError(
            f"PostGIS record: {option} holds {', '.join(secret)}, which would be written to the workspace; "
            "keep passwords in ~/.pgpass, pg_service.conf or PGPASSWORD instead"
        )
    return text
