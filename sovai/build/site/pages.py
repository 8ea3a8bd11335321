"""Reference pages of a build's site: ``methods.html`` (the methods documentation in ``docs/``)
and ``codebook.html`` (every coding variable: definition, coding rule, what ``false`` means, the
sources checked). Every text from a file is escaped: Markdown is rendered with raw HTML escaped,
and codebook values are inserted as text."""

from __future__ import annotations

import html
from pathlib import Path

#: Methods documents in reading order (those present are rendered).
METHODS_DOCS = ("architecture.md", "codings.md", "indicators.md", "composite.md", "chokepoints.md", "explorer.md")

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#222}"
    "table{border-collapse:collapse;display:block;overflow-x:auto}td,th{border:1px solid #ddd;padding:.25rem .5rem;"
    "vertical-align:top;text-align:left}pre{background:#f6f6f6;padding:.5rem;overflow-x:auto}"
    "nav a{margin-right:1rem}.muted{color:#666}dt{font-weight:600;margin-top:.4rem}"
)


def _page(title: str, body: str) -> str:
    e = html.escape
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
        f"<nav><a href='index.html'>← Index</a><a href='methods.html'>Methods</a><a href='codebook.html'>Codebook</a></nav>"
        f"<h1>{e(title)}</h1>{body}</body></html>\n"
    )


def render_methods(docs_dir: str | Path) -> str:
    """``methods.html``: the documents of :data:`METHODS_DOCS` found in ``docs_dir``, with a contents list."""
    import mistune

    md = mistune.create_markdown(escape=True, plugins=["table"])
    docs_dir = Path(docs_dir)
    found = [d for d in METHODS_DOCS if (docs_dir / d).is_file()]
    toc = "".join(f"<li><a href='#{html.escape(Path(d).stem)}'>{html.escape(Path(d).stem)}</a></li>" for d in found)
    parts = [f"<p class='muted'>The methods as built (from <code>docs/</code>).</p><ul>{toc}</ul>"]
    for d in found:
        text = (docs_dir / d).read_text(encoding="utf-8")
        parts.append(f"<section id='{html.escape(Path(d).stem)}'>{md(text)}</section><hr>")
    if not found:
        parts.append("<p>No methods documents found.</p>")
    return _page("sovai — methods", "".join(parts))


def render_codebook(codebook: dict) -> str:
    """``codebook.html``: one section per variable of the codebook (values inserted as escaped text)."""
    e = html.escape
    fields = [
        ("definition", "Definition"),
        ("coding_rule", "Coding rule"),
        ("false_means", "What false means"),
        ("protocol", "Protocol (sources checked for every country)"),
        ("sources_checked", "Sources checked"),
        ("inclusion_examples", "Examples"),
        ("caveat", "Caveat"),
    ]

    def text(value) -> str:
        if isinstance(value, list | tuple):
            return "<ul>" + "".join(f"<li>{text(v)}</li>" for v in value) + "</ul>"
        if isinstance(value, dict):
            return "<dl>" + "".join(f"<dt>{e(str(k))}</dt><dd>{text(v)}</dd>" for k, v in value.items()) + "</dl>"
        return e(str(value))

    variables = codebook.get("variables", {})
    parts = [
        f"<p class='muted'>Codebook version {e(str(codebook.get('version', '')))}, {e(str(codebook.get('date', '')))}: "
        "the categorical country data (the report's Appendix A, reconstructed). Missing is never 'no'.</p>",
        "<ul>" + "".join(f"<li><a href='#{e(v)}'>{e(v)}</a></li>" for v in variables) + "</ul>",
    ]
    grades = codebook.get("evidence_grades")
    if grades:
        parts.append(f"<h2>Evidence grades</h2>{text(grades)}")
    for name, spec in variables.items():
        parts.append(
            f"<h2 id='{e(name)}'>{e(name)}</h2><p class='muted'>type {e(str(spec.get('type', '')))}; group {e(str(spec.get('group', '')))}</p><dl>"
        )
        for key, label in fields:
            if spec.get(key):
                parts.append(f"<dt>{e(label)}</dt><dd>{text(spec[key])}</dd>")
        parts.append("</dl>")
    return _page("sovai — codebook", "".join(parts))


def write_reference_pages(out: str | Path) -> list[Path]:
    """Write ``methods.html`` and ``codebook.html`` into the build folder ``out`` (atomically).

    Skipped when both pages are newer than the documents, the codebook and this module (a
    no-change rebuild stays fast: no YAML or Markdown work)."""
    from sovai import _yaml, paths
    from sovai.atomic import atomic_write_text

    out = Path(out)
    targets = [out / "methods.html", out / "codebook.html"]
    book = paths.CATEGORICAL_DIR / "codebook.yaml"
    sources = [book, Path(__file__), *(paths.DOCS_DIR / d for d in METHODS_DOCS)]
    newest = max((p.stat().st_mtime_ns for p in sources if p.exists()), default=0)
    if all(t.exists() and t.stat().st_mtime_ns >= newest for t in targets):
        return targets
    return [
        atomic_write_text(targets[0], render_methods(paths.DOCS_DIR)),
        atomic_write_text(targets[1], render_codebook(_yaml.safe_load(book.read_text(encoding="utf-8")))),
    ]
