"""Tests for sovai.categorical.sources: source-quality classes, refusals and warnings, coverage of cited domains."""

from __future__ import annotations

from sovai import categorical as cat
from sovai.cli import main
from tests.categorical.support import HEADER, good_rows, write


def test_source_quality_classes_refusal_and_warning(tmp_path, capsys):
    table = cat.source_quality()
    assert table["grokipedia.com"][0] == "content_farm" and table["anuragverma.co"][0] == "personal"
    assert cat.source_class("https://www.oecd.ai/en/x") == "intergovernmental"
    assert cat.source_class("https://sub.grokipedia.com/page") == "content_farm"  # parent domain
    assert cat.source_class("not a url") is None
    farm = "DEU,public_compute,true,https://grokipedia.com/page/Gefion,t,2026-11-26,\n"
    weak = "IND,ai_law,false,https://anuragverma.co/world-watch,t,2026-11-26,\n"
    path = write(tmp_path, HEADER + good_rows() + farm + weak)
    warnings: list[str] = []
    problems = cat.validate_file(path, warnings=warnings)
    assert len(problems) == 1 and "'grokipedia.com'" in problems[0] and "content_farm" in problems[0]
    assert "line 9" in problems[0]
    assert any("'anuragverma.co'" in w and "'personal'" in w and "line 10" in w for w in warnings)
    assert any("example.org" in w and "not classified" in w for w in warnings)
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert "warning:" in err and "grokipedia" in err
    # the loader itself does not refuse (the build keeps working while sources are replaced)
    assert bool(cat.load_categorical(path).loc["DEU", "public_compute"])


def test_source_quality_file_covers_every_cited_domain(real_long):
    table = cat.source_quality()
    hosts = real_long.loc[real_long["origin"] == "hand", "source_url"].map(cat.url_domain).dropna()
    missing = sorted({h for h in hosts if cat.source_class("https://" + h, table) is None})
    assert len(missing) <= len(set(hosts)) // 4, missing  # tools/codings_report.py lists them
    assert set(v for v, _ in table.values()) <= set(cat.QUALITY_CLASSES)
