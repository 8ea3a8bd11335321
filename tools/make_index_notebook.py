"""Write ``notebooks/index.ipynb``, the start page ``make lab`` opens, from ``notebooks/README.md``.

The README is the one text (it also reads well on a code host); the index notebook is the same
text with each notebook name linked to its file. ``--check`` exits 1 when the committed index
differs from what this script writes (a test runs it).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def index_notebook_text(readme: str) -> str:
    """The JSON text of the index notebook for the README text ``readme``."""
    from sovai.build.kernels import skip_slow_optional_imports

    skip_slow_optional_imports()  # 2 s of this tool's 3.5 s (measured 2026-12-03)
    import nbformat
    from nbformat.v4 import new_markdown_cell, new_notebook

    text = re.sub(r"\| `(\d\d-[a-z0-9-]+)` \|", lambda m: f"| [`{m.group(1)}`]({m.group(1)}.ipynb) |", readme)
    text = text.replace(
        "# The notebooks: which one answers which question",
        "# sovai notebooks — start here\n\nClick a notebook's name to open it. Which one answers which question:",
        1,
    )
    cell = new_markdown_cell(text)
    cell["id"] = "start-here"
    nb = new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (sovai)", "language": "python"}
    nb.metadata["sovai"] = {"title": "Start here"}
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if notebooks/index.ipynb is out of date")
    args = parser.parse_args(argv)
    target = NOTEBOOKS / "index.ipynb"
    text = index_notebook_text((NOTEBOOKS / "README.md").read_text(encoding="utf-8"))
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run python tools/make_index_notebook.py", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
