"""Tests of `sovai build` (sovai.build) on tiny notebooks in a temporary project."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from sovai import cli
from sovai.build import builder, kernels, notebooks, planning, progress
from sovai.build.site import exporter
from sovai.registry import load_registry

pytestmark = pytest.mark.slow

FIXED_PACKAGE = {"version": "test", "source_sha256": "0" * 64}

#: a valid 1x1 PNG, so tiny notebooks make "figures" without importing matplotlib (fast kernels)
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
ALPHA = [
    "import base64\nfrom pathlib import Path\nimport pandas as pd\n"
    "from sovai.report_io import output_dirs, record_headline, write_table\n"
    "figures, tables = output_dirs(output_dir)",
    "df = pd.DataFrame({'x': [x, x / 3], 'fast': [fast, fast], 'seed': [seed, seed]})\n"
    "write_table(df, tables / 'alpha.csv')\nif x == 1.0:\n    (tables / 'only_default.csv').write_text('a\\n1\\n')",
    f"png = base64.b64decode('{PNG}')\n(figures / 'alpha.png').write_bytes(png)\n"
    "(figures / 'alpha.svg').write_text('<svg xmlns=\"http://www.w3.org/2000/svg\"/>')",
    "from IPython.display import Image\nImage(png)",
    "record_headline('alpha_x', x, tolerance=0)",
]
BETA = [
    "from pathlib import Path\nout = Path(output_dir) / 'tables'\nout.mkdir(parents=True, exist_ok=True)\n"
    "(out / 'beta.csv').write_text(f'y,fast\\n{y},{fast}\\n')",
]
GAMMA = [
    "print('gamma reads', y)",
    "if fail:\n    raise ValueError('boom: deliberate failure')",
    "from pathlib import Path\n(Path(output_dir) / 'tables').mkdir(parents=True, exist_ok=True)\n"
    "(Path(output_dir) / 'tables' / 'gamma.csv').write_text('g\\n1\\n')",
]
PROFILE = [
    "assert 'leftover' not in globals(), 'namespace not reset between profiles'\nleftover = iso3\n"
    "assert iso3 != 'ITA', 'deliberate failure for ITA'",
    "print('profile of', iso3)",
    f"import base64\nfrom IPython.display import Image\nImage(base64.b64decode('{PNG}'))",
]


def make_notebook(path: Path, params: dict, cells: list[str], metadata: dict | None = None) -> Path:
    """Write a tiny notebook whose first code cell (tagged ``parameters``) assigns ``params``."""
    nb = new_notebook()
    pcell = new_code_cell("\n".join(f"{k} = {v!r}  # {k}" for k, v in params.items()))
    pcell.metadata["tags"] = ["parameters"]
    nb.cells = [new_markdown_cell(f"# {path.stem}"), pcell, *[new_code_cell(c) for c in cells]]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if metadata:
        nb.metadata["sovai"] = metadata
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def make_project(root: Path, *, gamma: bool = False, profile: bool = False) -> SimpleNamespace:
    """A fake project: ``nb/`` notebooks, ``params/`` parameter files, ``data/`` curated data, ``out/``."""
    base = {"output_dir": "../reports", "seed": 42, "fast": False}
    nb = root / "nb"
    make_notebook(nb / "01-alpha.ipynb", {**base, "x": 1.0}, ALPHA)
    make_notebook(nb / "02-beta.ipynb", {**base, "y": "b"}, BETA)
    if gamma:
        make_notebook(nb / "03-gamma.ipynb", {**base, "y": "g", "fail": False}, GAMMA, {"depends_on": ["02-beta"]})
    if profile:
        make_notebook(nb / "07-country-profile.ipynb", {"iso3": "DEU", **base}, PROFILE)
    (root / "params").mkdir(exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    (root / "data" / "codings.csv").write_text("iso3,value\nDEU,1\n")
    return SimpleNamespace(root=root, nb=nb, params=root / "params", data=root / "data", out=root / "out")


def build(proj: SimpleNamespace, out: Path | None = None, **kw) -> int:
    kw.setdefault("profiles", None)
    kw.setdefault("jobs", 2)
    return builder.build(
        out=out or proj.out, notebooks_dir=proj.nb, params_dirs=[proj.params], data_dir=proj.data, quiet=True, **kw
    )


def statuses(out: Path) -> dict[str, str]:
    run = json.loads((out / "manifest.json").read_text())["build"]["run"]
    return {r.split(":")[1]: r.split(":")[2] for r in run}


@pytest.fixture
def project(tmp_path, monkeypatch):
    # other modules of the package change while tests run: pin the package fingerprint
    monkeypatch.setattr(builder, "package_fingerprint", lambda: dict(FIXED_PACKAGE))
    return make_project(tmp_path)


def test_cache_hit_and_miss(project):
    assert build(project) == 0
    assert statuses(project.out) == {"01-alpha": "ok", "02-beta": "ok"}
    assert (project.out / "tables" / "only_default.csv").exists()
    assert build(project) == 0
    assert statuses(project.out) == {"01-alpha": "cached", "02-beta": "cached"}
    # one parameter of one notebook changes: only that notebook runs again
    assert build(project, params={"x": 2.5}) == 0
    assert statuses(project.out) == {"01-alpha": "ok", "02-beta": "cached"}
    assert (project.out / "tables" / "alpha.csv").read_text().splitlines()[1].startswith("2.5,")
    record = json.loads((project.out / ".cache" / "records" / "notebook-01-alpha.json").read_text())
    assert record["reason"] == "parameters changed"
    assert not (project.out / "tables" / "only_default.csv").exists()  # stale output removed
    # a params file counts as a change too; a curated data file changes every key
    (project.params / "02-beta.yaml").write_text("y: from-file\n")
    assert build(project, params={"x": 2.5}) == 0
    assert statuses(project.out) == {"01-alpha": "cached", "02-beta": "ok"}
    (project.data / "codings.csv").write_text("iso3,value\nDEU,2\n")
    assert build(project, params={"x": 2.5}) == 0
    assert statuses(project.out) == {"01-alpha": "ok", "02-beta": "ok"}
    # a deleted output forces a re-run
    (project.out / "tables" / "beta.csv").unlink()
    assert build(project, params={"x": 2.5}) == 0
    assert statuses(project.out)["02-beta"] == "ok"
    assert (project.out / "tables" / "beta.csv").exists()
    # executed notebooks carry parameters and headlines in their metadata
    nb = json.loads((project.out / "notebooks" / "01-alpha.ipynb").read_text())
    assert nb["metadata"]["sovai"]["headlines"]["alpha_x"]["value"] == 2.5
    assert nb["metadata"]["sovai"]["parameters"]["x"] == 2.5


def test_failing_notebook_exits_1_names_cell_and_keeps_last_output(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(builder, "package_fingerprint", lambda: dict(FIXED_PACKAGE))
    proj = make_project(tmp_path, gamma=True)
    assert build(proj) == 0
    good_html = (proj.out / "html" / "03-gamma.html").read_bytes()
    good_nb = (proj.out / "notebooks" / "03-gamma.ipynb").read_bytes()
    capsys.readouterr()
    # through the CLI: notebook paths, -p applies only to the notebook declaring it
    args = ["build", str(proj.nb / "01-alpha.ipynb"), str(proj.nb / "03-gamma.ipynb"), "-p", "fail", "true"]
    args += ["-p", "x", "7", "--out", str(proj.out), "--jobs", "2"]
    monkeypatch.setattr(builder, "default_params_dirs", lambda out: [proj.params])
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "03-gamma" in err and "cell 5" in err and "ValueError" in err and "boom" in err
    # the other notebook still ran; the failing one keeps its last good output
    assert statuses(proj.out) == {"01-alpha": "ok", "03-gamma": "failed"}
    assert (proj.out / "tables" / "alpha.csv").read_text().splitlines()[1].startswith("7,")
    assert (proj.out / "html" / "03-gamma.html").read_bytes() == good_html
    assert (proj.out / "notebooks" / "03-gamma.ipynb").read_bytes() == good_nb
    assert (proj.out / ".cache" / "failures" / "notebook-03-gamma.ipynb").exists()
    manifest = json.loads((proj.out / "manifest.json").read_text())
    assert manifest["notebooks"]["03-gamma"]["status"].startswith("failed")
    assert "boom" in (proj.out / "index.html").read_text()
    # a failure is never cached: the same failing build fails again
    assert cli.main(args) == 1


def test_dependency_failure_blocks_dependents(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(builder, "package_fingerprint", lambda: dict(FIXED_PACKAGE))
    proj = make_project(tmp_path, gamma=True)
    make_notebook(proj.nb / "02-beta.ipynb", {"output_dir": "", "seed": 1, "fast": False, "y": "b"}, ["1 / 0"])
    assert build(proj) == 1
    assert statuses(proj.out) == {"01-alpha": "ok", "02-beta": "failed", "03-gamma": "blocked"}
    err = capsys.readouterr().err
    assert "ZeroDivisionError" in err and "dependency 02-beta failed" in err


def test_fast_reaches_every_notebook_and_tables_are_byte_identical(project):
    assert build(project, fast=True) == 0
    assert build(project, out=project.root / "out2", fast=True, force=True) == 0
    for name in ("alpha.csv", "beta.csv"):
        a = (project.out / "tables" / name).read_bytes()
        assert a == (project.root / "out2" / "tables" / name).read_bytes()
        assert ",True" in a.decode()
    manifest = json.loads((project.out / "manifest.json").read_text())
    assert all(e["params"]["fast"] is True for e in manifest["notebooks"].values())
    assert manifest["build"]["fast"] is True


def test_manifest_lists_every_input_hash_and_versions(project):
    assert build(project) == 0
    manifest = json.loads((project.out / "manifest.json").read_text())
    assert manifest["inputs"]["registry"] == {k: e.sha256 for k, e in load_registry().items()}
    assert list(manifest["inputs"]["data"]) == ["codings.csv"]
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["inputs"]["data"]["codings.csv"])
    for pkg in ("python", "pandas", "numpy", "statsmodels", "geopandas", "matplotlib", "papermill", "sovai"):
        assert manifest["versions"][pkg]
    assert "git_commit" in manifest
    alpha = manifest["notebooks"]["01-alpha"]
    assert alpha["params"] == {"fast": False, "seed": 42, "x": 1.0}
    assert alpha["headlines"]["alpha_x"]["value"] == 1
    assert alpha["outputs"] == ["figures/alpha.png", "figures/alpha.svg", "tables/alpha.csv", "tables/only_default.csv"]
    assert alpha["duration_s"] > 0
    # deterministic serialisation
    text = (project.out / "manifest.json").read_text()
    assert text == json.dumps(manifest, indent=1, sort_keys=True) + "\n"


def test_html_is_offline(project):
    assert build(project) == 0
    pages = [project.out / "index.html", *sorted((project.out / "html").glob("*.html"))]
    assert len(pages) == 3
    external = re.compile(r"<(script|link)\b[^>]*(src|href)\s*=\s*[\"']?(https?:)?//", re.I)
    for page in pages:
        text = page.read_text()
        assert not external.search(text), page
        assert exporter.external_resources(text) == []
    index = pages[0].read_text()
    for link in (
        "html/01-alpha.html",
        "notebooks/02-beta.ipynb",
        "figures/alpha.png",
        "tables/beta.csv",
        "manifest.json",
    ):
        assert link in index
    assert "NON-COMMERCIAL" in index and "licence unclear" in index
    # images are embedded and inputs hidden in the notebook HTML
    page = (project.out / "html" / "01-alpha.html").read_text()
    assert "data:image/png;base64" in page
    assert "record_headline(" not in page


def test_profiles(project):
    make_notebook(
        project.nb / "07-country-profile.ipynb", {"iso3": "DEU", "output_dir": "", "seed": 1, "fast": False}, PROFILE
    )
    kw = {
        "notebook": project.nb / "07-country-profile.ipynb",
        "params_dirs": [project.params],
        "data_dir": project.data,
    }
    # one worker: DEU and FRA share a warm kernel (namespace reset in between); ITA fails, its
    # kernel is dropped and the next profile starts a fresh one
    assert builder.profile(["DEU", "France", "ITA", "ZAF"], out=project.out, jobs=1, quiet=True, **kw) == 1
    assert statuses(project.out) == {"DEU": "ok", "FRA": "ok", "ITA": "failed", "ZAF": "ok"}
    for iso3 in ("DEU", "FRA"):
        page = (project.out / "profiles" / f"{iso3}.html").read_text()
        assert f"profile of {iso3}" in page and "data:image/png;base64" in page
        assert (project.out / "profiles" / f"{iso3}.ipynb").exists()
    assert "profiles/FRA.html" in (project.out / "index.html").read_text()
    assert builder.profile(["DEU"], out=project.out, jobs=1, quiet=True, **kw) == 0
    assert statuses(project.out) == {"DEU": "cached"}
    with pytest.raises(ValueError, match="iso3"):
        builder.profile(["Atlantis"], out=project.out, quiet=True, **kw)


def test_parameter_layers(project, tmp_path):
    (project.params / "01-alpha.yaml").write_text("x: 2.0\nseed: 7\n")
    f = tmp_path / "p.yaml"
    f.write_text("seed: 9\n01-alpha:\n  x: 3.0\n")
    nbs = notebooks.discover_notebooks(project.nb)
    plan = planning.plan_notebooks(
        nbs, out=project.out, params={"y": "cli"}, param_file=str(f), fast=True, params_dirs=[project.params]
    )
    got = {j.name: j.params for j in plan}
    assert got["01-alpha"] == {"output_dir": str(project.out), "seed": 9, "fast": True, "x": 3.0}
    assert got["02-beta"] == {"output_dir": str(project.out), "seed": 9, "fast": True, "y": "cli"}
    with pytest.raises(ValueError, match="unknown parameter.*nope"):
        planning.plan_notebooks(nbs, out=project.out, params={"nope": 1}, param_file=None, fast=False, params_dirs=[])
    (project.params / "02-beta.yaml").write_text("z: 1\n")
    with pytest.raises(ValueError, match="02-beta.yaml.*unknown parameter.*z"):
        planning.plan_notebooks(
            nbs, out=project.out, params={}, param_file=None, fast=False, params_dirs=[project.params]
        )


def test_cli_bad_usage(project, capsys):
    assert cli.main(["build", "99-missing", "--out", str(project.out)]) == 2
    assert "99-missing" in capsys.readouterr().err
    args = ["build", str(project.nb / "01-alpha.ipynb"), "-p", "nope", "1", "--out", str(project.out)]
    assert cli.main(args) == 2
    assert "nope" in capsys.readouterr().err


def test_notebook_parameters_requires_literals(tmp_path):
    path = make_notebook(tmp_path / "01-x.ipynb", {"output_dir": "", "seed": 1, "fast": False}, [])
    nb = json.loads(path.read_text())
    assert notebooks.notebook_parameters(nb) == {"output_dir": "", "seed": 1, "fast": False}
    nb["cells"][1]["source"] = "seed = 1\nfast = 2 > 1"
    with pytest.raises(ValueError, match="'fast' is not a literal"):
        notebooks.notebook_parameters(nb, "01-x.ipynb")


def test_progress_plain_lines_when_not_a_tty():
    buf = io.StringIO()
    shown = progress.Progress(buf)
    shown.total = 1
    shown.cell("02-rankings", 5, 12)
    shown.event("02-rankings", "done in 1.0 s", finished=True)
    assert buf.getvalue() == "[02-rankings] done in 1.0 s\n"  # no line per cell when piped


def test_kernel_reset_restores_a_fresh_kernels_state(monkeypatch):
    """What a notebook changes in a reused kernel does not leak into the next notebook."""
    import nbclient
    import nbformat

    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    probe = (
        "import os, warnings, numpy as np, pandas as pd, matplotlib as mpl\n"
        "print(pd.get_option('display.max_colwidth'), np.get_printoptions()['precision'],"
        " mpl.rcParams['lines.linewidth'], warnings.filters[:3], os.getcwd(), 'leftover' in dir())"
    )
    change = (
        "import os, warnings, numpy as np, pandas as pd, matplotlib as mpl\n"
        "pd.set_option('display.max_colwidth', 7); np.set_printoptions(precision=2)\n"
        "mpl.rcParams['lines.linewidth'] = 9; warnings.simplefilter('error'); os.chdir('/')\n"
        "leftover = 1"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in (probe, change, kernels.KERNEL_RESET, probe)]
    out = nbclient.NotebookClient(nb, km=kernels.new_kernel_manager(), timeout=120).execute()
    fresh, after_reset = out.cells[0].outputs[0]["text"], out.cells[3].outputs[0]["text"]
    assert "False" in fresh
    assert after_reset == fresh


def test_profile_selection_is_remembered(tmp_path, monkeypatch):
    """A rebuild reuses the resolved profile countries (no pandas import), keyed by the selection."""
    runner = builder.Builder(tmp_path, progress=progress.Progress(quiet=True))
    first = runner.resolve_countries("G7", parameter="profiles")
    assert first == ["CAN", "DEU", "FRA", "GBR", "ITA", "JPN", "USA"]
    assert (tmp_path / ".cache" / "profiles.json").exists()

    def fail(*args, **kwargs):
        raise AssertionError("resolved again")

    import sovai.countries

    monkeypatch.setattr(sovai.countries, "resolve_countries", fail)
    assert runner.resolve_countries("G7", parameter="profiles") == first
    with pytest.raises(AssertionError, match="resolved again"):
        runner.resolve_countries(["DEU"], parameter="profiles")


#: a pyplot figure saved with save_figure and not displayed explicitly (the inline backend shows it)
PLOT = [
    "import matplotlib.pyplot as plt\nfrom sovai.report_io import output_dirs, save_figure\n"
    "figures, _ = output_dirs(output_dir)\nfig, ax = plt.subplots(figsize=(2, 1))\nax.plot([0, 1], [y, 2])\n"
    "save_figure(fig, figures / name)"
]


def test_every_saved_figure_is_displayed_also_in_a_warm_kernel(tmp_path, monkeypatch):
    """Regression: after a first notebook in a reused kernel, later notebooks lost the figures
    they relied on the inline backend to show (the built Maps page had no maps)."""
    monkeypatch.setattr(builder, "package_fingerprint", lambda: dict(FIXED_PACKAGE))
    proj = make_project(tmp_path)
    base = {"output_dir": "../reports", "seed": 42, "fast": False}
    make_notebook(proj.nb / "01-alpha.ipynb", {**base, "y": 1, "name": "first"}, [*PLOT, "plt.show()"])
    make_notebook(proj.nb / "02-beta.ipynb", {**base, "y": 2, "name": "second"}, PLOT)
    hidden = [PLOT[0] + "\nplt.close(fig)"]  # saved, then closed before the cell ends: never shown
    make_notebook(proj.nb / "03-gamma.ipynb", {**base, "y": 3, "name": "third"}, hidden)
    assert build(proj, jobs=1) == 0  # one worker: the three notebooks share one warm kernel
    records = {
        n: json.loads((proj.out / ".cache" / "records" / f"notebook-{n}.json").read_text())
        for n in ("01-alpha", "02-beta", "03-gamma")
    }
    assert records["01-alpha"]["figures_not_displayed"] == []
    assert records["02-beta"]["figures_not_displayed"] == []
    assert records["03-gamma"]["figures_not_displayed"] == ["third.png"]
    page = (proj.out / "html" / "02-beta.html").read_text()
    png = (proj.out / "figures" / "second.png").read_bytes()
    import base64

    assert base64.b64encode(png).decode() in page


def test_dependents_rerun_when_the_tables_they_read_change(project):
    make_notebook(
        project.nb / "03-gamma.ipynb",
        {"output_dir": "", "seed": 42, "fast": False, "y": "g", "fail": False},
        GAMMA,
        {"depends_on": ["02-beta"]},
    )
    assert build(project) == 0
    # building only 02-beta under other parameters re-runs gamma too (it reads beta's tables)
    assert build(project, notebooks=["02-beta"], params={"y": "other"}) == 0
    assert statuses(project.out) == {"02-beta": "ok", "03-gamma": "ok"}
    assert build(project, notebooks=["02-beta"], params={"y": "other"}) == 0
    assert statuses(project.out) == {"02-beta": "cached", "03-gamma": "cached"}
    # a table overwritten outside the build (say, by a notebook run by hand) is noticed
    (project.out / "tables" / "beta.csv").write_text("y,fast\nhand-made,False\n")
    assert build(project, notebooks=["02-beta"], params={"y": "other"}) == 0
    got = statuses(project.out)
    assert got["02-beta"] == "ok" and got["03-gamma"] == "cached"  # beta rewrote the same table
    record = json.loads((project.out / ".cache" / "records" / "notebook-02-beta.json").read_text())
    assert record["reason"] == "outputs changed outside the build: tables/beta.csv"
    assert (project.out / "tables" / "beta.csv").read_text() == "y,fast\nother,False\n"


def test_profiles_built_with_other_settings_are_marked(project):
    template = make_notebook(
        project.nb / "07-country-profile.ipynb", {"iso3": "DEU", "output_dir": "", "seed": 1, "fast": False}, PROFILE
    )
    kw = {"notebook": template, "params_dirs": [project.params], "data_dir": project.data, "quiet": True, "jobs": 1}
    assert builder.profile(["DEU"], out=project.out, **kw) == 0
    assert builder.profile(["FRA"], out=project.out, fast=True, **kw) == 0
    manifest = json.loads((project.out / "manifest.json").read_text())
    fra, deu = manifest["profiles"]["FRA"], manifest["profiles"]["DEU"]
    assert fra["current"] is True and fra["settings"]["fast"] is True
    assert deu["current"] is False and deu["differs"] == ["fast"]
    index = (project.out / "index.html").read_text()
    assert "built with other settings: fast" in index


def test_parameter_schema_reads_kinds_choices_and_ranges(tmp_path):
    src = (
        'view = "scale"  # "scale" (absolute) or "intensity" (per capita)\n'
        'norm = "minmax"  # minmax | zscore | rank\n'
        'formats = ["png"]  # formats: png, svg, pdf (add "pdf" for print)\n'
        "weight = 0.5  # fraction moved to partners (0-1)\n"
        "hhi = 2500.0  # HHI (0-10,000) threshold\n"
        'region = "world"  # "world", a UN region, or a list of ISO3\n'
        "n = 10  # draws\nflag = False  # on or off\noutput_dir = ''  # out\nseed = 1  # seed\nfast = False  # smoke"
    )
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": src}]}
    schema = notebooks.parameter_schema(nb)
    assert schema["view"].choices == ("scale", "intensity") and schema["norm"].choices == ("minmax", "zscore", "rank")
    assert schema["formats"].choices == ("png", "svg", "pdf") and schema["region"].choices == ()
    assert schema["weight"].bounds == (0.0, 1.0) and schema["hhi"].bounds == (0.0, 10000.0)
    assert schema["n"].kind == "int" and schema["flag"].kind == "bool" and schema["flag"].choices == ()
    values = {"view": "intensty", "weight": 1.5, "n": "ten", "flag": 1, "formats": ["png", "gif"], "hhi": 10}
    problems = notebooks.check_parameters("x", schema, values, dict.fromkeys(values, "-p"))
    assert problems == [
        "x: parameter 'flag' (from -p): expected true or false, got 1 (int)",
        "x: parameter 'formats' (from -p): 'gif' is not one of png, svg, pdf",
        "x: parameter 'n' (from -p): expected a whole number, got 'ten' (str)",
        "x: parameter 'view' (from -p): 'intensty' is not one of scale, intensity (did you mean 'intensity'?)",
        "x: parameter 'weight' (from -p): 1.5 is outside the range 0–1",
    ]
