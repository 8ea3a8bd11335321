"""The pipeline: stage functions from the input frames to a :class:`CompositeResult`."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sovai.composite.config import (
    _AGG_NAMES,
    KINDS,
    CompositeConfig,
    CompositeResult,
    CompositeWarning,
)
from sovai.composite.diagnostics import _coherence, _effective_weights
from sovai.composite.evaluator import _agg_code, _evaluate, _Prepared
from sovai.composite.steps import (
    _layer_order,
    _pca_weights,
    _prepare_meta,
    _validate_weights,
    impute,
    normalise,
    rank_rows,
    treat_outliers,
)
from sovai.composite.uncertainty import _empty_sensitivity, _leave_one_out, _mc_ranks, _Samplers, _sensitivity

#: Optional indicator-table columns the engine reads (kind → binary treatment, subpillar →
#: hierarchy, target / goalposts → normalisation; census is reported).
PANEL_META_COLUMNS = ("kind", "census", "subpillar", "target", "goalpost_worst", "goalpost_best")


@dataclass(frozen=True)
class _Screened:
    """Stage 1 output: the data after the availability screen."""

    countries: list[str]
    raw: np.ndarray  # (n, m) values, NaN missing
    coverage: np.ndarray  # (n,) share of indicators observed per country
    ind_ids: list[str]
    meta: pd.DataFrame
    layer_ids: list[str]
    iw_user: dict[str, float]
    lw_user: dict[str, float]
    excluded: pd.DataFrame
    dropped: pd.DataFrame


@dataclass(frozen=True)
class _Units:
    """Stage 1b output: the aggregation units after the binary treatment (one column each)."""

    raw: np.ndarray  # (n, u) values, NaN missing
    observed: np.ndarray  # (n, u) observed (not imputed) indicators per unit (a merged unit counts its members)
    ids: list[str]
    meta: pd.DataFrame  # indexed by unit id: layer, direction, kind, subpillar, members
    n_observed: pd.DataFrame  # country × layer: observed (original) indicators
    plan: list[list[int]]  # member indicator columns of each unit
    bounds: list[tuple[float, float]]  # observed range of each indicator (0–1 scores of merged members)
    direction: np.ndarray  # of each indicator


@dataclass(frozen=True)
class _Variants:
    """Stage 2 output: every (imputation, outliers, normalisation) variant, plus the nominal choice."""

    prep: _Prepared
    k0: int  # index of the nominal variant
    code0: int  # nominal aggregation code
    mc_data: list[str]  # data variants ("nominal", then alternative reference windows)
    mc_imp: list[str]
    mc_out: list[str]
    mc_norm: list[str]
    mc_agg: list[int]
    imputed_nominal: np.ndarray  # (n, u) cells imputed under the nominal imputation
    imputed_values: np.ndarray  # (n, u) values after the nominal imputation
    treatment: list[str]  # outlier treatment per unit (nominal imputation and outlier rule)


def _kinds(meta: pd.DataFrame, raw: np.ndarray) -> np.ndarray:
    """Kind per indicator: the ``kind`` column where given, else binary if every value is 0/1."""
    given = meta["kind"].astype(str).str.strip().str.lower() if "kind" in meta.columns else None
    out = []
    for j, i in enumerate(meta.index):
        k = given.iloc[j] if given is not None else ""
        if k in ("", "nan", "<na>", "none"):
            col = raw[:, j][~np.isnan(raw[:, j])]
            k = "binary" if len(col) and np.isin(col, (0.0, 1.0)).all() else "continuous"
        if k not in KINDS:
            raise ValueError(
                f"parameter 'indicators': row {i!r}, column 'kind': unknown kind {k!r}; expected one of {KINDS}"
            )
        out.append(k)
    return np.array(out, dtype=object)


def _subpillars(meta: pd.DataFrame) -> list[str]:
    if "subpillar" not in meta.columns:
        return [""] * len(meta)
    return ["" if pd.isna(v) else str(v).strip().strip("/") for v in meta["subpillar"]]


def _units(scr: _Screened, cfg: CompositeConfig, log: list[str]) -> _Units:
    """Apply the binary treatment ``"count"``: the binary/ordinal indicators of a leaf group
    (layer, sub-pillar) become one unit, the mean of their 0–1 scores over the coded ones."""
    meta, raw = scr.meta, scr.raw
    kinds = _kinds(meta, raw)
    subs = _subpillars(meta)
    obs = ~np.isnan(raw)
    n_obs = pd.DataFrame(
        {lay: obs[:, (meta["layer"] == lay).to_numpy()].sum(axis=1) for lay in scr.layer_ids},
        index=pd.Index(scr.countries, name="iso3"),
    )
    extra = [c for c in ("target", "goalpost_worst", "goalpost_best", "census") if c in meta.columns]
    base = meta[["layer", "direction", *extra]].copy()
    base["kind"] = kinds
    base["subpillar"] = subs
    base["members"] = list(meta.index)
    base["n_members"] = 1
    direction = meta["direction"].to_numpy(dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        bounds = list(zip(np.nanmin(raw, axis=0), np.nanmax(raw, axis=0)))
    merge: dict[tuple[str, str], list[int]] = {}
    if cfg.binary_treatment == "count":
        groups: dict[tuple[str, str], list[int]] = {}
        for j in np.flatnonzero(np.isin(kinds, ("binary", "ordinal"))):
            groups.setdefault((meta["layer"].iloc[j], subs[j]), []).append(j)
        merge = {key: js for key, js in groups.items() if len(js) >= 2}
    plan, ids, rows = [], [], []
    done: set[int] = set()
    for j, i in enumerate(meta.index):
        if j in done:
            continue
        key = (meta["layer"].iloc[j], subs[j])
        if j in merge.get(key, ()):
            js = merge[key]
            done.update(js)
            uid = f"{key[0]}__binaries" + (f"__{key[1]}" if key[1] else "")
            members = [meta.index[jj] for jj in js]
            plan.append(js)
            ids.append(uid)
            rows.append(
                {
                    "layer": key[0],
                    "direction": 1,
                    "kind": "count",
                    "subpillar": key[1],
                    "members": "+".join(members),
                    "n_members": len(members),
                }
            )
            log.append(f"binary treatment 'count': {uid} = share of coded true among {members}")
        else:
            plan.append([j])
            ids.append(i)
            rows.append({**base.loc[i].to_dict()})
    umeta = pd.DataFrame(rows, index=pd.Index(ids, name="id"))
    U, counts = _apply_plan(raw, plan, bounds, direction)
    return _Units(U, counts, ids, umeta, n_obs, plan, bounds, direction)


def _apply_plan(
    raw: np.ndarray, plan: list[list[int]], bounds: list[tuple[float, float]], direction: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Unit values and observed-indicator counts of a raw matrix (one column per indicator)."""
    obs = ~np.isnan(raw)
    cols, counts = [], []
    for js in plan:
        if len(js) == 1:
            cols.append(raw[:, js[0]])
            counts.append(obs[:, js[0]].astype(float))
            continue
        scores = []
        for jj in js:
            lo, hi = bounds[jj]
            v = raw[:, jj]
            sc = np.clip((v - lo) / (hi - lo), 0.0, 1.0) if hi > lo else np.where(np.isnan(v), np.nan, 0.5)
            scores.append(sc if direction[jj] > 0 else 1.0 - sc)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            cols.append(np.nanmean(np.column_stack(scores), axis=1))
        counts.append(obs[:, js].sum(axis=1).astype(float))
    return np.column_stack(cols), np.column_stack(counts)


