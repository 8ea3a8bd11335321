"""Tests for sovai.derived_codings.rules: each rule on tiny inline frames."""

from __future__ import annotations

import pandas as pd

from sovai import derived_codings as dc
from tests.derived_codings.support import GIRAI, URL, nap


# ----------------------------------------------------------------------------- national strategy
def test_girai_no_framework_is_false_citing_girai():
    out = dc.rule_girai2026_nap(nap(("AFG", "No framework", "No framework", None, None)))
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["iso3"], row["variable"], row["value"], row["evidence"]) == (
        "AFG",
        "national_ai_strategy",
        "false",
        "derived",
    )
    assert row["source_url"] == dc.PUBLISHERS["girai"] and GIRAI in row["source_title"]
    assert row["registry_key"] == GIRAI and "No framework" in row["note"] and "2025-09-30" in row["note"]
    assert list(out.columns) == dc.DERIVED_COLUMNS


def test_girai_adopted_strategy_true_but_laws_and_narrow_policies_not_read_as_strategies():
    out = dc.rule_girai2026_nap(
        nap(
            ("ARG", "Adopted", "Strategy", "National Plan of Artificial Intelligence", "2019-12-01"),
            ("KOR", "Adopted", "Law", "Basic Act on the Development of Artificial Intelligence", "2025-01-21"),
            (
                "AUS",
                "Adopted",
                "Policy",
                "Policy for the responsible use of AI in government (Australia)",
                "2024-09-01",
            ),
            ("SVK", "Adopted", "Strategy", "2030 Digital Transformation Strategy for Slovakia", "2019-05-07"),
            ("JPN", "Adopted", "Policy", "AI Guidelines for Business Ver. 1.1 (Japan)", "2025-04-04"),
            ("ALB", "Draft", "Draft framework", "National AI Strategy 2025–2030 (draft) (Albania)", "2025-08-14"),
            (
                "ECU",
                "Draft",
                "Draft framework",
                "Organic Law Project for the Regulation of Artificial Intelligence",
                "2024",
            ),
        )
    )
    got = dict(zip(out["iso3"], out["value"], strict=True))
    assert got == {
        "ARG": "true",
        "ALB": "true",
    }  # law, AI-in-government policy, digital strategy, guideline, bill: none
    assert "draft coded true" in out.set_index("iso3").loc["ALB", "note"]


def test_oecd_strategy_documents_filter_titles():
    init = pd.DataFrame(
        {
            "iso3": ["DEU", "DEU", "USA", "DNK", "GBR", "EUU"],
            "year": pd.array([2018, 2019, 2016, 2023, 2021, 2018], dtype="Int64"),
            "title": [
                "National AI Strategy",
                "Police AI Strategy (KI@Polizei)",
                "National AI R&D Strategic Plan",
                "Teton.ai",
                "Scotland's National AI Strategy (Formal Consultations)",
                "EU Strategy for Artificial Intelligence",
            ],
            "policy_type": ["Strategy"] * 6,
        }
    )
    docs = dc.oecd_strategy_documents(init)
    assert docs["title"].tolist() == ["National AI Strategy"]
    out = dc.rule_oecd_strategy(docs)
    assert out[["iso3", "value"]].to_dict("records") == [{"iso3": "DEU", "value": "true"}]


def test_strategy_year_skips_updates_and_successors():
    docs = pd.DataFrame(
        {
            "iso3": ["EST", "EST"],
            "year": [2019, 2022],
            "title": ["National AI Strategy 1.0", "National AI Strategy 2.0"],
        }
    )
    n = nap(
        ("CHN", "Adopted", "Strategy", "National AI Strategy Plan 2025", "2025-08-26"),
        ("AZE", "Adopted", "Strategy", "Artificial Intelligence Strategy of Azerbaijan 2025-2028", "2025-03-19"),
        ("FRA", "Adopted", "Strategy", "National Strategy for Artificial Intelligence (Third Phase)", "2025-02-06"),
    )
    n24 = pd.DataFrame(
        {"iso3": ["CHN", "AZE"], "exists": pd.array([True, False], dtype="boolean"), "title": ["x", None]}
    )
    cand = dc.strategy_year_candidates(docs, n, n24)
    years = dc.rule_strategy_year(cand, {"EST", "CHN", "AZE", "FRA"})
    assert dict(zip(years["iso3"], years["value"], strict=True)) == {"AZE": "2025", "EST": "2019"}
    assert dc.rule_strategy_year(cand, {"AZE"})["iso3"].tolist() == ["AZE"]  # only where the strategy is true


