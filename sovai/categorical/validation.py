"""Validation of coding files against the codebook: every problem, named by file, line and column.

Holds the country resolution (ISO3, names, the ``EUU`` pseudo-country), the cell checks
(:func:`_check_cells`: country, variable, value, year range, source URL, access date, markup,
evidence grade, duplicates), the cross-variable rule (:func:`_consistency`), the file lists
(:func:`_files`, the default ``data/categorical/codings/*.csv``), :func:`_validate` (one or more
files to the clean long frame and all problems), the source-domain refusals and warnings
(:func:`_source_problems`) and :func:`validate_file` (``sovai validate``). It does not read bytes
(:mod:`~sovai.categorical.reading`), build the wide frame or cache anything
(:mod:`~sovai.categorical.loader`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sovai.categorical.reading import _Cells, _problem, _read_table, _to_cells
from sovai.categorical.schema import (
    CITATION_COLUMNS,
    CODINGS_DIR,
    EVIDENCE_GRADES,
    LONG_COLUMNS,
    _bool_map,
    _year_range,
    codebook,
    derived_variables,
)
from sovai.categorical.sources import (
    REFUSED_CLASSES,
    SOURCE_QUALITY_PATH,
    WEAK_CLASSES,
    source_class,
    source_quality,
    url_domain,
)
from sovai.errors import UnknownCountryError

#: Text fields checked for markup.
TEXT_COLUMNS = ("source_title", "note")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>|javascript:|&#|\bon[a-z]+\s*=", re.IGNORECASE)
#: Pseudo-countries allowed in the long form (not rows of the wide country frame).
PSEUDO_COUNTRIES = {"EUU": "European Union"}
_EU_SPELLINGS = {"euu", "eu", "european union"}


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
