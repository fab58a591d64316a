"""File writes that never leave a half-written file, and early writability checks."""

from __future__ import annotations

import os
from collections.abc import Callable
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
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(path: Path, text: str) -> None:
    """``atomic_write`` for text."""
    atomic_write(path, lambda f: f.write(text.encode()))


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
