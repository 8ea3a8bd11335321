"""The derived layer of the categorical codings: values produced in code, by documented rules, from
mirrored datasets that cover many countries systematically.

Each rule is a function of a tidy input frame (so tests can feed tiny inline frames) and returns
long-form coding rows::

    iso3, variable, value, source_url, source_title, accessed, note, evidence, rule, registry_key

with ``evidence = "derived"``, ``source_url`` the dataset publisher's page, ``source_title`` the
dataset's citation and its sovai registry key, ``accessed`` the registry's access date of the file
and ``note`` the rule and the row(s) of the dataset that fired it. The hand codings
(``data/categorical/codings/*.csv``) always win: :func:`sovai.categorical.load_categorical`
fills only the cells the hand codings leave missing, and :func:`conflicts` lists every cell where
both exist and differ.

Rules (codebook ``protocol`` per variable has the same text):

``girai2026_nap`` → ``national_ai_strategy``
    GIRAI 2026 (``gmc_cse``; 135 countries; evidence to 30 Sep 2025) codes, for every covered
    country, the national AI policy "or equivalent framework" as Adopted / Draft / No framework.
    true: Adopted, type Strategy or Policy, title names AI and a strategy / plan / policy /
    programme / roadmap / concept, and is not a law, bill, decree, guideline, ethics or
    regulation document, nor a policy on the government's own use of AI. true (draft): Draft with
    a strategy/policy title (the codebook codes drafts published for comment true). false: "No
    framework" (the dataset covers the country and would have listed a strategy). Anything else
    (laws, white papers, guidelines, AI-in-government policies) gives no derived value.
``girai2024_nap`` → ``national_ai_strategy``
    GIRAI 2024 thematic area "National AI Policy" (138 countries, data year 2023): true where a
    document with a strategy/policy title exists, used only for countries absent from the 2026
    edition; never false (a 2023 "no" is superseded by later adoptions).
``oecd_strategy`` → ``national_ai_strategy`` (+ year)
    OECD.AI policy database (via ``oecd_ai_policy_initiatives``): a ``Strategy`` document whose
    title names AI and a strategy / plan / policy / roadmap / programme (sub-national, sectoral,
    R&D-only, forthcoming, proposal, council / commission / institute entries excluded). Never
    false: the database holds what governments submit.
``national_ai_strategy_year``
    The GIRAI 2026 approval year of an adopted strategy (same title rule), leaving out documents
    marked as updates (2.0, refresh, second edition, phase) and documents dated 2024 or later for
    countries that already had a national AI policy document in GIRAI 2024 (the date is then of a
    successor). Only where ``national_ai_strategy`` is true after the merge. Measured against the
    hand-coded first years (2026-12-02): 83 % exact, 92 % within one year; OECD.AI entry years
    (69 % / 79 %) are not used.
``top500_public`` → ``public_compute``
    A TOP500 system (lists June 2020 - June 2026) in segment Government or Research in the
    country, weather / climate services, intergovernmental sites (ECMWF, EUMETSAT, CERN, ESA) and
    two company labs filed as Research (SiDi, CUBOX) excluded. Never false: TOP500 lists only 500 systems.
``epoch_public`` → ``public_compute``
    An existing Epoch AI GPU cluster with sector ``Public`` in the country. Never false.
``girai2026_ai_law`` → ``ai_law``
    A GIRAI 2026 framework (any AI-policy indicator, or the national policy) of type Law,
    enforceability Binding, whose title is an AI act or law (strategies, centres, annexes, bills
    and drafts excluded); for the 27 EU members, "EU AI Act" recorded as International Law
    (codebook EU rule). Never false: the rule reads titles, which cannot show that no binding
    AI-specific instrument exists (e.g. China's Interim Measures carry neither word), and GIRAI
    keeps at most two frameworks per indicator.
``girai2026_skills`` → ``talent_programme``
    A GIRAI 2026 government initiative under the indicators Reskilling and upskilling, AI
    Literacy or Public Sector Skills Development, of category Capacity Building (training,
    formal education) or Programmatic Implementation (operational programmes), whose name
    names AI and reads as a standing programme (programme, academy, scholarship, curriculum,
    course, training, platform...); events (workshops, forums, conferences, sessions), reports,
    guidelines, strategies, plans, partnerships and announcements excluded. Never false:
    GIRAI does not cover talent attraction (chairs, visas, scholarships).

UNCTAD's Global Cyberlaw Tracker (data-protection law status, 195 countries) is context for
``data_localisation``, not a coding of it: :func:`data_protection_context`.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pandas as pd

from sovai import paths, registry

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
    """True if a document title reads as a national AI strategy / plan / policy (rule text in module doc)."""
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
    """Candidate first-strategy years: ``iso3, year, origin, title`` (see module doc for the rule)."""
    rows = []
    if docs is not None:  # OECD.AI entry years: measured 69 % exact against the hand years, not used by default
        for rec in docs.itertuples(index=False):
            if pd.notna(rec.year) and not _has(rec.title, _UPDATE):
                rows.append({"iso3": rec.iso3, "year": int(rec.year), "origin": "oecd", "title": rec.title})
    had_2023 = set() if nap24 is None else set(nap24.loc[nap24["exists"].fillna(False).astype(bool), "iso3"])
    for rec in nap.itertuples(index=False):
        if rec.status != "Adopted" or rec.type not in ("Strategy", "Policy") or not is_strategy_title(rec.title):
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
                 note=f"approval year of the national AI strategy document in {first['origin']}: '{first['title']}' "
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


# -------------------------------------------------------------------------------- the layer
#: Registry keys read by the derived layer (their pinned sha256 enter the cache key).
def input_keys() -> list[str]:
    """Registry keys of every raw file the derived layer reads."""
    from sovai.sources import top500

    return sorted(
        [
            "girai/GIRAI_2026_dataset.xlsx",
            "girai/GIRAI_2024_dataset.xlsx",
            "oecd_ai_policy_initiatives/master_dataset.csv",
            "epoch_gpu_clusters/gpu_clusters.csv",
            *top500.list_keys(),
        ]
    )


def _code_files() -> list[Path]:
    here = Path(__file__).resolve().parent
    files = [
        here / "derived_codings.py",
        *(here / "sources" / f for f in ("girai.py", "top500.py", "epoch.py", "oecd_ai.py")),
    ]
    files += [here / "countries.py", *sorted(paths.COUNTRIES_DIR.glob("*.json"))]
    return files


def cache_key() -> str:
    """A hash of the inputs of the derived layer: the pinned sha256 of each raw file and the code."""
    h = hashlib.sha256()
    for key in input_keys():
        h.update(f"{key}={registry.entry(key).sha256}\n".encode())
    for f in _code_files():
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:20]


def rule_frames() -> dict[str, pd.DataFrame]:
    """Every rule's rows, computed from the mirrored datasets (slow: reads the raw files)."""
    from sovai.sources import epoch, girai, oecd_ai, top500

    nap = girai.national_policy_2026()
    nap24 = girai.national_policy_2024()
    docs = oecd_strategy_documents(oecd_ai.load_initiatives())
    frames = {
        "girai2026_nap": rule_girai2026_nap(nap),
        "girai2024_nap": rule_girai2024_nap(nap24, set(nap["iso3"])),
        "oecd_strategy": rule_oecd_strategy(docs),
        "top500_public": rule_top500_public(top500.load_systems()),
        "epoch_public": rule_epoch_public(epoch.load_gpu_clusters(drop_superseded=False)),
        "girai2026_ai_law": rule_girai2026_ai_law(girai.frameworks_2026(), nap),
        "girai2026_skills": rule_girai2026_skills(girai.initiatives_2026()),
    }
    strat = combine(pd.concat([frames[k] for k in ("girai2026_nap", "girai2024_nap", "oecd_strategy")]))
    true_now = set(strat.loc[strat["value"] == "true", "iso3"])
    frames["strategy_year"] = rule_strategy_year(strategy_year_candidates(None, nap, nap24), true_now)
    return frames


