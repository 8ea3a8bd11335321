"""Check the notebooks in a folder (CI runs this via `make lint`):

* no outputs or execution counts in git (keep diffs reviewable);
* the first code cell is tagged ``parameters``, holds only annotated literal assignments
  (``name: type = value  # comment``; ``int``, ``float``, ``str``, ``bool``, ``list``, ``dict`` or a
  union such as ``str | list``, which the build reads as the parameter's kind), each with a comment that
  ``papermill --help-notebook`` can show (no ``=`` inside the comment), and always defines
  ``output_dir``, ``seed`` and ``fast``;
* a report notebook (``NN-name.ipynb``) declares ``metadata.sovai.title``, ``description`` (one
  line, at most 160 characters: the build's index and manifest show it) and ``depends_on`` (the
  notebooks whose outputs it reads; the one place a dependency is declared).
"""

import ast
import json
import sys
from pathlib import Path

from sovai.build.notebooks import NOTEBOOK_RE  # the build's own rule for a report notebook's name

REQUIRED = {"output_dir", "seed", "fast"}
MAX_DESCRIPTION = 160


def check_metadata(nb_path: Path, nb: dict) -> list[str]:
    """Problems with a report notebook's ``metadata.sovai`` (title, description, depends_on)."""
    if not NOTEBOOK_RE.match(nb_path.stem):
        return []
    meta = nb.get("metadata", {}).get("sovai")
    if not isinstance(meta, dict):
        return ["metadata.sovai is missing: declare title, description and depends_on"]
    problems = []
    for key in ("title", "description"):
        value = meta.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"metadata.sovai.{key} is missing or empty")
    description = meta.get("description")
    if isinstance(description, str) and (len(description) > MAX_DESCRIPTION or "\n" in description):
        problems.append(f"metadata.sovai.description must be one line of at most {MAX_DESCRIPTION} characters")
    depends = meta.get("depends_on")
    if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
        problems.append("metadata.sovai.depends_on must be a list of notebook names (may be empty)")
    else:
        stems = {p.stem for p in nb_path.parent.glob("*.ipynb")}
        problems += [
            f"metadata.sovai.depends_on names {d!r}, which is not a notebook here" for d in depends if d not in stems
        ]
    return problems


def check(nb_path: Path) -> list[str]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    problems = check_metadata(nb_path, nb)
    cells = nb.get("cells", [])
    if any(c.get("cell_type") == "code" and (c.get("outputs") or c.get("execution_count")) for c in cells):
        problems.append("has outputs (run `make format` or nbstripout)")
    code = [c for c in cells if c.get("cell_type") == "code"]
    if not code:  # a page of prose only (the start page notebooks/index.ipynb): nothing to run
        return problems
    if "parameters" not in code[0].get("metadata", {}).get("tags", []):
        return [*problems, "first code cell is not tagged 'parameters'"]
    source = "".join(code[0]["source"]) if isinstance(code[0]["source"], list) else code[0]["source"]
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            target, value = node.target, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            target, value = node.targets[0], node.value
            problems.append(
                f"parameter {target.id!r} (line {node.lineno}) has no type annotation: write `{target.id}: type = value`"
            )
        else:
            problems.append(f"parameters cell line {node.lineno}: not a simple (or annotated) assignment")
            continue
        try:
            ast.literal_eval(value)
        except ValueError:
            problems.append(f"parameters cell line {node.lineno}: {target.id} is not a literal")
        names.add(target.id)
        line = source.splitlines()[node.lineno - 1]
        if "#" not in line:
            problems.append(f"parameter {target.id!r} has no comment")
        elif "=" in line.split("#", 1)[1]:
            problems.append(f"parameter {target.id!r}: '=' in the comment hides it from papermill --help-notebook")
    missing = REQUIRED - names
    if missing:
        problems.append(f"parameters cell lacks {sorted(missing)}")
    return problems


def main(folder: str) -> int:
    bad = 0
    for nb in sorted(Path(folder).glob("*.ipynb")):
        for p in check(nb):
            print(f"{nb}: {p}")
            bad += 1
    if bad:
        return 1
    print("notebooks: no outputs; parameters cells documented; metadata declared")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "notebooks"))