def _hierarchy(umeta: pd.DataFrame, layer_ids: list[str]):
    """Leaf groups and intermediate nodes from the ``layer`` and ``subpillar`` columns
    (sub-pillar paths ``a/b`` nest ``b`` inside ``a``). Returns (leaf_cols, leaf_parent,
    node_parent, layer_cols, flat)."""
    layer_of = umeta["layer"].to_numpy()
    subs = list(umeta["subpillar"])
    layer_cols = [np.flatnonzero(layer_of == lay) for lay in layer_ids]
    lpos = {lay: i for i, lay in enumerate(layer_ids)}
    if not any(subs):
        return layer_cols, [-1 - i for i in range(len(layer_ids))], [], layer_cols, True
    nodes: dict[tuple[str, str], int] = {}  # (layer, path) -> node index (parents before children)
    node_parent: list[int] = []

    def node(lay: str, path: str) -> int:
        if (lay, path) in nodes:
            return nodes[(lay, path)]
        parent_path = path.rsplit("/", 1)[0] if "/" in path else ""
        parent = node(lay, parent_path) if parent_path else -1 - lpos[lay]
        nodes[(lay, path)] = len(node_parent)
        node_parent.append(parent)
        return nodes[(lay, path)]

    leaf_cols, leaf_parent = [], []
    for lay in layer_ids:
        in_layer = [j for j in range(len(subs)) if layer_of[j] == lay]
        for path in dict.fromkeys(subs[j] for j in in_layer):
            cols = np.array([j for j in in_layer if subs[j] == path], dtype=int)
            leaf_cols.append(cols)
            leaf_parent.append(node(lay, path) if path else -1 - lpos[lay])
    return leaf_cols, leaf_parent, node_parent, layer_cols, False


@dataclass(frozen=True)
class _Point:
    """Stage 3 output: nominal weights and the point estimate."""

    w_ind: np.ndarray
    w_layer: np.ndarray
    score: np.ndarray
    rank: np.ndarray
    layer_sc: np.ndarray  # (n, L)


@dataclass(frozen=True)
class _Uncertainty:
    """Stage 4 output: Monte Carlo rank quantiles, sensitivity indices, leave-one-out."""

    mc_ranks: np.ndarray
    q: np.ndarray  # (3, n): p05, median, p95
    sensitivity: pd.DataFrame
    sensitivity_country: pd.DataFrame
    loo: pd.DataFrame
    loo_shifts: pd.DataFrame


