"""Tests for sovai.categorical.reading: file-level problems (columns, encoding, sheets, empty files, lines)."""

from __future__ import annotations

import pandas as pd
import pytest

from sovai import categorical as cat
from sovai.cli import main
from sovai.errors import InputFileError
from tests.categorical.support import HEADER, URL, write


def test_wide_file_unknown_column(tmp_path):
    text = f"iso3,name,ai_law,public_comptue,source_url\nFRA,France,true,true,{URL}\n"
    problems = cat.validate_file(write(tmp_path, text))
    assert any("unknown column 'public_comptue'" in p and "column 'public_comptue'" in p for p in problems)


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


def test_cli_wrong_sheet(tmp_path, capsys):
    xlsx = tmp_path / "c.xlsx"
    pd.DataFrame({"iso3": ["FRA"], "variable": ["ai_law"], "value": ["true"], "source_url": [URL]}).to_excel(
        xlsx, sheet_name="mine", index=False
    )
    assert main(["validate", str(xlsx), "--sheet", "other"]) == 1
    assert "sheets available: ['mine']" in capsys.readouterr().err


def test_semicolon_csv_hint(tmp_path):
    path = write(tmp_path, HEADER.replace(",", ";") + f"FRA;ai_law;true;{URL};;;\n")
    problems = cat.validate_file(path)
    assert len(problems) == 1 and "semicolons" in problems[0] and str(path) in problems[0]


def test_header_only_file_is_an_error(tmp_path):
    problems = cat.validate_file(write(tmp_path, HEADER))
    assert len(problems) == 1 and "no data rows" in problems[0]
    assert main(["validate", str(tmp_path / "codes.csv")]) == 1


def test_line_numbers_follow_multiline_quoted_fields(tmp_path):
    text = HEADER + f'FRA,ai_law,true,{URL},t,2026-11-26,"a note\nover two lines"\nAtlantis,ai_law,true,{URL},,,\n'
    problems = cat.validate_file(write(tmp_path, text))
    assert len(problems) == 1 and ", line 4," in problems[0]  # the record starts on file line 4
