"""A team's click record in PostgreSQL/PostGIS, reached through a connection the user saved in QGIS.

:class:`PostgisTarget` names it: a saved PostGIS connection, the record's schema and a local workspace
folder (models and outputs, and ``isage-postgis.json``, the pointer the engine reads: the libpq connection
*without* the login, and the schema). The login (the connection's authentication configuration, or its
stored user name and password) reaches QGIS's own connection and, as ``PGUSER``/``PGPASSWORD``, only the
environment of the engine processes the plugin starts: never a file, a log line or a command line.

The pointer also names, for the plugin only (the engine ignores them), the QGIS connection the record was
opened with (``qgis_connection``) and, optionally, the team's trainer account (``qgis_trainer_connection``:
a saved QGIS connection, or ``service=NAME``), whose connection string goes to the engine's
``trainer_connection`` and whose login to ``ISAGE_TRAINER_PGUSER``/``ISAGE_TRAINER_PGPASSWORD``: so
Processing algorithms and the resident engine find the logins of a workspace folder alone
(:func:`workspace_environment`).

:class:`PostgisSql` runs statements on the connection (``executeSql``: one autocommitted READ COMMITTED
transaction each). Values are never spliced raw into SQL: :func:`literal` dollar-quotes text with a random
tag that does not occur in it, :func:`ident` double-quotes names. The database's refusals ("budget: ...")
come back as :class:`PostgisError` with one line: the kind and message, then the hint.
"""

from __future__ import annotations

import json
import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from qgis.core import (
    QgsAbstractDatabaseProviderConnection,
    QgsApplication,
    QgsAuthMethodConfig,
    QgsDataSourceUri,
    QgsProviderConnectionException,
    QgsProviderRegistry,
)

from ..translation import tr

POINTER_NAME = "isage-postgis.json"
POINTER_FORMAT = "isage-postgis-record"
POINTER_VERSION = 1
DEFAULT_SCHEMA = "isage"
SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")  # the engine's rule for a record's schema name
RECORD_FILE = "clicks.gpkg"  # a GeoPackage workspace's record
PROVIDER = "postgres"
_ERROR = re.compile(
    r"ERROR:\s+(?P<message>[^\n\]]*)(?:\n\s*DETAIL:[^\n]*)?(?:\n\s*HINT:\s+(?P<hint>[^\n]*))?"  # no-i18n
)
TABLES = ("isage_meta", "classes", "frames", "runs", "clicks", "assessment_designs", "assessment_points",
          "assessment_labels")  # fmt: skip
_SSL_MODES = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}
QGIS_CONNECTION, QGIS_TRAINER = "qgis_connection", "qgis_trainer_connection"  # the plugin's pointer keys
TRAINER_LOGIN_ENV = ("ISAGE_TRAINER_PGUSER", "ISAGE_TRAINER_PGPASSWORD")  # the engine's names


class PostgisError(Exception):
    """A one-line message: what the database refused or why it cannot be reached, and the fix."""

    def __init__(self, text: str, kind: str = ""):
        super().__init__(text)
        self.kind = kind  # the database's kind of refusal ("budget", "duplicate"...), "" for other errors


@dataclass(frozen=True)
class PostgisTarget:
    """A record in ``schema`` of the database QGIS's saved PostGIS connection ``connection`` reaches; the
    plugin keeps its models and outputs in ``workspace``; ``trainer``: the team's trainer account for the
    engine's runs and assessment designs (a saved QGIS connection, or ``service=NAME``), "" to keep the
    pointer's."""

    connection: str
    schema: str
    workspace: Path
    trainer: str = ""

    @property
    def pointer(self) -> Path:
        return self.workspace / POINTER_NAME


# ---- QGIS's saved connections ----------------------------------------------------------------------
def connection_names() -> list[str]:
    """The PostGIS connections saved in QGIS (Browser > PostgreSQL), sorted."""
    metadata = QgsProviderRegistry.instance().providerMetadata(PROVIDER)
    return sorted(metadata.connections().keys()) if metadata is not None else []


def saved_connection(name: str) -> QgsAbstractDatabaseProviderConnection:
    metadata = QgsProviderRegistry.instance().providerMetadata(PROVIDER)
    found = metadata.connections().get(name) if metadata is not None else None
    if found is None:
        text = tr("no PostGIS connection named '{name}' in QGIS; add it in the Browser (PostgreSQL) first")
        raise PostgisError(text.format(name=name))
    return found


