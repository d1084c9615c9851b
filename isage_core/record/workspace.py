"""A workspace is a folder: the click record, ``models/`` (one checkpoint per run) and ``outputs/``.

The record is the GeoPackage ``clicks.gpkg`` in the folder, or a schema of a PostgreSQL/PostGIS database
that a team shares, named by the folder's ``isage-postgis.json`` (:mod:`.postgres.pointer`); both offer the
same interface, so every command works on either."""

from __future__ import annotations

from pathlib import Path

from ..atomic import remove_stale_partials
from ..errors import IsageError, make_folder
from .click_record import ClassDef, ClickRecord
from .schema import POINTER_NAME

RECORD_NAME = "clicks.gpkg"
Record = ClickRecord  # or a postgres.team_record.TeamRecord: the same interface


class Workspace:
    """The folder that holds one annotation project."""

    def __init__(self, folder: Path, record: Record):
        self.folder = folder
        self.record = record

    @property
    def record_location(self) -> Path:
        """The record's file: the GeoPackage, or the pointer to the database."""
        path = getattr(self.record, "path", None)
        return Path(path) if path is not None else self.folder / POINTER_NAME

    @classmethod
    def create(cls, folder: str | Path, classes: list[ClassDef], crs=None) -> Workspace:
        """Create the folder layout and an empty click record; refuses to reuse an existing record."""
        folder = Path(folder)
        if (folder / RECORD_NAME).exists():
            raise IsageError(
                f"{folder / RECORD_NAME}: a workspace already exists here; open it or pick a new folder"
            )
        if folder.exists() and not folder.is_dir():
            raise IsageError(f"{folder}: is a file; give a folder for the workspace")
        try:
            for sub in ("", "models", "outputs"):
                (folder / sub).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IsageError(
                f"{folder}: cannot create the workspace folder ({exc.strerror}); choose another"
            ) from exc
        return cls(folder, ClickRecord.create(folder / RECORD_NAME, classes, crs=crs))

    @classmethod
    def create_postgres(
        cls, folder: str | Path, pointer, classes: list[ClassDef] | None = None, crs=None
    ) -> Workspace:
        """A workspace on the PostGIS record ``pointer`` names: joins the record when the schema holds
        one (``classes`` and ``crs`` refused: they apply only to creating), else creates it (the
        administrator's login; ``classes`` needed). The folder and its pointer are written only once the
        database said yes."""
        from .postgres.connection import connect
        from .postgres.create import create_record, record_exists
        from .postgres.store import PostgisRecord
        from .postgres.team_record import TeamRecord

        folder = Path(folder)
        for existing in (folder / RECORD_NAME, folder / POINTER_NAME):
            if existing.exists():
                raise IsageError(f"{existing}: a workspace already exists here; open it or pick a new folder")
        if folder.exists() and not folder.is_dir():
            raise IsageError(f"{folder}: is a file; give a folder for the workspace")
        conn = connect(pointer.connection)
        try:
            if record_exists(conn, pointer.schema):
                given = [flag for flag, value in (("--classes", classes), ("--crs", crs)) if value]
                if given:
                    raise IsageError(
                        f"PostgreSQL {conn.info.user}@{conn.info.dbname}: schema '{pointer.schema}' already "
                        f"holds a record, which init joins; drop {' and '.join(given)} (the record keeps the "
                        "classes and CRS it was created with; an isage_admin member adds or renames classes "
                        "with `isage classes set`)"
                    )
                store = PostgisRecord(conn, pointer.schema)
            elif not classes:
                raise IsageError(
                    f"PostgreSQL {conn.info.user}@{conn.info.dbname}: no record in schema "
                    f"'{pointer.schema}'; give --classes (and --crs) to create it as the team's administrator"
                )
            else:
                store = create_record(conn, pointer.schema, classes, crs)
            for sub in ("", "models", "outputs"):
                (folder / sub).mkdir(parents=True, exist_ok=True)
            pointer.save(folder)
        except BaseException:
            conn.close()
            raise
        return cls(folder, TeamRecord(pointer, folder, store))

    @classmethod
    def open(cls, location: str | Path) -> Workspace:
        """Open a workspace by its folder, its GeoPackage or its PostGIS pointer file."""
        location = Path(location)
        pointer = location if location.name == POINTER_NAME else location / POINTER_NAME
        if pointer.is_file():
            from .postgres.pointer import RecordPointer
            from .postgres.team_record import TeamRecord

            return cls(pointer.parent, TeamRecord.open(RecordPointer.load(pointer), pointer.parent))
        gpkg = location if location.suffix.lower() == ".gpkg" else location / RECORD_NAME
        if not gpkg.exists():
            raise IsageError(f"{location}: no iSAGE workspace here; create one with `isage init {location}`")
        record = ClickRecord.open(gpkg)  # checked before anything is created beside it
        return cls(gpkg.parent, record)

    def close(self) -> None:
        """Close the record's database connections (a GeoPackage record holds none)."""
        close = getattr(self.record, "close", None)
        if close is not None:
            close()

    @property
    def models_dir(self) -> Path:
        return self.folder / "models"

    @property
    def outputs_dir(self) -> Path:
        return self.folder / "outputs"

    def remove_stale_partials(self) -> list[Path]:
        """Remove the partial files stopped runs left in the workspace (see :mod:`isage_core.atomic`)."""
        removed = remove_stale_partials([self.folder, self.models_dir, self.folder / "frames"])
        return removed + remove_stale_partials([self.outputs_dir], recursive=True)

    def model_path(self, iteration: int) -> Path:
        return self.models_dir / f"iteration_{iteration:03d}.safetensors"

    def output_dir(self, iteration: int) -> Path:
        """The outputs folder of ``iteration``, created."""
        return make_folder(self.outputs_dir / f"iteration_{iteration:03d}")

    def class_raster(self, iteration: int, frame: str) -> Path | None:
        """The class raster of ``frame`` predicted by ``iteration``'s model (a GeoTIFF, or the VRT of a
        cluster run), or None."""
        folder = self.outputs_dir / f"iteration_{iteration:03d}"
        for suffix in (".tif", ".vrt"):
            path = folder / f"{frame}_classes{suffix}"
            if path.exists():
                return path
        return None

    def latest_model(self) -> tuple[int, Path] | None:
        """The iteration and file of the newest run whose model file exists."""
        for run in sorted(self.record.runs(), key=lambda r: r.iteration, reverse=True):
            path = self.folder / run.model_path
            if path.is_file():
                return run.iteration, path
        return None

    def relative(self, path: Path) -> str:
        """``path`` relative to the workspace folder when inside it (posix separators)."""
        try:
            return Path(path).resolve().relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            return str(Path(path).resolve())
