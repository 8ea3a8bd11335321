"""The AI stack (Appendix B reconstruction) and the concentration of its chokepoints.

Framework as data
    The layers, the declared inputs, the components and the cited facts are files under
    ``data/stack/`` read by :mod:`sovai.framework`. Every stack input is **declared** in
    ``inputs.csv`` (:func:`declared_inputs`): its id, layer, the builder that computes its country
    shares (:data:`BUILDERS`), the builder's parameter, the basis of the share, and its world market
    size with year and source where one was read. Two rows declare families: ``eto:*`` (one input
    per ETO input/stage with country shares; market size from ETO) and ``cited:*`` (one input per
    row of ``chokepoint_facts.csv`` with ``as_input = yes``: country shares stated by a cited
    source, labelled ``evidence = "cited"``). :func:`input_shares` fails, naming the file and row,
    when a builder yields an undeclared id or a declared id yields nothing;
    :func:`unknown_component_ids` checks that ``components.csv`` names only real ids.

Country shares of each stack input (:func:`input_shares`)
    One long table :data:`SHARE_COLUMNS`: ``share`` is the country's percentage of world supply,
    ``iso3`` NA for the part the source does not attribute to a country (ETO "Various countries" and
    "Europe", USGS "other countries", Epoch "Multinational", the rest of a cited total). A country the
    source lists but whose value it **withholds** (USGS "W": US gallium, lithium, graphite…) has
    ``share`` NA and ``withheld`` true — it is never read as zero. ``evidence`` is ``computed`` (from a
    mirrored dataset) or ``cited`` (copied from the cited source).

Concentration (:func:`concentration`, :func:`chokepoints`)
    ``hhi`` is the Herfindahl–Hirschman index on shares **in percent**, Σ sᵢ², 0–10,000. The
    unattributed remainder adds nothing (``hhi`` is a lower bound); ``hhi_upper`` counts it as one
    supplier. Shares that do not add to ~100 are *reported* (``total_share``, ``share_status`` by
    :func:`sovai.framework.share_status`), never rescaled. An input is ``highly_concentrated`` when ``hhi`` ≥ ``hhi_threshold`` (default 2,500, the
    2010 US Horizontal Merger Guidelines bound). It is a **chokepoint** when it is also not a small
    market: its world market is at least ``min_market_usd`` (default US$1 bn), or its market size is
    unknown (kept, ``market_status = "unknown"``, unless ``unknown_market="drop"``). Every row
    carries its market size, market year and market source.

Modules
    :mod:`~sovai.stack.arithmetic` (:func:`hhi`, :func:`top_k_share`, :func:`concentration`,
    the HHI and significant-share thresholds), :mod:`~sovai.stack.builders` (the share builders,
    :data:`BUILDERS`, :data:`SOURCE_GROUPS`, :func:`cloud_regions`), :mod:`~sovai.stack.declared`
    (:func:`declared_inputs` and the check of the builders' ids against ``inputs.csv``),
    :mod:`~sovai.stack.shares` (:func:`input_shares`, :data:`SHARE_COLUMNS`),
    :mod:`~sovai.stack.tables` (:func:`chokepoints`, :data:`CHOKEPOINT_COLUMNS`, the market floor,
    :func:`input_markets`, :func:`market_status`, :func:`unattributed_inputs`,
    :func:`unknown_component_ids`, :func:`top500_trend`) and :mod:`~sovai.stack.summaries`
    (:func:`layer_summary`, :func:`stage_summary`), each importing only the ones listed before it
    (summaries only arithmetic). Every public name is importable from ``sovai.stack``.
"""

from __future__ import annotations

from sovai.stack.arithmetic import HHI_HIGH, SIGNIFICANT_SHARE, concentration, hhi, top_k_share
from sovai.stack.builders import BUILDERS, SOURCE_GROUPS, cloud_regions
from sovai.stack.declared import declared_inputs
from sovai.stack.shares import SHARE_COLUMNS, _input_shares, input_shares
from sovai.stack.summaries import layer_summary, stage_summary
from sovai.stack.tables import (
    CHOKEPOINT_COLUMNS,
    MARKET_FLOOR_USD,
    chokepoints,
    input_markets,
    market_status,
    top500_trend,
    unattributed_inputs,
    unknown_component_ids,
)

__all__ = [
    "BUILDERS",
    "CHOKEPOINT_COLUMNS",
    "HHI_HIGH",
    "MARKET_FLOOR_USD",
    "SHARE_COLUMNS",
    "SIGNIFICANT_SHARE",
    "SOURCE_GROUPS",
    "chokepoints",
    "cloud_regions",
    "concentration",
    "declared_inputs",
    "hhi",
    "input_markets",
    "input_shares",
    "layer_summary",
    "market_status",
    "stage_summary",
    "top500_trend",
    "top_k_share",
    "unattributed_inputs",
    "unknown_component_ids",
    # private, used by tests/stack/ (cache_clear)
    "_input_shares",
]
