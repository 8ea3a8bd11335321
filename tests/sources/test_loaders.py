"""Every loader of the indicator and stack sources on the real mirror: rows, key countries, no aggregates."""

import pandas as pd
import pytest

from sovai.countries import reference_table
from sovai.errors import InputFileError
from sovai.sources import _common, ai_index, cloud, languages, microsoft, network, oecd_ai, owid, unga, wdi
from sovai.sources.catalog import coverage, licences

REF = set(reference_table().index)
AGGREGATES = {"WLD", "EUU", "HIC", "LMC", "OWID_WRL", "EAS", "ARB", "OED"}


def _check_tidy(df, indicators, min_countries):
    assert list(df.columns) == ["iso3", "year", "indicator", "value"]
    assert set(indicators) <= set(df["indicator"])
    assert set(df["iso3"]) <= REF and not set(df["iso3"]) & AGGREGATES
    assert not df.duplicated(["iso3", "year", "indicator"]).any()
    assert df["value"].notna().all()
    for ind in indicators:
        assert df.loc[df["indicator"] == ind, "iso3"].nunique() >= min_countries, ind


def _value(df, iso3, indicator, year):
    row = df[(df.iso3 == iso3) & (df.indicator == indicator) & (df.year == year)]
    assert len(row) == 1, (iso3, indicator, year)
    return float(row["value"].iloc[0])


def test_wdi():
    df = wdi.load(["NY.GDP.MKTP.CD", "SP.POP.TOTL"])
    _check_tidy(df, ["NY.GDP.MKTP.CD", "SP.POP.TOTL"], 190)
    assert _value(df, "USA", "NY.GDP.MKTP.CD", 2024) > 2.5e13
    assert _value(df, "CHN", "SP.POP.TOTL", 2024) > 1.3e9
    assert "XKX" in set(df["iso3"])
    assert len(wdi.available()) == 40 and wdi.units()["SP.POP.TOTL"] == "Population, total"
    with pytest.raises(KeyError, match="not pinned"):
        wdi.load("XX.NOPE")


def test_owid_loaders():
    el = owid.load_electricity()
    _check_tidy(el, ["electricity_generation_twh", "electricity_per_capita_kwh", "low_carbon_share_pct"], 180)
    assert _value(el, "CHN", "electricity_generation_twh", 2023) > _value(el, "USA", "electricity_generation_twh", 2023)
    assert 0 <= el.loc[el.indicator == "low_carbon_share_pct", "value"].max() <= 100.5
    _check_tidy(owid.load_internet_users(), ["internet_users_pct"], 185)
    reg = owid.load_political_regime()
    _check_tidy(reg, ["regime_row"], 170)
    assert set(reg["value"].unique()) <= {0, 1, 2, 3}
    pubs = owid.load_ai_publications()
    _check_tidy(pubs, ["ai_publications"], 180)
    assert _value(pubs, "CHN", "ai_publications", 2023) > _value(pubs, "USA", "ai_publications", 2023)
    with pytest.raises(ValueError, match="vintage"):
        owid.load_ai_publications("1999")


def test_microsoft_diffusion_mac_roman():
    df = microsoft.load()
    _check_tidy(df, ["ai_diffusion_pct"], 140)
    wide = microsoft.load_wide()
    assert len(wide) == 147 and "TUR" in set(wide["iso3"]) and "CIV" in set(wide["iso3"])
    assert wide.set_index("iso3").loc["ARE", "2025H1"] == pytest.approx(59.4)


def test_unga_ideal_points_and_alignment():
    df = unga.load()
    _check_tidy(df, ["unga_idealpoint_fp", "unga_idealpoint_all"], 185)
    al = unga.alignment(2024)
    assert al["USA"] > 0 > al["CHN"]
    assert al["GBR"] > al["RUS"]


