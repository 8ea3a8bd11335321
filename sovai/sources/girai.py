"""Global Index on Responsible AI (GIRAI): the raw evidence fields, never the scores.

Publisher: Global Center on AI Governance, *Global Index on Responsible AI*
(https://globalcenter.ai), 1st edition 2024 (data year 2023, 138 countries) and 2nd edition 2026
(data 1 Nov 2023 - 30 Sep 2025, 135 countries). Licence CC BY 4.0 (stated in the publisher's
repository; another repository describes the data as CC BY-NC-SA: flagged). Attribute "Global
Center on AI Governance, Global Index on Responsible AI".

Only researcher-coded evidence is read here: the national AI policy ("NAP or equivalent
framework", sheet ``gmc_cse``), the frameworks per AI-policy indicator (``frameworks``) and the
government initiatives (``initiatives``) of 2026, and the 2024 thematic area "National AI
Policy". The GIRAI scores (``scoring_output.xlsx``, ``all_indicators*.csv``, rankings) are a
composite AI index and are never read by sovai as inputs.
"""

from __future__ import annotations

import re

import pandas as pd

from sovai import registry
from sovai.errors import InputFileError
from sovai.provenance import cache
from sovai.sources._common import require_columns
from sovai.sources._xlsx import read_excel

KEY_2026 = "girai/GIRAI_2026_dataset.xlsx"
KEY_2024 = "girai/GIRAI_2024_dataset.xlsx"
#: Publisher page cited by every value derived from GIRAI.
PUBLISHER_URL = "https://globalcenter.ai"
TITLE_2026 = "Global Center on AI Governance, Global Index on Responsible AI, 2nd edition (2026)"
TITLE_2024 = "Global Center on AI Governance, Global Index on Responsible AI, 1st edition (2024)"
#: Last day of the 2026 edition's evidence window (report p. 3).
AS_OF_2026 = "2025-09-30"
#: Data year of the 2024 edition.
AS_OF_2024 = "2023-12-31"


def _read_sheet(key: str, sheet: str, required: list[str]) -> pd.DataFrame:
    path = registry.fetch(key)
    try:
        df = read_excel(path, sheet_name=sheet, dtype=str)
    except ValueError as exc:  # a missing sheet
        raise InputFileError(key, f"cannot read sheet {sheet!r}: {exc}") from exc
    require_columns(df, required, f"{key} (sheet {sheet!r})")
    df = df.rename(columns={"ISO3": "iso3"})
    df["iso3"] = df["iso3"].astype("string").str.strip().str.upper()
    return df


@cache
def national_policy_2026() -> pd.DataFrame:
    """One row per country (135) on its national AI policy or equivalent framework (2026 edition).

    Columns: ``iso3, status`` (Adopted / Draft / No framework), ``type`` (Strategy, Policy, Draft
    framework, Law, White Paper, No framework), ``title``, ``link``, ``approval`` (``YYYY-MM-DD``
    text; release date for drafts), ``enforceability``. Sorted by iso3.
    """
    cols = ["ISO3", "gmc_status", "gmc_type", "gmc_title", "gmc_link", "gmc_approval", "gmc_enforceability"]
    df = _read_sheet(KEY_2026, "gmc_cse", cols)
    df = df.rename(columns={c: c.removeprefix("gmc_") for c in df.columns})
    out = df[["iso3", "status", "type", "title", "link", "approval", "enforceability"]].astype("string")
    bad = sorted(set(out["status"].dropna()) - {"Adopted", "Draft", "No framework"})
    if bad:
        raise InputFileError(KEY_2026, f"sheet 'gmc_cse': unexpected gmc_status value(s) {bad}", column="gmc_status")
    if out["iso3"].duplicated().any():
        raise InputFileError(KEY_2026, "sheet 'gmc_cse': more than one row per country", column="ISO3")
    return out.sort_values("iso3").reset_index(drop=True)


