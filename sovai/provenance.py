"""Which input files a computation read, also when its result came from a cache.

Inside a build, each notebook kernel logs the raw and curated files it opens
(:mod:`sovai.build.kernel_side`); the manifest lists them as the notebook's sources and the
site's table of data sources says which notebook used which source. A result taken from a cache
opens nothing, so without help a notebook that runs in a warm kernel after another one, or a
profile that reuses a pickled ranking, would be recorded as reading fewer sources than it used
(measured 2026-12-03: 04-drivers in a warm kernel was recorded with 17 of its 54 sources).

This module closes that gap:

* :func:`cache` and :func:`lru_cache` replace :mod:`functools`' decorators in the analysis
  modules: while a build tracks reads, a cached call remembers the input files read while it
  was computed and reports them again on every later hit;
* :func:`capture` collects the reads of a block (for caches of other kinds, such as
  :func:`sovai.reports.cache.cached_result`), :func:`replay` reports them again, and
  :func:`note_keys` reports raw files by registry key (a parsed-file cache hit).

Outside a build nothing is tracked and the decorators behave as :func:`functools.cache`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: Where a read is reported (set by :func:`install`; ``None``: reads are not tracked).
_sink: Callable[[str], None] | None = None
#: Path prefixes that count as input files (the mirror, the download cache, ``data/``).
_prefixes: tuple[str, ...] = ()
#: Open :func:`capture` blocks, innermost last.
_frames: list[set[str]] = []


def install(sink: Callable[[str], None], prefixes: Iterable[str]) -> None:
    """Start tracking: report every input file read (a path under one of ``prefixes``) to ``sink``."""
    global _sink, _prefixes
    _sink, _prefixes = sink, tuple(p for p in prefixes if p)


def uninstall() -> None:
    """Stop tracking (tests)."""
    global _sink, _prefixes
    _sink, _prefixes = None, ()
    _frames.clear()


def tracking() -> bool:
    """Whether reads are being tracked (inside a build's notebook kernel)."""
    return _sink is not None


def saw(path: str) -> None:
    """Report that ``path`` was read; ignored unless it is an input file and reads are tracked."""
    if _sink is None or not path.startswith(_prefixes):
        return
    for frame in _frames:
        frame.add(path)
    _sink(path)


def replay(reads: Iterable[str]) -> None:
    """Report again the input files of a result taken from a cache."""
    if _sink is not None:
        for path in reads:
            saw(path)


def note_keys(keys: Iterable[str]) -> None:
    """Report raw files by registry key (``"<folder>/<file>"``), where they would be read from."""
    if _sink is None:
        return
    from sovai import paths

    roots = [r for r in (paths.mirror_dir(), paths.cache_dir()) if r is not None]
    for key in keys:
        for root in roots:
            candidate = root / key
            if candidate.is_file():
                saw(str(candidate))
                break


@contextmanager
def capture() -> Iterator[set[str]]:
    """Collect the input files read inside the block (the set is filled as they are read)."""
    frame: set[str] = set()
    _frames.append(frame)
    try:
        yield frame
    finally:
        # by identity: two frames with the same reads are equal sets
        del _frames[next(i for i, f in enumerate(_frames) if f is frame)]


def _memoise(func: Callable[..., Any], maxsize: int | None) -> Callable[..., Any]:
    def compute(*args: Any, **kwargs: Any) -> tuple[Any, frozenset[str]]:
        if _sink is None:
            return func(*args, **kwargs), frozenset()
        with capture() as reads:
            value = func(*args, **kwargs)
        return value, frozenset(reads)

    store = functools.lru_cache(maxsize=maxsize)(compute)

    @functools.wraps(func)
    def cached(*args: Any, **kwargs: Any) -> Any:
        value, reads = store(*args, **kwargs)
        if reads and _sink is not None:
            replay(reads)
        return value

    cached.cache_clear = store.cache_clear  # type: ignore[attr-defined]
    cached.cache_info = store.cache_info  # type: ignore[attr-defined]
    return cached


def cache(func: F) -> F:
    """:func:`functools.cache` that, inside a build, reports a cached result's input files again."""
    return _memoise(func, None)  # type: ignore[return-value]


def lru_cache(maxsize: int | None = 128) -> Callable[[F], F]:
    """:func:`functools.lru_cache` (used as ``@lru_cache(maxsize=N)``) with the same read replay."""

    def decorate(func: F) -> F:
        return _memoise(func, maxsize)  # type: ignore[return-value]

    return decorate
