"""Atomic file writes (temporary file in the target folder + ``os.replace``).

Kept free of heavy imports (no pandas) so the build driver can use it without slowing down a
no-change rebuild; :mod:`sovai.report_io` re-exports it for notebooks.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@cache
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file and ``os.replace`` (folders are created).

    An interrupted write leaves the previous file in place; the new file gets the usual
    permissions (``0o666`` minus the umask) rather than ``mkstemp``'s ``0o600``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def stored_pickle(path: Path | None, compute: Callable[[], T], *, valid: Callable[[object], bool]) -> tuple[T, bool]:
    """The object pickled at ``path`` if it loads and is ``valid``, else ``compute()`` stored there.

    The one disk store of sovai's caches (parsed spreadsheets, the validated codings, the parsed
    registry), each keyed by a hash of its inputs in the file name. An unreadable or stale copy is
    computed around, never trusted; a folder that cannot be written just means computing again
    next time. ``path=None`` (no usable cache folder) only computes. Returns ``(value, hit)``.
    """
    import pickle

    if path is not None and path.is_file():
        try:
            value = pickle.loads(path.read_bytes())
            if valid(value):
                return value, True
        except Exception:  # noqa: BLE001 - truncated, foreign or from another version: compute
            pass
    value = compute()
    if path is not None:
        try:
            atomic_write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass
    return value, False
