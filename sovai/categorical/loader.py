"""The loader: validated hand codings, completed by the derived layer, as a long or wide frame.

Holds :func:`load_categorical` (files to the long form or the typed wide country frame, cached in
:data:`_LOADED` by the files' paths, sizes and modification times, the codebook's and the derived
layer's input hash), the hand long form (:func:`_hand_long`, raising on any problem),
:func:`derived_conflicts`, and the conversions :func:`to_wide` and :func:`to_long`. It does not
check cells (:mod:`~sovai.categorical.validation`), derive the stance
(:mod:`~sovai.categorical.stance`) or summarise the codings (:mod:`~sovai.categorical.summaries`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sovai import provenance
from sovai.categorical.schema import (
    CITATION_COLUMNS,
    CODEBOOK_PATH,
    CODINGS_DIR,
    LONG_COLUMNS,
    codebook,
    contract_variables,
)
from sovai.categorical.stance import DEFAULT_NA_POLICY, NA_POLICIES, derive
from sovai.categorical.validation import _files, _validate
from sovai.errors import InputFileError


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
    key = _cache_key(path, sheet, use_derived)
    if key is not None and key in _LOADED:
        long_df, reads = _LOADED[key]
        provenance.replay(reads)  # a build lists the coding files among the notebook's sources
        long_df = long_df.copy()
    else:
        with provenance.capture() as captured:
            long_df = _stored_hand_long() if path is None else _hand_long(path, sheet)
            if use_derived:
                from sovai import derived_codings

                long_df = derived_codings.merge(long_df, derived_codings.derived_codings())
        if key is not None:
            if len(_LOADED) >= 8:
                _LOADED.pop(next(iter(_LOADED)))
            _LOADED[key] = (long_df.copy(), frozenset(captured))
    return long_df if long else to_wide(long_df[long_df["iso3"] != "EUU"], na_policy=na_policy)


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


#: Validated long forms kept on disk (the newest; older ones are removed when a new one is written).
_KEEP_STORED = 4

#: Registry keys of the raw country tables that validation reads (through :mod:`sovai.countries`).
_COUNTRY_KEYS = ("country_codes/country-codes.csv", "un_m49/UNSD-M49-en.csv", "world_bank_class/CLASS.xlsx")


def _validation_inputs() -> list[Path]:
    """The project files that the validation of our codings reads (besides the raw country tables)."""
    from sovai import paths

    return [*_files(None), CODEBOOK_PATH, paths.COUNTRIES_DIR / "aliases.json", paths.COUNTRIES_DIR / "memberships.csv"]


def _validation_code() -> list[Path]:
    here = Path(__file__).resolve().parent  # the sovai.categorical package
    return [*sorted(here.glob("*.py")), here.parent / "countries.py"]


def _stored_hand_long() -> pd.DataFrame:
    """:func:`_hand_long` of our codings, kept on disk between processes.

    Validating the 30-odd coding files takes 1.3-2.1 s, and every fresh process paid it: each
    notebook kernel of a build, each test worker, each CLI run (measured 2026-12-03, 2 cores). The
    validated long form is pickled under ``SOVAI_CACHE_DIR/validated_codings/`` with a key of the
    bytes of every input (coding files, codebook, country aliases and memberships, the pinned
    hashes of the raw country tables) and of the validating code, so an edit to any of them
    validates again; an invalid file is never stored (it raises). A hit reports the same inputs
    to a build as a computation does.
    """
    from sovai import paths, registry
    from sovai.atomic import stored_pickle

    inputs = _validation_inputs()
    key = registry.inputs_digest(_COUNTRY_KEYS, [*inputs, *_validation_code()], f"pandas={pd.__version__}")
    file = paths.cache_dir() / "validated_codings" / f"long-{key}.pkl"
    out, hit = stored_pickle(file, lambda: _hand_long(None, None), valid=lambda v: isinstance(v, pd.DataFrame))
    if not hit:
        # each edit of a coding file writes a new entry (about 0.6 MB): keep the newest few
        stale = sorted(file.parent.glob("long-*.pkl"), key=lambda f: f.stat().st_mtime_ns)[:-_KEEP_STORED]
        for old in stale:
            old.unlink(missing_ok=True)
    # the files validation reads (on a hit they are not opened): a build lists them as sources
    for f in inputs:
        provenance.saw(str(f))
    provenance.note_keys(_COUNTRY_KEYS)
    return out


def derived_conflicts() -> pd.DataFrame:
    """Cells of our codings where the hand value and the derived value differ (the hand value wins).

    Columns ``iso3, variable, hand, derived, rule, hand_source_url, derived_note``; see
    :func:`sovai.derived_codings.conflicts`.
    """
    from sovai import derived_codings

    hand = _hand_long(None, None)
    return derived_codings.conflicts(hand, derived_codings.derived_codings())


#: The validated long form (hand codings completed by the derived layer) and the input files it
#: was read from, keyed by the files' paths, sizes and modification times (and the codebook's, and
#: the derived layer's input hash): a notebook or profile that loads the codings again, in any
#: shape or ``na_policy`` (the wide frame is derived from it in 0.03 s), gets a copy instead of
#: re-reading and re-validating them; an edited file is a new key.
_LOADED: dict[tuple, tuple[pd.DataFrame, frozenset[str]]] = {}


def _cache_key(path, sheet: str | None, use_derived: bool = False) -> tuple | None:
    try:
        stats = [(Path(f).resolve(), Path(f).stat()) for f in [*_files(path), CODEBOOK_PATH]]
        stamps = tuple((str(f), st.st_mtime_ns, st.st_size) for f, st in stats)
    except (OSError, TypeError):
        return None  # unreadable or unusual input: no caching, the loader reports the problem
    if use_derived:
        from sovai import derived_codings

        stamps += (("derived", derived_codings.cache_key()),)
    return (stamps, sheet, use_derived)


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
