"""Data overview: coverage of each source by country and year, licences, missing countries,
and summaries of the categorical codings (notebook 01 writes them via :mod:`sovai.reports.overview`;
the country profiles use :func:`profile_codings` and :func:`instrument_summary`)."""

from __future__ import annotations

import pandas as pd

from sovai.countries import reference_table
from sovai.sources import catalog


def coverage_tables(window: tuple[int, int] = (2019, 2026)) -> dict[str, pd.DataFrame]:
    """Licences, coverage summary and missing-country list for every source with a loader."""
    summary, missing = catalog.coverage(window)
    return {"licences": catalog.licences(), "coverage": summary, "missing": missing}


def coverage_by_region(missing: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Share of target countries covered per indicator (rows) and UN region (columns)."""
    ref = reference_table()
    targets = ref[ref["target"]]
    n_region = targets.groupby("un_region").size()
    miss = missing.merge(ref[["un_region"]], left_on="iso3", right_index=True, how="left", validate="m:1")
    miss_counts = miss.groupby(["source", "indicator", "un_region"]).size().unstack(fill_value=0)
    idx = pd.MultiIndex.from_frame(summary[["source", "indicator"]])
    miss_counts = miss_counts.reindex(index=idx, columns=n_region.index, fill_value=0)
    return (1 - miss_counts / n_region).round(3)


def codings_coverage_by_region(wide: pd.DataFrame, variables: list[str] | None = None) -> pd.DataFrame:
    """Share of the target countries of each UN region coded (true or false) per coding variable.

    Rows are ``("codings", variable)`` (the layout :func:`plot_coverage` draws), columns the UN
    regions; uncoded cells count as not covered (missing is never "no").
    """
    from sovai.categorical import contract_variables

    ref = reference_table()
    targets = ref.index[ref["target"]]
    variables = variables or [v for v in contract_variables() if v in wide.columns]
    region = ref.loc[targets, "un_region"]
    coded = wide.reindex(targets)[variables].notna()
    share = coded.groupby(region).mean().T
    share.index = pd.MultiIndex.from_tuples([("codings", v) for v in share.index])
    return share.round(3)


def plot_coverage(share: pd.DataFrame, *, title: str = "Share of countries with data, by UN region"):
    """Heatmap of :func:`coverage_by_region` (indicators × regions); returns the figure."""
    import matplotlib.pyplot as plt

    labels = [f"{s}: {i}" for s, i in share.index]
    fig, ax = plt.subplots(figsize=(8, 0.22 * len(labels) + 1.5))
    im = ax.imshow(share.to_numpy(dtype=float), aspect="auto", cmap="viridis", vmin=0, vmax=1)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xticks(range(share.shape[1]), share.columns, rotation=30, ha="right")
    ax.set_title(title)
    fig.colorbar(im, ax=ax, fraction=0.03, label="share of target countries")
    fig.tight_layout()
    return fig


def missing_by_indicator(missing: pd.DataFrame) -> pd.DataFrame:
    """The missing countries of each indicator as one comma-joined cell (``missing countries``)."""
    return missing.groupby(["source", "indicator"])["iso3"].apply(lambda s: ", ".join(s)).to_frame("missing countries")


def _with_regions(wide: pd.DataFrame) -> pd.DataFrame:
    return wide.join(reference_table()[["un_region", "wb_income"]], how="left")


def instruments_by_income_region(wide: pd.DataFrame) -> pd.DataFrame:
    """Mean ``instrument_count`` per World Bank income group (rows) and UN region (columns)."""
    frame = _with_regions(wide)
    return frame.groupby(["wb_income", "un_region"], dropna=False)["instrument_count"].mean().unstack().round(2)


def stance_by_region(wide: pd.DataFrame) -> pd.DataFrame:
    """Countries per UN region (rows) and coded ``stance`` (columns)."""
    frame = _with_regions(wide)
    return pd.crosstab(frame["un_region"], frame["stance"], dropna=False)


def codings_grid(long: pd.DataFrame | None = None) -> pd.DataFrame:
    """The codings as a complete long grid: every target country × contract variable.

    Coded cells carry their value and citation; cells that could not be sourced have an empty
    value and ``status = "missing"``, so the published table has a row for every country and
    variable (the files under ``data/categorical/codings/`` hold only sourced values).
    """
    from sovai import categorical
    from sovai.countries import target_countries

    long = categorical.load_categorical(long=True) if long is None else long
    grid = pd.MultiIndex.from_product(
        [target_countries(), categorical.contract_variables()], names=["iso3", "variable"]
    )
    out = grid.to_frame(index=False).merge(long, on=["iso3", "variable"], how="left", validate="1:1")
    out["status"] = out["value"].notna().map({True: "coded", False: "missing"})
    names = reference_table()["name"]
    out.insert(1, "country", out["iso3"].map(names))
    return out.sort_values(["iso3", "variable"], kind="mergesort").reset_index(drop=True)


#: How a coded value reads in a profile (anything else is shown as it is, e.g. a year).
VALUE_TEXT = {"true": "yes", "false": "no (coded absent in the cited source)"}
#: What a cell without a sourced value reads as: never "no".
NOT_CODED = "not coded"


def profile_codings(
    iso3: str,
    variables: list[str],
    *,
    long: pd.DataFrame | None = None,
    scope: list[str] | None = None,
) -> pd.DataFrame:
    """One row per requested variable for a country profile, uncoded variables included.

    Parameters
    ----------
    iso3
        The country.
    variables
        Variables to list (in this order).
    long
        Long codings (default :func:`sovai.categorical.load_categorical` with ``long=True``).
    scope
        Codes whose values are listed (default ``[iso3]``; an EU member adds ``"EUU"`` for
        EU-level programmes). A variable coded for none of them gets one row reading
        :data:`NOT_CODED` (missing is never shown as "no").

    Returns
    -------
    pandas.DataFrame
        ``variable, coded_for, value, source_url, source_title, accessed, note``; ``value`` is
        text ("yes", "no (…)", a year, or "not coded").
    """
    if long is None:
        from sovai import categorical

        long = categorical.load_categorical(long=True)
    scope = list(scope or [iso3])
    cols = ["source_url", "source_title", "accessed", "note"]
    rows = long[long["iso3"].isin(scope) & long["variable"].isin(variables)]
    rows = rows[rows["value"].notna() & (rows["value"].astype("string").str.strip() != "")]
    order = {v: i for i, v in enumerate(variables)}
    out = []
    for var in variables:
        sub = rows[rows["variable"] == var].sort_values("iso3", key=lambda s: s.map(lambda c: scope.index(c)))
        if sub.empty:
            out.append({"variable": var, "coded_for": iso3, "value": NOT_CODED, **dict.fromkeys(cols, pd.NA)})
            continue
        for r in sub.to_dict("records"):
            text = str(r["value"]).strip()
            out.append(
                {
                    "variable": var,
                    "coded_for": r["iso3"],
                    "value": VALUE_TEXT.get(text.lower(), text),
                    **{c: r.get(c, pd.NA) for c in cols},
                }
            )
    frame = pd.DataFrame(out, columns=["variable", "coded_for", "value", *cols])
    return frame.sort_values("variable", key=lambda s: s.map(order), kind="mergesort").reset_index(drop=True)


def instrument_summary(wide: pd.DataFrame, iso3: str, n_instruments: int) -> str:
    """One sentence on a country's instrument count and stance, saying "not coded" for missing values."""
    if iso3 not in wide.index:
        return f"Instruments: {NOT_CODED} (no variable of {iso3} is coded)."
    row = wide.loc[iso3]
    count = row.get("instrument_count", pd.NA)
    coded = row.get("n_instruments_coded", pd.NA)
    stance = row.get("stance", pd.NA)
    count_text = NOT_CODED if pd.isna(count) else f"{int(count)} of {n_instruments}"
    coded_text = "" if pd.isna(coded) else f" ({int(coded)} of {n_instruments} instruments coded)"
    stance_text = NOT_CODED if pd.isna(stance) else str(stance)
    return f"Instruments found: {count_text}{coded_text}; stance: {stance_text}."
