"""Report notebooks as files: discovery, the ``parameters`` cell and its schema, descriptions,
dependencies between notebooks.

Everything here reads the notebook JSON without a kernel (:mod:`ast` on the parameters cell), so
bad parameter values are reported before any notebook starts.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sovai import paths
from sovai.build.fingerprints import digest

#: Stem of the country-profile template notebook (run per country by :func:`profile`).
PROFILE_STEM = "07-country-profile"

#: Parameters every notebook must declare.
REQUIRED_PARAMETERS = ("output_dir", "seed", "fast")

#: Path parameters set by the build (left out of cache keys and of the recorded parameters).
PATH_PARAMETERS = ("output_dir", "reports_dir")

NOTEBOOK_RE = re.compile(r"^\d\d-[a-z0-9-]+$")


def read_notebook_json(path: Path) -> dict:
    """Read an ``.ipynb`` file as plain JSON (fast; no validation)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a valid notebook (JSON error at line {exc.lineno}: {exc.msg})") from exc


def cell_source(cell: dict) -> str:
    """A cell's source as one string (nbformat allows a list of lines)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def notebook_parameters(nb: dict, path: Path | str = "<notebook>") -> dict[str, Any]:
    """Literal defaults of the notebook's ``parameters`` cell (``{}`` if it has none).

    Raises
    ------
    ValueError
        If a parameter is not assigned a literal (papermill can only override literals).
    """
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            tree = ast.parse(cell_source(cell))
            out: dict[str, Any] = {}
            for node in tree.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    name, value = node.targets[0].id, node.value
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                    name, value = node.target.id, node.value
                else:
                    continue
                try:
                    out[name] = ast.literal_eval(value)
                except ValueError as exc:
                    raise ValueError(f"{path}: parameter {name!r} is not a literal ({ast.unparse(value)})") from exc
            return out
    return {}


@dataclass(frozen=True)
class Parameter:
    """One entry of a notebook's ``parameters`` cell: name, literal default and its comment.

    ``kind`` comes from the default (``bool``, ``int``, ``float``, ``str``, ``list``, ``dict`` or
    ``any`` for ``None``); ``choices`` from a comment listing the allowed words (``a | b | c``,
    ``…: a, b, c`` or ``"a" or "b"``, the default among them); ``bounds`` from a range such as
    ``(0-1)`` or ``(0-10,000)`` in the comment of a numeric parameter.
    """

    name: str
    default: Any
    comment: str
    kind: str
    choices: tuple[str, ...] = ()
    bounds: tuple[float, float] | None = None


_PARENS = re.compile(r"\([^()]*\)")

_RANGE = re.compile(r"\((-?\d[\d,]*(?:\.\d+)?)\s*[-–]\s*(-?\d[\d,]*(?:\.\d+)?)\)")

_WORD = re.compile(r"^[A-Za-z0-9_.+-]+$")


def _kind(value: Any) -> str:
    for kind, types in (("bool", bool), ("int", int), ("float", float), ("str", str), ("list", (list, tuple))):
        if isinstance(value, types):
            return kind
    return "dict" if isinstance(value, dict) else "any"


def _annotation_kind(annotation: str, default_kind: str) -> str:
    """The kind a parameter's annotation declares: a union (``str | list``) accepts any value.

    >>> _annotation_kind("float", "int"), _annotation_kind("str | list", "str"), _annotation_kind("list[str]", "list")
    ('float', 'any', 'list')
    """
    if "|" in annotation:
        return "any"
    base = annotation.split("[", 1)[0].strip()
    return base if base in {"int", "float", "str", "bool", "list", "dict"} else default_kind


def _choices(comment: str, default: Any) -> tuple[str, ...]:
    """Allowed words listed in a parameter comment (empty when the comment lists none)."""
    text = _PARENS.sub(" ", comment)
    if ":" in text:
        text = text.rsplit(":", 1)[1]
    tokens = [t.strip().strip("\"'").strip() for t in re.split(r"\||,|\bor\b", text)]
    tokens = [t for t in tokens if t]
    if len(tokens) < 2 or not all(_WORD.match(t) for t in tokens):
        return ()
    values = [default] if isinstance(default, str) else list(default) if isinstance(default, (list, tuple)) else None
    if not values or not all(isinstance(v, str) and v in tokens for v in values):
        return ()
    return tuple(dict.fromkeys(tokens))


def _bounds(comment: str, default: Any) -> tuple[float, float] | None:
    if _kind(default) not in ("int", "float"):
        return None
    for lo, hi in _RANGE.findall(comment):
        a, b = float(lo.replace(",", "")), float(hi.replace(",", ""))
        if a < b and a <= default <= b:
            return (a, b)
    return None


def parameter_schema(nb: dict, path: Path | str = "<notebook>") -> dict[str, Parameter]:
    """The notebook's parameters with their defaults, comments, kinds, choices and bounds.

    Read from the ``parameters`` cell without a kernel (:mod:`ast` and the line comments), so
    bad values are reported before any notebook starts (:func:`check_parameters`).
    """
    defaults = notebook_parameters(nb, path)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            lines = cell_source(cell).splitlines()
            out: dict[str, Parameter] = {}
            for node in ast.parse(cell_source(cell)).body:
                target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
                if not isinstance(target, ast.Name) or target.id not in defaults:
                    continue
                line = lines[node.end_lineno - 1] if node.end_lineno else ""
                comment = line.split("#", 1)[1].strip() if "#" in line else ""
                default = defaults[target.id]
                kind = _kind(default)
                if isinstance(node, ast.AnnAssign):  # an annotation wins over the default's type
                    kind = _annotation_kind(ast.unparse(node.annotation), kind)
                out[target.id] = Parameter(
                    target.id, default, comment, kind, _choices(comment, default), _bounds(comment, default)
                )
            return out
    return {}


_KIND_TEXT = {
    "bool": "true or false",
    "int": "a whole number",
    "float": "a number",
    "str": "a text",
    "list": "a list such as [a, b]",
    "dict": "a mapping such as {key: value}",
}


def did_you_mean(value: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the options close to ``value``, or ``""``."""
    import difflib

    options = list(options)
    lower = {o.lower(): o for o in options}
    close = difflib.get_close_matches(str(value).lower(), list(lower), n=3, cutoff=0.6)
    return f" (did you mean {' or '.join(repr(lower[c]) for c in close)}?)" if close else ""


