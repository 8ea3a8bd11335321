r"""Deterministic, atomic writers for tables and figures, and headline-number recording.

Every output goes to a temporary file in the target folder and is renamed into place, so an
interrupted build leaves the last good output. Tables are written with sorted rows (caller's
order kept when ``sort=False``), a fixed float format and ``\\n`` line endings, so the same
inputs give byte-identical files.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sovai.atomic import atomic_write_bytes, atomic_write_text

#: Float format for CSV tables (12 significant digits: stable across platforms).
FLOAT_FORMAT = "%.12g"


def write_table(
    df: pd.DataFrame, path: str | os.PathLike, *, index: bool = False, sort: bool | list[str] = False
) -> Path:
    """Write a CSV table atomically and deterministically.

    Parameters
    ----------
    df
        The table.
    path
        Target ``.csv`` path (folders are created).
    index
        Write the index as the first column(s).
    sort
        ``False`` keeps the row order (callers sort by rank, say); ``True`` sorts by all columns;
        a list sorts by those columns. Ties are always broken stably.
    """
    out = df.reset_index() if index else df
    if sort is True:
        out = out.sort_values(list(out.columns), kind="mergesort")
    elif sort:
        out = out.sort_values(list(sort), kind="mergesort")
    text = out.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return atomic_write_text(path, text)


def save_figure(fig, path: str | os.PathLike, formats: Iterable[str] = ("png",), *, dpi: int = 150) -> list[Path]:
    """Save a matplotlib figure atomically in each format; ``path`` is given without suffix.

    Metadata that would vary between runs (creation dates, software versions) is removed, so a
    rebuild of the same figure gives the same SVG/PDF bytes.
    """
    import io

    path = Path(path)
    written = []
    for fmt in formats:
        fmt = fmt.lower().lstrip(".")
        buf = io.BytesIO()
        meta = {
            "png": {"Software": None},
            "svg": {"Date": None, "Creator": None},
            "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
        }.get(fmt)
        import matplotlib as mpl

        with mpl.rc_context({"svg.hashsalt": "sovai"}):
            fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches="tight", metadata=meta)
        written.append(atomic_write_bytes(path.with_suffix(f".{fmt}"), buf.getvalue()))
    return written


def output_dirs(output_dir: str | os.PathLike) -> tuple[Path, Path]:
    """Create and return ``(figures_dir, tables_dir)`` under ``output_dir``."""
    root = Path(output_dir)
    figures, tables = root / "figures", root / "tables"
    figures.mkdir(parents=True, exist_ok=True)
    tables.mkdir(parents=True, exist_ok=True)
    return figures, tables


def _jsonable(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return float(f"{value:.10g}")
    return value


def record_headline(name: str, value, *, tolerance: float | None = None, note: str = "") -> None:
    """Show a headline number in the notebook and tag it so the build records it in metadata.

    The build (:mod:`sovai.report`) copies every recorded headline into the executed notebook's
    metadata (``metadata.sovai.headlines``) and the manifest; tests compare them with
    ``tests/expected/`` within ``tolerance``.
    """
    from IPython.display import display

    payload = {"name": name, "value": _jsonable(value), "tolerance": tolerance, "note": note}
    text = f"{name}: {payload['value']}" + (f"  ({note})" if note else "")
    display({"text/plain": text, "application/json": payload}, raw=True, metadata={"sovai_headline": True})


def headlines_from_notebook(nb) -> dict[str, dict]:
    """Collect the headlines recorded by :func:`record_headline` in an executed notebook."""
    found: dict[str, dict] = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            if out.get("metadata", {}).get("sovai_headline"):
                payload = out.get("data", {}).get("application/json")
                if isinstance(payload, str):
                    payload = json.loads(payload)
                if payload:
                    found[payload["name"]] = payload
    return found
