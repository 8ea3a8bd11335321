"""Source quality: the classed domains of ``data/categorical/source_quality.csv`` and URL lookups.

Holds the quality classes (:data:`QUALITY_CLASSES`, the weak and refused ones), the table of
classed domains (:func:`source_quality`, cached by path and modification time), the domain of a
URL (:func:`url_domain`) and its class (:func:`source_class`, longest listed parent domain). It
does not turn classes into validation problems (:func:`~sovai.categorical.validation._source_problems`)
nor count them over the codings (:func:`~sovai.categorical.summaries.source_quality_shares`).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from sovai import paths
from sovai.errors import InputFileError
from sovai.provenance import cache

SOURCE_QUALITY_PATH = paths.CATEGORICAL_DIR / "source_quality.csv"
#: Quality classes of ``source_quality.csv``, strongest first.
QUALITY_CLASSES = (
    "official",
    "intergovernmental",
    "academic",
    "established_tracker",
    "news",
    "aggregator",
    "personal",
    "vendor",
    "content_farm",
)
#: Classes that ``sovai validate`` warns about (together at most 5 % of values) and refuses.
WEAK_CLASSES = ("aggregator", "personal", "vendor")
REFUSED_CLASSES = ("content_farm",)


# ------------------------------------------------------------------------------ source quality
@cache
def _source_quality_table(path: str, mtime_ns: int) -> dict[str, tuple[str, str]]:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("domain", "quality_class") if c not in df.columns]
    if missing:
        raise InputFileError(path, f"missing column(s) {missing}; found {list(df.columns)}", column=missing[0])
    bad = df[~df["quality_class"].isin(QUALITY_CLASSES)]
    if len(bad):
        line = int(bad.index[0]) + 2
        raise InputFileError(
            path,
            f"line {line}: quality_class {bad['quality_class'].iloc[0]!r} is not one of {list(QUALITY_CLASSES)}",
            column="quality_class",
        )
    dup = df["domain"].str.lower().duplicated()
    if dup.any():
        raise InputFileError(path, f"duplicate domain(s) {sorted(set(df.loc[dup, 'domain']))}", column="domain")
    notes = df["note"] if "note" in df.columns else pd.Series("", index=df.index)
    return {d.strip().lower(): (c, n) for d, c, n in zip(df["domain"], df["quality_class"], notes, strict=True)}


def source_quality(path: str | Path | None = None) -> dict[str, tuple[str, str]]:
    """``{domain: (quality_class, note)}`` from ``data/categorical/source_quality.csv``."""
    path = Path(path) if path else SOURCE_QUALITY_PATH
    if not path.exists():
        return {}
    return _source_quality_table(str(path), path.stat().st_mtime_ns)


def url_domain(url: object) -> str | None:
    """The host of an http(s) URL, lower case, without a leading ``www.`` (None if not a URL)."""
    if not isinstance(url, str) or not re.match(r"^https?://", url.strip()):
        return None
    host = (urlparse(url.strip()).hostname or "").lower()
    return host.removeprefix("www.") or None


def source_class(url: object, table: dict[str, tuple[str, str]] | None = None) -> str | None:
    """Quality class of a source URL: the longest listed domain that the URL's host ends with."""
    table = source_quality() if table is None else table
    host = url_domain(url)
    if host is None:
        return None
    parts = host.split(".")
    for i in range(len(parts) - 1):
        cand = ".".join(parts[i:])
        if cand in table:
            return table[cand][0]
    return None