def run(
    data: pd.DataFrame,
    indicators: pd.DataFrame,
    config: CompositeConfig | None = None,
    *,
    layers: Sequence[str] | None = None,
    groups: pd.Series | pd.DataFrame | None = None,
    fallback: pd.DataFrame | None = None,
    impute_basis: pd.DataFrame | None = None,
    panel_meta: Mapping | None = None,
    alternatives: Mapping[str, pd.DataFrame] | None = None,
    **overrides,
) -> CompositeResult:
    """Build the composite index, its rank uncertainty and its sensitivity analysis.

    Parameters
    ----------
    data
        Country × indicator values (index: country id, usually ISO3; columns: indicator ids),
        already in the wanted view (scale or intensity). Missing = NaN/NA.
    indicators
        Indicator metadata with ``id`` (column or index), ``layer`` and ``direction`` (+1/−1).
    config
        A :class:`CompositeConfig`; ``overrides`` (its field names) replace single fields.
    layers
        Layer order (e.g. from ``data/stack/layers.csv``); default: order of appearance.
    groups
        Group label per country for ``group_median`` imputation (Series indexed like ``data``, or
        a frame with a column named ``config.impute_group``). Default: the country reference
        table.
    fallback
        Values to carry forward for ``locf`` (same shape as ``data``: latest value before the
        window, see :class:`sovai.panel.Panel`).
    impute_basis
        Size basis per country × indicator for ``group_median`` imputation (see :func:`impute`;
        :meth:`sovai.panel.Panel.impute_basis` gives population or GDP in the scale view).
    panel_meta
        Panel settings (view, year, window) to record in the log.
    alternatives
        Alternative data for the same countries and indicators (label → frame), e.g. the values
        for other reference windows: the ``reference_window`` factor of the Monte Carlo and the
        sensitivity analysis draws among the nominal data and these.

    Returns
    -------
    CompositeResult

    Raises
    ------
    ValueError
        Naming the parameter: unknown layer/indicator in the weights, negative weights, an
        indicator without any value, an unknown choice.
    """
    cfg = replace(config or CompositeConfig(), **overrides) if overrides else (config or CompositeConfig())
    log: list[str] = []
    if panel_meta:
        log.append("denomination: " + ", ".join(f"{k}={v}" for k, v in panel_meta.items()))
    scr = _screen(data, indicators, cfg, layers, log)
    units = _units(scr, cfg, log)
    var = _variants(scr, units, cfg, groups, fallback, impute_basis, log, alternatives)
    pt = _point(scr, units, var, cfg, log)
    unc = _uncertainty(scr, units, var, pt, cfg, log)
    return _assemble(scr, units, var, pt, unc, cfg, panel_meta, log)


def _screen(
    data: pd.DataFrame, indicators: pd.DataFrame, cfg: CompositeConfig, layers: Sequence[str] | None, log: list[str]
) -> _Screened:
    """Check the input, validate the weights and apply the data-availability screen."""
    if data.index.duplicated().any():
        raise ValueError(
            f"parameter 'data': duplicated country id(s) {sorted(set(data.index[data.index.duplicated()]))}"
        )
    data = data.sort_index()  # results never depend on the row order
    data.index = data.index.astype(str)
    meta = _prepare_meta(data, indicators, layers)
    raw = data.apply(pd.to_numeric, errors="coerce").astype(float).to_numpy()
    ind_ids = list(data.columns)

    # -- weights validation (before the screen: bad input is an error, whatever the data)
    all_layers = _layer_order(meta, layers)
    lw_user = _validate_weights(cfg.layer_weights, all_layers, "layer_weights", "layer")
    if lw_user:
        missing = [lay for lay in all_layers if lay not in lw_user]
        if missing:
            msg = f"layer_weights: no weight for layer(s) {missing}: they weigh 1 (give 0 to drop a layer)"
            warnings.warn(msg, CompositeWarning, stacklevel=3)
            log.append("weights: " + msg)
            lw_user = {**lw_user, **dict.fromkeys(missing, 1.0)}
    iw_user = _validate_weights(cfg.indicator_weights, ind_ids, "indicator_weights", "indicator")

    # -- screen: indicators
    n_c = raw.shape[0]
    ind_cov = (~np.isnan(raw)).mean(axis=0) if n_c else np.zeros(len(ind_ids))
    empty = [i for i, c in zip(ind_ids, ind_cov) if c == 0]
    if empty:
        raise ValueError(
            f"parameter 'data': indicator(s) {empty} have no value for any country; drop them or fix the loader"
        )
    dropped = []
    for j, i in enumerate(ind_ids):
        col = raw[:, j][~np.isnan(raw[:, j])]
        if ind_cov[j] < cfg.min_indicator_coverage:
            dropped.append(
                (
                    i,
                    ind_cov[j],
                    f"coverage {ind_cov[j]:.0%} below min_indicator_coverage {cfg.min_indicator_coverage:.0%}",
                )
            )
        elif np.unique(col).size < 2:
            dropped.append((i, ind_cov[j], "no variance across countries"))
    if iw_user:
        for i, w in iw_user.items():
            if w == 0 and i not in {d[0] for d in dropped}:
                dropped.append((i, ind_cov[ind_ids.index(i)], "indicator weight 0"))
    dropped_df = pd.DataFrame(dropped, columns=["indicator", "coverage", "reason"])
    for i, _cov, reason in dropped:
        msg = f"indicator {i!r} dropped: {reason}"
        log.append("screen: " + msg)
        if reason != "indicator weight 0":
            warnings.warn(msg, CompositeWarning, stacklevel=3)
    keep_j = [j for j, i in enumerate(ind_ids) if i not in set(dropped_df["indicator"])]
    ind_ids = [ind_ids[j] for j in keep_j]
    raw = raw[:, keep_j]
    meta = meta.loc[ind_ids]
    layer_ids = _layer_order(meta, layers)
    if lw_user:
        gone = [lay for lay in all_layers if lay not in layer_ids and lw_user.get(lay, 0) > 0]
        if gone:
            warnings.warn(
                f"layer_weights: layer(s) {gone} have no indicator left after the screen; their weight is dropped",
                CompositeWarning,
                stacklevel=3,
            )
            log.append(f"weights: layer(s) {gone} without indicators, weight dropped")
        layer_ids = [lay for lay in layer_ids if lw_user[lay] > 0]
        meta = meta[meta["layer"].isin(layer_ids)]
        keep = [j for j, i in enumerate(ind_ids) if i in set(meta.index)]
        ind_ids = [ind_ids[j] for j in keep]
        raw = raw[:, keep]
    if not ind_ids:
        raise ValueError("parameter 'data': no indicator left after the data-availability screen")

    # -- screen: countries
    coverage = (~np.isnan(raw)).mean(axis=1)
    countries_all = list(data.index)
    low = coverage < cfg.min_country_coverage
    excluded = pd.DataFrame(
        {
            "iso3": [c for c, lo in zip(countries_all, low) if lo],
            "coverage": coverage[low],
            "reason": [
                f"coverage {c:.0%} below min_country_coverage {cfg.min_country_coverage:.0%}" for c in coverage[low]
            ],
        }
    )
    if low.any():
        listed = ", ".join(excluded["iso3"].head(20))
        more = f" and {low.sum() - 20} more" if low.sum() > 20 else ""
        msg = f"{int(low.sum())} country(ies) excluded from the ranking, coverage below {cfg.min_country_coverage:.0%} of indicators: {listed}{more}"
        warnings.warn(msg, CompositeWarning, stacklevel=3)
        log.append("screen: " + msg)
    countries = [c for c, lo in zip(countries_all, low) if not lo]
    raw = raw[~low]
    coverage = coverage[~low]
    if len(countries) < 2:
        raise ValueError(
            f"parameter 'min_country_coverage': only {len(countries)} country(ies) pass the screen; lower the threshold or add data"
        )
    n, m = raw.shape
    log.append(f"screen: {n} countries × {m} indicators in {len(layer_ids)} layers")
    return _Screened(countries, raw, coverage, ind_ids, meta, layer_ids, iw_user, lw_user, excluded, dropped_df)


