"""ETO Advanced Semiconductor Supply Chain Dataset (CSET "Chip Explorer") — compute-hardware layer.

Licence: **CC BY-NC 4.0** (Emerging Technology Observatory, CSET, Georgetown University). Attribution
is required and use is **non-commercial only**; every table and figure built from these frames must
say so (:data:`ATTRIBUTION`, :func:`sovai.registry.source_line`).

The dataset describes the supply chain as stages (design, fabrication, ATP), inputs (tools,
materials, design resources) and providers (countries and firms), with each provider's percentage
market share of each input (``provision.csv``). This module reads it into tidy frames:

* :func:`load_inputs` — one row per input *and* per stage (``kind``), with its stage, its parent in
  the input hierarchy and its global market size parsed from the file (USD, nominal, year stated);
* :func:`load_providers` — one row per provider id (aliases collapsed), with the ISO3 of a country
  provider or the HQ country of a firm;
* :func:`load_provision` — every provision row with provider type and ISO3 attached;
* :func:`country_shares` — country-provider shares per input/stage. ``"Various countries"`` (an
  unattributed residual) and ``"EUR"`` ("Europe", a regional total) have ``iso3`` NA: they are
  kept, so shares still add up, but are never attributed to a country;
* :func:`share_check` — per input, whether country shares add up to ~100. ETO rounds shares below
  1 % up to 1 %, so totals of 99–102 are expected; larger gaps and inputs whose country rows carry
  no share are *reported* here, never hidden or rescaled;
* :func:`load` — the per-country indicator ``chip_supply_chain_share`` (tidy), the market-size
  weighted mean of a country's share across a non-overlapping set of supply-chain segments
  (:func:`weighting_segments`).
"""

from __future__ import annotations

import re

import pandas as pd

from sovai import registry
from sovai.countries import to_iso3
from sovai.framework import ROUNDING_TOLERANCE, share_status
from sovai.provenance import cache
from sovai.sources._common import TIDY_COLUMNS, read_csv

FOLDER = "eto_chip_explorer"
SOURCE_ID = "eto"

#: Provider names that are not a single country: kept with ``iso3`` NA.
UNATTRIBUTED = ("Various countries", "EUR")

#: Attribution to print wherever ETO data is used (CC BY-NC 4.0: non-commercial only).
ATTRIBUTION = (
    "Emerging Technology Observatory (CSET, Georgetown University), Advanced Semiconductor Supply Chain "
    "Dataset (Chip Explorer), CC BY-NC 4.0 — non-commercial use only"
)

_SIZE_RE = re.compile(r"\$\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(billion|million|trillion)", re.IGNORECASE)
_SIZE_YEAR_RE = re.compile(r"\((\d{4})\)")
_MULTIPLIER = {"million": 1e6, "billion": 1e9, "trillion": 1e12}


def parse_market_size(text: object) -> float | None:
    """Parse ETO's market-size text (``"$574.1 billion (2022)"``) into US dollars.

    Returns ``None`` when the text is missing or holds no ``$<number> <million|billion>``.
    """
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return None
    match = _SIZE_RE.search(str(text))
    if not match:
        return None
    return float(match.group(1).replace(",", "")) * _MULTIPLIER[match.group(2).lower()]


@cache
def _raw(name: str) -> pd.DataFrame:
    required = {
        "inputs": [
            "input_id",
            "input_name",
            "type",
            "stage_name",
            "year",
            "market_share_chart_global_market_size_info",
        ],
        "stages": ["stage_id", "stage_name", "market_share_chart_global_market_size_info"],
        "providers": ["provider_name", "provider_id", "provider_type", "country"],
        "provision": [
            "provider_name",
            "provider_id",
            "provided_name",
            "provided_id",
            "share_provided",
            "year",
            "source",
        ],
        "sequence": ["input_id", "goes_into_id", "is_type_of_id"],
    }[name]
    return read_csv(f"{FOLDER}/{name}.csv", required=required, keep_default_na=False, na_values=[""])


def _parents() -> dict[str, str]:
    """Child → parent in the input hierarchy.

    A parent is given by ``is_type_of`` or by ``goes_into`` between two *tools* (ETO's dry/wet etch
    tools "go into" etch-and-clean tools, which is their sum). Other ``goes_into`` links are process
    flow, not market overlap.
    """
    seq = _raw("sequence")
    inputs = _raw("inputs").drop_duplicates("input_id").set_index("input_id")["type"]
    parents: dict[str, str] = {}
    for row in seq.itertuples(index=False):
        child = row.input_id
        if isinstance(row.is_type_of_id, str):
            parents.setdefault(child, row.is_type_of_id)
        elif (
            isinstance(row.goes_into_id, str)
            and inputs.get(child) == "tool_resource"
            and inputs.get(row.goes_into_id) == "tool_resource"
        ):
            parents.setdefault(child, row.goes_into_id)
    return parents


