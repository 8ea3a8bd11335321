"""The site's Jinja templates (``templates/``), rendered with HTML autoescaping: every value from
data, a notebook or a user's file reaches a page as text, never as markup."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

TEMPLATES_DIR = Path(__file__).with_name("templates")


@cache
def environment():
    """The Jinja environment: autoescape on, undefined names are errors, no stray whitespace."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """Render ``templates/<template>`` with ``context``."""
    return environment().get_template(template).render(**context)
