"""The contract between each notebook and its report module: ``run`` takes exactly the
notebook's parameters, keyword-only, with the same defaults (lists may be tuples, at any depth; an empty mapping may be ``None``)."""

from __future__ import annotations

import importlib
import inspect
import json

import pytest

from sovai import paths
from sovai.build.notebooks import notebook_parameters, read_notebook_json

MODULES = {
    "01-data-overview": "overview",
    "02-rankings": "rankings",
    "03-maps": "maps",
    "04-drivers": "drivers",
    "05-chokepoints": "chokepoints",
    "06-managed-interdependence": "interdependence",
    "07-country-profile": "profile",
}


@pytest.mark.parametrize("stem", sorted(MODULES))
def test_run_takes_exactly_the_notebook_parameters(stem):
    path = paths.NOTEBOOKS_DIR / f"{stem}.ipynb"
    defaults = notebook_parameters(read_notebook_json(path), path)
    signature = inspect.signature(importlib.import_module(f"sovai.reports.{MODULES[stem]}").run).parameters
    assert list(signature) == list(defaults)
    for name, param in signature.items():
        assert param.kind is inspect.Parameter.KEYWORD_ONLY, name
        default = json.loads(json.dumps(param.default))  # tuples (nested too) as lists
        if default is None and defaults[name] == {}:  # no mutable default in a signature
            default = {}
        assert default == defaults[name], name
