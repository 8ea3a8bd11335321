"""Build orchestration: execute the notebooks with papermill, cache, export HTML, write the index.

``sovai build`` and ``sovai profile`` (DESIGN.md §6) call :func:`build` and :func:`profile`.

How a build works
-----------------
1. **Discover** the notebooks (``notebooks/NN-name.ipynb``; the country-profile notebook is a
   template that is run once per country, not as a report notebook) and read the literal defaults
   of each notebook's ``parameters`` cell (parsed with :mod:`ast`, no kernel needed).
2. **Resolve parameters**, later layers winning::

       notebook defaults < reports/params/<stem>.yaml < OUT/params/<stem>.yaml < -f FILE
                         < -p KEY VALUE < --fast

   ``-p``/``-f`` values apply to every selected notebook that declares that parameter (a key no
   notebook declares is a usage error); a ``-f`` file may also hold per-notebook sections
   (``{"02-rankings": {...}}``). ``output_dir`` is always the absolute build folder (for a
   profile ``OUT/profiles/ISO3``, and its ``reports_dir`` the build folder, whose rankings
   tables it reuses). Unknown keys in a parameter file are errors naming the file. Every value
   is checked against the notebook's parameter schema (:func:`parameter_schema`: the kind of the
   literal default, choices and ranges listed in its comment) before any kernel starts; all
   problems are reported at once, one line each, with "did you mean" for near misses. Offline
   (``SOVAI_OFFLINE``), a build whose raw files are not all local stops here too, in one
   paragraph (:func:`check_data_available`).
3. **Order**: notebooks run in parallel (``--jobs``, default: number of cores), but a notebook
   waits for the notebooks it reads outputs from: :data:`DEPENDS_ON` plus the notebook's own
   ``metadata.sovai.depends_on`` list. Profiles run after the report notebooks they depend on.
4. **Cache**: a notebook is skipped when its cache key is unchanged and its outputs exist. The
   key hashes the notebook's cell sources, its resolved parameters, the package (version and the
   sha256 of every ``sovai/**/*.py`` and ``registry.toml``), the input data (pinned registry
   hashes and every file under ``data/``), the Python version and, per dependency, its key and
   the sha256 of the tables it wrote as they are now. Records live in
   ``OUTPUT_DIR/.cache/records/``; each stores the hash of every ingredient and of every output
   file, so a re-run says why (``[02-rankings] started (parameters changed)``), and an output
   changed outside the build (a notebook run by hand into the report folder) makes its notebook
   run again. Building some notebooks also plans the notebooks and profiles already built in
   ``OUT`` that depend on them (they run when the tables they read changed), so a folder never
   mixes a new ranking with maps of the old one; profiles record their settings and the index
   marks those built with other settings than the current ones.
5. **Execute**: ``--jobs`` worker threads each run one notebook at a time in a kernel of the
   running interpreter (``sys.executable``: the kernel is always the virtual environment's
   Python, whatever kernelspecs are installed), with cwd ``notebooks/``,
   into a temporary file; on success the executed notebook and its HTML are renamed into place,
   so a failing notebook keeps its last good output (the failed run and the kernel's stderr are
   kept under ``.cache/failures/``) and the build exits 1 naming notebook, cell and error.
   Each worker reuses one warm kernel for all its jobs (:data:`REUSE_KERNELS`): after each
   notebook the namespace is reset, figures closed, and rcParams, warning filters and cwd
   restored to the fresh kernel's, while imported modules and their caches stay loaded — later
   notebooks and profiles skip the imports and data loading (the tables and figures are
   byte-identical to fresh-kernel runs; the smoke test checks it). A kernel-side
   audit hook records which files each notebook wrote (figures, tables) and which raw files it
   read (for attribution in the index).
   The HTML is exported in-process (nbconvert's lab template without the require.js, MathJax and
   mermaid CDN scripts, inputs hidden, images embedded), so pages render offline.
6. **Site**: ``OUTPUT_DIR/index.html`` (notebooks, profiles, figure gallery, tables, parameters,
   timings, data attributions and licence flags) and ``OUTPUT_DIR/manifest.json`` (input hashes,
   parameters, package versions, git commit, timings, headline numbers) are rewritten from all
   records after every build, with sorted keys.

Layout of ``OUTPUT_DIR``::

    index.html  manifest.json
    notebooks/NN-name.ipynb   html/NN-name.html      executed report notebooks
    figures/  tables/                                written by the notebooks
    profiles/ISO3.html  profiles/ISO3.ipynb  profiles/ISO3/   country profiles
    .cache/records/  .cache/failures/  .cache/data/     cache records, failed runs, data cache

Notebooks may cache expensive intermediate results across runs and profiles with
:func:`cached_result` (a pickle keyed by the input hashes, under ``.cache/data/``).
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from sovai import paths
from sovai.atomic import _umask, atomic_write_text
from sovai.errors import EXIT_FAILED, EXIT_OK  # the one exit-code table

#: Stem of the country-profile template notebook (run per country by :func:`profile`).
PROFILE_STEM = "07-country-profile"
#: Built-in dependencies between report notebooks (a notebook's ``metadata.sovai.depends_on``
#: list is added to these): the maps notebook reads the rankings tables.
DEPENDS_ON: dict[str, list[str]] = {"03-maps": ["02-rankings"], PROFILE_STEM: []}
#: Distributions whose versions are recorded in the manifest.
VERSION_PACKAGES = ("pandas", "numpy", "statsmodels", "geopandas", "matplotlib", "papermill", "nbconvert", "sovai")
#: Parameters every notebook must declare.
REQUIRED_PARAMETERS = ("output_dir", "seed", "fast")
#: Path parameters set by the build (left out of cache keys and of the recorded parameters).
PATH_PARAMETERS = ("output_dir", "reports_dir")
#: Every job (report notebooks and country profiles) runs in one warm kernel per worker thread,
#: its namespace, figures, rcParams and warning registries reset between notebooks (see
#: :data:`_KERNEL_RESET`). ``False``: a fresh kernel for every notebook (slower: each pays the
#: kernel start-up and the imports; the tables are byte-identical either way, which
#: ``tests/test_notebooks_smoke.py`` checks).
REUSE_KERNELS = True
#: Kernel start-up timeout and per-cell timeout (seconds; ``None`` = no limit).
START_TIMEOUT = 120
CELL_TIMEOUT: int | None = None
NOTEBOOK_RE = re.compile(r"^\d\d-[a-z0-9-]+$")


# --------------------------------------------------------------------------------------------
# hashing and fingerprints
# --------------------------------------------------------------------------------------------


def _sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def package_fingerprint() -> dict[str, str]:
    """Version and source hash of the ``sovai`` package (every ``*.py`` file and ``registry.toml``)."""
    import sovai

    h = hashlib.sha256()
    files = sorted(p for p in paths.PACKAGE_DIR.rglob("*") if p.suffix in (".py", ".toml", ".j2") and p.is_file())
    for p in files:
        if "__pycache__" in p.parts:
            continue
        h.update(p.relative_to(paths.PACKAGE_DIR).as_posix().encode())
        h.update(b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return {"version": sovai.__version__, "source_sha256": h.hexdigest()}


def input_hashes(data_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """Hashes of every input: pinned raw files (registry sha256) and the curated files in ``data/``.

    Parameters
    ----------
    data_dir
        Folder of curated data (default ``paths.DATA_DIR``); every file below it is hashed.

    Returns
    -------
    dict
        ``{"registry": {key: sha256}, "data": {relative/path: sha256}}``, keys sorted.
    """
    from sovai.registry import load_registry

    data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
    reg = {k: e.sha256 for k, e in sorted(load_registry().items())}
    data: dict[str, str] = {}
    if data_dir.is_dir():
        for p in sorted(data_dir.rglob("*")):
            rel = p.relative_to(data_dir)
            if p.is_file() and not any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                data[rel.as_posix()] = _sha256_file(p)
    return {"registry": reg, "data": data}


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages in :data:`VERSION_PACKAGES` (``"not installed"`` if absent)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in VERSION_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit(root: Path | None = None) -> str | None:
    """The current git commit of the project (``None`` outside a git checkout)."""
    try:
        res = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root or paths.PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None


# --------------------------------------------------------------------------------------------
# notebooks and parameters
# --------------------------------------------------------------------------------------------


def read_notebook_json(path: Path) -> dict:
    """Read an ``.ipynb`` file as plain JSON (fast; no validation)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a valid notebook (JSON error at line {exc.lineno}: {exc.msg})") from exc


def _cell_source(cell: dict) -> str:
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
            tree = ast.parse(_cell_source(cell))
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
            lines = _cell_source(cell).splitlines()
            out: dict[str, Parameter] = {}
            for node in ast.parse(_cell_source(cell)).body:
                target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
                if not isinstance(target, ast.Name) or target.id not in defaults:
                    continue
                line = lines[node.end_lineno - 1] if node.end_lineno else ""
                comment = line.split("#", 1)[1].strip() if "#" in line else ""
                default = defaults[target.id]
                kind = _kind(default)
                if isinstance(node, ast.AnnAssign):  # an annotation wins over the default's type
                    kind = {"int": "int", "float": "float", "str": "str", "bool": "bool"}.get(
                        ast.unparse(node.annotation), kind
                    )
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


def _did_you_mean(value: str, options: Iterable[str]) -> str:
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
            hint = _did_you_mean(bad[0], param.choices)
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
            text = _cell_source(cell)
            lines = [ln.strip() for ln in text.splitlines()]
            heading = next((ln.lstrip("# ").strip() for ln in lines if ln.startswith("#")), "")
            title = title or re.sub(r"^\d+\s*[—-]\s*", "", heading)
            body = " ".join(ln for ln in lines if ln and not ln.startswith("#") and not ln.startswith("*"))
            prose = re.split(r"(?<=[.?!:;])\s", body, maxsplit=1)[0] if body else ""
            break
    stem = nb.get("metadata", {}).get("sovai", {}).get("stem", "")
    text = str(meta.get("description") or DESCRIPTIONS.get(stem) or prose).rstrip(":;")
    if len(text) > 160:
        text = text[:157].rsplit(" ", 1)[0] + "…"
    return title, text


