"""Results computed once per build inputs and shared between notebook kernels.

:func:`cached_result` runs inside the notebook kernels of a build (the profiles reuse the panel,
the rankings and the stack shares); outside a build it simply calls the function.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from sovai import provenance
from sovai.atomic import atomic_write_bytes

_MEMO: dict[str, _Entry] = {}


def cached_result(name: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Compute ``func(*args, **kwargs)`` once per build inputs and reuse it.

    Inside a build the result is pickled in ``OUT/.cache/data/`` under a key made of the input
    hashes (data, registry, package source), ``name``, the function and the arguments, so the
    country profiles share expensive intermediate results (the panel, the rankings, the stack
    shares); a warm kernel (one per worker) also keeps them in memory. Outside a
    build (``SOVAI_BUILD_CACHE`` unset) this simply calls ``func``.

    Parameters
    ----------
    name
        A readable label, part of the key and of the pickle's file name.
    func
        The (deterministic) computation.
    *args, **kwargs
        Its arguments; they must have a stable and complete ``repr`` (numbers, strings, tuples).
    """
    folder = os.environ.get("SOVAI_BUILD_CACHE")
    inputs_key = os.environ.get("SOVAI_BUILD_INPUTS_KEY")
    if not folder or not inputs_key:
        return func(*args, **kwargs)
    fq = f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', repr(func))}"
    key = hashlib.sha256(
        json.dumps(
            [inputs_key, name, fq, repr(args), repr(sorted(kwargs.items()))],
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        ).encode()
    ).hexdigest()[:20]
    if key in _MEMO:
        return _reuse(_MEMO[key])
    path = Path(folder) / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', name)}-{key}.pkl"
    path.parent.mkdir(parents=True, exist_ok=True)
    # one computation per key across parallel kernels: the others wait for its pickle
    with open(path.with_suffix(".lock"), "a") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows: no lock, at worst computed twice
            pass
        if path.exists():
            try:
                with open(path, "rb") as fh:
                    entry = pickle.load(fh)
                if isinstance(entry, _Entry):
                    _MEMO[key] = entry
                    return _reuse(entry)
            except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
                pass
            path.unlink(missing_ok=True)
        with provenance.capture() as reads:
            value = func(*args, **kwargs)
        entry = _Entry(value, tuple(sorted(reads)))
        _MEMO[key] = entry
        try:
            atomic_write_bytes(path, pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))
        except (pickle.PicklingError, TypeError, AttributeError):
            pass  # not picklable: kept in memory only
    return value


class _Entry(NamedTuple):
    """A cached value and the input files its computation read (reported again on every reuse,
    so the kernel that reuses it lists the same sources as the one that computed it)."""

    value: Any
    reads: tuple[str, ...]


def _reuse(entry: _Entry) -> Any:
    provenance.replay(entry.reads)
    return entry.value
