"""The country reference table and name → ISO3 harmonisation.

Country identity is ISO 3166-1 alpha-3 (plus ``XKX`` for Kosovo). Names are resolved through

1. the per-source mapping ``data/countries/<source>.countries.json`` (``{"spelling": "ISO3"}``;
   ``null`` marks an aggregate or non-country, which is dropped),
2. the curated aliases ``data/countries/aliases.json``,
3. the names that come with the codes in the reference files (CLDR, UNTERM, ISO official names,
   UN M49, World Bank CLASS), compared after normalising case, accents and punctuation.

An unresolved name is an error listing every unresolved name (:class:`UnknownCountryError`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable

import pandas as pd

from sovai import paths, registry
from sovai.errors import InputFileError, UnknownCountryError
from sovai.provenance import cache
from sovai.sources._xlsx import read_excel

#: World Bank CLASS edition used for region and income group.
WB_CLASS_EDITION = "FY2025 (income classification of 1 July 2024)"

#: Display names where CLDR's short form is an abbreviation or a truncation.
NAME_OVERRIDES = {
    "USA": "United States",
    "GBR": "United Kingdom",
    "BIH": "Bosnia and Herzegovina",
    "COG": "Congo (Republic)",
    "COD": "Congo (DR)",
    "KNA": "Saint Kitts and Nevis",
    "VCT": "Saint Vincent and the Grenadines",
}

#: Group ids in ``data/countries/memberships.csv``.
GROUPS = ("EU", "EURO", "OECD", "G7", "G20", "BRICS", "NATO", "ASEAN", "AU", "GCC", "QUAD")


def normalise_name(name: str) -> str:
    """Normalise a country spelling for matching: no accents, case, punctuation or 'the'."""
    text = str(name).replace("\u2019", "'").replace("\u2018", "'").replace("\xa0", " ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.casefold().replace("&", " and ").replace("'", "")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    return re.sub(r"\s+", " ", text)


@cache
def _country_codes() -> pd.DataFrame:
    path = registry.fetch("country_codes/country-codes.csv")
    df = pd.read_csv(path, keep_default_na=False, dtype=str)
    return df[df["ISO3166-1-Alpha-3"] != ""].copy()


@cache
def _m49() -> pd.DataFrame:
    path = registry.fetch("un_m49/UNSD-M49-en.csv")
    return pd.read_csv(path, keep_default_na=False, dtype=str, encoding="utf-8-sig")


@cache
def _wb_class() -> pd.DataFrame:
    path = registry.fetch("world_bank_class/CLASS.xlsx")
    df = read_excel(path, sheet_name="List of economies", dtype=str, keep_default_na=False)
    return df[df["Code"].str.len() == 3]


@cache
def reference_table() -> pd.DataFrame:
    """All ISO 3166-1 economies plus Kosovo, indexed by ``iso3``.

    Columns: ``iso2, m49, name, official_name, independent, un_member, target, un_region,
    un_subregion, un_intermediate_region, wb_region, wb_income, wb_lending`` and one boolean
    ``in_<GROUP>`` column per group of :data:`GROUPS` (current membership).
    ``target`` marks the 195 economies coded by sovai: the 193 UN members, Taiwan and Kosovo.
    """
    cc = _country_codes()
    m49 = _m49().set_index("ISO-alpha3 Code")
    ref = pd.DataFrame(
        {
            "iso3": cc["ISO3166-1-Alpha-3"],
            "iso2": cc["ISO3166-1-Alpha-2"],
            "m49": cc["ISO3166-1-numeric"].str.zfill(3),
            "name": cc["CLDR display name"].where(cc["CLDR display name"] != "", cc["official_name_en"]),
            "official_name": cc["official_name_en"],
            "independent": cc["is_independent"].str.startswith("Yes"),
        }
    )
    kosovo = pd.DataFrame(
        [
            {
                "iso3": "XKX",
                "iso2": "XK",
                "m49": "",
                "name": "Kosovo",
                "official_name": "Republic of Kosovo",
                "independent": True,
            }
        ]
    )
    ref = pd.concat([ref, kosovo], ignore_index=True).set_index("iso3").sort_index()
    for iso3, name in NAME_OVERRIDES.items():
        ref.loc[iso3, "name"] = name
    ref["un_member"] = ref["independent"] & ~ref.index.isin(["TWN", "VAT", "XKX"])
    ref["target"] = ref["un_member"] | ref.index.isin(["TWN", "XKX"])
    for col, src in [
        ("un_region", "Region Name"),
        ("un_subregion", "Sub-region Name"),
        ("un_intermediate_region", "Intermediate Region Name"),
    ]:
        ref[col] = m49[src].reindex(ref.index).replace("", pd.NA)
    # Taiwan and Kosovo are not in the UN M49 file: place them geographically (documented choice).
    ref.loc["TWN", ["un_region", "un_subregion"]] = ["Asia", "Eastern Asia"]
    ref.loc["XKX", ["un_region", "un_subregion"]] = ["Europe", "Southern Europe"]
    wb = _wb_class().set_index("Code")
    ref["wb_region"] = wb["Region"].reindex(ref.index).replace("", pd.NA)
    ref["wb_income"] = wb["Income group"].reindex(ref.index).replace("", pd.NA)
    ref["wb_lending"] = wb["Lending category"].reindex(ref.index).replace("", pd.NA)
    mem = memberships(current_only=True)
    for group in GROUPS:
        ref[f"in_{group}"] = ref.index.isin(mem.loc[mem["group"] == group, "iso3"])
    return ref


def target_countries() -> list[str]:
    """The 195 economies sovai codes: 193 UN members, Taiwan (TWN) and Kosovo (XKX)."""
    ref = reference_table()
    return ref.index[ref["target"]].tolist()


@cache
def memberships(current_only: bool = False) -> pd.DataFrame:
    """Curated group memberships (``data/countries/memberships.csv``), one row per group × country.

    Columns ``group, iso3, joined, left, source_url, source_title, accessed, note``. With
    ``current_only`` rows with a ``left`` date are dropped.
    """
    path = paths.COUNTRIES_DIR / "memberships.csv"
    if not path.exists():
        return pd.DataFrame(
            columns=["group", "iso3", "joined", "left", "source_url", "source_title", "accessed", "note"]
        )
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    required = {"group", "iso3", "joined", "left", "source_url"}
    missing = required - set(df.columns)
    if missing:
        raise InputFileError(path, f"missing required column(s) {sorted(missing)}")
    unknown_groups = sorted(set(df["group"]) - set(GROUPS))
    if unknown_groups:
        row = int(df.index[df["group"].isin(unknown_groups)][0]) + 1
        raise InputFileError(
            path, f"unknown group(s) {unknown_groups}; expected one of {GROUPS}", row=row, column="group"
        )
    no_source = df.index[df["source_url"].str.strip() == ""]
    if len(no_source):
        raise InputFileError(path, "membership without a source", row=int(no_source[0]) + 1, column="source_url")
    if current_only:
        df = df[df["left"].str.strip() == ""]
    return df.reset_index(drop=True)


def members(group: str) -> list[str]:
    """Current ISO3 members of ``group`` (one of :data:`GROUPS`, case-insensitive)."""
    key = group.upper()
    if key not in GROUPS:
        raise ValueError(f"unknown group {group!r}; expected one of {', '.join(GROUPS)}")
    mem = memberships(current_only=True)
    return sorted(mem.loc[mem["group"] == key, "iso3"].unique().tolist())


def resolve_countries(countries: str | Iterable[str] | None, *, parameter: str = "countries") -> list[str]:
    """Turn a country selection into a sorted ISO3 list.

    ``None``/``""``/``"all"`` → all target countries; a group name (``"G20"``, ``"EU"``…) → its
    members; otherwise a list of ISO3 codes or names. Unknown entries raise ``ValueError`` naming
    the parameter.
    """
    if countries is None or (isinstance(countries, str) and countries.strip().lower() in ("", "all")):
        return target_countries()
    if isinstance(countries, str):
        if countries.upper() in GROUPS:
            return members(countries)
        countries = [countries]
    out: list[str] = []
    for item in countries:
        if isinstance(item, str) and item.upper() in GROUPS:
            out.extend(members(item))
        else:
            out.append(item)
    try:
        return sorted(set(to_iso3(out)))
    except UnknownCountryError as exc:
        raise ValueError(f"parameter {parameter!r}: {exc}") from exc


@cache
def _aliases() -> dict[str, str]:
    path = paths.COUNTRIES_DIR / "aliases.json"
    raw = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return {normalise_name(k): v for k, v in raw.items() if not k.startswith("_")}


@cache
def _name_index() -> dict[str, str]:
    """Normalised spelling → ISO3, from the reference files; ambiguous spellings are dropped."""
    seen: dict[str, set[str]] = {}

    def add(name: str, iso3: str) -> None:
        if name and iso3:
            seen.setdefault(normalise_name(name), set()).add(iso3)

    cc = _country_codes()
    for col in ("CLDR display name", "official_name_en", "UNTERM English Short", "UNTERM English Formal"):
        for name, iso3 in zip(cc[col], cc["ISO3166-1-Alpha-3"], strict=True):
            add(name, iso3)
    m49 = _m49()
    for name, iso3 in zip(m49["Country or Area"], m49["ISO-alpha3 Code"], strict=True):
        add(name, iso3)
    wb = _wb_class()
    for name, iso3 in zip(wb["Economy"], wb["Code"], strict=True):
        add(name, iso3)
    ref_codes = set(cc["ISO3166-1-Alpha-3"]) | {"XKX"}
    index = {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}
    index.update({normalise_name(c): c for c in ref_codes})  # ISO3 codes resolve to themselves
    index.update(_aliases())
    return index


@cache
def source_mapping(source: str) -> dict[str, str | None]:
    """Per-source spelling → ISO3 (or ``None`` for aggregates) from ``<source>.countries.json``."""
    path = paths.COUNTRIES_DIR / f"{source}.countries.json"
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"invalid JSON: {exc}", row=exc.lineno) from exc
    return {k: v for k, v in raw.items() if not k.startswith("_")}


def _resolve_one(name: str, mapping: dict[str, str | None]) -> tuple[bool, str | None]:
    if name in mapping:
        return True, mapping[name]
    key = normalise_name(name)
    index = _name_index()
    if key in index:
        return True, index[key]
    return False, None


def to_iso3(
    names: Iterable[str] | str, *, source: str | None = None, drop_aggregates: bool = False
) -> list[str | None]:
    """Resolve country spellings to ISO3 codes.

    Parameters
    ----------
    names
        One name or an iterable of names (ISO3 codes pass through).
    source
        Source id whose ``data/countries/<source>.countries.json`` mapping is applied first.
    drop_aggregates
        If false (default) a name mapped to ``null`` (an aggregate) returns ``None``; if true such
        names are removed from the result.

    Raises
    ------
    UnknownCountryError
        Listing every name that could not be resolved.
    """
    if isinstance(names, str):
        names = [names]
    mapping = source_mapping(source) if source else {}
    out: list[str | None] = []
    unknown: list[str] = []
    for name in names:
        ok, iso3 = _resolve_one(str(name).strip(), mapping)
        if not ok:
            unknown.append(str(name))
        elif iso3 is not None or not drop_aggregates:
            out.append(iso3)
    if unknown:
        raise UnknownCountryError(unknown, source)
    return out


def unused_mapping_entries(source: str, names: Iterable[str]) -> list[str]:
    """Entries of the source's mapping file that no name in ``names`` uses (stale mappings)."""
    used = set(map(str, names))
    return sorted(k for k in source_mapping(source) if k not in used)


def harmonise(frame: pd.DataFrame, column: str, *, source: str, keep: str = "reference") -> pd.DataFrame:
    """Add an ``iso3`` column resolved from ``frame[column]`` and drop aggregates.

    ``keep="reference"`` keeps every economy of the reference table (territories included);
    ``keep="target"`` keeps only the 195 target countries. Raises on an unresolved name.
    """
    names = frame[column].astype(str).str.strip()
    uniq = names.unique().tolist()
    codes = dict(zip(uniq, to_iso3(uniq, source=source), strict=True))
    out = frame.assign(iso3=names.map(codes))
    out = out[out["iso3"].notna()]
    allowed = set(target_countries()) if keep == "target" else set(reference_table().index)
    return out[out["iso3"].isin(allowed)].reset_index(drop=True)
