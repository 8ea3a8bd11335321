"""LaTeX and HTML of a regression comparison table (one column per model, one row per term).

The table itself is a frame (e.g. :func:`sovai.drivers.comparison_table`: ``coef*** (se)`` cells,
then ``N``, fit-statistics and description rows); this module only renders it, deterministically:
the same frame, caption and notes give the same bytes. The footnote starts with
:data:`STANDARD_ERRORS_NOTE` and continues with the caller's notes, each a sentence of plain text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

#: First sentences of every footnote: what the cells show and what the stars mean.
STANDARD_ERRORS_NOTE = (
    "Robust standard errors in parentheses. Stars use Holm-adjusted p-values over each model's "
    "driver terms: * p<0.1, ** p<0.05, *** p<0.01."
)

_LATEX_SPECIAL = (
    ("\\", r"\textbackslash{}"),
    ("&", r"\&"),
    ("%", r"\%"),
    ("$", r"\$"),
    ("#", r"\#"),
    ("_", r"\_"),
    ("{", r"\{"),
    ("}", r"\}"),
    ("^", r"\^{}"),
    ("~", r"\~{}"),
)


def latex_escape(text: str) -> str:
    r"""``text`` with LaTeX's special characters escaped.

    >>> latex_escape("log_gdp & 5%")
    'log\\_gdp \\& 5\\%'
    """
    for char, escaped in _LATEX_SPECIAL:
        text = text.replace(char, escaped)
    return text


def _footnote(notes: Sequence[str]) -> str:
    return " ".join([STANDARD_ERRORS_NOTE, *notes])


def to_latex(table: pd.DataFrame, caption: str, notes: Sequence[str] = (), *, comment: str = "") -> str:
    """Booktabs LaTeX of a comparison table (no package beyond booktabs).

    ``comment`` becomes a ``%`` line above the table; a rule separates the terms from the rows
    from ``N`` on; the footnote is :data:`STANDARD_ERRORS_NOTE` followed by ``notes``.
    """
    lines = [f"% {comment}"] if comment else []
    lines += [
        "\\begin{table}[htbp]\\centering\\small",
        f"\\caption{{{latex_escape(caption)}}}",
        "\\begin{tabular}{l" + "c" * table.shape[1] + "}",
        "\\toprule",
        " & ".join(["term", *(latex_escape(str(c)) for c in table.columns)]) + " \\\\",
        "\\midrule",
    ]
    for term, row in table.iterrows():
        if term == "N":
            lines.append("\\midrule")
        lines.append(" & ".join([latex_escape(str(term)), *(latex_escape(str(v)) for v in row)]) + " \\\\")
    lines += [
        "\\bottomrule",
        "\\end{tabular}",
        "\\par\\footnotesize " + latex_escape(_footnote(notes)),
        "\\end{table}",
        "",
    ]
    return "\n".join(lines)


def to_html(table: pd.DataFrame, caption: str, notes: Sequence[str] = ()) -> str:
    """HTML of a comparison table: a ``<figure>`` with the caption, the table (every cell escaped)
    and the footnote (:data:`STANDARD_ERRORS_NOTE` followed by ``notes``, escaped)."""
    body = table.to_html(escape=True, border=0, classes="sovai-models")
    footnote = html.escape(_footnote(notes), quote=False)
    return (
        f"<figure>\n<figcaption>{html.escape(caption)}</figcaption>\n{body}\n"
        f"<p><small>{footnote}</small></p>\n</figure>\n"
    )
