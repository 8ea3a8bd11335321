"""The codebook of the categorical codings and the constants of their schema.

Holds the parsed and checked codebook (``data/categorical/codebook.yaml``, cached by
:func:`codebook`), the variable lists it defines (:func:`contract_variables`,
:func:`instrument_variables`, :func:`derived_variables`), the accepted year range and boolean
spellings, the data paths of the codings and the columns of the long form and its evidence
grades. It reads no coding file, validates no value and derives nothing: that is
:mod:`~sovai.categorical.reading`, :mod:`~sovai.categorical.validation` and
:mod:`~sovai.categorical.stance`.
"""

from __future__ import annotations

from pathlib import Path

from sovai import paths
from sovai.errors import InputFileError
from sovai.provenance import cache

CODEBOOK_PATH = paths.CATEGORICAL_DIR / "codebook.yaml"
CODINGS_DIR = paths.CATEGORICAL_DIR / "codings"

#: Columns of the long form, in order (``evidence`` optional in input files).
LONG_COLUMNS = ["iso3", "variable", "value", "source_url", "source_title", "accessed", "note", "evidence"]
#: Columns of the long frame returned by ``load_categorical(long=True)``.
OUTPUT_LONG_COLUMNS = [*LONG_COLUMNS, "origin"]
#: Citation columns (a wide file may carry them per variable as ``<variable>_<column>``).
CITATION_COLUMNS = ["source_url", "source_title", "accessed", "note", "evidence"]
#: Evidence grades of a value (``derived`` only in the derived layer, never in a coding file).
EVIDENCE_GRADES = ("stated", "listed", "absent_from_complete_sources", "inferred", "derived")


# --------------------------------------------------------------------------------------- codebook
@cache
def codebook(path: str | Path | None = None) -> dict:
    """The parsed codebook (``data/categorical/codebook.yaml``), checked for completeness."""
    from sovai import _yaml

    path = Path(path) if path else CODEBOOK_PATH
    try:
        book = _yaml.safe_load(path.read_text(encoding="utf-8"))
    except _yaml.YAMLError as exc:
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
