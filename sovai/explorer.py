"""The rankings explorer: one self-contained HTML page to re-weight the layers of the AI stack.

A reader moves one slider per layer weight, switches between views (e.g. ``scale`` and
``intensity``, one table of layer scores each) and sees the ranking table (sortable), a bar chart
of the top countries, the rank of a searched country and a world map update at once. The page
has no external file, no CDN and no network request: plain embedded CSS and JavaScript, the data
as JSON in a ``<script type="application/json">`` block, so it works from ``file://``.

The page aggregates the *published* layer scores into the overall score exactly as the
composite engine does (:mod:`sovai.composite.evaluator`, layer → overall level):

- **arithmetic**: the weighted mean of the layer scores a country has, the weights of the
  missing layers left out (``sum_l w_l s_l / sum_l w_l`` over the scored layers);
- **geometric**: ``exp`` of the weighted mean of ``log s_l`` over the same layers (the engine's
  layer scores are then computed on inputs rescaled to [1, 100], so they are positive);
- a country gets an overall score only if it has at least ``max(1, ceil(min_layers_share × P))``
  scores on the ``P`` layers with a positive weight (7 of 10 by default); a layer set to weight 0
  neither counts nor weighs, as when the engine is re-run with that weight (it then drops the
  layer);
- ranks: 1 = highest score, scores rounded to 9 decimals first, ties share the best rank
  (:func:`sovai.composite.rank_rows`); rows with equal rank are listed by ISO3.

:func:`aggregate` is the Python reference of that formula; the page's JavaScript implements the
same loop in the same order. Not reproduced: ``geometric_rescale=True`` (the engine then rescales
layer scores across all countries of the run, including unranked ones, before the geometric step),
which :func:`views_from_results` refuses.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from sovai.atomic import atomic_write_text

__all__ = ["aggregate", "map_paths", "rank", "render_explorer", "views_from_results", "write_explorer"]

AGGREGATIONS = ("arithmetic", "geometric")
_ROUND = 9  # as sovai.composite.steps.rank_rows


# ---------------------------------------------------------------------------------------------
# the reference formula
# ---------------------------------------------------------------------------------------------


def _weight_vector(layers: list[str], weights: Mapping[str, float] | None) -> np.ndarray:
    if weights is None:
        return np.ones(len(layers))
    unknown = sorted(set(weights) - set(layers))
    if unknown:
        raise ValueError(f"parameter 'weights': unknown layer(s) {unknown}; layers are {layers}")
    w = np.array([float(weights.get(lay, 1.0)) for lay in layers])
    bad = [lay for lay, v in zip(layers, w) if not (math.isfinite(v) and v >= 0)]
    if bad:
        raise ValueError(f"parameter 'weights': weights must be finite and >= 0; bad for layer(s) {bad}")
    return w


def aggregate(
    layer_scores: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    aggregation: str = "arithmetic",
    *,
    min_layers_share: float = 0.7,
) -> pd.Series:
    """Overall score from layer scores, as the composite engine's layer → overall step.

    Parameters
    ----------
    layer_scores
        Country × layer scores (index: country id, columns: layer ids; NaN = layer not scored).
    weights
        Layer weight per layer id (need not sum to 1; a layer not named weighs 1, as in the
        engine; 0 leaves the layer out). ``None``: equal weights.
    aggregation
        ``"arithmetic"`` (weighted mean) or ``"geometric"`` (weighted geometric mean; scores > 0).
    min_layers_share
        A score needs at least ``max(1, ceil(min_layers_share × P))`` scores on the ``P`` layers
        with a positive weight (zero-weight layers do not count).

    Returns
    -------
    pandas.Series
        ``score`` per country (NaN if not ranked), in the order of ``layer_scores.index``.

    Raises
    ------
    ValueError
        Unknown aggregation or layer, a negative weight, or a non-positive score with
        ``"geometric"`` (naming country and layer).
    """
    if aggregation not in AGGREGATIONS:
        raise ValueError(f"parameter 'aggregation': expected one of {AGGREGATIONS}, got {aggregation!r}")
    layers = [str(c) for c in layer_scores.columns]
    w = _weight_vector(layers, weights)
    X = layer_scores.to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(X)
    geo = aggregation == "geometric"
    if geo and (X[ok] <= 0).any():
        r, c = np.argwhere(ok & (np.where(ok, X, 1.0) <= 0))[0]
        raise ValueError(
            f"geometric aggregation needs positive layer scores: country {layer_scores.index[r]!r}, "
            f"layer {layers[c]!r} has {X[r, c]!r}"
        )
    n = X.shape[0]
    num, den, n_ok = np.zeros(n), np.zeros(n), np.zeros(n)
    for li in range(len(layers)):  # the engine's loop: num += w * v, den += w over scored layers
        val = np.log(np.where(ok[:, li], X[:, li], 1.0)) if geo else np.where(ok[:, li], X[:, li], 0.0)
        use = ok[:, li] & (w[li] > 0)
        num = np.where(use, num + val * w[li], num)
        den = np.where(use, den + w[li], den)
        n_ok += use  # a zero-weight layer is dropped by the engine: it does not count
    need = max(1.0, math.ceil(min_layers_share * int((w > 0).sum()) - 1e-9))
    good = (den > 0) & (n_ok >= need)
    out = np.full(n, np.nan)
    np.divide(num, den, out=out, where=good)
    if geo:
        np.exp(out, out=out, where=good)
    return pd.Series(out, index=layer_scores.index, name="score")


def rank(scores: pd.Series) -> pd.Series:
    """Ranks of ``scores`` as the engine's ``rank_rows``: 1 = highest, scores rounded to 9
    decimals, ties share the best rank, NaN stays NaN."""
    s = scores.to_numpy(dtype=float, na_value=np.nan)
    key = np.round(s, _ROUND)
    out = np.full(len(s), np.nan)
    valid = ~np.isnan(key)
    vals = key[valid]
    out[valid] = [1.0 + float((vals > v).sum()) for v in vals]
    return pd.Series(out, index=scores.index, name="rank")


# ---------------------------------------------------------------------------------------------
# inputs from engine results, and the map
# ---------------------------------------------------------------------------------------------


def views_from_results(results: Mapping[str, object]) -> dict:
    """Keyword arguments for :func:`render_explorer` from composite results, one per view.

    ``results`` maps a view label (e.g. ``"scale"``, ``"intensity"``) to a
    :class:`sovai.composite.CompositeResult`. Returns ``views`` (the published layer scores),
    ``weights`` (the nominal layer weights of the first result), ``aggregation`` (layer →
    overall), ``min_layers_share`` and ``layer_labels`` (names from ``data/stack/layers.csv``).

    Raises
    ------
    ValueError
        No result, results with different layers or settings, or ``geometric_rescale=True``
        with a geometric overall step (not reproducible from the published scores).
    """
    if not results:
        raise ValueError("parameter 'results': at least one composite result is needed")
    settings = {}
    views = {}
    for label, res in results.items():
        cfg = res.config
        agg = cfg.get("aggregation_overall") or cfg["aggregation"]
        if agg == "geometric" and cfg.get("geometric_rescale"):
            raise ValueError(
                f"results[{label!r}]: geometric_rescale=True rescales layer scores over the run's countries "
                "before the geometric step; the explorer cannot reproduce it from the published scores"
            )
        key = (tuple(cfg["layers"]), agg, float(cfg["min_layers_share"]))
        settings[label] = (key, dict(cfg["nominal_layer_weights"]))
        views[str(label)] = res.layer_scores[list(cfg["layers"])]
    first_label = next(iter(settings))
    (layers, agg, share), w = settings[first_label]
    for label, (key, w2) in settings.items():
        if key != (layers, agg, share) or w2 != w:
            raise ValueError(
                f"results[{label!r}]: layers, aggregation, min_layers_share or nominal layer weights differ from "
                f"results[{first_label!r}]; the explorer shows views of one configuration"
            )
    return {
        "views": views,
        "weights": w,
        "aggregation": agg,
        "min_layers_share": share,
        "layer_labels": _layer_labels(list(layers)),
    }


def _layer_labels(layers: list[str]) -> dict[str, str]:
    try:
        from sovai.framework import load_layers

        names = load_layers().set_index("id")["name"]
    except Exception:  # noqa: BLE001 - no stack table (toy layers): the ids are the labels
        return {lay: lay for lay in layers}
    return {lay: str(names.get(lay, lay)) for lay in layers}


def map_paths(scale: str = "110m", *, tolerance: float = 0.25, decimals: int = 1) -> dict[str, str]:
    """SVG path data (``d``) per ISO3 from Natural Earth, equirectangular (x = lon, y = −lat).

    Geometries are simplified (``tolerance`` degrees, topology-preserving) and rounded to
    ``decimals``; Antarctica is left out. Sorted by ISO3.
    """
    from sovai.sources.natural_earth import load_countries

    world = load_countries(scale)
    world = world[world["iso3"].notna() & (world["iso3"] != "ATA")]
    out: dict[str, str] = {}
    for iso3, geom in zip(world["iso3"], world.geometry):
        if geom is None or geom.is_empty:
            continue
        geom = geom.simplify(tolerance, preserve_topology=True)
        polys = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
        parts = []
        for poly in polys:
            coords = [(round(x, decimals), round(-y, decimals)) for x, y in poly.exterior.coords]
            dedup = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
            if len(dedup) < 4:
                continue
            parts.append("M" + "L".join(f"{_num(x)} {_num(y)}" for x, y in dedup[:-1]) + "Z")
        if parts:
            out[str(iso3)] = "".join(parts)
    return dict(sorted(out.items()))


def _num(v: float) -> str:
    s = f"{v:g}"
    return "0" if s == "-0" else s


# ---------------------------------------------------------------------------------------------
# the page
# ---------------------------------------------------------------------------------------------


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
    return _TEMPLATE.replace("@@TITLE@@", html.escape(str(title))).replace("@@DATA@@", data)


def write_explorer(path: str | os.PathLike, views, **kwargs) -> Path:
    """Write :func:`render_explorer`'s page to ``path`` atomically; returns the path."""
    return atomic_write_text(path, render_explorer(views, **kwargs))


_TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#fafbfc}
header,main,footer{max-width:1200px;margin:0 auto;padding:0.5rem 1rem}
h1{font-size:1.5rem;margin:0.8rem 0 0.2rem}
h2{font-size:1.1rem;margin:1rem 0 0.4rem}
.note{color:#555;margin:0.2rem 0 0.6rem}
.grid{display:grid;grid-template-columns:minmax(280px,1fr) 2fr;gap:1rem}
@media (max-width:800px){.grid{grid-template-columns:1fr}}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:0.6rem 0.8rem}
.slider{display:grid;grid-template-columns:9rem 1fr 5.5rem;align-items:center;gap:0.4rem;font-size:0.9rem}
.slider input{width:100%}
.slider output{font-variant-numeric:tabular-nums;text-align:right}
button,select,input[type=search]{font:inherit}
#search{width:100%;box-sizing:border-box;padding:0.3rem}
#search-result{min-height:1.4em;margin-top:0.3rem;font-weight:600}
.bars{font-size:0.85rem}
.bar{display:grid;grid-template-columns:2rem 10rem 1fr 3.5rem;gap:0.4rem;align-items:center;margin:2px 0}
.bar .name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar .fill{background:#2b6cb0;height:0.9rem;border-radius:2px}
.bar .val{font-variant-numeric:tabular-nums;text-align:right}
.tablebox{max-height:32rem;overflow:auto;border:1px solid #dde1e6}
table{border-collapse:collapse;font-size:0.85rem;width:100%}
th,td{padding:0.2rem 0.45rem;border-bottom:1px solid #eef0f2;text-align:right;white-space:nowrap}
th{position:sticky;top:0;background:#f1f3f5;cursor:pointer;user-select:none}
th.text,td.text{text-align:left}
th[aria-sort=ascending]::after{content:" \25B2"}
th[aria-sort=descending]::after{content:" \25BC"}
tr.hit td{background:#fff3bf}
td.na{color:#999}
#map svg{width:100%;height:auto;background:#eef3f8}
#map path{stroke:#fff;stroke-width:0.2}
#map path.hit{stroke:#d9480f;stroke-width:0.8}
.legend{font-size:0.8rem;color:#555}
footer{font-size:0.8rem;color:#555}
</style>
</head>
<body>
<header><h1 id="title"></h1><p class="note" id="notes"></p><p class="note" id="rule"></p></header>
<main>
<div class="grid">
<section class="card">
<h2>Layer weights</h2>
<div id="view-box"><label>View <select id="view"></select></label></div>
<div id="sliders"></div>
<p><button type="button" id="reset">Reset weights</button> <button type="button" id="equal">Equal weights</button></p>
<h2>Find a country</h2>
<input type="search" id="search" placeholder="Country name or ISO3 code" autocomplete="off">
<div id="search-result" aria-live="polite"></div>
</section>
<section class="card">
<h2 id="bars-title">Top countries</h2>
<div class="bars" id="bars"></div>
</section>
</div>
<section class="card" id="map-card">
<h2>Map of the overall score</h2>
<div id="map"></div>
<p class="legend" id="legend"></p>
</section>
<section class="card">
<h2>Ranking</h2>
<p class="note">Click a column header to sort.</p>
<div class="tablebox"><table id="ranking"><thead><tr id="head"></tr></thead><tbody id="body"></tbody></table></div>
</section>
</main>
<footer><dl id="meta"></dl></footer>
<script type="application/json" id="explorer-data">@@DATA@@</script>
<script>
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("explorer-data").textContent);
  var L = D.layers, NL = L.length, SVG = "http://www.w3.org/2000/svg";
  var state = {view: D.view_order[0], weights: D.weights.slice(), sort: "rank", dir: 1, rows: [], query: ""};

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function fmt(v) { return v === null || !isFinite(v) ? "\u2013" : v.toFixed(D.digits); }
  function name(c) { return Object.prototype.hasOwnProperty.call(D.names, c) ? D.names[c] : c; }
  // numpy's round(x, 9): rint(x * 1e9) / 1e9 with round-half-to-even
  function round9(x) {
    var y = x * 1e9, r = Math.round(y);
    if (Math.abs(y - Math.trunc(y)) === 0.5) r = 2 * Math.round(y / 2);
    return r / 1e9;
  }

  // the engine's layer -> overall step (sovai.explorer.aggregate)
  function compute() {
    var V = D.views[state.view], w = state.weights, geo = D.aggregation === "geometric";
    var npos = 0, i, l;
    for (l = 0; l < NL; l++) if (w[l] > 0) npos++;
    var need = Math.max(1, Math.ceil(D.min_layers_share * npos - 1e-9));
    var rows = [];
    for (i = 0; i < V.countries.length; i++) {
      var s = V.scores[i], num = 0, den = 0, nok = 0;
      for (l = 0; l < NL; l++) {
        if (s[l] === null || !(w[l] > 0)) continue;  // zero-weight layers neither count nor weigh
        num = num + (geo ? Math.log(s[l]) : s[l]) * w[l];
        den = den + w[l];
        nok++;
      }
      var score = null;
      if (den > 0 && nok >= need) { score = num / den; if (geo) score = Math.exp(score); }
      rows.push({iso3: V.countries[i], name: name(V.countries[i]), score: score, rank: null,
                 layers: s, nok: nok, need: need, npos: npos});
    }
    var ranked = rows.filter(function (r) { return r.score !== null; });
    ranked.forEach(function (r) { r.key = round9(r.score); });
    ranked.forEach(function (r) {
      var above = 0;
      for (var j = 0; j < ranked.length; j++) if (ranked[j].key > r.key) above++;
      r.rank = above + 1;
    });
    state.rows = rows;
    state.nranked = ranked.length;
  }

  function byRank(a, b) {
    if (a.rank === null && b.rank === null) return a.iso3 < b.iso3 ? -1 : a.iso3 > b.iso3 ? 1 : 0;
    if (a.rank === null) return 1;
    if (b.rank === null) return -1;
    return a.rank - b.rank || (a.iso3 < b.iso3 ? -1 : a.iso3 > b.iso3 ? 1 : 0);
  }
  function value(r, key) {
    if (key === "rank") return r.rank;
    if (key === "name") return r.name;
    if (key === "iso3") return r.iso3;
    if (key === "score") return r.score;
    return r.layers[+key.slice(1)];
  }
  function sorted() {
    var key = state.sort, dir = state.dir;
    return state.rows.slice().sort(function (a, b) {
      var va = value(a, key), vb = value(b, key);
      if (va === null && vb === null) return byRank(a, b);
      if (va === null) return 1;   // missing last in both directions
      if (vb === null) return -1;
      if (va < vb) return -dir;
      if (va > vb) return dir;
      return byRank(a, b);
    });
  }

  var columns = [["rank", "Rank", false], ["name", "Country", true], ["iso3", "ISO3", true], ["score", "Overall", false]];
  L.forEach(function (lay, l) { columns.push(["l" + l, D.layer_labels[lay], false]); });

  function renderHead() {
    var head = document.getElementById("head");
    head.textContent = "";
    columns.forEach(function (c) {
      var th = el("th", c[1], c[2] ? "text" : "");
      th.dataset.key = c[0];
      th.tabIndex = 0;
      if (state.sort === c[0]) th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      var go = function () {
        if (state.sort === c[0]) state.dir = -state.dir;
        else { state.sort = c[0]; state.dir = (c[0] === "rank" || c[2]) ? 1 : -1; }
        renderHead(); renderTable();
      };
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (ev) { if (ev.key === "Enter") go(); });
      head.appendChild(th);
    });
  }

  function renderTable() {
    var body = document.getElementById("body"), hit = found();
    body.textContent = "";
    sorted().forEach(function (r) {
      var tr = el("tr");
      tr.dataset.iso3 = r.iso3;
      if (hit && hit.iso3 === r.iso3) tr.className = "hit";
      tr.appendChild(el("td", r.rank === null ? "\u2013" : r.rank, "rank"));
      tr.appendChild(el("td", r.name, "text"));
      tr.appendChild(el("td", r.iso3, "text"));
      tr.appendChild(el("td", fmt(r.score), r.score === null ? "score na" : "score"));
      for (var l = 0; l < NL; l++) tr.appendChild(el("td", fmt(r.layers[l]), r.layers[l] === null ? "na" : ""));
      body.appendChild(tr);
    });
  }

  function topRows() { return state.rows.filter(function (r) { return r.rank !== null; }).sort(byRank); }

  function renderBars() {
    var box = document.getElementById("bars"), top = topRows().slice(0, D.top_n);
    box.textContent = "";
    document.getElementById("bars-title").textContent = "Top " + top.length + " of " + state.nranked + " ranked";
    var vals = top.map(function (r) { return r.score; });
    var hi = Math.max.apply(null, vals.concat([0])), lo = Math.min.apply(null, vals.concat([0]));
    var span = hi - lo || 1;
    top.forEach(function (r) {
      var row = el("div", null, "bar");
      row.dataset.iso3 = r.iso3;
      row.appendChild(el("span", r.rank));
      var nm = el("span", r.name, "name");
      nm.title = r.name;
      row.appendChild(nm);
      var track = el("span"), fill = el("span", null, "fill");
      fill.style.display = "block";
      fill.style.width = (100 * (r.score - lo) / span).toFixed(2) + "%";
      track.appendChild(fill);
      row.appendChild(track);
      row.appendChild(el("span", fmt(r.score), "val"));
      box.appendChild(row);
    });
  }

  var paths = {};
  function buildMap() {
    var codes = Object.keys(D.map);
    if (!codes.length) { document.getElementById("map-card").style.display = "none"; return; }
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "-180 -84 360 144");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "World map of the overall score");
    codes.sort().forEach(function (c) {
      var p = document.createElementNS(SVG, "path");
      p.setAttribute("d", D.map[c]);
      p.dataset.iso3 = c;
      var t = document.createElementNS(SVG, "title");
      p.appendChild(t);
      svg.appendChild(p);
      paths[c] = p;
    });
    document.getElementById("map").appendChild(svg);
  }
  function colour(t) {  // light -> dark blue
    var a = [222, 235, 247], b = [8, 48, 107];
    return "rgb(" + [0, 1, 2].map(function (k) { return Math.round(a[k] + (b[k] - a[k]) * t); }).join(",") + ")";
  }
  function renderMap() {
    if (!Object.keys(paths).length) return;
    var by = {}, hit = found();
    state.rows.forEach(function (r) { by[r.iso3] = r; });
    var vals = state.rows.filter(function (r) { return r.score !== null; }).map(function (r) { return r.score; });
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals), span = hi - lo || 1;
    Object.keys(paths).forEach(function (c) {
      var p = paths[c], r = by[c];
      var ranked = r && r.score !== null;
      p.setAttribute("fill", ranked ? colour((r.score - lo) / span) : "#d0d4d9");
      p.setAttribute("class", hit && hit.iso3 === c ? "hit" : "");
      p.firstChild.textContent = name(c) + (ranked ? ": " + fmt(r.score) + " (rank " + r.rank + " of " + state.nranked + ")"
        : r ? ": not ranked (" + r.nok + " of " + r.npos + " weighted layers scored)" : ": no data");
    });
    document.getElementById("legend").textContent = vals.length ? "Light " + fmt(lo) + " \u2192 dark " + fmt(hi)
      + "; grey: not ranked or no data. Hover a country for its value." : "";
  }

  function found() {
    var q = state.query.trim().toLowerCase();
    if (!q) return null;
    var rows = state.rows, i;
    for (i = 0; i < rows.length; i++) if (rows[i].iso3.toLowerCase() === q) return rows[i];
    for (i = 0; i < rows.length; i++) if (rows[i].name.toLowerCase() === q) return rows[i];
    for (i = 0; i < rows.length; i++) if (rows[i].name.toLowerCase().indexOf(q) === 0) return rows[i];
    for (i = 0; i < rows.length; i++) if (rows[i].name.toLowerCase().indexOf(q) >= 0) return rows[i];
    return false;
  }
  function renderSearch() {
    var out = document.getElementById("search-result"), r = found();
    if (r === null) out.textContent = "";
    else if (r === false) out.textContent = "No country matches \u201c" + state.query.trim() + "\u201d in this view.";
    else if (r.rank === null) out.textContent = r.name + " (" + r.iso3 + "): not ranked \u2013 " + r.nok + " of " + r.npos
      + " weighted layers scored, " + r.need + " needed.";
    else out.textContent = r.name + " (" + r.iso3 + "): rank " + r.rank + " of " + state.nranked + ", score " + fmt(r.score);
    if (r) {
      out.dataset.iso3 = r.iso3;
      out.dataset.rank = r.rank === null ? "" : String(r.rank);
    } else { delete out.dataset.iso3; delete out.dataset.rank; }
  }

  function renderRule() {
    var total = state.weights.reduce(function (a, b) { return a + b; }, 0);
    L.forEach(function (lay, l) {
      var o = document.getElementById("w" + l + "-out");
      o.textContent = state.weights[l].toFixed(2) + " (" + (total > 0 ? (100 * state.weights[l] / total).toFixed(0) : "0") + "%)";
    });
    document.getElementById("rule").textContent = "Overall score: " + (D.aggregation === "geometric" ? "weighted geometric" : "weighted arithmetic")
      + " mean of the layer scores a country has; a country needs at least " + Math.round(100 * D.min_layers_share)
      + "% of the weighted layers. View: " + state.view + ".";
  }

  function update() { compute(); renderRule(); renderHead(); renderTable(); renderBars(); renderMap(); renderSearch(); }

  function setWeights(ws) {
    state.weights = ws.slice();
    L.forEach(function (lay, l) { document.getElementById("w" + l).value = String(ws[l]); });
    update();
  }

  function init() {
    document.getElementById("title").textContent = D.title;
    document.getElementById("notes").textContent = D.notes;
    var meta = document.getElementById("meta");
    D.meta.forEach(function (kv) { meta.appendChild(el("dt", kv[0])); meta.appendChild(el("dd", kv[1])); });
    var sel = document.getElementById("view");
    D.view_order.forEach(function (v) { var o = el("option", v); o.value = v; sel.appendChild(o); });
    if (D.view_order.length < 2) document.getElementById("view-box").style.display = "none";
    sel.addEventListener("change", function () { state.view = sel.value; update(); });
    var box = document.getElementById("sliders");
    L.forEach(function (lay, l) {
      var row = el("div", null, "slider");
      var lab = el("label", D.layer_labels[lay]);
      lab.htmlFor = "w" + l;
      var inp = el("input");
      inp.type = "range"; inp.id = "w" + l; inp.min = "0"; inp.max = String(D.slider_max); inp.step = "any";
      inp.value = String(D.weights[l]);
      inp.dataset.layer = lay;
      inp.addEventListener("input", function () { state.weights[l] = parseFloat(inp.value); update(); });
      var out = el("output");
      out.id = "w" + l + "-out";
      row.appendChild(lab); row.appendChild(inp); row.appendChild(out);
      box.appendChild(row);
    });
    document.getElementById("reset").addEventListener("click", function () { setWeights(D.weights); });
    document.getElementById("equal").addEventListener("click", function () {
      var mean = D.weights.reduce(function (x, y) { return x + y; }, 0) / NL || 1;  // same total as the nominal weights
      setWeights(L.map(function () { return mean; }));
    });
    var search = document.getElementById("search");
    search.addEventListener("input", function () { state.query = search.value; renderSearch(); renderTable(); renderMap(); });
    buildMap();
    update();
  }
  init();
})();
</script>
</body>
</html>
"""
