"""Driver proxies of :mod:`sovai.drivers`: declarations, builders and the model data.

This module reads the proxy declarations of ``data/stack/proxies.csv`` (:class:`Proxy`,
:func:`read_proxies`, :func:`declared_proxies`, checked against :data:`PROXY_BUILDERS` and
:data:`PROXY_TRANSFORMS` by :func:`check_builders`), builds each proxy for the target countries
(the builders, the cached :func:`_proxy_values`, :func:`build_driver_frame`, the documentation
table :func:`driver_proxies`), derives the outcomes that keep uncoded instruments missing
(:func:`instrument_outcomes`) and joins both into :func:`model_data`. It also holds the default
covariates, stated drivers, year and window. It specifies and fits no model (:mod:`.models`)
and imports no other submodule but :mod:`.common`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sovai.drivers.common import DriverModelError
from sovai.provenance import cache

#: U.S. bilateral/Pacific collective-defence treaty allies outside NATO (ANZUS: AUS, NZL; U.S.–Japan;
#: U.S.–ROK; U.S.–Philippines; Manila Pact: THA). The Rio Treaty is not counted (several members
#: withdrew; it is not an operative alliance). Source: U.S. Department of State, "U.S. Collective
#: Defense Arrangements", https://2009-2017.state.gov/s/l/treaty/collectivedefense/index.htm
US_TREATY_ALLIES_NON_NATO = ("AUS", "JPN", "KOR", "NZL", "PHL", "THA")
US_TREATY_SOURCE = "https://2009-2017.state.gov/s/l/treaty/collectivedefense/index.htm"


# ----------------------------------------------------------------------------------- proxies
PROXIES_FILE = "proxies.csv"


@dataclass(frozen=True)
class Proxy:
    """A driver proxy, declared in ``data/stack/proxies.csv``: what it stands for, what it cannot
    show, and where it comes from (``builder`` + ``indicator`` + ``transform``)."""

    name: str
    driver: str
    label: str
    source: str
    indicator: str
    transform: str
    builder: str = "wdi"
    stands_for: str = ""
    cannot_show: str = ""
    note: str = ""


#: A proxy builder: ``(proxy, year, window, targets)`` → ``value`` and ``year`` (plus, where a
#: fallback series filled a country, ``filled_by``) indexed by ISO3; rows outside ``targets`` are
#: dropped afterwards.
ProxyBuilder = Callable[[Proxy, int, int, list[str]], pd.DataFrame]

_PROXY_COLUMNS = ("name", "driver", "label", "source", "builder", "indicator", "transform", "stands_for", "cannot_show")


def _series_rows(expr: str) -> pd.DataFrame:
    """Tidy ``iso3, year, value`` of one series expression: a WDI code, ``A/B`` (WDI percent
    ratio, same year), ``A+B`` (WDI sum, same year) or ``tidy:module:function:indicator`` (any
    sovai loader returning the tidy long form)."""
    import importlib

    from sovai.sources import wdi

    if expr.startswith("tidy:"):
        _, module, function, indicator = expr.split(":")
        rows = getattr(importlib.import_module(module), function)()
        return rows.loc[rows["indicator"] == indicator, ["iso3", "year", "value"]]
    if "/" in expr or "+" in expr:
        op = "/" if "/" in expr else "+"
        a, b = expr.split(op)
        raw = wdi.load([a, b])
        wide = raw.pivot_table(index=["iso3", "year"], columns="indicator", values="value", aggfunc="first").dropna()
        value = 100.0 * wide[a] / wide[b].where(wide[b] > 0) if op == "/" else wide[a] + wide[b]
        return value.rename("value").reset_index().dropna()
    return wdi.load([expr])[["iso3", "year", "value"]]


def _latest_in_window(rows: pd.DataFrame, year: int, window: int) -> pd.DataFrame:
    """Latest value per iso3 with ``year - window < year_used <= year``, by the rankings' own rule
    (:func:`sovai.panel.select_values`, timing ``annual``): ``value, year`` indexed by iso3."""
    from sovai.panel import select_values

    values, years, _, _ = select_values(rows, year=year, window=(year - window + 1, year), timing="annual")
    return pd.DataFrame({"value": values.astype(float), "year": years.astype(float)})


def _alignment_rows(measure: str, year: int, window: int) -> pd.DataFrame:
    """UNGA alignment per country and year in the window, from the one definition
    (:func:`sovai.sources.unga.alignment`: |ideal − ideal_CHN| − |ideal − ideal_USA|,
    :data:`sovai.sources.unga.ALIGNMENT_SIGN`)."""
    from sovai.sources import unga

    rows = []
    for yr in range(year - window + 1, year + 1):
        try:
            value = unga.alignment(yr, measure)
        except ValueError:
            continue
        rows.append(pd.DataFrame({"iso3": value.index, "year": yr, "value": value.to_numpy()}))
    if not rows:
        raise DriverModelError(
            f"parameter 'year': no UNGA {measure} values for USA and CHN in {year - window + 1}-{year}"
        )
    return pd.concat(rows, ignore_index=True)


def _series_proxy(proxy: Proxy, year: int, window: int, targets: list[str]) -> pd.DataFrame:
    """Builders ``wdi`` and ``tidy``: the latest value in the window of the series expression(s)
    in ``indicator`` (see :func:`_series_rows`). ``MAIN|FALLBACK``: the fallback series fills the
    countries the main one lacks, recorded in ``filled_by``."""
    main, *fallbacks = proxy.indicator.split("|")
    df = _latest_in_window(_series_rows(main), year, window).reindex(targets)
    df["filled_by"] = ""
    for fallback in fallbacks:
        alt = _latest_in_window(_series_rows(fallback), year, window).reindex(targets)
        use = df["value"].isna() & alt["value"].notna()
        df.loc[use, ["value", "year"]] = alt.loc[use, ["value", "year"]]
        df.loc[use, "filled_by"] = fallback
    return df


def _unga_proxy(proxy: Proxy, year: int, window: int, targets: list[str]) -> pd.DataFrame:
    """Builder ``unga``: the latest UNGA alignment in the window (``indicator`` = ideal-point measure)."""
    return _latest_in_window(_alignment_rows(proxy.indicator, year, window), year, window)


def _membership_proxy(proxy: Proxy, year: int, window: int, targets: list[str]) -> pd.DataFrame:
    """Builder ``membership``: 1.0 for members of the group ``indicator`` (a ``in_<group>`` column
    of the country reference table; ``us_ally`` = NATO or a bilateral/Pacific US treaty ally)."""
    from sovai.countries import reference_table

    ref = reference_table()
    if proxy.indicator == "us_ally":
        member = ref["in_NATO"].astype(bool) | ref.index.isin(US_TREATY_ALLIES_NON_NATO)
    else:
        member = ref[f"in_{proxy.indicator}"].astype(bool)
    return pd.DataFrame({"value": member.astype(float), "year": np.nan}, index=ref.index)


def _eto_chip_share_proxy(proxy: Proxy, year: int, window: int, targets: list[str]) -> pd.DataFrame:
    """Builder ``eto_chip_share``: home share of the chip supply chain (ETO Chip Explorer, one
    edition); a target country absent from every provider list gets the edition's year (its value
    is set by the ``census_zero`` transform)."""
    from sovai.sources import eto

    raw = eto.load()
    df = raw.set_index("iso3")[["value", "year"]].reindex(targets)
    df["year"] = df["year"].fillna(int(raw["year"].max()))
    return df


def _cloud_foreign_share_proxy(proxy: Proxy, year: int, window: int, targets: list[str]) -> pd.DataFrame:
    """Builder ``cloud_foreign_share``: foreign-provider share of the cloud regions a country hosts
    (18 providers: :func:`sovai.sources.cloud_all.regions`, each region counted once)."""
    from sovai.sources import cloud_all

    regions = cloud_all.regions()
    share = (~regions["domestic"]).groupby(regions["iso3"]).mean()
    return pd.DataFrame({"value": 100.0 * share.astype(float), "year": float(cloud_all.YEAR)})


def _cldr_proxy(proxy: Proxy, year: int, window: int, targets: list[str]) -> pd.DataFrame:
    """Builder ``cldr``: the language indicator ``indicator`` from Unicode CLDR (a snapshot)."""
    from sovai.sources import languages

    raw = languages.load()
    return raw[raw["indicator"] == proxy.indicator].set_index("iso3")[["value", "year"]]


def _owid_regime_proxy(proxy: Proxy, year: int, window: int, targets: list[str]) -> pd.DataFrame:
    """Builder ``owid_regime``: the latest Regimes of the World category in the window."""
    from sovai.sources import owid

    return _latest_in_window(owid.load_political_regime(), year, window)


def _owid_internet_proxy(proxy: Proxy, year: int, window: int, targets: list[str]) -> pd.DataFrame:
    """Builder ``owid_internet``: the latest share of internet users in the window."""
    from sovai.sources import owid

    return _latest_in_window(owid.load_internet_users(), year, window)


#: The proxy builders, keyed by the ``builder`` column of ``data/stack/proxies.csv``: every row
#: must name one of them and each must be named by at least one row (:func:`check_builders`).
PROXY_BUILDERS: dict[str, ProxyBuilder] = {
    "wdi": _series_proxy,
    "tidy": _series_proxy,
    "unga": _unga_proxy,
    "membership": _membership_proxy,
    "eto_chip_share": _eto_chip_share_proxy,
    "cloud_foreign_share": _cloud_foreign_share_proxy,
    "cldr": _cldr_proxy,
    "owid_regime": _owid_regime_proxy,
    "owid_internet": _owid_internet_proxy,
}

#: Transforms applied to a built proxy, keyed by the ``transform`` column.
PROXY_TRANSFORMS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "none": lambda value: value,
    "log": lambda value: np.log(value.where(value > 0)),
    "one_minus": lambda value: 1.0 - value,
    # a census of suppliers: a target country on none of the source's lists holds 0
    "census_zero": lambda value: value.fillna(0.0),
}


def read_proxies(path: str | Path | None = None) -> dict[str, Proxy]:
    """Read the proxy declarations (default ``data/stack/proxies.csv``), checked row by row.

    Raises
    ------
    InputFileError
        A missing column, a repeated name, or a builder/transform that is not a key of
        :data:`PROXY_BUILDERS` / :data:`PROXY_TRANSFORMS` (file, line, column).
    """
    from sovai import framework, paths
    from sovai.errors import InputFileError

    path = Path(path) if path is not None else paths.STACK_DIR / PROXIES_FILE
    frame = framework.load_proxies(path)
    missing = [c for c in _PROXY_COLUMNS if c not in frame.columns]
    if missing:
        raise InputFileError(path, f"missing column(s) {missing}", column=missing[0])
    out: dict[str, Proxy] = {}
    for i, row in enumerate(frame.to_dict("records"), start=2):
        for col, allowed in (("builder", tuple(PROXY_BUILDERS)), ("transform", tuple(PROXY_TRANSFORMS))):
            if row[col] not in allowed:
                raise InputFileError(path, f"line {i}: {col} {row[col]!r} is not one of {allowed}", column=col)
        if row["name"] in out:
            raise InputFileError(path, f"line {i}: proxy {row['name']!r} declared twice", column="name")
        out[row["name"]] = Proxy(**{c: row[c] for c in _PROXY_COLUMNS})
    chip = out.get("chip_share")
    if chip is not None:
        out["chip_share"] = dataclasses.replace(chip, note="NON-COMMERCIAL licence")
    return out


def check_builders(proxies: Mapping[str, Proxy]) -> None:
    """Check declarations against code: every proxy names a key of :data:`PROXY_BUILDERS` and every
    builder is named by at least one proxy (an unused builder is dead code).

    Raises
    ------
    DriverModelError
        Naming the unknown and the unused builders.
    """
    named = {p.builder for p in proxies.values()}
    unknown = sorted(named - set(PROXY_BUILDERS))
    unused = sorted(set(PROXY_BUILDERS) - named)
    if unknown or unused:
        raise DriverModelError(
            f"proxies.csv and PROXY_BUILDERS disagree: unknown builder(s) {unknown}, builder(s) no proxy uses {unused}"
        )


@cache
def declared_proxies() -> dict[str, Proxy]:
    """The proxies of ``data/stack/proxies.csv`` (read on first use and checked against
    :data:`PROXY_BUILDERS`); also available as ``sovai.drivers.PROXIES``."""
    proxies = read_proxies()
    check_builders(proxies)
    return proxies


#: Default covariates: at least one motive proxy per driver the report names, plus size and the
#: EU term. The first is the headline driver. ``chip_share`` (capability, not a motive) is left
#: out: the few chip-making economies adopt every coded instrument, which separates the model.
DEFAULT_COVARIATES = (
    "log_gdp",
    "hightech_exports",
    "military_expenditure",
    "unga_alignment",
    "net_energy_imports",
    "trade_openness",
    "english_not_official",
    "eu_member",
    "regime",
)
#: The drivers as stated in the national strategies (categorical codings). They come from the same
#: strategy texts as the outcome, so a model with them is descriptive, not explanatory.
STATED_DRIVERS = ("driver_security", "driver_resilience", "driver_economic", "driver_cultural_linguistic")
DEFAULT_YEAR = 2023
DEFAULT_WINDOW = 5


@cache
def _proxy_values(name: str, year: int, window: int) -> pd.DataFrame:
    """One proxy for the target countries: ``value`` (float, NaN missing), ``year`` used and
    ``filled_by`` (the source of a fallback value, else empty)."""
    from sovai.countries import target_countries

    proxies = declared_proxies()
    if name not in proxies:
        raise DriverModelError(f"unknown proxy {name!r}; available: {sorted(proxies)}")
    p = proxies[name]
    targets = target_countries()
    df = PROXY_BUILDERS[p.builder](p, year, window, targets).reindex(pd.Index(targets, name="iso3"))
    filled_by = df["filled_by"].fillna("") if "filled_by" in df.columns else pd.Series("", index=df.index, dtype=object)
    value = PROXY_TRANSFORMS[p.transform](pd.to_numeric(df["value"], errors="coerce").astype(float))
    return pd.DataFrame({"value": value, "year": df["year"].astype("Float64"), "filled_by": filled_by})


def build_driver_frame(
    year: int = DEFAULT_YEAR, *, window: int = DEFAULT_WINDOW, proxies: Iterable[str] | None = None
) -> pd.DataFrame:
    """The driver proxies for the 195 target countries (index ``iso3``, float columns, NaN missing).

    Each proxy takes the latest value in ``(year - window, year]`` (``panel.select_values``);
    membership, CLDR, cloud and ETO proxies are time-invariant snapshots (see
    :func:`driver_proxies` for sources and years used).
    """
    declared = declared_proxies()
    names = list(declared) if proxies is None else list(proxies)
    unknown = [p for p in names if p not in declared]
    if unknown:
        raise DriverModelError(f"parameter 'proxies': unknown proxy {unknown}; available: {sorted(declared)}")
    return pd.DataFrame({p: _proxy_values(p, int(year), int(window))["value"] for p in names})


def driver_proxies(
    year: int = DEFAULT_YEAR, *, window: int = DEFAULT_WINDOW, proxies: Iterable[str] | None = None
) -> pd.DataFrame:
    """Documentation table of every proxy: driver, label, what it stands for and cannot show,
    source, indicator, transform, years used, the number of target countries with a value and
    with a fallback value.
    """
    declared = declared_proxies()
    names = list(declared) if proxies is None else list(proxies)
    rows = []
    for name in names:
        p = declared[name]
        vals = _proxy_values(name, int(year), int(window))
        used = vals.loc[vals["value"].notna(), "year"].dropna()
        rows.append(
            {
                "proxy": name,
                "driver": p.driver,
                "label": p.label,
                "stands_for": p.stands_for,
                "cannot_show": p.cannot_show,
                "source": p.source,
                "indicator": p.indicator,
                "transform": p.transform,
                "target_year": int(year),
                "window": int(window),
                "year_min": int(used.min()) if len(used) else pd.NA,
                "year_max": int(used.max()) if len(used) else pd.NA,
                "n_countries": int(vals["value"].notna().sum()),
                "n_fallback": int((vals["filled_by"] != "").sum()),
                "note": p.note,
            }
        )
    out = pd.DataFrame(rows)
    out["year_min"] = out["year_min"].astype("Int64")
    out["year_max"] = out["year_max"].astype("Int64")
    return out


def instrument_outcomes(cat: pd.DataFrame) -> pd.DataFrame:
    """Outcomes that keep uncoded instruments missing, from a wide categorical frame.

    ``instruments_adopted`` (instruments coded true), ``instruments_coded`` (instruments coded
    true or false: the binomial trials; 0 = nothing known, the country drops out),
    ``instruments_adopted_ex_eu`` / ``instruments_coded_ex_eu`` (EU members' ``ai_law`` left out:
    it is the EU AI Act, not a national choice) and ``documentation_depth`` (coded cells of the
    non-instrument contract variables: how much was found about the country at all).
    """
    from sovai.categorical import contract_variables, instrument_variables
    from sovai.countries import reference_table

    inst = [c for c in instrument_variables() if c in cat.columns]
    coded = cat[inst].notna()
    adopted = cat[inst].astype("boolean").fillna(False).astype(bool)
    eu = reference_table()["in_EU"].reindex(cat.index).fillna(False).astype(bool)
    # EU members' ai_law is the EU AI Act, not a national choice: left out of the "ex_eu" counts
    national = pd.DataFrame(True, index=cat.index, columns=inst)
    if "ai_law" in inst:
        national["ai_law"] = ~eu
    coded_ex = (coded & national).sum(axis=1)
    adopted_ex = (adopted & national).sum(axis=1)
    other = [c for c in contract_variables() if c in cat.columns and c not in inst]
    out = pd.DataFrame(
        {
            "instruments_adopted": adopted.sum(axis=1).astype(float),
            "instruments_coded": coded.sum(axis=1).astype(float),
            "instruments_adopted_ex_eu": adopted_ex.astype(float),
            "instruments_coded_ex_eu": coded_ex.astype(float),
            "documentation_depth": cat[other].notna().sum(axis=1).astype(float),
        },
        index=cat.index,
    )
    for col in ("instruments_adopted", "instruments_adopted_ex_eu"):
        trials = col.replace("adopted", "coded")
        out.loc[out[trials] == 0, [col, trials]] = np.nan
    return out


def model_data(year: int = DEFAULT_YEAR, *, window: int = DEFAULT_WINDOW, na_policy: str | None = None) -> pd.DataFrame:
    """Outcomes (categorical codings, uncoded cells missing) joined with every driver proxy,
    indexed by iso3, plus ``un_region`` for region effects.

    Boolean instruments stay NA where uncoded (a single-instrument logit uses the coded countries
    only). ``na_policy`` is passed to :func:`sovai.categorical.load_categorical` and only affects
    its derived ``instrument_count``/``stance`` (default: the loader's own default).
    """
    from sovai.categorical import load_categorical
    from sovai.countries import reference_table

    cat = load_categorical() if na_policy is None else load_categorical(na_policy=na_policy)
    cat = cat.join(instrument_outcomes(cat), how="left", validate="1:1")
    drivers = build_driver_frame(year, window=window)
    out = cat.join(drivers, how="left", validate="1:1")
    out["un_region"] = reference_table()["un_region"].reindex(out.index)
    return out
