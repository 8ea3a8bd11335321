"""Draw the reliability sample: a seeded 10% of the coded cells, stratified by variable.

    python tools/reliability_sample.py [--seed 20261202] [--share 0.10] [--out data/categorical/reliability/sample.csv]

A second coder, who has not seen our values, codes every sampled cell from the codebook's
protocol into ``data/categorical/reliability/second_coding.csv`` (the long schema:
``iso3,variable,value,source_url,source_title,accessed,note,evidence``), without looking at our
codings; ``tools/codings_report.py`` then prints agreement and Cohen's kappa per variable.

The sample is drawn from the coded cells of the merged codings (hand and derived layer), per
variable: ``ceil(share × n)`` cells, at least one, with ``numpy.random.default_rng(seed)`` over
the cells sorted by iso3, so the same codings and seed give the same, byte-identical file. The
file holds no values or sources (the second coding must be blind): ``iso3, name, variable,
origin`` (origin tells the coder nothing about the value; it lets the report split kappa for
hand and derived cells).
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sovai import categorical as cat  # noqa: E402
from sovai.atomic import atomic_write_text  # noqa: E402
from sovai.countries import reference_table  # noqa: E402

DEFAULT_OUT = ROOT / "data" / "categorical" / "reliability" / "sample.csv"


def draw(long: pd.DataFrame, *, seed: int = 20261202, share: float = 0.10) -> pd.DataFrame:
    """The stratified sample of coded cells: ``iso3, name, variable, origin`` sorted by variable, iso3."""
    if not 0 < share <= 1:
        raise ValueError(f"parameter 'share': {share} is not in (0, 1]")
    rng = np.random.default_rng(seed)
    names = reference_table()["name"]
    from sovai.countries import target_countries

    coded = long[long["value"].notna() & long["iso3"].isin(target_countries())]
    parts = []
    for var in cat.contract_variables():  # codebook order: a fixed order of draws
        cells = coded[coded["variable"] == var].sort_values("iso3", kind="mergesort")
        if cells.empty:
            continue
        k = max(1, math.ceil(share * len(cells)))
        pick = np.sort(rng.choice(len(cells), size=k, replace=False))
        parts.append(cells.iloc[pick][["iso3", "variable", "origin"]])
    out = pd.concat(parts, ignore_index=True)
    out.insert(1, "name", out["iso3"].map(names))
    return out.sort_values(["variable", "iso3"], kind="mergesort").reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--share", type=float, default=0.10)
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--force", action="store_true", help="overwrite a sample that a second coding already uses")
    args = parser.parse_args(argv)
    out = Path(args.out)
    second = out.parent / "second_coding.csv"
    if out.exists() and second.exists() and not args.force:
        print(
            f"{out}: not redrawn - {second.name} codes this sample already (the codings have changed since, so a "
            "new draw would differ); pass --force to draw a new sample for a new second coding",
            file=sys.stderr,
        )
        return 1
    long = cat.load_categorical(long=True)
    sample = draw(long, seed=args.seed, share=args.share)
    buf = io.StringIO()
    sample.to_csv(buf, index=False, lineterminator="\n")
    atomic_write_text(out, buf.getvalue())
    n_coded = int((long["value"].notna() & (long["iso3"] != "EUU")).sum())
    print(
        f"wrote {out}: {len(sample)} of {n_coded} coded cells (seed {args.seed}, share {args.share:.0%} per variable)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
