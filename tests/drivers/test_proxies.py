"""Tests for sovai.drivers.proxies: declarations and builders, transforms, outcomes, real-data proxies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sovai import drivers as d


def test_instrument_outcomes_keep_uncoded_missing_and_drop_eu_ai_act():
    from sovai.categorical import instrument_variables

    inst = instrument_variables()
    cat = pd.DataFrame(pd.NA, index=pd.Index(["DEU", "USA", "TUV"], name="iso3"), columns=inst, dtype="boolean")
    cat.loc["DEU", ["ai_law", "public_compute"]] = True
    cat.loc["DEU", "national_llm"] = False
    cat.loc["USA", ["ai_law"]] = False
    cat.loc["USA", ["public_compute", "chip_programme"]] = True
    cat["national_ai_strategy"] = pd.array([True, True, pd.NA], dtype="boolean")
    out = d.instrument_outcomes(cat)
    assert out.loc["DEU", ["instruments_adopted", "instruments_coded"]].tolist() == [2.0, 3.0]
    assert out.loc["DEU", ["instruments_adopted_ex_eu", "instruments_coded_ex_eu"]].tolist() == [1.0, 2.0]
    assert out.loc["USA", ["instruments_adopted", "instruments_coded"]].tolist() == [2.0, 3.0]
    assert out.loc["USA", "instruments_coded_ex_eu"] == 3.0  # not an EU member: its ai_law counts
    assert out.loc["TUV", ["instruments_adopted", "instruments_coded"]].isna().all()  # nothing coded: missing, not 0
    assert out.loc["DEU", "documentation_depth"] == 1.0 and out.loc["TUV", "documentation_depth"] == 0.0


def test_proxy_declarations_are_checked(tmp_path):
    good = d.read_proxies()
    assert set(good) == set(d.PROXIES) and good["unga_alignment"].driver == "security"
    bad = tmp_path / "proxies.csv"
    from sovai import paths

    rows = (paths.STACK_DIR / "proxies.csv").read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace(",wdi,", ",made_up,", 1)
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match="line 4: builder 'made_up'"):
        d.read_proxies(bad)


def test_every_declared_builder_exists_and_every_builder_is_declared():
    declared = d.read_proxies()
    assert {p.builder for p in declared.values()} == set(d.PROXY_BUILDERS)
    assert {p.transform for p in declared.values()} <= set(d.PROXY_TRANSFORMS)
    d.check_builders(declared)
    assert d.PROXIES is d.declared_proxies()  # the public name, read once
    without_cldr = {k: p for k, p in declared.items() if p.builder != "cldr"}
    with pytest.raises(d.DriverModelError, match=r"no proxy uses \['cldr'\]"):
        d.check_builders(without_cldr)
    made_up = {**declared, "x": d.Proxy("x", "economic", "x", "src", "X", "none", builder="made_up")}
    with pytest.raises(d.DriverModelError, match=r"unknown builder\(s\) \['made_up'\]"):
        d.check_builders(made_up)


def test_builder_lookup_builds_each_proxy_from_its_declared_function(monkeypatch):
    from sovai.countries import target_countries

    calls = []

    def fake(proxy, year, window, targets):
        calls.append((proxy.name, year, window))
        return pd.DataFrame({"value": [4.0, -1.0], "year": [2022.0, 2021.0]}, index=targets[:2])

    d._proxy_values.cache_clear()
    monkeypatch.setitem(d.PROXY_BUILDERS, "owid_internet", fake)
    try:
        values = d._proxy_values("internet_users", 2023, 5)
    finally:
        d._proxy_values.cache_clear()
    assert calls == [("internet_users", 2023, 5)]
    targets = target_countries()
    assert list(values.index) == list(targets) and values.index.name == "iso3"
    assert values["value"].iloc[:2].tolist() == [4.0, -1.0] and values["value"].iloc[2:].isna().all()
    assert values["year"].iloc[0] == 2022 and (values["filled_by"] == "").all()


def test_transforms():
    s = pd.Series([np.e, 0.0, np.nan])
    assert d.PROXY_TRANSFORMS["log"](s).iloc[0] == pytest.approx(1.0)
    assert d.PROXY_TRANSFORMS["log"](s).iloc[1:].isna().all()  # log of 0: missing, not -inf
    assert d.PROXY_TRANSFORMS["one_minus"](s).iloc[1] == 1.0
    assert d.PROXY_TRANSFORMS["census_zero"](s).tolist() == [np.e, 0.0, 0.0]


def test_driver_proxies_documented(real):
    tab = d.driver_proxies()
    assert set(tab["proxy"]) == set(d.PROXIES)
    assert tab["source"].str.len().gt(0).all() and tab["cannot_show"].str.len().gt(0).all()
    assert tab.set_index("proxy").loc["chip_share", "note"] == "NON-COMMERCIAL licence"
    assert set(d.DEFAULT_COVARIATES) <= set(real.columns)
    assert real.loc["USA", "nato"] == 1.0
    # trade openness falls back to merchandise trade where the national accounts lack it
    assert tab.set_index("proxy").loc["trade_openness", "n_fallback"] > 0


def test_alignment_sign_is_the_one_the_header_states(real):
    from sovai.sources import unga

    assert "positive = closer to the US" in d.PROXIES["unga_alignment"].label
    assert real.loc["USA", "unga_alignment"] > 0 > real.loc["CHN", "unga_alignment"]
    assert real.loc["GBR", "unga_alignment"] > 0 > real.loc["RUS", "unga_alignment"]
    year = int(d._proxy_values("unga_alignment", d.DEFAULT_YEAR, d.DEFAULT_WINDOW).loc["USA", "year"])
    assert real.loc["FRA", "unga_alignment"] == pytest.approx(unga.alignment(year).loc["FRA"])
    assert unga.ALIGNMENT_SIGN.startswith("positive = closer to the US")
    assert not hasattr(d, "ALIGNMENT_SIGN")  # one home for the sign: sovai.sources.unga


def test_series_proxies_take_the_rankings_window_rule():
    """Drivers read WDI series with ``panel.select_values`` (latest value in (year - window, year])."""
    from sovai.panel import select_values
    from sovai.sources import wdi

    rows = wdi.load(["MS.MIL.XPND.GD.ZS"])
    values, years, _, _ = select_values(rows, year=2023, window=(2019, 2023), timing="annual")
    got = d._proxy_values("military_expenditure", 2023, 5)
    shared = values.index.intersection(got.index)
    assert len(shared) > 100
    np.testing.assert_array_equal(got.loc[shared, "value"].to_numpy(), values.loc[shared].astype(float).to_numpy())
    assert (got.loc[shared, "year"].astype(float).to_numpy() == years.loc[shared].astype(float).to_numpy()).all()


def test_main_language_script_from_cldr_entries():
    from sovai.sources.languages import main_language_script

    official = {"official_status": "official"}
    assert (
        main_language_script(
            {"hi": {**official, "population_percent": 41.0}, "en": {**official, "population_percent": 19.0}}
        )
        == "Deva"
    )
    assert main_language_script({"sr_Latn": {**official, "population_percent": 90.0}}) == "Latn"
    assert main_language_script({"fr": {"official_status": None, "population_percent": 90.0}}) is None
