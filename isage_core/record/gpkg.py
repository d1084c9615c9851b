"""GeoPackage 1.3 mechanics with the standard library's ``sqlite3``: core tables, SRS rows, point blobs.

Only what the click record needs: feature tables of points and attribute (non-spatial) tables. No
spatial index: its R-tree triggers call SQL functions that only GDAL/SpatiaLite provide.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from contextlib import contextmanager
from pathlib import Path

import pyproj
import shapely
from shapely.geometry import Point

from ..atomic import kill_point
from ..errors import IsageError, is_no_space

APPLICATION_ID = 0x47504B47  # 'GPKG'
USER_VERSION = 10300  # GeoPackage 1.3.0
CUSTOM_SRS_ID = 100000  # first srs_id given to a CRS without an EPSG code
UNDEFINED_CARTESIAN = -1
SQLITE_HEADER = b"SQLite format 3\x00"
# A constant SQL expression: formatted into statements whose values are bound parameters (nosec B608).
TIMESTAMP = "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

_CORE_TABLES = (
    """CREATE TABLE gpkg_spatial_ref_sys (
        srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
        organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)""",
    f"""CREATE TABLE gpkg_contents (
        table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
        description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT ({TIMESTAMP}),
        min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
        CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))""",
    """CREATE TABLE gpkg_geometry_columns (
        table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
        srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
        CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
        CONSTRAINT uk_gc_table_name UNIQUE (table_name),
        CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
        CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))""",
)
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def connect(path: str | Path, *, readonly: bool = False, busy_timeout_ms: int = 5000) -> sqlite3.Connection:
    """Open an existing file (never creates one) in autocommit mode; callers issue BEGIN/COMMIT."""
    uri = Path(path).resolve().as_uri() + ("?mode=ro" if readonly else "?mode=rw")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=busy_timeout_ms / 1000)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return conn


def is_writable(path: Path) -> bool:
    """False when the file is missing, or read-only by its permission bits (even for root)."""
    return path.is_file() and os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


@contextmanager
def transaction(path: Path, write: bool, busy_timeout_ms: int = 5000, what: str = "GeoPackage"):
    """One transaction (``BEGIN IMMEDIATE`` when writing) on a fresh connection, closed afterwards.

    Commits on success, rolls back on any exception; sqlite errors become a one-line
    :class:`IsageError` naming the file (``what`` says what it is) and the fix.
    """
    writable = is_writable(path)
    if write and not writable:
        raise IsageError(f"{path}: the {what} is read-only; fix its permissions or work on a copy")
    try:
        conn = connect(path, readonly=not writable, busy_timeout_ms=busy_timeout_ms)
    except sqlite3.Error as exc:
        raise sqlite_error(path, exc, what) from exc
    try:
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        yield conn
        if write:
            kill_point("record-before-commit")
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        if isinstance(exc, sqlite3.Error):
            raise sqlite_error(path, exc, what) from exc
        raise
    finally:
        conn.close()


def sqlite_error(path: Path, exc: sqlite3.Error, what: str = "GeoPackage") -> IsageError:
    """The one-line error for an sqlite failure on ``path``."""
    text = str(exc)
    low = text.lower()
    if "locked" in low or "busy" in low:
        fix = "close it there (or save/stop editing its layers in QGIS) and retry"
        return IsageError(f"{path}: the {what} is locked by another program; {fix}")
    if "readonly" in low or "read-only" in low:
        return IsageError(f"{path}: the {what} is read-only; fix its permissions or work on a copy")
    if is_no_space(exc) or "disk is full" in low:
        return IsageError(f"{path}: not enough disk space to write the {what}; free some space")
    if "not a database" in low or "malformed" in low:
        return IsageError(f"{path}: not a valid GeoPackage (damaged or not SQLite); restore it from a copy")
    if "unable to open" in low:
        return IsageError(f"{path}: cannot open the {what}; check it exists and its folder is writable")
    if isinstance(exc, sqlite3.IntegrityError):
        return IsageError(f"{path}: refused by the {what} ({text})")
    return IsageError(f"{path}: database error ({text}); close other programs using it and retry")


def create_geopackage(path: str | Path) -> sqlite3.Connection:
    """Create an empty GeoPackage at ``path`` (which must not exist) and return an open connection."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {USER_VERSION}")
    conn.execute("BEGIN")
    for sql in _CORE_TABLES:
        conn.execute(sql)
    wgs84 = pyproj.CRS.from_epsg(4326).to_wkt("WKT1_GDAL")
    conn.executemany(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)",
        [
            ("WGS 84 geodetic", 4326, "EPSG", 4326, wgs84, "longitude/latitude coordinates in WGS 84"),
            ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate system"),
            ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate system"),
        ],
    )
    conn.execute("COMMIT")
    return conn