def _variants(
    scr: _Screened,
    units: _Units,
    cfg: CompositeConfig,
    groups,
    fallback: pd.DataFrame | None,
    impute_basis: pd.DataFrame | None,
    log: list[str],
    alternatives: Mapping[str, pd.DataFrame] | None = None,
) -> _Variants:
    """Impute, treat outliers and normalise for every variant the nominal run and the Monte Carlo need.

    ``alternatives`` (label → country × indicator frame, e.g. the panel for another reference
    window) add a data dimension: each is screened to the same countries and indicators, merged
    into the same units and treated like the nominal data (with the nominal fallback and basis)."""
    countries, ind_ids, meta, raw = scr.countries, units.ids, units.meta, units.raw
    n, m = raw.shape
    grp = _groups_for(countries, groups, cfg.impute_group)
    basis = fb = None
    if impute_basis is not None:
        basis = _unit_frame(impute_basis, countries, units, how="first")
        basis = np.where(np.isnan(basis) | (basis <= 0), np.nan, basis)
        log.append("imputation: group medians taken per unit of the impute basis (size-aware)")
    if fallback is not None:
        fb = _unit_frame(fallback, countries, units, how="merge")

    random_runs = bool(cfg.n_draws or cfg.n_sensitivity)  # without them only the nominal variant is needed

    def choices(nominal, extra):  # the Monte Carlo always includes the nominal choice
        return list(dict.fromkeys([nominal, *(extra or ())])) if random_runs else [nominal]

    datas = [("nominal", raw, units.observed)]
    if random_runs and alternatives:
        for label, frame in alternatives.items():
            alt = frame.reindex(index=countries, columns=scr.ind_ids).apply(pd.to_numeric, errors="coerce")
            U, counts = _apply_plan(alt.astype(float).to_numpy(), units.plan, units.bounds, units.direction)
            datas.append((str(label), U, counts))
        log.append(f"reference window: data variants {[d[0] for d in datas]}")
    mc_data = [d[0] for d in datas]
    mc_imp = choices(cfg.imputation, cfg.mc_imputations)
    mc_out = choices(cfg.outliers, cfg.mc_outliers)
    mc_norm = choices(cfg.normalisation, cfg.mc_normalisations)
    code0 = _agg_code(cfg.aggregation, cfg.aggregation_overall)
    mc_agg = (
        list(dict.fromkeys([code0, *(_agg_code(a) for a in (cfg.mc_aggregations or ()))])) if random_runs else [code0]
    )
    if fb is None and "locf" in mc_imp:
        log.append("imputation: 'locf' requested but no fallback values given: it imputes nothing")
        if cfg.imputation == "locf":
            warnings.warn("imputation='locf' without fallback values imputes nothing", CompositeWarning, stacklevel=3)
    if grp is None and "group_median" in mc_imp:
        log.append(f"imputation: no {cfg.impute_group!r} groups for these countries: group_median imputes nothing")
    direction = meta["direction"].to_numpy(dtype=float)
    params = _normalisation_params(meta, direction)
    discrete = meta["kind"].isin(["binary", "ordinal"]).to_numpy()
    continuous = ~discrete & ~meta["kind"].eq("count").to_numpy() if cfg.binary_treatment == "scale" else None
    variants, Xs, Os = [], [], []
    treatment_nominal: list[str] = []
    imputed_nominal = np.zeros((n, m), dtype=bool)
    imputed_values = raw
    for (dlabel, draw_, dobs), imp in ((d, i) for d in datas for i in mc_imp):
        nominal_data = dlabel == "nominal"
        Xi, imputed = impute(draw_, imp, groups=grp, fallback=fb, basis=basis)
        if imp == cfg.imputation and nominal_data:
            imputed_nominal, imputed_values = imputed, Xi
        for out in mc_out:
            treated = np.empty_like(Xi)
            for j in range(m):
                if out == "coinr":
                    treated[:, j], how = treat_outliers(
                        Xi[:, j],
                        skew_threshold=cfg.skew_threshold,
                        kurtosis_threshold=cfg.kurtosis_threshold,
                        winmax=cfg.winmax,
                    )
                else:
                    treated[:, j], how = Xi[:, j].copy(), "none"
                if imp == cfg.imputation and out == cfg.outliers and nominal_data:
                    treatment_nominal.append(how)
            oriented = treated * direction[None, :]
            for norm in mc_norm:
                Z = np.column_stack([normalise(oriented[:, j], norm, **params[j]) for j in range(m)])
                if continuous is not None and discrete.any() and continuous.any():
                    Z = _scale_discrete(Z, discrete, continuous)
                variants.append((dlabel, imp, out, norm))
                Xs.append(Z)
                Os.append(dobs)
    leaf_cols, leaf_parent, node_parent, layer_cols, flat = _hierarchy(meta, scr.layer_ids)
    prep = _Prepared(
        variants,
        np.stack(Xs),
        np.stack(Os),
        leaf_cols,
        leaf_parent,
        node_parent,
        len(scr.layer_ids),
        min_share=cfg.min_layer_coverage,
        min_indicators=cfg.min_layer_indicators,
        min_layers_share=cfg.min_layers_share,
        geometric_rescale=cfg.geometric_rescale,
        layer_cols=layer_cols,
        flat=flat,
        n_members=meta["n_members"].to_numpy(dtype=float),
    )
    k0 = prep.index("nominal", cfg.imputation, cfg.outliers, cfg.normalisation)
    log.append(
        f"imputation: {cfg.imputation} ({cfg.impute_group if cfg.imputation == 'group_median' else '-'}); {int(imputed_nominal.sum())} cells imputed"
    )
    treated_list = [
        f"{i}: {t}" for i, t in zip(ind_ids, treatment_nominal) if t != "none" and not t.startswith("skipped")
    ]
    log.append(f"outliers: {cfg.outliers}; " + ("; ".join(treated_list) if treated_list else "no indicator treated"))
    geo = "geometric inputs rescaled to [1, 100] per indicator" + (
        ", layer scores rescaled again before a geometric step across layers"
        if cfg.geometric_rescale
        else ", no rescaling between levels"
    )
    log.append(
        f"normalisation: {cfg.normalisation}; aggregation: {cfg.aggregation} within layers, "
        f"{cfg.aggregation_overall or cfg.aggregation} across layers ({geo})"
    )
    log.append(
        f"missing data: a layer needs max({cfg.min_layer_indicators}, {cfg.min_layer_coverage:.0%} of its indicators) "
        f"observed; the overall score {cfg.min_layers_share:.0%} of the layers; binary treatment {cfg.binary_treatment!r}"
    )
    if not flat:
        log.append(
            f"hierarchy: {len(leaf_cols)} indicator groups, {len(node_parent)} sub-pillar nodes, {len(scr.layer_ids)} layers"
        )
    return _Variants(
        prep, k0, code0, mc_data, mc_imp, mc_out, mc_norm, mc_agg, imputed_nominal, imputed_values, treatment_nominal
    )


