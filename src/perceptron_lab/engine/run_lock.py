"""One writer per run directory: an OS lock (``flock``) on the file ``writer.lock`` in it.

Two processes writing one run directory would interleave their step tables and
checkpoints, so the writer takes an exclusive lock first and a second writer is refused,
told the holder's pid (which the holder writes into the lock file). The kernel releases
the lock when its holder's file is closed — also when the process is killed — so a
crashed run never leaves a stale lock behind and ``--resume`` can take it at once. The
file itself stays (removing it would race with a writer taking it).
"""

from __future__ import annotations

import fcntl
import os
import time
import weakref
from pathlib import Path

from ..errors import InputError

LOCK_FILE = "writer.lock"
PID_WAIT = 1.0  # seconds to wait for a holder that has just locked to write its pid


class RunLock:
    """The held lock of one run directory; :meth:`release` (or the process's end) frees it."""

    def __init__(self, root: Path) -> None:
        """Lock ``root`` (an existing directory); refuse, naming the holder, if it is locked."""
        path = root / LOCK_FILE
        self.created = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise InputError(
                "out",
                "a run directory no other process is writing",
                f"{str(root)!r}, being written by pid {holder}",
                hint="wait until it ends, or stop it first",
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:  # a full disk: no lock, and no lock file this lock made
            os.close(fd)
            if self.created:
                path.unlink(missing_ok=True)
            raise
        self.path = path
        self.fd: int | None = fd
        # a lock its holder dropped without release() (an error on the way) is freed when the
        # lock is collected, as a dropped file is closed: a later writer in this process
        # (a notebook resuming the run) is not refused by its own dead lock
        self._close = weakref.finalize(self, os.close, fd)

    def release(self, *, remove: bool = False) -> None:
        """Free the lock (again: nothing); ``remove`` also deletes a lock file this lock made."""
        if self.fd is None:
            return
        if remove and self.created:
            self.path.unlink(missing_ok=True)
        self._close()
        self.fd = None


def _holder(fd: int) -> str:
    """The pid the holder wrote into the lock file ('unknown' if it wrote none in time)."""
    deadline = time.monotonic() + PID_WAIT
    while True:
        text = os.pread(fd, 32, 0).decode(errors="replace").strip()
        if text or time.monotonic() > deadline:
            return text or "unknown"
        time.sleep(0.01)