@cache
def frameworks_2026() -> pd.DataFrame:
    """The frameworks per country × AI-policy indicator (2026), in long form (``fr1``/``fr2`` stacked).

    Columns: ``iso3, indicator, slot`` (1 or 2), ``title, link, type, approval, enforceability,
    scope``. Rows without a framework (type "No framework" or empty title) are dropped.
    """
    base = ["ISO3", "indicator"]
    fields = ["title", "link", "type", "approval", "enforceability", "scope"]
    df = _read_sheet(KEY_2026, "frameworks", base + [f"fr1_{f}" for f in fields])
    parts = []
    for slot in (1, 2):
        names = {f"fr{slot}_{f}": f for f in fields}
        have = [c for c in names if c in df.columns]
        part = df[["iso3", "indicator", *have]].rename(columns=names)
        part.insert(2, "slot", slot)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out = out[out["title"].notna() & (out["type"].fillna("No framework") != "No framework")]
    out = out.astype({c: "string" for c in out.columns if c != "slot"})
    return out.sort_values(["iso3", "indicator", "slot"], kind="mergesort").reset_index(drop=True)


@cache
def initiatives_2026() -> pd.DataFrame:
    """Government initiatives recorded per country × indicator (2026), long form.

    Columns: ``iso3, indicator, name, link, category, type``: one row per named initiative
    (up to three per framework: the sheet's ``init<k>_name<j>``, ``_link<j>``, ``_category<j>``,
    ``_type<j>`` column groups). Sorted by iso3, indicator, name.
    """
    path = registry.fetch(KEY_2026)
    df = read_excel(path, sheet_name="initiatives", dtype=str)
    require_columns(df, ["ISO3", "indicator"], f"{KEY_2026} (sheet 'initiatives')")
    df = df.rename(columns={"ISO3": "iso3"})
    parts = []
    for col in df.columns:
        m = re.fullmatch(r"(init\d+)_name(\d+)", col)
        if m is None:
            continue
        stem, j = m.groups()
        names = {f"{stem}_{f}{j}": f for f in ("name", "link", "category", "type")}
        part = df[["iso3", "indicator", *[c for c in names if c in df.columns]]].rename(columns=names)
        for f in ("name", "link", "category", "type"):
            if f not in part.columns:
                part[f] = pd.NA
        parts.append(part[["iso3", "indicator", "name", "link", "category", "type"]])
    if not parts:
        raise InputFileError(KEY_2026, "sheet 'initiatives' has no '*_name' columns", column="init1_name1")
    out = pd.concat(parts, ignore_index=True)
    out = out[out["name"].notna() & (out["name"].str.strip() != "")].astype("string")
    out["iso3"] = out["iso3"].str.strip().str.upper()
    return out.sort_values(["iso3", "indicator", "name"], kind="mergesort").reset_index(drop=True)


@cache
def national_policy_2024() -> pd.DataFrame:
    """The 2024 edition's thematic area "National AI Policy" (138 countries, data year 2023).

    Columns: ``iso3, exists`` (boolean: "are there national frameworks that specifically speak to
    AI and the thematic area"), ``title``, ``url``, ``doc_type``. Sorted by iso3.
    """
    cols = ["ISO3", "thematic_area", "fr_doc1_existence_num", "fr_doc1_title_english", "fr_doc1_url"]
    df = _read_sheet(KEY_2024, "Data", cols)
    df = df[df["thematic_area"] == "National AI Policy"]
    if df.empty:
        raise InputFileError(KEY_2024, "sheet 'Data' has no thematic_area 'National AI Policy'", column="thematic_area")
    exists = df["fr_doc1_existence_num"].map({"1": True, "0": False}).astype("boolean")
    out = pd.DataFrame(
        {
            "iso3": df["iso3"],
            "exists": exists,
            "title": df["fr_doc1_title_english"].astype("string"),
            "url": df["fr_doc1_url"].astype("string"),
            "doc_type": df.get("fr_doc1_type_text", pd.Series(pd.NA, index=df.index)).astype("string"),
        }
    )
    return out.sort_values("iso3").reset_index(drop=True)
