"""Item 12 of issue 14: `make run` on another port mails links to that port, keeps the console
quiet, and nothing a test writes under tmp/ is committed."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not shutil.which("make"), reason="needs make")
def test_make_run_on_another_port_mails_links_to_that_port_and_silences_library_noise(tmp_path):
    # A stand-in python that prints what `make run` hands each command.
    (tmp_path / "python").write_text('#!/bin/sh\necho "$SITE_URL|$PYTHONWARNINGS|$*"\n')
    (tmp_path / "python").chmod(0o755)
    (tmp_path / "stamp").touch()
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PYTHONWARNINGS", "MAKEFLAGS")}
    result = subprocess.run(
        ["make", "-s", "run", "PORT=8765", f"BIN={tmp_path}", f"STAMP={tmp_path / 'stamp'}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert [line.split("|")[2].split()[:2] for line in lines] == [
        ["manage.py", "migrate"], ["manage.py", "seed_demo"], ["manage.py", "runserver"],
    ]  # fmt: skip
    assert all(line.startswith("http://127.0.0.1:8765|") for line in lines), lines
    assert all("setuptools" in line.split("|")[1] for line in lines), lines
    assert lines[-1].endswith("runserver 127.0.0.1:8765")


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_nothing_under_tmp_is_committed():
    listed = subprocess.run(["git", "ls-files", "tmp"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert listed.stdout == ""
    ignored = subprocess.run(["git", "check-ignore", "-q", "tmp/anything"], cwd=ROOT, check=False)
    assert ignored.returncode == 0
