"""Regression analyses of the drivers of AI sovereignty (DESIGN.md §4.3) — a reconstruction.

The report's own specification is not public: every model here is sovai's reconstruction from
open data and the project's cited codings (:mod:`sovai.categorical`).

* **Specifications as data**: :class:`ModelSpec` (name, outcome, family, covariates, exclude,
  robust covariance, region effects, year, trials, missing categories); variants are
  ``spec.replace(...)``.
* **Outcomes that keep uncoded cells missing** (:func:`instrument_outcomes`): the default model is
  a binomial GLM of ``instruments_adopted`` out of ``instruments_coded`` (an uncoded instrument is
  not a trial; a country with nothing coded leaves the sample and is listed); the EU variant
  leaves EU members' ``ai_law`` (the EU AI Act) out; single instruments (logit, coded countries
  only) and ``stance`` (ordered logit) as alternatives; ``instrument_count`` still works.
* **Driver proxies declared as data** (``data/stack/proxies.csv``: driver, what each stands for
  and cannot show, source, builder, transform): the ``builder`` and ``transform`` columns name
  functions of :data:`PROXY_BUILDERS` and :data:`PROXY_TRANSFORMS` (checked both ways by
  :func:`check_builders`). Time series take the rankings' own "latest value in the window" rule
  (:func:`sovai.panel.select_values`); UNGA alignment has one definition,
  :func:`sovai.sources.unga.alignment` (positive = closer to the US).
* **Multiplicity**: Holm and Benjamini–Hochberg adjusted p-values beside the raw ones; stars use
  Holm. Country bootstrap and leave-one-region-out for the main effects; a fit-statistics table.
* **Inference**: HC3 robust SE by default. OLS uses statsmodels' HC3. For the GLMs (Poisson,
  negative binomial, logit) statsmodels' ``cov_type="HC3"`` silently equals HC0, so sovai computes
  the HC3 sandwich itself from the observation scores and the GLM hat matrix, ``B (Σ s_i s_iᵀ /
  (1 − h_ii)²) B``, and installs it in the statsmodels results (``res.bse``, ``res.pvalues``,
  ``res.conf_int()`` all use it; a test checks it reproduces OLS HC3 on a Gaussian GLM). For the
  ordered logit HC3 is not defined (no hat matrix): the HC0 sandwich is used and reported as
  such in the ``cov_type`` column. p-values and intervals are normal-based.
* Average marginal effects (delta method), VIF, influence (Cook's distance, leverage, most
  influential countries named), robustness variants, the countries dropped for missing data with
  their names, model tables as frames (:func:`tidy_table`, :func:`comparison_table`) and figures.
  Nothing here writes a file: notebook 04's tables and figures are written by
  :mod:`sovai.reports.drivers`, the LaTeX/HTML comparison tables rendered by
  :mod:`sovai.regression_tables`.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sovai.errors import SovaiError

#: Model families.
FAMILIES = ("binomial", "ols", "poisson", "negbin", "logit", "ordered_logit")
#: Covariance types accepted by ``ModelSpec.robust``.
ROBUST = ("HC3", "HC2", "HC1", "HC0", "nonrobust")
#: Label carried by every output table.
RECONSTRUCTION_NOTE = (
    "sovai reconstruction from open data and cited codings; the report's own specification is not public"
)

#: U.S. bilateral/Pacific collective-defence treaty allies outside NATO (ANZUS: AUS, NZL; U.S.–Japan;
#: U.S.–ROK; U.S.–Philippines; Manila Pact: THA). The Rio Treaty is not counted (several members
#: withdrew; it is not an operative alliance). Source: U.S. Department of State, "U.S. Collective
#: Defense Arrangements", https://2009-2017.state.gov/s/l/treaty/collectivedefense/index.htm
US_TREATY_ALLIES_NON_NATO = ("AUS", "JPN", "KOR", "NZL", "PHL", "THA")
US_TREATY_SOURCE = "https://2009-2017.state.gov/s/l/treaty/collectivedefense/index.htm"


class DriverModelError(SovaiError, ValueError):
    """A driver model cannot be specified or estimated (message names the parameter)."""


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


def __getattr__(name: str):
    # PROXIES stays a module attribute (notebooks read it) without reading the CSV at import time
    if name == "PROXIES":
        return declared_proxies()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


# ------------------------------------------------------------------------------ specifications
@dataclass(frozen=True)
class ModelSpec:
    """A model specification, as data.

    Parameters
    ----------
    name
        Label used in tables and figures.
    outcome
        Column of the model data (``instruments_adopted``, ``instrument_count``, ``stance``, a
        boolean instrument…).
    family
        One of :data:`FAMILIES`. ``binomial``: ``outcome`` successes out of ``trials`` (default
        ``instruments_coded``), so an uncoded instrument is neither adopted nor not adopted.
    trials
        Column with the number of trials of a binomial outcome (ignored by other families).
    covariates
        Proxy names (see :func:`declared_proxies`) or columns of user-given data.
    exclude
        ISO3 codes left out of the sample.
    robust
        Covariance: ``"HC3"`` (default), ``"HC2"``, ``"HC1"``, ``"HC0"`` or ``"nonrobust"``.
    region_effects
        Add UN-region dummies (baseline: Africa).
    year, window
        Proxy year and look-back window.
    na_policy
        NA policy of the loader's derived ``instrument_count``/``stance`` (see
        :func:`sovai.categorical.derive`); ``None`` = the loader's default.
    missing_category
        Covariates whose missing values are an explicit category: the value is set to the sample
        mean of the observed values and a dummy ``<name>: missing`` is added (default: regime type,
        which V-Dem does not score for micro-states).
    standardize
        z-score the continuous covariates over the estimation sample (0/1 dummies unchanged), so
        coefficients are per standard deviation and comparable across proxies.
    """

    name: str = "base"
    outcome: str = "instruments_adopted"
    family: str = "binomial"
    covariates: tuple[str, ...] = DEFAULT_COVARIATES
    exclude: tuple[str, ...] = ()
    robust: str = "HC3"
    region_effects: bool = False
    year: int = DEFAULT_YEAR
    window: int = DEFAULT_WINDOW
    na_policy: str | None = None
    standardize: bool = False
    trials: str = "instruments_coded"
    missing_category: tuple[str, ...] = ("regime",)

    def __post_init__(self):
        object.__setattr__(self, "covariates", tuple(self.covariates))
        object.__setattr__(self, "missing_category", tuple(self.missing_category))
        object.__setattr__(self, "exclude", tuple(str(x).upper() for x in self.exclude))
        if self.family not in FAMILIES:
            raise DriverModelError(f"parameter 'family': {self.family!r} is not one of {FAMILIES}")
        if self.robust not in ROBUST:
            raise DriverModelError(f"parameter 'robust': {self.robust!r} is not one of {ROBUST}")
        if not self.covariates:
            raise DriverModelError("parameter 'covariates': at least one covariate is needed")
        dup = sorted({c for c in self.covariates if self.covariates.count(c) > 1})
        if dup:
            raise DriverModelError(f"parameter 'covariates': repeated {dup}")

    def replace(self, **changes) -> ModelSpec:
        """A copy with some fields changed (a variant)."""
        return dataclasses.replace(self, **changes)


@dataclass
class ModelFit:
    """A fitted driver model: the statsmodels results plus what a referee asks for."""

    spec: ModelSpec
    result: object
    y: pd.Series
    X: pd.DataFrame
    dropped: pd.DataFrame
    cov_type: str
    r2: float
    r2_kind: str
    aic: float
    extra: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def nobs(self) -> int:
        """Number of countries in the estimation sample."""
        return len(self.y)

    @property
    def params(self) -> pd.Series:
        """Coefficients (statsmodels' own)."""
        return pd.Series(np.asarray(self.result.params), index=self.param_names)

    @property
    def bse(self) -> pd.Series:
        """Standard errors of the reported covariance."""
        return pd.Series(np.asarray(self.result.bse), index=self.param_names)

    @property
    def param_names(self) -> list[str]:
        """Parameter names (cut-points of an ordered model as ``cut: a|b``)."""
        if self.spec.family == "ordered_logit":
            return list(self.X.columns) + self.extra["cut_names"]
        return list(self.X.columns)

    @property
    def tested_terms(self) -> list[str]:
        """The driver terms whose p-values are adjusted for multiplicity (the covariates; not the
        constant, region dummies, missing-category dummies or cut-points)."""
        return [t for t in self.param_names if t in self.spec.covariates]

    def table(self) -> pd.DataFrame:
        """Tidy coefficients: ``model, term, coef, se, pvalue, pvalue_holm, pvalue_bh, ci_low,
        ci_high, nobs`` and fit stats. Holm (family-wise) and Benjamini–Hochberg (false discovery
        rate) adjustments run over the model's driver terms (:attr:`tested_terms`)."""
        res = self.result
        ci = np.asarray(res.conf_int(alpha=0.05))
        pvalues = pd.Series(np.asarray(res.pvalues, dtype=float), index=self.param_names)
        tested = self.tested_terms
        holm = pd.Series(np.nan, index=self.param_names)
        bh = pd.Series(np.nan, index=self.param_names)
        if tested:
            holm[tested] = adjust_pvalues(pvalues[tested].to_numpy(), "holm")
            bh[tested] = adjust_pvalues(pvalues[tested].to_numpy(), "fdr_bh")
        return pd.DataFrame(
            {
                "model": self.spec.name,
                "term": self.param_names,
                "coef": np.asarray(res.params, dtype=float),
                "se": np.asarray(res.bse, dtype=float),
                "pvalue": pvalues.to_numpy(),
                "pvalue_holm": holm.to_numpy(),
                "pvalue_bh": bh.to_numpy(),
                "ci_low": ci[:, 0].astype(float),
                "ci_high": ci[:, 1].astype(float),
                "nobs": self.nobs,
                "outcome": self.spec.outcome,
                "family": self.spec.family,
                "cov_type": self.cov_type,
                "r2": self.r2,
                "r2_kind": self.r2_kind,
                "aic": self.aic,
                "bic": self.bic,
                "n_dropped": len(self.dropped),
            }
        )

    @property
    def bic(self) -> float:
        """Bayesian information criterion, ``k log N − 2 log L`` (NaN where no likelihood)."""
        llf = getattr(self.result, "llf", np.nan)
        k = len(self.param_names) + (1 if self.spec.family == "negbin" else 0)
        return float(k * np.log(self.nobs) - 2.0 * float(llf)) if np.isfinite(llf) else np.nan

    def predict(self, X: pd.DataFrame | np.ndarray | None = None, params=None) -> np.ndarray:
        """Expected outcome (count, probability, or the category probabilities of an ordered model)."""
        X = self.X if X is None else X
        return _predict(self.spec.family, self.result, np.asarray(self.result.params) if params is None else params, X)


# ----------------------------------------------------------------------------------- design
def _outcome_series(data: pd.DataFrame, spec: ModelSpec) -> pd.Series:
    if spec.outcome not in data.columns:
        candidates = [c for c in data.columns if c not in declared_proxies() and c != "un_region"]
        raise DriverModelError(
            f"parameter 'outcome': unknown outcome {spec.outcome!r}; available: {sorted(map(str, candidates))}"
        )
    y = data[spec.outcome]
    if spec.family == "ordered_logit":
        if not isinstance(y.dtype, pd.CategoricalDtype):
            y = pd.Series(pd.Categorical(pd.to_numeric(y, errors="raise"), ordered=True), index=y.index)
        if not y.cat.ordered:
            raise DriverModelError(
                f"parameter 'outcome': {spec.outcome!r} is not an ordered category (family 'ordered_logit')"
            )
        return y
    if isinstance(y.dtype, pd.CategoricalDtype):
        raise DriverModelError(
            f"parameter 'family': outcome {spec.outcome!r} is categorical; use family='ordered_logit'"
        )
    return pd.to_numeric(y.astype("Float64") if str(y.dtype) == "boolean" else y, errors="raise").astype(float)


def design(data: pd.DataFrame, spec: ModelSpec) -> tuple[pd.Series, pd.DataFrame, pd.DataFrame]:
    """Estimation sample: outcome ``y``, design matrix ``X`` (with ``const`` unless ordered) and the
    countries ``dropped`` for a missing outcome or covariate (``iso3, name, missing``).

    Countries in ``spec.exclude`` are removed first and not counted as dropped.
    """
    unknown = [c for c in spec.covariates if c not in data.columns]
    if unknown:
        avail = sorted(set(declared_proxies()) | {c for c in data.columns if c not in (spec.outcome, "un_region")})
        raise DriverModelError(f"parameter 'covariates': unknown covariate(s) {unknown}; available: {avail}")
    if spec.outcome in spec.covariates:
        raise DriverModelError(f"parameter 'covariates': the outcome {spec.outcome!r} cannot also be a covariate")
    bad_ex = [c for c in spec.exclude if c not in data.index]
    if bad_ex:
        raise DriverModelError(f"parameter 'exclude': {bad_ex} not in the data (expected ISO3 codes of the sample)")
    data = data.drop(index=list(spec.exclude))
    y = _outcome_series(data, spec)
    cols = list(spec.covariates)
    X = (
        data[cols]
        .apply(lambda s: pd.to_numeric(s.astype("Float64") if str(s.dtype) == "boolean" else s, errors="coerce"))
        .astype(float)
    )
    frame = X.copy()
    frame["__y"] = y.astype(object).where(y.notna(), np.nan) if spec.family == "ordered_logit" else y
    if spec.family == "binomial":
        if spec.trials not in data.columns:
            raise DriverModelError(f"parameter 'trials': column {spec.trials!r} not in the data")
        trials = pd.to_numeric(data[spec.trials], errors="coerce").astype(float)
        frame["__trials"] = trials.where(trials > 0)
    if spec.region_effects:
        if "un_region" not in data.columns:
            raise DriverModelError("parameter 'region_effects': the data has no 'un_region' column")
        frame["__region"] = data["un_region"]
    # explicit missing category: among the countries complete on everything else, a covariate of
    # spec.missing_category that is missing for at least two of them gets its sample mean and a
    # dummy (for a single country the dummy would fit it exactly: that country is dropped instead)
    categorised = [c for c in spec.missing_category if c in cols]
    complete_else = ~frame.drop(columns=categorised).isna().any(axis=1)
    for c in categorised:
        gap = frame[c].isna() & complete_else
        if gap.sum() >= 2:
            fill = frame.loc[complete_else & frame[c].notna(), c].mean()
            frame[f"{c}: missing"] = gap.astype(float)
            frame[c] = frame[c].where(~gap, fill)
    missing = frame.isna()
    keep = ~missing.any(axis=1)
    names = _country_names(frame.index[~keep])
    dropped = pd.DataFrame(
        {
            "iso3": frame.index[~keep],
            "name": names,
            "missing": [
                ", ".join(
                    c.replace("__y", spec.outcome).replace("__region", "un_region").replace("__trials", spec.trials)
                    for c in missing.columns[missing.loc[i]]
                )
                for i in frame.index[~keep]
            ],
        }
    )
    y = y[keep]
    X = frame.loc[keep, [c for c in frame.columns if not c.startswith("__")]].astype(float)
    if spec.family == "binomial":
        n_trials = frame.loc[keep, "__trials"]
        if ((y < 0) | (y > n_trials) | (y != np.round(y))).any():
            raise DriverModelError(
                f"parameter 'outcome': binomial {spec.outcome!r} must be an integer between 0 and {spec.trials!r}"
            )
        y = (y / n_trials).rename(spec.outcome)
        y.attrs["trials"] = n_trials
    if spec.standardize:
        for c in cols:
            if not _is_binary(X[c]) and X[c].std() > 0:
                X[c] = (X[c] - X[c].mean()) / X[c].std()
    if spec.region_effects:
        region = frame.loc[keep, "__region"].astype(str)
        levels = sorted(region.unique())
        base = "Africa" if "Africa" in levels else levels[0]
        for lev in levels:
            if lev != base:
                X[f"region[{lev}]"] = (region == lev).astype(float)
    if spec.family != "ordered_logit":
        X.insert(0, "const", 1.0)
    _check_sample(y, X, spec)
    return y, X, dropped


def _country_names(codes) -> list[str]:
    try:
        from sovai.countries import reference_table

        ref = reference_table()["name"]
        return [str(ref.get(c, c)) for c in codes]
    except Exception:  # noqa: BLE001 - names are a convenience; codes suffice offline
        return [str(c) for c in codes]


def _check_sample(y: pd.Series, X: pd.DataFrame, spec: ModelSpec) -> None:
    n = len(y)
    k = X.shape[1] + (y.nunique() - 1 if spec.family == "ordered_logit" else 0) + (1 if spec.family == "negbin" else 0)
    if n == 0:
        raise DriverModelError(
            f"parameter 'covariates': no country has the outcome {spec.outcome!r} and every covariate"
        )
    classes = y.nunique()
    if classes < 2:
        only = y.iloc[0] if n else None
        raise DriverModelError(
            f"parameter 'outcome': {spec.outcome!r} has one class only ({only!r}) in the estimation sample of {n}; "
            "nothing to explain"
        )
    if n <= k:
        raise DriverModelError(
            f"parameter 'covariates': {n} observations but {k} parameters to estimate; use fewer covariates "
            "(or fewer exclusions / region effects)"
        )
    if spec.family == "logit" and not set(np.unique(y)) <= {0.0, 1.0}:
        raise DriverModelError(
            f"parameter 'family': 'logit' needs a 0/1 outcome; {spec.outcome!r} has values {sorted(np.unique(y))[:6]}"
        )
    if spec.family in ("poisson", "negbin") and ((y < 0).any() or (y != np.round(y)).any()):
        raise DriverModelError(
            f"parameter 'family': {spec.family!r} needs a non-negative integer outcome; {spec.outcome!r} is not"
        )
    const_cols = [c for c in X.columns if c != "const" and X[c].nunique() <= 1]
    if const_cols:
        raise DriverModelError(f"parameter 'covariates': {const_cols} constant in the estimation sample (no variation)")
    rank = np.linalg.matrix_rank(X.to_numpy())
    if rank < X.shape[1]:
        raise DriverModelError(
            f"parameter 'covariates': the design matrix is rank deficient ({rank} < {X.shape[1]}): collinear covariates"
        )


def _separated_dummies(X: pd.DataFrame, y: pd.Series) -> list[tuple[str, str]]:
    """``(covariate, note)`` for 0/1 covariates whose group (value 1) adopts all or none of its
    coded trials: their coefficient runs to ±infinity (quasi-separation) and is not identified,
    so :func:`fit` leaves them out of a binomial model and says so."""
    notes = []
    for c in X.columns:
        if c == "const" or not _is_binary(X[c]):
            continue
        share = y[X[c] == 1.0]
        if len(share) and (share.eq(1.0).all() or share.eq(0.0).all()):
            which = "every" if share.eq(1.0).all() else "none"
            notes.append(
                (
                    c,
                    f"{c} left out: the {len(share)} countries with {c} = 1 adopt {which} of their coded "
                    "instruments (quasi-separation: the coefficient is not identified)",
                )
            )
    return notes


def check_separation(y: pd.Series, X: pd.DataFrame) -> list[str]:
    """Detect complete or quasi-complete separation in a binary model (Konis 2007 linear program).

    Returns the covariates involved in a separating direction (empty list if none).
    """
    from scipy.optimize import linprog

    s = np.where(np.asarray(y) > 0.5, 1.0, -1.0)
    A = np.asarray(X, dtype=float) * s[:, None]
    scale = np.maximum(np.abs(A).max(axis=0), 1e-12)
    A = A / scale
    k = A.shape[1]
    res = linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(len(A)), bounds=[(-1, 1)] * k, method="highs")
    if res.status != 0 or -res.fun <= 1e-7:
        return []
    direction = res.x
    return [c for c, b in zip(X.columns, direction) if abs(b) > 1e-7 and c != "const"] or list(X.columns)


