"""HTML pages of executed notebooks: nbconvert's lab template, offline, inputs hidden, images
embedded, with a link back to the index; and the check that every saved figure is shown."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

_LOCAL = threading.local()

_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)")


@cache
def _exporter_class():
    """The HTML exporter class: nbconvert's, without its BeautifulSoup post-pass.

    ``HTMLExporter.from_notebook_node`` re-parses every page with BeautifulSoup only to add
    ``alt`` and ``tabindex`` attributes, which costs 0.2–0.7 s a page (more than the rendering);
    this subclass renders the template directly and adds the ``alt`` text with a regular
    expression. If nbconvert's internals differ from what this expects, the stock exporter runs.
    """
    from nbconvert import HTMLExporter

    try:
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    except ImportError:  # pragma: no cover - other nbconvert layouts
        return HTMLExporter

    class FastHTMLExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):  # noqa: D102
            try:
                langinfo = nb.metadata.get("language_info", {})
                lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
                highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
                resources = self._init_resources(resources)
                filter_data_type = WidgetsDataTypeFilter(
                    notebook_metadata=self._nb_metadata, parent=self, resources=resources
                )
            except (AttributeError, TypeError):  # pragma: no cover - other nbconvert versions
                return super().from_notebook_node(nb, resources, **kw)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            html_text, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_WITHOUT_ALT.sub('<img alt="Figure output" ', html_text), resources

    return FastHTMLExporter


def _html_exporter():
    """A per-thread nbconvert HTML exporter: inputs hidden, images embedded, no CDN scripts."""
    exporter = getattr(_LOCAL, "exporter", None)
    if exporter is None:
        from jinja2 import DictLoader

        # The lab template loads require.js, MathJax and mermaid from CDNs; drop those blocks so
        # the page renders offline and makes no network request.
        template = (
            "{%- extends 'lab/index.html.j2' -%}\n"
            "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
            "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
            "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
        )
        exporter = _exporter_class()(
            template_name="lab",
            extra_loaders=[DictLoader({"sovai_offline.html.j2": template})],
            template_file="sovai_offline.html.j2",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
        _LOCAL.exporter = exporter
    return exporter


_EXTERNAL_RE = re.compile(
    r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//[^>]*>|@import\s+url\(\s*[\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def external_resources(html_text: str) -> list[str]:
    """``<script>``/``<link>`` tags (and CSS ``@import``) in ``html_text`` that load from the network."""
    return _EXTERNAL_RE.findall(html_text)


#: Added to every notebook and profile page: a link back to the index, and wide tables that
#: scroll inside their box instead of being cut off at the page edge.
_PAGE_NAV = (
    "<style>.sovai-nav{font-family:system-ui,sans-serif;font-size:.9rem;padding:.5rem 1rem;"
    "border-bottom:1px solid #ddd;background:#fafafa}.jp-RenderedHTMLCommon table{display:block;"
    "overflow-x:auto;max-width:100%}.jp-OutputArea-output pre{overflow-x:auto}</style>"
    "<nav class='sovai-nav'><a href='{back}'>← sovai report index</a> · {title}</nav>"
)


def export_html(nb, title: str, back: str | None = "../index.html") -> str:
    """Export an executed notebook to self-contained HTML (see :func:`_html_exporter`).

    ``back`` is the relative link to the index shown at the top of the page (``None``: none).

    Raises
    ------
    RuntimeError
        If the page would still load a script or stylesheet from the network.
    """
    body, _ = _html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    if back is not None:
        nav = _PAGE_NAV.replace("{back}", html.escape(back, quote=True)).replace("{title}", html.escape(title))
        body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav, body, count=1)
    bad = external_resources(body)
    if bad:
        raise RuntimeError(f"HTML export of {title} references external resources: {bad[:3]}")
    return body


def figures_not_displayed(nb, files: Iterable[Path], page: str | None = None) -> list[str]:
    """PNG figures among ``files`` whose bytes are not an ``image/png`` output of ``nb`` (or of ``page``).

    Every figure a notebook saves should also be shown where a reader meets it: in the executed
    notebook and in its HTML page (images are embedded as base64). :func:`sovai.report_io.save_figure`
    makes the displayed PNG the saved one, so the comparison is by bytes.

    Returns
    -------
    list of str
        File names of the PNGs not displayed, sorted.
    """
    import base64

    shown: set[bytes] = set()
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            data = (out.get("data") or {}).get("image/png")
            if data:
                shown.add(base64.b64decode("".join(data) if isinstance(data, list) else data))
    missing = []
    for f in files:
        f = Path(f)
        if f.suffix.lower() != ".png" or not f.is_file():
            continue
        png = f.read_bytes()
        if png not in shown or (page is not None and base64.b64encode(png).decode("ascii") not in page):
            missing.append(f.name)
    return sorted(missing)
