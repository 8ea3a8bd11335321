"""The declared stack inputs (:mod:`sovai.stack.declared`): builders, components and the ids the builders
yield checked against ``inputs.csv``.

The files themselves (layers, components, cited facts) are tested in ``tests/test_framework.py``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import framework, paths, stack  # noqa: E402
from sovai.errors import InputFileError  # noqa: E402

# --- curated tables -----------------------------------------------------------------------------


def test_declared_inputs_and_components_agree_with_builders():
    inputs = stack.declared_inputs()
    assert set(inputs["builder"]) <= set(stack.BUILDERS)
    assert inputs.loc[inputs["market_size_usd"].notna(), "market_source_url"].str.startswith("http").all()
    shares = stack.input_shares()
    explicit = set(inputs.loc[~inputs["input_id"].str.endswith(":*"), "input_id"])
    assert explicit <= set(shares["input_id"])  # every declared input is built
    assert stack.unknown_component_ids(shares) == []  # components.csv names only real ids
    assert set(framework.load_components()["layer"]) == set(framework.layer_ids())


def test_undeclared_builder_output_is_an_error(tmp_path, monkeypatch):
    src = paths.STACK_DIR
    for name in ("layers.csv", "components.csv", "chokepoint_facts.csv"):
        (tmp_path / name).write_text((src / name).read_text(encoding="utf-8"), encoding="utf-8")
    text = (src / "inputs.csv").read_text(encoding="utf-8").splitlines()
    monkeypatch.setattr(paths, "STACK_DIR", tmp_path)

    def use(lines: list[str]) -> None:
        (tmp_path / "inputs.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        stack._input_shares.cache_clear()  # the shares are cached per (since, mineral_year, groups)

    try:
        use([line.replace("cited:*,", "quoted:*,") for line in text])  # the cited builder's ids are undeclared
        with pytest.raises(InputFileError, match=r"inputs\.csv.*undeclared input id.*cited:hbm"):
            stack.input_shares(include=["cited"])
        use([line.replace(",usgs,indium (refinery),", ",usgs,tin (smelter),") for line in text])
        with pytest.raises(InputFileError, match=r"inputs\.csv.*tin \(smelter\)"):
            stack.input_shares(include=["minerals"])
        use([line.replace("top500_rmax", "nonsense") for line in text])
        with pytest.raises(InputFileError, match=r"inputs\.csv, row \d+, column 'builder'.*nonsense"):
            stack.declared_inputs()
    finally:
        stack._input_shares.cache_clear()