def combine(rows: pd.DataFrame) -> pd.DataFrame:
    """One derived value per iso3 × variable of the 195 target countries: a true from any rule
    beats a false; rules in name order.

    The note of the kept row lists the other rules that fired (and a disagreement, if any).
    """
    from sovai.countries import target_countries

    # datasets also cover economies outside the 195 targets (e.g. HKG, PSE in GIRAI): not coded
    rows = rows[rows["iso3"].isin(target_countries())]
    if rows.empty:
        return pd.DataFrame(columns=DERIVED_COLUMNS).astype("string")
    rows = rows.copy()
    rows["_rank"] = (rows["value"] != "true").astype(int)  # true first (years: a single rule)
    rows = rows.sort_values(["iso3", "variable", "_rank", "rule"], kind="mergesort")
    kept = []
    for (_, _), g in rows.groupby(["iso3", "variable"], sort=True):
        first = g.iloc[0].copy()
        others = g.iloc[1:]
        if len(others):
            parts = [f"{r.rule}={r.value}" for r in others.itertuples(index=False)]
            first["note"] = f"{first['note']}; also: {', '.join(parts)}"
        kept.append(first)
    out = pd.DataFrame(kept).drop(columns="_rank")
    return out[DERIVED_COLUMNS].astype("string").reset_index(drop=True)


