"""TOP500 indicators for the panel, read fast and cached on disk.

The same tidy indicators as :func:`sovai.sources.top500.load` (``top500_systems``,
``top500_rmax_pflops``, ``top500_rmax_share_pct`` from each June list), computed from the
columns they need with the streaming reader of :mod:`sovai.sources._xlsx` (about 3x faster than
openpyxl) and cached by the lists' pinned hashes (:mod:`sovai.sources._parsed`). The tests check
that the result equals :func:`sovai.sources.top500.load`. Licence: see :mod:`sovai.sources.top500`.
"""

from __future__ import annotations

import pandas as pd

from sovai import registry
from sovai.countries import to_iso3
from sovai.errors import InputFileError
from sovai.provenance import cache
from sovai.sources import top500
from sovai.sources._common import require_columns
from sovai.sources._parsed import parsed
from sovai.sources._xlsx import read_xlsx


def _tidy() -> pd.DataFrame:
    rows = []
    for key in top500.list_keys():
        if not key.endswith("06.xlsx"):
            continue
        frame = read_xlsx(registry.fetch(key))
        require_columns(frame, ["Rank", "Country", "Rmax [TFlop/s]"], key)
        if len(frame) != 500:
            raise InputFileError(key, f"expected 500 systems, found {len(frame)}")
        country = frame["Country"].astype(str).str.strip()
        iso3 = pd.Series(to_iso3(country.tolist(), source="top500"), index=frame.index)
        rmax = pd.to_numeric(frame["Rmax [TFlop/s]"], errors="coerce")
        rows.append(top500.tidy_frame(top500.per_country(iso3, rmax), int(key[-11:-7])))
    out = pd.concat(rows, ignore_index=True).astype({"iso3": "string", "year": "Int64", "value": "Float64"})
    return out.sort_values(["indicator", "iso3", "year"]).reset_index(drop=True)


@cache
def load() -> pd.DataFrame:
    """Tidy TOP500 indicators of the June lists 2020–2026 (see the module docstring)."""
    return parsed(top500.list_keys(), "top500-tidy-v3", _tidy)