#: One-line descriptions of the report notebooks (``metadata.sovai.description`` wins).
DESCRIPTIONS = {
    "01-data-overview": "What the analysis is built from: every raw source, its licence and country coverage, and the coverage of the codings.",
    "02-rankings": "Claim 2: countries ranked on each of the 10 layers of the AI stack and overall, with rank intervals.",
    "03-maps": "World maps of the codings (stance, instruments, drivers) and of the overall and layer ranks.",
    "04-drivers": "Claim 1: which drivers (security, resilience, economy, culture-language) go with which instruments.",
    "05-chokepoints": "Claim 3: how concentrated world supply of each stack input is (HHI, top-1 and top-3 shares).",
    "06-managed-interdependence": "Claim 4: dependencies by layer, bloc exposure, coalitions covering every chokepoint, diversification.",
    "07-country-profile": "One country on every dimension: layer ranks, instruments with sources, drivers, exposure.",
}


def notebook_source_hash(nb: dict) -> str:
    """sha256 of a notebook's cell types and sources (outputs and metadata are ignored)."""
    cells = [[c.get("cell_type"), _cell_source(c)] for c in nb.get("cells", [])]
    return _sha256_bytes(_json(cells).encode())


def describe_notebook(path: Path) -> tuple[str, str]:
    """Title and one-line description of the notebook file ``path`` (see :func:`notebook_description`)."""
    nb = read_notebook_json(path)
    nb.setdefault("metadata", {}).setdefault("sovai", {}).setdefault("stem", Path(path).stem)
    return notebook_description(nb)


def discover_notebooks(notebooks_dir: Path | None = None) -> list[Path]:
    """Report notebooks ``NN-name.ipynb`` in numeric order, without the profile template."""
    folder = Path(notebooks_dir) if notebooks_dir is not None else paths.NOTEBOOKS_DIR
    return [p for p in sorted(folder.glob("*.ipynb")) if NOTEBOOK_RE.match(p.stem) and p.stem != PROFILE_STEM]


def _resolve_notebook_arg(arg: str, notebooks_dir: Path) -> Path:
    """A notebook given on the command line: a path, a stem (``02-rankings``), or a prefix (``02``)."""
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
    hint = _did_you_mean(stem, stems + [s.split("-", 1)[-1] for s in stems])
    for s_ in stems:  # "mpas" -> "maps" -> "03-maps"
        hint = hint.replace(repr(s_.split("-", 1)[-1]), repr(s_))
    available = ", ".join(stems) or "none"
    raise FileNotFoundError(f"notebook {arg!r} not found in {notebooks_dir}{hint}; available: {available}")


def _load_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: invalid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of parameter names to values, found {type(data).__name__}")
    return data


def _default_params_dirs(out: Path) -> list[Path]:
    """Folders of per-notebook parameter files: the committed ``reports/params`` and ``OUT/params``."""
    dirs = [paths.PROJECT_ROOT / "reports" / "params"]
    if (out / "params").resolve() != dirs[0].resolve():
        dirs.append(out / "params")
    return dirs


# --------------------------------------------------------------------------------------------
# jobs, records, progress
# --------------------------------------------------------------------------------------------


@dataclass
class Job:
    """One notebook execution (a report notebook or one country profile)."""

    name: str
    kind: str  # "notebook" | "profile"
    source: Path
    params: dict[str, Any]
    ipynb: Path
    html: Path
    depends_on: list[str] = field(default_factory=list)
    source_hash: str = ""
    key: str = ""
    status: str = "pending"  # pending | cached | ok | failed | blocked
    duration: float = 0.0
    error: str | None = None
    priority: float = 0.0
    key_parts: dict[str, str] = field(default_factory=dict)
    reason: str = ""

    @property
    def record_id(self) -> str:
        """File stem of the job's cache record (``notebook-02-rankings``, ``profile-DEU``)."""
        return f"{self.kind}-{self.name}"