def connection_uri(name: str) -> QgsDataSourceUri:
    return QgsDataSourceUri(saved_connection(name).uri())


def _conninfo_value(value: str) -> str:
    """A libpq connection-string value, quoted when it must be."""
    if value and not re.search(r"[\s'\\]", value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def engine_conninfo(uri: QgsDataSourceUri) -> str:
    """The libpq connection string the engine is given: service, host, port, database and SSL mode, never
    the user name or password (they come from the engine process's environment)."""
    ssl = QgsDataSourceUri.encodeSslMode(uri.sslMode())
    parts = [
        ("service", uri.service()),
        ("host", uri.host()),
        ("port", uri.port()),
        ("dbname", uri.database()),
        ("sslmode", ssl if ssl in _SSL_MODES and ssl != "prefer" else ""),
    ]
    return " ".join(f"{key}={_conninfo_value(str(value))}" for key, value in parts if value)


def login_of(uri: QgsDataSourceUri, title: str = "") -> tuple[str, str]:
    """``(user, password)`` of a connection: its Basic authentication configuration, else its stored user
    name and password (empty when it relies on a service file or ~/.pgpass)."""
    authcfg = uri.authConfigId()
    if not authcfg:
        return uri.username(), uri.password()
    manager = QgsApplication.authManager()
    config = QgsAuthMethodConfig()
    if not manager.loadAuthenticationConfig(authcfg, config, True) or not config.isValid(True):
        text = tr(
            "{connection}: its authentication configuration {id} cannot be read; check it (and the master "
            "password) in QGIS's authentication settings"
        )
        raise PostgisError(text.format(connection=title, id=authcfg))
    if config.method() != "Basic":  # no-i18n
        text = tr(
            "{connection}: its authentication method {method} cannot be passed to the iSAGE engine; use a "
            "Basic (user name and password) configuration"
        )
        raise PostgisError(text.format(connection=title, method=config.method()))
    return config.config("username"), config.config("password")


def engine_environment(uri: QgsDataSourceUri, title: str = "") -> dict[str, str]:
    """``PGUSER``/``PGPASSWORD`` of the connection's login, for the engine processes' environment only."""
    user, password = login_of(uri, title)
    env = {"PGUSER": user} if user else {}
    if password:
        env["PGPASSWORD"] = password
    return env


# ---- the workspace's pointer file ------------------------------------------------------------------
def is_service(text: str) -> bool:
    return text.strip().startswith("service=")  # no-i18n


def trainer_conninfo(trainer: str) -> str:
    """The engine's ``trainer_connection`` for the dialog's trainer account: ``service=NAME`` as given, a
    saved QGIS connection's connection string (its login goes to the engine's environment)."""
    return trainer.strip() if is_service(trainer) else engine_conninfo(connection_uri(trainer))


def write_pointer(target: PostgisTarget, conninfo: str, trainer: str = "") -> Path:
    """Create the workspace folder (with ``models/`` and ``outputs/``) and its ``isage-postgis.json``; in a
    pointer already there to the same record the engine's keys are kept (``trainer_connection`` too,
    unless ``trainer``, the engine's connection string of ``target.trainer``, replaces it) and the plugin's
    connection names are updated; one to another record is refused."""
    if not SCHEMA_NAME.match(target.schema):
        text = tr(
            "schema name '{schema}' is not a plain lower-case SQL name; give one like 'isage' or 'city_2026'"
        )
        raise PostgisError(text.format(schema=target.schema))
    ours = {QGIS_CONNECTION: target.connection}
    if target.trainer:
        ours.update({"trainer_connection": trainer, QGIS_TRAINER: target.trainer})
    if target.pointer.is_file():
        found = read_pointer(target.workspace)
        if (found.get("connection"), found.get("schema")) != (conninfo, target.schema):
            text = tr(
                "{path}: this folder already points to another record ({schema}); choose another folder"
            )
            raise PostgisError(text.format(path=target.pointer, schema=found.get("schema")))
        if {k: found.get(k) for k in ours} != ours:
            _write_json(target.pointer, {**found, **ours})
        return target.pointer
    if (target.workspace / RECORD_FILE).exists():
        text = tr("{folder}: this folder holds a GeoPackage workspace; choose another folder")
        raise PostgisError(text.format(folder=target.workspace))
    for folder in (target.workspace, target.workspace / "models", target.workspace / "outputs"):
        folder.mkdir(parents=True, exist_ok=True)
    content = {
        "format": POINTER_FORMAT,
        "version": POINTER_VERSION,
        "connection": conninfo,
        "schema": target.schema,
        **ours,
    }
    _write_json(target.pointer, content)
    return target.pointer


def _write_json(path: Path, content: dict) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def read_pointer(workspace: Path) -> dict:
    """The pointer of a PostGIS record's workspace folder; raises :class:`PostgisError` when there is none."""
    path = Path(workspace) / POINTER_NAME
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        text = tr("{path}: no iSAGE PostGIS record pointer here; open the record from its connection")
        raise PostgisError(text.format(path=path)) from None
    if not isinstance(content, dict) or content.get("format") != POINTER_FORMAT:
        raise PostgisError(tr("{path}: not an iSAGE PostGIS record pointer").format(path=path))
    return content


# ---- SQL -------------------------------------------------------------------------------------------
class Fragment(str):
    """SQL text made safe by :func:`ident` or :func:`literal`: the only values :meth:`PostgisSql.rows`
    puts into a statement."""


def ident(name: str) -> Fragment:
    """A quoted SQL identifier (a schema or table name may hold anything)."""
    return Fragment('"' + str(name).replace('"', '""') + '"')


def literal(value) -> Fragment:
    return Fragment(_literal(value))


def compose(template: str, values: Mapping[str, object]) -> str:
    """``template`` (a constant) with its ``{name}`` places filled by :class:`Fragment` values or integers;
    anything else is refused, so no raw value ever reaches the SQL."""
    parts = {}
    for key, value in values.items():
        if isinstance(value, Fragment):
            parts[key] = str(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            parts[key] = str(int(value))
        else:
            raise TypeError(f"SQL value {key!r} must be quoted by literal() or ident()")  # no-i18n
    return template.format(**parts)


def _literal(value) -> str:
    """A SQL literal of ``value``: NULL, a boolean, a number, or text dollar-quoted with a random tag that
    does not occur in it (so nothing in the text can end the quote)."""
    if value is None:
        return "NULL"  # no-i18n
    if isinstance(value, bool):
        return "true" if value else "false"  # no-i18n
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PostgisError(tr("{value} is not a finite number").format(value=value))
        return repr(float(value))
    text = str(value)
    if "\x00" in text:
        raise PostgisError(tr("text with a NUL character cannot be stored; remove it"))
    tag = "isage_" + secrets.token_hex(6)  # no-i18n
    while f"${tag}$" in text:
        tag = "isage_" + secrets.token_hex(6)  # no-i18n
    return f"${tag}${text}${tag}$"


def database_error(exc: Exception, where: str, hidden: str = "") -> PostgisError:
    """The one-line error of a failed statement: the database's message (its kind first) and hint;
    ``hidden`` (the login's password) never appears in it."""
    raw = str(exc.args[0] if exc.args else exc)
    if hidden:
        raw = raw.replace(hidden, "***")
    found = _ERROR.search(raw)
    if found is None:
        reason = " ".join(raw.split())[-300:] or type(exc).__name__
        text = tr("{where}: the database cannot be reached or refused the statement ({reason})")
        return PostgisError(text.format(where=where, reason=reason))
    message, hint = found.group("message").strip(), (found.group("hint") or "").strip()
    kind = message.split(":", 1)[0] if re.match(r"^[a-z][a-z ]*:", message) else ""  # no-i18n
    return PostgisError(f"{message}; {hint}" if hint else message, kind)


class PostgisSql:
    """Statements on one saved QGIS connection, each its own autocommitted transaction."""

    def __init__(self, target: PostgisTarget):
        self.target = target
        self.connection = saved_connection(target.connection)
        uri = QgsDataSourceUri(self.connection.uri())
        self.where = f"PostGIS {target.connection}/{target.schema}"  # no-i18n
        self._secret = login_of(uri, target.connection)[1] if uri.authConfigId() else uri.password()

    def rows(self, template: str, **values) -> list[list]:
        """The rows the statement returns ([] for one returning none): ``template`` filled by
        :func:`compose` (``{clicks}``-like places name the record's tables, quoted)."""
        tables = {t: self.table(t) for t in TABLES if "{" + t + "}" in template}
        query = compose(template, {**tables, **values})
        try:
            return [list(row) for row in self.connection.executeSql(query)]
        except QgsProviderConnectionException as exc:
            raise database_error(exc, self.where, self._secret) from None

    def table(self, name: str) -> Fragment:
        """The record's table ``name``, schema-qualified and quoted."""
        return Fragment(f"{ident(self.target.schema)}.{ident(name)}")


def holds_record(target: PostgisTarget) -> bool:
    """Whether ``target``'s schema already holds an iSAGE record (readable by this login or not)."""
    query = (
        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "  # no-i18n
        "WHERE n.nspname = {schema} AND c.relname = 'isage_meta'"  # no-i18n
    )
    found = PostgisSql(target).rows(query, schema=literal(target.schema))
    return bool(found)


def pointer_for(target: PostgisTarget) -> Path:
    """Write the workspace's pointer for ``target`` (the engine's connection strings, no login)."""
    trainer = trainer_conninfo(target.trainer) if target.trainer else ""
    return write_pointer(target, engine_conninfo(connection_uri(target.connection)), trainer)


def environment_for(target: PostgisTarget) -> Mapping[str, str]:
    """The engine's environment for ``target``: its connection's login and the pointer's trainer's."""
    env = engine_environment(connection_uri(target.connection), target.connection)
    pointer = read_pointer(target.workspace) if target.pointer.is_file() else {}
    return {**env, **trainer_environment(pointer)}


def trainer_environment(pointer: Mapping) -> dict[str, str]:
    """``ISAGE_TRAINER_PGUSER``/``ISAGE_TRAINER_PGPASSWORD`` of the pointer's QGIS trainer connection ({}
    for none, or a service whose login libpq finds itself)."""
    trainer = str(pointer.get(QGIS_TRAINER) or "")
    if not trainer or is_service(trainer):
        return {}
    user, password = login_of(connection_uri(trainer), trainer)
    return {key: value for key, value in zip(TRAINER_LOGIN_ENV, (user, password), strict=True) if value}


def has_trainer(workspace: Path) -> bool:
    """Whether the workspace's pointer names a trainer account for the engine."""
    try:
        return bool(read_pointer(workspace).get("trainer_connection"))
    except PostgisError:
        return False


def is_postgis_workspace(path: str | Path) -> bool:
    """Whether ``path`` is a workspace folder on a PostGIS record (or its pointer file)."""
    path = Path(path)
    return (path / POINTER_NAME).is_file() or (path.name == POINTER_NAME and path.is_file())


def workspace_environment(path: str | Path) -> dict[str, str]:
    """The engine's environment for the PostGIS workspace ``path``: the login of the QGIS connection the
    record was opened with (or of the one saved connection reaching it) and the trainer's; {} for a
    connection through a service (libpq reads its login). Raises :class:`PostgisError`, naming the fix."""
    path = Path(path)
    folder = path.parent if path.name == POINTER_NAME else path
    pointer = read_pointer(folder)
    conninfo = str(pointer.get("connection") or "")
    name = str(pointer.get(QGIS_CONNECTION) or "")
    if name not in connection_names():
        reaching = [n for n in connection_names() if engine_conninfo(connection_uri(n)) == conninfo]
        name = reaching[0] if len(reaching) == 1 else ""
        if not name and not conninfo.startswith("service="):  # no-i18n
            text = tr(
                "{path}: no single PostGIS connection in QGIS reaches this record; open it once with the "
                "iSAGE panel's Team (PostGIS)… button, so its connection is known"
            )
            raise PostgisError(text.format(path=folder / POINTER_NAME))
    env = engine_environment(connection_uri(name), name) if name else {}
    return {**env, **trainer_environment(pointer)}


def engine_access(target: PostgisTarget) -> tuple[str, Mapping[str, str]]:
    """The engine's connection string (no login) and environment (the login) for ``target``."""
    uri = connection_uri(target.connection)
    return engine_conninfo(uri), engine_environment(uri, target.connection)