def test_network_ixps_and_cables():
    ixp = network.load_ixps()
    _check_tidy(ixp, ["ixp_count"], 150)
    assert _value(ixp, "USA", "ixp_count", 2026) == 237  # SOURCE.md: US 237 distinct IXPs
    cab = network.load_submarine_cables()
    _check_tidy(cab, ["submarine_cables", "landing_points"], 140)
    assert _value(cab, "USA", "submarine_cables", 2022) == 72  # SOURCE.md: 72 not planned
    assert "HKG" not in set(cab["iso3"])  # TeleGeography counts Hong Kong under China


def test_cloud_regions():
    regions = cloud.load_regions()
    assert len(regions) == 357 and regions["iso3"].nunique() == 47
    assert regions["provider_home_iso3"].isin(["USA", "CHN"]).all()
    df = cloud.load()
    _check_tidy(df, ["cloud_regions"], 40)
    assert _value(df, "USA", "cloud_regions", 2025) > _value(df, "DEU", "cloud_regions", 2025)
    assert _value(df, "USA", "cloud_regions_foreign_share", 2025) < 0.2  # a few Chinese-run regions in the US
    assert _value(df, "DEU", "cloud_regions_foreign_share", 2025) == 1  # no German hyperscaler in the feed


def test_cloud_cue_parser_errors_name_file():
    with pytest.raises(InputFileError, match="demo.cue"):
        cloud.parse_cue("a: {\n b: \n", "demo.cue")


def test_oecd_ai_and_ai_index():
    df = oecd_ai.load()
    _check_tidy(df, ["ai_policy_initiatives"], 60)
    init = oecd_ai.load_initiatives()
    assert "EUU" in set(init["iso3"]) and len(init) >= 2200
    ai = ai_index.load()
    _check_tidy(ai, ["ai_bills_cumulative"], 20)


def test_languages_cldr():
    df = languages.load()
    _check_tidy(df, ["english_official", "english_speakers_share"], 140)
    assert _value(df, "USA", "english_official", 2025) == 1 and _value(df, "FRA", "english_official", 2025) == 0
    assert languages.official_languages("CHE") == ["de", "fr", "it", "rm"] or "de" in languages.official_languages(
        "CHE"
    )


def test_catalogue_coverage_and_licences():
    lic = licences()
    assert lic.loc[lic.source == "eto_chip_explorer", "non_commercial"].item()
    summary, missing = coverage()
    assert summary["countries_any_year"].max() <= 195
    assert {"source", "indicator", "iso3", "country"} == set(missing.columns)


# --- bad input for the shared reader ----------------------------------------------------------


def test_read_csv_wrong_encoding_names_file(tmp_path):
    p = tmp_path / "latin1.csv"
    p.write_bytes("name,value\nT\xfcrkiye,1\n".encode("latin-1"))
    with pytest.raises(InputFileError, match=r"latin1.csv.*cannot be decoded as utf-8"):
        _common.read_csv(p)


def test_read_csv_empty_file(tmp_path):
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty.csv: file is empty"):
        _common.read_csv(p)


def test_read_csv_missing_column_names_file_and_column(tmp_path):
    p = tmp_path / "cols.csv"
    p.write_text("Country Code,Year\nUSA,2020\n")
    with pytest.raises(InputFileError, match=r"cols.csv, column 'Value': missing expected column"):
        _common.read_csv(p, required=["Country Code", "Year", "Value"])


def test_tidy_drops_missing_values():
    df = pd.DataFrame({"iso3": ["USA", "CHN"], "year": [2020, 2020], "v": [1.0, None]})
    out = _common.tidy(df, indicator="x", value="v")
    assert out["iso3"].tolist() == ["USA"] and str(out["value"].dtype) == "Float64"


def test_unga_serbia_recoded_from_yug():
    df = unga.load()
    srb = df[(df.iso3 == "SRB") & (df.indicator == "unga_idealpoint_fp")]
    assert srb["year"].min() == 2006 and 2024 in set(srb["year"])
    assert "YUG" not in set(df["iso3"])