# ------------------------------------------------------------------------------------ fitting
def fit(spec: ModelSpec, data: pd.DataFrame | None = None) -> ModelFit:
    """Fit one specification (see :func:`_fit`); a singular information matrix inside statsmodels
    becomes a :class:`DriverModelError` that names the model."""
    try:
        return _fit(spec, data)
    except np.linalg.LinAlgError as exc:
        raise DriverModelError(
            f"model {spec.name!r}: the information matrix is singular ({exc}); the outcome is (quasi-)separated "
            "or the covariates are collinear in this sample (parameter 'covariates')"
        ) from exc


def _fit(spec: ModelSpec, data: pd.DataFrame | None = None) -> ModelFit:
    """Fit one specification.

    Parameters
    ----------
    spec
        The model specification.
    data
        Frame indexed by iso3 with the outcome and covariates (default: :func:`model_data` for
        ``spec.year``, ``spec.window`` and ``spec.na_policy``; simulated data in tests). Given
        data is used as is (``year``, ``window`` and ``na_policy`` of the spec then do not apply).

    Raises
    ------
    DriverModelError
        Unknown outcome/covariate, one outcome class, fewer observations than parameters,
        perfect separation in a logit, or a fit that does not converge.
    """
    import statsmodels.api as sm

    if data is None:
        data = model_data(spec.year, window=spec.window, na_policy=spec.na_policy)
    y, X, dropped = design(data, spec)
    notes: list[str] = []
    extra: dict = {}
    fam = spec.family
    if fam == "binomial":
        separated = _separated_dummies(X, y)
        if separated:
            X = X.drop(columns=[c for c, _ in separated])
            notes.extend(msg for _, msg in separated)
            _check_sample(y, X, spec)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if fam == "ols":
            res = sm.OLS(y, X).fit(cov_type=spec.robust)
            cov_type, r2, r2_kind, aic = spec.robust, float(res.rsquared), "R2", float(res.aic)
        elif fam == "ordered_logit":
            from statsmodels.miscmodels.ordinal_model import OrderedModel

            yc = y.cat.remove_unused_categories()
            cats = [str(c) for c in yc.cat.categories]
            extra["categories"] = cats
            # statsmodels' parametrisation: the first threshold, then log increments between thresholds
            pairs = [f"{a}|{b}" for a, b in zip(cats[:-1], cats[1:])]
            extra["cut_names"] = [f"cut: {pairs[0]}"] + [f"cut: {p} (log increment)" for p in pairs[1:]]
            cov_type = "nonrobust" if spec.robust == "nonrobust" else "HC0"
            if spec.robust not in ("nonrobust", "HC0"):
                notes.append(f"{spec.robust} is not defined for the ordered logit (no hat matrix): HC0 sandwich used")
            model = OrderedModel(yc, X, distr="logit")
            res = model.fit(method="bfgs", disp=0, maxiter=2000, cov_type=cov_type)
            if not res.mle_retvals.get("converged", True):
                raise DriverModelError(
                    f"model {spec.name!r}: ordered logit did not converge; simplify parameter 'covariates'"
                )
            r2, r2_kind, aic = float(res.prsquared), "McFadden pseudo-R2", float(res.aic)
        else:
            if fam == "logit":
                sep = check_separation(y, X)
                if sep:
                    raise DriverModelError(
                        f"model {spec.name!r}: perfect (or quasi-complete) separation — outcome {spec.outcome!r} is perfectly "
                        f"predicted by covariate(s) {sep}; the logit MLE does not exist. Drop or recode these covariates "
                        "(parameter 'covariates'), or use another outcome/family."
                    )
                family = sm.families.Binomial()
            elif fam == "binomial":
                family = sm.families.Binomial()
                extra["trials"] = y.attrs["trials"]
            elif fam == "poisson":
                family = sm.families.Poisson()
            else:  # negbin: alpha by ML (NB2), then GLM with that alpha (same coefficients)
                nb = sm.NegativeBinomial(y, X, loglike_method="nb2").fit(disp=0, maxiter=500)
                alpha = float(nb.params.iloc[-1])
                extra["alpha"] = alpha
                notes.append(f"negative binomial (NB2) alpha = {alpha:.4g} estimated by ML")
                family = sm.families.NegativeBinomial(alpha=alpha)
            if fam == "binomial":
                successes = np.round(y.to_numpy() * extra["trials"].to_numpy())
                endog = np.column_stack([successes, extra["trials"].to_numpy() - successes])
                model = sm.GLM(endog, X, family=family)
            else:
                model = sm.GLM(y, X, family=family)
            res = model.fit(maxiter=200)
            if not res.converged:
                raise DriverModelError(f"model {spec.name!r}: GLM did not converge; simplify parameter 'covariates'")
            if fam in ("logit", "binomial"):
                # quasi-complete separation the linear program missed (numerically): fitted
                # probabilities of exactly 0 or 1 leave the information matrix singular
                fitted = np.asarray(res.fittedvalues, dtype=float)
                extreme = (fitted < 1e-8) | (fitted > 1 - 1e-8)
                if extreme.any():
                    who = [str(c) for c in X.index[extreme]]
                    raise DriverModelError(
                        f"model {spec.name!r}: quasi-complete separation — outcome {spec.outcome!r} of {len(who)} "
                        f"countries ({', '.join(who[:10])}) is predicted with probability 0 or 1, so the {fam} MLE "
                        "does not exist. Drop the separating covariate(s) (parameter 'covariates'; e.g. one that is "
                        "non-zero only for countries with the outcome), or use another outcome/family."
                    )
            cov_type = spec.robust
            if spec.robust != "nonrobust":
                robust = model.fit(maxiter=200, cov_type="HC0")
                inner = getattr(robust, "_results", robust)  # statsmodels wraps the results object
                inner.cov_params_default = glm_sandwich(robust, spec.robust)
                inner.cov_type = spec.robust
                inner._cache = {}  # drop bse/pvalues cached from the HC0 covariance
                res = robust
            llnull = float(res.llnull)
            r2, r2_kind = (1.0 - float(res.llf) / llnull if llnull != 0 else np.nan), "McFadden pseudo-R2"
            aic = float(res.aic) + (2.0 if fam == "negbin" else 0.0)
    for w in caught:
        msg = str(w.message)
        if "separation" in msg.lower():
            raise DriverModelError(f"model {spec.name!r}: {msg} (parameter 'covariates')")
        if "converge" in msg.lower() or "overflow" in msg.lower():
            notes.append(f"warning: {msg}")
    if not np.all(np.isfinite(np.asarray(res.bse, dtype=float))):
        raise DriverModelError(
            f"model {spec.name!r}: non-finite standard errors (singular information matrix); "
            "check parameter 'covariates' for collinearity or separation"
        )
    if len(dropped):
        notes.append(f"{len(dropped)} countries dropped for missing data")
    return ModelFit(spec, res, y, X, dropped, cov_type, r2, r2_kind, aic, extra, notes)


