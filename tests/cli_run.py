"""Running the CLI as a user does, and the promises every refusal keeps.

A refusal exits with 2 and prints one line that names the argument, with no traceback;
a command refused or crashed changes no file it was not asked to write.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from perceptron_lab.engine.run_lock import LOCK_FILE


def cli(
    *args: str | Path,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``perceptron-lab ARGS`` in a subprocess (bounded by ``timeout`` seconds)."""
    return subprocess.run(
        [sys.executable, "-m", "perceptron_lab.cli", *map(str, args)],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )


def assert_refused(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit code 2, one line on stderr holding every needle, no traceback; the line."""
    err = result.stderr.strip()
    assert result.returncode == 2, (result.returncode, err[-2000:])
    assert "Traceback" not in result.stderr, err[-2000:]
    assert err and len(err.splitlines()) == 1, err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root``: its relative path → the SHA-256 of its bytes (a writer's
    lock file by its name only: it holds the pid of whichever process read the run last)."""
    return {
        str(p.relative_to(root)): (
            "lock" if p.name == LOCK_FILE else hashlib.sha256(p.read_bytes()).hexdigest()
        )
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
