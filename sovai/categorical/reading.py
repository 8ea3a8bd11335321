"""Reading a coding file (CSV or XLSX, long or wide) into located cells.

Holds :class:`_Cells` (the cells of one file with their file line and columns), the message
format of every problem (:func:`_problem`: ``FILE, line N, column 'c': message``), the CSV
record-to-line map, :func:`_read_table` (bytes to a frame of strings, with the file-level
problems: encoding, sheets, empty file, semicolons) and :func:`_to_cells` (long or wide frame to
cells, with the missing or unknown columns). It does not check the values of the cells against
the codebook: that is :mod:`~sovai.categorical.validation`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sovai.categorical.schema import CITATION_COLUMNS, contract_variables, derived_variables

#: Descriptive columns a wide file may carry besides the variables (ignored).
WIDE_IGNORED_COLUMNS = ("name", "country_name", "region")


# ---------------------------------------------------------------------------------- file reading
@dataclass
class _Cells:
    """Cells of one input file in long form, with their location (row, columns) for messages."""

    path: str
    frame: pd.DataFrame  # columns: country, variable, value, citations..., row, country_col, value_col, url_col
    problems: list[str]


def _problem(path, message: str, line: int | None = None, column: str | None = None) -> str:
    """``FILE, line N, column 'c': message`` (line 1 is the header, line 2 the first data row)."""
    where = str(path)
    if line is not None:
        where += f", line {line}"
    if column is not None:
        where += f", column {column!r}"
    return f"{where}: {message}"


def _record_lines(text: str) -> list[int]:
    """File line on which each non-blank CSV record starts (the header first)."""
    starts, prev = [], 0
    reader = csv.reader(io.StringIO(text))
    try:
        for rec in reader:
            if rec:
                starts.append(prev + 1)
            prev = reader.line_num
    except csv.Error:
        return []
    return starts


def _read_table(path: Path, sheet: str | None) -> tuple[pd.DataFrame | None, list[str]]:
    """Read a CSV or XLSX file as strings; return (frame or None, problems)."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True)
        except Exception as exc:  # noqa: BLE001 - any openpyxl failure is a file problem
            return None, [_problem(path, f"cannot be read as an Excel workbook: {exc}")]
        sheets = list(wb.sheetnames)
        wb.close()
        if sheet is not None and sheet not in sheets:
            return None, [_problem(path, f"no sheet named {sheet!r}; sheets available: {sheets}")]
        if sheet is None:  # the first sheet with a country column (a README sheet may come first)
            for name in sheets:
                head = pd.read_excel(path, sheet_name=name, dtype=str, nrows=0, engine="openpyxl")
                if {"iso3", "country"} & {str(c).strip().lower() for c in head.columns}:
                    sheet = name
                    break
            else:
                return None, [
                    _problem(
                        path,
                        f"no sheet has an 'iso3' or 'country' column; sheets available: {sheets} (choose with --sheet)",
                    )
                ]
        df = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False, engine="openpyxl")
        df = df.fillna("")
        df.attrs["lines"] = list(range(2, len(df) + 2))  # sheet rows: the header is row 1
    elif suffix in (".csv", ".txt", ""):
        if sheet is not None:
            return None, [_problem(path, f"--sheet {sheet!r} given but a CSV file has no sheets")]
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            return None, [
                _problem(
                    path,
                    f"not UTF-8: byte {data[exc.start : exc.start + 1]!r} at offset {exc.start} (line {line} of the file); "
                    "save the file as UTF-8",
                    line=line,
                )
            ]
        if not text.strip():
            return None, [_problem(path, "file is empty")]
        try:
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=False)
        except pd.errors.ParserError as exc:
            return None, [_problem(path, f"malformed CSV: {exc}")]
        starts = _record_lines(text)
        df.attrs["lines"] = starts[1:] if len(starts) == len(df) + 1 else list(range(2, len(df) + 2))
    else:
        return None, [_problem(path, f"unsupported file type {suffix!r}; expected .csv or .xlsx")]
    df.columns = [str(c).strip().lower() for c in df.columns]
    if len(df.columns) == 1 and ";" in df.columns[0]:
        return None, [
            _problem(path, "the header has no commas but semicolons: save the file as comma-separated CSV (UTF-8)")
        ]
    lines = df.attrs.get("lines", list(range(2, len(df) + 2)))
    if len(df) == 0:
        return None, [_problem(path, "has a header but no data rows (an empty coding file is not valid)")]
    df = df.astype(str).apply(lambda s: s.str.strip())
    df.attrs["lines"] = lines
    return df, []


