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


def _long(rows):
    import pandas as pd

    cols = ["iso3", "variable", "value", "source_url", "source_title", "accessed", "note"]
    return pd.DataFrame(rows, columns=cols)


def test_profile_codings_says_not_coded_never_no():
    long = _long(
        [
            ["DEU", "ai_law", "false", "https://a.org", "A", "2026-01-01", ""],
            ["EUU", "public_compute", "true", "https://b.org", "B", "2026-01-01", "EuroHPC"],
        ]
    )
    table = overview.profile_codings(
        "DEU", ["ai_law", "public_compute", "national_llm"], long=long, scope=["DEU", "EUU"]
    )
    assert table["variable"].tolist() == ["ai_law", "public_compute", "national_llm"]
    assert table["value"].tolist() == ["no (coded absent in the cited source)", "yes", "not coded"]
    assert table["coded_for"].tolist() == ["DEU", "EUU", "DEU"]
    assert table.loc[2, ["source_url", "source_title"]].isna().all()


def test_instrument_summary_with_missing_count_and_stance():
    import pandas as pd

    wide = pd.DataFrame(
        {
            "instrument_count": pd.array([pd.NA, 3], dtype="Int64"),
            "n_instruments_coded": pd.array([0, 5], dtype="Int64"),
            "stance": pd.Categorical([None, "selective"]),
        },
        index=["TUV", "DEU"],
    )
    assert (
        overview.instrument_summary(wide, "TUV", 8)
        == "Instruments found: not coded (0 of 8 instruments coded); stance: not coded."
    )
    assert (
        overview.instrument_summary(wide, "DEU", 8)
        == "Instruments found: 3 of 8 (5 of 8 instruments coded); stance: selective."
    )
    assert "not coded" in overview.instrument_summary(wide, "XKX", 8)


def test_a_hostile_coding_row_leaves_no_live_markup_in_the_profile_page():
    """Title, note and URL of a user's coding file reach the profile page as text only."""
    import nbformat

    from sovai.build.site.exporter import export_html
    from sovai.report_io import html_table

    long = _long(
        [
            [
                "DEU",
                "ai_law",
                "true",
                "javascript:alert(document.cookie)",
                "<script>alert(document.cookie)</script>",
                "2026-01-01",
                "<img src=x onerror=alert(1)><a href='javascript:alert(2)'>click</a>",
            ]
        ]
    )
    table = overview.profile_codings("DEU", ["ai_law"], long=long)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": html_table(table, links={"source": ("source_url", "source_title")})}
        )
    ]
    nb.cells = [cell]
    page = export_html(nb, "profile <DEU>")
    body = page[page.index("<body") :]
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "href='javascript" not in body and 'href="javascript' not in body
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in body


def test_codings_coverage_by_region_counts_coded_cells_only():
    import pandas as pd

    from sovai import overview
    from sovai.countries import reference_table

    ref = reference_table()
    targets = ref.index[ref["target"]]
    wide = pd.DataFrame(pd.NA, index=targets, columns=["ai_law"], dtype="boolean")
    europe = [c for c in targets if ref.loc[c, "un_region"] == "Europe"]
    wide.loc[europe[:2], "ai_law"] = [True, False]  # a false counts as coded, a missing cell does not
    share = overview.codings_coverage_by_region(wide, ["ai_law"])
    assert share.loc[("codings", "ai_law"), "Europe"] == round(2 / len(europe), 3)
    assert share.loc[("codings", "ai_law"), "Africa"] == 0.0
