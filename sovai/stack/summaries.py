"""Summaries of a chokepoint table (:func:`sovai.stack.chokepoints`): :func:`layer_summary` (one
row per stack layer: how concentrated its measured inputs are, ETO inputs weighted by market size)
and :func:`stage_summary` (the semiconductor stages of ETO: the stage's own HHI and the
market-weighted HHI of its segments). They take the table as given: no share is built and no
chokepoint decided here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sovai import framework
from sovai.stack.arithmetic import HHI_HIGH


def layer_summary(table: pd.DataFrame, *, hhi_threshold: float = HHI_HIGH) -> pd.DataFrame:
    """One row per layer: how concentrated its measured inputs are.

    ``hhi_weighted`` weights inputs by ETO market size for the compute-hardware layer, over ETO's
    non-overlapping segments (:func:`sovai.sources.eto.weighting_segments`); other layers weight
    their inputs equally. Layers without an input have ``n_inputs`` 0 and NA statistics; their
    ``n_cited_facts`` counts the cited facts about them.
    """
    facts = framework.load_chokepoint_facts()
    seg_weights: dict[str, float] = {}
    if (table["source"] == "eto_chip_explorer").any():
        from sovai.sources import eto

        seg = eto.weighting_segments()
        seg_weights = {f"eto:{i}": float(w) for i, w in zip(seg["input_id"], seg["weight"], strict=True)}
    rows = []
    for layer in framework.layer_ids():
        grp = table[table["layer"] == layer]
        n_facts = int((facts["layer"] == layer).sum())
        if grp.empty:
            rows.append({"layer": layer, "n_inputs": 0, "n_cited_facts": n_facts})
            continue
        weights = grp["input_id"].map(seg_weights) if layer == "compute_hardware" and seg_weights else None
        if weights is not None and weights.notna().any():
            w = weights.fillna(0.0).astype(float)
            weighted = float((grp["hhi"].astype(float) * w).sum() / w.sum())
            basis = "ETO market size (non-overlapping segments)"
        else:
            weighted = float(grp["hhi"].astype(float).mean())
            basis = "equal"
        top = grp.iloc[0]
        top1_counts = grp["top1_iso3"].value_counts()
        leaders = top1_counts[top1_counts == top1_counts.max()].index
        n_choke = int(grp["chokepoint"].sum()) if "chokepoint" in grp else pd.NA
        rows.append(
            {
                "layer": layer,
                "n_inputs": len(grp),
                "n_highly_concentrated": int((grp["hhi"] >= hhi_threshold).sum()),
                "n_chokepoints": n_choke,
                "hhi_mean": round(float(grp["hhi"].mean()), 6),
                "hhi_weighted": round(weighted, 6),
                "weighting": basis,
                "hhi_max": round(float(grp["hhi"].max()), 6),
                "most_concentrated_input": top["input"],
                "most_concentrated_top1": top["top1_iso3"],
                "most_frequent_top1": sorted(leaders)[0],
                "share_top1_usa_or_chn": round(float(grp["top1_iso3"].isin(["USA", "CHN"]).mean()), 6),
                "n_cited_facts": n_facts,
            }
        )
    out = pd.DataFrame(rows)
    for col in ("n_inputs", "n_highly_concentrated", "n_chokepoints"):
        out[col] = out[col].astype("Int64")
    return out


def stage_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Semiconductor stages (ETO): the stage's own HHI and the market-weighted HHI of its segments.

    CC BY-NC 4.0 (non-commercial).
    """
    from sovai.sources import eto

    seg = eto.weighting_segments()
    hh = table.set_index("input_id")["hhi"]
    rows = []
    for stage, grp in seg.groupby("stage", sort=True):
        ids = "eto:" + grp["input_id"]
        w = grp["weight"].astype(float).to_numpy()
        h = hh.reindex(ids).astype(float).to_numpy()
        ok = ~np.isnan(h)
        stage_id = {"Design": "S1", "Fabrication": "S2", "Assembly, testing, and packaging (ATP)": "S3"}.get(stage)
        rows.append(
            {
                "stage": stage,
                "n_segments": int(ok.sum()),
                "market_size_usd": float(grp["market_size_usd"].astype(float).sum()),
                "hhi_weighted": round(float((h[ok] * w[ok]).sum() / w[ok].sum()), 6) if ok.any() else np.nan,
                "hhi_stage_row": float(hh.get(f"eto:{stage_id}", np.nan)) if stage_id else np.nan,
            }
        )
    return pd.DataFrame(rows)
