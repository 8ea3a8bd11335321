"""The analysis panel: one row per country, one column per stack indicator, for a given year.

The indicators are data (``data/stack/indicators.csv``, layers in ``data/stack/layers.csv``, both
read and validated by :mod:`sovai.framework`): per indicator its layer, loader (``module:function`` returning the tidy ``iso3, year, indicator,
value`` form, and the indicator name in that form), unit, direction, form (``absolute`` or
``rate``), denominator and ``per`` for the two views, timing rule, year window, whether a country
absent from the source has a true zero, and source folder and licence.

Timing rules
------------
``annual``
    the latest value in the window at or before ``year``;
``cumulative``
    the sum of the yearly values in the window up to ``year`` (flows such as models published);
``snapshot``
    a source with one edition (or a few): the latest value in the window, or the latest edition
    if none falls in it (e.g. an IXP census of 2026), whatever ``year``;
``annual_or_first``
    ``annual``; but when the source has no value at all at or before ``year`` (a series that
    starts later, e.g. TOP500 in 2020, the e-government survey in 2022) each country's earliest
    value from the window start on (the ``years`` frame shows the year used).

Views
-----
``scale``
    absolute quantities: ``absolute`` indicators as published, ``rate`` indicators multiplied
    back by their denominator (``value × denominator / per``: broadband per 100 people →
    subscriptions);
``intensity``
    ``absolute`` indicators divided by their denominator (``value × per / denominator``: TWh →
    kWh per person), ``rate`` indicators as published.

Indicators with denominator ``none`` are the same in both views. Denominators are population
(``SP.POP.TOTL``) and GDP (``NY.GDP.MKTP.CD``, current US$), taken with the ``annual`` rule.
Where WDI has no value (Taiwan; GDP of a few others) they are filled from UN WPP 2024 (population,
median projection; 2024 is its first year, used for earlier panel years) and the IMF WEO October
2025 (GDP, current US$); :attr:`Panel.denominator_sources` names the source and year of every
value.

Indicator metadata
------------------
Besides the columns above, ``kind`` (``continuous``, ``binary``, ``count``, ``ordinal``),
``census`` (true only where the source is a complete census and a country absent from it has a
true 0; ``missing_means_zero`` is kept equal to it for older readers), ``subpillar`` (an optional
aggregation level between indicator and layer, read by the composite engine; empty = the
indicator sits directly under its layer), ``theme`` (a descriptive grouping within the layer,
e.g. mining / processing / reserves, not used for aggregation) and ``rationale`` (why the
indicator measures its layer).

Rank over time
--------------
:func:`build_panels` returns one panel per year with the same indicator set; raw loads are cached
per process, so each extra year costs only the value selection.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sovai.framework import TIMINGS, layer_ids, load_indicators, load_layers
from sovai.provenance import cache

#: Views of :func:`build_panel`.
VIEWS = ("scale", "intensity")
#: Denominators of the two views and the WDI codes they are read from.
DENOMINATOR_CODES = {"population": "SP.POP.TOTL", "gdp": "NY.GDP.MKTP.CD"}
#: Fallback sources of the denominators where WDI has no value: (loader, indicator, label).
DENOMINATOR_FALLBACKS = {
    "population": ("sovai.sources.unpop:load", "un_population", "un_wpp2024"),
    "gdp": ("sovai.sources.imf:load", "imf_gdp_usd", "imf_weo_oct2025"),
}


class PanelWarning(UserWarning):
    """A loader is missing or failed: its indicators are all-missing in the panel."""


def thin_layers(indicators: pd.DataFrame | None = None, minimum: int = 2) -> list[str]:
    """Layers with fewer than ``minimum`` indicators in the framework."""
    indicators = load_indicators() if indicators is None else indicators
    counts = indicators.groupby("layer").size()
    return [lay for lay in layer_ids() if counts.get(lay, 0) < minimum]


# --------------------------------------------------------------------------------------------
# Loaders
# --------------------------------------------------------------------------------------------


def load_categorical_indicators() -> pd.DataFrame:
    """The boolean codings of ``sovai.categorical`` in tidy form (value 1/0; year = codebook date).

    Used for the governance indicators (``national_ai_strategy``, ``ai_law``); NA (not coded) rows
    are left out.
    """
    from sovai import categorical

    wide = categorical.load_categorical()
    year = int(str(categorical.codebook().get("date", "2026"))[:4])
    frames = []
    for col in wide.columns:
        if str(wide[col].dtype) != "boolean":
            continue
        s = wide[col].dropna()
        frames.append(
            pd.DataFrame(
                {"iso3": s.index.astype(str), "year": year, "indicator": col, "value": s.astype(float).to_numpy()}
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"iso3": "string", "year": "Int64", "value": "Float64"})


@cache
def _call_loader(spec: str, code: str | None = None) -> pd.DataFrame:
    """Run ``module:function`` (module relative to ``sovai`` allowed) once per process.

    A loader with a ``codes`` parameter (WDI) is called for one ``code`` only.
    """
    module, func = spec.split(":")
    mod = importlib.import_module(module if module.startswith("sovai") else f"sovai.{module}")
    fn = getattr(mod, func)
    df = fn(codes=code) if code is not None else fn()
    missing = {"iso3", "year", "indicator", "value"} - set(df.columns)
    if missing:
        raise ValueError(f"loader {spec!r} did not return the tidy form: missing {sorted(missing)}")
    out = pd.DataFrame(
        {
            "iso3": df["iso3"].astype(str).to_numpy(),
            "year": pd.to_numeric(df["year"], errors="coerce").to_numpy(dtype=float),
            "indicator": df["indicator"].astype(str).to_numpy(),
            "value": pd.to_numeric(df["value"], errors="coerce").astype(float).to_numpy(),
        }
    )
    return out.dropna(subset=["year", "value"])


def _load_series(spec: str, indicator: str) -> tuple[pd.DataFrame | None, str | None]:
    """The tidy rows of one indicator, or ``(None, reason)`` when the loader is unavailable."""
    try:
        df = _call_loader(spec, indicator if _takes_codes(spec) else None)
    except (ImportError, AttributeError) as exc:
        return None, f"loader {spec} not available ({exc.__class__.__name__}: {exc})"
    except Exception as exc:  # noqa: BLE001 - a broken source must not stop the panel; it is reported
        return None, f"loader {spec} failed ({exc.__class__.__name__}: {exc})"
    rows = df[df["indicator"] == indicator]
    if rows.empty:
        return None, f"loader {spec} returned no rows for indicator {indicator!r}"
    return rows, None


@cache
def _takes_codes(spec: str) -> bool:
    import inspect

    module, func = spec.split(":")
    try:
        mod = importlib.import_module(module if module.startswith("sovai") else f"sovai.{module}")
        return "codes" in inspect.signature(getattr(mod, func)).parameters
    except (ImportError, AttributeError, TypeError, ValueError):
        return False


@cache
def _sorted_series(spec: str, indicator: str) -> tuple[_ByCountry | None, str | None]:
    """A loader's rows of one indicator sorted by country and year, once per process."""
    rows, problem = _load_series(spec, indicator)
    if rows is None:
        return None, problem
    return _ByCountry(rows[["iso3", "year", "value"]].dropna()), None