def check_parameter(param: Parameter, value: Any) -> str | None:
    """What is wrong with ``value`` for ``param`` (``None`` when it is acceptable)."""
    kind, shown = param.kind, f"{value!r} ({type(value).__name__})"
    if kind == "bool" and not isinstance(value, bool):
        return f"expected {_KIND_TEXT[kind]}, got {shown}"
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        if not (isinstance(value, float) and value.is_integer()):
            return f"expected {_KIND_TEXT[kind]}, got {shown}"
    if kind == "float" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        return f"expected {_KIND_TEXT[kind]}, got {shown}"
    if kind == "str" and not isinstance(value, str):
        return f"expected {_KIND_TEXT[kind]}, got {shown}"
    if kind == "list" and not isinstance(value, (list, tuple)):
        return f"expected {_KIND_TEXT[kind]}, got {shown}"
    if kind == "dict" and not isinstance(value, dict):
        return f"expected {_KIND_TEXT[kind]}, got {shown}"
    if param.choices:
        values = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else []
        bad = [v for v in values if v not in param.choices]
        if bad:
            hint = did_you_mean(bad[0], param.choices)
            return f"{bad[0]!r} is not one of {', '.join(param.choices)}{hint}"
    if param.bounds is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        lo, hi = param.bounds
        if not lo <= value <= hi:
            return f"{value!r} is outside the range {lo:g}–{hi:g}"
    return None


