"""Connecting to the PostgreSQL server of a team's record: a libpq connection string or a service name,
and error messages that name the target (service, login, host, database), never a password."""

from __future__ import annotations

import psycopg
from psycopg import errors as pg
from psycopg.conninfo import conninfo_to_dict

from ...errors import IsageError


def connect(
    dsn_or_service: str, *, connect_timeout_s: int = 10, user: str = "", password: str = ""
) -> psycopg.Connection:
    """A connection (autocommit) to the server: ``dsn_or_service`` is a libpq connection string
    (``host=... dbname=... user=...``, or a ``postgresql://`` URI) or ``service=NAME`` (a section of
    pg_service.conf); a bare NAME means ``service=NAME``. Passwords come from the service file, ~/.pgpass
    or the connection string, and never appear in an error: errors name the service, host and database.
    ``user``/``password``, when given, override the connection string's and the environment's (the trainer's
    login handed to the engine process, beside the person's ``PGUSER``/``PGPASSWORD``)."""
    conninfo = dsn_or_service.strip()
    if conninfo and "=" not in conninfo and "://" not in conninfo:
        conninfo = f"service={conninfo}"
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.Error:
        raise IsageError(
            "PostgreSQL: the connection string is not understood; give service=NAME (pg_service.conf) "
            "or host=... dbname=... user=..."
        ) from None
    login = {key: value for key, value in (("user", user), ("password", password)) if value}
    target = describe_target({**params, **login})
    secret = str(password or params.get("password") or "")
    try:
        conn = psycopg.connect(
            conninfo, autocommit=True, connect_timeout=connect_timeout_s, application_name="isage", **login
        )
    except psycopg.Error as exc:
        why = redact(first_line(exc), secret)
        raise IsageError(
            f"PostgreSQL {target}: cannot connect ({why}); check the service (pg_service.conf), the "
            "password (~/.pgpass or the service file) and that the server is running"
        ) from None
    return conn


def describe_target(params: dict) -> str:
    """What a connection's parameters name, for messages: service, user, host, port, database; never
    the password."""
    if params.get("service") and not params.get("host"):
        return f"service '{params['service']}'"
    who = f"{params['user']}@" if params.get("user") else ""
    where = str(params.get("host") or "localhost")
    port = f":{params['port']}" if params.get("port") else ""
    return f"{who}{where}{port}/{params.get('dbname') or params.get('user') or '?'}"


def first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def redact(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def database_error(exc: psycopg.Error, where: str, who: str, *, lost: bool = False) -> IsageError:
    """A database error as the one line people read: what the rule says and what to do. ``where`` names
    the record, ``who`` the login and its team role; ``lost``: the connection is closed."""
    diag = exc.diag
    message = diag.message_primary or first_line(exc)
    hint = f"; {diag.message_hint}" if diag.message_hint else ""
    if isinstance(exc, pg.RaiseException):
        return IsageError(f"{where}: {message}{hint}")
    if isinstance(exc, pg.InsufficientPrivilege):
        return IsageError(f"{where}: {who} may not do this ({message}); ask the record's administrator")
    if isinstance(exc, pg.IntegrityError):
        return IsageError(f"{where}: refused by the record's rules ({message}){hint}")
    if isinstance(exc, psycopg.OperationalError) or lost:
        return IsageError(
            f"{where}: the connection to the server was lost ({first_line(exc)}); the transaction "
            "was not confirmed, so nothing of it counts as written: connect again and retry"
        )
    return IsageError(f"{where}: {type(exc).__name__}: {message}{hint}")