@cache
def _selected(spec: str, indicator: str, year: int, window: tuple[int, int], timing: str):
    """:func:`select_values` on a loader's rows, memoised (callers never modify the result)."""
    by, problem = _sorted_series(spec, indicator)
    if by is None:
        return None, problem
    return _select(by, year=year, window=window, timing=timing), None


def clear_cache() -> None:
    """Forget the cached loader results (e.g. after changing the data mirror)."""
    _call_loader.cache_clear()
    _takes_codes.cache_clear()
    _sorted_series.cache_clear()
    _selected.cache_clear()


# --------------------------------------------------------------------------------------------
# Value selection
# --------------------------------------------------------------------------------------------


def select_values(
    rows: pd.DataFrame, *, year: int, window: tuple[int, int], timing: str
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Pick one value per country from tidy rows (``iso3, year, value``).

    Returns ``(values, years, fallback, fallback_years)`` indexed by ISO3 (sorted): the value
    under the ``timing`` rule and its year, and (``annual`` only) the latest value *before* the
    window, for last-observation-carried-forward imputation.

    The rows are sorted once by country and year, and each rule keeps the first or last row of
    each country inside a year mask (numpy; the pandas sort-and-group it replaces cost 10 ms per
    call, and a ranking with its ranks over time makes about 400 calls, measured 2026-12-03).
    ``tests/test_panel.py`` checks it against that pandas form on every indicator of the mirror.
    """
    return _select(_ByCountry(rows[["iso3", "year", "value"]].dropna()), year=year, window=window, timing=timing)


def _select(by: _ByCountry, *, year: int, window: tuple[int, int], timing: str):
    """:func:`select_values` on rows already sorted by country and year."""
    lo, hi = window
    end = min(hi, year)
    r = by.rows
    empty = pd.Series(dtype=float)
    if timing == "annual_or_first":
        if not (by.year <= end).any():
            return (*by.pick(by.year >= lo, last=False), empty, empty)
        timing = "annual"
    if timing == "annual":
        value, years = by.pick((by.year >= lo) & (by.year <= end))
        before, before_years = by.pick(by.year < lo)
        return value, years, before, before_years
    if timing == "cumulative":
        inw = r[(r["year"] >= lo) & (r["year"] <= end)]
        total = inw.groupby("iso3")["value"].sum()
        return total, pd.Series(float(end), index=total.index), empty, empty
    if timing == "snapshot":
        inw = (by.year >= lo) & (by.year <= hi)
        return (*by.pick(inw if inw.any() else np.ones_like(inw)), empty, empty)
    raise ValueError(f"parameter 'timing': unknown timing {timing!r}; expected one of {TIMINGS}")


class _ByCountry:
    """Tidy rows sorted by (country, year), to pick one row per country inside a year mask."""

    def __init__(self, rows: pd.DataFrame):
        codes, _ = pd.factorize(rows["iso3"], sort=True)
        self.rows = rows
        self.order = np.lexsort((rows["year"].to_numpy(dtype=float), codes))
        self.codes = codes[self.order]
        self.year = rows["year"].to_numpy(dtype=float)[self.order]

    def pick(self, mask: np.ndarray, *, last: bool = True) -> tuple[pd.Series, pd.Series]:
        """``(value, year)`` of each country's last (or first) row where ``mask`` (in sorted order) holds."""
        kept = np.flatnonzero(mask)
        c = self.codes[kept]
        edge = c[1:] != c[:-1]
        keep = kept[np.r_[edge, True] if last else np.r_[True, edge]] if len(kept) else kept
        picked = self.rows.iloc[self.order[keep]]
        index = pd.Index(picked["iso3"], name="iso3")
        value, years = picked["value"].copy(), picked["year"].copy()
        value.index = years.index = index
        return value, years


@dataclass
class Panel:
    """What :func:`build_panel` returns.

    Attributes
    ----------
    values
        Country × indicator values in the panel's view (index ``iso3``, float; NaN = missing).
    years
        Same shape: the year each value comes from (for ``cumulative`` indicators the last year
        of the summed window).
    fallback, fallback_years
        The latest value before the window (``annual`` indicators), in the same view, for
        last-observation-carried-forward imputation.
    raw
        The values before denomination (as published by the source).
    denominators
        Population and GDP per country (columns ``population``, ``gdp``).
    denominator_sources
        Per country, where each denominator came from: columns ``population``, ``gdp`` holding
        ``"<source> <year>"`` (``"worldbank_wdi 2024"``, ``"un_wpp2024 2024"``,
        ``"imf_weo_oct2025 2024"``) or ``<NA>`` when no source has it.
    meta
        The indicator table with per-panel ``coverage`` (share of countries with a value),
        ``n_countries``, ``available`` and ``note``.
    layers
        The layer table.
    view, year, window
        The settings.
    log
        What happened (missing loaders, zero-filled countries, missing denominators).
    """

    values: pd.DataFrame
    years: pd.DataFrame
    fallback: pd.DataFrame
    fallback_years: pd.DataFrame
    raw: pd.DataFrame
    denominators: pd.DataFrame
    meta: pd.DataFrame
    layers: pd.DataFrame
    view: str
    year: int
    window: tuple[int, int]
    log: list[str] = field(default_factory=list)
    denominator_sources: pd.DataFrame = field(default_factory=pd.DataFrame)

    def to_frame(self) -> pd.DataFrame:
        """One frame: ``<id>`` value columns each followed by ``<id>__year``."""
        cols = {}
        for c in self.values.columns:
            cols[c] = self.values[c]
            cols[f"{c}__year"] = self.years[c]
        return pd.DataFrame(cols, index=self.values.index)

    def impute_basis(self) -> pd.DataFrame:
        """Per country × indicator the size the value scales with: ``denominator / per`` for
        indicators with a denominator in the scale view, 1 otherwise (see
        :func:`sovai.composite.impute`). ``value / basis`` is the intensity form."""
        basis = pd.DataFrame(1.0, index=self.values.index, columns=self.values.columns)
        if self.view != "scale":
            return basis
        for rec in self.meta.itertuples(index=False):
            if rec.denominator != "none" and rec.id in basis.columns:
                basis[rec.id] = self.denominators[rec.denominator] / rec.per
        return basis

    def settings(self) -> dict:
        """View, year and window (for the composite log)."""
        return {"view": self.view, "year": self.year, "window": f"{self.window[0]}-{self.window[1]}"}

    def sources(self, indicators: Iterable[str] | None = None) -> list[str]:
        """Registry source folders of the (available) indicators, in framework order."""
        meta = self.meta if indicators is None else self.meta[self.meta["id"].isin(list(indicators))]
        meta = meta[meta["available"]]
        out = list(dict.fromkeys(meta["source"]))
        if self.view == "intensity" or (meta["denominator"] != "none").any():
            out.append("worldbank_wdi")
        return list(dict.fromkeys(out))

    def source_line(self, indicators: Iterable[str] | None = None) -> str:
        """A caption naming every source and licence used, non-commercial ones flagged."""
        from sovai import registry

        parts = []
        folders = self.sources(indicators)
        known = [f for f in folders if registry.keys(f)]
        if known:
            parts.append(registry.source_line(*known))
        others = [f for f in folders if f not in known]
        if "categorical" in others:
            parts.append("sovai categorical codings (data/categorical, cited per value)")
        return "; ".join(parts)


def _years_window(window) -> tuple[int, int]:
    try:
        lo, hi = (int(w) for w in window)
    except (TypeError, ValueError):
        raise ValueError(f"parameter 'window': expected (start, end) years, got {window!r}") from None
    if lo > hi:
        raise ValueError(f"parameter 'window': start {lo} after end {hi}")
    return lo, hi


def build_panel(
    year: int = 2024,
    view: str = "scale",
    window: tuple[int, int] | None = (2019, 2025),
    countries=None,
    *,
    indicators: pd.DataFrame | None = None,
) -> Panel:
    """Build the country × indicator panel.

    Parameters
    ----------
    year
        Reference year: ``annual`` and ``cumulative`` indicators use values at or before it.
    view
        ``"scale"`` (absolute size) or ``"intensity"`` (per capita / per GDP), see the module
        docstring.
    window
        ``(start, end)`` years searched for values; ``None`` uses each indicator's own window from
        ``indicators.csv``.
    countries
        ``None``/``"all"`` (the 195 target countries), a group name (``"G20"``) or a list of ISO3
        codes or names.
    indicators
        An indicator table (default: ``data/stack/indicators.csv``), e.g. a subset.

    Returns
    -------
    Panel

    Raises
    ------
    ValueError
        On an unknown ``view``, a malformed ``window`` or an unknown country in ``countries``
        (the message names the parameter).
    """
    from sovai.countries import resolve_countries

    if view not in VIEWS:
        raise ValueError(f"parameter 'view': unknown view {view!r}; expected one of {VIEWS}")
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise ValueError(f"parameter 'year': expected an integer year, got {year!r}")
    win = _years_window(window) if window is not None else None
    iso = resolve_countries(countries, parameter="countries")
    layers = load_layers()
    meta = load_indicators() if indicators is None else indicators.copy()
    log: list[str] = []
    index = pd.Index(iso, name="iso3")

    def frame():
        return pd.DataFrame(index=index, columns=list(meta["id"]), dtype=float)

    raw, years, fb, fby = frame(), frame(), frame(), frame()
    notes, available = [], []
    for rec in meta.itertuples(index=False):
        w = win or (int(rec.window_start), int(rec.window_end))
        picked, problem = _selected(rec.loader, rec.loader_indicator, int(year), w, rec.timing)
        if picked is None:
            msg = f"{rec.id}: {problem}; all values missing"
            warnings.warn(msg, PanelWarning, stacklevel=2)
            log.append(msg)
            notes.append(problem)
            available.append(False)
            continue
        v, y, f, fy = picked
        note = ""
        if rec.missing_means_zero and len(v):
            absent = [c for c in iso if c not in v.index]
            if absent:
                yr = float(y.max())
                v = pd.concat([v, pd.Series(0.0, index=absent)])
                y = pd.concat([y, pd.Series(yr, index=absent)])
                note = f"{len(absent)} countries absent from the source counted 0"
                log.append(f"{rec.id}: {note}")
        raw[rec.id] = v.reindex(index).astype(float)
        years[rec.id] = y.reindex(index).astype(float)
        if len(f):
            fb[rec.id] = f.reindex(index).astype(float)
            fby[rec.id] = fy.reindex(index).astype(float)
        notes.append(note)
        available.append(True)

    den, den_src = _denominators(index, year, win or (2019, 2025))
    for name in den.columns:
        filled = den_src[name].dropna()
        filled = filled[~filled.str.startswith("worldbank_wdi")]
        if len(filled):
            log.append(
                f"denominator {name}: {len(filled)} countries filled from other sources ({', '.join(f'{k}: {v}' for k, v in filled.items())})"
            )
    values, fallback = raw.copy(), fb.copy()
    for rec in meta.itertuples(index=False):
        if rec.denominator == "none":
            continue
        d = den[rec.denominator]
        if view == "scale" and rec.form == "rate":
            values[rec.id] = raw[rec.id] * d / rec.per
            fallback[rec.id] = fb[rec.id] * d / rec.per
        elif view == "intensity" and rec.form == "absolute":
            values[rec.id] = raw[rec.id] * rec.per / d
            fallback[rec.id] = fb[rec.id] * rec.per / d
        lost = int((raw[rec.id].notna() & values[rec.id].isna()).sum())
        if lost:
            log.append(f"{rec.id}: {lost} value(s) lost for want of a {rec.denominator} denominator")
    meta = meta.assign(
        available=available,
        n_countries=values.notna().sum().reindex(meta["id"]).to_numpy(),
        coverage=(values.notna().mean().reindex(meta["id"]).to_numpy() if len(index) else 0.0),
        note=notes,
    )
    years = years.astype("Int64") if not years.empty else years
    fby = fby.astype("Int64") if not fby.empty else fby
    return Panel(
        values=values,
        years=years,
        fallback=fallback,
        fallback_years=fby,
        raw=raw,
        denominators=den,
        meta=meta,
        layers=layers,
        view=view,
        year=int(year),
        window=win or (int(meta["window_start"].min()), int(meta["window_end"].max())),
        log=log,
        denominator_sources=den_src,
    )


def _denominators(index: pd.Index, year: int, window: tuple[int, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Population and GDP (WDI, then the fallbacks of :data:`DENOMINATOR_FALLBACKS`) and their sources."""
    out = pd.DataFrame(index=index)
    src = pd.DataFrame(index=index)
    for name, code in DENOMINATOR_CODES.items():
        values = pd.Series(np.nan, index=index)
        label = pd.Series(pd.NA, index=index, dtype="string")
        picked, problem = _selected("sovai.sources.wdi:load", code, int(year), tuple(window), "annual")
        if picked is None:
            warnings.warn(f"denominator {name}: {problem}", PanelWarning, stacklevel=3)
        else:
            v, y = picked[0].reindex(index).astype(float), picked[1].reindex(index)
            values = v
            label = label.mask(v.notna(), "worldbank_wdi " + y.astype("Int64").astype("string"))
        spec, indicator, tag = DENOMINATOR_FALLBACKS[name]
        if values.isna().any():
            # annual_or_first: UN WPP starts in 2024, so earlier panel years use its 2024 value
            picked, problem = _selected(spec, indicator, int(year), tuple(window), "annual_or_first")
            if picked is None:
                warnings.warn(f"denominator {name} fallback: {problem}", PanelWarning, stacklevel=3)
            else:
                v, y = picked[0].reindex(index).astype(float), picked[1].reindex(index)
                fill = values.isna() & v.notna()
                values = values.where(~fill, v)
                label = label.mask(fill, f"{tag} " + y.astype("Int64").astype("string"))
        out[name] = values
        src[name] = label
    return out, src


def panel_years(
    view: str = "scale", years: Iterable[int] = range(2019, 2025), *, lookback: int = 5, **kwargs
) -> dict[int, Panel]:
    """One panel per year with the same indicator set, for ranks over time.

    Year ``y`` uses the window ``(y - lookback, y + 1)``: for 2024 that is the default
    ``(2019, 2025)`` of :func:`build_panel`, and every year sums ``cumulative`` indicators over
    the same number of years. Raw loads are cached per process (the first year pays for them;
    each further year costs only the value selection).

    Parameters
    ----------
    view
        ``"scale"`` or ``"intensity"``.
    years
        Panel years (default 2019–2024).
    lookback
        Years before ``y`` searched for values.
    **kwargs
        Passed to :func:`build_panel` (``countries``, ``indicators``).

    Returns
    -------
    dict
        Year → :class:`Panel`, in year order.
    """
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("parameter 'years': no year given")
    if lookback < 0:
        raise ValueError(f"parameter 'lookback': expected a non-negative number of years, got {lookback!r}")
    return {y: build_panel(year=y, view=view, window=(y - lookback, y + 1), **kwargs) for y in years}


def panel_long(panels: dict[int, Panel]) -> pd.DataFrame:
    """The panels of :func:`panel_years` stacked: ``year, iso3, indicator, value, value_year``,
    sorted by year, country and framework order."""
    parts = []
    for y, p in sorted(panels.items()):
        v = p.values.stack(future_stack=True).rename("value")
        yr = p.years.astype("Float64").stack(future_stack=True).rename("value_year")
        df = pd.concat([v, yr], axis=1).reset_index()
        df.columns = ["iso3", "indicator", "value", "value_year"]
        df.insert(0, "year", y)
        parts.append(df)
    out = pd.concat(parts, ignore_index=True)
    order = {i: k for k, i in enumerate(next(iter(panels.values())).values.columns)}
    out["_o"] = out["indicator"].map(order)
    out = out.sort_values(["year", "iso3", "_o"], kind="mergesort").drop(columns="_o").reset_index(drop=True)
    out["value_year"] = out["value_year"].astype("Int64")
    return out
