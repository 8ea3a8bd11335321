"""The declared stack inputs: :func:`declared_inputs` reads ``data/stack/inputs.csv`` (through
:func:`sovai.framework.load_inputs`, when called: nothing is read at import) and checks each
builder against :data:`~sovai.stack.builders.BUILDERS`; :func:`_check_declared` fails, naming the
file and row, when the builders yield an undeclared id or a declared id yields nothing. It runs no
builder and computes no share (:mod:`sovai.stack.shares`).
"""

from __future__ import annotations

import pandas as pd

from sovai import framework, paths
from sovai.errors import InputFileError
from sovai.stack.builders import BUILDERS


def declared_inputs() -> pd.DataFrame:
    """The declared stack inputs (:func:`sovai.framework.load_inputs`), each builder checked
    against :data:`BUILDERS`."""
    df = framework.load_inputs()
    unknown = df.index[~df["builder"].isin(BUILDERS)]
    if len(unknown):
        i = int(unknown[0])
        raise InputFileError(
            paths.STACK_DIR / "inputs.csv",
            f"unknown builder {df.loc[i, 'builder']!r}; expected one of {sorted(BUILDERS)}",
            row=i + 1,
            column="builder",
        )
    return df


def _check_declared(frames: list[pd.DataFrame], specs: pd.DataFrame) -> None:
    path = paths.STACK_DIR / "inputs.csv"
    produced = {str(f["input_id"].iloc[0]) for f in frames}
    explicit = {r["input_id"]: i for i, r in specs.iterrows() if not r["input_id"].endswith(":*")}
    families = [r["input_id"][:-1] for _, r in specs.iterrows() if r["input_id"].endswith(":*")]
    undeclared = sorted(p for p in produced if p not in explicit and not any(p.startswith(f) for f in families))
    if undeclared:
        raise InputFileError(path, f"builders produced undeclared input id(s) {undeclared}")
    missing = sorted(set(explicit) - produced)
    if missing:
        raise InputFileError(
            path, f"declared input {missing[0]!r} produced no shares", row=int(explicit[missing[0]]) + 1
        )
