"""Loaders for the chokepoint sources (ETO, Epoch, USGS), on the real mirror and on tiny frames."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai.countries import reference_table  # noqa: E402
from sovai.sources import epoch, eto, usgs  # noqa: E402
from sovai.sources._common import TIDY_COLUMNS  # noqa: E402


def _no_aggregates(codes: pd.Series) -> None:
    codes = codes.dropna()
    bad = sorted(set(codes) - set(reference_table().index))
    assert not bad, f"codes outside the reference table: {bad}"


# --- ETO ----------------------------------------------------------------------------------------


def test_parse_market_size():
    assert eto.parse_market_size("$574.1 billion (2022)") == pytest.approx(574.1e9)
    assert eto.parse_market_size("$44 million (2022)") == pytest.approx(44e6)
    assert eto.parse_market_size("$3.3 billion (all photoresists)") == pytest.approx(3.3e9)
    assert eto.parse_market_size(None) is None
    assert eto.parse_market_size("n/a") is None


def test_eto_inputs_and_providers():
    inputs = eto.load_inputs()
    assert {"S1", "S2", "S3", "N20", "N6"} <= set(inputs["input_id"])
    assert inputs["input_id"].is_unique
    euv = inputs.set_index("input_id").loc["N20"]
    assert euv["parent_id"] == "N19" and euv["stage"] == "Fabrication"
    assert euv["market_size_usd"] == pytest.approx(13e9)
    prov = eto.load_providers()
    assert prov["provider_id"].is_unique  # firm aliases collapsed
    countries = prov[prov["provider_type"] == "country"]
    assert len(countries) == 23
    assert countries.set_index("provider_name").loc[["Various countries", "EUR"], "iso3"].isna().all()
    _no_aggregates(prov["iso3"])


def test_eto_country_shares_real():
    shares = eto.country_shares()
    assert {"USA", "CHN", "JPN", "TWN", "NLD"} <= set(shares["iso3"].dropna())
    euv = shares[shares["input_id"] == "N20"]
    assert euv[["iso3", "share"]].values.tolist() == [["NLD", 100.0]]
    assert shares["iso3"].isna().any()  # unattributed residual kept, not dropped
    _no_aggregates(shares["iso3"])


def test_eto_share_check_reports_off_totals():
    check = eto.share_check().set_index("input_id")
    assert check.loc["N84", "status"] == "rounding"  # EDA software sums to 102
    assert check.loc["N84", "total_share"] == pytest.approx(102.0)
    assert check.loc["N1", "status"] == "no_shares"  # CPUs: countries listed without shares
    assert check.loc["N20", "status"] == "ok"
    assert check.loc["N33", "n_without_share"] == 2  # photomasks: CHN, KOR listed without share


def test_share_check_tiny_frame():
    frame = pd.DataFrame(
        {
            "input_id": ["A", "A", "B", "B", "C", "D"],
            "input_name": ["a", "a", "b", "b", "c", "d"],
            "iso3": ["USA", None, "USA", "CHN", "JPN", "KOR"],
            "share": [60.0, 40.0, 70.0, 20.0, None, 103.0],
        }
    )
    out = eto.share_check(frame).set_index("input_id")
    assert out["status"].to_dict() == {"A": "ok", "B": "under", "C": "no_shares", "D": "over"}
    assert out.loc["A", "unattributed_share"] == 40.0
    assert out.loc["B", "deviation"] == pytest.approx(-10.0)


def test_eto_chip_supply_chain_share_tidy():
    df = eto.load()
    assert list(df.columns) == TIDY_COLUMNS
    assert set(df["indicator"]) == {"chip_supply_chain_share"}
    top = df.sort_values("value", ascending=False)["iso3"].iloc[0]
    assert top == "USA"
    assert {"CHN", "TWN", "KOR", "JPN"} <= set(df["iso3"])
    assert 80 < df["value"].sum() <= 100.5  # unattributed residuals (Europe, various) not allocated
    seg = eto.weighting_segments()
    assert seg["weight"].sum() == pytest.approx(1.0)
    ids = set(seg["input_id"])
    parents = eto.load_inputs().set_index("input_id")["parent_id"]
    assert not any(parents.get(i) in ids for i in ids), "a parent and its child both weighted"
    with pytest.raises(ValueError, match="weighting"):
        eto.load(weighting="bogus")


# --- Epoch --------------------------------------------------------------------------------------


def test_epoch_models_split_and_attribution():
    long = epoch.load_models("notable")
    assert {"USA", "CHN", "GBR"} <= set(long["iso3"].dropna())
    assert not long["country"].str.contains(",").any()
    assert not long.duplicated(["model", "publication_date", "organization", "country"]).any()
    _no_aggregates(long["iso3"])
    full = epoch.model_counts("notable", attribution="full")
    frac = epoch.model_counts("notable", attribution="fractional")
    rep = epoch.model_attribution_report("notable")
    assert rep["models"] == 965 and rep["models_without_country"] == 18
    # fractional counts add up to the models with a known country, minus Multinational parts
    assert frac["count"].sum() <= 965 - 18
    assert full["count"].sum() > frac["count"].sum()
    with pytest.raises(ValueError, match="attribution"):
        epoch.model_counts("notable", attribution="half")
    with pytest.raises(ValueError, match="kind"):
        epoch.load_models("tiny")


def test_epoch_model_counts_tidy():
    df = epoch.load_model_counts()
    assert list(df.columns) == TIDY_COLUMNS
    assert set(df["indicator"]) == {"notable_models", "large_scale_models", "frontier_models"}
    totals = df.groupby(["indicator", "iso3"])["value"].sum()
    assert totals.loc[("large_scale_models", "USA")] > totals.loc[("large_scale_models", "GBR")]
    assert totals.loc[("notable_models", "CHN")] > 100
    _no_aggregates(df["iso3"])


def test_epoch_gpu_clusters_filtered():
    cl = epoch.load_gpu_clusters()
    assert set(cl["status"]) == {"Existing"}
    assert not cl["possible_duplicate"].any()
    assert 400 < len(cl) < 609  # 609 existing before duplicates/superseded phases are dropped
    kept = set(cl["name"])
    assert not cl["superseded_by"].isin(kept).fillna(False).any()
    cap = epoch.load_gpu_capacity().set_index("iso3")["value"]
    assert cap.idxmax() == "USA" and "CHN" in cap.index
    assert "ARE" not in cap.index or cap["ARE"] < 1e6  # planned UAE projects excluded
    _no_aggregates(pd.Series(cap.index))


def test_epoch_ml_hardware_hq():
    hw = epoch.load_ml_hardware()
    assert len(hw) == 170
    named = hw["manufacturer"].notna()
    assert hw.loc[named, "manufacturer_iso3"].notna().all()  # Epoch leaves one chip (GroqChip) without manufacturer
    assert set(hw.loc[hw["manufacturer"] == "Huawei", "manufacturer_iso3"]) == {"CHN"}
    assert hw.loc[hw["foundry"] == "TSMC", "foundry_iso3"].eq("TWN").all()


# --- USGS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Brazil (beneficiated)", ("Brazil", "beneficiated", "country")),
        ("Congo (Kinshasa)", ("Congo (Kinshasa)", None, "country")),
        ("United\xa0States (kyanite)", ("United States", "kyanite", "country")),
        ("World total (rounded)", ("World total (rounded)", None, "world")),
        ("Other countries (rounded)", ("Other countries (rounded)", None, "other")),
        ("Canada ", ("Canada", None, "country")),
    ],
)
def test_usgs_clean_country(raw, expected):
    assert usgs.clean_country(raw) == expected


def test_usgs_world_data_real():
    data = usgs.load_world_data()
    assert len(data) == 1250
    countries = data[data["row_kind"] == "country"]
    assert countries["iso3"].notna().all()
    _no_aggregates(countries["iso3"])
    assert data.loc[data["country_raw"] == "Congo (Kinshasa)", "iso3"].eq("COD").all()
    assert "Germanium" in set(data["commodity"])  # USGS typo 'Gemanium' fixed


def test_usgs_shares_and_indicator():
    shares = usgs.production_shares()
    ga = shares[shares["mineral"] == "gallium"].set_index("iso3")
    assert ga.loc["CHN", "share"] == pytest.approx(100 * 750000 / 760000)
    assert pd.isna(ga.loc["USA", "share"])  # withheld, not zero
    check = usgs.share_check().set_index("series")
    assert check.loc["germanium (refinery production)", "status"] == "no_shares"  # no world total
    assert check.drop(index="germanium (refinery production)")["status"].isin(["ok", "rounding"]).all()
    ind = usgs.load()
    assert list(ind.columns) == TIDY_COLUMNS
    vals = ind.set_index("iso3")["value"]
    assert vals.idxmax() == "CHN" and "USA" in vals.index
    _no_aggregates(ind["iso3"])
    with pytest.raises(ValueError, match="minerals"):
        usgs.production_shares(minerals=["unobtainium"])
    with pytest.raises(ValueError, match="year"):
        usgs.production_shares(year=2020)


def test_usgs_stack_series_add_indium_without_moving_the_ranking_indicator():
    from sovai.sources import usgs

    base = usgs.production_shares()
    extra = usgs.production_shares(stack_series=True)
    assert "indium" not in set(base["mineral"]) and "indium" in set(extra["mineral"])
    ind = extra[extra["mineral"] == "indium"].set_index("iso3")
    assert ind.loc["CHN", "share"] > 60 and pd.isna(ind.loc["USA", "share"])  # US value withheld, not 0
    assert "indium" not in set(usgs.ai_minerals_share().columns)
    assert set(usgs.production_shares(minerals=["gallium"], stack_series=True)["mineral"]) == {"gallium"}
