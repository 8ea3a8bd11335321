"""Tests for sovai.categorical: loader, validation, derived variables, comparison, real data."""

from __future__ import annotations

import pandas as pd
import pytest

from sovai import categorical as cat
from sovai.cli import main
from sovai.countries import target_countries
from sovai.errors import InputFileError

HEADER = "iso3,variable,value,source_url,source_title,accessed,note\n"
URL = "https://example.org/src"


def write(tmp_path, text: str, name: str = "codes.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def good_rows() -> str:
    return (
        f"FRA,national_ai_strategy,true,{URL},t,2026-11-26,\n"
        f"FRA,national_ai_strategy_year,2018,{URL},t,2026-11-26,\n"
        f"FRA,public_compute,yes,{URL},t,2026-11-26,\n"
        f"Türkiye,national_llm,Y,{URL},t,2026-11-26,\n"
        f'"Korea, Rep.",ai_law,1,{URL},t,2026-11-26,\n'
        f"TCD,national_ai_strategy,no,{URL},t,2026-11-26,checked list\n"
        f"EUU,chip_programme,true,{URL},EU Chips Act,2026-11-26,\n"
    )


# ----------------------------------------------------------------------------- loading, cleaning
def test_load_cleans_and_completes_grid(tmp_path):
    wide = cat.load_categorical(write(tmp_path, HEADER + good_rows()))
    assert list(wide.index) == target_countries()
    assert len(wide) == 195 and wide.index.name == "iso3"
    assert set(cat.contract_variables()) <= set(wide.columns)
    assert str(wide["national_ai_strategy"].dtype) == "boolean"
    assert str(wide["national_ai_strategy_year"].dtype) == "Int64"
    assert str(wide["instrument_count"].dtype) == "Int64"
    assert wide["stance"].cat.ordered and list(wide["stance"].cat.categories) == cat.STANCE_CATEGORIES
    assert wide.loc["FRA", "public_compute"] is True or bool(wide.loc["FRA", "public_compute"])
    assert bool(wide.loc["TUR", "national_llm"]) and bool(wide.loc["KOR", "ai_law"])
    assert not bool(wide.loc["TCD", "national_ai_strategy"])
    assert wide.loc["FRA", "national_ai_strategy_year"] == 2018
    assert pd.isna(wide.loc["USA", "public_compute"])
    # EU rule: EUU in the long form only
    assert "EUU" not in wide.index
    long = cat.load_categorical(write(tmp_path, HEADER + good_rows()), long=True)
    assert "EUU" in set(long["iso3"])
    assert list(long.columns) == cat.OUTPUT_LONG_COLUMNS and set(long["origin"]) == {"hand"}
    assert set(long["value"]) == {"true", "false", "2018"}


def test_round_trip_long_wide_long(tmp_path):
    path = write(tmp_path, HEADER + good_rows())
    long = cat.load_categorical(path, long=True)
    wide = cat.load_categorical(path)
    back = cat.to_long(wide, citations=long)
    expected = long[long["iso3"] != "EUU"].drop(columns="origin").reset_index(drop=True)
    pd.testing.assert_frame_equal(back, expected)
    pd.testing.assert_frame_equal(cat.to_wide(back), wide)


def test_wide_file_matches_long_file(tmp_path):
    wide_text = (
        "country,national_ai_strategy,national_ai_strategy_year,public_compute,source_url\n"
        f"France,true,2018,yes,{URL}\n"
        f"Chad,no,,,{URL}\n"
    )
    long_text = HEADER + (
        f"FRA,national_ai_strategy,true,{URL},,,\n"
        f"FRA,national_ai_strategy_year,2018,{URL},,,\n"
        f"FRA,public_compute,true,{URL},,,\n"
        f"TCD,national_ai_strategy,false,{URL},,,\n"
    )
    a = cat.load_categorical(write(tmp_path, wide_text, "wide.csv"))
    b = cat.load_categorical(write(tmp_path, long_text, "long.csv"))
    pd.testing.assert_frame_equal(a, b)


def test_wide_file_unknown_column(tmp_path):
    text = f"iso3,name,ai_law,public_comptue,source_url\nFRA,France,true,true,{URL}\n"
    problems = cat.validate_file(write(tmp_path, text))
    assert any("unknown column 'public_comptue'" in p and "column 'public_comptue'" in p for p in problems)


def test_xlsx_load_and_wrong_sheet(tmp_path):
    df = pd.read_csv(write(tmp_path, HEADER + good_rows()), dtype=str, keep_default_na=False)
    xlsx = tmp_path / "codes.xlsx"
    df.to_excel(xlsx, sheet_name="codings", index=False)
    wide = cat.load_categorical(xlsx, sheet="codings")
    assert bool(wide.loc["FRA", "public_compute"])
    with pd.ExcelWriter(tmp_path / "readme_first.xlsx") as writer:
        pd.DataFrame({"readme": ["about"]}).to_excel(writer, sheet_name="README", index=False)
        df.to_excel(writer, sheet_name="codes", index=False)
    assert bool(cat.load_categorical(tmp_path / "readme_first.xlsx").loc["FRA", "public_compute"])
    problems = cat.validate_file(xlsx, sheet="Sheet9")
    assert len(problems) == 1
    assert "codes.xlsx" in problems[0] and "'Sheet9'" in problems[0] and "['codings']" in problems[0]


# -------------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    ("row_text", "column", "pattern"),
    [
        (f"Atlantis,public_compute,true,{URL},,,\n", "iso3", "unknown country 'Atlantis'"),
        (f"DEU,public_compute,maybe,{URL},,,\n", "value", "'maybe' is not a category"),
        ("DEU,public_compute,true,,,,\n", "source_url", "a true without a source_url"),
        (f"DEU,national_ai_strategy_year,1985,{URL},,,\n", "value", "year 1985 .* outside 1990-2026"),
        (f"DEU,national_ai_strategy_year,2031,{URL},,,\n", "value", "year 2031 .* outside 1990-2026"),
        (f"FRA,quantum_programme,true,{URL},,,\n", "variable", "unknown variable 'quantum_programme'"),
        (f"FRA,stance,broad,{URL},,,\n", "variable", "derived"),
        (f"HKG,public_compute,true,{URL},,,\n", "iso3", "not one of the 195 target countries"),
    ],
)
def test_bad_cell_names_file_row_column(tmp_path, row_text, column, pattern):
    path = write(tmp_path, HEADER + good_rows() + row_text)
    problems = cat.validate_file(path)
    assert len(problems) == 1, problems
    msg = problems[0]
    assert str(path) in msg and "line 9" in msg and f"column {column!r}" in msg
    assert pd.Series([msg]).str.contains(pattern).iloc[0], msg
    with pytest.raises(InputFileError, match=r"1 problem\(s\)"):
        cat.load_categorical(path)


