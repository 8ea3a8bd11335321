"""The loaders behind the 51 ranking indicators (issue 13), on the real mirror: tidy shape,
coverage, no aggregates, and known values from each source's SOURCE.md or the raw file."""

from __future__ import annotations

import pandas as pd
import pytest

from sovai import registry
from sovai.countries import reference_table, unused_mapping_entries
from sovai.sources import (
    cloud_all,
    egov,
    epoch_autonomy,
    eto_cat,
    eto_stages,
    github,
    imf,
    itu,
    openalex,
    spi,
    top500,
    top500_panel,
    unpop,
    usgs_stages,
    wdi,
    wgi,
)

REF = set(reference_table().index)


def _check_tidy(df, indicators, min_countries):
    assert list(df.columns) == ["iso3", "year", "indicator", "value"]
    assert set(df["indicator"]) == set(indicators)
    assert set(df["iso3"]) <= REF
    assert not df.duplicated(["iso3", "year", "indicator"]).any()
    assert df["value"].notna().all()
    for ind in indicators:
        assert df.loc[df["indicator"] == ind, "iso3"].nunique() >= min_countries, ind


def _value(df, iso3, indicator, year):
    row = df[(df["iso3"] == iso3) & (df["indicator"] == indicator) & (df["year"] == year)]
    assert len(row) == 1, (iso3, indicator, year, len(row))
    return float(row["value"].iloc[0])


def test_imf_weo_gdp_includes_taiwan_in_us_dollars():
    pytest.importorskip("xlrd")
    df = imf.load()
    _check_tidy(df, ["imf_gdp_usd", "imf_gdp_ppp"], 190)
    # SOURCE.md, 2024 (billions): USA 29,298.0; CHN 18,749.8 / 38,209.5 PPP; TWN 797.0 / 1,874.2
    assert _value(df, "USA", "imf_gdp_usd", 2024) == pytest.approx(29_298.0e9, rel=1e-4)
    assert _value(df, "CHN", "imf_gdp_ppp", 2024) == pytest.approx(38_209.5e9, rel=1e-4)
    assert _value(df, "TWN", "imf_gdp_usd", 2024) == pytest.approx(797.0e9, rel=1e-3)
    assert _value(df, "TWN", "imf_gdp_ppp", 2024) == pytest.approx(1_874.2e9, rel=1e-3)
    assert "XKX" in set(df["iso3"]) and df["year"].min() == 1980 and df["year"].max() == 2030
    # "no data" is missing, not 0: Eritrea has no 2024 value
    assert df[(df["iso3"] == "ERI") & (df["year"] == 2024)].empty
    assert unused_mapping_entries("imf", imf.names()) == []


def test_un_wpp_population_in_persons():
    df = unpop.load()
    _check_tidy(df, ["un_population"], 195)
    # SOURCE.md, median (thousands): TWN 2024 23,214.0; XKX 1,684.8; USA 345,426.6
    assert _value(df, "TWN", "un_population", 2024) == pytest.approx(23_213_962, rel=1e-6)
    assert _value(df, "XKX", "un_population", 2024) == pytest.approx(1_684_800, rel=1e-3)
    assert _value(df, "USA", "un_population", 2024) == pytest.approx(345_426_600, rel=1e-5)
    assert df["year"].min() == 2024


def test_wgi_old_codes_are_mapped():
    df = wgi.load()
    _check_tidy(df, list(wgi.DIMENSIONS.values()), 195)
    latest = df[df["year"] == 2023]
    for iso3 in ("AND", "ROU", "COD", "TLS", "PSE", "XKX", "TWN"):  # ADO, ROM, ZAR, TMP, WBG, KSV
        assert iso3 in set(latest["iso3"]), iso3
    assert not {"ADO", "ROM", "ZAR", "KSV"} & set(df["iso3"])
    assert _value(df, "USA", "wgi_government_effectiveness", 2023) > 1.0
    assert _value(df, "COD", "wgi_rule_of_law", 2023) < -1.0
    assert df["value"].between(-3.5, 3.0).all()


def test_github_stocks_and_flows():
    df = github.load()
    _check_tidy(df, list(github.SERIES), 150)
    assert _value(df, "USA", "github_developers", 2024) > 2e7
    assert _value(df, "NAM", "github_developers", 2024) > 1_000  # Namibia's ISO2 "NA" kept
    # a flow needs all four quarters: 2025 stops at Q3
    assert df[(df["indicator"] == "github_git_pushes") & (df["year"] == 2025)].empty
    assert df["year"].min() == 2020


