"""A throwaway PostgreSQL + PostGIS cluster for the tests of the team record (tests/test_postgres_record.py).

Nothing is assumed from the machine but the Debian packages (``make install``): ``initdb`` makes a cluster
in a new temporary folder, owned by the OS user ``postgres`` when the tests run as root (PostgreSQL refuses
to run as root; a dedicated system user is created when there is no ``postgres``), else by whoever runs
them. It listens on a Unix socket in that folder and nowhere else (``listen_addresses = ''``: no TCP port),
every login needs its password (scram-sha-256, also for the superuser), and :meth:`stop` stops it and
removes the folder. Then admin.sql sets the team up exactly as an administrator would, with psql.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = "run `make install` (it installs the Debian package postgresql-15-postgis-3)"
SUPERUSER = "isage_dba"
DATABASE = "isage_test"
SERVICE_USER = "isage-pgtest"  # created only when running as root on a machine without a `postgres` user
PEOPLE = {
    **{f"ann{i}": "isage_annotator" for i in range(1, 9)},
    "rita": "isage_reviewer",
    "tom": "isage_trainer",
    "ada": "isage_admin",
}


class PostgresMissing(Exception):
    """PostgreSQL or PostGIS is not installed: the message says what to run."""


def find_postgres(lib_root: str = "/usr/lib/postgresql", share_root: str = "/usr/share/postgresql") -> Path:
    """The bin folder of the newest PostgreSQL that has initdb, pg_ctl, psql and the PostGIS extension."""
    found = []
    for initdb in glob.glob(f"{lib_root}/*/bin/initdb"):
        bindir = Path(initdb).parent
        version = bindir.parent.name
        has_tools = all((bindir / tool).is_file() for tool in ("pg_ctl", "psql", "postgres"))
        has_postgis = Path(share_root, version, "extension", "postgis.control").is_file()
        if has_tools and has_postgis and re.fullmatch(r"\d+", version):
            found.append((int(version), bindir))
    if not found:
        raise PostgresMissing(f"PostgreSQL with PostGIS not found under {lib_root}: {INSTALL_HINT}")
    return max(found)[1]


def _service_account() -> tuple[int, int] | None:
    """Whom the server runs as: None (the current user) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", SERVICE_USER):
        try:
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
        check=True, capture_output=True,
    )  # fmt: skip
    entry = pwd.getpwnam(SERVICE_USER)
    return entry.pw_uid, entry.pw_gid