def test_duplicate_country_variable(tmp_path):
    path = write(tmp_path, HEADER + good_rows() + f"France,public_compute,false,{URL},,,\n")
    problems = cat.validate_file(path)
    assert len(problems) == 1
    assert (
        "line 9" in problems[0]
        and "duplicate FRA x 'public_compute'" in problems[0]
        and "first at line 4" in problems[0]
    )


def test_duplicate_across_files(tmp_path):
    write(tmp_path, HEADER + good_rows(), "a.csv")
    write(tmp_path, HEADER + f"FRA,public_compute,true,{URL},,,\n", "b.csv")
    problems = cat.validate_file(tmp_path)
    assert len(problems) == 1 and "b.csv, line 2" in problems[0] and "a.csv" in problems[0]


def test_missing_required_column(tmp_path):
    path = write(tmp_path, "iso3,variable,value\nFRA,public_compute,true\n")
    problems = cat.validate_file(path)
    assert any("missing required column 'source_url'" in p and "column 'source_url'" in p for p in problems)
    path2 = write(tmp_path, "variable,value,source_url\npublic_compute,true,x\n", "nocountry.csv")
    assert any("missing required column 'iso3'" in p for p in cat.validate_file(path2))


def test_non_utf8_csv(tmp_path):
    path = write(tmp_path, HEADER + f"Côte d'Ivoire,public_compute,true,{URL},,,\n", encoding="latin-1")
    problems = cat.validate_file(path)
    assert len(problems) == 1 and "not UTF-8" in problems[0] and "line 2" in problems[0] and str(path) in problems[0]
    with pytest.raises(InputFileError, match="not UTF-8"):
        cat.load_categorical(path)


