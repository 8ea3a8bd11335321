"""sovai._yaml: the C loader builds the same objects as PyYAML's Python SafeLoader."""

from __future__ import annotations

import pytest
import yaml

from sovai import _yaml, paths

YAML_FILES = sorted(
    [*paths.DATA_DIR.rglob("*.yaml"), *(paths.PROJECT_ROOT / "sovai").rglob("*.yaml")], key=lambda p: str(p)
)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_c_loader_reads_every_yaml_file_as_the_python_loader_does(path):
    text = path.read_text(encoding="utf-8")
    assert _yaml.safe_load(text) == yaml.load(text, Loader=yaml.SafeLoader)


def test_the_c_loader_is_used_where_pyyaml_has_it():
    assert len(YAML_FILES) >= 2
    assert _yaml.SAFE_LOADER is (yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)
    with pytest.raises(_yaml.YAMLError):
        _yaml.safe_load("a: [1, 2")
