"""The rules of the derived layer: the constants and title patterns, and one function per rule.

This module holds the columns of a derived row (:data:`DERIVED_COLUMNS`), the publisher pages
(:data:`PUBLISHERS`), the EU member list (:data:`EU27`), the title patterns, the row helpers
(``_cite``, ``_rows``, ``_has``), :func:`is_strategy_title`, the OECD.AI strategy-document filter
(:func:`oecd_strategy_documents`), the strategy-year candidates (:func:`strategy_year_candidates`)
and every ``rule_*`` function. Each rule is a pure function of a tidy input frame returning
long-form derived rows; the rule texts are in the package docstring (:mod:`sovai.derived_codings`).
It reads no raw file itself (:mod:`sovai.derived_codings.layer` feeds it the mirrored datasets),
combines, caches or merges nothing, and imports no other submodule of the package.
"""

from __future__ import annotations

import re

import pandas as pd

from sovai import registry

#: Columns of a derived row.
DERIVED_COLUMNS = [
    "iso3",
    "variable",
    "value",
    "source_url",
    "source_title",
    "accessed",
    "note",
    "evidence",
    "rule",
    "registry_key",
]
#: Publisher pages cited by derived rows.
PUBLISHERS = {
    "girai": "https://globalcenter.ai",
    "oecd_ai_policy_initiatives": "https://oecd.ai/en/dashboards/overview",
    "top500": "https://www.top500.org/lists/top500/",
    "epoch_gpu_clusters": "https://epoch.ai/data/gpu-clusters",
    "unctad_cyberlaw_tracker": "https://unctad.org/page/data-protection-and-privacy-legislation-worldwide",
}
#: EU member states (the AI Act applies directly; codebook EU rule).
EU27 = (
    "AUT BEL BGR CYP CZE DEU DNK ESP EST FIN FRA GRC HRV HUN IRL ITA LTU LUX LVA MLT NLD POL PRT ROU SVK SVN SWE"
).split()

_AI = r"(?:artificial intelligence|\bAI\b|\bKI\b|\bIA\b|inteligencia artificial|intelligence artificielle)"
_STRATEGY_WORDS = r"(?:strateg|\bplan\b|\bpolicy\b|\bprogramme\b|\bprogram\b|roadmap|road map|\bconcept\b|launchpad|vision for|national approach)"
_NOT_STRATEGY = (
    r"(?:\blaw\b|\bact\b|\bbill\b|decree|guideline|ethic|regulat|\buse of\b|in government|white paper|white book|"
    r"vision on|opinions)"
)
_OECD_EXCLUDE = (
    r"(?:R&D|RDI|research|committee|council|commission|forum|task force|working party|platform|society|institute|"
    r"professorship|"
    r"studio|cent(?:re|er)|\bfund\b|school|course|summit|police|defen[cs]e|\bPES\b|recommendation|forthcoming|"
    r"towards|proposal|consultation|regional|scotland|quebec|covid|use case|sectoral|upcoming|pillar|health|"
    r"agricultur|pilot)"
)
_UPDATE = r"(?:\b2\.0\b|update|refresh|second|third|phase|edition)"
_WEATHER = (
    r"(?:weather|meteo|météo|climat|klima|ECMWF|EUMETSAT|CERN|European Space Agency|NOAA|Met Office|Wetterdienst|"
    r"\bDWD\b|hydromet|environment and climate)"
)
#: TOP500 "Research" sites that are private companies' labs (read from the 2020-2026 lists).
_PRIVATE_RESEARCH_SITES = r"(?:^SiDi$|^CUBOX$)"
_EVENT = (
    r"(?:forum|summit|conference|hackathon|webinar|competition|award|\bweek\b|\bday\b|festival|expo|workshop|"
    r"atelier|taller|seminar|orientation|discussion|session|meeting|report|guideline|strateg|partnership|memorandum|"
    r"\bMoU\b|to implement|will be|\bplan\b|boost)"
)
#: A skills initiative must read as a standing programme (not an event or an announcement).
_PROGRAMME = (
    r"(?:program|programme|academy|scholarship|curricul|specialt|campus|platform|fellowship|bootcamp|school|course|"
    r"capability|literacy|training)"
)


# ------------------------------------------------------------------------------------- helpers
def _cite(folder: str, key: str) -> dict[str, str]:
    ent = registry.entry(key)
    return {
        "source_url": PUBLISHERS[folder],
        "source_title": f"{ent.citation} (sovai registry: {key})",
        "accessed": str(ent.accessed),
        "registry_key": key,
    }