def glm_sandwich(res, kind: str = "HC3") -> np.ndarray:
    """Heteroskedasticity-robust covariance of a GLM with the HC0–HC3 corrections.

    ``B (Σ w_i s_i s_iᵀ) B`` with ``B`` the inverse observed information, ``s_i`` the observation
    scores and ``w_i`` = 1 (HC0), n/(n−k) (HC1), 1/(1−h_ii) (HC2), 1/(1−h_ii)² (HC3), ``h_ii`` the
    diagonal of the GLM hat matrix. For a Gaussian GLM this is exactly OLS HC0–HC3.
    """
    model = res.model
    params = np.asarray(res.params)
    scores = np.asarray(model.score_obs(params))
    bread = np.linalg.inv(-np.asarray(model.hessian(params)))
    n, k = scores.shape
    if kind == "HC0":
        w = np.ones(n)
    elif kind == "HC1":
        w = np.full(n, n / (n - k))
    else:
        try:
            h = np.asarray(res.get_hat_matrix_diag())
        except np.linalg.LinAlgError as exc:
            raise DriverModelError(
                f"{kind}: the leverages could not be computed ({exc}); the information matrix is singular "
                "(separation or collinearity; parameter 'covariates')"
            ) from exc
        if np.any(h >= 1 - 1e-10):
            raise DriverModelError(f"{kind}: an observation has leverage 1; HC2/HC3 undefined (parameter 'robust')")
        w = 1.0 / (1.0 - h) ** (1 if kind == "HC2" else 2)
    meat = (scores * w[:, None]).T @ scores
    return bread @ meat @ bread