def test_year_contradicts_strategy(tmp_path):
    rows = f"TCD,national_ai_strategy_year,2020,{URL},,,\n"
    problems = cat.validate_file(write(tmp_path, HEADER + good_rows() + rows))
    assert len(problems) == 1 and "national_ai_strategy is false" in problems[0] and "line 9" in problems[0]


def test_all_problems_listed_and_cli_exit_1(tmp_path, capsys):
    bad = (
        f"Atlantis,public_compute,true,{URL},,,\n"
        f"FRA,public_compute,perhaps,{URL},,,\n"
        "DEU,national_llm,true,,,,\n"
        f"ITA,national_ai_strategy_year,1950,{URL},,,\n"
    )
    path = write(tmp_path, HEADER + bad)
    problems = cat.validate_file(path)
    assert len(problems) == 4
    assert [p.split(", line ")[1].split(",")[0] for p in problems] == ["2", "3", "4", "5"]
    with pytest.raises(InputFileError, match=r"4 problem\(s\).*line 2"):
        cat.load_categorical(path)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "Atlantis" in err and "perhaps" in err and "source_url" in err and "1950" in err and "4 problem(s)" in err
    good = write(tmp_path, HEADER + good_rows(), "good.csv")
    assert main(["validate", str(good)]) == 0


def test_cli_wrong_sheet(tmp_path, capsys):
    xlsx = tmp_path / "c.xlsx"
    pd.DataFrame({"iso3": ["FRA"], "variable": ["ai_law"], "value": ["true"], "source_url": [URL]}).to_excel(
        xlsx, sheet_name="mine", index=False
    )
    assert main(["validate", str(xlsx), "--sheet", "other"]) == 1
    assert "sheets available: ['mine']" in capsys.readouterr().err


# ----------------------------------------------------------------------------------- stance
def inst(**true):
    return {v: true.get(v, False) for v in cat.instrument_variables()}


@pytest.mark.parametrize(
    ("instruments", "explicit", "expected"),
    [
        (inst(), False, "none"),
        (inst(ai_law=True), False, "selective"),
        (inst(ai_law=True, talent_programme=True, sovereign_cloud=True), True, "selective"),
        (inst(ai_law=True, talent_programme=True, sovereign_cloud=True, data_localisation=True), True, "broad"),
        (inst(public_compute=True, chip_programme=True, national_llm=True, ai_law=True), True, "full_stack"),
        (inst(public_compute=True, chip_programme=True, national_llm=True, ai_law=True), False, "broad"),
        (inst(public_compute=True, chip_programme=True, ai_law=True, talent_programme=True), True, "broad"),
    ],
)
def test_stance_rule(instruments, explicit, expected):
    assert cat.stance_from_instruments(instruments, explicit) == expected
    assert cat.stance_from_instruments(instruments, explicit, na_policy="strict") == expected


