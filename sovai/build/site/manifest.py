"""``manifest.json`` of a build folder: for every notebook and profile its parameters, cache key
and ingredient hashes, outputs with their hashes, timings, headline numbers and the raw sources
it read; plus the input hashes, package fingerprint and versions, git commit and the data
sources with their licences. Written with sorted keys, so equal builds give equal bytes except
for timings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sovai.build.fingerprints import git_commit, package_versions

if TYPE_CHECKING:
    from sovai.build.builder import Builder
    from sovai.build.planning import Job


def mark_profile(builder: Builder, e: dict, rec: dict) -> dict:
    """Add ``settings``, ``current`` and ``differs`` (what differs from the builder's
    ``profile_reference``) to a profile's manifest entry ``e``."""
    sig = builder.profile_signature(rec)
    e["settings"] = sig["settings"]
    ref = builder.profile_reference
    if ref is None:
        return e
    names = sorted(set(sig["settings"]) | set(ref["settings"]))
    differs = [k for k in names if sig["settings"].get(k) != ref["settings"].get(k)]
    upstream = ref.get("upstream") or {}
    stale = sorted(
        d for d in set(upstream) | set(sig["upstream"] or {}) if (sig["upstream"] or {}).get(d) != upstream.get(d)
    )
    differs += [f"tables of {d}" for d in stale]
    e["current"], e["differs"] = not differs, differs
    return e


def build_manifest(
    builder: Builder, recs: list[dict], fails: list[dict], ran: list[Job], settings: dict[str, Any]
) -> dict:
    """The build manifest of ``builder``'s folder from its records ``recs``, the standing failures
    ``fails``, the jobs of this run ``ran`` and the build ``settings`` (see the module docstring)."""
    fail_by = {(f["kind"], f["name"]): f for f in fails}
    this_run = {(j.kind, j.name): j for j in ran}

    def entry(rec: dict) -> dict:
        e = dict(rec)
        j = this_run.get((rec["kind"], rec["name"]))
        e["status"] = j.status if j else "previous build"
        f = fail_by.get((rec["kind"], rec["name"]))
        if f:
            e["status"] = "failed (showing the last good output)"
            e["error"] = f["message"]
        return e

    notebooks = {r["name"]: entry(r) for r in recs if r["kind"] == "notebook"}
    profiles = {r["name"]: mark_profile(builder, entry(r), r) for r in recs if r["kind"] == "profile"}
    for f in fails:  # failures without any good output yet
        target = notebooks if f["kind"] == "notebook" else profiles
        if f["name"] not in target:
            target[f["name"]] = {"name": f["name"], "kind": f["kind"], "status": "failed", "error": f["message"]}
    from sovai.registry import load_registry

    reg = load_registry()
    sources = {}
    for folder in sorted({e.folder for e in reg.values()}):
        e = next(x for x in reg.values() if x.folder == folder)
        sources[folder] = {
            "citation": e.citation,
            "licence": e.licence,
            "non_commercial": e.non_commercial,
            "licence_flag": e.licence_flag,
            "files": sum(1 for x in reg.values() if x.folder == folder),
        }
    return {
        "build": {
            "jobs": builder.jobs,
            "run": sorted(f"{j.kind}:{j.name}:{j.status}" for j in ran),
            "duration_s": round(sum(j.duration for j in ran if j.status in ("ok", "failed")), 3),
            **settings,
        },
        "git_commit": git_commit(),
        "inputs": builder.inputs,
        "inputs_key": builder.inputs_key,
        "sovai": builder.package,
        "versions": package_versions(),
        "notebooks": notebooks,
        "profiles": profiles,
        "data_sources": sources,
    }