def check_parameters(
    stem: str, schema: dict[str, Parameter], values: dict[str, Any], origin: dict[str, str]
) -> list[str]:
    """One line per bad value among ``values`` (``origin`` says where each came from)."""
    problems = []
    for name in sorted(values):
        if name in PATH_PARAMETERS or name not in schema:
            continue
        why = check_parameter(schema[name], values[name])
        if why:
            problems.append(f"{stem}: parameter {name!r} (from {origin.get(name, 'the notebook')}): {why}")
    return problems


def notebook_description(nb: dict) -> tuple[str, str]:
    """A notebook's title (``metadata.sovai.title`` or its first heading) and one-line description.

    The description is ``metadata.sovai.description`` or the first sentence of the first
    markdown cell's prose.
    """
    meta = nb.get("metadata", {}).get("sovai", {}) or {}
    title, prose = meta.get("title", ""), ""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            text = cell_source(cell)
            lines = [ln.strip() for ln in text.splitlines()]
            heading = next((ln.lstrip("# ").strip() for ln in lines if ln.startswith("#")), "")
            title = title or re.sub(r"^\d+\s*[—-]\s*", "", heading)
            body = " ".join(ln for ln in lines if ln and not ln.startswith("#") and not ln.startswith("*"))
            prose = re.split(r"(?<=[.?!:;])\s", body, maxsplit=1)[0] if body else ""
            break
    text = str(meta.get("description") or prose).rstrip(":;")
    if len(text) > 160:
        text = text[:157].rsplit(" ", 1)[0] + "…"
    return title, text


def notebook_source_hash(nb: dict) -> str:
    """sha256 of a notebook's cell types and sources (outputs and metadata are ignored)."""
    cells = [[c.get("cell_type"), cell_source(c)] for c in nb.get("cells", [])]
    return digest(cells)


def describe_notebook(path: Path) -> tuple[str, str]:
    """Title and one-line description of the notebook file ``path`` (see :func:`notebook_description`)."""
    return notebook_description(read_notebook_json(path))


def discover_notebooks(notebooks_dir: Path | None = None) -> list[Path]:
    """Report notebooks ``NN-name.ipynb`` in numeric order, without the profile template."""
    folder = Path(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS_DIR
    return [p for p in sorted(folder.glob("*.ipynb")) if NOTEBOOK_RE.match(p.stem) and p.stem != PROFILE_STEM]


def resolve_notebook_arg(arg: str, notebooks_dir: Path) -> Path:
    """The notebook file of a command-line argument. A notebook given on the command line: a path, a stem (``02-rankings``), or a prefix (``02``)."""
    p = Path(arg)
    if p.suffix == ".ipynb" and p.exists():
        return p.resolve()
    stem = p.name.removesuffix(".ipynb")
    exact = notebooks_dir / f"{stem}.ipynb"
    if exact.exists():
        return exact.resolve()
    matches = sorted(q for q in notebooks_dir.glob("*.ipynb") if q.stem.startswith(stem + "-") or q.stem == stem)
    if len(matches) == 1:
        return matches[0].resolve()
    stems = [q.stem for q in sorted(notebooks_dir.glob("*.ipynb"))]
    if len(matches) > 1:
        raise FileNotFoundError(f"notebook {arg!r} is ambiguous: {', '.join(q.stem for q in matches)}")
    hint = did_you_mean(stem, stems + [s.split("-", 1)[-1] for s in stems])
    for s_ in stems:  # "mpas" -> "maps" -> "03-maps"
        hint = hint.replace(repr(s_.split("-", 1)[-1]), repr(s_))
    available = ", ".join(stems) or "none"
    raise FileNotFoundError(f"notebook {arg!r} not found in {notebooks_dir}{hint}; available: {available}")


def notebook_depends_on(stem: str, nb: dict) -> list[str]:
    """The notebooks whose outputs ``nb`` reads: its ``metadata.sovai.depends_on`` list (the one
    place a dependency is declared; the build orders and invalidates by it)."""
    meta = nb.get("metadata", {}).get("sovai", {}) or {}
    return sorted(set(meta.get("depends_on", []) or []) - {stem})
