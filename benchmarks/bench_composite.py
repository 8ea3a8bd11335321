"""Time the composite engine: Monte Carlo rank uncertainty and the Sobol' sensitivity design.

Synthetic data shaped like the real panel (195 countries × 50 indicators in 10 layers, 10 %
missing, skewed values, one layer with three binaries), so the timing does not depend on the data
mirror. Printed, not asserted. Run:

    .venv/bin/python benchmarks/bench_composite.py [--draws 10000] [--sobol 8192] [--countries 195] [--indicators 50]

Target (issue 13): 10,000 Monte Carlo draws plus the Sobol' design (N = 8,192 base samples, all
seven uncertain factors) in ≤ 2 s CPU on one thread. The machine's speed is printed as the time of
a fixed pure-Python loop, so numbers from different machines can be compared.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sovai import composite  # noqa: E402


def synthetic(n: int, m: int, n_layers: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Country × indicator values, indicator metadata and income-like groups."""
    rng = np.random.default_rng(seed)
    X = rng.lognormal(mean=0.0, sigma=1.5, size=(n, m))
    X[:, -3:] = rng.random((n, 3)) < 0.5  # three binaries in the last layer
    X[rng.random((n, m)) < 0.10] = np.nan
    ids = [f"i{j:02d}" for j in range(m)]
    data = pd.DataFrame(X, index=[f"C{i:03d}" for i in range(n)], columns=ids)
    layers = [f"L{j * n_layers // m}" for j in range(m)]
    kinds = ["continuous"] * (m - 3) + ["binary"] * 3
    meta = pd.DataFrame({"id": ids, "layer": layers, "direction": 1, "kind": kinds})
    groups = pd.Series(rng.integers(0, 4, size=n).astype(str), index=data.index)
    return data, meta, groups


def machine_speed(loops: int = 2_000_000) -> float:
    """Seconds (CPU) for a fixed pure-Python loop: a rough measure of the machine's speed."""
    t = time.process_time()
    s = 0
    for i in range(loops):
        s += i * i % 7
    return time.process_time() - t


def timed(label: str, fn, repeat: int = 2):
    """Best-of-``repeat`` wall-clock and CPU (process) time; CPU time is robust to a busy machine."""
    best_wall = best_cpu = np.inf
    out = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    print(f"{label:<66s} wall {best_wall:7.3f} s   cpu {best_cpu:7.3f} s")
    return out, best_wall, best_cpu


def main() -> None:
    """Print the timings."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--sobol", type=int, default=8192)
    ap.add_argument("--bootstrap", type=int, default=200)
    ap.add_argument("--countries", type=int, default=195)
    ap.add_argument("--indicators", type=int, default=50)
    ap.add_argument("--layers", type=int, default=10)
    args = ap.parse_args()
    print(f"machine speed: pure-Python loop of 2e6 iterations = {machine_speed():.3f} s CPU")
    data, meta, groups = synthetic(args.countries, args.indicators, args.layers)
    print(f"{args.countries} countries × {args.indicators} indicators in {args.layers} layers; threads=1")
    warnings.simplefilter("ignore", composite.CompositeWarning)
    base = dict(groups=groups, min_country_coverage=0.0, n_bootstrap=args.bootstrap)

    _, _, c_nom = timed(
        "pipeline with 1 draw (all Monte Carlo variants precomputed)",
        lambda: composite.run(data, meta, **base, n_draws=1, n_sensitivity=0),
    )
    full, _, c_mc = timed(
        f"pipeline + {args.draws} Monte Carlo draws",
        lambda: composite.run(data, meta, **base, n_draws=args.draws, n_sensitivity=0),
    )
    sens, _, c_sens = timed(
        f"pipeline + Sobol' design N={args.sobol} (7 factors, bootstrap {args.bootstrap})",
        lambda: composite.run(data, meta, **base, n_draws=0, n_sensitivity=args.sobol),
    )
    k = len(sens.sensitivity)
    mc_part, sobol_part = c_mc - c_nom, c_sens - c_nom
    print(
        f"{'=> Monte Carlo part (' + str(args.draws) + ' draws)':<66s} cpu {mc_part:7.3f} s\n"
        f"{'=> Sobol part (' + str(args.sobol * (k + 2)) + ' evaluations + indices)':<66s} cpu {sobol_part:7.3f} s\n"
        f"{'=> together (target <= 2 s)':<66s} cpu {mc_part + sobol_part:7.3f} s"
    )
    print(
        f"check: {full.mc_ranks.shape[0]} draws recorded; {len(full.overall)} countries ranked; "
        f"{k} factors; {len(sens.sensitivity_country)} per-country rows; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