class Progress:
    """Thread-safe progress display: a live status line on a TTY, plain lines otherwise."""

    def __init__(self, stream=None, quiet: bool = False) -> None:
        self.stream = stream or sys.stdout
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.quiet = quiet
        self.lock = threading.Lock()
        self.current: dict[str, str] = {}
        self.done = 0
        self.total = 0

    def _status(self) -> str:
        running = " ".join(f"[{n} {c}]" for n, c in sorted(self.current.items()))
        return f"({self.done}/{self.total}) {running}"[:200]

    def _emit(self, line: str | None) -> None:
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r\x1b[K")
            if line:
                self.stream.write(line + "\n")
            self.stream.write(self._status())
        elif line:
            self.stream.write(line + "\n")
        self.stream.flush()

    def cell(self, name: str, index: int, total: int) -> None:
        """Report that ``name`` started cell ``index`` of ``total``."""
        with self.lock:
            self.current[name] = f"cell {index}/{total}"
            if self.tty:  # piped (CI, a log file): only start, finish and failures, not every cell
                self._emit(None)

    def event(self, name: str, message: str, *, finished: bool = False) -> None:
        """Print a line about ``name`` (``finished`` counts it as done)."""
        with self.lock:
            if finished:
                self.current.pop(name, None)
                self.done += 1
            self._emit(f"[{name}] {message}")

    def close(self) -> None:
        """Clear the status line."""
        if self.tty and not self.quiet:
            with self.lock:
                self.stream.write("\r\x1b[K")
                self.stream.flush()


# --------------------------------------------------------------------------------------------
# kernel and engine
# --------------------------------------------------------------------------------------------

#: Code run in every kernel at start-up: an audit hook that logs the files the notebook writes
#: under the build folder and the raw/curated files it reads (for the manifest and attributions;
#: the log path and prefixes come from environment variables set by the build), and a snapshot
#: of the fresh kernel's state (pyplot with the inline backend imported, rcParams, warning
#: filters, cwd) that :data:`_KERNEL_RESET` restores between notebooks in a reused kernel.
_KERNEL_STARTUP = r"""
def _sovai_install_tracker():
    import os, sys
    log = os.environ.get("SOVAI_BUILD_LOG")
    if not log:
        return
    out = os.environ.get("SOVAI_BUILD_OUT", "")
    reads = tuple(p for p in os.environ.get("SOVAI_BUILD_READS", "").split(os.pathsep) if p)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    def hook(event, args):
        if event == "open":
            path, mode = args[0], args[1]
            writing = mode is not None and ("w" in mode or "a" in mode or "x" in mode or "+" in mode)
        elif event == "os.rename":
            path, writing = args[1], True
        else:
            return
        if not isinstance(path, str):
            return
        if (path.startswith(out) if writing else path.startswith(reads)):
            os.write(fd, ("W" if writing else "R").encode() + b"\t" + path.encode("utf-8", "replace") + b"\n")
    sys.addaudithook(hook)
_sovai_install_tracker()
del _sovai_install_tracker

def _sovai_snapshot():
    # the state a fresh kernel starts from, restored between notebooks in a reused kernel:
    # matplotlib's rcParams after the inline backend is set up, warning filters, the cwd
    import os, sys, types, warnings
    import matplotlib, matplotlib.pyplot
    import numpy
    # load the backend now: importing the inline backend turns interactive mode on (IPython's
    # matplotlib integration), which is what shows a figure at the end of a cell. Snapshotting
    # before that would restore interactive=False after the first notebook, and later notebooks
    # in the warm kernel would show no figure that they do not display explicitly
    matplotlib.pyplot.switch_backend(matplotlib.get_backend())
    rc = dict(matplotlib.rcParams.copy())
    rc.pop("backend", None)
    sys.modules["_sovai_kernel_state"] = types.SimpleNamespace(
        rc=rc, filters=list(warnings.filters), cwd=os.getcwd(), numpy_print=numpy.get_printoptions()
    )
    import gc
    gc.freeze()  # start-up objects live as long as the kernel: keep them out of collections
_sovai_snapshot()
del _sovai_snapshot
"""

#: Run in a reused kernel after each notebook: a clean namespace, no figures, the rcParams,
#: warning filters, cwd, numpy print options and pandas options of a fresh kernel, empty warning registries (so a warning shows again
#: in the next notebook), execution counts from 1. Imported modules and their caches are kept
#: on purpose: they are what makes the next notebook start warm.
_KERNEL_RESET = r"""
def _sovai_reset():
    import gc, os, sys, warnings
    import matplotlib, matplotlib.pyplot
    matplotlib.pyplot.close("all")
    state = sys.modules.get("_sovai_kernel_state")
    if state is not None:
        matplotlib.rcParams._update_raw(state.rc)
        warnings.filters[:] = state.filters
        os.chdir(state.cwd)
        import numpy
        numpy.set_printoptions(**state.numpy_print)
    if "pandas" in sys.modules:  # display options (a notebook may set max_colwidth, say)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.modules["pandas"].reset_option("all")
    for module in list(sys.modules.values()):
        registry = getattr(module, "__warningregistry__", None)
        if isinstance(registry, dict):
            registry.clear()
    getattr(warnings, "_filters_mutated", lambda: None)()
    # %reset -f, but with one garbage collection instead of three (each scans the whole heap of
    # imported modules); what survives is frozen, so the next notebook's collections skip it
    collect, gc.collect = gc.collect, lambda *args, **kwargs: 0
    try:
        get_ipython().reset(new_session=False)
    finally:
        gc.collect = collect
    gc.collect()
    gc.freeze()
    get_ipython().execution_count = 1
_sovai_reset()  # the reset also removes this function from the namespace
"""


def _kernel_argv() -> list[str]:
    return [
        sys.executable,
        "-m",
        "ipykernel_launcher",
        "-f",
        "{connection_file}",
        "--HistoryManager.enabled=False",
        "--IPKernelApp.exec_lines=" + json.dumps([_KERNEL_STARTUP]),
    ]


@cache
def _kernel_spec_manager_class():
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from traitlets import Dict

    class VenvKernelSpecManager(KernelSpecManager):
        """Kernel specs that always launch the running interpreter (the project's venv)."""

        kernel_env = Dict()

        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:  # noqa: D102
            return KernelSpec(
                argv=_kernel_argv(),
                display_name="Python 3 (sovai)",
                language="python",
                env=dict(self.kernel_env),
                metadata={"debugger": False},
            )

    return VenvKernelSpecManager


def new_kernel_manager(env: dict[str, str] | None = None):
    """An (unstarted) kernel manager for the running interpreter, with extra environment ``env``."""
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager(
        kernel_name="python3", kernel_spec_manager=_kernel_spec_manager_class()(kernel_env=env or {})
    )


def _skip_slow_optional_imports() -> None:
    """Keep ``rfc3987_syntax`` out of the build process (call before nbformat is imported).

    nbformat imports jsonschema, which imports the optional ``rfc3987_syntax`` when it is
    installed; that compiles a grammar at import (2.3 s on the reference machine). nbformat's
    schema has no IRI formats to check, so nothing is lost.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


@cache
def _engine():
    """Register (once) and return the papermill engine name that reports cell progress."""
    _skip_slow_optional_imports()
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class SovaiEngine(NBClientEngine):
        """nbclient engine with a cell-progress callback, a kernel cwd, and optional kernel reuse.

        ``kernel_manager`` is a kernel manager (started or not); with ``keep_kernel`` the kernel is
        left running after the notebook, its namespace reset (:data:`_KERNEL_RESET`), so the next
        notebook in the same thread can reuse it (imports and module caches stay warm).
        """

        @classmethod
        def execute_managed_notebook(  # noqa: D102
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            on_cell: Callable[[int, int], None] | None = None,
            kernel_cwd: str | None = None,
            kernel_manager=None,
            keep_kernel: bool = False,
            kernel_log: str | None = None,
            **kwargs,
        ):
            if on_cell is not None:
                original = nb_man.cell_start
                total = len(nb_man.nb.cells)

                def cell_start(cell, cell_index=None, **kw):
                    on_cell((cell_index or 0) + 1, total)
                    return original(cell, cell_index, **kw)

                nb_man.cell_start = cell_start
            client = PapermillNotebookClient(
                nb_man,
                km=kernel_manager if kernel_manager is not None else new_kernel_manager(),
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                resources={"metadata": {"path": kernel_cwd}} if kernel_cwd else {},
                shutdown_kernel="immediate",  # outputs are all in; no need to wait for a clean exit
            )
            client.owns_km = not keep_kernel  # owner: shut the kernel down when the notebook is done
            # the kernel process's own stderr (start-up warnings, C-level messages) goes to a log
            with open(kernel_log or os.devnull, "ab") as log:
                nb = client.execute(stdout=log, stderr=log)
            if keep_kernel:
                msg_id = client.kc.execute(_KERNEL_RESET, silent=True, store_history=False)
                client.wait_for_reply(msg_id)
                client.kc.stop_channels()
            return nb

    papermill_engines.register("sovai", SovaiEngine)
    return "sovai"


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


# --------------------------------------------------------------------------------------------
# the builder
# --------------------------------------------------------------------------------------------


def unknown_country_message(selection, parameter: str) -> str | None:
    """A one-line error for the entries of ``selection`` that are no country or group, with
    "did you mean" suggestions (ISO3 codes, names and group names); ``None`` if all resolve."""
    import difflib

    from sovai.countries import GROUPS, reference_table, resolve_countries

    items = [selection] if isinstance(selection, str) else list(selection or [])
    bad = []
    for item in items:
        try:
            resolve_countries([item], parameter=parameter)
        except ValueError:
            bad.append(str(item))
    if not bad:
        return None
    ref = reference_table()
    ref = ref[ref["target"]] if "target" in ref.columns else ref
    options = {code.lower(): f"{code} ({name})" for code, name in zip(ref.index, ref["name"])}
    options.update({str(name).lower(): f"{code} ({name})" for code, name in zip(ref.index, ref["name"])})
    options.update({g.lower(): f"{g} (group)" for g in GROUPS})
    parts = []
    for name in bad:
        close = difflib.get_close_matches(name.lower(), list(options), n=3, cutoff=0.6)
        hint = f" — did you mean {' or '.join(dict.fromkeys(options[c] for c in close))}?" if close else ""
        parts.append(f"{name!r}{hint}")
    return (
        f"parameter {parameter!r}: not a country or group: {'; '.join(parts)}. "
        f"Give ISO3 codes (DEU), names (Germany) or a group ({', '.join(GROUPS)})."
    )


class Builder:
    """Runs a set of jobs into one output folder; see the module docstring."""

    def __init__(
        self,
        out: Path,
        *,
        jobs: int | None = None,
        force: bool = False,
        data_dir: Path | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.out = Path(out).resolve()
        self.cache = self.out / ".cache"
        self.records_dir = self.cache / "records"
        self.jobs = max(1, int(jobs or os.cpu_count() or 1))
        self.force = force
        self.data_dir = Path(data_dir) if data_dir is not None else paths.DATA_DIR
        self.progress = progress or Progress()
        _skip_slow_optional_imports()
        self.inputs = input_hashes(self.data_dir)
        self.package = package_fingerprint()
        self.inputs_key = _sha256_bytes(_json([self.inputs, self.package]).encode())
        #: settings of the profiles this build considers current (see :meth:`profile_signature`)
        self.profile_reference: dict | None = None
        _umask()  # read the umask now, in the main thread, before worker threads write files

    # -- records -----------------------------------------------------------------------------

    def _record_path(self, record_id: str) -> Path:
        return self.records_dir / f"{record_id}.json"

    def read_record(self, record_id: str) -> dict | None:
        """The cache record of a job id (``notebook-02-rankings``, ``profile-DEU``), if any."""
        p = self._record_path(record_id)
        try:
            return json.loads(p.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def _failure_path(self, record_id: str) -> Path:
        return self.cache / "failures" / f"{record_id}.json"

    # -- keys --------------------------------------------------------------------------------

    def resolve_countries(self, selection, *, parameter: str) -> list[str]:
        """:func:`sovai.countries.resolve_countries`, remembered in ``OUT/.cache/profiles.json``.

        Resolving needs pandas and the country tables (about 0.8 s); a rebuild with nothing
        changed reuses the answer. The key holds the selection and the build's inputs key (data
        hashes and package fingerprint), so an edited membership list or country table resolves
        afresh.
        """
        key = _sha256_bytes(_json([selection, parameter, self.inputs_key]).encode())
        path = self.cache / "profiles.json"
        try:
            remembered = json.loads(path.read_text(encoding="utf-8"))
            if remembered.get(key):
                return list(remembered[key])
        except (OSError, ValueError, AttributeError):
            remembered = {}
        from sovai.countries import resolve_countries

        try:
            codes = resolve_countries(selection, parameter=parameter)
        except ValueError as exc:
            raise ValueError(unknown_country_message(selection, parameter) or str(exc)) from None
        remembered = dict(list(remembered.items())[-15:])  # a few selections, not every one ever made
        remembered[key] = codes
        atomic_write_text(path, json.dumps(remembered, indent=1, sort_keys=True) + "\n")
        return codes

    def key_parts(self, job: Job, dep_keys: dict[str, str | None]) -> dict[str, str]:
        """Hashes of each ingredient of the job's cache key (recorded, to explain a re-run)."""
        params = {k: v for k, v in job.params.items() if k not in PATH_PARAMETERS}
        parts = {
            "notebook source": job.source_hash,
            "parameters": params,
            "package source": self.package,
            "input data": self.inputs,
            "dependencies": dep_keys,
            "python": sys.version.split()[0],
            "kind": job.kind,
        }
        return {k: _sha256_bytes(_json(v).encode()) for k, v in parts.items()}

    def cache_key(self, job: Job, dep_keys: dict[str, str | None]) -> str:
        """The job's cache key (see the module docstring)."""
        return _sha256_bytes(_json(self.key_parts(job, dep_keys)).encode())

    def _outputs_exist(self, rec: dict) -> bool:
        files = [rec.get("ipynb"), rec.get("html"), *rec.get("outputs", [])]
        return all(f and (self.out / f).exists() for f in files)

    # -- running -----------------------------------------------------------------------------

    def run(self, jobs: list[Job]) -> list[Job]:
        """Run ``jobs`` (respecting dependencies among them) and return them with their status.

        ``self.jobs`` worker threads each execute one notebook at a time, reusing one warm kernel
        per worker (see :data:`REUSE_KERNELS`).
        """
        import queue

        by_name = {j.name: j for j in jobs}
        # critical path first: jobs others wait for, then the longest (last duration; unknown = long)
        dependents: dict[str, int] = {j.name: 0 for j in jobs}
        for j in jobs:
            for d in j.depends_on:
                if d in dependents:
                    dependents[d] += 1
        for j in jobs:
            rec = self.read_record(j.record_id)
            duration = float(rec.get("duration_s", 0.0)) if rec else 1e3
            j.priority = dependents[j.name] * 1e4 + duration
        pending = dict(by_name)
        todo: queue.Queue = queue.Queue()
        finished: queue.Queue = queue.Queue()
        workers = [
            threading.Thread(target=self._worker, args=(todo, finished), name=f"sovai-build-{i}", daemon=True)
            for i in range(min(self.jobs, max(1, len(jobs))))
        ]
        for w in workers:
            w.start()
        in_flight = 0
        interrupted = False
        self.progress.total = len(jobs)
        try:
            while pending or in_flight:
                ready = []
                for j in list(pending.values()):
                    deps = [by_name[d] for d in j.depends_on if d in by_name and by_name[d] is not j]
                    bad = [d.name for d in deps if d.status in ("failed", "blocked")]
                    if bad:
                        j.status, j.error = "blocked", f"{j.name}: not run: dependency {', '.join(bad)} failed"
                        self.progress.event(j.name, f"SKIPPED ({j.error})", finished=True)
                        del pending[j.name]
                    elif all(d.status in ("ok", "cached") for d in deps):
                        ready.append(j)
                ready.sort(key=lambda j: (j.kind != "notebook", -j.priority, j.name))
                progressed = False
                for j in ready:
                    if in_flight >= len(workers):
                        break
                    del pending[j.name]
                    progressed = True
                    if not self._try_cache(j):
                        j.status = "running"
                        todo.put(j)
                        in_flight += 1
                if in_flight:
                    finished.get()
                    in_flight -= 1
                elif pending and not progressed and not ready:  # unsatisfiable dependencies
                    for j in pending.values():
                        j.status, j.error = "blocked", f"{j.name}: not run: dependency cycle among {sorted(pending)}"
                    pending.clear()
        except KeyboardInterrupt:
            # do not wait for running notebooks: their kernels exit with this process (ipykernel
            # polls its parent), and their last good outputs are untouched
            interrupted = True
            raise
        finally:
            for _ in workers:
                todo.put(None)
            if not interrupted:
                for w in workers:
                    w.join()
            self.progress.close()
        return jobs

    def _worker(self, todo, finished) -> None:
        """Worker thread: execute jobs from ``todo`` until ``None``; then stop its pooled kernel."""
        pool: dict[str, Any] = {}
        try:
            while True:
                job = todo.get()
                if job is None:
                    break
                try:
                    self._execute(job, pool)
                except BaseException as exc:  # noqa: BLE001 - report and keep the build going
                    job.status, job.error = "failed", f"{job.name}: {type(exc).__name__}: {exc}"
                    self.progress.event(job.name, f"FAILED: {type(exc).__name__}: {exc}", finished=True)
                    self._drop_kernel(pool)
                finally:
                    finished.put(job)
        finally:
            self._drop_kernel(pool)

    @staticmethod
    def _drop_kernel(pool: dict[str, Any]) -> None:
        for key in ("log", "kernel_log"):
            path = pool.pop(key, None)
            if path is not None:
                path.unlink(missing_ok=True)
        pool.pop("cwd", None)
        km = pool.pop("km", None)
        if km is not None and km.has_kernel:
            from jupyter_core.utils import run_sync

            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - best effort: the process is gone or going
                pass

    def _dep_keys(self, job: Job) -> dict[str, str | None]:
        """Per dependency: its cache key and the hashes of the tables it wrote, as they are now.

        So a notebook re-runs when the tables it reads change, whether its dependency was rebuilt
        under other parameters or a table was overwritten outside the build.
        """
        keys: dict[str, str | None] = {}
        for d in job.depends_on:
            rec = self.read_record(f"notebook-{d}")
            if not rec:
                keys[d] = None
                continue
            tables = sorted(f for f in rec.get("outputs", []) if f.startswith("tables/"))
            hashes = {f: self._file_sha(f, rec.get("output_files", {}).get(f)) for f in tables}
            keys[d] = _sha256_bytes(_json([rec.get("key"), hashes]).encode())
        return keys

    def _file_sha(self, rel: str, known: list | None = None) -> str | None:
        """sha256 of ``OUT/rel`` (``None`` if missing); ``known`` = recorded ``[size, mtime_ns, sha]``
        is trusted while size and modification time are unchanged."""
        path = self.out / rel
        try:
            st = path.stat()
        except OSError:
            return None
        if known and len(known) == 3 and known[0] == st.st_size and known[1] == st.st_mtime_ns:
            return known[2]
        return _sha256_file(path)

    def _fingerprints(self, files: Iterable[str]) -> dict[str, list]:
        out: dict[str, list] = {}
        for rel in sorted(files):
            path = self.out / rel
            try:
                st = path.stat()
            except OSError:
                continue
            out[rel] = [st.st_size, st.st_mtime_ns, _sha256_file(path)]
        return out

    def built_profiles(self) -> list[str]:
        """ISO3 codes of the profiles that have a record in this folder (sorted)."""
        if not self.records_dir.is_dir():
            return []
        return sorted(p.stem.removeprefix("profile-") for p in self.records_dir.glob("profile-*.json"))

    def profile_signature(self, job_or_record: Job | dict) -> dict:
        """What makes profiles comparable: their parameters (without the country and paths) and
        the state of the tables they read (the dependency hashes of :meth:`_dep_keys`)."""
        if isinstance(job_or_record, Job):
            params, upstream = job_or_record.params, self._dep_keys(job_or_record)
        else:
            params, upstream = job_or_record.get("params", {}), job_or_record.get("upstream_keys")
        settings = {k: v for k, v in params.items() if k not in (*PATH_PARAMETERS, "iso3")}
        return {"settings": settings, "upstream": upstream}

    def changed_outputs(self, rec: dict) -> list[str]:
        """Outputs of a record whose content differs from what the build wrote (sorted)."""
        recorded = rec.get("output_files") or {}
        return sorted(rel for rel, known in recorded.items() if self._file_sha(rel, known) != known[2])

    def _try_cache(self, job: Job) -> bool:
        deps = self._dep_keys(job)
        job.key_parts = self.key_parts(job, deps)
        job.key = self.cache_key(job, deps)
        rec = self.read_record(job.record_id)
        changed = self.changed_outputs(rec) if rec and not self.force and rec.get("key") == job.key else []
        if not self.force and rec and rec.get("key") == job.key and self._outputs_exist(rec) and not changed:
            job.status, job.duration = "cached", float(rec.get("duration_s", 0.0))
            self._failure_path(job.record_id).unlink(missing_ok=True)
            self.progress.event(job.name, "up to date (cached)", finished=True)
            return True
        if self.force:
            job.reason = "--force"
        elif not rec:
            job.reason = "never built"
        elif rec.get("key") != job.key:
            old = rec.get("key_parts", {})
            parts = [k for k, v in job.key_parts.items() if old.get(k) != v]
            job.reason = ", ".join(parts) + " changed" if parts else "cache key changed"
        elif changed:
            shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
            job.reason = f"outputs changed outside the build: {shown}"
        else:
            job.reason = "outputs missing"
        return False

    def _kernel_env(self, log_path: Path) -> dict[str, str]:
        reads = [str(self.data_dir.resolve())]
        mirror = paths.mirror_dir()
        if mirror is not None:
            reads.append(str(mirror))
        reads.append(str(paths.cache_dir()))
        return {
            # figures show inline in the executed notebook (and its HTML) even when the build
            # itself runs with MPLBACKEND=Agg (tests, CI)
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "PYTHONHASHSEED": "0",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "SOVAI_BUILD_CACHE": str(self.cache / "data"),
            "SOVAI_BUILD_INPUTS_KEY": self.inputs_key,
            "SOVAI_BUILD_LOG": str(log_path),
            "SOVAI_BUILD_OUT": str(self.out) + os.sep,
            "SOVAI_BUILD_READS": os.pathsep.join(reads),
        }

    def _execute(self, job: Job, pool: dict[str, Any]) -> None:
        import nbformat
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        tmp_dir = self.cache / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp_nb = tmp_dir / f"{job.record_id}.ipynb"
        tmp_in = tmp_dir / f"{job.record_id}.input.ipynb"
        reuse = REUSE_KERNELS
        if reuse:
            # one warm kernel per worker thread (same environment; the cwd is fixed at start-up)
            if pool.get("cwd") != job.source.parent:
                self._drop_kernel(pool)
            if "km" not in pool:
                stem = f"{threading.current_thread().name}-{os.getpid()}"
                pool["log"] = tmp_dir / f"{stem}.files.log"
                pool["kernel_log"] = tmp_dir / f"{stem}.kernel.log"
                pool["log"].unlink(missing_ok=True)
                pool["km"] = new_kernel_manager(self._kernel_env(pool["log"]))
                pool["cwd"] = job.source.parent
            log_path, kernel_log, km = pool["log"], pool["kernel_log"], pool["km"]
        else:
            log_path = tmp_dir / f"{job.record_id}.files.log"
            kernel_log = tmp_dir / f"{job.record_id}.kernel.log"
            log_path.unlink(missing_ok=True)
            kernel_log.unlink(missing_ok=True)
            km = new_kernel_manager(self._kernel_env(log_path))
        log_offset = log_path.stat().st_size if log_path.exists() else 0
        Path(job.params["output_dir"]).mkdir(parents=True, exist_ok=True)
        warm = "; warm kernel" if reuse and km.has_kernel else ""
        self.progress.event(job.name, f"started ({job.reason}{warm})")
        t0 = time.perf_counter()
        try:
            # inject the parameters here (they were checked against the notebook's literal
            # defaults already), so papermill does not re-parse the parameters cell
            source_nb = parameterize_notebook(
                load_notebook_node(str(job.source)), job.params, kernel_name="python3", language="python"
            )
            nbformat.write(source_nb, str(tmp_in))
            nb = pm.execute_notebook(
                str(tmp_in),
                str(tmp_nb),
                parameters=None,
                engine_name=_engine(),
                kernel_name="python3",
                progress_bar=False,
                request_save_on_cell_execute=False,
                start_timeout=START_TIMEOUT,
                execution_timeout=CELL_TIMEOUT,
                on_cell=lambda i, n: self.progress.cell(job.name, i, n),
                kernel_cwd=str(job.source.parent),
                kernel_manager=km,
                keep_kernel=reuse,
                kernel_log=str(kernel_log),
            )
        except PapermillExecutionError as exc:
            job.duration = time.perf_counter() - t0
            failed_dir = self.cache / "failed"
            failed_dir.mkdir(parents=True, exist_ok=True)
            kept = failed_dir / f"{job.record_id}.ipynb"
            if tmp_nb.exists():
                os.replace(tmp_nb, kept)
            if kernel_log.exists():
                shutil.copyfile(kernel_log, failed_dir / f"{job.record_id}.kernel.log")
            if reuse:
                self._drop_kernel(pool)  # do not carry a failed notebook's state to the next one
            first = next((ln for ln in str(exc.source).splitlines() if ln.strip()), "")
            job.status = "failed"
            job.error = (
                f"{job.name}: cell {exc.cell_index + 1} of the executed notebook (In [{exc.exec_count}]: "
                f"{first.strip()[:80]}) raised {exc.ename}: {str(exc.evalue)[:300]} — executed notebook kept at {kept}"
            )
            self._write_failure(job, exc.cell_index + 1, exc.ename, str(exc.evalue), kept)
            self.progress.event(
                job.name, f"FAILED at cell {exc.cell_index + 1}: {exc.ename}: {exc.evalue}", finished=True
            )
            return
        except Exception as exc:
            job.duration = time.perf_counter() - t0
            if reuse:
                self._drop_kernel(pool)
            job.status, job.error = "failed", f"{job.name}: {type(exc).__name__}: {exc}"
            self._write_failure(job, None, type(exc).__name__, str(exc), None)
            self.progress.event(job.name, f"FAILED: {type(exc).__name__}: {exc}", finished=True)
            return
        finally:
            tmp_nb.unlink(missing_ok=True)
            tmp_in.unlink(missing_ok=True)
            if not reuse:
                kernel_log.unlink(missing_ok=True)
        job.duration = time.perf_counter() - t0
        lines = []
        if log_path.exists():
            with open(log_path, "rb") as fh:
                fh.seek(log_offset)
                lines = fh.read().decode("utf-8", "replace").splitlines()
            if not reuse:
                log_path.unlink(missing_ok=True)
        self._finish(job, nb, lines)
        job.status = "ok"
        self.progress.event(job.name, f"done in {job.duration:.1f} s", finished=True)

    def _write_failure(self, job: Job, cell: int | None, ename: str, evalue: str, kept: Path | None) -> None:
        payload = {
            "name": job.name,
            "kind": job.kind,
            "cell": cell,
            "ename": ename,
            "evalue": evalue[:2000],
            "failed_notebook": str(kept.relative_to(self.out)) if kept else None,
            "message": job.error,
        }
        atomic_write_text(self._failure_path(job.record_id), json.dumps(payload, indent=1, sort_keys=True) + "\n")

    def _finish(self, job: Job, nb, log_lines: list[str]) -> None:
        import nbformat

        from sovai.report_io import headlines_from_notebook

        headlines = headlines_from_notebook(nb)
        written, read = set(), set()
        for line in log_lines:
            tag, _, p = line.partition("\t")
            (written if tag == "W" else read).add(p)
        outputs = sorted(
            Path(p).relative_to(self.out).as_posix()
            for p in written
            if Path(p).exists() and not Path(p).name.startswith(".") and ".cache" not in Path(p).parts
        )
        sources = sorted(_read_sources(read, self.data_dir))
        nb.metadata["sovai"] = {
            "headlines": headlines,
            "parameters": {k: v for k, v in job.params.items() if k not in PATH_PARAMETERS},
            "cache_key": job.key,
        }
        nb.metadata.setdefault("papermill", {})["input_path"] = _display_path(job.source)
        nb.metadata["papermill"]["output_path"] = job.ipynb.relative_to(self.out).as_posix()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
        # papermill stamps wall-clock times into the metadata; keep durations, drop dates
        nb.metadata.get("papermill", {}).pop("start_time", None)
        nb.metadata.get("papermill", {}).pop("end_time", None)
        for cell in nb.cells:
            pmeta = cell.get("metadata", {}).get("papermill", {})
            pmeta.pop("start_time", None)
            pmeta.pop("end_time", None)
        text = nbformat.writes(nb)
        title = job.name if job.kind == "notebook" else f"Country profile: {job.name}"
        t_html = time.perf_counter()
        page = export_html(nb, title)
        html_s = time.perf_counter() - t_html
        not_shown = figures_not_displayed(nb, [self.out / f for f in outputs], page)
        if not_shown:
            self.progress.event(job.name, f"WARNING: figure(s) saved but not shown in the page: {', '.join(not_shown)}")
        atomic_write_text(job.ipynb, text)
        atomic_write_text(job.html, page)
        if job.kind == "notebook":
            title, description = describe_notebook(job.source)
        else:
            title, description = _profile_title(nb, job.name), ""
        record = {
            "name": job.name,
            "title": title,
            "description": description,
            "kind": job.kind,
            "key": job.key,
            "key_parts": job.key_parts,
            "reason": job.reason,
            "source": _display_path(job.source),
            "params": {k: v for k, v in job.params.items() if k not in PATH_PARAMETERS},
            "depends_on": job.depends_on,
            "duration_s": round(job.duration, 3),
            "timings": {
                "cells_s": round(
                    sum(float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0) for c in nb.cells), 3
                ),
                "html_s": round(html_s, 3),
            },
            "headlines": headlines,
            "outputs": outputs,
            "output_files": self._fingerprints(outputs),
            "upstream_keys": self._dep_keys(job),
            "figures_not_displayed": not_shown,
            "sources": sources,
            "ipynb": job.ipynb.relative_to(self.out).as_posix(),
            "html": job.html.relative_to(self.out).as_posix(),
        }
        # outputs the notebook wrote last time but not now are stale: remove them (the gallery
        # would otherwise keep showing a figure no notebook makes any more)
        previous = self.read_record(job.record_id) or {}
        others = {
            f
            for r in self.all_records()[0]
            if (r.get("kind"), r.get("name")) != (job.kind, job.name)
            for f in r.get("outputs", [])
        }
        for stale in sorted(set(previous.get("outputs", [])) - set(outputs) - others):
            (self.out / stale).unlink(missing_ok=True)
        atomic_write_text(self._record_path(job.record_id), json.dumps(record, indent=1, sort_keys=True) + "\n")
        self._failure_path(job.record_id).unlink(missing_ok=True)

    # -- site --------------------------------------------------------------------------------

    def all_records(self) -> tuple[list[dict], list[dict]]:
        """Every record whose outputs still exist, and the standing failures."""
        recs = []
        if self.records_dir.is_dir():
            for p in sorted(self.records_dir.glob("*.json")):
                rec = self.read_record(p.stem)
                if rec and self._outputs_exist(rec):
                    recs.append(rec)
        fails = []
        if (self.cache / "failures").is_dir():
            for p in sorted((self.cache / "failures").glob("*.json")):
                try:
                    fails.append(json.loads(p.read_text(encoding="utf-8")))
                except (OSError, json.JSONDecodeError):
                    continue
        return recs, fails

    def write_site(self, ran: list[Job], settings: dict[str, Any]) -> None:
        """Rewrite ``manifest.json`` and ``index.html`` from all records."""
        recs, fails = self.all_records()
        manifest = self.manifest(recs, fails, ran, settings)
        atomic_write_text(self.out / "manifest.json", json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        from sovai.site_pages import write_reference_pages

        write_reference_pages(self.out)  # methods.html, codebook.html (linked from the index)
        atomic_write_text(self.out / "index.html", render_index(self.out, manifest))

    def _mark_profile(self, e: dict, rec: dict) -> dict:
        """Add ``settings``, ``current`` and ``differs`` (what differs from :attr:`profile_reference`)."""
        sig = self.profile_signature(rec)
        e["settings"] = sig["settings"]
        ref = self.profile_reference
        if ref is None:
            return e
        names = sorted(set(sig["settings"]) | set(ref["settings"]))
        differs = [k for k in names if sig["settings"].get(k) != ref["settings"].get(k)]
        upstream = ref.get("upstream") or {}
        stale = sorted(
            d for d in set(upstream) | set(sig["upstream"] or {}) if (sig["upstream"] or {}).get(d) != upstream.get(d)
        )
        differs += [f"tables of {d}" for d in stale]
        e["current"], e["differs"] = not differs, differs
        return e

    def manifest(self, recs: list[dict], fails: list[dict], ran: list[Job], settings: dict[str, Any]) -> dict:
        """The build manifest (see the module docstring)."""
        fail_by = {(f["kind"], f["name"]): f for f in fails}
        this_run = {(j.kind, j.name): j for j in ran}

        def entry(rec: dict) -> dict:
            e = dict(rec)
            j = this_run.get((rec["kind"], rec["name"]))
            e["status"] = j.status if j else "previous build"
            f = fail_by.get((rec["kind"], rec["name"]))
            if f:
                e["status"] = "failed (showing the last good output)"
                e["error"] = f["message"]
            return e

        notebooks = {r["name"]: entry(r) for r in recs if r["kind"] == "notebook"}
        profiles = {r["name"]: self._mark_profile(entry(r), r) for r in recs if r["kind"] == "profile"}
        for f in fails:  # failures without any good output yet
            target = notebooks if f["kind"] == "notebook" else profiles
            if f["name"] not in target:
                target[f["name"]] = {"name": f["name"], "kind": f["kind"], "status": "failed", "error": f["message"]}
        from sovai.registry import load_registry

        reg = load_registry()
        sources = {}
        for folder in sorted({e.folder for e in reg.values()}):
            e = next(x for x in reg.values() if x.folder == folder)
            sources[folder] = {
                "citation": e.citation,
                "licence": e.licence,
                "non_commercial": e.non_commercial,
                "licence_flag": e.licence_flag,
                "files": sum(1 for x in reg.values() if x.folder == folder),
            }
        return {
            "build": {
                "jobs": self.jobs,
                "run": sorted(f"{j.kind}:{j.name}:{j.status}" for j in ran),
                "duration_s": round(sum(j.duration for j in ran if j.status in ("ok", "failed")), 3),
                **settings,
            },
            "git_commit": git_commit(),
            "inputs": self.inputs,
            "inputs_key": self.inputs_key,
            "sovai": self.package,
            "versions": package_versions(),
            "notebooks": notebooks,
            "profiles": profiles,
            "data_sources": sources,
        }


def _profile_title(nb, iso3: str) -> str:
    """The country name a profile shows in its first heading (``## Germany (DEU)``), or ``""``."""
    pattern = re.compile(r"^##\s+(.+?)\s+\(" + re.escape(iso3) + r"\)", re.MULTILINE)
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            text = (out.get("data") or {}).get("text/markdown")
            if text:
                m = pattern.search("".join(text) if isinstance(text, list) else text)
                if m:
                    return m.group(1)
    return ""


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


def _display_path(p: Path) -> str:
    try:
        return p.resolve().relative_to(paths.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(p)


def _read_sources(read: Iterable[str], data_dir: Path) -> set[str]:
    """Registry folders (``worldbank_wdi``) and ``data/...`` files a notebook read."""
    out = set()
    roots = [r for r in (paths.mirror_dir(), paths.cache_dir()) if r is not None]
    for p in read:
        path = Path(p)
        for root in roots:
            try:
                rel = path.relative_to(root)
            except ValueError:
                continue
            if len(rel.parts) > 1:
                out.add(rel.parts[0])
            break
        else:
            try:
                out.add("data/" + path.relative_to(data_dir.resolve()).as_posix())
            except ValueError:
                pass
    return out


# --------------------------------------------------------------------------------------------
# HTML index
# --------------------------------------------------------------------------------------------

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}h3{margin:.8rem 0 .4rem}
nav.top a{margin-right:1rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-size:.85rem}.ok{color:#176b2c}.failed{color:#b00020;font-weight:600}
.claims{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.claim{border:1px solid #ddd;border-radius:6px;padding:.8rem}.claim img{width:100%;height:auto;border:1px solid #eee}
.claim h3{font-size:1rem}.claim p{margin:.3rem 0}
.gallery{display:flex;flex-wrap:wrap;gap:1rem}.gallery figure{margin:0;width:21rem}.gallery img{width:21rem;height:auto;border:1px solid #ddd}
.gallery figcaption{font-size:.85rem}.flag{background:#fff3cd;padding:0 .3rem;border-radius:3px;font-size:.8rem}
.nc{background:#f8d7da}.muted{color:#666;font-size:.85rem}.headline b{font-variant-numeric:tabular-nums}
ul.profiles{columns:16rem;padding-left:1.2rem}details summary{cursor:pointer}
"""

#: The report's four quantitative claims (DESIGN.md §1), the notebook that checks each, and the
#: figure shown for it on the front page (the notebook's first figure when that one is absent).
CLAIMS = (
    (
        "Drivers and instruments",
        "Countries pursue AI sovereignty for identifiable drivers (security, resilience, economic "
        "competitiveness, cultural-linguistic inclusion) and respond with a recognisable set of instruments.",
        "04-drivers",
        "drivers_coefficients",
    ),
    (
        "Rankings on the AI stack",
        "Countries can be ranked on each layer of the AI technology stack, and capability is dominated by "
        "the United States and China.",
        "02-rankings",
        "rankings_overall",
    ),
    (
        "Concentrated chokepoints",
        "The stack has highly concentrated chokepoints, so full-stack sovereignty is structurally infeasible "
        "for almost every country.",
        "05-chokepoints",
        "chokepoints_ranked",
    ),
    (
        "Managed interdependence",
        "Mapping dependencies by layer, prioritising feasible interventions and diversifying partners is the "
        "better strategy.",
        "06-managed-interdependence",
        "layer_presence",
    ),
)

#: Headlines shown with each claim, in this order (those a build recorded; else the first three).
CLAIM_HEADLINES = {
    "04-drivers": ("drivers_base_coef_log_gdp", "drivers_base_pvalue_holm_log_gdp", "drivers_base_nobs"),
    "02-rankings": ("top_country", "rank_USA", "rank_CHN"),
    "05-chokepoints": ("chokepoints_n_chokepoints", "chokepoints_n_inputs", "chokepoints_gallium_top1_share"),
    "06-managed-interdependence": (
        "interdependence_n_full_stack",
        "interdependence_n_any_layer",
        "interdependence_smallest_cover_size",
    ),
}

_FILTER_JS = """
document.getElementById('country-filter').addEventListener('input', function (ev) {
  var q = ev.target.value.toLowerCase();
  document.querySelectorAll('ul.profiles li').forEach(function (li) {
    li.style.display = li.getAttribute('data-search').indexOf(q) >= 0 ? '' : 'none';
  });
});
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def format_value(value: Any) -> str:
    """A headline value for reading: thousands separators, 4 significant digits, no float noise."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) < 1e-3:
            return f"{value:.2e}"
        return f"{value:.4g}"
    return str(value)


def _headline_html(h: dict) -> str:
    note = f" <span class='muted'>({_e(h['note'])})</span>" if h.get("note") else ""
    label = str(h["name"]).replace("_", " ")
    return f"<span class='headline'>{_e(label)}: <b>{_e(format_value(h['value']))}</b>{note}</span>"


def _params_html(params: dict) -> str:
    return "<br>".join(f"<code>{_e(k)} = {_e(json.dumps(v, sort_keys=True))}</code>" for k, v in sorted(params.items()))


def _status_html(e: dict) -> str:
    status = e.get("status", "")
    cls = "failed" if status.startswith("failed") else "ok"
    err = f"<br><span class='muted'>{_e(e['error'])}</span>" if e.get("error") else ""
    return f"<span class='{cls}'>{_e(status)}</span>{err}"


def _caption(stem: str) -> str:
    return stem.replace("_", " ").replace("map ", "map: ", 1).capitalize()


#: One-line descriptions of the main tables (shown in the index; others are listed by name).
TABLE_DESCRIPTIONS = {
    "rankings_overall.csv": "overall rank and score per country with the Monte Carlo median and 5-95% rank band, layers and indicators observed",
    "rankings_layers.csv": "score, rank and observed indicators per country and layer (long form)",
    "rankings_layer_scores.csv": "layer scores and ranks per country (wide form)",
    "rankings_over_time.csv": "rank, score and layer scores per country and year (same indicators and settings)",
    "rankings_sensitivity.csv": "Sobol' first-order and total indices of each uncertain choice (top-40 mean rank shift)",
    "rankings_sensitivity_country.csv": "Sobol' indices per country: which choice moves which country",
    "rankings_imputed.csv": "every imputed cell with its method",
    "drivers_models.csv": "every coefficient of every driver model with robust SE, raw and Holm/BH-adjusted p-values",
    "drivers_fit_statistics.csv": "N, log-likelihood, AIC, BIC and pseudo-R2 per model",
    "drivers_dropped.csv": "countries left out of each model and the missing outcome or covariate",
    "drivers_bootstrap.csv": "country-bootstrap intervals of the base model's coefficients",
    "driver_proxies.csv": "each driver proxy: what it stands for, what it cannot show, source and years used",
    "chokepoints.csv": "concentration (HHI, top-1/top-3 shares) of every stack input with market size and vintage",
    "minimum_coalition.csv": "the smallest coalitions holding at least the cover share of every chokepoint",
    "diversification.csv": "a country's supplier mix before and after diversifying to partners, capacity-limited",
    "full_stack.csv": "countries holding a meaningful world share on every measured layer, at several thresholds",
    "codings_wide.csv": "the categorical codings: one row per country, one column per variable (missing = not coded)",
    "codings_long.csv": "every coded value with its source, access date, note and evidence grade",
    "codings_coverage.csv": "how many countries are coded true / false / not coded per variable",
    "data_licences.csv": "every raw source with its licence and flags (non-commercial, unclear)",
}


def render_index(out: Path, manifest: dict) -> str:
    """The ``index.html`` page of a build folder: the claims, notebooks, profiles, figures, tables, sources.

    Every value that comes from data or a notebook (headlines, names, errors, file names) is
    escaped; the page loads nothing from the network (one inline script filters the profiles).
    """
    out = Path(out)
    nbs = manifest["notebooks"]
    profs = manifest["profiles"]
    fig_dir = out / "figures"
    figures = (
        sorted(p for p in fig_dir.iterdir() if p.is_file() and not p.name.startswith(".")) if fig_dir.is_dir() else []
    )
    stems = sorted({p.stem for p in figures})
    by_notebook: dict[str, list[str]] = {}
    for name, e in sorted(nbs.items()):
        for f in e.get("outputs", []):
            if f.startswith("figures/") and f.endswith(".png") and Path(f).stem in stems:
                by_notebook.setdefault(name, []).append(Path(f).stem)
    owned = {s for v in by_notebook.values() for s in v}
    if set(stems) - owned:
        by_notebook["other"] = sorted(set(stems) - owned)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Is AI sovereignty possible? — sovai reconstruction</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Is AI sovereignty possible? An open-data reconstruction</h1>",
        "<p class='muted'>A reconstruction from open data and cited codings of the analysis in Brookings/CEPS (2026), "
        "<em>Is AI sovereignty possible? Balancing autonomy and interdependence</em> (the report's own appendix "
        "tables are not public). "
        f"sovai {_e(manifest['sovai']['version'])}, git commit <code>{_e((manifest.get('git_commit') or 'n/a')[:12])}</code>. "
        "Full provenance: <a href='manifest.json'>manifest.json</a>.</p>",
        "<nav class='top'><a href='#claims'>The four claims</a><a href='#notebooks'>Notebooks</a>"
        "<a href='#profiles'>Country profiles</a><a href='#figures'>Figures</a><a href='#tables'>Tables</a>"
        "<a href='#sources'>Data sources</a><a href='#build'>Build</a>"
        "<a href='methods.html'>Methods</a><a href='codebook.html'>Codebook</a></nav>",
    ]
    if (out / "explorer.html").exists():  # written by 02-rankings
        parts.append(
            "<p><b><a href='explorer.html'>Rankings explorer</a></b>: change the layer weights and the view; "
            "the ranking, the chart and the map update at once (aggregated exactly as notebook 02 does).</p>"
        )
    # the claims
    parts.append("<h2 id='claims'>The report's four claims, checked</h2><div class='claims'>")
    for i, (title, claim, stem, figure) in enumerate(CLAIMS, 1):
        e = nbs.get(stem)
        parts.append(f"<div class='claim'><h3>{i}. {_e(title)}</h3><p>{_e(claim)}</p>")
        if e and e.get("html"):
            shown = figure if figure in by_notebook.get(stem, []) else next(iter(by_notebook.get(stem, [])), None)
            if shown:
                parts.append(
                    f"<a href='{_e(e['html'])}'><img src='figures/{_e(shown)}.png' alt='{_e(_caption(shown))}'></a>"
                )
            recorded = e.get("headlines", {})
            heads = [recorded[n] for n in CLAIM_HEADLINES.get(stem, ()) if n in recorded]
            heads = heads or sorted(recorded.values(), key=lambda h: h["name"])[:3]
            parts.append("".join(f"<p>{_headline_html(h)}</p>" for h in heads))
            parts.append(f"<p><a href='{_e(e['html'])}'>Read notebook {_e(stem)} →</a></p>")
        else:
            parts.append(
                f"<p class='muted'>Notebook {_e(stem)} not built yet (<code>sovai build {_e(stem)}</code>).</p>"
            )
        parts.append("</div>")
    parts.append("</div>")
    # notebooks
    parts.append("<h2 id='notebooks'>Notebooks</h2>")
    if nbs:
        parts.append("<table><tr><th>notebook</th><th>status</th><th>headline numbers</th><th>settings</th></tr>")
        for name, e in sorted(nbs.items()):
            title, desc = e.get("title") or name, e.get("description") or DESCRIPTIONS.get(name, "")
            link = f"<a href='{_e(e['html'])}'>{_e(name)} — {_e(title)}</a>" if e.get("html") else _e(name)
            files = f" <span class='muted'>(<a href='{_e(e['ipynb'])}'>ipynb</a>)</span>" if e.get("ipynb") else ""
            heads = "<br>".join(
                _headline_html(h) for h in sorted(e.get("headlines", {}).values(), key=lambda h: h["name"])
            )
            params = e.get("params", {})
            settings = (
                f"<details><summary>{len(params)} parameters</summary>{_params_html(params)}</details>"
                if params
                else ""
            )
            parts.append(
                f"<tr><td>{link}{files}<br><span class='muted'>{_e(desc)}</span></td><td>{_status_html(e)}</td>"
                f"<td>{heads}</td><td>{settings}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>No notebooks built yet.</p>")
    # profiles
    parts.append("<h2 id='profiles'>Country profiles</h2>")
    if profs:
        others = [n for n, e in profs.items() if e.get("current") is False]
        parts.append(
            "<p><label>Find a country: <input id='country-filter' type='search' placeholder='name or ISO3'></label>"
            + (
                f" <span class='muted'>{len(others)} profile(s) were built with other settings than the current ones "
                "and are marked; rebuild them with <code>sovai profile ISO3</code>.</span>"
                if others
                else ""
            )
            + "</p>"
        )
        items = []
        for name, e in sorted(profs.items(), key=lambda kv: str(kv[1].get("title") or kv[0])):
            label = f"{e['title']} ({name})" if e.get("title") else name
            link = f"<a href='{_e(e['html'])}'>{_e(label)}</a>" if e.get("html") else _e(label)
            extra = " <span class='failed'>(failed)</span>" if str(e.get("status", "")).startswith("failed") else ""
            if e.get("current") is False:
                extra += f" <span class='flag'>built with other settings: {_e(', '.join(e.get('differs', [])))}</span>"
            items.append(f"<li data-search='{_e(label.lower())}'>{link}{extra}</li>")
        parts.append("<ul class='profiles'>" + "".join(items) + "</ul>")
        parts.append(f"<script>{_FILTER_JS}</script>")
    else:
        parts.append("<p>No profiles built yet (<code>sovai profile ISO3</code>).</p>")
    # figures, grouped by notebook
    parts.append("<h2 id='figures'>Figures</h2>")
    if stems:
        for group, group_stems in by_notebook.items():
            e = nbs.get(group, {})
            heading = f"<a href='{_e(e['html'])}'>{_e(group)}</a>" if e.get("html") else _e(group)
            parts.append(f"<h3>{heading}</h3><div class='gallery'>")
            for stem in group_stems:
                variants = [p for p in figures if p.stem == stem]
                links = " ".join(f"<a href='figures/{_e(v.name)}'>{_e(v.suffix.lstrip('.'))}</a>" for v in variants)
                img = (
                    f"<a href='figures/{_e(stem)}.png'><img src='figures/{_e(stem)}.png' alt='{_e(_caption(stem))}'></a>"
                    if any(v.suffix == ".png" for v in variants)
                    else ""
                )
                parts.append(f"<figure>{img}<figcaption>{_e(_caption(stem))} — {links}</figcaption></figure>")
            parts.append("</div>")
    else:
        parts.append("<p>No figures yet.</p>")
    # tables, grouped by notebook
    parts.append("<h2 id='tables'>Tables</h2>")
    tab_dir = out / "tables"
    tables = (
        sorted(p for p in tab_dir.rglob("*") if p.is_file() and not p.name.startswith(".")) if tab_dir.is_dir() else []
    )
    if tables:
        writer = {f: name for name, e in nbs.items() for f in e.get("outputs", [])}
        groups: dict[str, list[Path]] = {}
        for p in tables:
            groups.setdefault(writer.get(p.relative_to(out).as_posix(), "other"), []).append(p)
        parts.append("<p class='muted'>CSV files (UTF-8, sorted rows); open them in a spreadsheet or pandas.</p>")
        for group in sorted(groups):
            described = [p for p in groups[group] if p.name in TABLE_DESCRIPTIONS]
            others = [p for p in groups[group] if p.name not in TABLE_DESCRIPTIONS]
            parts.append(f"<p><b>{_e(group)}</b></p><ul>")
            parts.extend(
                f"<li><a href='{_e(p.relative_to(out).as_posix())}'>{_e(p.relative_to(tab_dir).as_posix())}</a>: "
                f"{_e(TABLE_DESCRIPTIONS[p.name])}</li>"
                for p in described
            )
            if others:
                rest = ", ".join(
                    f"<a href='{_e(p.relative_to(out).as_posix())}'>{_e(p.relative_to(tab_dir).as_posix())}</a>"
                    for p in others
                )
                parts.append(f"<li class='muted'>also: {rest}</li>")
            parts.append("</ul>")
    else:
        parts.append("<p>No tables yet.</p>")
    # data sources
    parts.append("<h2 id='sources'>Data sources, attributions and licences</h2>")
    used: dict[str, list[str]] = {}
    for kind in ("notebooks", "profiles"):
        for name, e in manifest[kind].items():
            for s in e.get("sources", []):
                used.setdefault(s, []).append(name if kind == "notebooks" else "profiles")
    parts.append(
        "<p class='muted'>Every pinned raw file is listed in the manifest with its sha256. "
        "<span class='flag nc'>NON-COMMERCIAL</span> sources may not be used commercially; "
        "<span class='flag'>licence unclear</span> sources have no clear licence — check before reuse.</p>"
    )
    parts.append("<table><tr><th>source</th><th>citation</th><th>licence</th><th>files</th><th>used by</th></tr>")
    for folder, s in sorted(manifest["data_sources"].items()):
        flags = ""
        if s["non_commercial"]:
            flags += " <span class='flag nc'>NON-COMMERCIAL</span>"
        if s["licence_flag"]:
            flags += " <span class='flag'>licence unclear</span>"
        users = ", ".join(sorted(set(used.get(folder, [])))) or "—"
        parts.append(
            f"<tr><td><code>{_e(folder)}</code></td><td>{_e(s['citation'])}</td><td>{_e(s['licence'])}{flags}</td>"
            f"<td>{s['files']}</td><td>{_e(users)}</td></tr>"
        )
    parts.append("</table>")
    curated = sorted(manifest["inputs"]["data"])
    if curated:
        parts.append(
            "<details><summary class='muted'>Curated data compiled by this project (with per-row citations)</summary><p class='muted'>"
            + ", ".join(f"<code>data/{_e(c)}</code>" for c in curated)
            + "</p></details>"
        )
    build = manifest["build"]
    timings = ", ".join(f"{_e(n)} {_e(e.get('duration_s', ''))} s" for n, e in sorted(nbs.items()))
    parts.append(
        f"<h2 id='build'>Build</h2><p class='muted'>jobs {build['jobs']}; fast mode {_e(build.get('fast'))}; "
        f"notebook execution time in this build {build['duration_s']} s ({timings}); "
        + ", ".join(f"{_e(k)} {_e(v)}" for k, v in sorted(manifest["versions"].items()))
        + "</p>"
    )
    parts.append("</body></html>\n")
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def _notebook_depends_on(stem: str, nb: dict) -> list[str]:
    meta = nb.get("metadata", {}).get("sovai", {}) or {}
    deps = list(DEPENDS_ON.get(stem, [])) + list(meta.get("depends_on", []) or [])
    return sorted(set(deps) - {stem})


def _split_param_file(data: dict, stems: set[str]) -> tuple[dict, dict[str, dict]]:
    """Split a ``-f`` file into global values and per-notebook sections."""
    glob, per = {}, {}
    for k, v in data.items():
        if isinstance(v, dict) and (k in stems or NOTEBOOK_RE.match(str(k))):
            per[str(k)] = v
        else:
            glob[k] = v
    return glob, per


def _check_required(stem: str, defaults: dict, path: Path) -> None:
    missing = [p for p in REQUIRED_PARAMETERS if p not in defaults]
    if missing:
        raise ValueError(
            f"{path}: the 'parameters' cell must define {', '.join(REQUIRED_PARAMETERS)}; missing: {', '.join(missing)}"
        )


def _plan(
    sources: list[Path],
    *,
    out: Path,
    params: dict,
    param_file: str | None,
    fast: bool,
    params_dirs: list[Path],
) -> list[Job]:
    """Resolve the parameters of each report notebook into jobs (raises ``ValueError`` on bad usage)."""
    nbs = {p.stem: read_notebook_json(p) for p in sources}
    defaults = {stem: notebook_parameters(nb, src) for (stem, nb), src in zip(nbs.items(), sources)}
    for stem, src in zip(nbs, sources):
        _check_required(stem, defaults[stem], src)
    file_glob, file_per = {}, {}
    if param_file:
        file_glob, file_per = _split_param_file(_load_yaml(Path(param_file)), set(nbs))
        folders = {src.parent for src in sources}
        known = set(nbs) | {p.stem for f in folders for p in f.glob("*.ipynb")}
        unknown_sections = sorted(set(file_per) - known)
        if unknown_sections:  # sections for notebooks not selected in this build are fine
            raise ValueError(f"{param_file}: sections for unknown notebooks: {', '.join(unknown_sections)}")
    declared = set().union(*defaults.values()) if defaults else set()
    for label, layer in (("-p", params), (f"-f {param_file}", file_glob)):
        unknown = sorted(set(layer) - declared)
        if unknown:
            hint = _did_you_mean(unknown[0], declared)
            raise ValueError(
                f"{label}: unknown parameter(s) {', '.join(unknown)}{hint}; the selected notebooks declare: {', '.join(sorted(declared))}"
            )
    jobs = []
    problems: list[str] = []
    for src in sources:
        stem = src.stem
        d = defaults[stem]
        resolved = dict(d)
        layers: list[tuple[str, dict]] = []
        for pdir in params_dirs:
            pf = pdir / f"{stem}.yaml"
            if pf.exists():
                layers.append((str(pf), _load_yaml(pf)))
        if param_file:
            layers.append((f"{param_file}", {k: v for k, v in file_glob.items() if k in d}))
            layers.append((f"{param_file} [{stem}]", file_per.get(stem, {})))
        layers.append(("-p", {k: v for k, v in params.items() if k in d}))
        origin: dict[str, str] = {}
        for label, layer in layers:
            unknown = sorted(set(layer) - set(d))
            if unknown:
                raise ValueError(
                    f"{label}: unknown parameter(s) for {stem}: {', '.join(unknown)}{_did_you_mean(unknown[0], d)}; "
                    f"it declares {', '.join(sorted(d))}"
                )
            resolved.update(layer)
            origin.update(dict.fromkeys(layer, label))
        problems += check_parameters(stem, parameter_schema(nbs[stem], src), {k: resolved[k] for k in origin}, origin)
        if fast:
            resolved["fast"] = True
        resolved["output_dir"] = str(out)
        jobs.append(
            Job(
                name=stem,
                kind="notebook",
                source=src,
                params=resolved,
                ipynb=out / "notebooks" / f"{stem}.ipynb",
                html=out / "html" / f"{stem}.html",
                depends_on=_notebook_depends_on(stem, nbs[stem]),
                source_hash=notebook_source_hash(nbs[stem]),
            )
        )
    if problems:
        raise ValueError("invalid parameter value(s), no notebook was started:\n  " + "\n  ".join(problems))
    return jobs


def _plan_profiles(
    iso3s: list[str], *, template: Path, out: Path, fast: bool, params_dirs: list[Path], extra: dict | None = None
) -> list[Job]:
    nb = read_notebook_json(template)
    d = notebook_parameters(nb, template)
    _check_required(template.stem, d, template)
    if "iso3" not in d:
        raise ValueError(f"{template}: the profile notebook must declare an 'iso3' parameter")
    base = dict(d)
    origin: dict[str, str] = {}
    for pdir in params_dirs:
        pf = pdir / f"{template.stem}.yaml"
        if pf.exists():
            layer = _load_yaml(pf)
            unknown = sorted(set(layer) - set(d))
            if unknown:
                raise ValueError(
                    f"{pf}: unknown parameter(s) {', '.join(unknown)}; the profile declares {', '.join(sorted(d))}"
                )
            base.update(layer)
            origin.update(dict.fromkeys(layer, str(pf)))
    shared = {k: v for k, v in (extra or {}).items() if k in d}
    base.update(shared)
    origin.update(dict.fromkeys(shared, "the report notebooks"))
    problems = check_parameters(template.stem, parameter_schema(nb, template), {k: base[k] for k in origin}, origin)
    if problems:
        raise ValueError("invalid parameter value(s), no profile was started:\n  " + "\n  ".join(problems))
    if fast:
        base["fast"] = True
    deps = _notebook_depends_on(template.stem, nb)
    src_hash = notebook_source_hash(nb)
    jobs = []
    for iso3 in iso3s:
        p = dict(base, iso3=iso3, output_dir=str(out / "profiles" / iso3))
        if "reports_dir" in d:  # the profile reuses the tables of this build (02-rankings)
            p["reports_dir"] = str(out)
        jobs.append(
            Job(
                name=iso3,
                kind="profile",
                source=template,
                params=p,
                ipynb=out / "profiles" / f"{iso3}.ipynb",
                html=out / "profiles" / f"{iso3}.html",
                depends_on=deps,
                source_hash=src_hash,
            )
        )
    return jobs


def _summarise(jobs: list[Job], out: Path, stream=None) -> int:
    stream = stream or sys.stdout
    failed = [j for j in jobs if j.status in ("failed", "blocked")]
    counts = {s: sum(1 for j in jobs if j.status == s) for s in ("ok", "cached", "failed", "blocked")}
    print(
        f"sovai build: {counts['ok']} run, {counts['cached']} cached, {counts['failed']} failed, "
        f"{counts['blocked']} skipped -> {out / 'index.html'}",
        file=stream,
    )
    for j in failed:
        print(f"FAILED {j.kind} {j.error}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def build(
    notebooks: list[str] | None = None,
    params: dict | None = None,
    param_file: str | None = None,
    out: Path | None = None,
    jobs: int | None = None,
    fast: bool = False,
    force: bool = False,
    *,
    profiles: Iterable[str] | str | None = "G20",
    notebooks_dir: Path | None = None,
    params_dirs: list[Path] | None = None,
    data_dir: Path | None = None,
    quiet: bool = False,
) -> int:
    """Execute report notebooks (and, on a full build, the G20 country profiles) into ``out``.

    Parameters
    ----------
    notebooks
        Names (``02-rankings``), prefixes (``02``) or paths; ``None`` builds every notebook in
        ``notebooks_dir`` and then the country profiles of ``profiles``.
    params
        ``-p KEY VALUE`` parameters, applied to every selected notebook that declares them.
    param_file
        ``-f`` YAML file: global values and/or per-notebook sections.
    out
        Output folder (default :func:`sovai.paths.reports_dir`).
    jobs
        Notebooks run in parallel (default: number of cores).
    fast
        Run every notebook with ``fast=True`` (smoke mode).
    force
        Ignore the cache.
    profiles
        Countries (ISO3 codes or group names) profiled on a full build (``notebooks=None``) when
        the profile notebook exists; ``None`` or ``[]`` for none.
    notebooks_dir, params_dirs, data_dir
        Overrides for tests: the notebook folder, the folders of ``<stem>.yaml`` parameter files
        (default: ``reports/params`` and ``OUT/params``) and the curated-data folder hashed into
        the cache key.
    quiet
        No progress output.

    Returns
    -------
    int
        0 when every notebook succeeded (or was up to date), 1 when one failed, 2 on bad usage.
    """
    out = Path(out or paths.reports_dir()).resolve()
    nb_dir = Path(notebooks_dir or paths.NOTEBOOKS_DIR).resolve()
    params_dirs = list(params_dirs) if params_dirs is not None else _default_params_dirs(out)
    if notebooks:
        sources = [_resolve_notebook_arg(a, nb_dir) for a in notebooks]
        sources = list(dict.fromkeys(sources))
    else:
        sources = discover_notebooks(nb_dir)
        if not sources:
            raise FileNotFoundError(f"no notebooks NN-name.ipynb found in {nb_dir}")
    template = nb_dir / f"{PROFILE_STEM}.ipynb"
    profile_jobs: list[Job] = []
    plan = _plan(sources, out=out, params=dict(params or {}), param_file=param_file, fast=fast, params_dirs=params_dirs)
    check_data_available()
    builder = Builder(out, jobs=jobs, force=force, data_dir=data_dir, progress=Progress(quiet=quiet))
    if notebooks:
        # notebooks already built in OUT that read what the selected ones write run too (when
        # their inputs changed), so the folder never mixes a new ranking with old maps
        extra_sources = _built_dependents(sources, nb_dir, builder)
        if extra_sources:
            plan += _plan(extra_sources, out=out, params={}, param_file=None, fast=fast, params_dirs=params_dirs)
    if template.exists():
        if notebooks is None and profiles:
            iso3s = builder.resolve_countries(profiles, parameter="profiles")
        elif notebooks and set(_notebook_depends_on(PROFILE_STEM, read_notebook_json(template))) & {
            j.name for j in plan
        }:
            iso3s = builder.built_profiles()
        else:
            iso3s = []
        if iso3s:
            profile_jobs = _plan_profiles(
                iso3s, template=template, out=out, fast=fast, params_dirs=params_dirs, extra=_common(plan)
            )
    all_jobs = builder.run(plan + profile_jobs)
    if template.exists():  # the settings profiles would be built with now (to mark the others)
        try:
            reference = (
                profile_jobs[0]
                if profile_jobs
                else _plan_profiles(
                    ["DEU"], template=template, out=out, fast=fast, params_dirs=params_dirs, extra=_common(plan)
                )[0]
            )
            builder.profile_reference = builder.profile_signature(reference)
        except ValueError:  # a broken profile template must not stop the report build
            builder.profile_reference = None
    builder.write_site(all_jobs, {"fast": fast, "force": force})
    return _summarise(all_jobs, out)


def _built_dependents(sources: list[Path], nb_dir: Path, builder: Builder) -> list[Path]:
    """Report notebooks not in ``sources`` that depend (directly or not) on one of them and have
    been built in the builder's folder before."""
    selected = {p.stem for p in sources}
    others = {p.stem: p for p in discover_notebooks(nb_dir) if p.stem not in selected}
    deps = {stem: set(_notebook_depends_on(stem, read_notebook_json(p))) for stem, p in others.items()}
    reach = set(selected)
    changed = True
    while changed:
        changed = False
        for stem, d in deps.items():
            if stem not in reach and d & reach:
                reach.add(stem)
                changed = True
    return [others[s] for s in sorted(reach - selected) if builder.read_record(f"notebook-{s}") is not None]


def check_data_available(keys: Iterable[str] | None = None) -> None:
    """Offline (``SOVAI_OFFLINE``/config ``data.offline``), fail early when raw files are not local.

    Checks that each pinned file exists in the mirror or the cache (no hashing: the notebooks
    verify what they read), so a build without data says so in one paragraph before any kernel
    starts, instead of every notebook failing with a traceback.

    Raises
    ------
    MissingDataError
        Naming how many files are missing, where sovai looked and what to run.
    """
    if not paths.offline():
        return
    from sovai.errors import MissingDataError
    from sovai.registry import load_registry

    keys = sorted(keys) if keys is not None else sorted(load_registry())
    mirror, cache = paths.mirror_dir(), paths.cache_dir()
    missing = [k for k in keys if not ((mirror is not None and (mirror / k).is_file()) or (cache / k).is_file())]
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise MissingDataError(
            f"{len(missing)} of {len(keys)} pinned raw files are not available locally ({shown}); "
            f"looked in the mirror ({mirror or 'none set'}) and the cache ({cache}), and downloads are off "
            f"(SOVAI_OFFLINE). {paths.offline_help()}"
        )


def _common(plan: list[Job]) -> dict:
    """Seed shared by all report notebooks (passed on to the profiles when all agree)."""
    seeds = {json.dumps(j.params.get("seed")) for j in plan}
    return {"seed": plan[0].params["seed"]} if plan and len(seeds) == 1 else {}


def profile(
    iso3s: list[str],
    out: Path | None = None,
    jobs: int | None = None,
    fast: bool = False,
    *,
    notebook: Path | None = None,
    params_dirs: list[Path] | None = None,
    data_dir: Path | None = None,
    force: bool = False,
    quiet: bool = False,
) -> int:
    """Build country profiles ``OUT/profiles/ISO3.html`` (and the executed ``ISO3.ipynb``).

    Parameters
    ----------
    iso3s
        ISO3 codes, country names or group names (``G20``), resolved by
        :func:`sovai.countries.resolve_countries`.
    out, jobs, fast, force, quiet
        As for :func:`build`.
    notebook
        The profile template (default ``notebooks/07-country-profile.ipynb``).
    params_dirs, data_dir
        As for :func:`build`.

    Returns
    -------
    int
        0 ok, 1 when a profile failed.
    """
    out = Path(out or paths.reports_dir()).resolve()
    template = Path(notebook or paths.NOTEBOOKS_DIR / f"{PROFILE_STEM}.ipynb").resolve()
    if not template.exists():
        raise FileNotFoundError(f"profile notebook {template} not found")
    builder = Builder(out, jobs=jobs, force=force, data_dir=data_dir, progress=Progress(quiet=quiet))
    codes = builder.resolve_countries(list(iso3s), parameter="iso3")
    params_dirs = list(params_dirs) if params_dirs is not None else _default_params_dirs(out)
    plan = _plan_profiles(codes, template=template, out=out, fast=fast, params_dirs=params_dirs)
    check_data_available()
    done = builder.run(plan)
    builder.profile_reference = builder.profile_signature(plan[0]) if plan else None
    builder.write_site(done, {"fast": fast, "force": force})
    return _summarise(done, out)


from sovai.reports.cache import cached_result  # noqa: E402,F401 - moved; kept until the build split
