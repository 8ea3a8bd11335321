"""The categorical country data (reconstruction of the report's Appendix A): load, validate, compare.

The codings live in ``data/categorical/codings/*.csv`` in long form, one row per sourced fact::

    iso3,variable,value,source_url,source_title,accessed,note,evidence

``evidence`` (optional; empty = not graded) is one of :data:`EVIDENCE_GRADES`: ``stated`` (a source
about the country states the fact), ``listed`` (the country appears in a list or dataset covering
a whole class), ``absent_from_complete_sources`` (false: absent from sources that each claim to
cover every country or programme of the kind, named in the note), ``inferred`` (follows from a
rule or indirect evidence). ``derived`` is reserved for the derived layer
(:mod:`sovai.derived_codings`): values computed in code from mirrored datasets by documented
rules. :func:`load_categorical` completes the hand codings with derived values for the cells the
hand codings leave missing (hand wins; :func:`derived_conflicts` lists disagreements).

A user's file in the same schema (CSV or XLSX; long, or wide with one row per country and one
column per variable) can be loaded or validated the same way. The codebook
(``data/categorical/codebook.yaml``) defines the variables, their types and categories.

Semantics: ``true`` = found in the cited source; ``false`` = a source that would have shown a true
(a country source stating absence, or a source covering every country / programme of the kind)
does not, as of the access date; NA = not coded. Missing is never read as "no". The wide frame covers every target country × contract variable
(missing → NA). The ``EUU`` pseudo-country (EU-level programmes) is kept in the long form only.

Derived variables (never typed by hand): ``instrument_count`` (number of the 8 instruments coded
true among those coded), ``n_instruments_coded`` and ``stance`` (ordered none < selective < broad
< full_stack); see :func:`derive` and the codebook for the rule and the NA policy (default
``"coded"``: an uncoded cell is never counted as 0).

Validation (:func:`validate_file`, ``sovai validate``) names file, *line* (line 1 = header, line 2
= first data row) and column; it also refuses content-farm source domains and warns on weak ones
(``data/categorical/source_quality.csv``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from sovai import paths
from sovai.errors import InputFileError, UnknownCountryError

CODEBOOK_PATH = paths.CATEGORICAL_DIR / "codebook.yaml"
CODINGS_DIR = paths.CATEGORICAL_DIR / "codings"
SOURCE_QUALITY_PATH = paths.CATEGORICAL_DIR / "source_quality.csv"

#: Columns of the long form, in order (``evidence`` optional in input files).
LONG_COLUMNS = ["iso3", "variable", "value", "source_url", "source_title", "accessed", "note", "evidence"]
#: Columns of the long frame returned by ``load_categorical(long=True)``.
OUTPUT_LONG_COLUMNS = [*LONG_COLUMNS, "origin"]
#: Citation columns (a wide file may carry them per variable as ``<variable>_<column>``).
CITATION_COLUMNS = ["source_url", "source_title", "accessed", "note", "evidence"]
#: Evidence grades of a value (``derived`` only in the derived layer, never in a coding file).
EVIDENCE_GRADES = ("stated", "listed", "absent_from_complete_sources", "inferred", "derived")
#: Quality classes of ``source_quality.csv``, strongest first.
QUALITY_CLASSES = (
    "official",
    "intergovernmental",
    "academic",
    "established_tracker",
    "news",
    "aggregator",
    "personal",
    "vendor",
    "content_farm",
)
#: Classes that ``sovai validate`` warns about (together at most 5 % of values) and refuses.
WEAK_CLASSES = ("aggregator", "personal", "vendor")
REFUSED_CLASSES = ("content_farm",)
#: Text fields checked for markup.
TEXT_COLUMNS = ("source_title", "note")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|javascript:|&#|\bon[a-z]+\s*=", re.IGNORECASE)
#: Pseudo-countries allowed in the long form (not rows of the wide country frame).
PSEUDO_COUNTRIES = {"EUU": "European Union"}
_EU_SPELLINGS = {"euu", "eu", "european union"}
#: Short names accepted by :func:`coverage` ``by=``.
BY_ALIASES = {"region": "un_region", "subregion": "un_subregion", "income": "wb_income", "wb": "wb_region"}
#: Descriptive columns a wide file may carry besides the variables (ignored).
WIDE_IGNORED_COLUMNS = ("name", "country_name", "region")
#: Ordered categories of the derived stance.
STANCE_CATEGORIES = ["none", "selective", "broad", "full_stack"]
STANCE_DTYPE = pd.CategoricalDtype(STANCE_CATEGORIES, ordered=True)
#: Instruments whose joint presence (with ``explicit_sovereignty``) makes a broad stance full-stack.
FULL_STACK_REQUIRES = ["public_compute", "chip_programme", "national_llm"]
#: NA policies of the derived ``instrument_count``/``stance``; the first is the default.
NA_POLICIES = ("coded", "not_found", "coded_only", "strict")
DEFAULT_NA_POLICY = "coded"


# --------------------------------------------------------------------------------------- codebook
@cache
def codebook(path: str | Path | None = None) -> dict:
    """The parsed codebook (``data/categorical/codebook.yaml``), checked for completeness."""
    import yaml

    path = Path(path) if path else CODEBOOK_PATH
    try:
        book = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputFileError(path, f"invalid YAML: {exc}") from exc
    for name, spec in book.get("variables", {}).items():
        missing = [k for k in ("type", "definition", "coding_rule", "false_means", "sources_checked") if k not in spec]
        if missing:
            raise InputFileError(path, f"variable {name!r} lacks {missing}")
        if spec["type"] not in ("boolean", "year", "ordinal"):
            raise InputFileError(path, f"variable {name!r} has unknown type {spec['type']!r}")
        if spec.get("group") == "instrument" or name in ("national_ai_strategy", "explicit_sovereignty"):
            proto = spec.get("protocol") or {}
            lacks = [k for k in ("systematic_sources", "false_rule") if not proto.get(k)]
            if lacks:
                raise InputFileError(path, f"variable {name!r}: its protocol lacks {lacks}")
    return book


def contract_variables() -> list[str]:
    """The coded (contract) variables, in codebook order."""
    return list(codebook()["variables"])


def instrument_variables() -> list[str]:
    """The 8 instruments counted by ``instrument_count``."""
    return list(codebook()["derived"]["instruments"])


def derived_variables() -> list[str]:
    """Variables computed in code: ``instrument_count``, ``n_instruments_coded`` and ``stance``."""
    return ["instrument_count", "n_instruments_coded", "stance"]


def _year_range() -> tuple[int, int]:
    lo, hi = codebook()["year_range"]
    return int(lo), int(hi)


@cache
def _bool_map() -> dict[str, bool]:
    spell = codebook()["boolean_spellings"]
    out = {s: True for s in spell["true"]}
    out.update({s: False for s in spell["false"]})
    return out


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
                head = pd.read_excel(path, sheet_name=name, dtype=str, nrows=0)
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
        df = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False)
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


# ------------------------------------------------------------------------------------ validation
def _resolve_countries(names: Iterable[str]) -> dict[str, str | None]:
    """Map each distinct spelling to an ISO3 (or EUU), None when unknown."""
    from sovai.countries import to_iso3

    out: dict[str, str | None] = {}
    for name in sorted(set(names)):
        if name.casefold() in _EU_SPELLINGS:
            out[name] = "EUU"
            continue
        if name == "":
            out[name] = None
            continue
        try:
            out[name] = to_iso3([name])[0]
        except UnknownCountryError:
            out[name] = None
    return out


def _check_cells(cells: _Cells) -> tuple[pd.DataFrame, list[str]]:
    """Check every cell against the codebook; return the clean long frame and all problems."""
    from sovai.countries import target_countries

    path = cells.path
    problems = list(cells.problems)
    df = cells.frame
    if df.empty:
        return pd.DataFrame(columns=[*LONG_COLUMNS, "src_file", "src_row", "src_country_col", "src_ok"]), problems
    book = codebook()["variables"]
    targets = set(target_countries())
    lo, hi = _year_range()
    bool_map = _bool_map()
    codes = _resolve_countries(df["country"])
    out_iso, out_val, ok = [], [], []
    for rec in df.itertuples(index=False):
        row, good = int(rec.row), True
        # country
        iso = codes.get(rec.country)
        if rec.country == "":
            problems.append(_problem(path, "empty country", row, rec.country_col))
            good = False
        elif iso is None:
            problems.append(
                _problem(
                    path,
                    f"unknown country {rec.country!r} (not an ISO3 code or a known country name)",
                    row,
                    rec.country_col,
                )
            )
            good = False
        elif iso not in targets and iso not in PSEUDO_COUNTRIES:
            problems.append(
                _problem(
                    path,
                    f"{rec.country!r} ({iso}) is not one of the 195 target countries (UN members, TWN, XKX) or EUU",
                    row,
                    rec.country_col,
                )
            )
            good = False
        # variable
        var = rec.variable
        if var in derived_variables():
            problems.append(
                _problem(
                    path,
                    f"{var!r} is derived (computed from the instruments) and must not be coded by hand",
                    row,
                    "variable",
                )
            )
            good, spec = False, None
        elif var not in book:
            problems.append(
                _problem(path, f"unknown variable {var!r}; expected one of {sorted(book)}", row, "variable")
            )
            good, spec = False, None
        else:
            spec = book[var]
        # value
        value = rec.value.strip().lower()
        norm: str | None = None
        if value in ("", "na", "n/a", "nan"):
            norm = None  # explicit missing
        elif spec is None:
            norm = value
        elif spec["type"] == "boolean":
            if value in bool_map:
                norm = "true" if bool_map[value] else "false"
            else:
                problems.append(
                    _problem(
                        path,
                        f"value {rec.value!r} is not a category of {var!r} (boolean: true/false, yes/no, y/n, 1/0)",
                        row,
                        rec.value_col,
                    )
                )
                good = False
        elif spec["type"] == "year":
            m = re.fullmatch(r"(\d{4})(?:\.0+)?", value)
            if not m:
                problems.append(
                    _problem(path, f"value {rec.value!r} of {var!r} is not a four-digit year", row, rec.value_col)
                )
                good = False
            elif not lo <= int(m.group(1)) <= hi:
                problems.append(
                    _problem(path, f"year {m.group(1)} of {var!r} is outside {lo}-{hi}", row, rec.value_col)
                )
                good = False
            else:
                norm = m.group(1)
        # citation
        url = rec.source_url.strip()
        if norm is not None and url == "":
            what = "a true" if norm == "true" else f"value {norm!r}"
            problems.append(
                _problem(
                    path, f"{what} without a source_url (every coded value must cite its source)", row, rec.url_col
                )
            )
            good = False
        elif url and not re.match(r"^https?://\S+$", url):
            problems.append(_problem(path, f"source_url {url!r} is not an http(s) URL", row, rec.url_col))
            good = False
        elif url and re.search(r"[<>\"]", url):
            problems.append(_problem(path, f'source_url {url!r} contains markup characters (< > ")', row, rec.url_col))
            good = False
        acc = rec.accessed.strip()
        if acc:
            date_problem = _date_problem(acc)
            if date_problem:
                problems.append(_problem(path, date_problem, row, "accessed"))
                good = False
        for col in TEXT_COLUMNS:
            text = getattr(rec, col)
            if isinstance(text, str) and _MARKUP.search(text):
                problems.append(
                    _problem(
                        path,
                        f"{col} contains markup ({_MARKUP.search(text).group(0)!r}): plain text only",
                        row,
                        col,
                    )
                )
                good = False
        grade = rec.evidence.strip().lower() if isinstance(rec.evidence, str) else ""
        if grade:
            if grade not in EVIDENCE_GRADES:
                problems.append(
                    _problem(
                        path, f"evidence {rec.evidence!r} is not one of {list(EVIDENCE_GRADES[:-1])}", row, "evidence"
                    )
                )
                good = False
            elif grade == "derived":
                problems.append(
                    _problem(
                        path,
                        "evidence 'derived' is reserved for values computed by sovai.derived_codings; "
                        "a coding file grades its values stated, listed, absent_from_complete_sources or inferred",
                        row,
                        "evidence",
                    )
                )
                good = False
            elif grade == "absent_from_complete_sources" and norm == "true":
                problems.append(
                    _problem(path, "evidence 'absent_from_complete_sources' can only back a false", row, "evidence")
                )
                good = False
        out_iso.append(iso)
        out_val.append(norm)
        ok.append(good)
    clean = pd.DataFrame(
        {
            "iso3": out_iso,
            "variable": df["variable"],
            "value": out_val,
            **{c: df[c] for c in CITATION_COLUMNS},
            "src_file": path,
            "src_row": df["row"].astype(int),
            "src_country_col": df["country_col"],
            "src_ok": ok,
        }
    )
    # duplicates (country x variable), reported on every repeated row, naming the first occurrence
    keyed = clean[clean["iso3"].notna()]
    dup = keyed.duplicated(["iso3", "variable"], keep="first")
    if dup.any():
        first = keyed[~dup].set_index(["iso3", "variable"])["src_row"]
        for rec in keyed[dup].itertuples(index=False):
            problems.append(
                _problem(
                    path,
                    f"duplicate {rec.iso3} x {rec.variable!r} (first at line {first[(rec.iso3, rec.variable)]})",
                    int(rec.src_row),
                    rec.src_country_col,
                )
            )
        clean.loc[keyed.index[dup], "src_ok"] = False
    problems.extend(_consistency(clean, path))
    return clean, problems


def _date_problem(text: str) -> str | None:
    """Why ``text`` is not a valid access date (a real calendar date, not in the future), or None."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"accessed {text!r} is not a date YYYY-MM-DD"
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        return f"accessed {text!r} is not a real date ({exc})"
    if day > dt.date.today() + dt.timedelta(days=1):
        return f"accessed {text!r} is in the future"
    if day.year < 1990:
        return f"accessed {text!r} is before 1990"
    return None


