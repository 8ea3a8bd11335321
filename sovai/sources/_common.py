"""Shared reading helpers for the source loaders: clear errors that name the file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sovai import registry
from sovai.errors import InputFileError

#: Columns of the tidy long form every indicator loader returns.
TIDY_COLUMNS = ["iso3", "year", "indicator", "value"]


def read_csv(path: str | Path, *, required: Iterable[str] = (), encoding: str = "utf-8", **kwargs) -> pd.DataFrame:
    """Read a CSV with errors that name the file: wrong encoding, empty file, missing columns.

    ``path`` may be a registry key (``"folder/file"``) or a filesystem path.
    """
    path = _as_path(path)
    if path.stat().st_size == 0:
        raise InputFileError(path, "file is empty")
    try:
        df = pd.read_csv(path, encoding=encoding, **kwargs)
    except UnicodeDecodeError as exc:
        raise InputFileError(
            path,
            f"cannot be decoded as {encoding} (byte {exc.object[exc.start : exc.start + 1]!r} at offset {exc.start}); "
            "wrong encoding? Save it as UTF-8",
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise InputFileError(path, "file has no data (empty or header only)") from exc
    except pd.errors.ParserError as exc:
        raise InputFileError(path, f"malformed CSV: {exc}") from exc
    require_columns(df, required, path)
    return df


def require_columns(df: pd.DataFrame, required: Iterable[str], path: str | Path) -> None:
    """Raise :class:`InputFileError` naming the file and the missing columns."""
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputFileError(path, f"missing expected column(s) {missing}; found {list(df.columns)}", column=missing[0])


def _as_path(path: str | Path) -> Path:
    if (
        isinstance(path, str)
        and not Path(path).exists()
        and "/" in path
        and path.split("/", 1)[0] in {k.split("/", 1)[0] for k in registry.keys()}
    ):
        return registry.fetch(path)
    return Path(path)


def tidy(df: pd.DataFrame, *, indicator: str, value: str, year: str = "year", iso3: str = "iso3") -> pd.DataFrame:
    """Return ``iso3, year, indicator, value`` with numeric value, rows with missing value dropped."""
    out = pd.DataFrame(
        {
            "iso3": df[iso3].astype("string"),
            "year": pd.to_numeric(df[year], errors="coerce").astype("Int64"),
            "indicator": indicator,
            "value": pd.to_numeric(df[value], errors="coerce").astype("Float64"),
        }
    )
    out = out.dropna(subset=["iso3", "year", "value"])
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


def keep_reference_codes(df: pd.DataFrame, column: str = "iso3", *, target_only: bool = False) -> pd.DataFrame:
    """Drop rows whose code is not an economy in the reference table (aggregates such as
    ``OWID_WRL``, ``WLD``, ``EUU``, ``HIC``) — the drop is by whitelist, never by guess.
    """
    from sovai.countries import reference_table, target_countries

    allowed = set(target_countries()) if target_only else set(reference_table().index)
    return df[df[column].isin(allowed)].reset_index(drop=True)