def test_openalex_counts():
    df = openalex.load()
    _check_tidy(df, ["openalex_ai_works", "openalex_ml_works"], 190)
    assert _value(df, "CHN", "openalex_ai_works", 2024) == 235_755  # SOURCE.md
    assert _value(df, "USA", "openalex_ai_works", 2024) == 106_414
    assert _value(df, "CHN", "openalex_ml_works", 2024) == 56_555


def test_eto_country_activity_tracker_drops_groups_and_incomplete_years():
    df = eto_cat.load()
    _check_tidy(df, list(eto_cat.SERIES), 60)
    assert _value(df, "USA", "eto_ai_investment", 2024) > _value(df, "CHN", "eto_ai_investment", 2024)
    assert _value(df, "CHN", "eto_ai_articles", 2024) > 100_000
    pat = df[df["indicator"] == "eto_ai_patent_applications"]
    assert pat["year"].max() == 2021  # 2022-2025 flagged incomplete by ETO
    assert df.loc[df["indicator"] == "eto_ai_articles", "year"].max() == 2024
    assert unused_mapping_entries("eto_cat", eto_cat.names()) == []
    # yearly totals of field "All" equal the summary file (SOURCE.md): articles, United States
    summary = pd.read_csv(registry.fetch(f"{eto_cat.FOLDER}/publications_summary.csv"))
    us = summary[(summary["country"] == "United States") & (summary["field"] == "All")]["num_articles"].iloc[0]
    raw = eto_cat._raw("publications_yearly_articles.csv")
    raw = raw[(raw["country"] == "United States") & (raw["field"] == "All")]
    assert raw["num_articles"].sum() == us


def test_egov_components():
    df = egov.load()
    _check_tidy(df, list(egov.INDICATORS), 190)
    assert set(df["year"]) == {2022, 2024}
    assert _value(df, "DNK", "egov_online_service", 2024) > 0.95
    assert "GEO" in set(df["iso3"]) and df["value"].between(0, 1).all()
    assert unused_mapping_entries("egov", egov.names()) == []


def test_itu_gci_and_idi():
    df = itu.load()
    _check_tidy(df, ["itu_gci", "itu_idi"], 165)
    # SOURCE.md: GCI 2024 UK 100, US 99.86; IDI 2024 Korea 94.4 (2023: 93.8)
    assert _value(df, "GBR", "itu_gci", 2024) == 100.0
    assert _value(df, "USA", "itu_gci", 2024) == pytest.approx(99.86, abs=0.01)
    assert _value(df, "KOR", "itu_idi", 2024) == 94.4 and _value(df, "KOR", "itu_idi", 2023) == 93.8
    assert {"CIV", "TUR"} <= set(df.loc[df["indicator"] == "itu_idi", "iso3"])  # hand-mapped rows


def test_spi_pillars():
    df = spi.load()
    _check_tidy(df, list(spi.PILLARS.values()), 170)
    assert _value(df, "NOR", "spi_data_services", 2019) == pytest.approx(92.2333, abs=1e-3)
    assert df["year"].max() == 2019


def test_usgs_stages():
    df = usgs_stages.load()
    _check_tidy(df, ["ai_mine_share", "ai_processing_share", "ai_reserves_share", "ai_minerals_breadth"], 20)
    # Chile holds 31 % of world lithium reserves (9.3 of 30 Mt) and 19 % of copper (190 of 980)
    res = usgs_stages.reserves_shares().set_index(["mineral", "iso3"])["share"]
    assert res[("lithium", "CHL")] == pytest.approx(31.0) and res[("copper", "CHL")] == pytest.approx(19.3878, abs=1e-3)
    assert _value(df, "CHN", "ai_mine_share", 2024) > _value(df, "USA", "ai_mine_share", 2024)
    assert _value(df, "CHN", "ai_processing_share", 2024) > 40
    assert df.loc[df["indicator"] == "ai_minerals_breadth", "value"].max() <= 11


def test_eto_stage_shares():
    df = eto_stages.load()
    _check_tidy(df, list(eto_stages.STAGES.values()), 5)
    totals = df.groupby("indicator")["value"].sum()
    assert (totals <= 100.0 + 1e-6).all() and (totals > 75).all()  # unattributed remainders not allocated
    assert _value(df, "USA", "chip_design_share", 2025) > 40
    assert _value(df, "NLD", "chip_fab_inputs_share", 2025) > 10  # lithography


