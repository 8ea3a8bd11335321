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

Modules
-------
:mod:`~sovai.categorical.schema` (the codebook, the variable lists, the long-form columns and
evidence grades), :mod:`~sovai.categorical.reading` (a CSV/XLSX file to located cells, the
problem message format), :mod:`~sovai.categorical.sources` (source-quality classes and URL
lookups), :mod:`~sovai.categorical.validation` (cell and file checks, :func:`validate_file`),
:mod:`~sovai.categorical.stance` (:func:`derive`, the NA policies), :mod:`~sovai.categorical.loader`
(:func:`load_categorical` and its cache, :func:`derived_conflicts`, :func:`to_wide`,
:func:`to_long`), :mod:`~sovai.categorical.summaries` (:func:`coverage`, :func:`citation_share`,
evidence and source-quality shares) and :mod:`~sovai.categorical.agreement` (:func:`cohen_kappa`,
:func:`gwet_ac1`, :func:`compare_categorical`). Each imports only the ones before it in this list.
Every public name is importable from ``sovai.categorical``.
"""

from __future__ import annotations

from sovai.categorical.agreement import Comparison, cohen_kappa, compare_categorical, gwet_ac1
from sovai.categorical.loader import derived_conflicts, load_categorical, to_long, to_wide
from sovai.categorical.reading import WIDE_IGNORED_COLUMNS
from sovai.categorical.schema import (
    CITATION_COLUMNS,
    CODEBOOK_PATH,
    CODINGS_DIR,
    EVIDENCE_GRADES,
    LONG_COLUMNS,
    OUTPUT_LONG_COLUMNS,
    codebook,
    contract_variables,
    derived_variables,
    instrument_variables,
)
from sovai.categorical.sources import (
    QUALITY_CLASSES,
    REFUSED_CLASSES,
    SOURCE_QUALITY_PATH,
    WEAK_CLASSES,
    source_class,
    source_quality,
    url_domain,
)
from sovai.categorical.stance import (
    DEFAULT_NA_POLICY,
    FULL_STACK_REQUIRES,
    NA_POLICIES,
    STANCE_CATEGORIES,
    STANCE_DTYPE,
    derive,
    stance_from_instruments,
)
from sovai.categorical.summaries import BY_ALIASES, citation_share, coverage, evidence_shares, source_quality_shares
from sovai.categorical.validation import PSEUDO_COUNTRIES, TEXT_COLUMNS, validate_file

__all__ = [
    "BY_ALIASES",
    "CITATION_COLUMNS",
    "CODEBOOK_PATH",
    "CODINGS_DIR",
    "DEFAULT_NA_POLICY",
    "EVIDENCE_GRADES",
    "FULL_STACK_REQUIRES",
    "LONG_COLUMNS",
    "NA_POLICIES",
    "OUTPUT_LONG_COLUMNS",
    "PSEUDO_COUNTRIES",
    "QUALITY_CLASSES",
    "REFUSED_CLASSES",
    "SOURCE_QUALITY_PATH",
    "STANCE_CATEGORIES",
    "STANCE_DTYPE",
    "TEXT_COLUMNS",
    "WEAK_CLASSES",
    "WIDE_IGNORED_COLUMNS",
    "Comparison",
    "citation_share",
    "codebook",
    "cohen_kappa",
    "compare_categorical",
    "contract_variables",
    "coverage",
    "derive",
    "derived_conflicts",
    "derived_variables",
    "evidence_shares",
    "gwet_ac1",
    "instrument_variables",
    "load_categorical",
    "source_class",
    "source_quality",
    "source_quality_shares",
    "stance_from_instruments",
    "to_long",
    "to_wide",
    "url_domain",
    "validate_file",
]
