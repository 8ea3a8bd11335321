"""Tests for sovai.categorical.loader: loading, cleaning, the wide grid, long/wide round trips, real data."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sovai import categorical as cat
from sovai.countries import target_countries
from tests.categorical.support import EV_HEADER, HEADER, URL, good_rows, write


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


def test_package_level_exports():
    import sovai

    assert callable(sovai.load_categorical) and callable(sovai.compare_categorical)
    assert "load_categorical" in sovai.__all__


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


def test_evidence_column_optional_and_loaded(tmp_path):
    rows = f"DEU,ai_law,true,{URL},t,2026-11-26,,Stated\nTCD,ai_law,false,{URL},t,2026-11-26,,absent_from_complete_sources\n"
    long = cat.load_categorical(write(tmp_path, EV_HEADER + rows), long=True)
    assert long.set_index("iso3")["evidence"].to_dict() == {"DEU": "stated", "TCD": "absent_from_complete_sources"}
    without = cat.load_categorical(write(tmp_path, HEADER + good_rows(), "old.csv"), long=True)
    assert without["evidence"].isna().all()  # absent column = not graded (NA)
    shares = cat.evidence_shares(long).set_index("evidence")
    assert shares.loc["stated", "n_values"] == 1 and shares.loc["absent_from_complete_sources", "share"] == 0.5


def test_validated_codings_are_kept_on_disk_and_any_edit_validates_again(tmp_path, monkeypatch):
    from sovai import provenance
    from sovai.categorical import loader

    monkeypatch.setenv("SOVAI_CACHE_DIR", str(tmp_path / "cache"))
    first = loader._stored_hand_long()
    assert len(list((tmp_path / "cache" / "validated_codings").glob("long-*.pkl"))) == 1
    pd.testing.assert_frame_equal(first, loader._hand_long(None, None))
    # a hit validates nothing, gives the same frame and reports the inputs validation reads
    seen: list[str] = []
    monkeypatch.setattr(loader, "_hand_long", lambda *a: pytest.fail("validated although stored"))
    provenance.install(seen.append, ["/"])
    try:
        pd.testing.assert_frame_equal(loader._stored_hand_long(), first)
    finally:
        provenance.uninstall()
    assert {str(f) for f in loader._validation_inputs()} <= set(seen)
    assert any(s.endswith("country-codes.csv") for s in seen) and any(s.endswith("CLASS.xlsx") for s in seen)
    # an edited input (here: a copy of the codebook standing in for it) is a new key
    book = tmp_path / "codebook.yaml"
    book.write_text(cat.CODEBOOK_PATH.read_text() + "\n# edited\n")
    inputs = [f for f in loader._validation_inputs() if f != cat.CODEBOOK_PATH] + [book]
    monkeypatch.setattr(loader, "_validation_inputs", lambda: inputs)
    with pytest.raises(pytest.fail.Exception, match="validated although stored"):
        loader._stored_hand_long()


def test_only_the_newest_validated_codings_are_kept(tmp_path, monkeypatch):
    import os

    from sovai.categorical import loader

    monkeypatch.setenv("SOVAI_CACHE_DIR", str(tmp_path))
    folder = tmp_path / "validated_codings"
    folder.mkdir()
    for i in range(6):  # entries of earlier versions of the codings, oldest first
        old = folder / f"long-old{i}.pkl"
        old.write_bytes(b"x")
        os.utime(old, ns=(10**18 + i, 10**18 + i))
    loader._stored_hand_long()
    kept = sorted(p.name for p in folder.glob("long-*.pkl"))
    assert len(kept) == loader._KEEP_STORED
    assert "long-old5.pkl" in kept and "long-old0.pkl" not in kept