def _rows(records: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(records, columns=DERIVED_COLUMNS)
    return out.astype("string").sort_values(["iso3", "variable", "rule"], kind="mergesort").reset_index(drop=True)


def _has(text: object, pattern: str) -> bool:
    return isinstance(text, str) and re.search(pattern, text, flags=re.IGNORECASE) is not None


def is_strategy_title(title: object) -> bool:
    """True if a document title reads as a national AI strategy / plan / policy (rule text in package doc)."""
    return _has(title, _AI) and _has(title, _STRATEGY_WORDS) and not _has(title, _NOT_STRATEGY)


# --------------------------------------------------------------------------------------- rules
def rule_girai2026_nap(nap: pd.DataFrame, *, key: str = "girai/GIRAI_2026_dataset.xlsx") -> pd.DataFrame:
    """``national_ai_strategy`` from GIRAI 2026 ``gmc_cse`` (``iso3, status, type, title, approval``)."""
    cite = _cite("girai", key)
    out = []
    for rec in nap.itertuples(index=False):
        status, kind, title = rec.status, rec.type, rec.title
        value = note = None
        if status == "No framework":
            value = "false"
            note = (
                "GIRAI 2026 codes every covered country's national AI policy or equivalent framework; "
                "status 'No framework' (evidence to 2025-09-30)"
            )
        elif status == "Adopted" and kind in ("Strategy", "Policy") and is_strategy_title(title):
            value = "true"
            note = f"GIRAI 2026 national AI policy: Adopted {kind} '{title}' ({rec.approval})"
        elif status == "Draft" and is_strategy_title(str(title).replace("(draft)", "").replace("Draft", "")):
            value = "true"
            note = (
                f"GIRAI 2026 national AI policy: Draft '{title}' released {rec.approval} (draft coded true, codebook)"
            )
        if value is not None:
            ev = "derived"
            out.append(
                dict(iso3=rec.iso3, variable="national_ai_strategy", value=value, note=note, evidence=ev,
                     rule="girai2026_nap", **cite)
            )  # fmt: skip
    return _rows(out)


def rule_girai2024_nap(
    nap24: pd.DataFrame, covered_2026: set[str], *, key: str = "girai/GIRAI_2024_dataset.xlsx"
) -> pd.DataFrame:
    """``national_ai_strategy`` true from GIRAI 2024 (``iso3, exists, title``), countries not in 2026 only."""
    cite = _cite("girai", key)
    out = []
    for rec in nap24.itertuples(index=False):
        if rec.iso3 in covered_2026 or pd.isna(rec.exists) or not bool(rec.exists) or not is_strategy_title(rec.title):
            continue
        out.append(
            dict(iso3=rec.iso3, variable="national_ai_strategy", value="true", evidence="derived",
                 note=f"GIRAI 2024 (data year 2023) National AI Policy document: '{rec.title}'",
                 rule="girai2024_nap", **cite)
        )  # fmt: skip
    return _rows(out)


def oecd_strategy_documents(initiatives: pd.DataFrame) -> pd.DataFrame:
    """OECD.AI ``Strategy`` documents that are national AI strategies (``iso3, year, title``), countries only."""
    df = initiatives[(initiatives["policy_type"] == "Strategy") & initiatives["iso3"].notna()]
    df = df[df["iso3"] != "EUU"]
    keep = df["title"].map(lambda t: _has(t, _AI) and _has(t, _STRATEGY_WORDS) and not _has(t, _OECD_EXCLUDE))
    df = df[keep.astype(bool)]
    return df[["iso3", "year", "title"]].sort_values(["iso3", "year", "title"], kind="mergesort").reset_index(drop=True)


def rule_oecd_strategy(
    docs: pd.DataFrame, *, key: str = "oecd_ai_policy_initiatives/master_dataset.csv"
) -> pd.DataFrame:
    """``national_ai_strategy`` true from OECD.AI national AI strategy documents (``iso3, year, title``)."""
    cite = _cite("oecd_ai_policy_initiatives", key)
    out = []
    for iso3, g in docs.groupby("iso3", sort=True):
        first = g.sort_values(["year", "title"], kind="mergesort").iloc[0]
        out.append(
            dict(iso3=iso3, variable="national_ai_strategy", value="true", evidence="derived",
                 note=f"OECD.AI policy database: Strategy '{first['title']}' ({first['year']})",
                 rule="oecd_strategy", **cite)
        )  # fmt: skip
    return _rows(out)


def strategy_year_candidates(
    docs: pd.DataFrame | None, nap: pd.DataFrame, nap24: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Candidate first-strategy years: ``iso3, year, origin, title`` (see package doc for the rule)."""
    rows = []
    if docs is not None:  # OECD.AI entry years: measured 69 % exact against the hand years, not used by default
        for rec in docs.itertuples(index=False):
            if pd.notna(rec.year) and not _has(rec.title, _UPDATE):
                rows.append({"iso3": rec.iso3, "year": int(rec.year), "origin": "oecd", "title": rec.title})
    had_2023 = set() if nap24 is None else set(nap24.loc[nap24["exists"].fillna(False).astype(bool), "iso3"])
    for rec in nap.itertuples(index=False):
        adopted = rec.status == "Adopted" and rec.type in ("Strategy", "Policy")
        # a draft released for comment is a published strategy (codebook); its date is the release date
        draft = rec.status == "Draft" and rec.type == "Draft framework"
        if not (adopted or draft) or not is_strategy_title(rec.title):
            continue
        m = re.match(r"(\d{4})", str(rec.approval))
        if m is None or _has(rec.title, _UPDATE):
            continue
        year = int(m.group(1))
        if year >= 2024 and rec.iso3 in had_2023:
            continue  # a successor of a document GIRAI already found in 2023
        rows.append({"iso3": rec.iso3, "year": year, "origin": "girai2026", "title": rec.title})
    return pd.DataFrame(rows, columns=["iso3", "year", "origin", "title"])


def rule_strategy_year(candidates: pd.DataFrame, strategy_true: set[str]) -> pd.DataFrame:
    """``national_ai_strategy_year``: the earliest candidate year, for countries with a derived true."""
    out = []
    keys = {"oecd": ("oecd_ai_policy_initiatives", "oecd_ai_policy_initiatives/master_dataset.csv"),
            "girai2026": ("girai", "girai/GIRAI_2026_dataset.xlsx")}  # fmt: skip
    for iso3, g in candidates.groupby("iso3", sort=True):
        if iso3 not in strategy_true:
            continue
        first = g.sort_values(["year", "origin"], kind="mergesort").iloc[0]
        folder, key = keys[first["origin"]]
        out.append(
            dict(iso3=iso3, variable="national_ai_strategy_year", value=str(int(first["year"])), evidence="derived",
                 note=f"approval year (release year for a draft) of the national AI strategy document in {first['origin']}: '{first['title']}' "
                 "(an earlier first strategy missing from the dataset would make it later than the true year)",
                 rule="strategy_year", **_cite(folder, key))
        )  # fmt: skip
    return _rows(out)


def rule_top500_public(systems: pd.DataFrame, *, key: str | None = None) -> pd.DataFrame:
    """``public_compute`` true from TOP500 systems (``list, iso3, segment, site, name``)."""
    from sovai.sources import top500

    key = key or top500.list_keys()[-1]
    cite = _cite("top500", key)
    df = systems[systems["segment"].isin(["Government", "Research"]) & systems["iso3"].notna()]
    text = df["site"].fillna("").astype(str) + " " + df["name"].fillna("").astype(str)
    df = df[~text.str.contains(_WEATHER, case=False, regex=True)]
    df = df[~df["site"].fillna("").astype(str).str.strip().str.contains(_PRIVATE_RESEARCH_SITES, regex=True)]
    out = []
    for iso3, g in df.groupby("iso3", sort=True):
        latest = g["list"].max()
        sites = sorted(set(g.loc[g["list"] == latest, "site"].dropna().astype(str)))
        shown = "; ".join(sites[:3]) + (f"; and {len(sites) - 3} more" if len(sites) > 3 else "")
        out.append(
            dict(iso3=iso3, variable="public_compute", value="true", evidence="derived",
                 note=f"TOP500 {latest}: {len(sites)} Government/Research site(s) with a listed system ({shown})",
                 rule="top500_public", **cite)
        )  # fmt: skip
    return _rows(out)


def rule_epoch_public(clusters: pd.DataFrame, *, key: str = "epoch_gpu_clusters/gpu_clusters.csv") -> pd.DataFrame:
    """``public_compute`` true from Epoch GPU clusters (``iso3, name, owner, sector, status``)."""
    cite = _cite("epoch_gpu_clusters", key)
    df = clusters[(clusters["sector"] == "Public") & (clusters["status"] == "Existing") & clusters["iso3"].notna()]
    text = df["name"].fillna("").astype(str) + " " + df["owner"].fillna("").astype(str)
    df = df[~text.str.contains(_WEATHER, case=False, regex=True)]
    out = []
    for iso3, g in df.groupby("iso3", sort=True):
        names = sorted(set(g["name"].dropna().astype(str)))
        owners = sorted(set(g["owner"].dropna().astype(str)))
        out.append(
            dict(iso3=iso3, variable="public_compute", value="true", evidence="derived",
                 note=f"Epoch AI GPU clusters: {len(names)} existing public-sector cluster(s), e.g. "
                 f"'{names[0]}' (owner(s): {'; '.join(owners[:3]) or 'not given'})",
                 rule="epoch_public", **cite)
        )  # fmt: skip
    return _rows(out)


def rule_girai2026_ai_law(
    frameworks: pd.DataFrame, nap: pd.DataFrame, *, key: str = "girai/GIRAI_2026_dataset.xlsx"
) -> pd.DataFrame:
    """``ai_law`` true from GIRAI 2026 frameworks (``iso3, type, title, enforceability``) and the NAP."""
    cite = _cite("girai", key)
    docs = pd.concat(
        [
            frameworks[["iso3", "type", "title", "enforceability"]],
            nap.loc[nap["status"] == "Adopted", ["iso3", "type", "title", "enforceability"]],
        ],
        ignore_index=True,
    )
    national = docs[
        (docs["type"] == "Law")
        & (docs["enforceability"] == "Binding")
        & docs["title"].map(lambda t: _has(t, _AI) and _has(t, r"\b(?:act|law)\b"))
        & ~docs["title"].map(lambda t: _has(t, r"strateg|cent(?:re|er)|annex|\bbill\b|draft|project"))
    ]
    eu = docs[
        (docs["type"] == "International Law")
        & docs["title"].map(lambda t: _has(t, r"\bAI Act\b"))
        & docs["iso3"].isin(EU27)
    ]
    out = []
    for iso3, g in national.groupby("iso3", sort=True):
        title = sorted(set(g["title"].astype(str)))[0]
        out.append(
            dict(iso3=iso3, variable="ai_law", value="true", evidence="derived", rule="girai2026_ai_law",
                 note=f"GIRAI 2026 framework of type Law, Binding: '{title}'", **cite)
        )  # fmt: skip
    for iso3 in sorted(set(eu["iso3"]) - set(national["iso3"])):
        out.append(
            dict(iso3=iso3, variable="ai_law", value="true", evidence="derived", rule="girai2026_ai_law",
                 note="GIRAI 2026 records the EU AI Act (Regulation (EU) 2024/1689) as binding International Law; "
                 "EU member (codebook EU rule)", **cite)
        )  # fmt: skip
    return _rows(out)


def rule_girai2026_skills(initiatives: pd.DataFrame, *, key: str = "girai/GIRAI_2026_dataset.xlsx") -> pd.DataFrame:
    """``talent_programme`` true from GIRAI 2026 initiatives (``iso3, indicator, name, link, category, type``)."""
    cite = _cite("girai", key)
    indicators = {"Reskilling and upskilling initiatives", "AI Literacy", "Public Sector Skills Development"}
    kinds = {
        ("Capacity Building & Public Engagement", "Training courses workshops"),
        ("Capacity Building & Public Engagement", "Formal education initiatives"),
        ("Programmatic Implementation & Funding", "Operational programs plans or projects"),
    }
    df = initiatives[initiatives["indicator"].isin(indicators)]
    pair = list(zip(df["category"].astype(str), df["type"].astype(str), strict=True))
    df = df[[p in kinds for p in pair]]
    df = df[df["name"].map(lambda n: _has(n, _AI) and _has(n, _PROGRAMME) and not _has(n, _EVENT)).astype(bool)]
    out = []
    for iso3, g in df.groupby("iso3", sort=True):
        g = g.sort_values(["name"], kind="mergesort")
        first = g.iloc[0]
        out.append(
            dict(iso3=iso3, variable="talent_programme", value="true", evidence="derived", rule="girai2026_skills",
                 note=f"GIRAI 2026 government initiative ({first['indicator']}): '{first['name']}' <{first['link']}>"
                 + (f" and {len(g) - 1} more" if len(g) > 1 else ""), **cite)
        )  # fmt: skip
    return _rows(out)
