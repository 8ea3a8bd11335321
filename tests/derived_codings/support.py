"""Helpers of the derived-codings tests: tiny inline GIRAI, derived and hand frames."""

from __future__ import annotations

import pandas as pd

from sovai import categorical as cat
from sovai import derived_codings as dc

URL = "https://example.org/src"
GIRAI = "girai/GIRAI_2026_dataset.xlsx"


def nap(*rows):
    out = pd.DataFrame(rows, columns=["iso3", "status", "type", "title", "approval"])
    out["enforceability"] = "Non-Binding"
    return out


def derived_frame(*rows):
    recs = [
        dict(iso3=i, variable=v, value=val, source_url=dc.PUBLISHERS["girai"], source_title="GIRAI", accessed="2026-12-02",
             note="rule", evidence="derived", rule="girai2026_nap", registry_key=GIRAI)
        for i, v, val in rows
    ]  # fmt: skip
    return pd.DataFrame(recs, columns=dc.DERIVED_COLUMNS).astype("string")


def hand_frame(*rows):
    recs = [dict(iso3=i, variable=v, value=val, source_url=URL, source_title="t", accessed="2026-11-26", note=None,
                 evidence="stated") for i, v, val in rows]  # fmt: skip
    return pd.DataFrame(recs, columns=cat.LONG_COLUMNS).astype("string")
