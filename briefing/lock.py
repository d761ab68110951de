"""One build at a time: ``briefing run``, ``briefing send`` and the daemon's jobs take this lock.

The lock is ``flock(2)`` on ``<database>.lock`` (the standard library's ``fcntl``; the
``filelock`` package would do the same call). The kernel drops it when its holder dies, even by
kill -9, so a crash never leaves a stale lock behind. The holder's pid and purpose are written
into the file for the error message only; they are never trusted for correctness.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import LockError

# flock is per open file description, so two threads of one process would not exclude each
# other through it alone; this in-process lock covers the daemon's collect and build threads.
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def _thread_lock(path: Path) -> threading.Lock:
    with _GUARD:
        return _THREAD_LOCKS.setdefault(str(path.resolve()), threading.Lock())


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" (held by {text})" if text else ""


@contextlib.contextmanager
def build_lock(database: Path, purpose: str, *, wait: float = 0.0) -> Iterator[Path]:
    """Hold the lock for ``database`` or raise ``LockError``; ``wait`` seconds to keep trying."""
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait
    local = _thread_lock(path)
    acquired = local.acquire(timeout=wait) if wait > 0 else local.acquire(blocking=False)
    if not acquired:
        raise LockError(f"another build is running in this process{_holder(path)}")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as err:
                    if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                        raise LockError(f"{path}: cannot lock ({err.strerror})") from None
                    if time.monotonic() >= deadline:
                        raise LockError(
                            f"another briefing build is running{_holder(path)}; lock {path}"
                        ) from None
                    time.sleep(0.1)
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}: {purpose}\n".encode())
            try:
                yield path
            finally:
                os.ftruncate(fd, 0)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        local.release()
