"""Helpers of the driver tests: simulated data with known coefficients, small named frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sovai import drivers as d

N = 3000
TRUE = {"const": 0.3, "x1": 0.5, "x2": -0.4}


def simulate(family: str, n: int = N, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = rng.binomial(1, 0.4, size=n).astype(float)
    eta = TRUE["const"] + TRUE["x1"] * x1 + TRUE["x2"] * x2
    if family == "ols":
        y = eta + rng.normal(scale=1.0 + 0.5 * np.abs(x1), size=n)  # heteroskedastic
    elif family == "poisson":
        y = rng.poisson(np.exp(eta)).astype(float)
    elif family == "negbin":
        alpha = 0.5
        y = rng.poisson(np.exp(eta) * rng.gamma(1 / alpha, alpha, size=n)).astype(float)
    elif family == "logit":
        y = rng.binomial(1, 1 / (1 + np.exp(-eta))).astype(float)
    elif family == "ordered_logit":
        latent = TRUE["x1"] * x1 + TRUE["x2"] * x2 + rng.logistic(size=n)
        codes = np.digitize(latent, [-1.0, 0.5, 2.0])
        y = pd.Categorical.from_codes(codes, categories=["none", "selective", "broad", "full_stack"], ordered=True)
    else:
        raise AssertionError(family)
    idx = pd.Index([f"C{i:04d}" for i in range(n)], name="iso3")
    return pd.DataFrame({"y": y, "x1": x1, "x2": x2}, index=idx)


def spec(family: str, **kw) -> d.ModelSpec:
    return d.ModelSpec(name=family, outcome="y", family=family, covariates=("x1", "x2"), **kw)


def small_frame() -> pd.DataFrame:
    idx = pd.Index(["FRA", "DEU", "ITA", "ESP", "POL", "NLD", "BEL", "SWE", "AUT", "PRT", "TWN"], name="iso3")
    return pd.DataFrame(
        {
            "y": [3, 2, 2, 1, 1, 2, 0, 1, 0, 1, 4],
            "x1": [1.0, 0.8, 0.1, -0.2, -0.5, 0.6, -1.0, 0.2, -0.7, 0.0, np.nan],
            "x2": [0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
        },
        index=idx,
    )


def _binomial_frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 60
    x = rng.normal(size=n)
    trials = rng.integers(1, 9, size=n).astype(float)
    trials[:5] = np.nan  # nothing coded: these countries have no outcome at all
    p = 1 / (1 + np.exp(-(0.2 + 0.7 * x)))
    y = rng.binomial(np.nan_to_num(trials).astype(int), p).astype(float)
    y[:5] = np.nan
    idx = pd.Index([f"C{i:02d}" for i in range(n)], name="iso3")
    return pd.DataFrame({"adopted": y, "coded": trials, "x": x}, index=idx)
