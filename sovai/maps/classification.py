"""Classification of a country variable: :func:`classify` puts every country in a class
(booleans, ordered and unordered categories, discrete integers, or continuous schemes computed with
:mod:`mapclassify`) and gives each class a colour and a label. It also holds :func:`is_boolean`,
the palettes (Okabe–Ito, sequential) and the number formats of bin labels. It works on values
alone: no geometry, no region, no drawing.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex

from sovai.maps.results import Classification

#: Okabe & Ito (2008) colour-blind-safe qualitative palette (black left out: it hides borders).
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]

#: Default sequential colour map (ordinal, boolean, discrete and continuous data): low = light.
DEFAULT_SEQUENTIAL = "viridis_r"

#: Classification schemes for continuous data (``"natural_breaks"`` is an alias of Fisher–Jenks).
SCHEMES = ("auto", "quantiles", "fisher_jenks", "natural_breaks", "equal_interval", "user_defined")

#: Integer data with at most this many consecutive values is shown one class per value.
MAX_DISCRETE_CLASSES = 12


def is_boolean(s: pd.Series) -> bool:
    """Whether ``s`` holds booleans only (a boolean dtype, or objects that are all True/False)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return True
    if s.dtype == object:
        vals = set(s.dropna().tolist())
        return bool(vals) and vals <= {True, False}
    return False


def _sequential(n: int, cmap) -> list[str]:
    if isinstance(cmap, Sequence) and not isinstance(cmap, str):
        return _take_colors(list(cmap), n, "cmap")
    cm = mpl.colormaps[cmap or DEFAULT_SEQUENTIAL]
    if n == 1:
        return [to_hex(cm(0.5))]
    lo, hi = (0.15, 0.9) if n <= 3 else (0.04, 0.96)  # few classes: avoid the palette's extremes
    return [to_hex(cm(x)) for x in np.linspace(lo, hi, n)]


def _qualitative(n: int, cmap) -> list[str]:
    if isinstance(cmap, Sequence) and not isinstance(cmap, str):
        return _take_colors(list(cmap), n, "cmap")
    if cmap is None:
        if n <= len(OKABE_ITO):
            return OKABE_ITO[:n]
        warnings.warn(
            f"{n} nominal categories exceed the {len(OKABE_ITO)} colour-blind-safe Okabe-Ito colours; "
            "using 'tab20', which is not colour-blind safe. Group categories or pass cmap=",
            stacklevel=3,
        )
        cmap = "tab20"
    cm = mpl.colormaps[cmap]
    count = getattr(cm, "N", 256)
    if count <= 24:
        return [to_hex(cm(i % count)) for i in range(n)]
    return [to_hex(cm(x)) for x in np.linspace(0, 1, n)]


def _take_colors(colors: list, n: int, parameter: str) -> list[str]:
    if len(colors) < n:
        raise ValueError(f"parameter {parameter!r}: {len(colors)} colours given for {n} classes")
    return [to_hex(c) for c in colors[:n]]


def _number_format(values: Sequence[float]) -> str:
    finite = [abs(v) for v in values if np.isfinite(v)]
    top = max(finite) if finite else 1.0
    if finite and all(float(v).is_integer() for v in values if np.isfinite(v)):
        return "{:,.0f}" if top >= 10_000 else "{:.0f}"  # no separator in years and ranks
    digits = (
        0 if top >= 100 else (1 if top >= 10 else (2 if top >= 1 else min(4, 2 - math.floor(math.log10(top or 1)))))
    )
    return "{:,.%sf}".replace("%s", str(digits))