def test_stance_na_policies():
    partial = {"ai_law": True, "talent_programme": True}  # 6 instruments missing
    assert cat.stance_from_instruments(partial, None) is None  # default "coded": could be broad
    assert cat.stance_from_instruments(partial, None, na_policy="not_found") == "selective"
    assert cat.stance_from_instruments(partial, None, na_policy="strict") is None
    # strict keeps a stance the missing cells cannot change
    five = inst(ai_law=True, talent_programme=True, sovereign_cloud=True, national_llm=True, public_compute=True)
    five["chip_programme"] = None
    assert cat.stance_from_instruments(five, False, na_policy="strict") == "broad"
    assert cat.stance_from_instruments(five, None, na_policy="strict") is None  # could be full_stack
    frame = pd.DataFrame(
        {
            v: pd.array([pd.NA, True], dtype="boolean")
            for v in cat.contract_variables()
            if v != "national_ai_strategy_year"
        }
    )
    out = cat.derive(frame, na_policy="coded_only")
    assert pd.isna(out["instrument_count"].iloc[0]) and pd.isna(out["stance"].iloc[0])  # nothing coded
    old = cat.derive(frame, na_policy="not_found")
    assert old["instrument_count"].iloc[0] == 0 and old["stance"].iloc[0] == "none"
    default = cat.derive(frame)  # "coded": an uncoded cell is never a 0
    assert pd.isna(default["instrument_count"].iloc[0]) and pd.isna(default["stance"].iloc[0])
    assert default["n_instruments_coded"].tolist() == [0, 8] and default["instrument_count"].iloc[1] == 8
    assert out["instrument_count"].iloc[1] == 8 and out["stance"].iloc[1] == "full_stack"
    with pytest.raises(ValueError, match="na_policy"):
        cat.derive(frame, na_policy="lenient")


# ------------------------------------------------------------------------------- comparison
def test_cohen_kappa_hand_example():
    # 2x2 table: both true 4, a-only 1, b-only 1, both false 4 -> po 0.8, pe 0.5, kappa 0.6
    a = [True] * 5 + [False] * 5
    b = [True] * 4 + [False] + [True] + [False] * 4
    assert cat.cohen_kappa(a, b) == pytest.approx(0.6)
    assert cat.cohen_kappa(a, a) == pytest.approx(1.0)
    assert pd.isna(cat.cohen_kappa([True, True], [True, True]))


def test_compare_categorical():
    idx = pd.Index(["AAA", "BBB", "CCC", "DDD", "EEE"], name="iso3")
    a = pd.DataFrame({"ai_law": pd.array([True, True, False, False, None], dtype="boolean")}, index=idx)
    b = pd.DataFrame({"ai_law": pd.array([True, False, False, None, True], dtype="boolean")}, index=idx)
    res = cat.compare_categorical(a, b)
    row = res.summary.set_index("variable").loc["ai_law"]
    assert row["n_both"] == 3 and row["n_agree"] == 2 and row["agreement"] == pytest.approx(2 / 3)
    assert row["n_only_a"] == 1 and row["n_only_b"] == 1
    # kappa by hand: po=2/3; pa(T)=2/3, pb(T)=1/3 -> pe = 2/9 + 2/9 = 4/9 -> (2/3-4/9)/(5/9) = 0.4
    assert row["kappa"] == pytest.approx(0.4)
    assert res.disagreements.to_dict("records") == [{"iso3": "BBB", "variable": "ai_law", "a": "True", "b": "False"}]
    with pytest.raises(ValueError, match="variables"):
        cat.compare_categorical(a, b, variables=["national_llm"])


def test_package_level_exports():
    import sovai

    assert callable(sovai.load_categorical) and callable(sovai.compare_categorical)
    assert "load_categorical" in sovai.__all__


def test_coverage_by_region(tmp_path):
    wide = cat.load_categorical(write(tmp_path, HEADER + good_rows()))
    cov = cat.coverage(wide)
    row = cov.set_index("variable").loc["national_ai_strategy"]
    assert row["n_coded"] == 2 and row["n_true"] == 1 and row["n_false"] == 1
    by = cat.coverage(wide, by="un_region")
    pd.testing.assert_frame_equal(cat.coverage(wide, by="region"), by)
    assert set(by["un_region"]) >= {"Africa", "Europe", "Asia"}
    assert by.groupby("variable")["n_countries"].sum().eq(195).all()
    with pytest.raises(ValueError, match="'by'"):
        cat.coverage(wide, by="continent")


