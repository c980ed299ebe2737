"""`manage.py check --deploy` stays clean with production settings (DEBUG off, a real secret,
HTTPS site URL): the same command CI runs as `make check-deploy`, here so a plain test run
catches a setting that would weaken a deployment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_deployment_checklist_is_clean_with_debug_off():
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "check-deploy-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOP",
        "ALLOWED_HOSTS": "cop.example.org",
        "SITE_URL": "https://cop.example.org",
        "REDIS_URL": "redis://127.0.0.1:6379/0",  # only named: the check connects to nothing
    }
    # Set by the browser tests' fixture for their own process; a deployment never has it.
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
