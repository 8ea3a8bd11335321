"""The derived layer itself: the rules run on the mirrored datasets, combined, cached and memoised.

This module holds the registry keys the layer reads (:func:`input_keys`), the source files whose
content enters the cache key (``_code_files``: every ``.py`` file of this package, the source
readers it calls, :mod:`sovai.countries` and the country-name tables), :func:`cache_key`,
:func:`rule_frames` (every rule on the real data), :func:`combine` (one value per iso3 × variable),
the on-disk cache file and the in-memory ``_MEMO`` behind :func:`derived_codings`. It writes no
rule (:mod:`sovai.derived_codings.rules`) and does not merge the layer into the hand codings
(:mod:`sovai.derived_codings.merge`).
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from sovai import paths, provenance, registry
from sovai.derived_codings.rules import (
    DERIVED_COLUMNS,
    oecd_strategy_documents,
    rule_epoch_public,
    rule_girai2024_nap,
    rule_girai2026_ai_law,
    rule_girai2026_nap,
    rule_girai2026_skills,
    rule_oecd_strategy,
    rule_strategy_year,
    rule_top500_public,
    strategy_year_candidates,
)


# -------------------------------------------------------------------------------- the layer
#: Registry keys read by the derived layer (their pinned sha256 enter the cache key).
def input_keys() -> list[str]:
    """Registry keys of every raw file the derived layer reads."""
    from sovai.sources import top500

    return sorted(
        [
            "girai/GIRAI_2026_dataset.xlsx",
            "girai/GIRAI_2024_dataset.xlsx",
            "oecd_ai_policy_initiatives/master_dataset.csv",
            "epoch_gpu_clusters/gpu_clusters.csv",
            *top500.list_keys(),
        ]
    )


def _code_files() -> list[Path]:
    here = Path(__file__).resolve().parent  # the sovai.derived_codings package
    files = [
        *sorted(here.glob("*.py")),
        *(here.parent / "sources" / f for f in ("girai.py", "top500.py", "epoch.py", "oecd_ai.py")),
    ]
    files += [here.parent / "countries.py", *sorted(paths.COUNTRIES_DIR.glob("*.json"))]
    return files


def cache_key() -> str:
    """A hash of the inputs of the derived layer: the pinned sha256 of each raw file and the code."""
    return registry.inputs_digest(input_keys(), _code_files())


def rule_frames() -> dict[str, pd.DataFrame]:
    """Every rule's rows, computed from the mirrored datasets (slow: reads the raw files)."""
    from sovai.sources import epoch, girai, oecd_ai, top500

    nap = girai.national_policy_2026()
    nap24 = girai.national_policy_2024()
    docs = oecd_strategy_documents(oecd_ai.load_initiatives())
    frames = {
        "girai2026_nap": rule_girai2026_nap(nap),
        "girai2024_nap": rule_girai2024_nap(nap24, set(nap["iso3"])),
        "oecd_strategy": rule_oecd_strategy(docs),
        "top500_public": rule_top500_public(top500.load_systems()),
        "epoch_public": rule_epoch_public(epoch.load_gpu_clusters(drop_superseded=False)),
        "girai2026_ai_law": rule_girai2026_ai_law(girai.frameworks_2026(), nap),
        "girai2026_skills": rule_girai2026_skills(girai.initiatives_2026()),
    }
    strat = combine(pd.concat([frames[k] for k in ("girai2026_nap", "girai2024_nap", "oecd_strategy")]))
    true_now = set(strat.loc[strat["value"] == "true", "iso3"])
    frames["strategy_year"] = rule_strategy_year(strategy_year_candidates(None, nap, nap24), true_now)
    return frames


def combine(rows: pd.DataFrame) -> pd.DataFrame:
    """One derived value per iso3 × variable of the 195 target countries: a true from any rule
    beats a false; rules in name order.

    The note of the kept row lists the other rules that fired (and a disagreement, if any).
    """
    from sovai.countries import target_countries

    # datasets also cover economies outside the 195 targets (e.g. HKG, PSE in GIRAI): not coded
    rows = rows[rows["iso3"].isin(target_countries())]
    if rows.empty:
        return pd.DataFrame(columns=DERIVED_COLUMNS).astype("string")
    rows = rows.copy()
    rows["_rank"] = (rows["value"] != "true").astype(int)  # true first (years: a single rule)
    rows = rows.sort_values(["iso3", "variable", "_rank", "rule"], kind="mergesort")
    kept = []
    for (_, _), g in rows.groupby(["iso3", "variable"], sort=True):
        first = g.iloc[0].copy()
        others = g.iloc[1:]
        if len(others):
            parts = [f"{r.rule}={r.value}" for r in others.itertuples(index=False)]
            first["note"] = f"{first['note']}; also: {', '.join(parts)}"
        kept.append(first)
    out = pd.DataFrame(kept).drop(columns="_rank")
    return out[DERIVED_COLUMNS].astype("string").reset_index(drop=True)


def _cache_file() -> Path:
    return paths.cache_dir() / "derived_codings" / f"derived-{cache_key()}.csv"


_MEMO: dict[str, pd.DataFrame] = {}


def derived_codings(*, use_cache: bool = True) -> pd.DataFrame:
    """The derived layer: one row per iso3 × variable (columns :data:`DERIVED_COLUMNS`), sorted.

    Computed from the mirrored datasets by the rules in the package docstring and cached on disk
    (``SOVAI_CACHE_DIR/derived_codings/``) under a key of the raw files' pinned hashes and the
    code, so an edited rule or a re-pinned file recomputes it.
    """
    from sovai.atomic import atomic_write_text

    key = cache_key()
    if use_cache and key in _MEMO:
        provenance.note_keys(input_keys())
        return _MEMO[key].copy()
    file = _cache_file()
    if use_cache and file.exists():
        out = pd.read_csv(file, dtype="string", keep_default_na=False).replace("", pd.NA)
        # a build lists the datasets the cached layer was derived from among the notebook's sources
        provenance.note_keys(input_keys())
    else:
        frames = rule_frames()
        out = combine(pd.concat(list(frames.values()), ignore_index=True))
        out = out.sort_values(["iso3", "variable"], kind="mergesort").reset_index(drop=True)
        buf = io.StringIO()
        out.to_csv(buf, index=False, lineterminator="\n")
        try:
            atomic_write_text(file, buf.getvalue())
        except OSError:  # a read-only cache folder: compute again next time
            pass
    _MEMO[key] = out
    return out.copy()