def test_cloud_union_counts_each_region_once():
    regs = cloud_all.regions()
    assert not regs.duplicated(["source", "provider", "region", "iso3"]).any()
    assert not set(regs.loc[regs["source"] == "cloud2026", "provider"]) & {"Amazon Web Services", "Microsoft Azure"}
    df = cloud_all.load()
    _check_tidy(df, ["cloud_regions_all", "cloud_providers", "cloud_domestic_share_pct"], 35)
    assert _value(df, "JPN", "cloud_domestic_share_pct", 2025) == 0.0  # only foreign providers
    assert _value(df, "USA", "cloud_domestic_share_pct", 2025) > 80
    assert 0 < _value(df, "CHN", "cloud_domestic_share_pct", 2025) < 100
    assert _value(df, "DEU", "cloud_providers", 2025) >= 10


def test_wdi_autonomy_ratios():
    df = wdi.load_ratios()
    _check_tidy(df, list(wdi.RATIOS), 120)
    raw = wdi.load(["BX.GSR.ROYL.CD", "BM.GSR.ROYL.CD"])
    rec = _value(raw, "USA", "BX.GSR.ROYL.CD", 2023)
    pay = _value(raw, "USA", "BM.GSR.ROYL.CD", 2023)
    assert _value(df, "USA", "ip_royalty_receipts_share", 2023) == pytest.approx(100 * rec / (rec + pay))
    assert df["value"].between(0, 100).all()


def test_epoch_domestic_models():
    df = epoch_autonomy.load()
    _check_tidy(df, ["domestic_notable_models", "models_domestic_share_pct"], 20)
    dom = df[df["indicator"] == "domestic_notable_models"].groupby("iso3")["value"].sum()
    assert dom.idxmax() == "USA" and dom["CHN"] > dom.get("FRA", 0)
    share = df[df["indicator"] == "models_domestic_share_pct"]
    assert share["value"].between(0, 100).all()


def test_top500_panel_cache_equals_the_loader():
    pd.testing.assert_frame_equal(top500_panel.load(), top500.load())


def test_fast_xlsx_reader_matches_pandas(tmp_path):
    from openpyxl import Workbook

    from sovai.sources._xlsx import read_xlsx

    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["title row"])
    ws.append(["name", "code", 2024, "flag"])
    ws.append(["Namibia", "NA", 1.5, True])
    ws.append(["Côte d'Ivoire", None, 2, False])
    ws.append([None, "XKX", None, None])
    wb.create_sheet("Other").append(["x"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    got = read_xlsx(path, "Data", header=1)
    want = pd.read_excel(path, sheet_name="Data", header=1, keep_default_na=False, na_values=[""], engine="openpyxl")
    assert list(got.columns) == ["name", "code", 2024, "flag"] == list(want.columns)
    assert got["name"].tolist()[:2] == ["Namibia", "Côte d'Ivoire"] and pd.isna(got["name"].iloc[2])
    assert got["code"].iloc[0] == "NA" and pd.isna(got["code"].iloc[1])  # "NA" stays a string
    assert got["code"].tolist()[::2] == want["code"].tolist()[::2]
    assert got[2024].tolist()[:2] == [1.5, 2.0] and got["flag"].tolist()[:2] == [True, False]
    with pytest.raises(KeyError, match="Missing"):
        read_xlsx(path, "Missing")


@pytest.mark.parametrize(
    ("key", "kwargs"),
    [
        ("girai/GIRAI_2026_dataset.xlsx", {"sheet_name": "gmc_cse", "dtype": str}),
        ("girai/GIRAI_2024_dataset.xlsx", {"sheet_name": "Coefficients", "dtype": str}),
        ("top500/TOP500_202406.xlsx", {"sheet_name": 0}),
        ("world_bank_class/CLASS.xlsx", {"sheet_name": "List of economies", "dtype": str, "keep_default_na": False}),
    ],
    ids=["girai2026", "girai2024", "top500", "wb_class"],
)
def test_calamine_reads_the_frames_openpyxl_reads(key, kwargs):
    """The loaders read these workbooks with calamine (10-30x faster); the frames must not change."""
    from sovai import registry
    from sovai.sources._xlsx import read_excel

    path = registry.fetch(key)
    pd.testing.assert_frame_equal(read_excel(path, **kwargs), pd.read_excel(path, engine="openpyxl", **kwargs))