def _unit_frame(frame: pd.DataFrame, countries: list[str], units: _Units, how: str) -> np.ndarray:
    """A country × indicator side frame (fallback, impute basis) in unit columns: a merged unit
    takes the mean 0–1 score of its members' values (``merge``) or no value (``first``: basis 1)."""
    cols = []
    for members in units.meta["members"]:
        parts = str(members).split("+")
        if len(parts) == 1 and parts[0] in frame.columns:
            cols.append(pd.to_numeric(frame[parts[0]].reindex(countries), errors="coerce").to_numpy(dtype=float))
        elif len(parts) == 1:
            cols.append(np.full(len(countries), np.nan))
        else:
            cols.append(np.ones(len(countries)) if how == "first" else np.full(len(countries), np.nan))
    return np.column_stack(cols)


def _normalisation_params(meta: pd.DataFrame, direction: np.ndarray) -> list[dict]:
    """Oriented ``target`` and ``goalposts`` per unit from the optional indicator columns."""
    out = []
    for j in range(len(meta)):
        p: dict = {}
        if "target" in meta.columns and pd.notna(meta["target"].iloc[j]):
            p["target"] = float(meta["target"].iloc[j]) * direction[j]
        if {"goalpost_worst", "goalpost_best"} <= set(meta.columns):
            w, b = meta["goalpost_worst"].iloc[j], meta["goalpost_best"].iloc[j]
            if pd.notna(w) and pd.notna(b):
                p["goalposts"] = (float(w) * direction[j], float(b) * direction[j])
        out.append(p)
    return out


