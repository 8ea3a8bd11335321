"""Smoke test of every real notebook: ``sovai build --fast`` over all of ``notebooks/`` plus one
country profile must succeed and write the expected tables (this is what ``make test`` uses to
check the notebooks; headline numbers are compared elsewhere, against ``tests/expected/``)."""

from __future__ import annotations

import json

import pytest

from sovai import cli, report

pytestmark = pytest.mark.slow

#: Tables other notebooks or tests rely on (the contract between notebooks), by notebook.
EXPECTED_TABLES = {
    "02-rankings": ["rankings_overall.csv", "rankings_layers.csv"],
}
NOTEBOOKS = report.discover_notebooks()
PROFILE = report.paths.NOTEBOOKS_DIR / f"{report.PROFILE_STEM}.ipynb"


def _failures(out) -> str:
    folder = out / ".cache" / "failures"
    if not folder.is_dir():
        return ""
    return "\n".join(json.loads(p.read_text())["message"] for p in sorted(folder.glob("*.json")))


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks in notebooks/")
def test_every_notebook_builds_in_fast_mode(tmp_path):
    out = tmp_path / "reports"
    code = cli.main(["build", *[p.stem for p in NOTEBOOKS], "--fast", "--out", str(out), "--jobs", "2"])
    assert code == 0, _failures(out)
    manifest = json.loads((out / "manifest.json").read_text())
    for nb in NOTEBOOKS:
        entry = manifest["notebooks"][nb.stem]
        assert entry["status"] == "ok", entry
        assert entry["params"]["fast"] is True
        assert entry["outputs"], f"{nb.stem} wrote no figure or table"
        assert (out / entry["html"]).exists()
        for table in EXPECTED_TABLES.get(nb.stem, []):
            assert (out / "tables" / table).exists(), f"{nb.stem} did not write tables/{table}"
    if PROFILE.exists():
        assert cli.main(["profile", "DEU", "--fast", "--out", str(out), "--jobs", "1"]) == 0, _failures(out)
        page = (out / "profiles" / "DEU.html").read_text()
        assert "Germany" in page and "data:image/png;base64" in page
        assert report.external_resources(page) == []
