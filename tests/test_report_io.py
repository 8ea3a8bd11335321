"""Figure and table writers: deterministic bytes, one layout for all formats, PNG reuse in IPython."""

from __future__ import annotations

import base64
import io

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from PIL import Image

from sovai import report_io


def _figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([1, 2, 3], [3, 1, 2])
    ax.set_title("a title that sets the tight bounding box")
    ax.set_ylabel("a long y label on the left")
    return fig


def test_save_figure_is_deterministic_and_tight(tmp_path):
    fig = _figure()
    first = report_io.save_figure(fig, tmp_path / "a" / "fig", ["png", "svg", "pdf"], dpi=100)
    assert [p.name for p in first] == ["fig.png", "fig.svg", "fig.pdf"]
    again = report_io.save_figure(fig, tmp_path / "b" / "fig", ["png", "svg", "pdf"], dpi=100)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    # the bounding box computed once equals the one savefig(bbox_inches="tight") finds itself
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    assert Image.open(first[0]).size == Image.open(buf).size
    assert Image.open(first[0]).size != tuple(int(x * 100) for x in fig.get_size_inches())
    # SVG text stays text (svg.fonttype none) and no run-dependent metadata is written
    svg = first[1].read_text()
    assert "<text" in svg and "a title that sets" in svg
    assert "<dc:date>" not in svg
    plt.close(fig)


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats

    ip = InteractiveShell.instance()
    select_figure_formats(ip, {"png"})  # what the inline backend registers
    yield ip
    InteractiveShell.clear_instance()


def test_ipython_displays_the_saved_png_until_the_figure_changes(tmp_path, shell):
    fig = _figure()
    (png_path,) = report_io.save_figure(fig, tmp_path / "fig", ["png"], dpi=150)
    data, meta = shell.display_formatter.format(fig, include=["image/png"])
    shown = data["image/png"]
    shown = base64.b64decode(shown) if isinstance(shown, str) else shown
    assert shown == png_path.read_bytes()  # no second rendering
    width, height = Image.open(png_path).size
    assert meta["image/png"] == {"width": round(width * fig.dpi / 150), "height": round(height * fig.dpi / 150)}
    assert fig.stale is False  # pyplot's interactive post-cell hook will not draw it again
    fig.axes[0].set_title("changed after saving")
    data, meta = shell.display_formatter.format(fig, include=["image/png"])
    again = data["image/png"]
    again = base64.b64decode(again) if isinstance(again, str) else again
    assert again != png_path.read_bytes()  # rendered afresh, showing the change
    assert "image/png" not in meta
    plt.close(fig)


def test_write_table_is_deterministic(tmp_path):
    df = pd.DataFrame({"b": [2.0, 1.0 / 3.0], "a": ["y", "x"]})
    path = report_io.write_table(df, tmp_path / "t.csv", sort=["a"])
    assert path.read_bytes() == b"b,a\n0.333333333333,x\n2,y\n"


HOSTILE = {
    "title": "<script>alert(document.cookie)</script>",
    "note": "<img src=x onerror=alert(1)> & more",
    "url": "javascript:alert(1)",
}


def test_html_table_escapes_values_and_refuses_unsafe_links():
    import pandas as pd

    from sovai.report_io import html_table, safe_url

    df = pd.DataFrame(
        {
            "variable": ["ai_law", "public_compute", "chip_programme"],
            "value": ["yes", "not coded", "<b>no</b>"],
            "source_url": [HOSTILE["url"], pd.NA, "https://example.org/a?b=1&c=2"],
            "source_title": [HOSTILE["title"], pd.NA, "A 'quoted' \"title\""],
            "note": [HOSTILE["note"], pd.NA, ""],
        }
    )
    page = html_table(df, links={"source": ("source_url", "source_title")})
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "javascript:" not in page.split("<code>")[0]  # shown as text only, inside <code>
    assert 'href="javascript' not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(document.cookie)&lt;/script&gt;" in page
    assert page.count("<a ") == 1 and 'href="https://example.org/a?b=1&amp;c=2"' in page
    assert page.count("<th>") == 4  # variable, value, note, source (url and title columns folded into source)
    for bad in ("javascript:alert(1)", " JaVa\tscript:alert(1)", "data:text/html,x", "//evil.org", "http:/x", None):
        assert safe_url(bad) is None, bad
    assert safe_url(" https://ok.org/x ") == "https://ok.org/x"


def test_interactive_runs_never_write_into_the_built_report(monkeypatch, capsys, tmp_path):
    from sovai import paths
    from sovai.report_io import resolve_output_dir

    monkeypatch.delenv("SOVAI_BUILD_OUT", raising=False)
    report_dir = paths.PROJECT_ROOT / "reports"
    assert resolve_output_dir(report_dir) == paths.SCRATCH_DIR
    assert "writes to" in capsys.readouterr().out  # said once, not silently
    assert resolve_output_dir(None) == resolve_output_dir("") == paths.SCRATCH_DIR
    assert resolve_output_dir(tmp_path) == tmp_path  # any other folder as given
    monkeypatch.setenv("SOVAI_BUILD_OUT", str(report_dir) + "/")
    assert resolve_output_dir(report_dir) == report_dir  # inside `sovai build`: the build's folder


def test_headlines_show_as_a_small_table_and_are_still_collected(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw, metadata: shown.append((data, metadata)))
    report_io.record_headline("rank_<b>", 1.385318314e-21, tolerance=0, note="of 194 & more")
    ((data, metadata),) = shown
    assert "application/json" not in data  # JupyterLab would show a JSON tree
    assert "<table" in data["text/html"] and "rank_&lt;b&gt;" in data["text/html"] and "&amp; more" in data["text/html"]
    nb = {"cells": [{"outputs": [{"output_type": "display_data", "data": data, "metadata": metadata}]}]}
    got = report_io.headlines_from_notebook(nb)["rank_<b>"]
    assert got == {"name": "rank_<b>", "value": 1.385318314e-21, "tolerance": 0, "note": "of 194 & more"}
    # notebooks executed before the change kept the record as application/json
    old = {"data": {"application/json": got}, "metadata": {"sovai_headline": True}}
    assert report_io.headlines_from_notebook({"cells": [{"outputs": [old]}]})["rank_<b>"] == got