def _cache_file() -> Path:
    return paths.cache_dir() / "derived_codings" / f"derived-{cache_key()}.csv"


_MEMO: dict[str, pd.DataFrame] = {}


def derived_codings(*, use_cache: bool = True) -> pd.DataFrame:
    """The derived layer: one row per iso3 × variable (columns :data:`DERIVED_COLUMNS`), sorted.

    Computed from the mirrored datasets by the rules in the module docstring and cached on disk
    (``SOVAI_CACHE_DIR/derived_codings/``) under a key of the raw files' pinned hashes and the
    code, so an edited rule or a re-pinned file recomputes it.
    """
    from sovai.atomic import atomic_write_text

    key = cache_key()
    if use_cache and key in _MEMO:
        return _MEMO[key].copy()
    file = _cache_file()
    if use_cache and file.exists():
        out = pd.read_csv(file, dtype="string", keep_default_na=False).replace("", pd.NA)
    else:
        frames = rule_frames()
        out = combine(pd.concat(list(frames.values()), ignore_index=True))
        out = out.sort_values(["iso3", "variable"], kind="mergesort").reset_index(drop=True)
        buf = io.StringIO()
        out.to_csv(buf, index=False, lineterminator="\n")
        try:
            atomic_write_text(file, buf.getvalue())
        except OSError:  # a read-only cache folder: compute again next time
            pass
    _MEMO[key] = out
    return out.copy()


def merge(hand: pd.DataFrame, derived: pd.DataFrame) -> pd.DataFrame:
    """Hand long frame completed by derived rows for the cells the hand codings leave missing.

    Returns the union with a column ``origin`` (``hand``/``derived``); hand rows are untouched.
    A derived ``national_ai_strategy_year`` is dropped where the (merged) strategy is not true, and
    a derived strategy ``false`` is dropped where the hand codings give a strategy year.
    """
    hand = hand.copy()
    hand["origin"] = "hand"
    have = set(zip(hand["iso3"], hand["variable"], strict=True))
    hand_year = set(hand.loc[hand["variable"] == "national_ai_strategy_year", "iso3"])
    add = derived[[(i, v) not in have for i, v in zip(derived["iso3"], derived["variable"], strict=True)]]
    contradicts = (add["variable"] == "national_ai_strategy") & (add["value"] == "false") & add["iso3"].isin(hand_year)
    add = add[~contradicts]
    add = add.drop(columns=[c for c in ("rule", "registry_key") if c in add.columns]).copy()
    add["origin"] = "derived"
    out = pd.concat([hand, add], ignore_index=True)
    strat = out[out["variable"] == "national_ai_strategy"].set_index("iso3")["value"]
    year_derived = (out["variable"] == "national_ai_strategy_year") & (out["origin"] == "derived")
    bad = year_derived & (out["iso3"].map(strat).fillna("") != "true")
    out = out[~bad]
    return out.astype("string").sort_values(["iso3", "variable"], kind="mergesort").reset_index(drop=True)


def conflicts(hand: pd.DataFrame, derived: pd.DataFrame) -> pd.DataFrame:
    """Cells coded by hand and derived with different values (the hand value wins).

    Returns ``iso3, variable, hand, derived, rule, hand_source_url, derived_note``, sorted.
    """
    cols = ["iso3", "variable", "hand", "derived", "rule", "hand_source_url", "derived_note"]
    m = hand[["iso3", "variable", "value", "source_url"]].merge(
        derived[["iso3", "variable", "value", "rule", "note"]], on=["iso3", "variable"], suffixes=("_h", "_d"),
        validate="1:1",
    )  # fmt: skip
    m = m[m["value_h"].astype(str) != m["value_d"].astype(str)]
    out = pd.DataFrame(
        {
            "iso3": m["iso3"],
            "variable": m["variable"],
            "hand": m["value_h"],
            "derived": m["value_d"],
            "rule": m["rule"],
            "hand_source_url": m["source_url"],
            "derived_note": m["note"],
        },
        columns=cols,
    )
    return out.astype("string").sort_values(["variable", "iso3"], kind="mergesort").reset_index(drop=True)


def data_protection_context() -> pd.DataFrame:
    """UNCTAD Global Cyberlaw Tracker: ``iso3, data_protection_law`` (Legislation / Draft Legislation /
    No Legislation / No Data) for 195 countries. Context for ``data_localisation`` only: a privacy law
    is not a localisation mandate.
    """
    from sovai.sources import unctad

    return unctad.data_protection_status()
