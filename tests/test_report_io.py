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
