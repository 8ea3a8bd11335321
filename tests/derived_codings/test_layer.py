"""Tests for sovai.derived_codings.layer: combine, the cache key over the code, the real layer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sovai import categorical as cat
from sovai import derived_codings as dc
from sovai.derived_codings import layer as dc_layer
from tests.derived_codings.support import derived_frame


def test_combine_true_beats_false_and_notes_the_other_rule():
    a = derived_frame(("TWN", "national_ai_strategy", "false"))
    b = derived_frame(("TWN", "national_ai_strategy", "true"))
    b["rule"] = "oecd_strategy"
    out = dc.combine(pd.concat([a, b], ignore_index=True))
    assert len(out) == 1 and out["value"].iloc[0] == "true" and "girai2026_nap=false" in out["note"].iloc[0]


def test_combine_keeps_only_the_target_countries():
    rows = derived_frame(
        ("PSE", "national_ai_strategy", "true"), ("HKG", "public_compute", "true"), ("FRA", "ai_law", "true")
    )
    assert dc.combine(rows)["iso3"].tolist() == ["FRA"]  # PSE, HKG are not among the 195 coded economies


# ------------------------------------------------------------------------------- cache key
def test_code_files_list_every_file_of_the_package():
    package = Path(dc.__file__).resolve().parent
    files = dc_layer._code_files()
    assert set(package.glob("*.py")) <= set(files) and all(f.exists() for f in files)
    assert {"girai.py", "top500.py", "epoch.py", "oecd_ai.py", "countries.py"} <= {f.name for f in files}


def test_cache_key_changes_when_any_file_of_the_package_changes(tmp_path, monkeypatch):
    package = Path(dc.__file__).resolve().parent
    files = dc_layer._code_files()
    copies = []
    for i, f in enumerate(files):  # a copy per file, same names (the key hashes name and content)
        dest = tmp_path / str(i) / f.name
        dest.parent.mkdir()
        shutil.copyfile(f, dest)
        copies.append(dest)
    monkeypatch.setattr(dc_layer, "_code_files", lambda: copies)
    base = dc.cache_key()
    edited = set()
    for f, copy in zip(files, copies, strict=True):
        if f.parent != package:
            continue
        edited.add(f.name)
        original = copy.read_bytes()
        copy.write_bytes(original + b"\n# edited\n")
        assert dc.cache_key() != base, f.name
        copy.write_bytes(original)
    assert edited == {f.name for f in package.glob("*.py")} and {"rules.py", "layer.py"} <= edited
    assert dc.cache_key() == base


# --------------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def layer():
    return dc.derived_codings()


def test_real_layer_is_derived_cited_and_unique(layer):
    assert len(layer) > 100
    assert set(layer["evidence"]) == {"derived"}
    assert not layer.duplicated(["iso3", "variable"]).any()
    assert layer["source_url"].str.match(r"^https://").all()
    assert layer["registry_key"].map(lambda k: k in __import__("sovai").registry.keys()).all()
    # absence from TOP500 / Epoch is never a false; GIRAI gives the only falses, for the strategy
    assert set(layer.loc[layer["value"] == "false", "variable"]) == {"national_ai_strategy"}


def test_real_layer_is_deterministic(layer):
    again = dc.derived_codings(use_cache=False)
    pd.testing.assert_frame_equal(layer.reset_index(drop=True), again.reset_index(drop=True))


def test_load_categorical_completes_hand_codings(layer):
    long = cat.load_categorical(long=True)
    hand_only = cat.load_categorical(long=True, derived=False)
    assert set(long["origin"]) == {"hand", "derived"} and set(hand_only["origin"]) == {"hand"}
    keyed = long.set_index(["iso3", "variable"])
    for rec in hand_only.head(50).itertuples(index=False):
        assert keyed.loc[(rec.iso3, rec.variable), "value"] == rec.value  # hand wins
    assert len(long) > len(hand_only)
