"""Smoke test of every real notebook: ``sovai build --fast`` over all of ``notebooks/`` plus one
country profile must succeed and write the expected tables (this is what ``make test`` uses to
check the notebooks; headline numbers are compared elsewhere, against ``tests/expected/``)."""

from __future__ import annotations

import json
import shutil

import pytest

from sovai import cli, paths
from sovai.build import kernels, notebooks
from sovai.build.site.exporter import external_resources
from tests.conftest import FastBuild

pytestmark = pytest.mark.slow

#: Tables other notebooks or tests rely on (the contract between notebooks), by notebook.
EXPECTED_TABLES = {
    "02-rankings": ["rankings_overall.csv", "rankings_layers.csv"],
}
NOTEBOOKS = notebooks.discover_notebooks()
PROFILE = paths.NOTEBOOKS_DIR / f"{notebooks.PROFILE_STEM}.ipynb"


@pytest.mark.xdist_group("fast_build")
@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks in notebooks/")
def test_every_notebook_builds_in_fast_mode(fast_build):
    out = fast_build.out
    assert fast_build.code == 0, fast_build.failures()
    manifest = fast_build.manifest
    for nb in NOTEBOOKS:
        entry = manifest["notebooks"][nb.stem]
        assert entry["status"] == "ok", entry
        assert entry["params"]["fast"] is True
        assert entry["outputs"], f"{nb.stem} wrote no figure or table"
        assert (out / entry["html"]).exists()
        for table in EXPECTED_TABLES.get(nb.stem, []):
            assert (out / "tables" / table).exists(), f"{nb.stem} did not write tables/{table}"
    assert headline_mismatches(manifest) == []
    if PROFILE.exists():
        assert fast_build.profile_code == 0, fast_build.failures()
        page = (out / "profiles" / "DEU.html").read_text()
        assert "Germany" in page and "data:image/png;base64" in page
        assert external_resources(page) == []
        record = json.loads((out / ".cache" / "records" / "profile-DEU.json").read_text())
        sources = set(record["sources"])
        # the profile's ranking, drivers and codings sources, not only the country tables
        assert {"worldbank_wdi", "top500", "data/categorical/codebook.yaml"} <= sources, sorted(sources)
        assert not sources & {"parsed", "derived_codings"}  # sovai's own caches are not sources


@pytest.mark.xdist_group("fast_build")
@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks in notebooks/")
def test_warm_kernels_give_the_bytes_of_fresh_kernels(fast_build, tmp_path, monkeypatch):
    """Warm kernels shared by several notebooks (the default, used by the session build) must give
    the same bytes, and record the same sources, as a fresh kernel per notebook: every notebook
    that ran in a warm kernel is re-run, each in a fresh kernel, in a copy of the build (so it
    reads the same upstream tables)."""
    warm = [p.stem for p in NOTEBOOKS if fast_build.record(p.stem)["warm_kernel"]]
    # two workers start with fresh kernels; every later notebook runs in a warm one
    assert len(warm) >= len(NOTEBOOKS) - 2, warm
    fresh = tmp_path / "fresh"
    shutil.copytree(fast_build.out, fresh)
    monkeypatch.setattr(kernels, "REUSE_KERNELS", False)
    code = cli.main(["build", *warm, "--fast", "--force", "--out", str(fresh), "--jobs", "2"])
    rerun = FastBuild(fresh, code, {}, 0)
    assert code == 0, rerun.failures()
    for stem in warm:
        assert not rerun.record(stem)["warm_kernel"]
    entries = {stem: fast_build.manifest["notebooks"][stem]["outputs"] for stem in warm}
    changed = [
        f for files in entries.values() for f in files if (fast_build.out / f).read_bytes() != (fresh / f).read_bytes()
    ]
    assert changed == []
    # and the same sources: a warm kernel's cached results report the files they were read from
    sources = {s: fast_build.record(s)["sources"] for s in warm}
    assert sources == {s: rerun.record(s)["sources"] for s in warm}


#: Headline numbers recorded from a fast build (tools/record_headlines.py); compared within the
#: tolerance each notebook states (None: exact).
EXPECTED_HEADLINES = json.loads((paths.PROJECT_ROOT / "tests" / "expected" / "headlines_fast.json").read_text())


def headline_mismatches(manifest: dict, expected: dict = EXPECTED_HEADLINES) -> list[str]:
    """Compare a build's recorded headlines with the expected ones; return the differences."""
    problems = []
    for stem, heads in expected.items():
        got = (manifest["notebooks"].get(stem) or {}).get("headlines") or {}
        for name, want in heads.items():
            if name not in got:
                problems.append(f"{stem}: headline {name!r} not recorded")
                continue
            value, tol = got[name]["value"], want["tolerance"]
            if isinstance(want["value"], int | float) and not isinstance(want["value"], bool) and tol is not None:
                if abs(float(value) - float(want["value"])) > float(tol):
                    problems.append(f"{stem}: {name} = {value}, expected {want['value']} ± {tol}")
            elif value != want["value"]:
                problems.append(f"{stem}: {name} = {value!r}, expected {want['value']!r}")
    return problems


def test_headline_comparison_detects_a_change():
    manifest = {
        "notebooks": {"02-rankings": {"headlines": {"rank_USA": {"value": 5.0}, "top_country": {"value": "CHN"}}}}
    }
    expected = {
        "02-rankings": {"rank_USA": {"value": 1.0, "tolerance": 2}, "top_country": {"value": "USA", "tolerance": None}}
    }
    assert headline_mismatches(manifest, expected) == [
        "02-rankings: rank_USA = 5.0, expected 1.0 ± 2",
        "02-rankings: top_country = 'CHN', expected 'USA'",
    ]
