r"""Deterministic, atomic writers for tables and figures, and headline-number recording.

Every output goes to a temporary file in the target folder and is renamed into place, so an
interrupted build leaves the last good output. Tables are written with sorted rows (caller's
order kept when ``sort=False``), a fixed float format and ``\\n`` line endings, so the same
inputs give byte-identical files.
"""

from __future__ import annotations

import json
import os
import sys
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
    rebuild of the same figure gives the same SVG/PDF bytes. SVG keeps text as ``<text>``
    elements (``svg.fonttype="none"``). The tight bounding box is computed
    once and shared by every format (``bbox_inches="tight"`` would lay the figure out again for
    each one). Inside IPython the saved PNG is also what the notebook displays, so the figure is
    not rendered a further time for the inline output (see :func:`_show_saved_png`).
    """
    import io

    import matplotlib as mpl

    path = Path(path)
    formats = [f.lower().lstrip(".") for f in formats]
    written = []
    png = None
    title = figure_title(fig)
    # SVG text stays text (smaller, editable in a vector editor, faster to write); the viewer
    # renders it in DejaVu Sans or its closest sans-serif font
    with mpl.rc_context({"svg.hashsalt": "sovai", "svg.fonttype": "none"}):
        bbox = _tight_bbox(fig, dpi)
        for fmt in formats:
            buf = io.BytesIO()
            meta = {
                "png": {"Software": None, **({"Title": title} if title else {})},  # the site's caption
                "svg": {"Date": None, "Creator": None},
                "pdf": {"CreationDate": None, "Producer": None, "Creator": None},
            }.get(fmt)
            fig.savefig(buf, format=fmt, dpi=dpi, bbox_inches=bbox, metadata=meta)
            if fmt == "png":
                png = buf.getvalue()
            written.append(atomic_write_bytes(path.with_suffix(f".{fmt}"), buf.getvalue()))
    if png is not None:
        _show_saved_png(fig, png, dpi)
    return written


def figure_title(fig) -> str:
    """The figure's title: its suptitle, else the first axes title (``""`` when it has none)."""
    sup = getattr(fig, "_suptitle", None)
    text = sup.get_text().strip() if sup is not None else ""
    if not text:
        text = next((t for ax in fig.axes if (t := ax.get_title().strip())), "")
    return " ".join(text.split())


def _tight_bbox(fig, dpi: float):
    """The padded tight bounding box (inches) that ``savefig(bbox_inches="tight")`` would use."""
    import matplotlib as mpl

    original = fig.dpi
    fig.dpi = dpi
    try:
        fig.draw_without_rendering()
        bbox = fig.get_tightbbox(fig._get_renderer())
    finally:
        fig.dpi = original
    pad = mpl.rcParams["savefig.pad_inches"]
    return bbox.padded(pad if isinstance(pad, (int, float)) else 0.1)


#: Attribute holding the PNG that :func:`save_figure` wrote, until the figure changes.
_SAVED_PNG = "_sovai_saved_png"


def _show_saved_png(fig, png: bytes, dpi: float) -> None:
    """Let IPython display ``png`` for ``fig`` (no re-render) until the figure is modified.

    The bytes are forgotten as soon as any artist of the figure marks it stale, so a figure
    changed after saving is rendered afresh. Outside IPython this does nothing.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    _install_png_formatter(shell)
    setattr(fig, _SAVED_PNG, (png, dpi))
    previous = fig.stale_callback

    def forget(artist, value) -> None:
        fig.__dict__.pop(_SAVED_PNG, None)
        fig.stale_callback = previous
        if previous is not None:
            previous(artist, value)

    fig.stale_callback = forget
    # already drawn: pyplot's interactive post-cell hook (``draw_all``) need not draw it again
    fig.stale = False


def _install_png_formatter(shell) -> None:
    """Route IPython's PNG repr of a figure through the saved PNG when there is one."""
    import base64

    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    try:
        current = formatter.lookup_by_type(Figure)
    except KeyError:
        current = None
    if getattr(current, "_sovai_saved_png", False):
        return

    def png_repr(fig):
        saved = fig.__dict__.get(_SAVED_PNG)
        if saved is None:
            return current(fig) if current is not None else None
        png, dpi = saved
        width = int.from_bytes(png[16:20], "big")  # PNG IHDR width
        height = int.from_bytes(png[20:24], "big")
        scale = fig.dpi / dpi  # show at the size the inline backend would
        meta = {"width": round(width * scale), "height": round(height * scale)}
        return base64.b64encode(png).decode("ascii"), meta

    png_repr._sovai_saved_png = True  # type: ignore[attr-defined]
    formatter.for_type(Figure, png_repr)


_REDIRECT_NOTED: set[str] = set()


def resolve_output_dir(output_dir: str | os.PathLike | None) -> Path:
    """The folder a notebook writes to: ``output_dir``, except the built report outside a build.

    Run by hand (no ``sovai build`` around it), a notebook whose ``output_dir`` is the project's
    ``reports/`` folder writes to ``reports/scratch/`` instead (git-ignored), so an interactive
    run never silently overwrites tables and figures of the built report (say, a ranking under
    other weights next to maps of the default one). Empty or ``None`` also means the scratch
    folder. Any other folder is used as given.
    """
    from sovai import paths

    if output_dir in (None, ""):
        return paths.SCRATCH_DIR
    root = Path(output_dir)
    if os.environ.get("SOVAI_BUILD_OUT"):
        return root
    try:
        is_report = root.resolve() == (paths.PROJECT_ROOT / "reports").resolve()
    except OSError:
        is_report = False
    if not is_report:
        return root
    if str(root) not in _REDIRECT_NOTED:
        _REDIRECT_NOTED.add(str(root))
        print(
            f"note: output_dir {str(output_dir)!r} is the built report; this interactive run writes to "
            f"{paths.SCRATCH_DIR} instead (`sovai build` writes the report)"
        )
    return paths.SCRATCH_DIR