# -------------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real_long():
    return cat.load_categorical(long=True)


def test_real_data_validates():
    assert cat.validate_file(cat.CODINGS_DIR) == []


def test_real_data_complete_grid():
    wide = cat.load_categorical()
    assert list(wide.index) == target_countries()
    for var in cat.contract_variables():
        assert var in wide.columns
    assert wide["stance"].dropna().isin(cat.STANCE_CATEGORIES).all()


def test_real_data_every_value_cited(real_long):
    assert real_long["value"].notna().all()
    assert real_long["source_url"].str.match(r"^https?://").all()
    shares = cat.citation_share(real_long)
    assert (shares["share_with_url"] == 1.0).all()


def test_codebook_complete():
    book = cat.codebook()
    assert len(cat.instrument_variables()) == 8
    for name, spec in book["variables"].items():
        assert spec["sources_checked"], name
        assert "not found" in spec["false_means"] or spec["type"] == "year", name
    assert book["derived"]["stance"]["categories"] == cat.STANCE_CATEGORIES


# ------------------------------------------------------------------------- property tests
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_cell = st.sampled_from([True, False, None])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(*[_cell] * 9), min_size=1, max_size=12))
def test_stance_invariants(rows):
    cols = [*cat.instrument_variables(), "explicit_sovereignty"]
    frame = pd.DataFrame(rows, columns=cols).astype("boolean")
    loose = cat.derive(frame, na_policy="not_found")
    strict = cat.derive(frame, na_policy="strict")
    coded = cat.derive(frame)  # default: missing never counted as 0
    n = frame[cat.instrument_variables()].notna().sum(axis=1)
    assert (coded["n_instruments_coded"] == n).all()
    assert coded.loc[n == 0, "instrument_count"].isna().all()
    assert (coded.loc[n > 0, "instrument_count"] == loose.loc[n > 0, "instrument_count"]).all()
    same = coded["stance"].astype(object).fillna("NA") == strict["stance"].astype(object).fillna("NA")
    assert same.all()
    count = loose["instrument_count"]
    assert count.between(0, 8).all()
    stance = loose["stance"].astype(str)
    assert ((count == 0) == (stance == "none")).all()
    assert ((count.between(1, 3)) == (stance == "selective")).all()
    full = stance == "full_stack"
    assert frame.loc[full, [*cat.FULL_STACK_REQUIRES, "explicit_sovereignty"]].fillna(False).all(axis=None)
    known = strict["stance"].notna()
    assert (strict.loc[known, "stance"] == loose.loc[known, "stance"]).all()
    complete = frame[cat.instrument_variables()].notna().all(axis=1)
    assert (strict.loc[complete, "instrument_count"] == count[complete]).all()
    assert strict.loc[~complete, "instrument_count"].isna().all()


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_round_trip_property(data):
    targets = target_countries()
    isos = data.draw(st.lists(st.sampled_from(targets), min_size=1, max_size=8, unique=True))
    rows = []
    for iso in isos:
        for var in data.draw(st.lists(st.sampled_from(cat.contract_variables()), max_size=5, unique=True)):
            if var == "national_ai_strategy_year":
                value = str(data.draw(st.integers(1990, 2026)))
            else:
                value = data.draw(st.sampled_from(["true", "false"]))
            rows.append({"iso3": iso, "variable": var, "value": value})
    long = pd.DataFrame(rows, columns=["iso3", "variable", "value"])
    for c in cat.CITATION_COLUMNS:
        long[c] = URL if c == "source_url" else ""
    long = long[cat.LONG_COLUMNS].astype("string").sort_values(["iso3", "variable"]).reset_index(drop=True)
    wide = cat.to_wide(long)
    back = cat.to_long(wide, citations=long)
    pd.testing.assert_frame_equal(back, long)


