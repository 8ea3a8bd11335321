"""The framework files under data/stack/ (one reader, no import-time reads) and the share-total rule."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from sovai import framework, stack
from sovai.errors import InputFileError
from sovai.sources import eto, usgs

LAYERS = [
    "minerals",
    "energy",
    "compute_hardware",
    "networks",
    "digital_infrastructure",
    "data",
    "models",
    "applications",
    "talent",
    "governance",
]


def _copy_stack_dir(tmp_path, monkeypatch, *names: str) -> None:
    for name in names:
        (tmp_path / name).write_bytes((framework.paths.STACK_DIR / name).read_bytes())
    monkeypatch.setattr(framework.paths, "STACK_DIR", tmp_path)


# --- reading --------------------------------------------------------------------------------------


def test_importing_the_analysis_modules_reads_no_framework_file():
    code = (
        "import pandas as pd\n"
        "def refuse(*args, **kwargs): raise AssertionError(f'read at import: {args[:1]}')\n"
        "pd.read_csv = refuse\n"
        "import sovai.framework, sovai.stack, sovai.panel, sovai.interdependence\n"
        "import sovai.reports.overview, sovai.reports.chokepoints, sovai.reports.interdependence\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_layers_file_has_the_ten_layers_in_stack_order():
    layers = framework.load_layers()
    assert list(layers["id"]) == LAYERS == list(framework.layer_ids())
    assert list(layers["order"]) == list(range(1, 11))
    assert (layers["description"].str.len() > 20).all()


def test_an_edited_file_is_read_again_and_a_returned_frame_is_a_copy(tmp_path, monkeypatch):
    _copy_stack_dir(tmp_path, monkeypatch, "layers.csv")
    first = framework.load_layers()
    first.loc[0, "name"] = "changed by a caller"
    assert framework.load_layers().loc[0, "name"] == "Minerals"  # the cached frame is not shared
    text = (tmp_path / "layers.csv").read_text(encoding="utf-8").replace(",Minerals,", ",Raw materials,")
    (tmp_path / "layers.csv").write_text(text, encoding="utf-8")
    assert framework.load_layers().loc[0, "name"] == "Raw materials"


def test_a_missing_file_names_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(framework.paths, "STACK_DIR", tmp_path)
    with pytest.raises(InputFileError, match=r"layers\.csv.*file not found"):
        framework.layer_ids()


def test_indicators_file_is_valid_and_covers_every_layer():
    ind = framework.load_indicators()
    counts = ind.groupby("layer").size()
    assert set(counts.index) == set(LAYERS)
    assert counts.min() >= 4 and len(ind) >= 45
    assert set(ind["direction"]) <= {1, -1}
    assert (ind["source"] != "").all() and (ind["licence"] != "").all()
    assert (ind["rationale"].str.len() > 20).all(), ind.loc[ind["rationale"].str.len() <= 20, "id"].tolist()
    assert (ind["theme"] != "").all()
    assert set(ind["kind"]) <= set(framework.KINDS) and (ind["census"] == ind["missing_means_zero"]).all()
    # binaries are the categorical codings; censuses are the sources that list every holder
    assert set(ind.loc[ind["kind"] == "binary", "source"]) == {"categorical"}
    assert not ind.loc[ind["census"], "source"].isin(["worldbank_wdi", "categorical", "github_innovation_graph"]).any()
    # no composite AI index as an input
    assert not ind["source"].isin(["girai", "owid_ai_index_2022"]).any()
    # non-commercial sources are flagged in the licence text
    nc = ind[ind["source"].isin(["eto_chip_explorer", "telegeography_submarine_cables"])]
    assert nc["licence"].str.contains("non-commercial").all()


def test_bad_indicator_file_names_row_and_column(tmp_path):
    original = pd.read_csv(framework.paths.STACK_DIR / "indicators.csv", dtype=str, keep_default_na=False)
    path = tmp_path / "indicators.csv"

    def write(ind: pd.DataFrame) -> None:
        ind.to_csv(path, index=False)

    ind = original.copy()
    ind.loc[2, "layer"] = "quantum"
    write(ind)
    with pytest.raises(InputFileError, match=r"row 3, column 'layer'.*unknown layer.*quantum"):
        framework.load_indicators(path)
    ind = original.copy()
    ind.loc[0, "direction"] = "2"
    write(ind)
    with pytest.raises(InputFileError, match=r"row 1, column 'direction'"):
        framework.load_indicators(path)
    ind = original.copy()
    ind.loc[4, "kind"] = "fuzzy"
    write(ind)
    with pytest.raises(InputFileError, match=r"row 5, column 'kind'.*fuzzy"):
        framework.load_indicators(path)
    ind = original.copy()
    row = int(ind.index[ind["census"] == "true"][0])
    ind.loc[row, "missing_means_zero"] = "false"
    write(ind)
    with pytest.raises(InputFileError, match=rf"row {row + 1}, column 'census'.*disagree"):
        framework.load_indicators(path)
    write(original.drop(columns=["subpillar", "theme", "rationale"]))
    assert (framework.load_indicators(path)["subpillar"] == "").all()  # optional columns


def test_curated_table_errors_name_file_row_column(tmp_path, monkeypatch):
    _copy_stack_dir(tmp_path, monkeypatch, "layers.csv")
    (tmp_path / "components.csv").write_text(
        "layer,component,description,chokepoint,measured_by,source_url,source_title\n"
        "minerals,Gallium,x,yes,,https://example.org,t\n"
        "chips,Design,x,yes,,https://example.org,t\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match=r"components\.csv, row 2, column 'layer'.*unknown layer 'chips'"):
        framework.load_components()


def test_cited_facts_have_primary_sources_not_weak_sites():
    facts = framework.load_chokepoint_facts()
    assert (facts["kind"] == "cited").all() and facts["source_url"].str.startswith("http").all()
    weak = ("hi-tech.ua", "globebanner.com", "centerconsulting.com", "seaisi.org")
    assert not facts["source_url"].str.contains("|".join(weak), regex=True).any()
    split = {f: framework.parse_country_shares(s) for f, s in zip(facts["fact_id"], facts["country_shares"])}
    assert split["advanced_logic_lt10nm"] == {"TWN": 69.0, "KOR": 31.0}
    assert split["hbm"]["KOR"] == 79.0


def test_parse_country_shares():
    assert framework.parse_country_shares("TWN=69;KOR=31") == {"TWN": 69.0, "KOR": 31.0}
    assert framework.parse_country_shares("") == {}
    with pytest.raises(ValueError, match="ISO3=value"):
        framework.parse_country_shares("Taiwan=69")


def test_proxies_are_read_as_text():
    proxies = framework.load_proxies()
    assert {"name", "driver", "builder", "transform"} <= set(proxies.columns)
    assert proxies["name"].is_unique and all(isinstance(v, str) for v in proxies.to_numpy().ravel())


# --- the share-total rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "status"),
    [(100.0, "ok"), (99.6, "ok"), (101.9, "rounding"), (98.2, "rounding"), (103.0, "over"), (90.0, "under")],
)
def test_share_status(total, status):
    assert framework.share_status(total) == status
    assert framework.share_status(None) == framework.share_status(pd.NA) == "no_shares"
    assert framework.share_status(101.0, tolerance=0.5) == "over"


def test_eto_usgs_and_stack_speak_the_one_vocabulary():
    vocabulary = set(framework.SHARE_STATUSES)
    assert set(eto.share_check()["status"]) <= vocabulary
    check = usgs.share_check().set_index("series")
    assert set(check["status"]) <= vocabulary
    assert check.loc["germanium (refinery production)", "status"] == "no_shares"  # USGS states no world total
    assert set(stack.chokepoints()["share_status"]) <= vocabulary