def test_strategy_year_of_a_draft_is_its_release_year_and_draft_laws_give_none():
    n = nap(
        ("LKA", "Draft", "Draft framework", "National Strategy on AI (Draft Strategy for Public Consultation)", "2024-09-02"),
        ("AGO", "Draft", "Draft framework", "Draft Law on Artificial Intelligence (Angola)", "2025-09-01"),
        ("LSO", "Draft", "Draft framework", "Artificial Intelligence Policy and Implementation Plan (Second Draft)", "2025-01-21"),
        ("MNG", "No framework", "No framework", None, None),
    )  # fmt: skip
    years = dc.rule_strategy_year(dc.strategy_year_candidates(None, n), {"LKA", "AGO", "LSO", "MNG"})
    assert dict(zip(years["iso3"], years["value"], strict=True)) == {"LKA": "2024"}  # a law, an update: no year
    assert "release year for a draft" in years["note"].iloc[0]


# ------------------------------------------------------------------------------ public compute
def test_top500_government_segment_is_true_weather_and_industry_are_not():
    systems = pd.DataFrame(
        {
            "list": ["2026-06", "2026-06", "2025-11", "2026-06", "2026-06"],
            "iso3": ["KEN", "GBR", "GBR", "USA", "BRA"],
            "segment": ["Government", "Government", "Research", "Industry", "Research"],
            "site": ["Ministry of ICT", "Met Office", "STFC", "Company X", "SiDi"],
            "name": ["K1", "Weather", "Scafell", "C1", "S1"],
        }
    )
    out = dc.rule_top500_public(systems, key="top500/TOP500_202606.xlsx")
    assert out["iso3"].tolist() == ["GBR", "KEN"] and set(out["value"]) == {"true"}
    gbr = out.set_index("iso3").loc["GBR"]
    assert "STFC" in gbr["note"] and "Met Office" not in gbr["note"] and "2025-11" in gbr["note"]
    assert gbr["source_url"] == dc.PUBLISHERS["top500"] and gbr["evidence"] == "derived"


def test_top500_never_gives_false():
    systems = pd.DataFrame(
        {"list": ["2026-06"], "iso3": ["USA"], "segment": ["Industry"], "site": ["X"], "name": ["Y"]}
    )
    assert dc.rule_top500_public(systems, key="top500/TOP500_202606.xlsx").empty


def test_epoch_public_existing_only():
    clusters = pd.DataFrame(
        {
            "iso3": ["JPN", "JPN", "FRA"],
            "name": ["ABCI 3.0", "Planned One", "Private One"],
            "owner": ["AIST", "AIST", "Company"],
            "sector": ["Public", "Public", "Private"],
            "status": ["Existing", "Planned", "Existing"],
        }
    )
    out = dc.rule_epoch_public(clusters)
    assert (
        out["iso3"].tolist() == ["JPN"] and "ABCI 3.0" in out["note"].iloc[0] and "Planned" not in out["note"].iloc[0]
    )


# ------------------------------------------------------------------------- ai law, talent
def test_ai_law_reads_titles_and_eu_rule():
    fw = pd.DataFrame(
        {
            "iso3": ["ALB", "SLV", "NGA", "FRA", "NOR", "LVA"],
            "type": ["Law", "Law", "Law", "International Law", "International Law", "Law"],
            "title": [
                "Law No. 124/2024 On the Protection of Personal Data",
                "Artificial Intelligence Promotion and Technologies Act of El Salvador",
                "National Artificial Intelligence Strategy 2025 (Nigeria)",
                "EU AI Act",
                "EU AI Act",
                "Artificial Intelligence Centre Law (Latvia)",
            ],
            "enforceability": ["Binding"] * 6,
        }
    )
    out = dc.rule_girai2026_ai_law(fw, nap())
    assert out["iso3"].tolist() == ["FRA", "SLV"]  # data-protection act, strategy, centre law, non-EU AI Act: no
    assert "EU member" in out.set_index("iso3").loc["FRA", "note"]


def test_skills_initiatives_need_ai_and_no_events():
    init = pd.DataFrame(
        {
            "iso3": ["ARE", "AGO", "AUS"],
            "indicator": [
                "Public Sector Skills Development",
                "Public Sector Skills Development",
                "Reskilling and upskilling initiatives",
            ],
            "name": ["AI Pioneers Program", "1st National AI Forum FNIA25", "National Skills Agreement"],
            "link": [URL, URL, URL],
            "category": ["Capacity Building & Public Engagement"] * 3,
            "type": ["Formal education initiatives", "Training courses workshops", "Training courses workshops"],
        }
    )
    out = dc.rule_girai2026_skills(init)
    assert out["iso3"].tolist() == ["ARE"] and out["variable"].iloc[0] == "talent_programme"
