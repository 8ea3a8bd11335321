"""Country shares of the three semiconductor supply-chain stages (ETO Chip Explorer; CC BY-NC 4.0,
non-commercial).

Built on :func:`sovai.sources.eto.weighting_segments` and :func:`sovai.sources.eto.country_shares`:
the same non-overlapping, market-size weighted segments as ``chip_supply_chain_share``, split by
ETO stage and re-weighted within each stage, so a country's stage share is
Σ_segments weight × share / Σ weight over the stage's segments (percent). A country absent from
a segment counts 0 there (ETO lists every provider with a share): a census.

``chip_design_share``
    Design: logic, memory and DAO chip design, EDA software, core IP;
``chip_fab_inputs_share``
    Fabrication inputs: semiconductor manufacturing equipment and wafers;
``chip_atp_share``
    Assembly, testing and packaging: ATP site capacity and ATP tools.
"""

from __future__ import annotations

import pandas as pd

from sovai.provenance import cache
from sovai.sources import eto
from sovai.sources._common import TIDY_COLUMNS

STAGES = {
    "Design": "chip_design_share",
    "Fabrication": "chip_fab_inputs_share",
    "Assembly, testing, and packaging (ATP)": "chip_atp_share",
}


@cache
def load() -> pd.DataFrame:
    """Tidy ``iso3, year, indicator, value`` of the three stage shares (year = ETO edition)."""
    seg = eto.weighting_segments()
    unknown = sorted(set(seg["stage"]) - set(STAGES))
    if unknown:
        raise ValueError(f"ETO weighting segments in unknown stage(s) {unknown}; expected {sorted(STAGES)}")
    shares = eto.country_shares(include_unattributed=False)
    shares = shares.merge(
        seg[["input_id", "stage", "weight"]], on="input_id", how="inner", validate="m:1", suffixes=("_x", "")
    )
    year = int(eto.load_provision()["year"].max())
    frames = []
    for stage, indicator in STAGES.items():
        s = shares[shares["stage"] == stage]
        total = float(seg.loc[seg["stage"] == stage, "weight"].sum())
        val = (s["share"].astype(float) * s["weight"].astype(float)).groupby(s["iso3"]).sum() / total
        frames.append(pd.DataFrame({"iso3": val.index, "year": year, "indicator": indicator, "value": val.to_numpy()}))
    out = pd.concat(frames, ignore_index=True)[TIDY_COLUMNS]
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3"]).reset_index(drop=True)