def _scale_discrete(Z: np.ndarray, discrete: np.ndarray, continuous: np.ndarray) -> np.ndarray:
    """Binary treatment ``"scale"``: each binary/ordinal column gets the mean and standard deviation
    of the average continuous column."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mu = float(np.nanmean(np.nanmean(Z[:, continuous], axis=0)))
        sd = float(np.nanmean(np.nanstd(Z[:, continuous], axis=0, ddof=1)))
        Z = Z.copy()
        for j in np.flatnonzero(discrete):
            v = Z[:, j]
            s = np.nanstd(v, ddof=1)
            if s > 0:
                Z[:, j] = mu + sd * (v - np.nanmean(v)) / s
    return Z


def _point(scr: _Screened, units: _Units, var: _Variants, cfg: CompositeConfig, log: list[str]) -> _Point:
    """Nominal weights and the point estimate (overall and layer scores, ranks)."""
    w_ind, w_layer = _nominal_weights(cfg, scr, units, var, log)
    overall, S = _evaluate(
        var.prep, w_ind[None, :], w_layer[None, :], np.array([var.k0]), np.array([var.code0]), want_layers=True
    )
    score = overall[0]
    unranked = np.isnan(score)
    if unranked.any():
        n_ok = (~np.isnan(S[0])).sum(axis=1)
        codes = [c for c, u in zip(scr.countries, unranked) if u]
        log.append(
            f"missing data: {len(codes)} country(ies) with fewer than {cfg.min_layers_share:.0%} of the layers scored are not ranked: "
            + ", ".join(f"{c} ({int(k)} layers)" for c, k, u in zip(scr.countries, n_ok, unranked) if u)
        )
    return _Point(w_ind, w_layer, score, rank_rows(score)[0], S[0])


def _uncertainty(
    scr: _Screened, units: _Units, var: _Variants, pt: _Point, cfg: CompositeConfig, log: list[str]
) -> _Uncertainty:
    """Monte Carlo rank intervals, Sobol sensitivity indices and leave-one-indicator-out."""
    n = len(scr.countries)
    rng = np.random.default_rng(cfg.seed)
    samplers = _Samplers(
        cfg, var.prep, pt.w_ind, pt.w_layer, var.mc_data, var.mc_imp, var.mc_out, var.mc_norm, var.mc_agg
    )
    if cfg.n_draws:
        mc_ranks = _mc_ranks(var.prep, samplers, rng, cfg.n_draws)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            q = np.nanpercentile(mc_ranks, [5, 50, 95], axis=0, method="linear")
        q[:, np.isnan(pt.rank)] = np.nan
        log.append(
            f"uncertainty: {cfg.n_draws} draws; weights Dirichlet(κ={cfg.weight_concentration}); "
            f"normalisation {var.mc_norm}; imputation {var.mc_imp}; outliers {var.mc_out}; data {var.mc_data}; "
            f"aggregation {[_AGG_NAMES[c] for c in var.mc_agg]}; leave out {samplers.leave_out} indicator(s) per draw; seed {cfg.seed}"
        )
    else:
        mc_ranks = np.empty((0, n), dtype=np.float32)
        q = np.full((3, n), np.nan)
        log.append("uncertainty: disabled (n_draws=0): rank intervals not available (NA)")
    if cfg.n_sensitivity:
        sens, sens_c, N = _sensitivity(var.prep, samplers, rng, pt.rank, cfg, scr.countries)
        if len(sens):
            log.append(
                f"sensitivity: Saltelli design on a scrambled Sobol' sequence, N={N} base samples, "
                f"{N * (len(sens) + 2)} evaluations, factors {list(sens['factor'])}; outputs mean |rank shift| "
                f"of the top {cfg.sensitivity_top or 'all'} and each country's rank; {cfg.n_bootstrap} bootstrap resamples"
            )
    else:
        sens, sens_c = _empty_sensitivity(), _empty_sensitivity(True)
    loo, loo_shifts = _leave_one_out(
        var.prep, pt.w_ind, pt.w_layer, var.k0, var.code0, pt.rank, units.ids, units.meta, scr.countries
    )
    return _Uncertainty(mc_ranks, q, sens, sens_c, loo, loo_shifts)


def _assemble(
    scr: _Screened,
    units: _Units,
    var: _Variants,
    pt: _Point,
    unc: _Uncertainty,
    cfg: CompositeConfig,
    panel_meta: Mapping | None,
    log: list[str],
) -> CompositeResult:
    """The result tables, restricted to the ranked countries, sorted and indexed."""
    layer_ids, ind_ids = scr.layer_ids, units.ids
    m = len(scr.ind_ids)
    keep = ~np.isnan(pt.score)
    countries = [c for c, k in zip(scr.countries, keep) if k]
    n = len(countries)
    idx = pd.Index(countries, name="iso3")
    layer_sc = pt.layer_sc[keep]
    score, rank = pt.score[keep], pt.rank[keep]
    q = unc.q[:, keep]
    Xn = var.prep.X[var.k0][keep]
    n_obs = units.n_observed.loc[countries]
    coherence = _coherence(
        var.prep.X[var.k0], pt.layer_sc, pt.score, units.meta, ind_ids, layer_ids, scr.countries, cfg.alpha_use
    )
    weights_df, layer_w_df = _effective_weights(
        Xn, layer_sc, score, units.meta, ind_ids, layer_ids, pt.w_ind, pt.w_layer
    )
    weights_df["members"] = units.meta["members"].to_numpy()
    weights_df["kind"] = units.meta["kind"].to_numpy()
    layer_rank = rank_rows(layer_sc.T).T
    overall_df = pd.DataFrame(
        {
            "score": score,
            "rank": rank,
            "rank_median": q[1],
            "rank_p05": q[0],
            "rank_p95": q[2],
            "coverage": scr.coverage[keep],
            "imputed_share": scr.raw.shape[0]
            and (var.imputed_nominal[keep].sum(axis=1) / var.imputed_nominal.shape[1]),
            "n_layers": (~np.isnan(layer_sc)).sum(axis=1),
        },
        index=idx,
    )
    layer_scores = pd.DataFrame(layer_sc, index=idx, columns=layer_ids)
    for lay in layer_ids:
        overall_df[f"layer_{lay}"] = layer_scores[lay]
    for lay in layer_ids:
        overall_df[f"n_observed_{lay}"] = n_obs[lay].to_numpy()
    overall_df = overall_df.reset_index().sort_values(["rank", "iso3"], kind="mergesort").set_index("iso3")
    layers_long = pd.DataFrame(
        {
            "iso3": np.repeat(countries, len(layer_ids)),
            "layer": np.tile(layer_ids, n),
            "score": layer_sc.reshape(-1),
            "rank": layer_rank.reshape(-1),
            "n_observed": n_obs[layer_ids].to_numpy().reshape(-1),
        }
    )
    layer_pos = {lay: i for i, lay in enumerate(layer_ids)}
    layers_long = layers_long.sort_values(
        by=["rank", "layer", "iso3"],
        key=lambda s: s.map(layer_pos) if s.name == "layer" else s,
        kind="mergesort",
        na_position="last",
    ).reset_index(drop=True)
    # countries without an overall score join the screen's exclusions
    dropped_rows = [
        {
            "iso3": c,
            "coverage": cov,
            "reason": f"{int(k)} of {len(layer_ids)} layers scored, below min_layers_share {cfg.min_layers_share:.0%}",
        }
        for c, cov, k, kk in zip(scr.countries, scr.coverage, (~np.isnan(pt.layer_sc)).sum(axis=1), keep)
        if not kk
    ]
    excluded = scr.excluded
    if dropped_rows:
        excluded = pd.concat([excluded, pd.DataFrame(dropped_rows)], ignore_index=True)
        excluded = excluded.sort_values("iso3", kind="mergesort").reset_index(drop=True)
    imp_r, imp_c = np.nonzero(var.imputed_nominal)
    imputed = pd.DataFrame(
        {
            "iso3": [scr.countries[i] for i in imp_r],
            "indicator": [ind_ids[j] for j in imp_c],
            "method": cfg.imputation,
            "value": var.imputed_values[imp_r, imp_c],
        }
    ).sort_values(["iso3", "indicator"], kind="mergesort", ignore_index=True)
    config_out = cfg.to_dict()
    config_out.update(
        {
            "layers": layer_ids,
            "indicators": ind_ids,
            "nominal_layer_weights": dict(zip(layer_ids, map(float, pt.w_layer))),
            "nominal_indicator_weights": dict(zip(ind_ids, map(float, pt.w_ind))),
            "n_countries": n,
            "n_excluded": len(excluded),
            "n_indicators": m,
            "indicators_per_layer": {lay: int((scr.meta["layer"] == lay).sum()) for lay in layer_ids},
        }
    )
    if panel_meta:
        config_out["panel"] = dict(panel_meta)
    sens_c = unc.sensitivity_country
    if len(sens_c):
        sens_c = sens_c[sens_c["iso3"].isin(countries)].reset_index(drop=True)
    return CompositeResult(
        overall=overall_df,
        layers=layers_long,
        layer_scores=layer_scores,
        normalised=pd.DataFrame(Xn, index=idx, columns=ind_ids),
        weights=weights_df,
        layer_weights=layer_w_df,
        coherence=coherence,
        sensitivity=unc.sensitivity,
        loo=unc.loo,
        loo_shifts=unc.loo_shifts.loc[countries],
        excluded=excluded,
        dropped_indicators=scr.dropped,
        treatment=pd.DataFrame({"indicator": ind_ids, "treatment": var.treatment}),
        mc_ranks=unc.mc_ranks[:, keep],
        countries=countries,
        config=config_out,
        log=log,
        n_observed=n_obs,
        imputed=imputed,
        sensitivity_country=sens_c,
    )


def _groups_for(countries: list[str], groups, impute_group: str) -> np.ndarray | None:
    if groups is None:
        try:
            from sovai.countries import reference_table

            ref = reference_table()
        except Exception:  # noqa: BLE001 - no reference data: group imputation is simply unavailable
            return None
        g = ref[impute_group].reindex(countries)
    elif isinstance(groups, pd.DataFrame):
        if impute_group not in groups.columns:
            raise ValueError(f"parameter 'groups': no column {impute_group!r} (impute_group)")
        g = groups[impute_group].reindex(countries)
    else:
        g = pd.Series(groups).reindex(countries)
    if g.isna().all():
        return None
    return g.astype(object).where(g.notna(), None).to_numpy()


def _nominal_weights(
    cfg: CompositeConfig, scr: _Screened, units: _Units, var: _Variants, log: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Nominal indicator weights (normalised within leaf groups) and layer weights (sum 1).

    A unit that merges binary indicators weighs the mean of its members' user weights (1 each by
    default, then normalised: the merged unit counts as one indicator)."""
    layer_ids, lw_user = scr.layer_ids, scr.lw_user
    ind_ids = units.ids
    iw_user = {}
    for uid, members in zip(units.ids, units.meta["members"]):
        parts = str(members).split("+")
        if any(p in scr.iw_user for p in parts):
            iw_user[uid] = sum(scr.iw_user.get(p, 1.0) for p in parts) / (len(parts) if len(parts) > 1 else 1)
    prep, k0, geo0 = var.prep, var.k0, var.code0
    m, nL = len(ind_ids), len(layer_ids)
    # indicator weights within layers
    if cfg.weighting == "pca" and not iw_user:
        w_ind = np.zeros(m)
        for cols in prep.leaf_cols:
            w_ind[cols] = _pca_weights(prep.X[k0][:, cols])
        log.append("weights: indicators within layers by PCA (squared first-component loadings)")
    else:
        w_ind = np.array([iw_user.get(i, 1.0) if iw_user else 1.0 for i in ind_ids])
        if iw_user:
            for lay, cols in zip(layer_ids, prep.layer_cols):
                s = w_ind[cols].sum()
                if not math.isclose(s, 1.0, rel_tol=1e-9) and len(cols) and all(ind_ids[c] in iw_user for c in cols):
                    warnings.warn(
                        f"indicator_weights of layer {lay!r} sum to {s:g}, not 1: normalised",
                        CompositeWarning,
                        stacklevel=3,
                    )
            log.append(
                f"weights: user indicator weights {dict(iw_user)} (unlisted indicators 1; normalised within layers)"
            )
        else:
            log.append("weights: equal indicator weights within layers")
    for cols in prep.leaf_cols:
        s = w_ind[cols].sum()
        w_ind[cols] = w_ind[cols] / s if s > 0 else 1.0 / len(cols)
    # layer weights
    if lw_user:
        w_layer = np.array([lw_user[lay] for lay in layer_ids])
        s = w_layer.sum()
        if s <= 0:
            raise ValueError("parameter 'layer_weights': all weights are 0")
        if not math.isclose(sum(lw_user[lay] for lay in layer_ids), 1.0, rel_tol=1e-9):
            warnings.warn(
                f"layer_weights sum to {sum(lw_user[lay] for lay in layer_ids):g}, not 1: normalised",
                CompositeWarning,
                stacklevel=3,
            )
            log.append(f"weights: layer_weights summed to {sum(lw_user[lay] for lay in layer_ids):g}: normalised to 1")
        w_layer = w_layer / s
        log.append("weights: user layer weights " + ", ".join(f"{lay}={w:.3g}" for lay, w in zip(layer_ids, w_layer)))
    elif cfg.weighting == "pca":
        _, S = _evaluate(
            prep, w_ind[None, :], np.ones((1, nL)) / nL, np.array([k0]), np.array([geo0]), want_layers=True
        )
        w_layer = _pca_weights(S[0]) if nL > 1 else np.ones(1)
        log.append("weights: layers by PCA of the layer scores")
    else:
        w_layer = np.ones(nL) / nL
        log.append("weights: equal layer weights")
    return w_ind, w_layer


