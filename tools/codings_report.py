"""Coverage, source quality, evidence grades, hand-derived conflicts and reliability of the codings.

    python tools/codings_report.py                     # our codings (hand + derived layer)
    python tools/codings_report.py --no-derived        # hand codings only
    python tools/codings_report.py --codings DIR       # another folder of coding CSVs (no derived layer)

Needs the raw-data mirror (``SOVAI_DATA_MIRROR``) for the country table and the derived layer.
Prints plain-text tables; the issue-12 targets are printed beside the figures (never asserted).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sovai import categorical as cat  # noqa: E402
from sovai.countries import reference_table, target_countries  # noqa: E402

#: The ten instrument variables of issue 12 (strategy, framing and the eight instruments).
TEN = [
    "national_ai_strategy",
    "explicit_sovereignty",
    "public_compute",
    "sovereign_cloud",
    "national_llm",
    "data_localisation",
    "chip_programme",
    "critical_minerals_strategy",
    "ai_law",
    "talent_programme",
]
DRIVERS = ["driver_security", "driver_resilience", "driver_economic", "driver_cultural_linguistic"]
SECOND_CODING = ROOT / "data" / "categorical" / "reliability" / "second_coding.csv"
SAMPLE = ROOT / "data" / "categorical" / "reliability" / "sample.csv"


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def _section(title: str) -> None:
    print(f"\n## {title}\n")


def coverage_table(wide: pd.DataFrame) -> pd.DataFrame:
    """Per instrument variable: coded, true, false, % of the 195 countries."""
    rows = []
    for var in TEN:
        col = wide[var]
        rows.append(
            {
                "variable": var,
                "coded": int(col.notna().sum()),
                "true": int((col == True).sum()),  # noqa: E712 - nullable boolean
                "false": int((col == False).sum()),  # noqa: E712
                "pct_of_195": _pct(col.notna().mean()),
                "target_80": "ok" if col.notna().mean() >= 0.80 else "below",
            }
        )
    return pd.DataFrame(rows)


def group_coverage(wide: pd.DataFrame, by: str) -> pd.DataFrame:
    """Share coded per variable × group, with the gap to the global share (points)."""
    ref = reference_table().reindex(wide.index)
    groups = ref[by].fillna("(none)")
    glob = wide[TEN].notna().mean()
    table = wide[TEN].notna().groupby(groups).mean().T
    out = (100 * table).round(0).astype(int)
    out.insert(0, "global", (100 * glob).round(0).astype(int))
    gaps = (100 * (table.sub(glob, axis=0))).round(0)
    flagged = [
        f"{v} × {g} ({int(gaps.loc[v, g])} pts)"
        for v in TEN
        for g in table.columns
        if g != "(none)" and gaps.loc[v, g] < -15  # "(none)": a country without a group (not a group)
    ]
    out.attrs["flagged"] = flagged
    out.attrs["n"] = groups.value_counts().to_dict()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codings", help="folder of coding CSVs (default: data/categorical/codings)")
    parser.add_argument("--no-derived", action="store_true", help="hand codings only (no derived layer)")
    parser.add_argument("--conflicts", type=int, default=60, help="print at most this many conflicts (default 60)")
    args = parser.parse_args(argv)

    path = Path(args.codings) if args.codings else None
    derived = False if (args.no_derived or path is not None) else None
    wide = cat.load_categorical(path, derived=derived)
    long = cat.load_categorical(path, derived=derived, long=True)
    n = len(target_countries())
    label = str(path or cat.CODINGS_DIR) + ("" if derived is None else " (hand codings only)")
    print(f"# Codings report: {label}")
    print(
        f"{len(long)} coded values ({int((long['origin'] == 'derived').sum())} from the derived layer), {n} countries"
    )

    _section("Coverage of the ten instrument variables (coded true/false, % of 195)")
    cov = coverage_table(wide)
    print(cov.to_string(index=False))
    cells = int(wide[TEN].notna().sum().sum())
    print(
        f"\ncells coded: {cells} of {n * len(TEN)} = {_pct(cells / (n * len(TEN)))} (target >= 90%; no variable < 80%)"
    )
    if "origin" in long.columns and (long["origin"] == "derived").any():
        d = long[(long["origin"] == "derived") & long["variable"].isin(TEN)]
        print("filled by the derived layer: " + ", ".join(f"{v} {c}" for v, c in d["variable"].value_counts().items()))

    for by, title in (("un_region", "UN region"), ("wb_income", "World Bank income group")):
        _section(f"Coverage by variable × {title} (% coded; global first)")
        table = group_coverage(wide, by)
        print("countries per group: " + ", ".join(f"{k} {v}" for k, v in sorted(table.attrs["n"].items())))
        print(table.to_string())
        flagged = table.attrs["flagged"]
        print(
            f"\ngroups more than 15 points below the global coverage ({len(flagged)}): "
            + ("; ".join(flagged) or "none")
        )

    _section("The four stated drivers among countries with a national AI strategy")
    strat = wide["national_ai_strategy"] == True  # noqa: E712
    k = int(strat.sum())
    rows = []
    for var in DRIVERS:
        col = wide.loc[strat.fillna(False).astype(bool), var]
        rows.append(
            {"driver": var, "coded": int(col.notna().sum()), "true": int((col == True).sum()),  # noqa: E712
             "false": int((col == False).sum()), "pct_of_strategy_countries": _pct(col.notna().mean() if k else 0)}  # noqa: E712
        )  # fmt: skip
    print(f"{k} countries with national_ai_strategy true (target: each driver coded for >= 85%)")
    print(pd.DataFrame(rows).to_string(index=False))
    yr = wide.loc[strat.fillna(False).astype(bool), "national_ai_strategy_year"]
    print(f"\nnational_ai_strategy_year given for {int(yr.notna().sum())} of {k} strategy countries (target: all)")

    _section("Source quality (share of coded values by the class of their source domain)")
    shares = cat.source_quality_shares(long)
    shares["share"] = shares["share"].map(_pct)
    print(shares.to_string(index=False))
    hand = long[long["origin"] == "hand"]
    sh = cat.source_quality_shares(hand).set_index("quality_class")
    weak = sh.loc[list(cat.WEAK_CLASSES), "n_values"].sum()
    print(
        f"\nhand values on aggregator/personal/vendor domains: {weak} of {len(hand)} = {_pct(weak / max(len(hand), 1))} "
        f"(target <= 5%); on content farms: {sh.loc['content_farm', 'n_values']} (target 0); "
        f"unclassified: {sh.loc['unclassified', 'n_values']}"
    )
    table = cat.source_quality()
    unclassified = sorted(
        {h for h in hand["source_url"].map(cat.url_domain).dropna() if cat.source_class("https://" + h, table) is None}
    )
    if unclassified:
        print(f"unclassified domains ({len(unclassified)}): {', '.join(unclassified)}")

    _section("Blocks of false values resting on one source page (>= 5 countries)")
    falses = hand[(hand["value"] == "false") & (hand["iso3"] != "EUU")]
    blocks = falses.groupby("source_url").agg(n=("iso3", "size"), countries=("iso3", lambda s: " ".join(sorted(s))))
    blocks = blocks[blocks["n"] >= 5].sort_values("n", ascending=False)
    if blocks.empty:
        print("none")
    for url, rec in blocks.iterrows():
        grades = sorted(set(falses.loc[falses["source_url"] == url, "evidence"].fillna("(not graded)")))
        print(f"  {rec['n']:3d} x  [{cat.source_class(url, table) or 'unclassified'}; {', '.join(grades)}] {url}")
        print(f"        {rec['countries']}")

    _section("Evidence grades (share of coded values)")
    ev = cat.evidence_shares(long)
    ev["share"] = ev["share"].map(_pct)
    print(ev.to_string(index=False))

    if derived is None:
        _section("Hand vs derived codings (the hand value wins)")
        from sovai import derived_codings

        layer = derived_codings.derived_codings()
        hand_only = long[long["origin"] == "hand"]
        both = hand_only.merge(layer, on=["iso3", "variable"], suffixes=("_h", "_d"))
        agree = (
            both.assign(agree=both["value_h"] == both["value_d"])
            .groupby("variable")["agree"]
            .agg(n_both="size", n_agree="sum")
        )
        agree["agreement"] = (agree["n_agree"] / agree["n_both"]).map(_pct)
        print(agree.to_string())
        conf = cat.derived_conflicts()
        print(f"\n{len(conf)} conflict(s):")
        show = conf.head(args.conflicts)
        for rec in show.itertuples(index=False):
            print(
                f"  {rec.iso3} {rec.variable}: hand {rec.hand} vs derived {rec.derived} ({rec.rule}) <{rec.hand_source_url}>"
            )
        if len(conf) > len(show):
            print(f"  ... and {len(conf) - len(show)} more")

    _section("Reliability (second, independent coding of a seeded 10% sample)")
    if SECOND_CODING.exists():
        second = cat.load_categorical(SECOND_CODING, long=True, derived=False)
        cells = set(zip(second["iso3"], second["variable"], strict=True))
        first = long[[(i, v) in cells for i, v in zip(long["iso3"], long["variable"], strict=True)]]
        res = cat.compare_categorical(
            cat.to_wide(first.drop(columns="origin")), cat.to_wide(second.drop(columns="origin"))
        )
        summ = res.summary[res.summary["n_both"] > 0][["variable", "n_both", "agreement", "kappa", "ac1"]]
        print(summ.to_string(index=False))
        # pooled over the boolean variables: per-variable kappa is undefined when both coders say
        # "true" for every cell of a variable (chance agreement 1); AC1 stays defined
        boolean = [v for v in cat.instrument_variables() + ["national_ai_strategy", "explicit_sovereignty"]]
        boolean += [v for v in cat.contract_variables() if v.startswith("driver_")]
        fa = cat.to_wide(first.drop(columns="origin"))
        fb = cat.to_wide(second.drop(columns="origin"))
        pairs = [
            (str(fa.at[i, v]), str(fb.at[i, v]))
            for v in dict.fromkeys(boolean)
            if v in fa.columns and v in fb.columns
            for i in fa.index.intersection(fb.index)
            if pd.notna(fa.at[i, v]) and pd.notna(fb.at[i, v])
        ]
        if pairs:
            xa, xb = zip(*pairs, strict=True)
            agree = sum(x == y for x, y in pairs) / len(pairs)
            print(
                f"\npooled over the boolean variables: n = {len(pairs)}, agreement {agree:.3f}, "
                f"Cohen's kappa {cat.cohen_kappa(xa, xb):.3f}, Gwet's AC1 {cat.gwet_ac1(xa, xb):.3f}"
            )
    else:
        where = SAMPLE.relative_to(ROOT)
        state = f"sample drawn ({where})" if SAMPLE.exists() else "no sample yet (tools/reliability_sample.py)"
        print(f"no second coding at {SECOND_CODING.relative_to(ROOT)}: {state}; kappa not computed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
