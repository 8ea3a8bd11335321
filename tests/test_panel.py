"""The country × indicator panel (its framework files are tested in ``test_framework.py``)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sovai import framework
from sovai import panel as P


def test_thin_layers_lists_layers_with_too_few_indicators():
    ind = framework.load_indicators()
    assert P.thin_layers(minimum=4) == []
    assert P.thin_layers(ind[ind["layer"] != "energy"]) == ["energy"]


# ---------------------------------------------------------------------------------------------
# value selection (toy frames)
# ---------------------------------------------------------------------------------------------

ROWS = pd.DataFrame(
    {
        "iso3": ["AAA", "AAA", "AAA", "AAA", "BBB", "BBB", "CCC"],
        "year": [2015.0, 2018.0, 2021.0, 2025.0, 2017.0, 2020.0, 2026.0],
        "value": [1.0, 2.0, 3.0, 9.0, 5.0, 6.0, 7.0],
    }
)


def test_annual_takes_latest_in_window_at_or_before_year():
    v, y, fb, fby = P.select_values(ROWS, year=2024, window=(2019, 2025), timing="annual")
    assert v.to_dict() == {"AAA": 3.0, "BBB": 6.0}
    assert y.to_dict() == {"AAA": 2021.0, "BBB": 2020.0}
    assert fb.to_dict() == {"AAA": 2.0, "BBB": 5.0}  # latest before the window, for LOCF
    assert fby.to_dict() == {"AAA": 2018.0, "BBB": 2017.0}
    v, *_ = P.select_values(ROWS, year=2025, window=(2019, 2025), timing="annual")
    assert v["AAA"] == 9.0


def test_cumulative_sums_the_window_up_to_year():
    v, y, *_ = P.select_values(ROWS, year=2024, window=(2019, 2025), timing="cumulative")
    assert v.to_dict() == {"AAA": 3.0, "BBB": 6.0}
    assert set(y) == {2024.0}
    v, *_ = P.select_values(ROWS, year=2025, window=(2015, 2025), timing="cumulative")
    assert v["AAA"] == 15.0


def test_annual_or_first_uses_the_first_edition_only_before_the_series_starts():
    rows = ROWS[ROWS["iso3"] != "AAA"]  # BBB 2017, 2020; CCC 2026
    # the series has values at or before 2020: the plain annual rule (CCC has none yet)
    v, y, *_ = P.select_values(rows, year=2020, window=(2019, 2025), timing="annual_or_first")
    assert v.to_dict() == {"BBB": 6.0} and y.to_dict() == {"BBB": 2020.0}
    # nothing at or before 2016 (window 2016-2025): each country's earliest value from 2016 on
    v, y, *_ = P.select_values(rows, year=2016, window=(2016, 2025), timing="annual_or_first")
    assert v.to_dict() == {"BBB": 5.0, "CCC": 7.0} and y.to_dict() == {"BBB": 2017.0, "CCC": 2026.0}


def test_snapshot_falls_back_to_the_only_edition():
    rows = ROWS[ROWS["iso3"] == "CCC"]
    v, y, *_ = P.select_values(rows, year=2024, window=(2019, 2025), timing="snapshot")
    assert v.to_dict() == {"CCC": 7.0} and y.to_dict() == {"CCC": 2026.0}


def _pandas_select(rows, *, year, window, timing):
    """The pandas sort-and-group form that :func:`sovai.panel.select_values` replaced (reference)."""
    lo, hi = window
    end = min(hi, year)
    r = rows[["iso3", "year", "value"]].dropna()
    empty = pd.Series(dtype=float)

    def last_of(frame, head=False):
        g = frame.sort_values(["iso3", "year"]).groupby("iso3")
        return (g.head(1) if head else g.tail(1)).set_index("iso3")

    if timing == "annual_or_first":
        if not (r["year"] <= end).any():
            later = last_of(r[r["year"] >= lo], head=True)
            return later["value"], later["year"], empty, empty
        timing = "annual"
    if timing == "annual":
        last = last_of(r[(r["year"] >= lo) & (r["year"] <= end)])
        before = last_of(r[r["year"] < lo])
        return last["value"], last["year"], before["value"], before["year"]
    if timing == "cumulative":
        total = r[(r["year"] >= lo) & (r["year"] <= end)].groupby("iso3")["value"].sum()
        return total, pd.Series(float(end), index=total.index), empty, empty
    inw = r[(r["year"] >= lo) & (r["year"] <= hi)]
    last = last_of(inw if not inw.empty else r)
    return last["value"], last["year"], empty, empty


@pytest.mark.parametrize("timing", ["annual", "annual_or_first", "cumulative", "snapshot"])
@pytest.mark.parametrize(
    "window, year", [((2019, 2025), 2024), ((2019, 2025), 2025), ((2030, 2031), 2030), ((1990, 1995), 1990)]
)
def test_selection_equals_the_pandas_form(timing, window, year):
    rows = pd.concat([ROWS, ROWS.iloc[::-1].assign(iso3=lambda d: d["iso3"] + "X")], ignore_index=True)
    got = P.select_values(rows, year=year, window=window, timing=timing)
    want = _pandas_select(rows, year=year, window=window, timing=timing)
    for g, w in zip(got, want):
        pd.testing.assert_series_equal(g, w, check_index_type=True)


# ---------------------------------------------------------------------------------------------
# bad input (no data needed)
# ---------------------------------------------------------------------------------------------


def test_unknown_country_is_an_error_naming_the_parameter():
    with pytest.raises(ValueError, match=r"'countries'.*Atlantis"):
        P.build_panel(countries=["France", "Atlantis"])


@pytest.mark.parametrize(
    "kwargs, match",
    [({"view": "per_capita"}, "'view'"), ({"window": (2025, 2019)}, "'window'"), ({"year": "2024"}, "'year'")],
)
def test_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        P.build_panel(**kwargs)


# ---------------------------------------------------------------------------------------------
# with the real mirror
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def panels():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return P.build_panel(view="scale"), P.build_panel(view="intensity")


def test_panel_shape_years_and_metadata(panels):
    scale, _ = panels
    ind = framework.load_indicators()
    assert scale.values.shape == (195, len(ind))
    assert list(scale.values.columns) == list(ind["id"])
    assert scale.meta["available"].all(), scale.meta.loc[~scale.meta["available"], ["id", "note"]]
    annual = ind.loc[ind["timing"] == "annual", "id"]
    yrs = scale.years[annual].stack()
    assert yrs.between(2019, 2024).all()
    frame = scale.to_frame()
    assert "fixed_broadband__year" in frame.columns
    assert scale.meta.set_index("id").loc["notable_models", "coverage"] == 1.0  # census: absent = 0


def test_scale_and_intensity_are_consistent(panels):
    scale, inten = panels
    pop = scale.denominators["population"]
    # rate indicator (per 100 people): scale = rate × population / 100
    np.testing.assert_allclose(scale.values["fixed_broadband"], inten.values["fixed_broadband"] * pop / 100, rtol=1e-12)
    # absolute indicator (TWh): intensity = value × 1e9 / population (kWh per person)
    np.testing.assert_allclose(
        inten.values["electricity_generation"], scale.values["electricity_generation"] * 1e9 / pop, rtol=1e-12
    )
    # denominator none: identical
    pd.testing.assert_series_equal(scale.values["tertiary_enrolment"], inten.values["tertiary_enrolment"])
    usa = inten.values.loc["USA", "electricity_generation"]
    assert 8_000 < usa < 20_000  # kWh per person, plausible
    basis = scale.impute_basis()
    np.testing.assert_allclose(basis["fixed_broadband"], pop / 100)
    assert (basis["tertiary_enrolment"] == 1).all() and (inten.impute_basis() == 1).all().all()


def test_group_and_cached_rebuild():
    P.build_panel()  # warm the selection cache (independent of test order)
    before = P._selected.cache_info().hits
    g20 = P.build_panel(countries="G20")
    assert P._selected.cache_info().hits > before
    assert "USA" in g20.values.index and len(g20.values) < 30
    assert "Source:" in g20.source_line()


def test_missing_loader_is_tolerated_with_a_warning():
    ind = framework.load_indicators()
    ind = ind[ind["id"].isin(["ai_mine_share", "electricity_generation"])].reset_index(drop=True)
    ind.loc[0, "loader"] = "sovai.sources.not_there:load"
    with pytest.warns(P.PanelWarning, match=r"ai_mine_share.*not available"):
        p = P.build_panel(indicators=ind, countries=["FRA", "DEU"])
    assert p.values["ai_mine_share"].isna().all()
    assert not p.meta.set_index("id").loc["ai_mine_share", "available"]
    assert p.values["electricity_generation"].notna().all()


def test_taiwan_denominators_come_from_un_and_imf_and_are_documented(panels):
    scale, inten = panels
    src = scale.denominator_sources
    assert src.loc["TWN", "population"] == "un_wpp2024 2024"
    assert src.loc["TWN", "gdp"] == "imf_weo_oct2025 2024"
    assert src.loc["USA", "gdp"] == "worldbank_wdi 2024" and src.loc["FRA", "population"].startswith("worldbank_wdi")
    assert 23.0e6 < scale.denominators.loc["TWN", "population"] < 23.5e6  # UN WPP: 23,214.0 thousand
    assert 790e9 < scale.denominators.loc["TWN", "gdp"] < 800e9  # IMF WEO: 797.0 bn US$
    assert any("denominator gdp" in m and "TWN" in m for m in scale.log)
    # Taiwan now has intensity values (per person / per GDP)
    assert inten.values.loc["TWN", "notable_models"] > 0 and inten.values.loc["TWN", "electricity_generation"] > 5_000


def test_selection_equals_the_pandas_form_on_every_mirror_series():
    """Every indicator and denominator of the real mirror, each timing, three windows: the numpy
    selection gives the very Series (values, years, dtypes, index) the pandas form gave."""
    series = [(rec.loader, rec.loader_indicator, rec.timing) for rec in framework.load_indicators().itertuples()]
    series += [("sovai.sources.wdi:load", code, "annual") for code in P.DENOMINATOR_CODES.values()]
    series += [(spec, ind, "annual_or_first") for spec, ind, _ in P.DENOMINATOR_FALLBACKS.values()]
    checked = 0
    for spec, indicator, timing in series:
        rows, problem = P._load_series(spec, indicator)
        assert rows is not None, problem
        for year, window in ((2024, (2019, 2025)), (2020, (2015, 2021)), (2024, (2017, 2023))):
            got = P.select_values(rows, year=year, window=window, timing=timing)
            want = _pandas_select(rows, year=year, window=window, timing=timing)
            for g, w in zip(got, want):
                pd.testing.assert_series_equal(g, w, check_index_type=True)
            checked += 1
    assert checked >= 3 * 50


def test_panels_for_every_year_have_the_same_indicator_set():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        panels = P.panel_years("scale", range(2019, 2025))
    assert list(panels) == list(range(2019, 2025))
    cols = {tuple(p.values.columns) for p in panels.values()}
    assert len(cols) == 1
    for y, p in panels.items():
        assert p.window == (y - 5, y + 1)
        assert p.meta["available"].all() and (p.meta["n_countries"] > 0).all(), (
            y,
            p.meta.loc[p.meta["n_countries"] == 0, "id"],
        )
        annual = p.meta.loc[p.meta["timing"] == "annual", "id"]
        assert (p.years[annual].stack() <= y).all()
    # 2024 equals the default panel; flows differ between years, stocks from a 2019 source do not
    default = P.build_panel(year=2024)
    pd.testing.assert_frame_equal(panels[2024].values, default.values)
    assert panels[2019].values.loc["USA", "notable_models"] < panels[2024].values.loc["USA", "notable_models"]
    assert panels[2019].years.loc["USA", "top500_rmax"] == 2020  # first TOP500 list pinned: June 2020
    long = P.panel_long(panels)
    assert list(long.columns) == ["year", "iso3", "indicator", "value", "value_year"]
    assert len(long) == 6 * 195 * len(default.values.columns)
    with pytest.raises(ValueError, match="'years'"):
        P.panel_years("scale", [])
