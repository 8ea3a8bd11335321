"""The methods and codebook pages: rendered from docs/ and the codebook, data escaped."""

from __future__ import annotations

from sovai import paths
from sovai.build.site import pages as site_pages
from sovai.categorical import codebook


def test_methods_page_renders_the_docs_with_raw_html_escaped(tmp_path):
    (tmp_path / "architecture.md").write_text(
        "# Title\n\n| a | b |\n|---|---|\n| 1 | <script>x</script> |\n", encoding="utf-8"
    )
    page = site_pages.render_methods(tmp_path)
    assert "<h1>Title</h1>" in page and "<table>" in page
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    real = site_pages.render_methods(paths.DOCS_DIR)
    assert real.count("<section") >= 4 and "index.html" in real


def test_codebook_page_lists_every_variable_escaped():
    cb = codebook()
    page = site_pages.render_codebook(cb)
    for name in cb["variables"]:
        assert f"id='{name}'" in page
    hostile = {"version": 1, "variables": {"x": {"type": "boolean", "definition": "<img src=x onerror=alert(1)>"}}}
    assert "<img" not in site_pages.render_codebook(hostile)


def test_reference_pages_written(tmp_path):
    written = site_pages.write_reference_pages(tmp_path)
    assert {p.name for p in written} == {"methods.html", "codebook.html"} and all(
        p.stat().st_size > 1000 for p in written
    )
