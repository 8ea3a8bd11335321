"""Packaging: a checkout reads its own data; an installed wheel reads the copies it ships."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sovai import cli, paths

ROOT = Path(__file__).resolve().parents[1]


def _setup_module():
    """``setup.py`` imported under another name (its ``setup()`` call only runs as ``__main__``)."""
    spec = importlib.util.spec_from_file_location("sovai_setup_under_test", ROOT / "setup.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checkout_reads_the_repository_data_and_notebooks():
    assert paths.IN_CHECKOUT
    assert paths.PROJECT_ROOT == ROOT
    assert paths.DATA_DIR == ROOT / "data" and paths.NOTEBOOKS_DIR == ROOT / "notebooks"
    assert paths.CATEGORICAL_DIR == ROOT / "data" / "categorical"
    assert (paths.CATEGORICAL_DIR / "codebook.yaml").is_file()


def test_a_folder_without_data_is_not_a_checkout(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname='x'\n")
    assert not paths._is_checkout(tmp_path)  # site-packages has no data/ beside the package
    (tmp_path / "data" / "categorical").mkdir(parents=True)
    (tmp_path / "data" / "categorical" / "codebook.yaml").write_text("version: 1\n")
    assert paths._is_checkout(tmp_path)


def test_installed_package_falls_back_to_the_packaged_copies(tmp_path):
    # An "installed" sovai: the real paths.py in a site folder with no checkout around it, the
    # packaged copies beside it (as the build hook lays them out), run from an unrelated folder.
    site = tmp_path / "site"
    pkg = site / "sovai"
    (pkg / "_data" / "categorical").mkdir(parents=True)
    (pkg / "_notebooks").mkdir()
    (pkg / "__init__.py").write_text("")
    shutil.copyfile(ROOT / "sovai" / "paths.py", pkg / "paths.py")
    (pkg / "_data" / "categorical" / "codebook.yaml").write_text("version: 1\n")
    (pkg / "_notebooks" / "02-rankings.ipynb").write_text("{}")
    work = tmp_path / "work"
    work.mkdir()
    probe = (
        "import json, sovai.paths as p; print(json.dumps({k: str(v) for k, v in dict(in_checkout=p.IN_CHECKOUT, "
        "data=p.DATA_DIR, cat=p.CATEGORICAL_DIR, nbs=p.NOTEBOOKS_DIR, root=p.PROJECT_ROOT, "
        "reports=p.reports_dir(), scratch=p.SCRATCH_DIR).items()}))"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "SOVAI_CONFIG": str(tmp_path / "none.toml")}
    res = subprocess.run([sys.executable, "-c", probe], cwd=work, env=env, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout)
    assert got["in_checkout"] == "False"
    assert Path(got["data"]) == (pkg / "_data").resolve()
    assert (Path(got["cat"]) / "codebook.yaml").is_file()
    assert Path(got["nbs"]) == (pkg / "_notebooks").resolve()
    assert Path(got["root"]) == work.resolve()  # builds go to ./reports of the working folder
    assert Path(got["reports"]) == work.resolve() / "reports"
    assert Path(got["scratch"]) == work.resolve() / "reports" / "scratch"


def test_build_hook_ships_every_tracked_file_under_data_and_notebooks():
    hook = _setup_module()
    shipped = {rel.as_posix() for _, rel in hook.shipped_files(ROOT)}
    assert all(src.is_file() for src, _ in hook.shipped_files(ROOT))
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked-file list is unavailable")
    tracked = subprocess.run(
        ["git", "ls-files", "data", "notebooks", "docs"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked, "git lists no file under data/ or notebooks/"
    expected = {hook.SHIPPED[t.split("/", 1)[0]] + "/" + t.split("/", 1)[1] for t in tracked}
    assert expected - shipped == set(), f"tracked but not shipped: {sorted(expected - shipped)[:5]}"
    assert "_data/categorical/codebook.yaml" in shipped and "_notebooks/07-country-profile.ipynb" in shipped


def test_build_hook_skips_editor_leftovers_and_needs_the_folders(tmp_path):
    hook = _setup_module()
    (tmp_path / "data" / "stack").mkdir(parents=True)
    (tmp_path / "data" / "stack" / "layers.csv").write_text("id\n")
    (tmp_path / "notebooks" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "notebooks" / ".ipynb_checkpoints" / "01-x-checkpoint.ipynb").write_text("{}")
    (tmp_path / "notebooks" / "01-x.ipynb").write_text("{}")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "codings.md").write_text("# codings\n")
    assert [rel.as_posix() for _, rel in hook.shipped_files(tmp_path)] == [
        "_data/stack/layers.csv",
        "_notebooks/01-x.ipynb",
        "_docs/codings.md",
    ]
    shutil.rmtree(tmp_path / "notebooks")
    with pytest.raises(FileNotFoundError, match="notebooks is missing"):
        hook.shipped_files(tmp_path)


def test_sdist_manifest_and_package_data_carry_what_the_wheel_needs():
    manifest = (ROOT / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    assert {"graft data", "graft notebooks", "graft docs"} <= set(manifest)
    assert any(line.startswith("include setup.py") for line in manifest)
    assert (ROOT / "sovai" / "py.typed").exists()
    import tomllib

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in meta["tool"]["setuptools"]["package-data"]["sovai"]
    assert "Typing :: Typed" in meta["project"]["classifiers"]


def test_version_option_reports_the_installed_version(capsys):
    from importlib.metadata import version

    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sovai {version('sovai')}"


def test_notebooks_copy_gives_an_editable_copy_and_refuses_to_overwrite(tmp_path):
    written = cli.copy_notebooks(tmp_path)
    names = {p.name for p in written}
    assert {p.name for p in paths.NOTEBOOKS_DIR.glob("*.ipynb")} <= names
    assert all(p.parent == tmp_path / "notebooks" for p in written)
    assert (tmp_path / "notebooks" / "02-rankings.ipynb").read_bytes() == (
        paths.NOTEBOOKS_DIR / "02-rankings.ipynb"
    ).read_bytes()
    with pytest.raises(cli.UsageError, match="already holds"):
        cli.copy_notebooks(tmp_path)
    assert len(cli.copy_notebooks(tmp_path, overwrite=True)) == len(written)
    assert cli.main(["notebooks", "list"]) == 0
