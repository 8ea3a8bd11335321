"""Tests for sovai.derived_codings: each rule on tiny inline frames, the merge (hand wins), conflicts."""

from __future__ import annotations

import pandas as pd
import pytest

from sovai import categorical as cat
from sovai import derived_codings as dc

URL = "https://example.org/src"
GIRAI = "girai/GIRAI_2026_dataset.xlsx"


def nap(*rows):
    out = pd.DataFrame(rows, columns=["iso3", "status", "type", "title", "approval"])
    out["enforceability"] = "Non-Binding"
    return out


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


# -------------------------------------------------------------------------- merge, conflicts
def _derived(*rows):
    recs = [
        dict(iso3=i, variable=v, value=val, source_url=dc.PUBLISHERS["girai"], source_title="GIRAI", accessed="2026-12-02",
             note="rule", evidence="derived", rule="girai2026_nap", registry_key=GIRAI)
        for i, v, val in rows
    ]  # fmt: skip
    return pd.DataFrame(recs, columns=dc.DERIVED_COLUMNS).astype("string")


def _hand(*rows):
    recs = [dict(iso3=i, variable=v, value=val, source_url=URL, source_title="t", accessed="2026-11-26", note=None,
                 evidence="stated") for i, v, val in rows]  # fmt: skip
    return pd.DataFrame(recs, columns=cat.LONG_COLUMNS).astype("string")


def test_merge_hand_wins_and_fills_missing():
    hand = _hand(("ZAF", "national_ai_strategy", "true"), ("ZAF", "national_ai_strategy_year", "2024"))
    derived = _derived(("ZAF", "national_ai_strategy", "false"), ("AFG", "national_ai_strategy", "false"))
    merged = dc.merge(hand, derived)
    got = merged.set_index(["iso3", "variable"])
    assert got.loc[("ZAF", "national_ai_strategy"), "value"] == "true"
    assert got.loc[("ZAF", "national_ai_strategy"), "origin"] == "hand"
    assert got.loc[("AFG", "national_ai_strategy"), "value"] == "false"
    assert got.loc[("AFG", "national_ai_strategy"), "origin"] == "derived"
    wide = cat.to_wide(merged.drop(columns="origin"))
    assert bool(wide.loc["ZAF", "national_ai_strategy"]) and not bool(wide.loc["AFG", "national_ai_strategy"])


def test_merge_drops_derived_year_without_true_strategy_and_false_against_hand_year():
    hand = _hand(("MOZ", "national_ai_strategy_year", "2026"))
    derived = _derived(
        ("MOZ", "national_ai_strategy", "false"),
        ("AFG", "national_ai_strategy", "false"),
        ("AFG", "national_ai_strategy_year", "2020"),
    )
    merged = dc.merge(hand, derived)
    assert set(zip(merged["iso3"], merged["variable"], strict=True)) == {
        ("MOZ", "national_ai_strategy_year"),
        ("AFG", "national_ai_strategy"),
    }


def test_conflict_is_reported():
    hand = _hand(("ZAF", "national_ai_strategy", "true"), ("FRA", "national_ai_strategy", "true"))
    derived = _derived(("ZAF", "national_ai_strategy", "false"), ("FRA", "national_ai_strategy", "true"))
    out = dc.conflicts(hand, derived)
    assert out[["iso3", "variable", "hand", "derived", "rule"]].to_dict("records") == [
        {"iso3": "ZAF", "variable": "national_ai_strategy", "hand": "true", "derived": "false", "rule": "girai2026_nap"}
    ]


def test_combine_true_beats_false_and_notes_the_other_rule():
    a = _derived(("TWN", "national_ai_strategy", "false"))
    b = _derived(("TWN", "national_ai_strategy", "true"))
    b["rule"] = "oecd_strategy"
    out = dc.combine(pd.concat([a, b], ignore_index=True))
    assert len(out) == 1 and out["value"].iloc[0] == "true" and "girai2026_nap=false" in out["note"].iloc[0]


def test_combine_keeps_only_the_target_countries():
    rows = _derived(
        ("PSE", "national_ai_strategy", "true"), ("HKG", "public_compute", "true"), ("FRA", "ai_law", "true")
    )
    assert dc.combine(rows)["iso3"].tolist() == ["FRA"]  # PSE, HKG are not among the 195 coded economies


# --------------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def layer():
    return dc.derived_codings()


def test_real_layer_is_derived_cited_and_unique(layer):
    assert len(layer) > 100
    assert set(layer["evidence"]) == {"derived"}
    assert not layer.duplicated(["iso3", "variable"]).any()
    assert layer["source_url"].str.match(r"^https://").all()
    assert layer["registry_key"].map(lambda k: k in __import__("sovai").registry.keys()).all()
    # absence from TOP500 / Epoch is never a false; GIRAI gives the only falses, for the strategy
    assert set(layer.loc[layer["value"] == "false", "variable"]) == {"national_ai_strategy"}


def test_real_layer_is_deterministic(layer):
    again = dc.derived_codings(use_cache=False)
    pd.testing.assert_frame_equal(layer.reset_index(drop=True), again.reset_index(drop=True))


def test_load_categorical_completes_hand_codings(layer):
    long = cat.load_categorical(long=True)
    hand_only = cat.load_categorical(long=True, derived=False)
    assert set(long["origin"]) == {"hand", "derived"} and set(hand_only["origin"]) == {"hand"}
    keyed = long.set_index(["iso3", "variable"])
    for rec in hand_only.head(50).itertuples(index=False):
        assert keyed.loc[(rec.iso3, rec.variable), "value"] == rec.value  # hand wins
    assert len(long) > len(hand_only)


# ------------------------------------------------------------------------- reliability sample
def _tool(name: str):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_reliability_sample_is_seeded_stratified_and_blind():
    tool = _tool("reliability_sample")
    isos = ["FRA", "DEU", "ITA", "ESP", "KEN", "GHA", "BRA", "CHL", "IND", "JPN", "KOR", "USA"]
    long = _hand(*[(i, "ai_law", "true") for i in isos], ("FRA", "public_compute", "true"))
    long["origin"] = "hand"
    a = tool.draw(long, seed=7, share=0.10)
    b = tool.draw(long, seed=7, share=0.10)
    pd.testing.assert_frame_equal(a, b)
    assert a.groupby("variable").size().to_dict() == {"ai_law": 2, "public_compute": 1}  # ceil(10 %), at least 1
    assert list(a.columns) == ["iso3", "name", "variable", "origin"]  # no value, no source: a blind recoding
    assert set(a["iso3"]) <= set(isos)
    with pytest.raises(ValueError, match="share"):
        tool.draw(long, share=0)
