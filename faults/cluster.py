"""A private, throw-away PostgreSQL cluster: initdb into a temp dir, its own port, run as postgres.

initdb refuses to run as root, so every server binary runs through `runuser -u postgres --`
when the script runs as root. Nothing here touches the shared cluster on port 5432.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

BIN = Path(os.environ.get("MASH_FAULTS_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "mash_faults"
SHARED_PORT = 5432


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def free_port(preferred: int) -> int:
    """`preferred` if nothing listens on it, else the next free one (never 5432)."""
    port = preferred
    while True:
        if port != SHARED_PORT:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) != 0:
                    return port
        port += 1


class Cluster:
    """One data directory and the postmaster serving it on 127.0.0.1:`port`."""

    def __init__(self, data: Path, port: int, settings: dict[str, str] | None = None) -> None:
        self.data = data
        self.port = port
        self.settings = dict(settings or {})
        self.log = data.parent / f"{data.name}.log"

    # ---------------------------------------------------------------- lifecycle

    @classmethod
    def create(cls, root: Path, port: int, settings: dict[str, str] | None = None) -> Cluster:
        """initdb a new cluster under `root` (trust auth on localhost only)."""
        data = root / "data"
        cluster = cls(data, free_port(port), settings)
        cluster.run(
            [
                str(BIN / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale",
                "C.UTF-8",
            ]
        )
        cluster.configure()
        return cluster

    def configure(self, **extra: str) -> None:
        """Write the cluster's settings (port, socket dir, and the scenario's) to its config."""
        self.settings.update(extra)
        lines = {
            "port": str(self.port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.data.parent}'",
            "max_connections": "50",
            "shared_buffers": "'64MB'",
            **self.settings,
        }
        conf = self.data / "postgresql.auto.conf"
        text = "".join(f"{k} = {v}\n" for k, v in lines.items())
        self.run(["sh", "-c", f"cat > {conf}"], input=text)

    def run(self, args: list[str], input: str | None = None) -> str:  # noqa: A002
        done = subprocess.run(  # noqa: S603 (fixed binaries, our own arguments)
            _as_postgres(args), input=input, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip() or done.stdout}")
        return done.stdout

    def start(self, timeout: float = 60) -> float:
        """Start the postmaster and wait until it accepts connections; returns seconds taken."""
        began = time.monotonic()
        command = [
            str(BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            str(int(timeout)),
            "start",
        ]
        try:
            self.run(command)
        except RuntimeError as error:
            tail = self.log.read_text().splitlines()[-5:] if self.log.exists() else []
            raise RuntimeError(f"{error}\n" + "\n".join(tail)) from error
        self.wait_ready(timeout)
        return time.monotonic() - began

    def stop(self, mode: str = "fast") -> None:
        pid = self.postmaster_pid()
        self.run([str(BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])
        if pid is not None:
            wait_gone([pid])

    def postmaster_pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        try:
            return int(pidfile.read_text().split()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None

    def kill9(self) -> list[int]:
        """SIGKILL the postmaster and every one of its processes at once: a power-cut crash."""
        pid = self.postmaster_pid()
        if pid is None:
            return []
        # Stopped first, so it cannot fork a backend between listing its children and the kill
        # (an orphaned backend would hold the shared memory and block the restart).
        os.kill(pid, signal.SIGSTOP)
        victims = [pid, *children_of(pid)]
        for victim in victims:
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
        wait_gone(victims)
        return victims

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.url("postgres"), connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                    if not conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]:  # type: ignore[index]
                        return
            except psycopg.OperationalError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"PostgreSQL on port {self.port} did not become ready")
            time.sleep(0.2)

    def destroy(self) -> None:
        if self.postmaster_pid() is not None:
            try:
                self.stop("immediate")
            except RuntimeError:
                self.kill9()

    # ---------------------------------------------------------------- access

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def django_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def create_database(self) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with psycopg.connect(self.url(), connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


def children_of(pid: int) -> list[int]:
    """Direct children of `pid`, read from /proc (the processes this script started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces; the parent pid is the 2nd field after the ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_gone(pids: list[int], timeout: float = 10) -> None:
    """Wait until every pid has exited and been reaped: PostgreSQL refuses to start while the
    old postmaster's pid still exists, even as a zombie."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # ours to reap, thanks to the subreaper flag
        if not any(Path(f"/proc/{p}").exists() for p in pids):
            return
        time.sleep(0.05)
    raise TimeoutError(f"processes {pids} did not exit")


def _become_subreaper() -> None:
    """Orphaned postmasters (pg_ctl daemonises them) become our children, so we reap them."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


_become_subreaper()


def workdir(prefix: str) -> Path:
    """A temp dir the postgres user may write into (initdb runs as postgres)."""
    root = Path(tempfile.mkdtemp(prefix=f"mash-faults-{prefix}-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    return root
