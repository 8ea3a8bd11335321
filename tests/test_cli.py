"""The ``sovai`` command as a user meets it: version, settings, --mirror, listing, early and clear errors."""

from __future__ import annotations

import os
import pydoc
import subprocess
import sys
import time
from pathlib import Path

import pytest

import sovai
from sovai import cli, paths

ROOT = Path(__file__).resolve().parents[1]
MIRROR = os.environ.get("SOVAI_DATA_MIRROR", str(ROOT.parent / "shared" / "data" / "raw"))


@pytest.fixture
def config(tmp_path, monkeypatch):
    """An empty user config file and no data settings in the environment."""
    cfg = tmp_path / "config.toml"
    monkeypatch.setenv("SOVAI_CONFIG", str(cfg))
    for env in ("SOVAI_DATA_MIRROR", "SOVAI_OFFLINE", "SOVAI_CACHE_DIR", "SOVAI_REPORTS_DIR"):
        monkeypatch.delenv(env, raising=False)
    monkeypatch.setenv("SOVAI_CACHE_DIR", str(tmp_path / "empty-cache"))
    return cfg


def test_version(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sovai {sovai.__version__}"


def test_config_file_is_read_and_the_environment_wins(config, tmp_path, monkeypatch, capsys):
    mirror = tmp_path / "raw"
    mirror.mkdir()
    assert paths.mirror_dir() is None and paths.offline() is False
    assert cli.main(["config", "set", "data.mirror", str(mirror)]) == 0
    assert cli.main(["config", "set", "data.offline", "true"]) == 0
    assert 'mirror = "' in config.read_text() and "offline = true" in config.read_text()
    assert paths.mirror_dir() == mirror.resolve() and paths.offline() is True
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("SOVAI_DATA_MIRROR", str(other))
    monkeypatch.setenv("SOVAI_OFFLINE", "0")
    assert paths.mirror_dir() == other.resolve() and paths.offline() is False
    capsys.readouterr()
    assert cli.main(["config", "show"]) == 0
    shown = capsys.readouterr().out
    assert "environment (SOVAI_DATA_MIRROR)" in shown and str(config) in shown
    assert cli.main(["config", "unset", "data.mirror"]) == 0
    assert "mirror" not in paths.read_config()


def test_config_rejects_unknown_keys_and_missing_folders(config, capsys):
    assert cli.main(["config", "set", "data.mirorr", "/tmp"]) == 2
    assert "did you mean 'data.mirror'" in capsys.readouterr().err
    assert cli.main(["config", "set", "data.mirror", "/no/such/folder"]) == 2
    assert "not a folder" in capsys.readouterr().err
    config.write_text("[data]\nmirrors = 1\n")
    with pytest.raises(ValueError, match=r"config.toml: unknown key 'data.mirrors'"):
        paths.read_config()


@pytest.mark.parametrize("command", [["build"], ["profile", "DEU"], ["validate", "x.csv"], ["data", "list"]])
def test_every_data_command_accepts_mirror(command, capsys):
    assert cli.main([*command, "--mirror", "/no/such/folder"]) == 2
    assert "--mirror /no/such/folder: not a folder" in capsys.readouterr().err


def test_mirror_option_reaches_the_registry(config, monkeypatch, capsys):
    assert cli.main(["data", "list", "--mirror", MIRROR]) == 0
    out = capsys.readouterr().out
    assert os.environ["SOVAI_DATA_MIRROR"] == str(Path(MIRROR).resolve())
    assert " mirror " in out and "source folders complete" in out


def test_data_list_says_what_is_missing_locally(config, capsys):
    assert cli.main(["data", "list"]) == 0
    out = capsys.readouterr().out
    assert "local: 0/" in out and "mirror none set" in out and "sovai config set data.mirror PATH" in out


def test_offline_build_without_data_fails_before_any_kernel_in_one_paragraph(config, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOVAI_OFFLINE", "1")
    t0 = time.perf_counter()
    assert cli.main(["build", "03-maps", "--out", str(tmp_path / "out")]) == 1
    assert time.perf_counter() - t0 < 10  # no kernel started (one takes ~1 s, a notebook several)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "not available locally" in err and "sovai config set data.mirror PATH" in err and "sovai data fetch" in err
    assert not (tmp_path / "out" / "notebooks").exists()


def test_build_list_shows_notebooks_parameters_defaults_and_choices(capsys):
    assert cli.main(["build", "--list"]) == 0
    out = capsys.readouterr().out
    assert "03-maps  Maps" in out and "07-country-profile" in out
    assert (
        '-p scheme "quantiles"  (str)' in out
        and "[one of: quantiles, fisher_jenks, natural_breaks, equal_interval]" in out
    )
    assert "-p output_dir" not in out  # set by the build


def test_bad_parameter_values_are_reported_before_any_kernel(tmp_path, capsys):
    out = tmp_path / "out"
    args = [
        "build",
        "03",
        "-p",
        "scheme",
        "quantile",
        "-p",
        "k",
        "2.5",
        "-p",
        "formats",
        "[png, gif]",
        "--out",
        str(out),
    ]
    assert cli.main(args) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "sovai: invalid parameter value(s), no notebook was started:"
    assert "  03-maps: parameter 'scheme' (from -p): 'quantile' is not one of" in err[3]
    assert "did you mean 'quantiles'?" in err[3]
    assert "parameter 'k' (from -p): expected a whole number, got 2.5 (float)" in err[2]
    assert "parameter 'formats' (from -p): 'gif' is not one of png, svg, pdf" in err[1]
    assert not (out / ".cache" / "records").exists()
    assert cli.main(["build", "03", "-p", "schme", "quantiles", "--out", str(out)]) == 2
    assert "did you mean 'scheme'?" in capsys.readouterr().err


def test_did_you_mean_for_notebooks_countries_and_groups(tmp_path, capsys):
    assert cli.main(["build", "mpas", "--out", str(tmp_path)]) == 2
    assert "did you mean '03-maps'?" in capsys.readouterr().err
    assert cli.main(["profile", "Germny", "G2O", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "'Germny' — did you mean DEU (Germany)?" in err and "G20 (group)" in err
    assert "countries.json" not in err  # a typo is not a reason to edit mapping files


def test_help_is_a_quick_tour_without_getattr_noise():
    text = pydoc.render_doc(sovai, renderer=pydoc.plaintext)
    assert "Quick tour" in text and "sovai.rank(" in text and "__getattr__" not in text
    for name in sovai.__all__:
        assert hasattr(sovai, name), name


def test_import_from_the_clones_parent_folder_finds_the_package(tmp_path):
    """A folder named like the package (the clone, seen from its parent) has no ``__init__.py``:
    with the project root on ``sys.path`` — what `make install` (a path-based editable install)
    puts there — the regular package wins over the namespace pickup."""
    (tmp_path / "sovai").symlink_to(ROOT, target_is_directory=True)
    code = f"import sys; sys.path.insert(1, {str(ROOT)!r}); import sovai; print(sovai.__file__)"
    res = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip().endswith(os.path.join("sovai", "__init__.py"))


@pytest.mark.slow
def test_a_sovai_error_in_a_notebook_is_one_paragraph():
    import nbclient
    import nbformat

    from sovai.build.kernels import new_kernel_manager

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import sovai\nfrom sovai.errors import MissingDataError\n"
            "try:\n    open('/no/such/file')\nexcept OSError as exc:\n"
            "    raise MissingDataError('raw file x is missing. Run `sovai data fetch`.') from exc"
        )
    ]
    out = nbclient.NotebookClient(nb, km=new_kernel_manager(), timeout=120, allow_errors=True).execute()
    (error,) = [o for o in out.cells[0].outputs if o["output_type"] == "error"]
    assert error["ename"] == "MissingDataError"
    assert len(error["traceback"]) == 1 and "Traceback" not in error["traceback"][0]
    assert "Run `sovai data fetch`." in error["traceback"][0]


@pytest.mark.slow
def test_top_level_rank_and_map():
    import matplotlib

    matplotlib.use("Agg")
    table = sovai.rank(n_draws=20, n_sensitivity=0, n_bootstrap=0)
    assert table["rank"].is_monotonic_increasing and {"USA", "CHN"} <= set(table["iso3"])
    result = sovai.map(table, "rank")
    assert sorted(result.matched) == sorted(table["iso3"]) and result.unmatched == []
