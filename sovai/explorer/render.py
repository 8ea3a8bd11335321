"""The explorer page: one self-contained HTML file from views of layer scores.

This module holds :func:`render_explorer` (checks the views, builds the JSON payload — scores,
weights, rule, names, map — escapes it for a ``<script>`` block and substitutes it and the
HTML-escaped title into the page template), :func:`write_explorer` (the same page written
atomically), the helpers ``_default_names`` (country names from the reference table) and
``_cell``, and ``_template`` (the page's HTML, CSS and JavaScript, read once from the package
data file :file:`explorer.html.tmpl` on first use, not at import). The arithmetic is
:mod:`sovai.explorer.formula`'s and the inputs and map paths :mod:`sovai.explorer.views`'s.
"""

from __future__ import annotations

import functools
import html
import json
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import pandas as pd

from sovai.atomic import atomic_write_text
from sovai.explorer.formula import AGGREGATIONS, _weight_vector, aggregate
from sovai.explorer.views import map_paths


def _default_names(codes) -> dict[str, str]:
    try:
        from sovai.countries import reference_table

        ref = reference_table()["name"]
        return {c: str(ref[c]) for c in codes if c in ref.index}
    except Exception:  # noqa: BLE001 - no reference data (toy frames): fall back to the code
        return {}


def _cell(v) -> float | None:
    return None if pd.isna(v) else float(v)


def render_explorer(
    views: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
    min_layers_share: float = 0.7,
    names: pd.Series | Mapping[str, str] | None = None,
    layer_labels: Mapping[str, str] | None = None,
    title: str = "AI stack rankings explorer",
    notes: str = "",
    meta: Mapping[str, object] | None = None,
    top_n: int = 15,
    digits: int = 1,
    world_map: Mapping[str, str] | str | None = "110m",
) -> str:
    """One self-contained HTML page to re-weight and explore layer scores.

    Parameters
    ----------
    views
        Layer scores (country × layer; index ISO3, NaN = not scored), or a mapping view label →
        such a frame (e.g. ``{"scale": …, "intensity": …}``; all with the same layers). The
        first view is shown first.
    weights
        Initial layer weights (a layer not named weighs 1); ``None``: equal weights.
    aggregation, min_layers_share
        The engine's layer → overall rule (see :func:`aggregate`).
    names
        Country name per ISO3 (default: the country reference table, else the code).
    layer_labels
        Display label per layer id (default: the id).
    title, notes, meta
        Page title, a note under it, and ``key: value`` lines for the footer (e.g. source,
        settings, build date). All shown as text, never as markup.
    top_n
        Bars in the bar chart.
    digits
        Decimals of displayed scores.
    world_map
        ``"110m"``/``"50m"``: a Natural Earth world map (:func:`map_paths`); a mapping ISO3 →
        SVG path data; ``None``: no map.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    ValueError
        No view, views with different layers, duplicate countries, non-numeric scores, an
        unknown aggregation, bad weights.
    """
    if isinstance(views, pd.DataFrame):
        views = {"scores": views}
    if not views:
        raise ValueError("parameter 'views': at least one table of layer scores is needed")
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"parameter 'aggregation': expected one of {AGGREGATIONS}, got {aggregation!r}")
    first = next(iter(views))
    layers = [str(c) for c in views[first].columns]
    w = _weight_vector(layers, weights)
    payload_views = {}
    codes: set[str] = set()
    for label, frame in views.items():
        cols = [str(c) for c in frame.columns]
        if cols != layers:
            raise ValueError(f"views[{label!r}]: layers {cols} differ from views[{first!r}] {layers}")
        if frame.index.has_duplicates:
            dup = sorted(map(str, frame.index[frame.index.duplicated()].unique()))
            raise ValueError(f"views[{label!r}]: duplicate countries {dup}")
        for col in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[col]):
                raise ValueError(f"views[{label!r}], column {col!r}: layer scores must be numeric")
        if aggregation == "geometric":
            aggregate(frame, dict(zip(layers, w)), aggregation)  # raises on a non-positive score
        frame = frame.sort_index(key=lambda idx: idx.map(str))
        payload_views[str(label)] = {
            "countries": [str(c) for c in frame.index],
            "scores": [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)],
        }
        codes.update(str(c) for c in frame.index)
    if names is None:
        names = _default_names(sorted(codes))
    names = {str(k): str(v) for k, v in dict(names).items() if not pd.isna(v)}
    paths = map_paths(world_map) if isinstance(world_map, str) else dict(world_map or {})
    payload = {
        "title": str(title),
        "notes": str(notes),
        "meta": [[str(k), str(v)] for k, v in (meta or {}).items()],
        "layers": layers,
        "layer_labels": {lay: str((layer_labels or {}).get(lay, lay)) for lay in layers},
        "weights": [float(v) for v in w],
        "slider_max": float(3.0 * w.max()) if len(w) and w.max() > 0 else 1.0,  # nominal at a third
        "aggregation": aggregation,
        "min_layers_share": float(min_layers_share),
        "views": payload_views,
        "view_order": [str(v) for v in views],
        "names": {c: names.get(c, c) for c in sorted(codes | set(paths))},
        "map": {str(k): str(v) for k, v in sorted(paths.items())},
        "top_n": int(top_n),
        "digits": int(digits),
    }
    data = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    # inside <script>: no "<", ">" or "&" at all (they only occur in strings, where \\u escapes are JSON)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return _template().replace("@@TITLE@@", html.escape(str(title))).replace("@@DATA@@", data)


def write_explorer(path: str | os.PathLike, views, **kwargs) -> Path:
    """Write :func:`render_explorer`'s page to ``path`` atomically; returns the path."""
    return atomic_write_text(path, render_explorer(views, **kwargs))


@functools.cache
def _template() -> str:
    """The page template (``@@TITLE@@`` and ``@@DATA@@`` are substituted by :func:`render_explorer`)."""
    return resources.files("sovai.explorer").joinpath("explorer.html.tmpl").read_text(encoding="utf-8")
