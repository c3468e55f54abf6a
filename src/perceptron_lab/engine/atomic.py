"""Atomic file writes: write to a temporary name in the same folder, then rename.

A crash leaves either the old file or the new one, never half of one. Only a regular
file is ever replaced: a rename onto a device (``/dev/null``), a FIFO, a directory or a
symbolic link would destroy or bypass it, so such a path is refused before anything is
written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import InputError

KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISLNK, "a symbolic link"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file ("a directory", "a FIFO", …), else None.

    A symbolic link is itself (lstat): it is never followed. A missing path is None too.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    return next((kind for test, kind in KINDS if test(mode)), None)


def check_replaceable(path: Path, argument: str = "path") -> None:
    """Refuse ``path`` unless it is a regular file or does not exist yet (named ``argument``)."""
    kind = kind_of(path)
    if kind is not None:
        raise InputError(
            argument,
            "a regular file or a new file name to write",
            f"{str(path)!r}, {kind}",
            hint="only a regular file is ever replaced",
        )


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is renamed onto ``path``.

    ``path`` must be a regular file or new (:func:`check_replaceable`).
    """
    check_replaceable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a plain open() obeys the umask
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` and move the result onto ``path``."""
    with atomic_path(path) as tmp:
        write(tmp)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def atomic_folder(path: Path, argument: str = "out") -> Iterator[Path]:
    """Yield a temporary folder next to ``path``; on success it becomes ``path``.

    ``path`` must be new or an empty folder: a folder of files is written whole or not
    at all, and never over another one's files. On an error the temporary folder is
    removed.
    """
    if path.exists() and not (path.is_dir() and not any(path.iterdir())):
        raise InputError(
            argument, "a new or empty folder to write into", f"{str(path)!r}, which holds files"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes 0700
        if path.is_dir():
            path.rmdir()
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
