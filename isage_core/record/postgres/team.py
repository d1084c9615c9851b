"""The administrator's side of a team record: the SQL of admin.sql, and adding a person's login."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import psycopg
from psycopg import sql

from ...errors import IsageError
from .store import GROUPS, OWNER

_LOGIN = re.compile(r"^[a-z_][a-z0-9_.-]{0,62}$")


def admin_sql_path() -> Path:
    """admin.sql, which an administrator runs once per database with psql (see its header)."""
    return Path(str(resources.files(__package__).joinpath("admin.sql")))


def add_person(conn: psycopg.Connection, login: str, group: str, password: str) -> None:
    """Create ``login``, a LOGIN role that is a member of exactly ``group`` (one of :data:`GROUPS`), with
    ``password``. Only the password's SCRAM-SHA-256 hash, made here by libpq, is sent to the server: the
    password itself never reaches a statement, the server's log or an error. Run by the administrator."""
    if group not in GROUPS:
        raise IsageError(f"PostgreSQL: {group!r} is not a team role; give one of {', '.join(GROUPS)}")
    if not _LOGIN.match(login) or login in (*GROUPS, OWNER) or login.startswith("pg_"):
        raise IsageError(
            f"PostgreSQL: {login!r} is not a usable login name; give lower-case letters, digits, '_', "
            "'.' or '-'"
        )
    if len(password) < 12:
        raise IsageError(f"PostgreSQL: the password for {login} is too short; give at least 12 characters")
    verifier = conn.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()
    statement = sql.SQL(
        "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT "
        "PASSWORD {} IN ROLE {}"
    ).format(sql.Identifier(login), sql.Literal(verifier), sql.Identifier(group))
    try:
        conn.execute(statement)
    except psycopg.Error as exc:
        why = (exc.diag.message_primary or type(exc).__name__).replace(verifier, "***")
        raise IsageError(
            f"PostgreSQL: could not add {login} to {group} ({why}); check the name is free"
        ) from None
