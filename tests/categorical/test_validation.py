"""Tests for sovai.categorical.validation: cell problems named by file, line and column; duplicates; real data."""

from __future__ import annotations

import pandas as pd
import pytest

from sovai import categorical as cat
from sovai.cli import main
from sovai.errors import InputFileError
from tests.categorical.support import EV_HEADER, HEADER, URL, good_rows, write


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


def test_wide_unknown_country_reported_once(tmp_path):
    text = f"country,ai_law,talent_programme,source_url\nAtlantis,true,true,{URL}\nFrance,true,true,{URL}\n"
    problems = cat.validate_file(write(tmp_path, text))
    assert problems == [
        f"{tmp_path / 'codes.csv'}, line 2, column 'country': unknown country 'Atlantis' (not an ISO3 code or a known country name)"
    ]


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


def test_real_data_validates():
    assert cat.validate_file(cat.CODINGS_DIR) == []
