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

Submodules (one job each; each imports only submodules listed above it):

* :mod:`sovai.explorer.formula` — :func:`aggregate`, :func:`rank` and :data:`AGGREGATIONS`: the
  Python mirror of the page's arithmetic.
* :mod:`sovai.explorer.views` — :func:`views_from_results`, the layer labels and
  :func:`map_paths`: the page's data from composite results and Natural Earth.
* :mod:`sovai.explorer.render` — :func:`render_explorer` and :func:`write_explorer`: the page,
  from the template ``explorer.html.tmpl`` (package data, read once on first use).

Every name is re-exported here (``from sovai import explorer; explorer.write_explorer(...)``).
"""

from __future__ import annotations

from sovai.explorer.formula import AGGREGATIONS, aggregate, rank
from sovai.explorer.render import render_explorer, write_explorer
from sovai.explorer.views import map_paths, views_from_results

__all__ = [
    "AGGREGATIONS",
    "aggregate",
    "map_paths",
    "rank",
    "render_explorer",
    "views_from_results",
    "write_explorer",
]
