"""A real PostgreSQL server for the end-to-end test: Debian's binaries, a temp dir, a loopback port."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import free_port


def _runuser() -> str:
    """runuser lives in /usr/sbin, which a minimal PATH may leave out."""
    return shutil.which("runuser") or next(
        (p for p in ("/usr/sbin/runuser", "/sbin/runuser") if os.path.exists(p)), "runuser"
    )


def server_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    database: str

    def env(self) -> dict[str, str]:
        return {
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": "unused-trust-auth",
            "PGDATABASE": self.database,
        }


@contextmanager
def running_server(bin_dir: Path) -> Iterator[Server]:
    # PostgreSQL refuses to run as root: run it as the 'postgres' account Debian creates.
    as_root = os.geteuid() == 0
    account = pwd.getpwnam("postgres") if as_root else None
    prefix = [_runuser(), "-u", "postgres", "--"] if as_root else []
    base = Path(tempfile.mkdtemp(prefix="tap-ccc-pg-"))
    data = base / "data"
    if account:
        os.chown(base, account.pw_uid, account.pw_gid)
    port = free_port()
    user = "postgres" if as_root else pwd.getpwuid(os.geteuid()).pw_name
    try:
        subprocess.run(
            [
                *prefix,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                user,
                "-E",
                "UTF8",
                "--no-instructions",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *prefix,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(base / "log"),
                "-w",
                "-o",
                f"-h 127.0.0.1 -p {port} -k {base}",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        yield Server("127.0.0.1", port, user, "postgres")
    finally:
        subprocess.run(
            [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)
