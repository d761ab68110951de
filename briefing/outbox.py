"""Atomic writes into ``<outbox>/<YYYY-MM-DD>/``: each file goes to a temporary name in the same
folder, is flushed to disk and renamed over the final name, so a reader never sees half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import DeliveryError


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` in one step; ``mode`` sets the new file's permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def day_folder(outbox: Path, date: str) -> Path:
    return outbox / date


def write_files(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every file atomically; returns the paths in the order given."""
    written = []
    try:
        for name, data in files.items():
            target = folder / name
            atomic_write(target, data)
            written.append(target)
    except OSError as err:
        raise DeliveryError(f"cannot write {folder}: {err.strerror or err}") from None
    return written
