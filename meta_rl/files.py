"""File writes that never leave a half-written file, early writability checks, and the
advisory lock that keeps two runs out of one run directory."""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from meta_rl.errors import MetaRLError


def atomic_write(path: Path, write: Callable) -> None:
    """Write ``path`` through a temporary file and ``os.replace``: never half-written."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as err:  # a full or read-only disk: the previous file, if any, is intact
        raise MetaRLError(f"cannot write {path}: {err.strerror or err}") from None
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(path: Path, text: str) -> None:
    """``atomic_write`` for text."""
    atomic_write(path, lambda f: f.write(text.encode()))


def check_output_dir(path: Path, flag: str = "--out") -> None:
    """Fail early, before any work and without writing, if directory ``path`` cannot be
    created or written: a parent that is a file, or a read-only or full filesystem."""
    path = Path(path)
    existing = next(p for p in (path, *path.parents) if p.exists() or p == Path(p.anchor))
    if not existing.is_dir():
        raise MetaRLError(f"{flag} {path}: {existing} is not a directory")
    try:  # a real write: root passes every permission check, a read-only mount does not
        tempfile.TemporaryFile(dir=existing).close()
    except OSError as err:
        raise MetaRLError(f"{flag} {path}: cannot write in {existing}: {err.strerror}") from None


LOCK_NAME = ".meta-rl.lock"
"""The lock file in a run directory; it names the process that holds it."""


@contextlib.contextmanager
def locked(directories: list[Path]) -> Iterator[None]:
    """Hold an advisory lock (``flock``) on each directory for the ``with`` block.

    A directory another process holds is refused with a ``MetaRLError`` naming the holder.
    The operating system releases a lock when its process ends, however it ends, so a lock
    file left by a crashed or killed run holds nothing and is taken over.
    """
    held: list[int] = []
    try:
        for directory in directories:
            held.append(_lock(Path(directory)))
        yield
    finally:
        for fd in held:
            os.close(fd)  # closing the descriptor releases its lock


def _lock(directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 512, 0).decode(errors="replace").strip() or "another process"
        os.close(fd)
        raise MetaRLError(f"{directory} is in use by {holder}: wait for it or use another --out") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, (f"pid {os.getpid()} on {socket.gethostname()} since "
                   f"{time.strftime('%Y-%m-%d %H:%M:%S')} ({' '.join(sys.argv[:3])})\n").encode(), 0)
    return fd


def check_writable(path: Path) -> None:
    """Fail early, before any work, if ``path`` cannot be written."""
    path = Path(path)
    if path.is_dir():
        raise MetaRLError(f"cannot write {path}: it is a directory")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise MetaRLError(f"cannot write {path}: directory {parent} does not exist")
    probe = parent / f".{path.name}.probe"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise MetaRLError(f"cannot write {path}: {err.strerror}") from None