def classify(
    values: pd.Series,
    *,
    scheme: str = "auto",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap=None,
    labels: Mapping | Sequence[str] | None = None,
    fmt: str | None = None,
) -> Classification:
    """Assign each country to a class and each class a colour.

    Parameters
    ----------
    values
        Values indexed by ISO3; missing values get class ``-1``.
    scheme
        ``"auto"``: booleans → two classes (no, yes); ordered categoricals → their categories in
        order, sequential palette; unordered categoricals and strings → their categories,
        qualitative palette (Okabe–Ito); integers spanning at most 12 values → one class per
        value; other numbers → quantiles. For numbers: ``"quantiles"``, ``"fisher_jenks"``
        (``"natural_breaks"``), ``"equal_interval"`` or ``"user_defined"`` (with ``bins``),
        computed with :mod:`mapclassify`.
    k
        Number of classes for the continuous schemes.
    bins
        Upper class bounds for ``"user_defined"`` (implied when given with ``"auto"``); a class
        for values above the last bound is added when needed.
    cmap
        Matplotlib colour-map name or a list of colours. Defaults: ``viridis_r`` (sequential,
        light = low) and Okabe–Ito (nominal).
    labels
        Display labels: a mapping from category (or ``True``/``False``) to label, or a list in
        class order.
    fmt
        Format for bin bounds, e.g. ``"{:.1f}"`` (chosen from the data by default).

    Raises
    ------
    ValueError
        Unknown scheme, a scheme that does not fit the data type, ``k`` < 2, or bad ``bins``.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"parameter 'scheme': unknown scheme {scheme!r}; expected one of {SCHEMES}")
    if bins is not None and scheme == "auto":
        scheme = "user_defined"
    s = values
    if s.dtype == object and not is_boolean(s):
        as_num = pd.to_numeric(s, errors="coerce")
        if as_num.notna().sum() == s.notna().sum():  # numbers stored as objects
            s = as_num
    categorical = isinstance(s.dtype, pd.CategoricalDtype)
    textual = pd.api.types.is_string_dtype(s.dtype) and not is_boolean(s)
    if is_boolean(s) or categorical or textual:
        if scheme != "auto":
            raise ValueError(
                f"parameter 'scheme': {scheme!r} applies to numeric data; column {s.name!r} is "
                f"{'boolean' if is_boolean(s) else 'categorical'} (use scheme='auto')"
            )
        if is_boolean(s):
            cats, kind = [False, True], "boolean"
            default_labels = ["no", "yes"]
            codes = s.map(lambda v: -1 if pd.isna(v) else int(bool(v)))
            colors = _sequential(2, cmap)
        else:
            if categorical:
                cats = list(s.cat.categories)
                kind = "ordinal" if s.cat.ordered else "nominal"
            else:
                cats = sorted(s.dropna().astype(str).unique())
                kind = "nominal"
            default_labels = [str(c).replace("_", " ") for c in cats]
            lookup = {c: i for i, c in enumerate(cats)}
            codes = s.map(lambda v: -1 if pd.isna(v) else lookup[v if categorical else str(v)])
            colors = _sequential(len(cats), cmap) if kind == "ordinal" else _qualitative(len(cats), cmap)
        out_labels = _apply_labels(default_labels, cats, labels)
        return Classification(out_labels, colors, codes.astype(int), kind)

    if not pd.api.types.is_numeric_dtype(s.dtype):
        raise ValueError(f"column {s.name!r}: cannot map dtype {s.dtype}; expected boolean, categorical or numeric")
    x = pd.to_numeric(s, errors="coerce").astype("float64")
    x = x.where(np.isfinite(x))
    present = x.dropna()
    if present.empty:
        return Classification([], [], pd.Series(-1, index=s.index, dtype=int), "continuous", scheme, [])
    integral = bool((present == present.round()).all())
    span = int(present.max() - present.min()) + 1 if integral else None
    if scheme == "auto" and integral and span <= MAX_DISCRETE_CLASSES:
        cats = list(range(int(present.min()), int(present.max()) + 1))
        codes = x.map(lambda v: -1 if pd.isna(v) else int(v) - cats[0])
        default_labels = [f"{c:d}" for c in cats]
        return Classification(
            _apply_labels(default_labels, cats, labels), _sequential(len(cats), cmap), codes.astype(int), "discrete"
        )
    import mapclassify

    if scheme == "auto":
        scheme = "quantiles"
    if scheme == "natural_breaks":
        scheme = "fisher_jenks"
    if scheme != "user_defined" and (not isinstance(k, int | np.integer) or k < 2):
        raise ValueError(f"parameter 'k': expected an integer ≥ 2, got {k!r}")
    y = present.to_numpy()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message=".*Numba not installed.*")
        if scheme == "quantiles":
            clf = mapclassify.Quantiles(y, k=k)
        elif scheme == "fisher_jenks":
            clf = mapclassify.FisherJenks(y, k=min(k, len(np.unique(y))))
        elif scheme == "equal_interval":
            clf = mapclassify.EqualInterval(y, k=k)
        else:
            if bins is None or len(bins) == 0:
                raise ValueError("parameter 'bins': scheme 'user_defined' needs a list of upper class bounds")
            if list(bins) != sorted(bins):
                raise ValueError(f"parameter 'bins': bounds must increase, got {list(bins)}")
            clf = mapclassify.UserDefined(y, bins=list(bins))
    for w in caught:
        warnings.warn(f"column {s.name!r}, scheme {scheme!r}: {w.message}", stacklevel=2)
    upper = [float(b) for b in clf.bins]
    lower = [float(y.min())] + upper[:-1]
    if integral:  # integers (ranks, counts): class (b0, b1] holds floor(b0) + 1 … floor(b1)
        shown_hi = [math.floor(b) for b in upper]
        shown_lo = [int(y.min())] + [math.floor(b) + 1 for b in upper[:-1]]
    else:
        shown_lo, shown_hi = lower, upper
    f = fmt or _number_format([*shown_lo, *shown_hi])
    default_labels = []
    for i, (lo, hi) in enumerate(zip(shown_lo, shown_hi)):
        if i == 0 and lo > hi:  # user bins below the data: nothing in the first class
            default_labels.append(f"≤ {f.format(hi)}")
        elif integral and lo == hi:
            default_labels.append(f.format(hi))
        else:
            default_labels.append(f"{f.format(lo)} – {f.format(hi)}")
    codes = pd.Series(-1, index=s.index, dtype=int)
    codes.loc[present.index] = np.asarray(clf.yb, dtype=int)
    return Classification(
        _apply_labels(default_labels, upper, labels), _sequential(len(upper), cmap), codes, "continuous", scheme, upper
    )


def _apply_labels(default: list[str], cats: list, labels) -> list[str]:
    if labels is None:
        return default
    if isinstance(labels, Mapping):
        return [str(labels.get(c, d)) for c, d in zip(cats, default)]
    labels = list(labels)
    if len(labels) != len(default):
        raise ValueError(f"parameter 'labels': {len(labels)} labels given for {len(default)} classes")
    return [str(v) for v in labels]
