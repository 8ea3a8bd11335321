"""Natural Earth country polygons: a clean, unique iso3 column with the quirks handled."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai.sources.natural_earth import load_countries  # noqa: E402


@pytest.fixture(scope="module")
def world():
    return load_countries("50m")


def test_iso3_unique_and_typed(world):
    coded = world["iso3"].dropna()
    assert coded.is_unique
    assert str(world["iso3"].dtype) == "string"
    assert world.crs.to_epsg() == 4326
    assert {"iso3", "name", "adm0_a3", "kind", "label_x", "label_y", "geometry"} <= set(world.columns)


def test_quirks_france_norway_kosovo(world):
    codes = set(world["iso3"].dropna())
    assert {"FRA", "NOR", "XKX"} <= codes  # ISO_A3 is -99 for all three in the raw file
    assert "KOS" not in codes and "-99" not in codes
    assert world.loc[world["iso3"] == "XKX", "adm0_a3"].item() == "KOS"


def test_separate_economies_and_small_states(world):
    codes = set(world["iso3"].dropna())
    assert {"TWN", "HKG", "MAC", "SGP", "BHR", "MLT", "MCO", "TUV"} <= codes


def test_every_target_country_has_a_geometry(world):
    from sovai.countries import target_countries

    missing = sorted(set(target_countries()) - set(world["iso3"].dropna()))
    assert missing == []


def test_duplicates_dissolved_and_disputed_de_jure(world):
    aus = world[world["iso3"] == "AUS"]
    assert len(aus) == 1 and set(aus["merged_from"].item().split(";")) == {"ATC", "IOA"}
    assert world.loc[world["iso3"] == "SOM", "merged_from"].item() == "SOL"
    assert world.loc[world["iso3"] == "CYP", "merged_from"].item() == "CYN"
    no_code = world[world["iso3"].isna()]
    assert no_code["adm0_a3"].tolist() == ["KAS"]  # Siachen Glacier: not an economy


def test_de_facto_keeps_somaliland_and_n_cyprus_without_code():
    df = load_countries("50m", disputed="de_facto")
    no_code = set(df.loc[df["iso3"].isna(), "adm0_a3"])
    assert no_code == {"KAS", "SOL", "CYN"}


def test_110m_and_errors():
    small = load_countries("110m")
    assert small["iso3"].dropna().is_unique and "SGP" not in set(small["iso3"].dropna())
    with pytest.raises(ValueError, match="parameter 'scale'"):
        load_countries("10m")
    with pytest.raises(ValueError, match="parameter 'disputed'"):
        load_countries("50m", disputed="claims")


def test_returns_a_copy(world):
    world.loc[world.index[0], "iso3"] = "ZZZ"
    fresh = load_countries("50m")
    assert "ZZZ" not in set(fresh["iso3"].dropna())