def _stage_of() -> dict[str, str]:
    """Input id → stage name, following ``goes_into``/``is_type_of`` links to a process with a stage."""
    seq = _raw("sequence")
    inputs = _raw("inputs").drop_duplicates("input_id").set_index("input_id")
    direct = inputs["stage_name"].dropna().to_dict()
    links: dict[str, list[str]] = {}
    for row in seq.itertuples(index=False):
        for target in (row.is_type_of_id, row.goes_into_id):
            if isinstance(target, str):
                links.setdefault(row.input_id, []).append(target)
    out: dict[str, str] = {}
    for node in inputs.index:
        seen, queue = set(), [node]
        while queue:  # breadth first, in file order: deterministic
            cur = queue.pop(0)
            if cur in direct:
                out[node] = direct[cur]
                break
            if cur in seen:
                continue
            seen.add(cur)
            queue.extend(links.get(cur, []))
    return out


@cache
def load_inputs() -> pd.DataFrame:
    """Inputs and stages of the chip supply chain.

    Returns
    -------
    DataFrame
        ``input_id, input_name, kind ("stage"|"input"), type, stage, parent_id, market_size_usd,
        market_size_year, market_size_text``. ``market_size_usd`` is parsed from the file (nominal
        USD of ``market_size_year``); NA where ETO gives none. Stages carry ``kind="stage"`` and
        their own name as ``stage``.
    """
    inputs = _raw("inputs").drop_duplicates("input_id")
    stages = _raw("stages")
    parents = _parents()
    stage_of = _stage_of()

    def size_year(text: object, year: object) -> object:
        if isinstance(text, str):
            found = _SIZE_YEAR_RE.findall(text)
            if found:
                return int(found[-1])
        return int(year) if pd.notna(year) else pd.NA

    rows = []
    for s in stages.itertuples(index=False):
        text = s.market_share_chart_global_market_size_info
        rows.append(
            {
                "input_id": s.stage_id,
                "input_name": s.stage_name,
                "kind": "stage",
                "type": "stage",
                "stage": s.stage_name,
                "parent_id": pd.NA,
                "market_size_usd": parse_market_size(text),
                "market_size_year": size_year(text, None),
                "market_size_text": text if isinstance(text, str) else pd.NA,
            }
        )
    for r in inputs.itertuples(index=False):
        text = r.market_share_chart_global_market_size_info
        rows.append(
            {
                "input_id": r.input_id,
                "input_name": r.input_name,
                "kind": "input",
                "type": r.type,
                "stage": stage_of.get(r.input_id, pd.NA),
                "parent_id": parents.get(r.input_id, pd.NA),
                "market_size_usd": parse_market_size(text),
                "market_size_year": size_year(text, r.year),
                "market_size_text": text if isinstance(text, str) else pd.NA,
            }
        )
    out = pd.DataFrame(rows)
    out["market_size_usd"] = out["market_size_usd"].astype("Float64")
    out["market_size_year"] = out["market_size_year"].astype("Int64")
    for col in ("input_id", "input_name", "kind", "type", "stage", "parent_id", "market_size_text"):
        out[col] = out[col].astype("string")
    return out


@cache
def load_providers() -> pd.DataFrame:
    """Providers, one row per ``provider_id`` (ETO lists firm aliases as extra rows).

    Returns
    -------
    DataFrame
        ``provider_id, provider_name, provider_type ("country"|"organization"), iso3``. For a
        country provider ``iso3`` is the provider itself; for a firm, its HQ country. ``iso3`` is NA
        for "Various countries" and "EUR" (Europe), which are not single countries.
    """
    prov = _raw("providers").drop_duplicates("provider_id", keep="first").copy()
    conflicts = _raw("providers").groupby("provider_id")["country"].nunique(dropna=True)
    if (conflicts > 1).any():  # pragma: no cover - data check
        raise ValueError(
            f"{FOLDER}/providers.csv: provider ids with conflicting HQ countries: {conflicts[conflicts > 1].index.tolist()}"
        )
    names = prov["provider_name"].where(prov["provider_type"] == "country", prov["country"])
    uniq = sorted(set(names.dropna()))
    codes = dict(zip(uniq, to_iso3(uniq, source=SOURCE_ID), strict=True))
    prov["iso3"] = names.map(codes).astype("string")
    return prov[["provider_id", "provider_name", "provider_type", "iso3"]].reset_index(drop=True)


