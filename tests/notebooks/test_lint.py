"""Notebook hygiene in one place: every notebook passes the lint tool that `make lint` runs
(no outputs; a `parameters` cell of documented literals with output_dir, seed and fast; title,
description and dependencies in the notebook's metadata)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("check_notebooks", ROOT / "tools" / "check_notebooks.py")
check_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_notebooks)


@pytest.mark.parametrize("notebook", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_passes_the_lint_tool(notebook):
    assert check_notebooks.check(notebook) == []


def test_lint_tool_rejects_outputs_and_undocumented_parameters(tmp_path):
    import json

    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "source": "seed = 1\nfast: bool = False  # smoke\n",
                "outputs": [],
                "execution_count": 3,
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    problems = check_notebooks.check(path)
    assert any("has outputs" in p for p in problems)
    assert any("'seed' has no comment" in p for p in problems)
    assert any("'seed' (line 1) has no type annotation" in p for p in problems)
    assert not any("'fast'" in p for p in problems)  # annotated and commented: accepted
    assert any("lacks ['output_dir']" in p for p in problems)


def test_lint_tool_requires_report_notebook_metadata(tmp_path):
    """The index and manifest read title, description and dependencies from the notebook itself."""
    import json

    def write(name: str, sovai_meta) -> Path:
        nb = {"cells": [], "metadata": {} if sovai_meta is None else {"sovai": sovai_meta}, "nbformat": 4}
        path = tmp_path / f"{name}.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
        return path

    assert check_notebooks.check(write("scratch", None)) == []  # not a report notebook: no metadata needed
    assert check_notebooks.check(write("09-bare", None)) == [
        "metadata.sovai is missing: declare title, description and depends_on"
    ]
    problems = check_notebooks.check(write("08-bad", {"title": "", "description": "x" * 161, "depends_on": ["02-nope"]}))
    assert "metadata.sovai.title is missing or empty" in problems
    assert any("at most 160 characters" in p for p in problems)
    assert any("'02-nope', which is not a notebook here" in p for p in problems)
    ok = write("08-good", {"title": "Good", "description": "One line.", "depends_on": ["09-bare"]})
    assert check_notebooks.check(ok) == []


def test_index_notebook_is_generated_from_the_readme():
    """`make lab` opens notebooks/index.ipynb; it must be the README's text, linked."""
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_index_notebook.py"), "--check"], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    text = (ROOT / "notebooks" / "index.ipynb").read_text(encoding="utf-8")
    for stem in ("01-data-overview", "02-rankings", "07-country-profile"):
        assert f"({stem}.ipynb)" in text