def _predict(family: str, res, params, X: pd.DataFrame | np.ndarray) -> np.ndarray:
    params = np.asarray(params, dtype=float)
    Xa = np.asarray(X, dtype=float)
    if family == "ordered_logit":
        return np.asarray(res.model.predict(params, exog=Xa))
    eta = Xa @ params
    if family == "ols":
        return eta
    if family in ("logit", "binomial"):
        return 1.0 / (1.0 + np.exp(-eta))
    return np.exp(eta)


# --------------------------------------------------------------------------- marginal effects
def _is_binary(col: pd.Series) -> bool:
    vals = set(np.unique(col.to_numpy()))
    return vals <= {0.0, 1.0} and len(vals) == 2


def average_marginal_effects(mf: ModelFit) -> pd.DataFrame:
    """Average marginal effects with delta-method SE (the model's covariance).

    Continuous covariates: average derivative of the expected outcome (central differences);
    0/1 covariates: average discrete change from 0 to 1. For an ordered logit, one row per outcome
    category (effect on its probability). Region dummies and the constant are skipped.
    """
    fam = mf.spec.family
    params = np.asarray(mf.result.params, dtype=float)
    V = np.asarray(mf.result.cov_params(), dtype=float)
    X = mf.X
    Xa = X.to_numpy(dtype=float)
    rows = []
    for term in [t for t in mf.spec.covariates if t in X.columns]:
        col = X[term]
        binary = _is_binary(col)
        h = 1e-4 * max(1.0, float(col.std()))
        # the two counterfactual designs, built once (the Jacobian below re-evaluates them for
        # every parameter)
        lo, hi = Xa.copy(), Xa.copy()
        j_term = X.columns.get_loc(term)
        if binary:
            lo[:, j_term], hi[:, j_term] = 0.0, 1.0
        else:
            lo[:, j_term] -= h
            hi[:, j_term] += h

        def ame(p, lo=lo, hi=hi, binary=binary, h=h):
            if binary:
                return (mf.predict(hi, p) - mf.predict(lo, p)).mean(axis=0)
            return ((mf.predict(hi, p) - mf.predict(lo, p)) / (2 * h)).mean(axis=0)

        est = np.atleast_1d(ame(params))
        J = np.empty((len(est), len(params)))
        for j in range(len(params)):
            step = 1e-6 * max(1.0, abs(params[j]))
            up, dn = params.copy(), params.copy()
            up[j] += step
            dn[j] -= step
            J[:, j] = (np.atleast_1d(ame(up)) - np.atleast_1d(ame(dn))) / (2 * step)
        se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", J, V, J), 0.0))
        cats = mf.extra.get("categories", [None]) if fam == "ordered_logit" else [None]
        for i, e in enumerate(est):
            z = e / se[i] if se[i] > 0 else np.nan
            rows.append(
                {
                    "model": mf.spec.name,
                    "term": term,
                    "category": cats[i] if fam == "ordered_logit" else "",
                    "ame": float(e),
                    "se": float(se[i]),
                    "pvalue": float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else np.nan,
                    "ci_low": float(e - 1.959963984540054 * se[i]),
                    "ci_high": float(e + 1.959963984540054 * se[i]),
                    "kind": "discrete 0->1" if binary else "dydx",
                }
            )
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------- diagnostics
def vif(mf: ModelFit) -> pd.DataFrame:
    """Variance inflation factors of the covariates (design matrix with a constant)."""
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    X = mf.X if "const" in mf.X.columns else mf.X.assign(const=1.0)
    arr = X.to_numpy(dtype=float)
    rows = [
        {"model": mf.spec.name, "term": c, "vif": float(variance_inflation_factor(arr, i))}
        for i, c in enumerate(X.columns)
        if c != "const"
    ]
    return pd.DataFrame(rows)


