"""Benchmark ``sovai build``: cold full build, no-change rebuild, time per notebook, peak memory.

Usage::

    SOVAI_DATA_MIRROR=../shared/data/raw .venv/bin/python benchmarks/bench_build.py [--profiles 10] [--jobs N] [--fast]

The cold build runs every notebook in ``notebooks/`` plus ``--profiles`` country profiles (the
first G20 members) into a fresh temporary folder; the rebuild runs the same command again with
nothing changed (it must only hash inputs, find every notebook cached and rewrite the index).
Both run in a subprocess, as a user would, and memory is the peak of the summed RSS of the whole
process tree (driver plus every kernel) sampled every 50 ms.

Targets on the 2-core reference machine (the project budgets): cold <= 30 s, no-change rebuild <= 1 s,
peak RSS <= 1.5 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"cold_s": 30.0, "rebuild_s": 1.0, "peak_rss_gb": 1.5}  # the project budgets


def run_monitored(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int, int, int, str]:
    """Run ``cmd``; return wall seconds, CPU seconds of the whole process tree (user + system,
    kernels included), peak summed RSS, peak single-process RSS, exit code and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as log:
        proc = psutil.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        peak_total = peak_single = 0
        while proc.poll() is None:
            total = 0
            try:
                procs = [proc, *proc.children(recursive=True)]
            except psutil.Error:
                procs = [proc]
            for p in procs:
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                peak_single = max(peak_single, rss)
            peak_total = max(peak_total, total)
            time.sleep(0.05)
        elapsed = time.perf_counter() - t0
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, cpu, peak_total, peak_single, proc.returncode, output


def build_cmd(out: Path, jobs: int, profiles: list[str], fast: bool) -> list[str]:
    code = (
        "import sys; from sovai.build import build; "
        f"sys.exit(build(out={str(out)!r}, jobs={jobs}, fast={fast}, profiles={profiles!r}, quiet=True))"
    )
    return [sys.executable, "-c", code]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10, help="country profiles in the build (first G20 members)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--fast", action="store_true", help="benchmark the fast (smoke) mode")
    parser.add_argument("--keep", action="store_true", help="keep the build folder and print its path")
    args = parser.parse_args()

    from sovai.countries import members

    profiles = members("G20")[: args.profiles]
    env = dict(os.environ)
    env.setdefault("SOVAI_DATA_MIRROR", str((ROOT.parent / "shared" / "data" / "raw").resolve()))
    out = Path(tempfile.mkdtemp(prefix="sovai-bench-"))
    cmd = build_cmd(out, args.jobs, profiles, args.fast)
    print(
        f"cores {os.cpu_count()}, jobs {args.jobs}, profiles {len(profiles)} ({', '.join(profiles)}), fast {args.fast}"
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    cold, cold_cpu, peak_total, peak_single, code, output = run_monitored(cmd, env)
    if code != 0:
        print(output[-3000:])
        print(f"cold build FAILED (exit {code}); timings below cover what ran")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # no-change rebuild; in a shared tree someone may edit the package meanwhile (a legitimate
    # cache miss): then the rebuild re-runs, and is repeated (up to 3 times) until nothing changed
    for attempt in range(1, 4):
        rebuild, *_rest = run_monitored(cmd, env)
        after = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        rerun = [r for r in after["build"]["run"] if not r.endswith(":cached")]
        if not rerun:
            break
        reasons = sorted(
            {
                e.get("reason", "?")
                for k in ("notebooks", "profiles")
                for e in after[k].values()
                if e.get("status") == "ok"
            }
        )
        print(f"rebuild {attempt}: {len(rerun)} job(s) re-ran ({'; '.join(reasons)}) in {rebuild:.1f} s; repeating")

    print(f"\n{'notebook':34s} {'status':>8s} {'total s':>8s} {'cells s':>8s} {'html s':>7s} {'other s':>8s}")
    for kind in ("notebooks", "profiles"):
        for name, e in sorted(manifest[kind].items()):
            t = e.get("timings", {})
            total = e.get("duration_s", 0.0)
            other = total - t.get("cells_s", 0.0) - t.get("html_s", 0.0)
            label = name if kind == "notebooks" else f"profile {name}"
            print(
                f"{label:34s} {str(e.get('status', ''))[:8]:>8s} {total:8.1f} {t.get('cells_s', 0):8.1f} "
                f"{t.get('html_s', 0):7.2f} {other:8.1f}"
            )
    print("\n(other = kernel start-up and shutdown, parameter injection, notebook write)")
    results = {"cold_s": cold, "rebuild_s": rebuild, "peak_rss_gb": peak_total / 1e9}
    print(f"\ncold full build     {cold:7.1f} s   (target <= {TARGETS['cold_s']:g} s)")
    print(f"cold build CPU      {cold_cpu:7.1f} s   (all processes; {cold_cpu / cold:.2f} cores busy on average)")
    print(f"no-change rebuild   {rebuild:7.2f} s   (target <= {TARGETS['rebuild_s']:g} s)")
    print(f"peak RSS (tree)     {peak_total / 1e9:7.2f} GB  (target <= {TARGETS['peak_rss_gb']:g} GB)")
    print(f"peak RSS (1 proc)   {peak_single / 1e9:7.2f} GB")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    missed = [k for k, v in results.items() if v > TARGETS[k]]
    print("targets: " + ("all met" if not missed else f"missed {', '.join(missed)}"))
    if args.keep:
        print(f"build folder: {out}")
    else:
        shutil.rmtree(out, ignore_errors=True)
    return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