@cache
def load_provision() -> pd.DataFrame:
    """Every provision row with the provider's type and ISO3 and the input's kind and stage.

    Returns
    -------
    DataFrame
        ``provider_id, provider_name, provider_type, iso3, input_id, input_name, kind, stage,
        share, year, source``. ``share`` is ETO's market share in percent (NA where ETO lists the
        provider without a share).
    """
    prov = _raw("provision").rename(columns={"provided_id": "input_id", "share_provided": "share"})
    providers = load_providers()
    out = prov.drop(columns=["provider_name"]).merge(providers, on="provider_id", how="left", validate="m:1")
    unknown = out.loc[out["provider_type"].isna(), "provider_id"].unique().tolist()
    if unknown:
        raise ValueError(f"{FOLDER}/provision.csv: provider ids not in providers.csv: {unknown}")
    inputs = load_inputs()[["input_id", "input_name", "kind", "stage"]]
    out = out.drop(columns=["provided_name"]).merge(inputs, on="input_id", how="left", validate="m:1")
    missing = out.loc[out["kind"].isna(), "input_id"].unique().tolist()
    if missing:
        raise ValueError(f"{FOLDER}/provision.csv: input ids not in inputs.csv/stages.csv: {missing}")
    out["share"] = pd.to_numeric(out["share"], errors="raise").astype("Float64")
    out["year"] = out["year"].astype("Int64")
    cols = [
        "provider_id",
        "provider_name",
        "provider_type",
        "iso3",
        "input_id",
        "input_name",
        "kind",
        "stage",
        "share",
        "year",
        "source",
    ]
    return out[cols].sort_values(["input_id", "provider_id"]).reset_index(drop=True)


def country_shares(*, include_unattributed: bool = True) -> pd.DataFrame:
    """Country shares (percent) of each input and stage, from ETO's *country* providers.

    Parameters
    ----------
    include_unattributed
        Keep the "Various countries" and "EUR" rows (``iso3`` NA), so shares still add up.

    Returns
    -------
    DataFrame
        ``input_id, input_name, kind, stage, iso3, provider_name, share, year`` for rows that carry
        a share. Country rows listed without a share are left out here and counted by
        :func:`share_check`.
    """
    prov = load_provision()
    out = prov[(prov["provider_type"] == "country") & prov["share"].notna()]
    if not include_unattributed:
        out = out[out["iso3"].notna()]
    cols = ["input_id", "input_name", "kind", "stage", "iso3", "provider_name", "share", "year"]
    return out[cols].sort_values(["input_id", "provider_name"]).reset_index(drop=True)


def share_check(shares: pd.DataFrame | None = None, *, rounding_tolerance: float = ROUNDING_TOLERANCE) -> pd.DataFrame:
    """Report, per input, whether its country shares add up to ~100 %.

    Parameters
    ----------
    shares
        Country provision rows (``input_id, input_name, iso3, share``; ``share`` may be NA for a
        country listed without a share). Default: the ETO country provision rows.
    rounding_tolerance
        Percentage points around 100 accepted as rounding (ETO rounds shares under 1 % up to 1 %).

    Returns
    -------
    DataFrame
        ``input_id, input_name, n_countries, n_without_share, attributed_share,
        unattributed_share, total_share, deviation, status`` (``status``:
        :func:`sovai.framework.share_status`).
    """
    if shares is None:
        prov = load_provision()
        shares = prov[prov["provider_type"] == "country"]
    rows = []
    for (input_id, input_name), grp in shares.groupby(["input_id", "input_name"], sort=True):
        with_share = grp[grp["share"].notna()]
        attributed = float(with_share.loc[with_share["iso3"].notna(), "share"].sum())
        unattributed = float(with_share.loc[with_share["iso3"].isna(), "share"].sum())
        total = attributed + unattributed if len(with_share) else None
        rows.append(
            {
                "input_id": input_id,
                "input_name": input_name,
                "n_countries": int(grp.loc[grp["iso3"].notna(), "iso3"].nunique()),
                "n_without_share": int(grp["share"].isna().sum()),
                "attributed_share": attributed if len(with_share) else pd.NA,
                "unattributed_share": unattributed if len(with_share) else pd.NA,
                "total_share": total if total is not None else pd.NA,
                "deviation": (total - 100.0) if total is not None else pd.NA,
                "status": share_status(total, tolerance=rounding_tolerance),
            }
        )
    out = pd.DataFrame(rows)
    for col in ("attributed_share", "unattributed_share", "total_share", "deviation"):
        out[col] = out[col].astype("Float64").round(6)
    return out


