"""Autonomy of model development: notable AI models built without a foreign co-developer (Epoch
AI, *Data on AI Models*; CC BY 4.0).

Built on :func:`sovai.sources.epoch.load_models`. A model is *domestic* for a country when all its
organisations are in that country (no other country, no "Multinational").

``domestic_notable_models``
    models published in the year that are domestic for the country (count; Epoch's list is the
    census of notable models, so a country with none has 0);
``models_domestic_share_pct``
    for year ``y``, the percentage of domestic models among the models published in
    ``y - LOOKBACK … y`` with at least one organisation in the country; countries with no such
    model have no value (undefined, not 0). Supporting series: only ~25 countries have one.
"""

from __future__ import annotations

import pandas as pd

from sovai.provenance import cache
from sovai.sources import epoch
from sovai.sources._common import TIDY_COLUMNS

#: Years before ``y`` included in the share for year ``y`` (2019–2024 for 2024).
LOOKBACK = 5
YEARS = range(2015, 2027)


@cache
def load(kind: str = "notable") -> pd.DataFrame:
    """Tidy ``domestic_notable_models`` (count) and ``models_domestic_share_pct`` (percent) by
    country and year."""
    long = epoch.load_models(kind)
    long = long[long["year"].notna()]
    per_model = long.assign(domestic=long["n_countries"] == 1)
    per_model = per_model[per_model["iso3"].notna()]
    frames = []
    for y in YEARS:
        sel = per_model[(per_model["year"] >= y - LOOKBACK) & (per_model["year"] <= y)]
        if sel.empty:
            continue
        share = 100.0 * sel.groupby("iso3")["domestic"].mean()
        frames.append(
            pd.DataFrame(
                {
                    "iso3": share.index,
                    "year": y,
                    "indicator": "models_domestic_share_pct",
                    "value": share.to_numpy(dtype=float),
                }
            )
        )
    counts = per_model[per_model["domestic"]].groupby(["iso3", "year"]).size()
    frames.append(
        pd.DataFrame(
            {
                "iso3": counts.index.get_level_values(0),
                "year": counts.index.get_level_values(1),
                "indicator": "domestic_notable_models",
                "value": counts.to_numpy(dtype=float),
            }
        )
    )
    out = pd.concat(frames, ignore_index=True)[TIDY_COLUMNS]
    out = out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)
