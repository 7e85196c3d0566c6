"""A PgBouncer of the test's own in transaction mode, on a free port, in front of the test
Postgres: it stands in for Supabase's transaction pooler (Supavisor, port 6543), which hands
each transaction whichever server connection is free."""

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

from {{ cookiecutter.project_slug }}.testing.ports import free_port, listening


def pgbouncer_binary() -> str:
    found = shutil.which("pgbouncer")
    if found is None:
        pytest.fail(
            "pgbouncer is not on the PATH: install it (apt-get install pgbouncer; Debian puts it "
            "in /usr/sbin, which only root's PATH has)."
        )
    return found


class OwnPgBouncer:
    """PgBouncer (pool_mode=transaction, `pool_size` server connections) for `database`, a
    Django DATABASES entry; `database_settings()` is that entry pointed at the pooler."""

    def __init__(self, log_path: Path, database: dict[str, Any], *, pool_size: int = 2) -> None:
        self.binary = pgbouncer_binary()
        self.log_path = log_path
        self.database = database
        self.port = free_port()
        # PgBouncer refuses to run as root: there it runs as nobody (-u), who must read this.
        self.config_dir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        self.config_dir.chmod(0o755)
        self.config_file = self.config_dir / "pgbouncer.ini"
        self.config_file.write_text(self.config(pool_size))
        self.config_file.chmod(0o644)
        self.process: subprocess.Popen[bytes] | None = None

    def config(self, pool_size: int) -> str:
        db = self.database
        password = f" password={db['PASSWORD']}" if db.get("PASSWORD") else ""
        target = f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432}{password}"
        return f"""[databases]
{db["NAME"]} = {target} dbname={db["NAME"]} user={db["USER"]}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 100
ignore_startup_parameters = extra_float_digits,options
"""

    def database_settings(self) -> dict[str, Any]:
        """The Django DATABASES entry through the pooler, as SUPABASE_DB_POOL_MODE=transaction
        sets it up."""
        options = {**self.database.get("OPTIONS", {}), "prepare_threshold": None}
        options.pop("pool", None)
        return {
            **self.database,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "OPTIONS": options,
            "CONN_MAX_AGE": 0,
            "DISABLE_SERVER_SIDE_CURSORS": True,
        }

    @contextmanager
    def clients(self, count: int, **options: Any) -> Iterator[list[psycopg.Connection[Any]]]:
        """`count` connections of their own to the pooler (`options`: psycopg's), closed after."""
        db = self.database
        clients = [
            psycopg.connect(
                host="127.0.0.1", port=self.port, user=db["USER"], dbname=db["NAME"], **options
            )
            for _ in range(count)
        ]
        try:
            yield clients
        finally:
            for client in clients:
                client.close()

    def start(self) -> None:
        as_nobody = ["-u", "nobody"] if os.geteuid() == 0 else []
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  (the harness's own pgbouncer)
                [self.binary, *as_nobody, str(self.config_file)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 10
        while not listening(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"pgbouncer did not start: {self.log_path.read_text()}")
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
        shutil.rmtree(self.config_dir, ignore_errors=True)