def weighting_segments() -> pd.DataFrame:
    """The non-overlapping supply-chain segments used to weight a country's overall share.

    Rule: walk the input hierarchy (``parent_id``) from its roots; take a node if it has country
    shares and a market size stated by ETO, otherwise descend to its children. A parent and its
    children never both count, so no market is counted twice. Stage rows count only where they
    measure an activity no input covers *and* have a market size: the ATP stage (site capacity,
    $95 bn). The design stage duplicates logic/memory/DAO design (inputs) and the fabrication stage
    has no market size in the file, so neither is used; fabrication capacity therefore enters the
    weighted share only through the inputs it consumes (a documented limitation).

    Returns
    -------
    DataFrame
        ``input_id, input_name, kind, stage, market_size_usd, market_size_year, weight`` (weight =
        market size / total, sums to 1).
    """
    inputs = load_inputs()
    shares = country_shares()
    has_shares = set(shares.groupby("input_id")["share"].sum().loc[lambda s: s > 0].index)
    usable = inputs["market_size_usd"].notna() & inputs["input_id"].isin(has_shares)
    usable_ids = set(inputs.loc[usable, "input_id"])
    items = inputs[inputs["kind"] == "input"]
    children: dict[str, list[str]] = {}
    for r in items.itertuples(index=False):
        if pd.notna(r.parent_id):
            children.setdefault(r.parent_id, []).append(r.input_id)
    roots = [
        i
        for i, p in zip(items["input_id"], items["parent_id"], strict=True)
        if pd.isna(p) or p not in set(items["input_id"])
    ]
    chosen: list[str] = []

    def visit(node: str) -> None:
        if node in usable_ids:
            chosen.append(node)
            return
        for child in children.get(node, []):
            visit(child)

    for root in roots:
        visit(root)
    chosen.append("S3")  # ATP site capacity: a distinct activity with a market size (see docstring)
    out = inputs[inputs["input_id"].isin(chosen) & inputs["input_id"].isin(usable_ids)].copy()
    out["weight"] = (out["market_size_usd"] / out["market_size_usd"].sum()).astype("Float64")
    cols = ["input_id", "input_name", "kind", "stage", "market_size_usd", "market_size_year", "weight"]
    return out[cols].sort_values("input_id").reset_index(drop=True)


def country_supply_chain_share(*, weighting: str = "market_size") -> pd.DataFrame:
    """Each country's weighted share (percent) of the chip supply chain.

    Parameters
    ----------
    weighting
        ``"market_size"`` (default: weights of :func:`weighting_segments`) or ``"equal"`` (every
        segment counts the same).

    Returns
    -------
    DataFrame
        ``iso3, share, n_segments`` — ``share`` = Σ_segments weight × country share (percent); a
        country absent from a segment counts 0 there. Unattributed residuals are not allocated.
    """
    if weighting not in ("market_size", "equal"):
        raise ValueError(f"parameter 'weighting': expected 'market_size' or 'equal', got {weighting!r}")
    seg = weighting_segments()
    if weighting == "equal":
        seg = seg.assign(weight=1.0 / len(seg))
    shares = country_shares(include_unattributed=False)
    shares = shares.merge(seg[["input_id", "weight"]], on="input_id", how="inner", validate="m:1")
    shares["weighted"] = shares["share"] * shares["weight"]
    out = shares.groupby("iso3", as_index=False).agg(share=("weighted", "sum"), n_segments=("input_id", "nunique"))
    out["share"] = out["share"].astype("Float64").round(10)
    return out.sort_values("iso3").reset_index(drop=True)


def load(*, weighting: str = "market_size") -> pd.DataFrame:
    """Tidy indicator ``chip_supply_chain_share`` (percent, 0–100) per country.

    The market-size weighted share of each country in the semiconductor supply chain (see
    :func:`country_supply_chain_share`). ``year`` is 2025, the edition of the data; the segments mix
    vintages 2019–2025 (each segment's own year is in :func:`weighting_segments`). CC BY-NC 4.0.
    """
    shares = country_supply_chain_share(weighting=weighting)
    shares["year"] = int(load_provision()["year"].max())
    shares["indicator"] = "chip_supply_chain_share"
    out = shares.rename(columns={"share": "value"})[TIDY_COLUMNS]
    out["iso3"] = out["iso3"].astype("string")
    out["year"] = out["year"].astype("Int64")
    out["value"] = out["value"].astype("Float64")
    return out.sort_values(["iso3", "year"]).reset_index(drop=True)


def attribution() -> dict:
    """Registry attribution of the ETO folder (licence, ``non_commercial`` flag)."""
    return registry.attribution(FOLDER)
