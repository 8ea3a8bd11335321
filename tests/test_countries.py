"""Country reference table, memberships and name → ISO3 harmonisation."""

import json

import pandas as pd
import pytest

from sovai import countries
from sovai.countries import harmonise, members, reference_table, resolve_countries, target_countries, to_iso3
from sovai.errors import UnknownCountryError


def test_reference_table_has_every_iso_economy_plus_kosovo():
    ref = reference_table()
    assert len(ref) == 250 and ref.index.is_unique
    assert {"USA", "CHN", "XKX", "TWN", "HKG", "MAC", "NAM"} <= set(ref.index)
    assert ref.loc["NAM", "iso2"] == "NA"  # not read as missing
    assert ref.loc["DEU", "un_region"] == "Europe" and ref.loc["DEU", "wb_income"] == "High income"
    assert ref.loc["IND", "wb_region"] == "South Asia"


def test_target_countries_are_un_members_plus_taiwan_and_kosovo():
    targets = target_countries()
    assert len(targets) == 195
    assert {"TWN", "XKX", "USA", "SSD"} <= set(targets)
    assert not {"VAT", "PSE", "HKG", "ESH"} & set(targets)


def test_memberships_have_sources_and_known_sizes():
    mem = countries.memberships()
    assert (mem["source_url"].str.startswith("http")).all()
    expected = {"EU": 27, "G7": 7, "NATO": 32, "OECD": 38, "GCC": 6, "QUAD": 4, "G20": 19, "AU": 55}
    for group, n in expected.items():
        assert len(members(group)) == n, group
    assert "GBR" not in members("EU")  # left 2020
    assert {"EGY", "ETH", "IRN", "ARE", "IDN"} <= set(members("BRICS"))  # 2024-25 enlargement
    assert reference_table().loc["FIN", "in_NATO"]


@pytest.mark.parametrize(
    "name,iso3",
    [
        ("Korea (Republic of)", "KOR"),
        ("Korea, Rep.", "KOR"),
        ("United States of America", "USA"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("Cote D'Ivoire", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Türkiye", "TUR"),
        ("China (People’s Republic of)", "CHN"),
        ("Congo (DRC)", "COD"),
        ("Congo, Rep.", "COG"),
        ("Hong Kong SAR, China", "HKG"),
        ("Taiwan", "TWN"),
        ("Kosovo", "XKX"),
        ("Netherlands (Kingdom of the)", "NLD"),
        ("Lao PDR", "LAO"),
        ("Iran, Islamic Rep.", "IRN"),
        ("  russia ", "RUS"),
        ("DEU", "DEU"),
    ],
)
def test_to_iso3_resolves_common_variants(name, iso3):
    assert to_iso3(name) == [iso3]


def test_to_iso3_raises_listing_every_unknown_name():
    with pytest.raises(UnknownCountryError, match=r"2 unresolved.*'Atlantis'.*'Narnia'"):
        to_iso3(["France", "Narnia", "Atlantis"])


def test_source_mapping_marks_aggregates(tmp_path, monkeypatch):
    (tmp_path / "demo.countries.json").write_text(json.dumps({"World": None, "Kingdom of Fife": "GBR"}))
    monkeypatch.setattr(countries.paths, "COUNTRIES_DIR", tmp_path)
    countries.source_mapping.cache_clear()
    try:
        assert to_iso3(["World", "Kingdom of Fife", "Chile"], source="demo") == [None, "GBR", "CHL"]
        assert to_iso3(["World", "Chile"], source="demo", drop_aggregates=True) == ["CHL"]
        assert countries.unused_mapping_entries("demo", ["World"]) == ["Kingdom of Fife"]
        frame = pd.DataFrame({"name": ["World", "Chile", "Kingdom of Fife"], "v": [1, 2, 3]})
        out = harmonise(frame, "name", source="demo")
        assert out["iso3"].tolist() == ["CHL", "GBR"]
    finally:
        countries.source_mapping.cache_clear()


def test_resolve_countries_groups_and_errors():
    assert resolve_countries("G7") == sorted(["CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"])
    assert len(resolve_countries(None)) == 195
    assert resolve_countries(["France", "EU"])[:2] == ["AUT", "BEL"]
    with pytest.raises(ValueError, match="parameter 'countries'.*Narnia"):
        resolve_countries(["Narnia"])
    with pytest.raises(ValueError, match="unknown group"):
        members("G99")


def test_source_mapping_files_cover_every_spelling_and_have_no_stale_entries():
    from sovai.sources import names_by_source

    for source, names in names_by_source().items():
        mapping = countries.source_mapping(source)
        assert set(names) <= set(mapping), f"{source}: unmapped {sorted(set(names) - set(mapping))}"
        assert countries.unused_mapping_entries(source, names) == [], source
        resolved = to_iso3(names, source=source)
        assert all(c is None or c in reference_table().index for c in resolved)


def test_unknown_spelling_in_a_source_fails_loudly():
    with pytest.raises(UnknownCountryError, match="source 'microsoft'.*Freedonia"):
        to_iso3(["Freedonia"], source="microsoft")