def test_compare_files(tmp_path):
    a = write(tmp_path, HEADER + good_rows(), "a.csv")
    b = write(tmp_path, HEADER + good_rows().replace("FRA,public_compute,yes", "FRA,public_compute,no"), "b.csv")
    res = cat.compare_categorical(a, b)
    assert res.disagreements.to_dict("records") == [
        {"iso3": "FRA", "variable": "instrument_count", "a": "1", "b": "0"},
        {"iso3": "FRA", "variable": "public_compute", "a": "True", "b": "False"},
    ]  # the stance is NA in both: 7 of 8 instruments are not coded, so it is undetermined
    summ = res.summary.set_index("variable")
    ours = cat.compare_categorical(a)  # against our codings
    assert set(ours.summary["variable"]) >= set(cat.contract_variables())
    assert summ.loc["ai_law", "agreement"] == 1.0 and summ.loc["public_compute", "n_both"] >= 1


def test_compare_derived_only_where_instruments_coded(tmp_path):
    only_strategy = write(tmp_path, HEADER + f"FRA,national_ai_strategy,true,{URL},,,\n", "s.csv")
    res = cat.compare_categorical(only_strategy)
    summ = res.summary.set_index("variable")
    assert summ.loc["instrument_count", "n_both"] == 0 and summ.loc["stance", "n_both"] == 0
    assert set(res.disagreements["variable"]) <= {"national_ai_strategy"}


def test_wide_unknown_country_reported_once(tmp_path):
    text = f"country,ai_law,talent_programme,source_url\nAtlantis,true,true,{URL}\nFrance,true,true,{URL}\n"
    problems = cat.validate_file(write(tmp_path, text))
    assert problems == [
        f"{tmp_path / 'codes.csv'}, line 2, column 'country': unknown country 'Atlantis' (not an ISO3 code or a known country name)"
    ]


def test_semicolon_csv_hint(tmp_path):
    path = write(tmp_path, HEADER.replace(",", ";") + f"FRA;ai_law;true;{URL};;;\n")
    problems = cat.validate_file(path)
    assert len(problems) == 1 and "semicolons" in problems[0] and str(path) in problems[0]


# ------------------------------------------------------- evidence, dates, markup, source quality
EV_HEADER = "iso3,variable,value,source_url,source_title,accessed,note,evidence\n"


@pytest.mark.parametrize(
    ("row_text", "column", "pattern"),
    [
        (f"DEU,ai_law,true,{URL},t,2026-11-26,,hearsay\n", "evidence", "evidence 'hearsay' is not one of"),
        (f"DEU,ai_law,true,{URL},t,2026-11-26,,derived\n", "evidence", "reserved for values computed"),
        (f"DEU,ai_law,true,{URL},t,2026-11-26,,absent_from_complete_sources\n", "evidence", "can only back a false"),
        (f"DEU,ai_law,true,{URL},t,2026-13-45,,stated\n", "accessed", "not a real date"),
        (f"DEU,ai_law,true,{URL},t,2999-01-01,,stated\n", "accessed", "in the future"),
        (f"DEU,ai_law,true,{URL},<script>alert(document.cookie)</script>,2026-11-26,,\n", "source_title", "markup"),
        (f"DEU,ai_law,true,{URL},t,2026-11-26,<img src=x onerror=alert(1)>,\n", "note", "markup"),
        ('DEU,ai_law,true,https://example.org/"><script>,t,2026-11-26,,\n', "source_url", "markup characters"),
    ],
)
def test_validator_evidence_dates_markup(tmp_path, row_text, column, pattern):
    rows = good_rows().replace(",\n", ",,\n").replace("checked list\n", "checked list,\n")
    path = write(tmp_path, EV_HEADER + rows + row_text)
    problems = cat.validate_file(path)
    assert len(problems) == 1, problems
    assert "line 9" in problems[0] and f"column {column!r}" in problems[0]
    assert pd.Series([problems[0]]).str.contains(pattern).iloc[0], problems[0]