@dataclass
class ThrowawayCluster:
    bindir: Path
    root: Path = field(init=False)
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    account: tuple[int, int] | None = field(default=None, init=False)
    running: bool = field(default=False, init=False)

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def _as_server(self, args: list, **kwargs) -> subprocess.CompletedProcess:
        extra = {}
        if self.account is not None:
            extra = dict(user=self.account[0], group=self.account[1], extra_groups=[])
        done = subprocess.run(
            [str(a) for a in args],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
            **extra,
            **kwargs,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()[-800:]}")
        return done

    def start(self) -> ThrowawayCluster:
        self.account = _service_account()
        self.root = Path(tempfile.mkdtemp(prefix="isage-pg-"))
        atexit.register(self.stop)
        self.socket_dir.mkdir()
        pwfile = self.root / "superuser-password"
        pwfile.write_text(self.password + "\n")
        for path in (self.root, self.socket_dir, pwfile):
            if self.account is not None:
                os.chown(path, *self.account)
        os.chmod(self.root, 0o700)
        os.chmod(pwfile, 0o600)
        data = self.root / "data"
        self._as_server([
            self.bindir / "initdb", "-D", data, "-U", SUPERUSER, f"--pwfile={pwfile}", "--auth=scram-sha-256",
            "-E", "UTF8", "--locale=C", "--no-sync",
        ])  # fmt: skip
        pwfile.unlink()
        # Only local (Unix socket) connections, and each one must give its login's password.
        (data / "pg_hba.conf").write_text("local all all scram-sha-256\n")
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                "\n# the tests' throwaway cluster\n"
                "listen_addresses = ''\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "unix_socket_permissions = 0700\n"
                "max_connections = 60\n"
                "shared_buffers = 32MB\n"
                "fsync = off\n"  # a throwaway cluster: durability costs time and buys nothing here
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
                "deadlock_timeout = 100ms\n"  # batches that deadlock are retried sooner than in production
                "password_encryption = 'scram-sha-256'\n"
            )
        self._as_server(
            [self.bindir / "pg_ctl", "-D", data, "-l", self.root / "server.log", "-w", "-t", "60", "start"]
        )
        self.running = True
        self._superuser_psql("postgres", ["-c", f"CREATE DATABASE {DATABASE}"])
        return self

    def stop(self) -> None:
        if getattr(self, "root", None) is None or not self.root.exists():
            return
        if self.running:
            try:
                self._as_server(
                    [self.bindir / "pg_ctl", "-D", self.root / "data", "-m", "immediate", "-w", "stop"]
                )
            finally:
                self.running = False
        shutil.rmtree(self.root, ignore_errors=True)

    def conninfo(self, user: str, password: str, dbname: str = DATABASE) -> str:
        where = f"host={self.socket_dir} port=5432 dbname={dbname}"
        return f"{where} user={user} password={password} connect_timeout=10"

    def superuser_conninfo(self, dbname: str = DATABASE) -> str:
        return self.conninfo(SUPERUSER, self.password, dbname)

    def _superuser_psql(self, dbname: str, args: list) -> subprocess.CompletedProcess:
        env = dict(os.environ, PGPASSWORD=self.password, PGHOST=str(self.socket_dir), PGPORT="5432")
        env.pop("PGSERVICE", None)
        done = subprocess.run(
            [str(self.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", SUPERUSER, "-d", dbname,
             *args],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()[-800:]}")
        return done

    def run_admin_sql(self, admin_sql: Path, schema: str = "isage") -> subprocess.CompletedProcess:
        """admin.sql as the administrator runs it: psql, ON_ERROR_STOP, the schema as a variable."""
        return self._superuser_psql(DATABASE, ["-v", f"schema={schema}", "-f", str(admin_sql)])


TEST_CLASSES = (
    (0, "background", "#000000"),
    (1, "building", "#ff0000"),
    (2, "road", "#ffff00"),
    (3, "car", "#0000ff"),
)
CRS = "EPSG:31983"
PIXEL = 0.24


@dataclass
class PgTeam:
    """The cluster, set up by admin.sql, with the people of :data:`PEOPLE` (annotators ann1..ann8, the
    reviewer rita, the trainer tom, the administrator ada), each with their own password."""

    cluster: ThrowawayCluster
    passwords: dict = field(default_factory=dict)
    connections: list = field(default_factory=list)
    records: int = 0

    def conninfo(self, login: str) -> str:
        if login == SUPERUSER:
            return self.cluster.superuser_conninfo()
        return self.cluster.conninfo(login, self.passwords[login])

    def connect(self, login: str):
        from isage_core.record.postgres import connect

        conn = connect(self.conninfo(login))
        self.connections.append(conn)
        return conn

    def open(self, login: str, schema: str):
        from isage_core.record.postgres import open_record

        return open_record(self.connect(login), schema)

    def close_connections(self) -> None:
        while self.connections:
            self.connections.pop().close()

    def new_record(self, frames: int = 4, size: int = 256):
        """A new record in a schema of its own (frames ``f0``.. of ``size`` pixels, added by ada); its
        schema name."""
        from isage_core.geo import FrameInfo
        from isage_core.record.postgres import ClassDef, create_record

        self.records += 1
        schema = f"record_{self.records}"
        dba = self.connect(SUPERUSER)
        record = create_record(dba, schema, [ClassDef(*c) for c in TEST_CLASSES], CRS)
        ada = self.open("ada", schema)
        for i in range(frames):
            transform = (PIXEL, 0.0, 300000.0 + 100 * i, 0.0, -PIXEL, 8250000.0)
            info = FrameInfo(size, size, 3, "uint8", record.crs_wkt, transform, None, f"{schema}-fp{i}")
            ada.add_frame(f"f{i}", f"/shared/imagery/f{i}.tif", info)
        return schema


def start_team(admin_sql: Path) -> PgTeam:
    """Start a cluster, run admin.sql on it, add the people."""
    from isage_core.record.postgres import add_person, connect

    cluster = ThrowawayCluster(find_postgres()).start()
    try:
        cluster.run_admin_sql(admin_sql)
        team = PgTeam(cluster, {login: secrets.token_urlsafe(15) for login in PEOPLE})
        with connect(cluster.superuser_conninfo()) as dba:
            for login, group in PEOPLE.items():
                add_person(dba, login, group, team.passwords[login])
    except BaseException:
        cluster.stop()
        raise
    return team
