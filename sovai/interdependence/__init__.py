"""Dependency mapping, coalitions and diversification: "managed interdependence" in numbers.

Everything here works on the long country-share table of :func:`sovai.stack.input_shares`
(``input_id, layer, input, iso3, share[, withheld]`` with shares in percent of world supply;
``iso3`` NA for the unattributed remainder; ``share`` NA where the source withholds a country's
value). This module computes and returns frames; it writes nothing (notebooks 05 and 06 write
through :mod:`sovai.reports.chokepoints` and :mod:`sovai.reports.interdependence`). Definitions:

Layer presence (:func:`layer_presence`, :func:`full_stack`, :func:`full_stack_table`)
    A country's *layer share* is the mean of its shares over the layer's inputs (absent = 0),
    weighted by ETO market size for compute hardware (``rule="mean"``), or its largest share on any
    input of the layer (``rule="any"``). It holds a *meaningful* share when the layer share reaches
    ``threshold`` percent. Where the source withholds one of the country's values (USGS "W"), the
    known part is a lower bound: the layer is ``yes`` if the lower bound already reaches the
    threshold, otherwise **unknown** (share NA) — never ``no``. World share is not self-sufficiency:
    see :func:`self_sufficiency` for supply against the country's own demand.

Blocs and exposure (:func:`bloc_members`, :func:`exposure`)
    A bloc is ``"unga"`` (same side of the US–China divide in UN General Assembly votes; countries
    without ideal points, e.g. Taiwan, are of *unknown* alignment and reported apart), a membership
    group plus the country, or a list of ISO3 codes. Exposure on an input is the share of world
    supply held outside the bloc.

Coalition cover (:func:`coalition_coverage`, :func:`minimum_coalition`, :func:`uncoverable_without`)
    A coalition **covers** an input when its members jointly hold at least ``cover_share`` percent
    of world supply (default 50: a majority of supply, not a foothold). Withheld values count 0, so a
    joint share is a lower bound (members with withheld values are listed). The smallest covering
    coalition is an integer programme (min Σ xᵢ s.t. Σ sᵢⱼ xᵢ ≥ cover_share for every coverable
    input j), solved exactly with HiGHS (``scipy.optimize.milp``); among minimum coalitions the one
    with the largest total share is returned and up to ``max_solutions`` alternatives are counted.
    Inputs whose attributed world total is below ``cover_share`` cannot be covered by anyone and are
    listed. :func:`uncoverable_without` lists the inputs that *no* coalition can cover once a given
    country is excluded (the rest of the world holds less than ``cover_share``).

Diversification (:func:`diversify`)
    The supplier mix is taken as world supply (attributed shares, rescaled to 100). The scenario
    sources a fraction ``weight`` from named partners in proportion to their world shares, giving
    ``(1 − w) · world + w · partners``. **Capacity limit**: partners can supply at most their joint
    world share of the country's needs (or their stated spare capacity), scaled by
    ``100 / demand_share`` when the country's share of world demand is given. When ``100 · weight``
    exceeds that capacity the scenario is ``infeasible``: the table gives the ``gap`` (points of the
    country's supply) and the mix at the largest feasible weight.

Submodules (one job each; imports run one way, from ``common`` upwards)
    :mod:`~sovai.interdependence.common`
        defaults, share-table and parameter checks, :func:`resolve_country`, :func:`share_matrix`,
        :func:`chokepoint_ids`;
    :mod:`~sovai.interdependence.presence`
        layer presence: :func:`layer_shares`, :func:`layer_presence`, :func:`full_stack`,
        :func:`full_stack_table`;
    :mod:`~sovai.interdependence.sufficiency`
        demand shares and self-sufficiency: :func:`demand_shares`, :func:`input_demand`,
        :data:`SUFFICIENCY_PAIRS`, :func:`self_sufficiency`;
    :mod:`~sovai.interdependence.blocs`
        blocs and exposure: :func:`unga_blocs`, :func:`bloc_members`, :func:`exposure`,
        :func:`cover_partners`, :func:`country_brief`;
    :mod:`~sovai.interdependence.coalitions`
        coalition cover: :func:`resolve_coalitions`, :func:`coalition_coverage`,
        :func:`coalition_summary`, :func:`set_cover`, :func:`minimum_coalition`,
        :func:`coalition_members_table`, :func:`uncoverable_without`, :func:`uncoverable_summary`;
    :mod:`~sovai.interdependence.diversification`
        capacity-limited diversification scenarios: :func:`diversify` (uses ``blocs``).

Every name is re-exported here, so ``from sovai import interdependence; interdependence.X`` works
as before the split.
"""

from sovai.interdependence.blocs import bloc_members, country_brief, cover_partners, exposure, unga_blocs
from sovai.interdependence.coalitions import (
    coalition_coverage,
    coalition_members_table,
    coalition_summary,
    minimum_coalition,
    resolve_coalitions,
    set_cover,
    uncoverable_summary,
    uncoverable_without,
)
from sovai.interdependence.common import (
    DEFAULT_COALITIONS,
    DEFAULT_COVER_SHARE,
    DEFAULT_THRESHOLD,
    FULL_STACK_THRESHOLDS,
    KEY_SUPPLIERS,
    chokepoint_ids,
    resolve_country,
    share_matrix,
)
from sovai.interdependence.diversification import diversify
from sovai.interdependence.presence import full_stack, full_stack_table, layer_presence, layer_shares
from sovai.interdependence.sufficiency import SUFFICIENCY_PAIRS, demand_shares, input_demand, self_sufficiency

__all__ = [
    "DEFAULT_COALITIONS",
    "DEFAULT_COVER_SHARE",
    "DEFAULT_THRESHOLD",
    "FULL_STACK_THRESHOLDS",
    "KEY_SUPPLIERS",
    "SUFFICIENCY_PAIRS",
    "bloc_members",
    "chokepoint_ids",
    "coalition_coverage",
    "coalition_members_table",
    "coalition_summary",
    "country_brief",
    "cover_partners",
    "demand_shares",
    "diversify",
    "exposure",
    "full_stack",
    "full_stack_table",
    "input_demand",
    "layer_presence",
    "layer_shares",
    "minimum_coalition",
    "resolve_coalitions",
    "resolve_country",
    "self_sufficiency",
    "set_cover",
    "share_matrix",
    "uncoverable_summary",
    "uncoverable_without",
    "unga_blocs",
]
