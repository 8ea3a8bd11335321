"""Shared test set-up (kept minimal: every test module loads it).

* ``SOVAI_DATA_MIRROR`` defaults to ``../shared/data/raw`` next to the repository (DESIGN.md §3);
* matplotlib uses the non-interactive Agg backend (also in notebook kernels started by tests).
"""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("SOVAI_DATA_MIRROR", str((_ROOT.parent / "shared" / "data" / "raw").resolve()))
os.environ.setdefault("MPLBACKEND", "Agg")

# nbformat (imported by the notebook, lint and site tests) pulls in jsonschema, which compiles the
# optional rfc3987_syntax grammars at import: 2.1 s per test process (measured 2026-12-03). The
# build skips it the same way; nbformat's schema checks no IRI format.
from sovai.build.kernels import skip_slow_optional_imports  # noqa: E402

skip_slow_optional_imports()


# --- one fast build for the whole session ---------------------------------------------------------
# Every notebook-contract test reads the outputs of this one build instead of executing notebooks
# itself. The tests that use it carry ``pytest.mark.xdist_group("fast_build")`` and the suite runs
# with ``--dist loadgroup`` (pyproject), so under ``-n 2`` one worker builds once while the other
# runs the unit tests.

import pytest  # noqa: E402


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under ``--dist loadgroup``, keep every module's tests on one worker unless a test names its
    own group: module-scoped fixtures (the in-process ``run(fast=True)`` of each report module) are
    then set up once instead of once per worker (measured 2026-12-03: the rankings report's set-up
    ran on both workers, 7 s each)."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


#: The profile the session build adds to the notebooks.
FAST_BUILD_PROFILE = "DEU"


class FastBuild:
    """Outputs of a fast build of every notebook (defaults) plus one country profile."""

    def __init__(self, out: Path, code: int, manifest: dict, profile_code: int) -> None:
        #: ``manifest`` is the build's manifest (notebooks and the profile)
        self.out, self.code, self.manifest, self.profile_code = out, code, manifest, profile_code

    def record(self, stem: str) -> dict:
        """The build record of one notebook (``.cache/records/notebook-<stem>.json``)."""
        import json

        return json.loads((self.out / ".cache" / "records" / f"notebook-{stem}.json").read_text())

    def notebook(self, stem: str) -> dict:
        """The executed notebook (JSON) of one notebook."""
        import json

        return json.loads((self.out / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))

    def failures(self) -> str:
        """The failure messages the build left under ``.cache/failures`` (empty when none)."""
        import json

        folder = self.out / ".cache" / "failures"
        if not folder.is_dir():
            return ""
        return "\n".join(json.loads(p.read_text())["message"] for p in sorted(folder.glob("*.json")))


@pytest.fixture(scope="session")
def fast_build(tmp_path_factory) -> FastBuild:
    """Build every notebook in fast mode with its default parameters, and one country profile,
    in one build (two warm kernels: the profile reuses a warm kernel instead of starting a
    process and a kernel of its own, 8 s of CPU measured 2026-12-03), once per test session (per
    xdist worker that asks for it; ``--dist loadgroup`` sends every test that uses it to one
    worker). The command-line path is tested in ``tests/test_cli.py``."""
    import json

    from sovai.build import builder

    out = tmp_path_factory.mktemp("fast_build") / "reports"
    code = builder.build(None, out=out, jobs=2, fast=True, profiles=[FAST_BUILD_PROFILE])
    manifest = json.loads((out / "manifest.json").read_text()) if (out / "manifest.json").exists() else {}
    return FastBuild(out, code, manifest, code)
