"""Regression analyses of the drivers of AI sovereignty (DESIGN.md §4.3) — a reconstruction.

The report's own specification is not public: every model here is sovai's reconstruction from
open data and the project's cited codings (:mod:`sovai.categorical`).

* **Specifications as data**: :class:`ModelSpec` (name, outcome, family, covariates, exclude,
  robust covariance, region effects, year, NA policy); variants are ``spec.replace(...)``.
* **Outcomes**: ``instrument_count`` (Poisson, negative binomial, OLS), any boolean instrument such
  as ``national_llm`` (logit) and ``stance`` (ordered logit, ``OrderedModel``).
* **Driver proxies** (:data:`PROXIES`, :func:`build_driver_frame`, :func:`driver_proxies`), each
  with its source and the years used (latest value in a window ending at ``year``).
* **Inference**: HC3 robust SE by default. OLS uses statsmodels' HC3. For the GLMs (Poisson,
  negative binomial, logit) statsmodels' ``cov_type="HC3"`` silently equals HC0, so sovai computes
  the HC3 sandwich itself from the observation scores and the GLM hat matrix, ``B (Σ s_i s_iᵀ /
  (1 − h_ii)²) B``, and installs it in the statsmodels results (``res.bse``, ``res.pvalues``,
  ``res.conf_int()`` all use it; a test checks it reproduces OLS HC3 on a Gaussian GLM). For the
  ordered logit HC3 is not defined (no hat matrix): the HC0 sandwich is used and reported as
  such in the ``cov_type`` column. p-values and intervals are normal-based.
* Average marginal effects (delta method), VIF, influence (Cook's distance, leverage, most
  influential countries named), robustness variants, the countries dropped for missing data with
  their names, model tables (CSV, LaTeX, HTML) and figures.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sovai.errors import SovaiError

#: Model families.
FAMILIES = ("ols", "poisson", "negbin", "logit", "ordered_logit")
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
@dataclass(frozen=True)
class Proxy:
    """A driver proxy: what it measures and where it comes from."""

    name: str
    driver: str
    label: str
    source: str
    indicator: str
    transform: str
    note: str = ""


PROXIES: dict[str, Proxy] = {
    p.name: p
    for p in [
        Proxy(
            "log_gdp",
            "economic",
            "log GDP (current US$)",
            "World Bank WDI (CC BY 4.0)",
            "NY.GDP.MKTP.CD",
            "natural log",
        ),
        Proxy(
            "log_gdp_pc",
            "economic",
            "log GDP per capita (current US$)",
            "World Bank WDI (CC BY 4.0)",
            "NY.GDP.PCAP.CD",
            "natural log",
        ),
        Proxy(
            "hightech_exports",
            "economic",
            "high-tech exports (% of manufactured exports)",
            "World Bank WDI (CC BY 4.0)",
            "TX.VAL.TECH.MF.ZS",
            "none (percent)",
        ),
        Proxy(
            "unga_alignment",
            "security",
            "UNGA ideal-point distance to US minus to China (first-period votes)",
            "Bailey, Strezhnev & Voeten (2017), UNGA ideal points, July 2025 release",
            "idealpointfp",
            "|ideal - ideal_USA| - |ideal - ideal_CHN| (same year); positive = closer to China",
        ),
        Proxy(
            "unga_alignment_all",
            "security",
            "UNGA ideal-point distance to US minus to China (all votes)",
            "Bailey, Strezhnev & Voeten (2017), UNGA ideal points, July 2025 release",
            "idealpointall",
            "|ideal - ideal_USA| - |ideal - ideal_CHN| (same year); positive = closer to China",
        ),
        Proxy(
            "nato",
            "security",
            "NATO member (0/1)",
            "data/countries/memberships.csv (cited per row)",
            "in_NATO",
            "0/1, current membership",
        ),
        Proxy(
            "us_ally",
            "security",
            "US treaty ally: NATO or bilateral/Pacific treaty (0/1)",
            f"memberships.csv (NATO) + U.S. Department of State, U.S. Collective Defense Arrangements ({US_TREATY_SOURCE})",
            "in_NATO | AUS, JPN, KOR, NZL, PHL, THA",
            "0/1; Rio Treaty not counted",
        ),
        Proxy(
            "trade_openness",
            "resilience",
            "trade openness: exports + imports (% of GDP)",
            "World Bank WDI (CC BY 4.0)",
            "NE.EXP.GNFS.ZS + NE.IMP.GNFS.ZS",
            "sum, same year for both",
        ),
        Proxy(
            "chip_share",
            "resilience",
            "home share of the chip supply chain (%)",
            "ETO Chip Explorer (CC BY-NC 4.0, non-commercial)",
            "chip_supply_chain_share",
            "percent; a target country absent from ETO's provider lists counts 0",
            note="NON-COMMERCIAL licence",
        ),
        Proxy(
            "english_not_official",
            "cultural_linguistic",
            "English not an official language (0/1)",
            "Unicode CLDR via babel",
            "english_official",
            "1 - english_official",
        ),
        Proxy(
            "english_share",
            "cultural_linguistic",
            "share of population speaking English (0-1)",
            "Unicode CLDR via babel",
            "english_speakers_share",
            "none; NA where CLDR lists no English speakers (not assumed 0)",
        ),
        Proxy(
            "regime",
            "governance",
            "regime type (Regimes of the World, 0 closed autocracy - 3 liberal democracy)",
            "V-Dem Regimes of the World via Our World in Data",
            "regime_row",
            "none (0-3 treated as numeric)",
        ),
        Proxy(
            "internet_users",
            "governance",
            "internet users (% of population)",
            "ITU via Our World in Data",
            "internet_users_pct",
            "none (percent)",
        ),
    ]
}

#: Default covariates: one or more proxies per driver. The first is the headline driver.
DEFAULT_COVARIATES = (
    "log_gdp",
    "log_gdp_pc",
    "unga_alignment",
    "nato",
    "trade_openness",
    "chip_share",
    "english_not_official",
    "regime",
)
#: The drivers as stated in the national strategies (categorical codings), usable as covariates.
STATED_DRIVERS = ("driver_security", "driver_resilience", "driver_economic", "driver_cultural_linguistic")
DEFAULT_YEAR = 2023
DEFAULT_WINDOW = 5


def _latest(tidy: pd.DataFrame, year: int, window: int) -> pd.DataFrame:
    """Latest value per iso3 with ``year - window < year_used <= year``: ``iso3, value, year``."""
    df = tidy[(tidy["year"] <= year) & (tidy["year"] > year - window)].dropna(subset=["value"])
    df = df.sort_values(["iso3", "year"]).groupby("iso3", sort=True).tail(1)
    return df.set_index("iso3")[["value", "year"]]


def _alignment(measure: str, year: int, window: int) -> pd.DataFrame:
    from sovai.sources import unga

    raw = unga.load()
    raw = raw[raw["indicator"] == measure].pivot_table(index="year", columns="iso3", values="value", aggfunc="first")
    rows = []
    for yr in range(year - window + 1, year + 1):
        if yr not in raw.index or pd.isna(raw.loc[yr].get("USA")) or pd.isna(raw.loc[yr].get("CHN")):
            continue
        ideal = raw.loc[yr].dropna().astype(float)
        value = (ideal - ideal["USA"]).abs() - (ideal - ideal["CHN"]).abs()
        rows.append(pd.DataFrame({"iso3": value.index, "year": yr, "value": value.to_numpy()}))
    if not rows:
        raise DriverModelError(
            f"parameter 'year': no UNGA {measure} values for USA and CHN in {year - window + 1}-{year}"
        )
    return _latest(pd.concat(rows, ignore_index=True), year, window)


@cache
def _proxy_values(name: str, year: int, window: int) -> pd.DataFrame:
    """One proxy for the target countries: ``value`` (float, NaN missing) and ``year`` used."""
    from sovai.countries import reference_table, target_countries
    from sovai.sources import eto, languages, owid, wdi

    targets = target_countries()
    if name in ("log_gdp", "log_gdp_pc", "hightech_exports"):
        code = PROXIES[name].indicator
        df = _latest(wdi.load([code]), year, window)
        if name.startswith("log_"):
            df["value"] = np.log(df["value"].astype(float).where(df["value"] > 0))
    elif name == "trade_openness":
        raw = wdi.load(["NE.EXP.GNFS.ZS", "NE.IMP.GNFS.ZS"])
        wide = raw.pivot_table(index=["iso3", "year"], columns="indicator", values="value", aggfunc="first").dropna()
        tot = (wide["NE.EXP.GNFS.ZS"] + wide["NE.IMP.GNFS.ZS"]).rename("value").reset_index()
        df = _latest(tot, year, window)
    elif name == "unga_alignment":
        df = _alignment("unga_idealpoint_fp", year, window)
    elif name == "unga_alignment_all":
        df = _alignment("unga_idealpoint_all", year, window)
    elif name in ("nato", "us_ally"):
        ref = reference_table()
        member = ref["in_NATO"].astype(bool)
        if name == "us_ally":
            member = member | ref.index.isin(US_TREATY_ALLIES_NON_NATO)
        df = pd.DataFrame({"value": member.astype(float), "year": np.nan}, index=ref.index)
    elif name == "chip_share":
        raw = eto.load()
        df = raw.set_index("iso3")[["value", "year"]]
        df = df.reindex(targets)
        df["year"] = df["year"].fillna(int(raw["year"].max()))
        df["value"] = df["value"].fillna(0.0)
    elif name in ("english_not_official", "english_share"):
        raw = languages.load()
        ind = "english_official" if name == "english_not_official" else "english_speakers_share"
        df = raw[raw["indicator"] == ind].set_index("iso3")[["value", "year"]]
        if name == "english_not_official":
            df["value"] = 1.0 - df["value"]
    elif name == "regime":
        df = _latest(owid.load_political_regime(), year, window)
    elif name == "internet_users":
        df = _latest(owid.load_internet_users(), year, window)
    else:  # pragma: no cover - guarded by callers
        raise DriverModelError(f"unknown proxy {name!r}")
    df = df.reindex(targets)
    df.index.name = "iso3"
    return pd.DataFrame(
        {"value": pd.to_numeric(df["value"], errors="coerce").astype(float), "year": df["year"].astype("Float64")}
    )


def build_driver_frame(
    year: int = DEFAULT_YEAR, *, window: int = DEFAULT_WINDOW, proxies: Iterable[str] | None = None
) -> pd.DataFrame:
    """The driver proxies for the 195 target countries (index ``iso3``, float columns, NaN missing).

    Each proxy takes the latest value in ``(year - window, year]``; membership, CLDR and ETO
    proxies are time-invariant snapshots (see :func:`driver_proxies` for sources and years used).
    """
    names = list(PROXIES) if proxies is None else list(proxies)
    unknown = [p for p in names if p not in PROXIES]
    if unknown:
        raise DriverModelError(f"parameter 'proxies': unknown proxy {unknown}; available: {sorted(PROXIES)}")
    return pd.DataFrame({p: _proxy_values(p, int(year), int(window))["value"] for p in names})


def driver_proxies(
    year: int = DEFAULT_YEAR, *, window: int = DEFAULT_WINDOW, proxies: Iterable[str] | None = None
) -> pd.DataFrame:
    """Documentation table of every proxy: driver, label, source, indicator, transform, years used
    and the number of target countries with a value.
    """
    names = list(PROXIES) if proxies is None else list(proxies)
    rows = []
    for name in names:
        p = PROXIES[name]
        vals = _proxy_values(name, int(year), int(window))
        used = vals.loc[vals["value"].notna(), "year"].dropna()
        rows.append(
            {
                "proxy": name,
                "driver": p.driver,
                "label": p.label,
                "source": p.source,
                "indicator": p.indicator,
                "transform": p.transform,
                "target_year": int(year),
                "window": int(window),
                "year_min": int(used.min()) if len(used) else pd.NA,
                "year_max": int(used.max()) if len(used) else pd.NA,
                "n_countries": int(vals["value"].notna().sum()),
                "note": p.note,
            }
        )
    out = pd.DataFrame(rows)
    out["year_min"] = out["year_min"].astype("Int64")
    out["year_max"] = out["year_max"].astype("Int64")
    return out


def model_data(year: int = DEFAULT_YEAR, *, window: int = DEFAULT_WINDOW, na_policy: str = "not_found") -> pd.DataFrame:
    """Outcomes (categorical codings) joined with every driver proxy, indexed by iso3, plus
    ``un_region`` for region effects.
    """
    from sovai.categorical import load_categorical
    from sovai.countries import reference_table

    cat = load_categorical(na_policy=na_policy)
    # Boolean codings as outcomes follow the same NA policy as the derived count: under
    # "not_found" a missing cell is "not found" (False); under "coded_only" only for countries
    # with some coded value; under "strict" NA stays NA.
    bools = [c for c in cat.columns if str(cat[c].dtype) == "boolean"]
    if na_policy == "not_found":
        cat[bools] = cat[bools].fillna(False)
    elif na_policy == "coded_only":
        reached = cat["instrument_count"].notna()
        cat.loc[reached, bools] = cat.loc[reached, bools].fillna(False)
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
        Column of the model data (``instrument_count``, ``stance``, a boolean instrument…).
    family
        One of :data:`FAMILIES`.
    covariates
        Proxy names (see :data:`PROXIES`) or columns of user-given data.
    exclude
        ISO3 codes left out of the sample.
    robust
        Covariance: ``"HC3"`` (default), ``"HC2"``, ``"HC1"``, ``"HC0"`` or ``"nonrobust"``.
    region_effects
        Add UN-region dummies (baseline: Africa).
    year, window
        Proxy year and look-back window.
    na_policy
        NA policy for the derived outcomes (see :func:`sovai.categorical.derive`).
    standardize
        z-score the continuous covariates over the estimation sample (0/1 dummies unchanged), so
        coefficients are per standard deviation and comparable across proxies.
    """

    name: str = "base"
    outcome: str = "instrument_count"
    family: str = "poisson"
    covariates: tuple[str, ...] = DEFAULT_COVARIATES
    exclude: tuple[str, ...] = ()
    robust: str = "HC3"
    region_effects: bool = False
    year: int = DEFAULT_YEAR
    window: int = DEFAULT_WINDOW
    na_policy: str = "not_found"
    standardize: bool = False

    def __post_init__(self):
        object.__setattr__(self, "covariates", tuple(self.covariates))
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

    def table(self) -> pd.DataFrame:
        """Tidy coefficients: ``model, term, coef, se, pvalue, ci_low, ci_high, nobs`` and fit stats."""
        res = self.result
        ci = np.asarray(res.conf_int(alpha=0.05))
        return pd.DataFrame(
            {
                "model": self.spec.name,
                "term": self.param_names,
                "coef": np.asarray(res.params, dtype=float),
                "se": np.asarray(res.bse, dtype=float),
                "pvalue": np.asarray(res.pvalues, dtype=float),
                "ci_low": ci[:, 0].astype(float),
                "ci_high": ci[:, 1].astype(float),
                "nobs": self.nobs,
                "outcome": self.spec.outcome,
                "family": self.spec.family,
                "cov_type": self.cov_type,
                "r2": self.r2,
                "r2_kind": self.r2_kind,
                "aic": self.aic,
                "n_dropped": len(self.dropped),
            }
        )

    def predict(self, X: pd.DataFrame | np.ndarray | None = None, params=None) -> np.ndarray:
        """Expected outcome (count, probability, or the category probabilities of an ordered model)."""
        X = self.X if X is None else X
        return _predict(self.spec.family, self.result, np.asarray(self.result.params) if params is None else params, X)


