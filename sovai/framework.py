"""The framework as data: the one reader of ``data/stack/*.csv``, and the share-total rule.

Files (nothing is read at import; each file is read when asked for and parsed once per content,
so an edited file is picked up and an unchanged one costs a file read):

=========================  =========================  ===============================================
file                       reader                     checked here
=========================  =========================  ===============================================
``layers.csv``             :func:`load_layers`,       columns, unique ids, integer ``order``
                           :func:`layer_ids`
``indicators.csv``         :func:`load_indicators`    every column's vocabulary (layer, direction,
                                                      form, denominator, timing, window, kind…)
``inputs.csv``             :func:`load_inputs`        layer, unique ids, numbers, market sources
                                                      (:mod:`sovai.stack` checks the builder names)
``components.csv``         :func:`load_components`    layer, a source on every row
``chokepoint_facts.csv``   :func:`load_chokepoint_    layer, numbers, ``kind = cited``,
                           facts`                     ``country_shares`` (:func:`parse_country_shares`)
``proxies.csv``            :func:`load_proxies`       nothing: :mod:`sovai.drivers` checks it against
                                                      its builders
=========================  =========================  ===============================================

Every problem is an :class:`~sovai.errors.InputFileError` naming the file, row and column.

Share totals (:func:`share_status`)
    Country shares of world supply should add to 100. A total within :data:`EXACT_TOLERANCE`
    points of 100 is ``ok``, within :data:`ROUNDING_TOLERANCE` ``rounding`` (ETO rounds shares
    below 1 % up to 1 %; USGS rounds world totals), beyond it ``over`` or ``under``; no total at
    all is ``no_shares``. The ETO and USGS share checks and the stack's concentration table use
    this one rule; totals are reported, never rescaled.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from sovai import paths
from sovai.errors import InputFileError
from sovai.provenance import lru_cache

#: Percentage points around 100 that a share total may miss by rounding.
ROUNDING_TOLERANCE = 2.0
#: Percentage points around 100 within which a share total counts as exact.
EXACT_TOLERANCE = 0.5
#: The values :func:`share_status` returns.
SHARE_STATUSES = ("ok", "rounding", "over", "under", "no_shares")

LAYER_COLUMNS = ["id", "name", "order", "description"]
INDICATOR_COLUMNS = [
    "id",
    "name",
    "layer",
    "loader",
    "loader_indicator",
    "unit",
    "direction",
    "form",
    "denominator",
    "per",
    "timing",
    "window",
    "kind",
    "census",
    "missing_means_zero",
    "source",
    "licence",
    "notes",
]
#: Optional columns of ``indicators.csv`` (empty when absent from the file).
OPTIONAL_INDICATOR_COLUMNS = ["subpillar", "theme", "rationale"]
#: Vocabularies of ``indicators.csv`` (their meaning: :mod:`sovai.panel`).
TIMINGS = ("annual", "annual_or_first", "cumulative", "snapshot")
KINDS = ("continuous", "binary", "count", "ordinal")
FORMS = ("absolute", "rate")
DENOMINATORS = ("population", "gdp", "none")

INPUT_COLUMNS = [
    "input_id",
    "layer",
    "input",
    "builder",
    "param",
    "source",
    "basis",
    "market_size_usd",
    "market_year",
    "market_source_url",
    "market_source_title",
    "note",
]
COMPONENT_COLUMNS = ["layer", "component", "description", "chokepoint", "measured_by", "source_url", "source_title"]
FACT_COLUMNS = [
    "fact_id",
    "layer",
    "input",
    "fact",
    "value",
    "unit",
    "top1_iso3",
    "year",
    "country_shares",
    "as_input",
    "market_size_usd",
    "market_year",
    "market_source_url",
    "market_source_title",
    "source_url",
    "source_title",
    "accessed",
    "kind",
    "note",
]


# --- the share-total rule -----------------------------------------------------------------------


def share_status(total: float | None, *, tolerance: float = ROUNDING_TOLERANCE) -> str:
    """Whether shares adding to ``total`` percent add to 100: one of :data:`SHARE_STATUSES`.

    >>> share_status(100.3), share_status(101.5), share_status(97.0), share_status(None)
    ('ok', 'rounding', 'under', 'no_shares')
    """
    if total is None or pd.isna(total):
        return "no_shares"
    deviation = float(total) - 100.0
    if abs(deviation) <= EXACT_TOLERANCE:
        return "ok"
    if abs(deviation) <= tolerance:
        return "rounding"
    return "over" if deviation > 0 else "under"


# --- reading --------------------------------------------------------------------------------------


def _path(name: str, path: str | Path | None) -> Path:
    return paths.STACK_DIR / name if path is None else Path(path)


def _content(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(path, f"file not found ({what})") from None


def _read(path: Path, content: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)


def _require(path: Path, df: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputFileError(path, f"missing column(s) {missing}; found {list(df.columns)}", column=missing[0])


def _numeric(df: pd.DataFrame, col: str, path: Path, kind: str = "Float64") -> pd.Series:
    out = pd.to_numeric(df[col].replace("", None), errors="coerce")
    bad = df.index[(df[col].str.strip() != "") & out.isna()]
    if len(bad):
        raise InputFileError(path, f"not a number: {df.loc[bad[0], col]!r}", row=int(bad[0]) + 1, column=col)
    return out.astype(kind)


def _check_layers(path: Path, df: pd.DataFrame, layers: tuple[str, ...]) -> None:
    bad = df.index[~df["layer"].isin(layers)]
    if len(bad):
        i = int(bad[0])
        raise InputFileError(
            path, f"unknown layer {df.loc[i, 'layer']!r}; expected one of {layers}", row=i + 1, column="layer"
        )


def _check_sources(path: Path, df: pd.DataFrame, column: str) -> None:
    no_src = df.index[df[column].str.strip() == ""]
    if len(no_src):
        raise InputFileError(path, "row without a source", row=int(no_src[0]) + 1, column=column)


# --- layers and indicators ----------------------------------------------------------------------


@lru_cache(maxsize=16)
def _layers(path: Path, content: bytes) -> pd.DataFrame:
    df = _read(path, content)
    _require(path, df, LAYER_COLUMNS)
    dup = df["id"][df["id"].duplicated()]
    if len(dup):
        raise InputFileError(path, f"duplicated layer id(s) {sorted(set(dup))}", row=int(dup.index[0]) + 1, column="id")
    df["order"] = _numeric(df, "order", path, "int64")
    return df.sort_values("order", kind="mergesort").reset_index(drop=True)


def load_layers(path: str | Path | None = None) -> pd.DataFrame:
    """The stack layers (``layers.csv``): ``id, name, order, description, …``, sorted by ``order``."""
    path = _path("layers.csv", path)
    return _layers(path, _content(path, "stack layers")).copy()


def layer_ids() -> tuple[str, ...]:
    """Layer ids of ``data/stack/layers.csv``, bottom of the stack (minerals) first."""
    return tuple(load_layers()["id"])


@lru_cache(maxsize=16)
def _indicators(path: Path, content: bytes, layers: tuple[str, ...]) -> pd.DataFrame:
    df = _read(path, content)
    _require(path, df, INDICATOR_COLUMNS)
    known = list(layers)

    def check(mask: pd.Series, column: str, what: str) -> None:
        bad = df.index[mask]
        if len(bad):
            raise InputFileError(path, f"{what}: {df.at[bad[0], column]!r}", row=int(bad[0]) + 1, column=column)

    check(df["id"].duplicated(), "id", "duplicated indicator id")
    check(~df["layer"].isin(known), "layer", f"unknown layer (expected one of {known})")
    check(~df["direction"].isin(["1", "-1", "+1"]), "direction", "direction must be 1 or -1")
    check(~df["form"].isin(FORMS), "form", f"form must be one of {FORMS}")
    check(~df["denominator"].isin(DENOMINATORS), "denominator", f"denominator must be one of {DENOMINATORS}")
    check(~df["timing"].isin(TIMINGS), "timing", f"timing must be one of {TIMINGS}")
    check(~df["window"].str.fullmatch(r"\d{4}-\d{4}"), "window", "window must look like 2019-2025")
    check(~df["missing_means_zero"].str.lower().isin(["true", "false"]), "missing_means_zero", "expected true or false")
    check(~df["census"].str.lower().isin(["true", "false"]), "census", "expected true or false")
    check(
        df["census"].str.lower() != df["missing_means_zero"].str.lower(),
        "census",
        "census and missing_means_zero disagree (a census is exactly where absent means 0)",
    )
    check(~df["kind"].isin(KINDS), "kind", f"kind must be one of {KINDS}")
    check(~df["loader"].str.fullmatch(r"[\w.]+:\w+"), "loader", "loader must be module:function")
    per = pd.to_numeric(df["per"], errors="coerce")
    check(per.isna() | (per <= 0), "per", "per must be a positive number")
    out = df.copy()
    for col in OPTIONAL_INDICATOR_COLUMNS:
        if col not in out.columns:
            out[col] = ""
    out["census"] = out["census"].str.lower() == "true"
    out["direction"] = out["direction"].astype(int)
    out["per"] = per.astype(float)
    out["missing_means_zero"] = out["missing_means_zero"].str.lower() == "true"
    out["window_start"] = out["window"].str[:4].astype(int)
    out["window_end"] = out["window"].str[5:].astype(int)
    order = {lay: i for i, lay in enumerate(known)}
    out["_order"] = out["layer"].map(order)
    return out.sort_values("_order", kind="mergesort").drop(columns="_order").reset_index(drop=True)


def load_indicators(path: str | Path | None = None) -> pd.DataFrame:
    """The rankings' indicators (``indicators.csv``), validated, in layer order.

    Raises
    ------
    InputFileError
        Naming the file, row and column of the first problem (unknown layer, direction not ±1,
        unknown form/denominator/timing/kind, malformed window, duplicated id).
    """
    path = _path("indicators.csv", path)
    return _indicators(path, _content(path, "stack indicators"), layer_ids()).copy()


# --- the chokepoint framework -------------------------------------------------------------------


@lru_cache(maxsize=16)
def _inputs(path: Path, content: bytes, layers: tuple[str, ...]) -> pd.DataFrame:
    df = _read(path, content)
    _require(path, df, INPUT_COLUMNS)
    _check_layers(path, df, layers)
    _check_sources(path, df, "source")
    dup = df.index[df["input_id"].duplicated()]
    if len(dup):
        raise InputFileError(path, f"duplicate input_id {df.loc[dup[0], 'input_id']!r}", row=int(dup[0]) + 1)
    df["market_size_usd"] = _numeric(df, "market_size_usd", path)
    df["market_year"] = _numeric(df, "market_year", path, "Int64")
    no_src = df.index[df["market_size_usd"].notna() & (df["market_source_url"].str.strip() == "")]
    if len(no_src):
        raise InputFileError(path, "market size without a source", row=int(no_src[0]) + 1, column="market_source_url")
    return df


def load_inputs() -> pd.DataFrame:
    """The declared stack inputs (``inputs.csv``): :data:`INPUT_COLUMNS`, one row per input.

    ``market_size_usd`` (US$, nominal) and ``market_year`` are numeric, NA where no market size
    was read. Rows whose id ends in ``:*`` declare a family of inputs. Whether each ``builder``
    exists is checked by :func:`sovai.stack.declared_inputs`.
    """
    path = _path("inputs.csv", None)
    return _inputs(path, _content(path, "stack inputs"), layer_ids()).copy()


@lru_cache(maxsize=16)
def _components(path: Path, content: bytes, layers: tuple[str, ...]) -> pd.DataFrame:
    df = _read(path, content)
    _require(path, df, COMPONENT_COLUMNS)
    _check_layers(path, df, layers)
    _check_sources(path, df, "source_url")
    df["chokepoint"] = df["chokepoint"].str.lower().map({"yes": True, "no": False})
    return df


def load_components() -> pd.DataFrame:
    """Appendix B reconstruction (``components.csv``): each layer's components and known chokepoints.

    ``measured_by`` (``;``-separated) names the stack input ids or cited fact ids that quantify the
    component, or is empty where nothing open measures it.
    """
    path = _path("components.csv", None)
    return _components(path, _content(path, "stack components"), layer_ids()).copy()


@lru_cache(maxsize=16)
def _facts(path: Path, content: bytes, layers: tuple[str, ...]) -> pd.DataFrame:
    df = _read(path, content)
    _require(path, df, FACT_COLUMNS)
    _check_layers(path, df, layers)
    _check_sources(path, df, "source_url")
    df["value"] = _numeric(df, "value", path)
    df["year"] = _numeric(df, "year", path, "Int64")
    df["market_size_usd"] = _numeric(df, "market_size_usd", path)
    df["market_year"] = _numeric(df, "market_year", path, "Int64")
    if set(df["kind"]) != {"cited"}:
        raise InputFileError(path, "column 'kind' must be 'cited' on every row (these are cited facts, not computed)")
    bad = df.index[~df["as_input"].isin(["yes", "no"])]
    if len(bad):
        raise InputFileError(path, "as_input must be 'yes' or 'no'", row=int(bad[0]) + 1, column="as_input")
    for i, text in df["country_shares"].items():
        try:
            parsed = parse_country_shares(text)
        except ValueError as exc:
            raise InputFileError(path, str(exc), row=int(i) + 1, column="country_shares") from exc
        if df.loc[i, "as_input"] == "yes" and not parsed:
            raise InputFileError(path, "as_input = yes needs country_shares", row=int(i) + 1, column="country_shares")
        if sum(parsed.values()) > 100.0 + ROUNDING_TOLERANCE:
            raise InputFileError(path, "country shares add to more than 100", row=int(i) + 1, column="country_shares")
    return df


def load_chokepoint_facts() -> pd.DataFrame:
    """Cited chokepoint facts (``chokepoint_facts.csv``, ``kind == "cited"``): copied, not computed.

    ``value`` is the leading country's figure (percent unless ``unit`` says otherwise);
    ``country_shares`` (``ISO3=value;…``) the country split the source states; ``as_input`` whether
    the fact enters :func:`sovai.stack.input_shares` as a ``cited:<fact_id>`` input.
    """
    path = _path("chokepoint_facts.csv", None)
    return _facts(path, _content(path, "cited chokepoint facts"), layer_ids()).copy()


def parse_country_shares(text: str) -> dict[str, float]:
    """``"TWN=69;KOR=31"`` → ``{"TWN": 69.0, "KOR": 31.0}`` (empty text → ``{}``).

    >>> parse_country_shares("TWN=69;KOR=31")
    {'TWN': 69.0, 'KOR': 31.0}
    """
    out: dict[str, float] = {}
    for part in str(text).split(";"):
        if not part.strip():
            continue
        code, _, value = part.partition("=")
        code = code.strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise ValueError(f"country_shares: {part!r} is not ISO3=value")
        try:
            out[code] = float(value)
        except ValueError as exc:
            raise ValueError(f"country_shares: {part!r} has no numeric value") from exc
    return out


# --- the driver framework -----------------------------------------------------------------------


@lru_cache(maxsize=16)
def _proxies(path: Path, content: bytes) -> pd.DataFrame:
    return _read(path, content)


def load_proxies(path: str | Path | None = None) -> pd.DataFrame:
    """The driver proxy declarations (``proxies.csv``) as text columns, one row per proxy.

    :func:`sovai.drivers.read_proxies` checks the columns, builders and transforms.
    """
    path = _path("proxies.csv", path)
    return _proxies(path, _content(path, "driver proxies")).copy()
