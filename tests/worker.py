"""Start a real Celery worker against the test database, as production runs it."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

# The queues `make worker` serves (docker-compose runs one worker per queue).
WORKER_ARGS = [
    "-A",
    "cop_platform",
    "worker",
    "-Q",
    "default,email,extraction",
    "--loglevel=INFO",
    "--concurrency=2",
]


def database_url_for_tests():
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("A separate worker process needs a database it can share: PostgreSQL.")
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, log_path: Path, extra_env: dict | None = None):
        self.log_path = log_path
        self.extra_env = extra_env or {}
        self.process = None

    def start(self, timeout=60):
        from cop_platform.celery import app

        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_tests(),
            "CONN_MAX_AGE": "0",
            **self.extra_env,
        }
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", *WORKER_ARGS, "-n", f"test-{os.getpid()}@%h"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Celery worker exited early; see {self.log_path}:\n{self.log_path.read_text()}"
                )
            if app.control.ping(timeout=0.5):
                return self
        raise RuntimeError(f"Celery worker did not answer within {timeout}s; see {self.log_path}")

    def kill(self):
        """SIGKILL the worker and its pool at once, as a crash or an OOM kill would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()