# ----------------------------------------------------------------------------------- design
def _outcome_series(data: pd.DataFrame, spec: ModelSpec) -> pd.Series:
    if spec.outcome not in data.columns:
        candidates = [c for c in data.columns if c not in PROXIES and c != "un_region"]
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
        avail = sorted(set(PROXIES) | {c for c in data.columns if c not in (spec.outcome, "un_region")})
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
    if spec.region_effects:
        if "un_region" not in data.columns:
            raise DriverModelError("parameter 'region_effects': the data has no 'un_region' column")
        frame["__region"] = data["un_region"]
    missing = frame.isna()
    keep = ~missing.any(axis=1)
    names = _country_names(frame.index[~keep])
    dropped = pd.DataFrame(
        {
            "iso3": frame.index[~keep],
            "name": names,
            "missing": [
                ", ".join(
                    c.replace("__y", spec.outcome).replace("__region", "un_region")
                    for c in missing.columns[missing.loc[i]]
                )
                for i in frame.index[~keep]
            ],
        }
    )
    y = y[keep]
    X = X[keep]
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
            elif fam == "poisson":
                family = sm.families.Poisson()
            else:  # negbin: alpha by ML (NB2), then GLM with that alpha (same coefficients)
                nb = sm.NegativeBinomial(y, X, loglike_method="nb2").fit(disp=0, maxiter=500)
                alpha = float(nb.params.iloc[-1])
                extra["alpha"] = alpha
                notes.append(f"negative binomial (NB2) alpha = {alpha:.4g} estimated by ML")
                family = sm.families.NegativeBinomial(alpha=alpha)
            model = sm.GLM(y, X, family=family)
            res = model.fit(maxiter=200)
            if not res.converged:
                raise DriverModelError(f"model {spec.name!r}: GLM did not converge; simplify parameter 'covariates'")
            if fam == "logit":
                # quasi-complete separation the linear program missed (numerically): fitted
                # probabilities of exactly 0 or 1 leave the information matrix singular
                fitted = np.asarray(res.fittedvalues, dtype=float)
                extreme = (fitted < 1e-8) | (fitted > 1 - 1e-8)
                if extreme.any():
                    who = [str(c) for c in X.index[extreme]]
                    raise DriverModelError(
                        f"model {spec.name!r}: quasi-complete separation — outcome {spec.outcome!r} of {len(who)} "
                        f"countries ({', '.join(who[:10])}) is predicted with probability 0 or 1, so the logit MLE "
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
    if family == "logit":
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
    for term in mf.spec.covariates:
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

    ``base``; drop USA and China; UN-region effects; alternative alignment measure (all votes vs
    first-period); only the countries the research reached (NA policy ``coded_only``); the
    motivations stated in the strategies (coded ``driver_*`` variables) added as covariates;
    alternative family (negbin ↔ poisson; OLS for counts); alternative outcomes (ordered stance,
    national LLM logit). ``fast`` keeps the first two.
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
    if base.na_policy == "not_found":
        specs.append(base.replace(name=f"{base.name}: researched countries only", na_policy="coded_only"))
    stated = tuple(c for c in STATED_DRIVERS if c not in base.covariates)
    if stated and base.outcome not in STATED_DRIVERS:
        specs.append(base.replace(name=f"{base.name}: + stated drivers (codings)", covariates=base.covariates + stated))
    if base.outcome == "instrument_count":
        for fam in ("negbin", "poisson", "ols"):
            if fam != base.family:
                specs.append(base.replace(name=f"{base.name}: {fam}", family=fam))
        specs.append(base.replace(name="stance (ordered logit)", outcome="stance", family="ordered_logit"))
        # chip_share is non-zero for a handful of chip-making economies, all of which have a
        # state-backed national LLM: with it the logit is quasi-separated (no MLE), so this variant
        # leaves it out (a model with it fails with a message naming the countries)
        llm_covariates = tuple(c for c in base.covariates if c != "chip_share")
        specs.append(
            base.replace(
                name="national_llm (logit, no chip_share)",
                outcome="national_llm",
                family="logit",
                covariates=llm_covariates,
            )
        )
    elif base.outcome != "instrument_count":
        specs.append(base.replace(name="instrument_count (poisson)", outcome="instrument_count", family="poisson"))
    return specs


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
                cells[t] = f"{r['coef']:.{digits}f}{_stars(r['pvalue'])} ({r['se']:.{digits}f})"
            else:
                cells[t] = ""
        cells["N"] = str(mf.nobs)
        cells["R2 / pseudo-R2"] = f"{mf.r2:.{digits}f}" if np.isfinite(mf.r2) else ""
        cells["AIC"] = f"{mf.aic:.1f}" if np.isfinite(mf.aic) else ""
        cells["family"] = mf.spec.family
        cells["outcome"] = mf.spec.outcome
        cells["SE"] = mf.cov_type
        cols[mf.spec.name] = cells
    out = pd.DataFrame(cols)
    out.index.name = "term"
    return out


def attribution(fits: Sequence[ModelFit]) -> str:
    """Sources of the proxies used by ``fits`` (non-commercial licences flagged) and the codings."""
    used = sorted({c for mf in fits for c in mf.spec.covariates if c in PROXIES})
    sources = []
    for name in used:
        src = PROXIES[name].source
        if src not in sources:
            sources.append(src)
    text = "Outcomes: sovai categorical codings (cited per value). Proxies: " + "; ".join(sources) + "."
    if any("non-commercial" in s.lower() for s in sources):
        text += " Contains non-commercial (CC BY-NC) data: not for commercial use."
    return text


def _latex_escape(text: str) -> str:
    for a, b in [
        ("\\", r"\textbackslash{}"),
        ("&", r"\&"),
        ("%", r"\%"),
        ("$", r"\$"),
        ("#", r"\#"),
        ("_", r"\_"),
        ("{", r"\{"),
        ("}", r"\}"),
        ("^", r"\^{}"),
        ("~", r"\~{}"),
    ]:
        text = text.replace(a, b)
    return text


def to_latex(table: pd.DataFrame, caption: str, note: str = "") -> str:
    """Booktabs LaTeX of a comparison table (deterministic, no extra packages beyond booktabs)."""
    n = table.shape[1]
    lines = [
        "% " + RECONSTRUCTION_NOTE,
        "\\begin{table}[htbp]\\centering\\small",
        f"\\caption{{{_latex_escape(caption)}}}",
        "\\begin{tabular}{l" + "c" * n + "}",
        "\\toprule",
        " & ".join(["term", *(_latex_escape(str(c)) for c in table.columns)]) + " \\\\",
        "\\midrule",
    ]
    for term, row in table.iterrows():
        if term == "N":
            lines.append("\\midrule")
        lines.append(" & ".join([_latex_escape(str(term)), *(_latex_escape(str(v)) for v in row)]) + " \\\\")
    lines += [
        "\\bottomrule",
        "\\end{tabular}",
        "\\par\\footnotesize Robust standard errors in parentheses. * p<0.1, ** p<0.05, *** p<0.01. "
        + _latex_escape(RECONSTRUCTION_NOTE)
        + ". "
        + _latex_escape(note),
        "\\end{table}",
        "",
    ]
    return "\n".join(lines)


def to_html(table: pd.DataFrame, caption: str, note: str = "") -> str:
    """HTML of a comparison table with caption, the reconstruction note and attribution."""
    import html

    body = table.to_html(escape=True, border=0, classes="sovai-models")
    return (
        f"<figure>\n<figcaption>{caption}</figcaption>\n{body}\n"
        "<p><small>Robust standard errors in parentheses. * p&lt;0.1, ** p&lt;0.05, *** p&lt;0.01. "
        f"{RECONSTRUCTION_NOTE}. {html.escape(note)}</small></p>\n</figure>\n"
    )


def write_model_tables(fits: Sequence[ModelFit], tables_dir: str | Path, stem: str = "drivers_models") -> list[Path]:
    """Write ``<stem>.csv`` (tidy, full precision) and the comparison table as
    ``<stem>_comparison.csv``, ``<stem>.tex`` and ``<stem>.html``."""
    from sovai.report_io import atomic_write_text

    tables_dir = Path(tables_dir)
    tidy = tidy_table(fits)
    tidy["note"] = RECONSTRUCTION_NOTE
    csv = tidy.to_csv(index=False, float_format="%.17g", lineterminator="\n")
    comp = comparison_table(fits)
    caption = "Drivers of AI sovereignty: model comparison (sovai reconstruction)"
    return [
        atomic_write_text(tables_dir / f"{stem}.csv", csv),
        atomic_write_text(tables_dir / f"{stem}_comparison.csv", comp.to_csv(lineterminator="\n")),
        atomic_write_text(tables_dir / f"{stem}.tex", to_latex(comp, caption, attribution(fits))),
        atomic_write_text(tables_dir / f"{stem}.html", to_html(comp, caption, attribution(fits))),
    ]


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
    label = PROXIES[covariate].label if covariate in PROXIES else covariate
    ylab = f"expected {mf.spec.outcome}" + (" (category index)" if mf.spec.family == "ordered_logit" else "")
    ax.set(xlabel=label, ylabel=ylab, title=f"{mf.spec.name}: effect of {covariate}")
    ax.legend(fontsize=8)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    _footnote(fig, [mf])
    return fig
