"""Model tables of :mod:`sovai.drivers`, as frames and text.

This module holds the tables built from fitted models: the countries dropped for missing data
(:func:`dropped_countries`), every coefficient in long form (:func:`tidy_table`, the
``drivers_models.csv`` contract), the model-comparison table with Holm stars
(:func:`comparison_table`) and the sources line (:func:`attribution`, non-commercial licences
flagged). It fits nothing, writes no file (:mod:`sovai.reports.drivers` does) and renders no
LaTeX/HTML (:mod:`sovai.regression_tables` does).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sovai.drivers.models import ModelFit
from sovai.drivers.proxies import declared_proxies


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