def influence(mf: ModelFit, top: int | None = None) -> pd.DataFrame:
    """Leverage and Cook's distance per country, most influential first (``iso3, name, leverage,
    cooks_d, flag``; flag = Cook's D > 4/N). Not available for the ordered logit (empty frame and
    a note).
    """
    if mf.spec.family == "ordered_logit":
        mf.notes.append("influence diagnostics not available for the ordered logit")
        return pd.DataFrame(columns=["model", "iso3", "name", "leverage", "cooks_d", "flag"])
    infl = mf.result.get_influence()
    cooks = infl.cooks_distance[0] if isinstance(infl.cooks_distance, tuple) else infl.cooks_distance
    out = pd.DataFrame(
        {
            "model": mf.spec.name,
            "iso3": mf.X.index,
            "name": _country_names(mf.X.index),
            "leverage": np.asarray(infl.hat_matrix_diag, dtype=float),
            "cooks_d": np.asarray(cooks, dtype=float),
        }
    )
    out["flag"] = out["cooks_d"] > 4.0 / mf.nobs
    out = out.sort_values(["cooks_d", "iso3"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    return out.head(top) if top else out


# -------------------------------------------------------------------------------- robustness
def robustness_specs(base: ModelSpec, *, fast: bool = False) -> list[ModelSpec]:
    """The robustness variants of ``base``.

    ``base``; drop USA and China; UN-region effects; the alternative alignment measure (all votes
    vs first-period); a documentation-depth control (coded non-instrument cells: how much was
    found about a country at all); EU members' ``ai_law`` left out of the outcome (the EU AI Act
    is not a national choice); the motivations stated in the strategies added as covariates
    (labelled *descriptive*: same strategy texts as the outcome); and the alternative outcomes
    (ordered stance, national-LLM logit on the coded countries). ``fast`` keeps the first two.
    """
    specs = [base]
    if not {"USA", "CHN"} <= set(base.exclude):
        drop = tuple(sorted({*base.exclude, "USA", "CHN"}))
        specs.append(base.replace(name=f"{base.name}: drop USA, CHN", exclude=drop))
    if fast:
        return specs
    specs.append(base.replace(name=f"{base.name}: region effects", region_effects=True))
    swap = {"unga_alignment": "unga_alignment_all", "unga_alignment_all": "unga_alignment"}
    if any(c in swap for c in base.covariates):
        alt = tuple(swap.get(c, c) for c in base.covariates)
        specs.append(
            base.replace(
                name=f"{base.name}: alignment {'all votes' if 'unga_alignment_all' in alt else 'first-period'}",
                covariates=alt,
            )
        )
    if "documentation_depth" not in base.covariates:
        specs.append(
            base.replace(
                name=f"{base.name}: + documentation depth", covariates=(*base.covariates, "documentation_depth")
            )
        )
    if base.outcome == "instruments_adopted" and base.family == "binomial":
        specs.append(
            base.replace(
                name=f"{base.name}: EU AI Act not counted",
                outcome="instruments_adopted_ex_eu",
                trials="instruments_coded_ex_eu",
            )
        )
    stated = tuple(c for c in STATED_DRIVERS if c not in base.covariates)
    if stated and base.outcome not in STATED_DRIVERS:
        specs.append(
            base.replace(
                name=f"{base.name}: + stated drivers (descriptive, same source as outcome)",
                covariates=base.covariates + stated,
                missing_category=(*base.missing_category, *stated),
            )
        )
    if base.outcome in ("instruments_adopted", "instrument_count"):
        specs.append(base.replace(name="stance (ordered logit)", outcome="stance", family="ordered_logit"))
        llm_covariates = tuple(c for c in base.covariates if c != "chip_share")
        specs.append(
            base.replace(
                name="national_llm (logit, coded countries, no chip_share)",
                outcome="national_llm",
                family="logit",
                covariates=llm_covariates,
            )
        )
    return specs


def fit_statistics(fits: Sequence[ModelFit]) -> pd.DataFrame:
    """Model comparison: ``model, outcome, family, nobs, n_params, loglik, aic, bic, r2, r2_kind,
    n_dropped`` — one row per fitted specification."""
    rows = []
    for mf in fits:
        llf = float(getattr(mf.result, "llf", np.nan))
        rows.append(
            {
                "model": mf.spec.name,
                "outcome": mf.spec.outcome,
                "family": mf.spec.family,
                "nobs": mf.nobs,
                "n_params": len(mf.param_names),
                "loglik": llf,
                "aic": mf.aic,
                "bic": mf.bic,
                "r2": mf.r2,
                "r2_kind": mf.r2_kind,
                "n_dropped": len(mf.dropped),
            }
        )
    return pd.DataFrame(rows)


def significant_after_adjustment(
    fits: Sequence[ModelFit], *, alpha: float = 0.05, method: str = "holm"
) -> pd.DataFrame:
    """Driver terms with an adjusted p-value below ``alpha`` per model (``model, term, driver,
    coef, pvalue, pvalue_adj``)."""
    col = "pvalue_holm" if method == "holm" else "pvalue_bh"
    declared = declared_proxies()
    parts = []
    for mf in fits:
        tab = mf.table()
        hit = tab[tab[col] < alpha]
        for _, r in hit.iterrows():
            parts.append(
                {
                    "model": r["model"],
                    "term": r["term"],
                    "driver": declared[r["term"]].driver if r["term"] in declared else "",
                    "coef": r["coef"],
                    "pvalue": r["pvalue"],
                    "pvalue_adj": r[col],
                }
            )
    return pd.DataFrame(parts, columns=["model", "term", "driver", "coef", "pvalue", "pvalue_adj"])


def leave_one_region_out(spec: ModelSpec, data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Refit ``spec`` leaving out each UN region in turn: ``left_out, term, coef, se, pvalue, nobs``
    for the driver terms (a region whose removal makes the model inestimable is reported with
    NaN and the reason in ``message``)."""
    if data is None:
        data = model_data(spec.year, window=spec.window, na_policy=spec.na_policy)
    rows = []
    for region in sorted(data["un_region"].dropna().unique()):
        keep = data["un_region"] != region
        try:
            mf = fit(spec.replace(name=f"{spec.name}: without {region}"), data[keep])
        except DriverModelError as exc:
            rows.append(
                {
                    "left_out": region,
                    "term": "",
                    "coef": np.nan,
                    "se": np.nan,
                    "pvalue": np.nan,
                    "nobs": 0,
                    "message": str(exc),
                }
            )
            continue
        tab = mf.table().set_index("term")
        for term in mf.tested_terms:
            r = tab.loc[term]
            rows.append(
                {
                    "left_out": region,
                    "term": term,
                    "coef": r["coef"],
                    "se": r["se"],
                    "pvalue": r["pvalue"],
                    "nobs": mf.nobs,
                    "message": "",
                }
            )
    return pd.DataFrame(rows)


def bootstrap_coefficients(
    spec: ModelSpec, data: pd.DataFrame | None = None, *, n_boot: int = 500, seed: int = 42, level: float = 0.95
) -> pd.DataFrame:
    """Country (pairs) bootstrap of the driver coefficients: resample countries with replacement,
    refit, and report ``term, coef, boot_low, boot_high, boot_se, n_ok, n_failed`` (percentile
    interval at ``level``). Resamples that cannot be estimated (separation, one class) are counted
    in ``n_failed``, not hidden."""
    if data is None:
        data = model_data(spec.year, window=spec.window, na_policy=spec.na_policy)
    base = fit(spec, data)
    sample = data.loc[base.X.index]
    rng = np.random.default_rng(seed)
    draws: list[pd.Series] = []
    failed = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(int(n_boot)):
            idx = rng.integers(0, len(sample), len(sample))
            boot = sample.iloc[idx].copy()
            boot.index = [f"{c}#{i}" for i, c in enumerate(boot.index)]
            try:
                mf = fit(spec.replace(exclude=()), boot)
            except (DriverModelError, np.linalg.LinAlgError, ValueError):
                failed += 1
                continue
            draws.append(mf.params.reindex(base.tested_terms))
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    frame = pd.DataFrame(draws)
    rows = []
    for term in base.tested_terms:
        col = frame[term].dropna() if term in frame else pd.Series(dtype=float)
        rows.append(
            {
                "model": spec.name,
                "term": term,
                "coef": float(base.params[term]),
                "boot_low": float(col.quantile(lo)) if len(col) else np.nan,
                "boot_high": float(col.quantile(hi)) if len(col) else np.nan,
                "boot_se": float(col.std(ddof=1)) if len(col) > 1 else np.nan,
                "n_ok": len(col),
                "n_failed": failed,
            }
        )
    return pd.DataFrame(rows)


def fit_many(specs: Sequence[ModelSpec], data: pd.DataFrame | None = None) -> tuple[list[ModelFit], pd.DataFrame]:
    """Fit several specifications; a specification that cannot be estimated is reported, not fatal.

    Returns the fits and a frame ``model, status, message`` (status ``ok`` or ``failed``).
    """
    fits, status = [], []
    cache_data: dict = {}
    for spec in specs:
        d = data
        if d is None:
            key = (spec.year, spec.window, spec.na_policy)
            if key not in cache_data:
                cache_data[key] = model_data(spec.year, window=spec.window, na_policy=spec.na_policy)
            d = cache_data[key]
        try:
            mf = fit(spec, d)
        except DriverModelError as exc:
            status.append({"model": spec.name, "status": "failed", "message": str(exc)})
            continue
        fits.append(mf)
        status.append({"model": spec.name, "status": "ok", "message": "; ".join(mf.notes)})
    return fits, pd.DataFrame(status, columns=["model", "status", "message"])


def dropped_countries(fits: Sequence[ModelFit]) -> pd.DataFrame:
    """Countries dropped for missing data, per model (``model, iso3, name, missing``)."""
    parts = [mf.dropped.assign(model=mf.spec.name) for mf in fits]
    if not parts:
        return pd.DataFrame(columns=["model", "iso3", "name", "missing"])
    return pd.concat(parts, ignore_index=True)[["model", "iso3", "name", "missing"]]


# ------------------------------------------------------------------------------------- tables
def tidy_table(fits: Sequence[ModelFit]) -> pd.DataFrame:
    """All coefficients of all models, long form (the ``drivers_models.csv`` contract)."""
    return pd.concat([mf.table() for mf in fits], ignore_index=True)


def adjust_pvalues(pvalues: Sequence[float] | np.ndarray, method: str = "holm") -> np.ndarray:
    """Multiplicity-adjusted p-values: ``"holm"`` (Holm 1979 step-down, family-wise error) or
    ``"fdr_bh"`` (Benjamini–Hochberg 1995, false discovery rate). NaN stays NaN.

    >>> adjust_pvalues([0.01, 0.04, 0.03], "holm").round(3).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.isfinite(p)
    q = p[ok]
    m = len(q)
    if m == 0:
        return out
    order = np.argsort(q, kind="mergesort")
    ranked = q[order]
    if method == "holm":
        adj = np.maximum.accumulate((m - np.arange(m)) * ranked)
    elif method == "fdr_bh":
        adj = np.minimum.accumulate((m / np.arange(m, 0, -1)) * ranked[::-1])[::-1]
    else:
        raise ValueError(f"parameter 'method': {method!r} is not 'holm' or 'fdr_bh'")
    res = np.empty(m)
    res[order] = np.minimum(adj, 1.0)
    out[ok] = res
    return out


def _stars(p: float) -> str:
    if not np.isfinite(p):
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


def comparison_table(fits: Sequence[ModelFit], digits: int = 3) -> pd.DataFrame:
    """Model-comparison table: coefficient with stars and (robust SE) per term × model, then N,
    R²/pseudo-R², AIC, family, outcome and covariance rows.
    """
    terms: list[str] = []
    for mf in fits:
        for t in mf.param_names:
            if t not in terms:
                terms.append(t)
    order = [t for t in terms if t != "const" and not t.startswith(("region[", "cut: "))]
    order += [t for t in terms if t.startswith("region[")] + [t for t in terms if t.startswith("cut: ")]
    order += ["const"] if "const" in terms else []
    cols = {}
    for mf in fits:
        tab = mf.table().set_index("term")
        cells = {}
        for t in order:
            if t in tab.index:
                r = tab.loc[t]
                cells[t] = f"{r['coef']:.{digits}f}{_stars(r['pvalue_holm'])} ({r['se']:.{digits}f})"
            else:
                cells[t] = ""
        cells["N"] = str(mf.nobs)
        cells["R2 / pseudo-R2"] = f"{mf.r2:.{digits}f}" if np.isfinite(mf.r2) else ""
        cells["AIC"] = f"{mf.aic:.1f}" if np.isfinite(mf.aic) else ""
        cells["BIC"] = f"{mf.bic:.1f}" if np.isfinite(mf.bic) else ""
        cells["family"] = mf.spec.family
        cells["outcome"] = mf.spec.outcome
        cells["SE"] = mf.cov_type
        cols[mf.spec.name] = cells
    out = pd.DataFrame(cols)
    out.index.name = "term"
    return out


def attribution(fits: Sequence[ModelFit]) -> str:
    """Sources of the proxies used by ``fits`` (non-commercial licences flagged) and the codings."""
    declared = declared_proxies()
    used = sorted({c for mf in fits for c in mf.spec.covariates if c in declared})
    sources = []
    for name in used:
        src = declared[name].source
        if src not in sources:
            sources.append(src)
    text = "Outcomes: sovai categorical codings (cited per value). Proxies: " + "; ".join(sources) + "."
    if any("non-commercial" in s.lower() for s in sources):
        text += " Contains non-commercial (CC BY-NC) data: not for commercial use."
    return text


# ------------------------------------------------------------------------------------ figures
def coefficient_plot(fits: Sequence[ModelFit], terms: Sequence[str] | None = None):
    """Coefficients with 95% CIs, one panel per model (coefficients are on each model's scale)."""
    import matplotlib.pyplot as plt

    fits = list(fits)
    ncols = min(3, len(fits))
    nrows = math.ceil(len(fits) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 0.35 * 12 * nrows + 1), squeeze=False)
    for ax, mf in zip(axes.flat, fits):
        tab = mf.table()
        keep = tab["term"].isin(terms) if terms else ~tab["term"].str.startswith(("const", "cut: ", "region["))
        tab = tab[keep].iloc[::-1]
        ypos = np.arange(len(tab))
        sig = tab["pvalue"] < 0.05
        ax.hlines(ypos, tab["ci_low"], tab["ci_high"], color="0.4", lw=1.2)
        ax.scatter(tab["coef"], ypos, c=np.where(sig, "#c0392b", "#2c3e50"), zorder=3, s=22)
        ax.axvline(0, color="0.6", lw=0.8, ls="--")
        ax.set_yticks(ypos, tab["term"])
        ax.set_title(f"{mf.spec.name}\n({mf.spec.family}, N={mf.nobs})", fontsize=9)
        ax.tick_params(labelsize=8)
    for ax in list(axes.flat)[len(fits) :]:
        ax.set_visible(False)
    fig.suptitle("Driver coefficients with 95% robust CIs (red: p < 0.05) — sovai reconstruction", fontsize=10)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    _footnote(fig, fits)
    return fig


def _footnote(fig, fits: Sequence[ModelFit]) -> None:
    import textwrap

    text = "sovai reconstruction. " + attribution(fits)
    fig.text(0.01, 0.005, "\n".join(textwrap.wrap(text, 160)), fontsize=5.5, color="0.35", va="bottom", ha="left")


def expected_outcome(mf: ModelFit, X: pd.DataFrame | None = None, params=None) -> np.ndarray:
    """Expected outcome per row; for an ordered model the expected category index (0 = lowest)."""
    pred = mf.predict(X, params)
    if mf.spec.family == "ordered_logit":
        return pred @ np.arange(pred.shape[1])
    return pred


def predicted_vs_observed(mf: ModelFit, label_top: int = 8):
    """Scatter of observed against predicted outcome with the 45° line; largest residuals labelled."""
    import matplotlib.pyplot as plt

    pred = expected_outcome(mf)
    obs = mf.y.cat.codes.to_numpy(dtype=float) if mf.spec.family == "ordered_logit" else mf.y.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.scatter(pred, obs, s=16, alpha=0.7, color="#2c3e50")
    lo, hi = float(min(pred.min(), obs.min())), float(max(pred.max(), obs.max()))
    ax.plot([lo, hi], [lo, hi], color="#c0392b", lw=1, ls="--", label="observed = predicted")
    resid = np.abs(obs - pred)
    for i in np.argsort(-resid, kind="mergesort")[:label_top]:
        ax.annotate(mf.X.index[i], (pred[i], obs[i]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ylabel = f"observed {mf.spec.outcome}" + (" (category index)" if mf.spec.family == "ordered_logit" else "")
    ax.set(
        xlabel="predicted (expected value)", ylabel=ylabel, title=f"{mf.spec.name}: predicted vs observed (N={mf.nobs})"
    )
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _footnote(fig, [mf])
    return fig


def marginal_effect_curve(
    mf: ModelFit, covariate: str, *, n_points: int = 25, n_sims: int = 500, seed: int = 42
) -> pd.DataFrame:
    """Average predicted outcome as ``covariate`` moves over its 5–95th percentile.

    Other covariates stay as observed; the 95% band comes from ``n_sims`` parameter draws (seeded).
    """
    if covariate not in mf.X.columns:
        raise DriverModelError(f"parameter 'covariate': {covariate!r} is not a covariate of model {mf.spec.name!r}")
    col = mf.X[covariate]
    grid = np.array([0.0, 1.0]) if _is_binary(col) else np.linspace(col.quantile(0.05), col.quantile(0.95), n_points)
    params = np.asarray(mf.result.params, dtype=float)
    V = np.asarray(mf.result.cov_params(), dtype=float)
    rng = np.random.default_rng(seed)
    draws = rng.multivariate_normal(params, V, size=n_sims, method="svd")
    rows = []
    for v in grid:
        Xv = mf.X.copy()
        Xv[covariate] = v
        est = float(expected_outcome(mf, Xv).mean())
        if mf.spec.family == "ordered_logit":
            sims = np.array([expected_outcome(mf, Xv, d).mean() for d in draws])
        else:  # vectorised over draws: rows x draws linear predictor
            eta = Xv.to_numpy(dtype=float) @ draws.T
            link = {"ols": lambda e: e, "logit": lambda e: 1.0 / (1.0 + np.exp(-e))}.get(mf.spec.family, np.exp)
            sims = link(eta).mean(axis=0)
        rows.append(
            {
                "value": float(v),
                "predicted": est,
                "low": float(np.quantile(sims, 0.025)),
                "high": float(np.quantile(sims, 0.975)),
            }
        )
    return pd.DataFrame(rows)


def marginal_effect_plot(mf: ModelFit, covariate: str, *, n_sims: int = 500, seed: int = 42):
    """Plot :func:`marginal_effect_curve` with a rug of the observed covariate values."""
    import matplotlib.pyplot as plt

    curve = marginal_effect_curve(mf, covariate, n_sims=n_sims, seed=seed)
    fig, ax = plt.subplots(figsize=(6, 4.2))
    ax.fill_between(
        curve["value"], curve["low"], curve["high"], color="#2980b9", alpha=0.25, label="95% band (simulation)"
    )
    ax.plot(curve["value"], curve["predicted"], color="#2980b9", lw=2, label="average prediction")
    ax.plot(mf.X[covariate], np.full(mf.nobs, curve["low"].min()), "|", color="0.3", alpha=0.5, ms=8)
    declared = declared_proxies()
    label = declared[covariate].label if covariate in declared else covariate
    ylab = f"expected {mf.spec.outcome}" + (" (category index)" if mf.spec.family == "ordered_logit" else "")
    ax.set(xlabel=label, ylabel=ylab, title=f"{mf.spec.name}: effect of {covariate}")
    ax.legend(fontsize=8)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _footnote(fig, [mf])
    return fig
