"""Diagnostics of a computed index (JRC/OECD handbook, step 7): effective weights (the share of
the overall score's variance each indicator and layer explains, against its nominal weight) and
coherence (indicator-layer and indicator-overall correlations, Cronbach's alpha per layer).

Pure functions of the normalised indicators, layer scores and overall score that the pipeline
(:mod:`sovai.composite.pipeline`) computes; they neither compute scores nor draw.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sovai.composite.steps import cronbach_alpha


def _r2(a: np.ndarray, b: np.ndarray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    if ok.sum() < 3 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return float("nan")
    return float(np.corrcoef(a[ok], b[ok])[0, 1] ** 2)


def _effective_weights(Xn, layer_sc, score, meta, ind_ids, layer_ids, w_ind, w_layer):
    lpos = {lay: i for i, lay in enumerate(layer_ids)}
    lw = np.array([w_layer[lpos[lay]] for lay in meta["layer"]])
    eff = w_ind * lw
    r2 = np.array([_r2(Xn[:, j], score) for j in range(len(ind_ids))])
    tot = np.nansum(r2)
    weights = pd.DataFrame(
        {
            "indicator": ind_ids,
            "layer": meta["layer"].to_numpy(),
            "indicator_weight": w_ind,
            "layer_weight": lw,
            "nominal_effective": eff / eff.sum(),
            "r2_overall": r2,
            "importance": r2 / tot if tot > 0 else np.nan,
        }
    )
    lr2 = np.array([_r2(layer_sc[:, i], score) for i in range(len(layer_ids))])
    ltot = np.nansum(lr2)
    layer_w = pd.DataFrame(
        {"layer": layer_ids, "nominal": w_layer, "r2_overall": lr2, "importance": lr2 / ltot if ltot > 0 else np.nan}
    )
    return weights, layer_w


def _coherence(Xn, layer_sc, score, meta, ind_ids, layer_ids, countries, use: str = "pairwise"):
    X = pd.DataFrame(Xn, columns=ind_ids)
    Lsc = pd.DataFrame(layer_sc, columns=layer_ids)
    rows = []
    for j, i in enumerate(ind_ids):
        lay = meta["layer"].iloc[j]
        rows.append(
            {
                "indicator": i,
                "layer": lay,
                "r_layer": X[i].corr(Lsc[lay]),
                "r_overall": X[i].corr(pd.Series(score)),
            }
        )
    alpha = {}
    for lay in layer_ids:
        cols = [i for i, ll in zip(ind_ids, meta["layer"]) if ll == lay]
        alpha[lay] = cronbach_alpha(X[cols].to_numpy(), use=use)
    return {
        "indicator_correlations": X.corr(),
        "layer_correlations": Lsc.corr(),
        "indicator_vs_layer": pd.DataFrame(rows),
        "cronbach_alpha": pd.Series(alpha, name="cronbach_alpha"),
    }
