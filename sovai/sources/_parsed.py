"""A disk cache of parsed spreadsheets: slow Excel parses are done once per pinned file hash.

The parsed frame is pickled under ``<cache_dir>/parsed/<sha256>-<tag>.pkl`` (written atomically);
the key is the registry's pinned sha256 of the raw file plus a tag naming the parse, so a new
edition or a changed parse never reads a stale entry. Any problem reading the cache falls back
to parsing the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import pandas as pd

from sovai import paths, provenance, registry


def parsed(keys: str | Sequence[str], tag: str, parse: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """``parse()`` of the raw file(s) ``keys``, cached on disk by their pinned hashes and ``tag``."""
    from sovai.atomic import stored_pickle

    keys = [keys] if isinstance(keys, str) else list(keys)
    try:
        shas = [registry.entry(k).sha256 for k in keys]
        sha = shas[0] if len(shas) == 1 else hashlib.sha256("".join(shas).encode()).hexdigest()
        path = paths.cache_dir() / "parsed" / f"{sha[:16]}-{tag}.pkl"
    except Exception:  # noqa: BLE001 - no registry entry / no cache dir: just parse
        return parse()
    frame, hit = stored_pickle(path, parse, valid=lambda value: isinstance(value, pd.DataFrame))
    if hit:
        provenance.note_keys(keys)  # the raw files this parse stands for (a build's sources)
    return frame
