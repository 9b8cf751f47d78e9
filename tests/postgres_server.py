"""A throwaway PostgreSQL cluster for the test session: initdb into a temporary directory, pg_ctl start
on 127.0.0.1 with a free port and its unix socket inside that directory, trust authentication; stopped
and deleted at the end. Each test gets its own database (`create_database`/`drop_database`).

Debian's `postgresql` package provides the server binaries (`scripts/system-deps` installs it). initdb
refuses to run as root, so as root the cluster belongs to the `postgres` OS user (`runuser`)."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

# The cluster's TimeZone is deliberately not UTC: a server in England runs on Europe/London, and a
# naive timestamp or a server-side now() that assumes UTC then shows up as an hour's error in summer.
SERVER_TIMEZONE = "Europe/London"
SUPERUSER = "postgres"


def find_bindir() -> Path:
    """The newest /usr/lib/postgresql/<ver>/bin with initdb, else wherever initdb is on PATH."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found: run scripts/system-deps "
                       "(installs Debian's postgresql) or `apt-get install postgresql`")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """One cluster; `url(name)` is the SQLAlchemy URL of database `name` on it."""

    def __init__(self, base: Path | None = None, durable: bool = False):
        """`durable`: keep fsync and synchronous commit on, for tests where a crash must lose nothing
        that was acknowledged (the default cluster trades that for speed)."""
        self.durable = durable
        self.bindir = find_bindir()
        self.as_root = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="reintegrate-pg-", dir=base))
        self.data, self.sockets, self.log = self.base / "data", self.base / "sockets", self.base / "server.log"
        self.port = free_port()
        self._admin = None

    # -- running binaries, as postgres when we are root --------------------------------------------
    def _run(self, *argv: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / argv[0]), *argv[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=self.base)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(argv[:2])} failed ({result.returncode}):\n{result.stdout}\n"
                               f"{result.stderr}\n{log}")
        return result

    def start(self) -> PostgresServer:
        self.sockets.mkdir()
        if self.as_root:
            user = pwd.getpwnam(SUPERUSER)
            for path in (self.base, self.sockets):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        self._pg_ctl_start()
        return self

    def _pg_ctl_start(self) -> None:
        options = [
            "-c listen_addresses=127.0.0.1", f"-p {self.port}", f"-k {self.sockets}",
            f"-c TimeZone={SERVER_TIMEZONE}", "-c max_connections=300",
        ]
        if not self.durable:  # a throwaway cluster: durability buys nothing, speed does
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", " ".join(options), "-w", "-t", "60",
                  "start")

    def halt(self, mode: str = "immediate") -> None:
        """Stop the server but keep its data: `immediate` is a crash (no shutdown checkpoint), `fast`
        a clean shutdown that ends every session."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def resume(self) -> None:
        """Start the halted server again on the same port (crash recovery runs if it was `immediate`)."""
        self._pg_ctl_start()

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    # -- databases ---------------------------------------------------------------------------------
    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def admin(self):
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres",
                                          autocommit=True)
        return self._admin

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database, empty or a copy of database `template` (which must have no connections);
        returns its URL."""
        self.admin().execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        # FORCE ends the connections that the test's engines still hold in their pools.
        self.admin().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
