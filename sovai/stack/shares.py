"""The country shares of every declared stack input: :func:`input_shares` runs the builders of the
selected source groups on the declared rows, checks the result against the declarations and
returns one long :data:`SHARE_COLUMNS` table (cached per ``since``, ``mineral_year`` and groups in
:func:`_input_shares`). It holds no builder (:mod:`sovai.stack.builders`) and computes no
concentration or chokepoint (:mod:`sovai.stack.tables`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from sovai.provenance import cache
from sovai.stack.builders import BUILDERS, SOURCE_GROUPS
from sovai.stack.declared import _check_declared, declared_inputs

SHARE_COLUMNS = [
    "input_id",
    "layer",
    "input",
    "source",
    "evidence",
    "year",
    "period",
    "basis",
    "iso3",
    "share",
    "withheld",
]


@cache
def _input_shares(since: int, mineral_year: int, include: tuple[str, ...]) -> pd.DataFrame:
    specs = declared_inputs()
    builders = {b for group in include for b in SOURCE_GROUPS[group]}
    chosen = specs[specs["builder"].isin(builders)]
    ctx = {"since": since, "mineral_year": mineral_year}
    frames = [f for spec in chosen.to_dict("records") for f in BUILDERS[spec["builder"]](spec, ctx)]
    _check_declared(frames, chosen)
    out = pd.concat(frames, ignore_index=True)[SHARE_COLUMNS]
    out["iso3"] = out["iso3"].astype("string")
    out["share"] = out["share"].astype("Float64").round(10)
    out["year"] = out["year"].astype("Int64")
    out["withheld"] = out["withheld"].astype(bool)
    return out.sort_values(["layer", "input_id", "iso3"], na_position="last").reset_index(drop=True)


def input_shares(*, since: int = 2020, mineral_year: int = 2024, include: Iterable[str] | None = None) -> pd.DataFrame:
    """Country shares (percent) of every declared stack input (see module docstring).

    Parameters
    ----------
    since
        First publication/release year counted for models and accelerator designs.
    mineral_year
        USGS production year (2023 reported or 2024 estimated).
    include
        Source groups to include (default all of :data:`SOURCE_GROUPS`).

    Returns
    -------
    DataFrame
        :data:`SHARE_COLUMNS`, sorted by layer, input and country.
    """
    groups = tuple(SOURCE_GROUPS if include is None else include)
    unknown = [g for g in groups if g not in SOURCE_GROUPS]
    if unknown:
        raise ValueError(
            f"parameter 'include': unknown source group(s) {unknown}; expected some of {tuple(SOURCE_GROUPS)}"
        )
    return _input_shares(int(since), int(mineral_year), groups).copy()