def _consistency(clean: pd.DataFrame, path: str) -> list[str]:
    """Cross-variable rules: a strategy year with national_ai_strategy false is a contradiction."""
    problems = []
    ok = clean[clean["src_ok"] & clean["value"].notna()]
    strat = ok[ok["variable"] == "national_ai_strategy"].set_index("iso3")["value"]
    years = ok[ok["variable"] == "national_ai_strategy_year"]
    for rec in years.itertuples(index=False):
        if strat.get(rec.iso3) == "false":
            problems.append(
                _problem(
                    path,
                    f"{rec.iso3}: national_ai_strategy_year {rec.value} given but national_ai_strategy is false",
                    int(rec.src_row),
                    "value",
                )
            )
    return problems


def _default_files() -> list[Path]:
    files = sorted(CODINGS_DIR.glob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no coding files (*.csv) in {CODINGS_DIR}")
    return files


def _files(path: str | Path | Iterable[str | Path] | None) -> list[Path]:
    if path is None:
        return _default_files()
    if isinstance(path, str | Path):
        p = Path(path)
        if p.is_dir():
            files = sorted(p.glob("*.csv")) + sorted(p.glob("*.xlsx"))
            if not files:
                raise FileNotFoundError(f"{p}: no *.csv or *.xlsx coding files in this folder")
            return files
        return [p]
    return [Path(p) for p in path]


def _validate(path, sheet: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Validate one or more files; return the clean long frame (valid rows) and all problems."""
    frames, problems = [], []
    for file in _files(path):
        df, read_problems = _read_table(file, sheet)
        problems.extend(read_problems)
        if df is None:
            continue
        clean, probs = _check_cells(_to_cells(df, file))
        problems.extend(probs)
        frames.append(clean)
    if not frames:
        return pd.DataFrame(columns=[*LONG_COLUMNS, "src_file", "src_row", "src_ok"]), problems
    allc = pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
    allc["src_ok"] = allc["src_ok"].astype(bool)
    # duplicates across files
    keyed = allc[allc["src_ok"] & allc["iso3"].notna()]
    dup = keyed.duplicated(["iso3", "variable"], keep="first")
    if dup.any():
        first = keyed[~dup].set_index(["iso3", "variable"])
        for rec in keyed[dup].itertuples(index=False):
            f = first.loc[(rec.iso3, rec.variable)]
            problems.append(
                _problem(
                    rec.src_file,
                    f"duplicate {rec.iso3} x {rec.variable!r} (also in {f['src_file']}, line {f['src_row']})",
                    int(rec.src_row),
                    rec.src_country_col,
                )
            )
        allc.loc[keyed.index[dup], "src_ok"] = False
        if len({*allc["src_file"]}) > 1:
            problems.extend(_consistency(allc[allc["src_ok"]], "(all files)"))
    return allc, list(dict.fromkeys(problems))  # a wide row repeats its country problem per cell


# ------------------------------------------------------------------------------ source quality
@cache
def _source_quality_table(path: str, mtime_ns: int) -> dict[str, tuple[str, str]]:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in ("domain", "quality_class") if c not in df.columns]
    if missing:
        raise InputFileError(path, f"missing column(s) {missing}; found {list(df.columns)}", column=missing[0])
    bad = df[~df["quality_class"].isin(QUALITY_CLASSES)]
    if len(bad):
        line = int(bad.index[0]) + 2
        raise InputFileError(
            path,
            f"line {line}: quality_class {bad['quality_class'].iloc[0]!r} is not one of {list(QUALITY_CLASSES)}",
            column="quality_class",
        )
    dup = df["domain"].str.lower().duplicated()
    if dup.any():
        raise InputFileError(path, f"duplicate domain(s) {sorted(set(df.loc[dup, 'domain']))}", column="domain")
    notes = df["note"] if "note" in df.columns else pd.Series("", index=df.index)
    return {d.strip().lower(): (c, n) for d, c, n in zip(df["domain"], df["quality_class"], notes, strict=True)}


def source_quality(path: str | Path | None = None) -> dict[str, tuple[str, str]]:
    """``{domain: (quality_class, note)}`` from ``data/categorical/source_quality.csv``."""
    path = Path(path) if path else SOURCE_QUALITY_PATH
    if not path.exists():
        return {}
    return _source_quality_table(str(path), path.stat().st_mtime_ns)


def url_domain(url: object) -> str | None:
    """The host of an http(s) URL, lower case, without a leading ``www.`` (None if not a URL)."""
    if not isinstance(url, str) or not re.match(r"^https?://", url.strip()):
        return None
    host = (urlparse(url.strip()).hostname or "").lower()
    return host.removeprefix("www.") or None


def source_class(url: object, table: dict[str, tuple[str, str]] | None = None) -> str | None:
    """Quality class of a source URL: the longest listed domain that the URL's host ends with."""
    table = source_quality() if table is None else table
    host = url_domain(url)
    if host is None:
        return None
    parts = host.split(".")
    for i in range(len(parts) - 1):
        cand = ".".join(parts[i:])
        if cand in table:
            return table[cand][0]
    return None


def _source_problems(clean: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Refusals (content farms) and warnings (weak classes, unclassified domains) per coded value."""
    table = source_quality()
    errors, warnings = [], []
    ok = clean[clean["value"].notna() & clean["src_ok"].astype(bool)]
    for rec in ok.itertuples(index=False):
        host = url_domain(rec.source_url)
        if host is None:
            continue
        cls = source_class(rec.source_url, table)
        where = (rec.src_file, int(rec.src_row), "source_url")
        if cls in REFUSED_CLASSES:
            errors.append(
                _problem(*where[:1], f"source domain {host!r} is classed {cls!r} in {SOURCE_QUALITY_PATH.name}: "
                         "not a source; replace it with the page it republishes or an official one", *where[1:])
            )  # fmt: skip
        elif cls in WEAK_CLASSES:
            warnings.append(
                _problem(*where[:1], f"source domain {host!r} is classed {cls!r} (weak source)", *where[1:])
            )
        elif cls is None:
            warnings.append(
                _problem(
                    *where[:1], f"source domain {host!r} is not classified in {SOURCE_QUALITY_PATH.name}", *where[1:]
                )
            )
    return errors, warnings


def source_quality_shares(long_df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of coded values per source quality class: ``quality_class, n_values, share``.

    Classes in :data:`QUALITY_CLASSES` order, then ``derived_dataset`` (derived layer rows, if
    the frame has an ``origin`` column) and ``unclassified``.
    """
    df = load_categorical(long=True) if long_df is None else long_df
    df = df[df["value"].notna()]
    table = source_quality()
    cls = df["source_url"].map(lambda u: source_class(u, table)).fillna("unclassified")
    if "origin" in df.columns:
        cls = cls.where(df["origin"].fillna("hand") != "derived", "derived_dataset")
    order = [*QUALITY_CLASSES, "derived_dataset", "unclassified"]
    counts = cls.value_counts().reindex(order, fill_value=0)
    out = pd.DataFrame({"quality_class": order, "n_values": counts.to_numpy()})
    out["share"] = out["n_values"] / max(len(df), 1)
    return out


def evidence_shares(long_df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Distribution of evidence grades over coded values: ``evidence, n_values, share`` (NA = ``(not graded)``)."""
    df = load_categorical(long=True) if long_df is None else long_df
    df = df[df["value"].notna()]
    ev = (
        df["evidence"].fillna("").replace("", "(not graded)")
        if "evidence" in df.columns
        else pd.Series("(not graded)", index=df.index)
    )
    order = [*EVIDENCE_GRADES, "(not graded)"]
    counts = ev.value_counts().reindex(order, fill_value=0)
    out = pd.DataFrame({"evidence": order, "n_values": counts.to_numpy()})
    out["share"] = out["n_values"] / max(len(df), 1)
    return out


def validate_file(path: str | Path, sheet: str | None = None, *, warnings: list[str] | None = None) -> list[str]:
    """Check a categorical coding file against the codebook and list ALL problems.

    Parameters
    ----------
    path
        A CSV or XLSX file in the long schema (``iso3,variable,value,source_url,...``; a
        ``country`` column with names may replace ``iso3``) or the wide schema (one row per
        country, a column per variable, citations in ``source_url`` or ``<variable>_source_url``),
        or a folder of such files.
    sheet
        XLSX sheet name (default: the first sheet).
    warnings
        If given, a list that receives the warnings (weak or unclassified source domains).

    Returns
    -------
    list of str
        One message per problem, each naming file, line (line 1 is the header, line 2 the first
        data row; for XLSX the sheet row) and column: unknown country, duplicate country ×
        variable, value outside the codebook's categories, a value without source_url, a year
        outside 1990–2026, an access date that is not a real past date, an unknown evidence grade,
        markup in ``source_title``/``note``, a content-farm source domain, missing required column,
        header-only file, wrong sheet (with the sheets available), non-UTF-8 CSV. Empty when valid.
    """
    clean, problems = _validate(path, sheet)
    if len(clean):
        errors, warns = _source_problems(clean)
        problems = problems + errors
        if warnings is not None:
            warnings.extend(warns)
    return problems


# ----------------------------------------------------------------------------------- the loader
def load_categorical(
    path: str | Path | Iterable[str | Path] | None = None,
    *,
    long: bool = False,
    sheet: str | None = None,
    na_policy: str = DEFAULT_NA_POLICY,
    derived: bool | None = None,
) -> pd.DataFrame:
    """Load, clean and validate categorical codings; return the wide country frame or the long form.

    Parameters
    ----------
    path
        ``None`` (default): all of ``data/categorical/codings/*.csv``. Otherwise a user's file (CSV
        or XLSX, long or wide schema, see :func:`validate_file`), a folder, or a list of files.
    long
        If true, return the long form with citations (:data:`LONG_COLUMNS` plus ``origin``,
        ``hand`` or ``derived``; coded rows only, ``EUU`` included, sorted by iso3 and variable;
        value is the normalised string ``"true"``/``"false"``/year).
    sheet
        XLSX sheet name.
    na_policy
        How missing instrument cells enter ``instrument_count`` and ``stance``: ``"coded"``
        (default: never counted as 0), ``"not_found"``, ``"coded_only"`` or ``"strict"`` (see
        :func:`derive` and the codebook).
    derived
        Complete the hand codings with the derived layer (:mod:`sovai.derived_codings`) for the
        cells they leave missing (hand wins). Default: true for our codings (``path=None``),
        false for a user's file.

    Returns
    -------
    pandas.DataFrame
        Wide: indexed by ``iso3`` (the 195 target countries, ``EUU`` excluded), one column per
        contract variable (nullable ``boolean``, ``Int64`` for the year) plus ``instrument_count``,
        ``n_instruments_coded`` (``Int64``) and ``stance`` (ordered categorical).

    Raises
    ------
    InputFileError
        On invalid input: the first problem and the number of problems
        (run ``sovai validate FILE`` for the full list).
    """
    if na_policy not in NA_POLICIES:
        raise ValueError(f"parameter 'na_policy': {na_policy!r} is not one of {NA_POLICIES}")
    use_derived = (path is None) if derived is None else bool(derived)
    key = _cache_key(path, sheet, long, na_policy, use_derived)
    if key is not None and key in _LOADED:
        return _LOADED[key].copy()
    long_df = _hand_long(path, sheet)
    if use_derived:
        from sovai import derived_codings

        long_df = derived_codings.merge(long_df, derived_codings.derived_codings())
    result = long_df if long else to_wide(long_df[long_df["iso3"] != "EUU"], na_policy=na_policy)
    if key is not None:
        if len(_LOADED) >= 16:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = result.copy()
    return result


def _hand_long(path, sheet: str | None) -> pd.DataFrame:
    """The validated hand codings in long form (``origin = hand``); raises on any problem."""
    clean, problems = _validate(path, sheet)
    if problems:
        where = path if path is not None else CODINGS_DIR
        raise InputFileError(
            where,
            f"{len(problems)} problem(s) in the categorical codings; first: {problems[0]} "
            f"(run `sovai validate {where}` to list all)",
        )
    out = _finish_long(clean)
    out["origin"] = pd.array(["hand"] * len(out), dtype="string")
    return out


def derived_conflicts() -> pd.DataFrame:
    """Cells of our codings where the hand value and the derived value differ (the hand value wins).

    Columns ``iso3, variable, hand, derived, rule, hand_source_url, derived_note``; see
    :func:`sovai.derived_codings.conflicts`.
    """
    from sovai import derived_codings

    hand = _hand_long(None, None)
    return derived_codings.conflicts(hand, derived_codings.derived_codings())


#: Frames returned by :func:`load_categorical`, keyed by the files' paths, sizes and modification
#: times (and the codebook's, and the derived layer's input hash): a notebook or profile that
#: loads the codings again gets a copy instead of re-reading and re-validating them; an edited
#: file is a new key.
_LOADED: dict[tuple, pd.DataFrame] = {}


def _cache_key(path, sheet: str | None, long: bool, na_policy: str, use_derived: bool = False) -> tuple | None:
    try:
        stats = [(Path(f).resolve(), Path(f).stat()) for f in [*_files(path), CODEBOOK_PATH]]
        stamps = tuple((str(f), st.st_mtime_ns, st.st_size) for f, st in stats)
    except (OSError, TypeError):
        return None  # unreadable or unusual input: no caching, the loader reports the problem
    if use_derived:
        from sovai import derived_codings

        stamps += (("derived", derived_codings.cache_key()),)
    return (stamps, sheet, long, na_policy, use_derived)


def _finish_long(clean: pd.DataFrame) -> pd.DataFrame:
    out = clean[clean["value"].notna()][LONG_COLUMNS].copy()
    out = out.astype("string")
    out["evidence"] = out["evidence"].str.strip().str.lower().replace("", pd.NA)
    for c in ("source_title", "accessed", "note"):
        out[c] = out[c].replace("", pd.NA)
    return out.sort_values(["iso3", "variable"], kind="mergesort").reset_index(drop=True)


def to_wide(long_df: pd.DataFrame, *, na_policy: str = DEFAULT_NA_POLICY) -> pd.DataFrame:
    """Long form → wide country frame (complete grid, typed columns, derived variables).

    ``EUU`` (and any non-target code) is left out of the wide frame (documented EU rule).
    """
    from sovai.countries import target_countries

    book = codebook()["variables"]
    variables = contract_variables()
    unknown = sorted(set(long_df["variable"]) - set(variables))
    if unknown:
        raise ValueError(f"long frame has unknown variable(s) {unknown}")
    targets = target_countries()
    dup = long_df.duplicated(["iso3", "variable"])
    if dup.any():
        raise ValueError(f"long frame has duplicate iso3 x variable rows:\n{long_df[dup].head()}")
    sub = long_df[long_df["iso3"].isin(targets)]
    grid = sub.pivot(index="iso3", columns="variable", values="value").reindex(index=targets, columns=variables)
    wide = pd.DataFrame(index=pd.Index(targets, name="iso3"))
    for var in variables:
        col = grid[var].astype("string")
        if book[var]["type"] == "boolean":
            wide[var] = col.map({"true": True, "false": False}, na_action="ignore").astype("boolean")
        else:
            wide[var] = pd.to_numeric(col, errors="raise").astype("Int64")
    wide.columns.name = None
    return derive(wide, na_policy=na_policy)


def derive(wide: pd.DataFrame, *, na_policy: str = DEFAULT_NA_POLICY) -> pd.DataFrame:
    """Add ``instrument_count``, ``n_instruments_coded`` and ``stance`` to a wide frame.

    Rule (codebook ``derived``): the count is the number of the 8 instruments coded true; the
    stance is ``none`` (0), ``selective`` (1–3), ``broad`` (≥ 4) and ``full_stack`` when broad AND
    public_compute AND chip_programme AND national_llm AND explicit_sovereignty are true.
    ``n_instruments_coded`` is the number of the 8 instruments coded true or false (any policy).

    NA policy (codebook ``derived``):

    - ``"coded"`` (default): missing stays missing. The count is the number of trues among the
      coded instruments (NA when none is coded; read it with ``n_instruments_coded``); the stance
      is kept only where every way of filling the missing cells gives the same category (as
      ``"strict"``), otherwise NA.
    - ``"not_found"``: a missing cell counts as not found (0); defined for every target country,
      a lower bound that measures research effort where coverage is thin.
    - ``"coded_only"``: as ``"not_found"``, but NA for a country with no coded value in any
      contract variable.
    - ``"strict"``: the count is NA when any instrument is NA; the stance as for ``"coded"``.
    """
    if na_policy not in NA_POLICIES:
        raise ValueError(f"parameter 'na_policy': {na_policy!r} is not one of {NA_POLICIES}")
    instruments = instrument_variables()
    needed = [*instruments, "explicit_sovereignty"]
    missing = [c for c in needed if c not in wide.columns]
    if missing:
        raise ValueError(f"wide frame lacks column(s) {missing} needed to derive instrument_count and stance")
    out = wide.copy()
    inst = out[instruments].astype("boolean")
    low = inst.fillna(False).astype(bool)
    high = inst.fillna(True).astype(bool)
    expl = out["explicit_sovereignty"].astype("boolean")
    stance_low = _stance(low.sum(axis=1), low[FULL_STACK_REQUIRES].all(axis=1) & expl.fillna(False).astype(bool))
    stance_high = _stance(high.sum(axis=1), high[FULL_STACK_REQUIRES].all(axis=1) & expl.fillna(True).astype(bool))
    determinate = stance_low.where(stance_low == stance_high)
    count = low.sum(axis=1).astype("Int64")
    n_coded = inst.notna().sum(axis=1).astype("Int64")
    if na_policy == "coded":
        count = count.mask(n_coded == 0)
        stance = determinate
    elif na_policy == "not_found":
        stance = stance_low
    elif na_policy == "coded_only":
        coded = [c for c in contract_variables() if c in out.columns]
        nothing = out[coded].isna().all(axis=1)
        count = count.mask(nothing)
        stance = stance_low.mask(nothing)
    else:
        count = count.mask(inst.isna().any(axis=1))
        stance = determinate
    out["instrument_count"] = count.astype("Int64")
    out["n_instruments_coded"] = n_coded
    out["stance"] = pd.Categorical(stance, dtype=STANCE_DTYPE)
    return out


def _stance(count: pd.Series, full: pd.Series) -> pd.Series:
    cat = np.select([count == 0, count <= 3, full], ["none", "selective", "full_stack"], default="broad")
    return pd.Series(cat, index=count.index, dtype="object")


def stance_from_instruments(
    instruments: dict[str, bool | None], explicit_sovereignty: bool | None, *, na_policy: str = DEFAULT_NA_POLICY
) -> str | None:
    """The stance for one country given its instruments (convenience for documentation and tests)."""
    cols = {v: [instruments.get(v)] for v in instrument_variables()}
    frame = pd.DataFrame(cols, dtype="boolean")
    frame["explicit_sovereignty"] = pd.array([explicit_sovereignty], dtype="boolean")
    value = derive(frame, na_policy=na_policy)["stance"].iloc[0]
    return None if pd.isna(value) else str(value)


def to_long(wide: pd.DataFrame, citations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Wide country frame → long form (non-missing contract variables only; derived dropped).

    ``citations`` (a long frame) supplies ``source_url`` etc. by iso3 × variable; without it the
    citation columns are empty.
    """
    variables = [v for v in contract_variables() if v in wide.columns]
    data = wide[variables].copy()
    data.index.name = "iso3"
    rows = []
    for var in variables:
        col = data[var]
        col = col[col.notna()]
        if str(col.dtype) == "boolean" or col.dtype == bool:
            vals = col.map({True: "true", False: "false"})
        else:
            vals = col.astype("Int64").astype(str)
        rows.append(pd.DataFrame({"iso3": col.index, "variable": var, "value": vals.to_numpy()}))
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["iso3", "variable", "value"])
    if citations is not None:
        cit = citations[["iso3", "variable", *[c for c in CITATION_COLUMNS if c in citations.columns]]]
        out = out.merge(cit, on=["iso3", "variable"], how="left", validate="1:1")
    for c in CITATION_COLUMNS:
        if c not in out.columns:
            out[c] = pd.NA
    out = out[LONG_COLUMNS].astype("string")
    return out.sort_values(["iso3", "variable"], kind="mergesort").reset_index(drop=True)


# --------------------------------------------------------------------------- coverage, citations
def coverage(data: pd.DataFrame | None = None, *, by: str | None = None) -> pd.DataFrame:
    """Coverage per variable: share of the target countries with a value, n true / n false.

    Parameters
    ----------
    data
        Wide frame from :func:`load_categorical` (default: our codings).
    by
        Optional column of :func:`sovai.countries.reference_table` (e.g. ``"un_region"``,
        ``"wb_income"``): coverage per group × variable instead.

    Returns
    -------
    pandas.DataFrame
        Columns ``variable, n_countries, n_coded, share_coded, n_true, n_false`` (``n_true``/
        ``n_false`` NA for non-boolean variables), plus the group column when ``by`` is given.
    """
    from sovai.countries import reference_table

    wide = load_categorical() if data is None else data
    variables = [v for v in [*contract_variables(), *derived_variables()] if v in wide.columns]
    if by is not None:
        by = BY_ALIASES.get(by, by)
        ref = reference_table()
        if by not in ref.columns:
            raise ValueError(
                f"parameter 'by': {by!r} is not a column of the country reference table {list(ref.columns)}"
            )
        groups = ref[by].reindex(wide.index).fillna("(none)")
        parts = []
        for g, idx in groups.groupby(groups).groups.items():
            part = coverage(wide.loc[idx], by=None)
            part.insert(0, by, g)
            parts.append(part)
        return pd.concat(parts, ignore_index=True)
    rows = []
    for var in variables:
        col = wide[var]
        is_bool = str(col.dtype) == "boolean"
        rows.append(
            {
                "variable": var,
                "n_countries": len(col),
                "n_coded": int(col.notna().sum()),
                "share_coded": float(col.notna().mean()) if len(col) else np.nan,
                "n_true": int(col.fillna(False).astype(bool).sum()) if is_bool else pd.NA,
                "n_false": int((~col.fillna(True).astype(bool)).sum()) if is_bool else pd.NA,
            }
        )
    out = pd.DataFrame(rows)
    out["n_true"] = out["n_true"].astype("Int64")
    out["n_false"] = out["n_false"].astype("Int64")
    return out


def citation_share(long_df: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per variable: coded values, and the share with a source URL and with an access date."""
    df = load_categorical(long=True) if long_df is None else long_df
    df = df[df["value"].notna()]
    has_url = df["source_url"].fillna("").str.strip().str.match(r"^https?://")
    has_date = df["accessed"].fillna("").str.strip().str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    out = (
        pd.DataFrame({"variable": df["variable"], "url": has_url.astype(bool), "date": has_date.astype(bool)})
        .groupby("variable", sort=True)
        .agg(n_values=("url", "size"), share_with_url=("url", "mean"), share_with_accessed=("date", "mean"))
        .reset_index()
    )
    total = pd.DataFrame(
        [
            {
                "variable": "(all)",
                "n_values": len(df),
                "share_with_url": has_url.mean() if len(df) else np.nan,
                "share_with_accessed": has_date.mean() if len(df) else np.nan,
            }
        ]
    )
    return pd.concat([out, total], ignore_index=True)


# --------------------------------------------------------------------------------- comparison
@dataclass
class Comparison:
    """Result of :func:`compare_categorical`.

    Attributes
    ----------
    summary
        One row per variable: ``n_both`` (countries coded in both), ``n_agree``, ``agreement``
        (share), ``kappa`` (Cohen's), ``n_only_a``, ``n_only_b`` (coded in one coding only).
    disagreements
        ``iso3, variable, a, b`` for every country × variable coded differently in both.
    """

    summary: pd.DataFrame
    disagreements: pd.DataFrame

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        return self.summary._repr_html_()


def cohen_kappa(a: Iterable, b: Iterable) -> float:
    """Cohen's kappa of two equally long label sequences (NaN when chance agreement is 1)."""
    a = pd.Series(list(a), dtype="object").astype(str)
    b = pd.Series(list(b), dtype="object").astype(str)
    if len(a) != len(b):
        raise ValueError(f"cohen_kappa: sequences differ in length ({len(a)} vs {len(b)})")
    n = len(a)
    if n == 0:
        return float("nan")
    po = float((a.to_numpy() == b.to_numpy()).mean())
    pa = a.value_counts(normalize=True)
    pb = b.value_counts(normalize=True)
    pe = float(sum(pa.get(k, 0.0) * pb.get(k, 0.0) for k in set(pa.index) | set(pb.index)))
    if pe >= 1.0:
        return float("nan")
    return (po - pe) / (1.0 - pe)


def gwet_ac1(a: Iterable, b: Iterable, *, n_categories: int | None = None) -> float:
    """Gwet's AC1 agreement coefficient of two equally long label sequences.

    Unlike Cohen's kappa it stays defined (and is not deflated) when almost every cell falls in
    one category, which is the case for codings that are mostly ``true``. Chance agreement is
    ``Σ_k π_k (1 − π_k) / (K − 1)`` with ``π_k`` the mean share of category ``k`` over both coders
    and ``K`` the number of categories (default: those observed, at least 2).

    >>> round(gwet_ac1(["t", "t", "t", "f"], ["t", "t", "t", "t"]), 4)
    0.68
    """
    a = pd.Series(list(a), dtype="object").astype(str)
    b = pd.Series(list(b), dtype="object").astype(str)
    if len(a) != len(b):
        raise ValueError(f"gwet_ac1: sequences differ in length ({len(a)} vs {len(b)})")
    if len(a) == 0:
        return float("nan")
    po = float((a.to_numpy() == b.to_numpy()).mean())
    cats = set(a) | set(b)
    k = max(n_categories or len(cats), 2)
    pi = pd.concat([a, b]).value_counts(normalize=True)
    pe = float((pi * (1.0 - pi)).sum()) / (k - 1)
    return (po - pe) / (1.0 - pe)


def _as_wide(x, name: str) -> pd.DataFrame:
    if isinstance(x, str | Path):
        return load_categorical(x)
    if not isinstance(x, pd.DataFrame):
        raise TypeError(f"parameter {name!r}: expected a DataFrame or a path, got {type(x).__name__}")
    if {"variable", "value"} <= set(x.columns):
        return to_wide(x[x["iso3"] != "EUU"])
    return x


def compare_categorical(a, b=None, *, variables: Iterable[str] | None = None) -> Comparison:
    """Compare two codings: agreement and Cohen's kappa per variable, and the disagreements.

    Parameters
    ----------
    a, b
        Wide frames (index iso3), long frames, or paths to coding files (loaded with
        :func:`load_categorical`), e.g. the report's appendix transcribed into the same schema
        and our codings. ``b=None`` compares ``a`` with our codings.
    variables
        Variables to compare (default: every contract and derived variable present in both).

    Returns
    -------
    Comparison
        ``summary`` per variable and ``disagreements`` (countries coded differently). Only
        countries coded (non-missing) in both enter agreement and kappa; the others are counted
        in ``n_only_a`` / ``n_only_b``. The derived ``instrument_count`` and ``stance`` are
        compared only for countries with at least one instrument coded in the coding concerned.
    """
    wa = _as_wide(a, "a")
    wb = load_categorical() if b is None else _as_wide(b, "b")
    allowed = [*contract_variables(), *derived_variables()]
    if variables is None:
        variables = [v for v in allowed if v in wa.columns and v in wb.columns]
    else:
        variables = list(variables)
        bad = [v for v in variables if v not in wa.columns or v not in wb.columns]
        if bad:
            raise ValueError(f"parameter 'variables': {bad} not present in both codings")
    # derived variables are compared only where both codings cover the instruments (at least one
    # instrument coded), otherwise a coding without instrument columns would count as 'none'
    inst = instrument_variables()
    covered = {
        key: (
            w[[c for c in inst if c in w.columns]].notna().any(axis=1)
            if any(c in w.columns for c in inst)
            else pd.Series(False, index=w.index)
        )
        for key, w in (("a", wa), ("b", wb))
    }
    rows, dis = [], []
    for var in variables:
        sa, sb = wa[var], wb[var]
        if var in derived_variables():
            sa = sa.where(covered["a"].reindex(sa.index, fill_value=False))
            sb = sb.where(covered["b"].reindex(sb.index, fill_value=False))
        idx = sa.index.union(sb.index)
        sa, sb = sa.reindex(idx), sb.reindex(idx)
        both = sa.notna() & sb.notna()
        va, vb = sa[both].astype(str), sb[both].astype(str)
        agree = va == vb
        rows.append(
            {
                "variable": var,
                "n_both": int(both.sum()),
                "n_agree": int(agree.sum()),
                "agreement": float(agree.mean()) if both.any() else np.nan,
                "kappa": cohen_kappa(va, vb),
                "ac1": gwet_ac1(va, vb),
                "n_only_a": int((sa.notna() & sb.isna()).sum()),
                "n_only_b": int((sa.isna() & sb.notna()).sum()),
            }
        )
        for iso in va.index[~agree]:
            dis.append({"iso3": iso, "variable": var, "a": va[iso], "b": vb[iso]})
    summary = pd.DataFrame(rows)
    disagreements = pd.DataFrame(dis, columns=["iso3", "variable", "a", "b"])
    disagreements = disagreements.sort_values(["variable", "iso3"], kind="mergesort").reset_index(drop=True)
    return Comparison(summary=summary, disagreements=disagreements)
