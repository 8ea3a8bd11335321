"""ISO 3166-1 alpha-2 → alpha-3 from the reference table (for sources keyed by ISO2)."""

from __future__ import annotations

import pandas as pd

from sovai.provenance import cache


@cache
def iso2_to_iso3() -> dict[str, str]:
    """ISO2 → ISO3 for every economy of the reference table (Kosovo ``XK`` → ``XKX``)."""
    from sovai.countries import reference_table

    ref = reference_table()
    out = {iso2: iso3 for iso3, iso2 in ref["iso2"].items() if isinstance(iso2, str) and iso2}
    out.setdefault("XK", "XKX")
    return out


def map_iso2(codes: pd.Series) -> pd.Series:
    """ISO3 per ISO2 code (``<NA>`` for codes outside the reference table, e.g. ``EU``, ``AQ``)."""
    return codes.astype("string").str.strip().map(iso2_to_iso3()).astype("string")