def output_dirs(output_dir: str | os.PathLike | None) -> tuple[Path, Path]:
    """Create and return ``(figures_dir, tables_dir)`` under the notebook's output folder.

    The folder is :func:`resolve_output_dir` of ``output_dir`` (the built report is never
    written by an interactive run).
    """
    root = resolve_output_dir(output_dir)
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


def record_headline(
    name: str, value, *, tolerance: float | None = None, note: str = "", into: dict | None = None
) -> None:
    """Show a headline number in the notebook and tag it so the build records it in metadata.

    ``into``: a dict that also receives ``name -> value`` (a report module's ``headlines`` field).

    The build (:mod:`sovai.build`) copies every recorded headline into the executed notebook's
    metadata (``metadata.sovai.headlines``) and the manifest; tests compare them with
    ``tests/expected/`` within ``tolerance``.
    """
    import html as _html

    from IPython.display import display

    payload = {"name": name, "value": _jsonable(value), "tolerance": tolerance, "note": note}
    text = f"{name}: {payload['value']}" + (f"  ({note})" if note else "")
    e = _html.escape
    shown = (
        "<table class='sovai-headline'><tr><th style='text-align:left'>headline</th><th>value</th>"
        + ("<th style='text-align:left'>note</th>" if note else "")
        + f"</tr><tr><td style='text-align:left'><code>{e(name)}</code></td><td><b>{e(str(payload['value']))}</b></td>"
        + (f"<td style='text-align:left'>{e(note)}</td>" if note else "")
        + "</tr></table>"
    )
    # the record travels in the output's metadata: JupyterLab shows a small table, not a JSON tree
    display({"text/plain": text, "text/html": shown}, raw=True, metadata={"sovai_headline": payload})
    if into is not None:
        into[name] = value


def headlines_from_notebook(nb) -> dict[str, dict]:
    """Collect the headlines recorded by :func:`record_headline` in an executed notebook."""
    found: dict[str, dict] = {}
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            meta = out.get("metadata", {}).get("sovai_headline")
            if meta:
                # the record is the metadata itself; older notebooks kept it as application/json
                payload = meta if isinstance(meta, dict) else out.get("data", {}).get("application/json")
                if isinstance(payload, str):
                    payload = json.loads(payload)
                if payload:
                    found[payload["name"]] = dict(payload)
    return found


#: URL schemes that become links in HTML built from data (anything else is shown as text).
SAFE_URL_SCHEMES = ("http", "https")


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute ``http(s)`` URL, else ``None`` (``javascript:``, ``data:``…).

    Control characters and surrounding whitespace are removed before the scheme is read, so
    ``" java\\tscript:..."`` is refused like ``"javascript:..."``.
    """
    from urllib.parse import urlsplit

    if url is None or (not isinstance(url, str) and pd.isna(url)):
        return None
    text = "".join(ch for ch in str(url) if ch.isprintable()).strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_URL_SCHEMES or not parts.netloc:
        return None
    return text


def _cell_text(value: object, na_rep: str) -> str:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return na_rep
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def html_table(
    df: pd.DataFrame,
    *,
    links: dict[str, tuple[str, str]] | None = None,
    na_rep: str = "",
    caption: str | None = None,
) -> str:
    """An HTML table of ``df`` in which every value from the data is escaped.

    Parameters
    ----------
    df
        The table (its index is not shown).
    links
        ``{column: (url_column, text_column)}``: a column shown as a link built from two others.
        Only ``http(s)`` URLs become links (:func:`safe_url`); otherwise the text is shown with the
        URL as plain text. The URL and text columns themselves are not shown.
    na_rep
        Text for missing values.
    caption
        Optional caption (escaped).

    Returns
    -------
    str
        ``<table>…</table>``; no value of ``df`` can introduce markup or a script.
    """
    import html as _html

    links = dict(links or {})
    hidden = {c for pair in links.values() for c in pair}
    columns = [c for c in df.columns if c not in hidden or c in links]
    for col in links:
        if col not in columns:
            columns.append(col)
    e = _html.escape
    parts = ["<table class='sovai-table'>"]
    if caption:
        parts.append(f"<caption>{e(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th>{e(str(c))}</th>" for c in columns) + "</tr></thead><tbody>")
    for row in df.to_dict("records"):
        cells = []
        for col in columns:
            if col in links:
                url_col, text_col = links[col]
                url, text = row.get(url_col), _cell_text(row.get(text_col), "")
                good = safe_url(url)
                if good is not None:
                    label = text or good
                    cells.append(f'<a href="{e(good, quote=True)}" rel="noopener noreferrer">{e(label)}</a>')
                else:
                    raw = _cell_text(url, "")
                    shown = e(text) + (f" <code>{e(raw)}</code>" if raw else "")
                    cells.append(shown or e(na_rep))
            else:
                cells.append(e(_cell_text(row.get(col), na_rep)))
        parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)