def _to_cells(df: pd.DataFrame, path: Path) -> _Cells:
    """Turn a long or wide frame into cells; report missing required columns."""
    problems: list[str] = []
    variables = set(contract_variables()) | set(derived_variables())
    country_col = "iso3" if "iso3" in df.columns else ("country" if "country" in df.columns else None)
    if country_col is None:
        problems.append(
            _problem(path, f"missing required column 'iso3' (or 'country'); found {list(df.columns)}", column="iso3")
        )
    rows = np.asarray(df.attrs.get("lines", range(2, len(df) + 2)), dtype=int)
    if "variable" in df.columns or "value" in df.columns:  # long form
        missing = [c for c in ("variable", "value", "source_url") if c not in df.columns]
        for col in missing:
            problems.append(_problem(path, f"missing required column {col!r}; found {list(df.columns)}", column=col))
        if problems:  # row checks would only repeat the missing column on every row
            return _Cells(str(path), pd.DataFrame(), problems)
        cells = pd.DataFrame(
            {
                "country": df[country_col] if country_col else "",
                "variable": df["variable"] if "variable" in df.columns else "",
                "value": df["value"] if "value" in df.columns else "",
                **{c: (df[c] if c in df.columns else "") for c in CITATION_COLUMNS},
                "row": rows,
                "country_col": country_col or "iso3",
                "value_col": "value",
                "url_col": "source_url",
            }
        )
        return _Cells(str(path), cells.reset_index(drop=True), problems)
    # wide form: one column per variable, citations as '<variable>_<citation>' or a row-level column
    var_cols = [c for c in df.columns if c in variables]
    if not var_cols:
        problems.append(
            _problem(
                path,
                "neither a long file (columns iso3, variable, value, source_url) nor a wide file "
                f"(a column per codebook variable); found {list(df.columns)}",
                column="variable",
            )
        )
        return _Cells(str(path), pd.DataFrame(), problems)
    known_prefixes = tuple(f"{v}_{c}" for v in variables for c in CITATION_COLUMNS)
    for col in df.columns:
        if col in (country_col, *var_cols, *CITATION_COLUMNS, *WIDE_IGNORED_COLUMNS) or col in known_prefixes:
            continue
        problems.append(
            _problem(
                path,
                f"unknown column {col!r} in a wide file; expected codebook variables {sorted(variables)}, "
                f"'<variable>_source_url' etc. or one of {list(WIDE_IGNORED_COLUMNS)}",
                column=col,
            )
        )
    has_url = any(f"{v}_source_url" in df.columns for v in var_cols) or "source_url" in df.columns
    if not has_url:
        problems.append(
            _problem(
                path,
                "missing required column 'source_url' (or '<variable>_source_url' per variable)",
                column="source_url",
            )
        )
    if country_col is None or not has_url:  # row checks would only repeat the missing column
        return _Cells(str(path), pd.DataFrame(), problems)
    frames = []
    for var in var_cols:
        part = {
            "country": df[country_col] if country_col else "",
            "variable": var,
            "value": df[var],
            "row": rows,
            "country_col": country_col or "iso3",
            "value_col": var,
        }
        for c in CITATION_COLUMNS:
            per_var = f"{var}_{c}"
            part[c] = df[per_var] if per_var in df.columns else (df[c] if c in df.columns else "")
        part["url_col"] = f"{var}_source_url" if f"{var}_source_url" in df.columns else "source_url"
        frames.append(pd.DataFrame(part))
    cells = pd.concat(frames, ignore_index=True)
    cells = cells[cells["value"] != ""].reset_index(drop=True)  # an empty wide cell is just missing
    return _Cells(str(path), cells, problems)
