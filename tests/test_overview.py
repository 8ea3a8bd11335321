"""Data overview helpers: the complete codings grid and the coverage-by-region table."""

from sovai import categorical, overview
from sovai.countries import target_countries


def test_codings_grid_has_a_row_for_every_country_and_variable():
    grid = overview.codings_grid()
    variables = categorical.contract_variables()
    assert len(grid) == len(target_countries()) * len(variables) == 195 * len(variables)
    assert not grid.duplicated(["iso3", "variable"]).any()
    coded = grid[grid["status"] == "coded"]
    assert coded["value"].notna().all() and coded["source_url"].str.startswith("http").all()
    assert grid.loc[grid["status"] == "missing", "value"].isna().all()
    usa = grid[(grid.iso3 == "USA") & (grid.variable == "national_ai_strategy")]
    assert usa["value"].item() == "true" and usa["country"].item() == "United States"


def test_coverage_by_region_is_a_share():
    import pandas as pd

    summary = pd.DataFrame({"source": ["s"], "indicator": ["i"]})
    missing = pd.DataFrame({"source": ["s", "s"], "indicator": ["i", "i"], "iso3": ["FRA", "DEU"], "country": ["", ""]})
    share = overview.coverage_by_region(missing, summary)
    europe = share.loc[("s", "i"), "Europe"]
    assert 0 < europe < 1 and share.loc[("s", "i"), "Africa"] == 1