def is_geopackage(conn: sqlite3.Connection) -> bool:
    """True when the database says it is a GeoPackage (application id and core tables)."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        return False
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return {"gpkg_spatial_ref_sys", "gpkg_contents"} <= names


def ensure_srs(conn: sqlite3.Connection, crs) -> int:
    """The srs_id of ``crs`` (anything pyproj reads, rasterio CRS included), adding its row if needed.

    The id is the EPSG code when the CRS has one, else the first free id from 100000.
    """
    pcrs = pyproj.CRS.from_user_input(crs)
    try:
        definition = pcrs.to_wkt("WKT1_GDAL") or pcrs.to_wkt()
    except pyproj.exceptions.CRSError:
        definition = pcrs.to_wkt()
    epsg = pcrs.to_epsg()
    if epsg is not None:
        if conn.execute("SELECT 1 FROM gpkg_spatial_ref_sys WHERE srs_id = ?", (epsg,)).fetchone() is None:
            conn.execute(
                "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, ?, '')",
                (pcrs.name, epsg, epsg, definition),
            )
        return epsg
    row = conn.execute(
        "SELECT srs_id FROM gpkg_spatial_ref_sys WHERE definition = ? AND srs_id >= ?",
        (definition, CUSTOM_SRS_ID),
    ).fetchone()
    if row is not None:
        return int(row[0])
    top = conn.execute("SELECT MAX(srs_id) FROM gpkg_spatial_ref_sys").fetchone()[0] or 0
    srs_id = max(CUSTOM_SRS_ID, top + 1)
    conn.execute(
        "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, 'NONE', ?, ?, '')",
        (pcrs.name or "unnamed", srs_id, srs_id, definition),
    )
    return srs_id


def register_features(
    conn: sqlite3.Connection, table: str, geom_column: str, geom_type: str, srs_id: int, description: str = ""
) -> None:
    """Declare ``table`` (already created) as a 2D feature table in gpkg_contents/gpkg_geometry_columns."""
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, 'features', ?, ?, ?)",
        (table, table, description, srs_id),
    )
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?, ?, ?, ?, 0, 0)", (table, geom_column, geom_type, srs_id)
    )


def register_attributes(conn: sqlite3.Connection, table: str, description: str = "") -> None:
    """Declare ``table`` (already created) as a non-spatial attribute table in gpkg_contents."""
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
        "VALUES (?, 'attributes', ?, ?)",
        (table, table, description),
    )


def features_srs_id(conn: sqlite3.Connection, table: str) -> int:
    """The srs_id declared for the geometry column of ``table``."""
    return int(
        conn.execute("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (table,)).fetchone()[0]
    )


def set_features_srs(conn: sqlite3.Connection, table: str, srs_id: int) -> None:
    """Change the declared CRS of an (empty) feature table."""
    conn.execute("UPDATE gpkg_geometry_columns SET srs_id = ? WHERE table_name = ?", (srs_id, table))
    conn.execute("UPDATE gpkg_contents SET srs_id = ? WHERE table_name = ?", (srs_id, table))


def touch(conn: sqlite3.Connection, table: str, x: float | None = None, y: float | None = None) -> None:
    """Record a change of ``table`` in gpkg_contents, growing its extent to hold point ``(x, y)``."""
    if x is None or y is None:
        conn.execute(f"UPDATE gpkg_contents SET last_change = {TIMESTAMP} WHERE table_name = ?", (table,))  # nosec B608
        return
    conn.execute(
        f"UPDATE gpkg_contents SET last_change = {TIMESTAMP}, "  # nosec B608
        "min_x = MIN(COALESCE(min_x, :x), :x), max_x = MAX(COALESCE(max_x, :x), :x), "
        "min_y = MIN(COALESCE(min_y, :y), :y), max_y = MAX(COALESCE(max_y, :y), :y) WHERE table_name = :t",
        {"x": x, "y": y, "t": table},
    )


def encode_point(x: float, y: float, srs_id: int) -> bytes:
    """A GeoPackage geometry blob for a 2D point: little-endian, no envelope, then ISO WKB."""
    flags = 0b0000_0001  # bit 0: little-endian header; bits 1-3: envelope 0 (none); bit 4: not empty
    wkb = shapely.to_wkb(Point(float(x), float(y)), byte_order=1, output_dimension=2)
    return b"GP" + bytes((0, flags)) + struct.pack("<i", int(srs_id)) + wkb


def decode_geometry(blob: bytes) -> tuple[shapely.Geometry, int]:
    """The shapely geometry and srs_id of a GeoPackage geometry blob (any envelope, either byte order)."""
    if len(blob) < 8 or blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob (missing 'GP' magic)")
    flags = blob[3]
    srs_id = struct.unpack("<i" if flags & 1 else ">i", blob[4:8])[0]
    envelope = (flags >> 1) & 0b111
    if envelope not in _ENVELOPE_BYTES:
        raise ValueError(f"invalid GeoPackage envelope code {envelope}")
    return shapely.from_wkb(bytes(blob[8 + _ENVELOPE_BYTES[envelope] :])), srs_id


def decode_point(blob: bytes) -> tuple[float, float]:
    """``(x, y)`` of a GeoPackage point blob; NaNs for an empty point."""
    geom, _ = decode_geometry(blob)
    if geom.is_empty:
        return float("nan"), float("nan")
    return float(geom.x), float(geom.y)
