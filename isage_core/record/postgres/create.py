"""Creating a record in a schema of a PostgreSQL/PostGIS database (the administrator's step, after
admin.sql) and asking whether a schema holds one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources

import psycopg
from psycopg import sql

from ...errors import IsageError
from ..schema import SCHEMA_VERSION, ClassDef
from .connection import first_line
from .store import DEFAULT_SCHEMA, GROUPS, OWNER, PostgisRecord, _check_classes, open_record

_EPSG = re.compile(r"^(?:EPSG:)?(\d+)$", re.IGNORECASE)


def _srid(crs: int | str | None) -> int:
    if crs is None:
        return 0
    match = _EPSG.match(str(crs).strip())
    if not match:
        raise IsageError(f"PostGIS record: CRS {crs!r} is not an EPSG code; give one like 'EPSG:31983'")
    return int(match.group(1))


def create_record(
    conn: psycopg.Connection,
    schema: str = DEFAULT_SCHEMA,
    classes: Sequence[ClassDef] = (),
    crs: int | str | None = None,
    *,
    crs_wkt: str | None = None,
) -> PostgisRecord:
    """Create a record in ``schema`` (created when missing) of the database ``conn`` is connected to, in
    one transaction: the tables, triggers, policies and grants of schema.sql, owned by isage_owner, the
    ``classes`` and the CRS (an EPSG code: the SRID of the points; None: not georeferenced). ``crs_wkt``
    is the CRS as the engine writes it (rasterio's WKT), compared with each frame's; by default PostGIS's
    definition of the SRID. Run by the administrator (a member of isage_owner) after admin.sql."""
    srid = _srid(crs)
    _check_classes(schema, classes)
    where = f"PostGIS record '{schema}' ({conn.info.user}@{conn.info.dbname})"
    found = {
        r[0]
        for r in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", ([OWNER, *GROUPS],)
        ).fetchall()
    }
    missing = sorted({OWNER, *GROUPS} - found)
    if missing:
        raise IsageError(f"{where}: roles {', '.join(missing)} missing; run admin.sql on the database first")
    postgis = conn.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'postgis'"
    ).fetchone()
    if postgis is None:
        raise IsageError(f"{where}: the PostGIS extension is not in the database; run admin.sql first")
    name = sql.Identifier(schema)
    try:
        with conn.transaction():
            exists = conn.execute(
                "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = 'isage_meta'",
                (schema,),
            ).fetchone()
            if exists:
                raise IsageError(f"{where}: already holds a record; open it, or choose another schema")
            conn.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {} AUTHORIZATION {}").format(name, sql.Identifier(OWNER))
            )
            conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(OWNER)))
            path = sql.SQL("{}, {}, pg_temp").format(name, sql.Identifier(postgis[0])).as_string(conn)
            conn.execute("SELECT pg_catalog.set_config('search_path', %s, true)", (path,))
            conn.execute(_schema_sql())
            for table in ("clicks", "assessment_points"):
                conn.execute(
                    sql.SQL("ALTER TABLE {} ALTER COLUMN geom TYPE geometry(Point, {})").format(
                        sql.Identifier(table), sql.Literal(srid)
                    )
                )
            if crs_wkt is None and srid:
                row = conn.execute("SELECT srtext FROM spatial_ref_sys WHERE srid = %s", (srid,)).fetchone()
                if row is None:
                    raise IsageError(f"{where}: PostGIS does not know EPSG:{srid}; give another CRS")
                crs_wkt = row[0]
            meta = [
                ("schema_version", str(SCHEMA_VERSION)),
                ("backend", "postgis"),
                ("crs_wkt", crs_wkt or ""),
                ("srid", str(srid)),
            ]
            with conn.cursor() as cur:
                cur.executemany("INSERT INTO isage_meta (key, value) VALUES (%s, %s)", meta)
                cur.executemany(
                    "INSERT INTO classes (id, name, color) VALUES (%s, %s, %s)",
                    [(c.id, c.name, c.color.lower()) for c in classes],
                )
    except IsageError:
        raise
    except psycopg.Error as exc:
        raise IsageError(f"{where}: could not create the record ({first_line(exc)})") from exc
    return open_record(conn, schema)


def _schema_sql() -> str:
    return resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")


def record_exists(conn: psycopg.Connection, schema: str) -> bool:
    """Whether ``schema`` of the connected database holds an iSAGE record (readable or not)."""
    found = conn.execute(
        "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = 'isage_meta'",
        (schema,),
    ).fetchone()
    return found is not None
