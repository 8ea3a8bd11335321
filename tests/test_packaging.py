"""Packaging: a checkout reads its own data; an installed wheel reads the copies it ships."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovai import cli, paths

ROOT = Path(__file__).resolve().parents[1]


def test_checkout_reads_the_repository_data_and_notebooks():
    assert paths.IN_CHECKOUT
    assert paths.DATA_DIR == ROOT / "data" and paths.NOTEBOOKS_DIR == ROOT / "notebooks"
    assert (paths.CATEGORICAL_DIR / "codebook.yaml").is_file()


def test_a_folder_without_data_is_not_a_checkout(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    assert not paths._is_checkout(tmp_path)  # site-packages has no data/ beside the package
    (tmp_path / "data" / "categorical").mkdir(parents=True)
    (tmp_path / "data" / "categorical" / "codebook.yaml").write_text("version: 1\n")
    assert paths._is_checkout(tmp_path)


def test_packaged_folders_are_resolved_inside_the_package():
    assert paths._packaged("_data") == paths.PACKAGE_DIR / "_data"


def test_build_hook_ships_data_and_notebooks_and_the_sdist_carries_them():
    # setup.py calls setup() when imported: read its table as text
    text = (ROOT / "setup.py").read_text(encoding="utf-8")
    assert 'SHIPPED = {"data": "_data", "notebooks": "_notebooks"}' in text
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8")
    assert "graft data" in manifest and "graft notebooks" in manifest and "include setup.py" in manifest
    assert (ROOT / "sovai" / "py.typed").exists()


def test_notebooks_copy_gives_an_editable_copy_and_refuses_to_overwrite(tmp_path):
    written = cli.copy_notebooks(tmp_path)
    names = {p.name for p in written}
    assert {p.name for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")} <= names
    assert all(p.parent == tmp_path / "notebooks" for p in written)
    with pytest.raises(cli.UsageError, match="already holds"):
        cli.copy_notebooks(tmp_path)
    assert len(cli.copy_notebooks(tmp_path, overwrite=True)) == len(written)
    assert cli.main(["notebooks", "list"]) == 0