def run_panel(
    panel,
    config: CompositeConfig | None = None,
    *,
    windows: Sequence[tuple[int, int]] | None = None,
    **overrides,
) -> CompositeResult:
    """Run :func:`run` on a :class:`sovai.panel.Panel`.

    Indicators whose loader is unavailable (all values missing) are left out with a warning; the
    panel's fallback values feed ``locf`` imputation, its size basis makes ``group_median``
    imputation size-aware in the scale view, its layer order and settings (view, year, window)
    are recorded. The optional indicator columns :data:`PANEL_META_COLUMNS` (``kind``,
    ``census``, ``subpillar``, ``target``, goalposts) are passed on where the panel has them.

    ``windows`` (e.g. ``[(2017, 2023), (2020, 2025)]``) makes the reference window an uncertain
    factor: the panel is rebuilt for each window (same year, view, countries and indicators;
    loaders are cached, so each costs a fraction of a second) and the Monte Carlo and the
    sensitivity analysis draw among the panel's own window and these.
    """
    values = panel.values
    empty = [c for c in values.columns if values[c].isna().all()]
    if empty:
        warnings.warn(
            f"indicator(s) {empty} have no value in the panel (loader missing?): left out",
            CompositeWarning,
            stacklevel=2,
        )
        values = values.drop(columns=empty)
    optional = [c for c in PANEL_META_COLUMNS if c in panel.meta.columns]
    meta = panel.meta.set_index("id").loc[list(values.columns), ["layer", "direction", *optional]]
    alternatives = None
    if windows:
        from sovai.panel import build_panel

        base = panel.meta.drop(columns=["available", "n_countries", "coverage", "note"], errors="ignore")
        alternatives = {}
        for w in windows:
            lo, hi = (int(x) for x in w)
            if (lo, hi) == tuple(panel.window):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                alt = build_panel(
                    year=panel.year, view=panel.view, window=(lo, hi), countries=list(values.index), indicators=base
                )
            alternatives[f"window {lo}-{hi}"] = alt.values.reindex(columns=list(values.columns))
    result = run(
        values,
        meta,
        config,
        layers=list(panel.layers["id"]),
        fallback=panel.fallback,
        impute_basis=panel.impute_basis(),
        panel_meta=panel.settings(),
        alternatives=alternatives,
        **overrides,
    )
    if empty:
        result.log.insert(0, f"panel: indicator(s) {empty} without data left out")
    return result