def test_evidence_column_optional_and_loaded(tmp_path):
    rows = f"DEU,ai_law,true,{URL},t,2026-11-26,,Stated\nTCD,ai_law,false,{URL},t,2026-11-26,,absent_from_complete_sources\n"
    long = cat.load_categorical(write(tmp_path, EV_HEADER + rows), long=True)
    assert long.set_index("iso3")["evidence"].to_dict() == {"DEU": "stated", "TCD": "absent_from_complete_sources"}
    without = cat.load_categorical(write(tmp_path, HEADER + good_rows(), "old.csv"), long=True)
    assert without["evidence"].isna().all()  # absent column = not graded (NA)
    shares = cat.evidence_shares(long).set_index("evidence")
    assert shares.loc["stated", "n_values"] == 1 and shares.loc["absent_from_complete_sources", "share"] == 0.5


def test_header_only_file_is_an_error(tmp_path):
    problems = cat.validate_file(write(tmp_path, HEADER))
    assert len(problems) == 1 and "no data rows" in problems[0]
    assert main(["validate", str(tmp_path / "codes.csv")]) == 1


def test_line_numbers_follow_multiline_quoted_fields(tmp_path):
    text = HEADER + f'FRA,ai_law,true,{URL},t,2026-11-26,"a note\nover two lines"\nAtlantis,ai_law,true,{URL},,,\n'
    problems = cat.validate_file(write(tmp_path, text))
    assert len(problems) == 1 and ", line 4," in problems[0]  # the record starts on file line 4


def test_source_quality_classes_refusal_and_warning(tmp_path, capsys):
    table = cat.source_quality()
    assert table["grokipedia.com"][0] == "content_farm" and table["anuragverma.co"][0] == "personal"
    assert cat.source_class("https://www.oecd.ai/en/x") == "intergovernmental"
    assert cat.source_class("https://sub.grokipedia.com/page") == "content_farm"  # parent domain
    assert cat.source_class("not a url") is None
    farm = "DEU,public_compute,true,https://grokipedia.com/page/Gefion,t,2026-11-26,\n"
    weak = "IND,ai_law,false,https://anuragverma.co/world-watch,t,2026-11-26,\n"
    path = write(tmp_path, HEADER + good_rows() + farm + weak)
    warnings: list[str] = []
    problems = cat.validate_file(path, warnings=warnings)
    assert len(problems) == 1 and "'grokipedia.com'" in problems[0] and "content_farm" in problems[0]
    assert "line 9" in problems[0]
    assert any("'anuragverma.co'" in w and "'personal'" in w and "line 10" in w for w in warnings)
    assert any("example.org" in w and "not classified" in w for w in warnings)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "warning:" in err and "grokipedia" in err
    # the loader itself does not refuse (the build keeps working while sources are replaced)
    assert bool(cat.load_categorical(path).loc["DEU", "public_compute"])


def test_source_quality_shares_sum_to_one(tmp_path):
    long = cat.load_categorical(write(tmp_path, HEADER + good_rows()), long=True)
    shares = cat.source_quality_shares(long)
    assert shares["n_values"].sum() == len(long) and shares["share"].sum() == pytest.approx(1.0)
    assert shares.set_index("quality_class").loc["unclassified", "n_values"] == len(long)  # example.org


def test_source_quality_file_covers_every_cited_domain(real_long):
    table = cat.source_quality()
    hosts = real_long.loc[real_long["origin"] == "hand", "source_url"].map(cat.url_domain).dropna()
    missing = sorted({h for h in hosts if cat.source_class("https://" + h, table) is None})
    assert len(missing) <= len(set(hosts)) // 4, missing  # tools/codings_report.py lists them
    assert set(v for v, _ in table.values()) <= set(cat.QUALITY_CLASSES)
