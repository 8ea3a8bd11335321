"""Driver model specifications and fitting for :mod:`sovai.drivers`.

This module holds the specification as data (:class:`ModelSpec`, :data:`FAMILIES`,
:data:`ROBUST`), the fitted model (:class:`ModelFit` with its tidy :meth:`ModelFit.table`), the
estimation sample (:func:`design`: missing-data drops, missing categories, region dummies,
sample checks, separation checks), the estimation itself (:func:`fit`: OLS, GLMs, ordered logit),
the GLM HC0–HC3 sandwich (:func:`glm_sandwich`), prediction (:func:`_predict`) and the
multiplicity adjustment behind :meth:`ModelFit.table` (:func:`adjust_pvalues`). It computes no marginal
effects, diagnostics or robustness variants (:mod:`.inference`), formats no comparison table
(:mod:`.tables`) and draws nothing (:mod:`.plots`); it reads proxies from :mod:`.proxies`.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sovai.drivers.common import DriverModelError
from sovai.drivers.proxies import DEFAULT_COVARIATES, DEFAULT_WINDOW, DEFAULT_YEAR, declared_proxies, model_data

#: Model families.
FAMILIES = ("binomial", "ols", "poisson", "negbin", "logit", "ordered_logit")
#: Covariance types accepted by ``ModelSpec.robust``.
ROBUST = ("HC3", "HC2", "HC1", "HC0", "nonrobust")


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


def _is_binary(col: pd.Series) -> bool:
    vals = set(np.unique(col.to_numpy()))
    return vals <= {0.0, 1.0} and len(vals) == 2


# ------------------------------------------------------------------------------ multiplicity
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
