"""Planning a build: which jobs run, with which parameters.

Parameters are layered, later layers winning (:func:`layer_parameters`, the one function that
does it, for report notebooks and country profiles alike)::

    notebook defaults < reports/params/<stem>.yaml < OUT/params/<stem>.yaml < -f FILE
                      < -p KEY VALUE < --fast

``-p``/``-f`` values apply to every selected notebook that declares that parameter (a key no
notebook declares is a usage error); a ``-f`` file may also hold per-notebook sections
(``{"02-rankings": {...}}``). ``output_dir`` is always the absolute build folder (for a profile
``OUT/profiles/ISO3``, and its ``reports_dir`` the build folder, whose rankings tables it
reuses). Every value is checked against the notebook's parameter schema before any kernel
starts; all problems are reported at once, one line each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sovai import paths
from sovai.build.notebooks import (
    NOTEBOOK_RE,
    REQUIRED_PARAMETERS,
    check_parameters,
    did_you_mean,
    notebook_depends_on,
    notebook_parameters,
    notebook_source_hash,
    parameter_schema,
    read_notebook_json,
)


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
    #: executed in a kernel that an earlier job of the same worker had used (REUSE_KERNELS)
    warm_kernel: bool = False
    error: str | None = None
    priority: float = 0.0
    key_parts: dict[str, str] = field(default_factory=dict)
    reason: str = ""

    @property
    def record_id(self) -> str:
        """File stem of the job's cache record (``notebook-02-rankings``, ``profile-DEU``)."""
        return f"{self.kind}-{self.name}"


def load_yaml(path: Path) -> dict[str, Any]:
    """A YAML parameter file as a mapping (``{}`` when empty); ``ValueError`` naming the file otherwise."""
    from sovai import _yaml

    try:
        data = _yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except _yaml.YAMLError as exc:
        raise ValueError(f"{path}: invalid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of parameter names to values, found {type(data).__name__}")
    return data


def default_params_dirs(out: Path) -> list[Path]:
    """Folders of per-notebook parameter files: the committed ``reports/params`` and ``OUT/params``."""
    dirs = [paths.PROJECT_ROOT / "reports" / "params"]
    if (out / "params").resolve() != dirs[0].resolve():
        dirs.append(out / "params")
    return dirs


def split_param_file(data: dict, stems: set[str]) -> tuple[dict, dict[str, dict]]:
    """Split a ``-f`` file into global values and per-notebook sections."""
    glob, per = {}, {}
    for k, v in data.items():
        if isinstance(v, dict) and (k in stems or NOTEBOOK_RE.match(str(k))):
            per[str(k)] = v
        else:
            glob[k] = v
    return glob, per


def check_required(stem: str, defaults: dict, path: Path) -> None:
    """Raise ``ValueError`` unless the notebook declares every parameter of ``REQUIRED_PARAMETERS``."""
    missing = [p for p in REQUIRED_PARAMETERS if p not in defaults]
    if missing:
        raise ValueError(
            f"{path}: the 'parameters' cell must define {', '.join(REQUIRED_PARAMETERS)}; missing: {', '.join(missing)}"
        )


def layer_parameters(
    stem: str, defaults: dict[str, Any], layers: list[tuple[str, dict[str, Any]]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Apply parameter ``layers`` (``(label, values)``, lowest first) over a notebook's ``defaults``.

    Returns the resolved values and, for every value that did not come from the notebook, the
    label of the layer it came from (used in error messages).

    Raises
    ------
    ValueError
        If a layer sets a parameter the notebook does not declare (with "did you mean").
    """
    resolved, origin = dict(defaults), {}
    for label, values in layers:
        unknown = sorted(set(values) - set(defaults))
        if unknown:
            raise ValueError(
                f"{label}: unknown parameter(s) for {stem}: {', '.join(unknown)}{did_you_mean(unknown[0], defaults)}; "
                f"it declares {', '.join(sorted(defaults))}"
            )
        resolved.update(values)
        origin.update(dict.fromkeys(values, label))
    return resolved, origin


def _file_layers(stem: str, params_dirs: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    """The ``<stem>.yaml`` parameter files found in ``params_dirs``, in order."""
    return [
        (str(pdir / f"{stem}.yaml"), load_yaml(pdir / f"{stem}.yaml"))
        for pdir in params_dirs
        if (pdir / f"{stem}.yaml").exists()
    ]


def plan_notebooks(
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
        check_required(stem, defaults[stem], src)
    file_glob, file_per = {}, {}
    if param_file:
        file_glob, file_per = split_param_file(load_yaml(Path(param_file)), set(nbs))
        folders = {src.parent for src in sources}
        known = set(nbs) | {p.stem for f in folders for p in f.glob("*.ipynb")}
        unknown_sections = sorted(set(file_per) - known)
        if unknown_sections:  # sections for notebooks not selected in this build are fine
            raise ValueError(f"{param_file}: sections for unknown notebooks: {', '.join(unknown_sections)}")
    declared = set().union(*defaults.values()) if defaults else set()
    for label, values in (("-p", params), (f"-f {param_file}", file_glob)):
        unknown = sorted(set(values) - declared)
        if unknown:
            hint = did_you_mean(unknown[0], declared)
            raise ValueError(
                f"{label}: unknown parameter(s) {', '.join(unknown)}{hint}; the selected notebooks declare: {', '.join(sorted(declared))}"
            )
    jobs = []
    problems: list[str] = []
    for src in sources:
        stem = src.stem
        d = defaults[stem]
        layers = _file_layers(stem, params_dirs)
        if param_file:
            layers.append((f"{param_file}", {k: v for k, v in file_glob.items() if k in d}))
            layers.append((f"{param_file} [{stem}]", file_per.get(stem, {})))
        layers.append(("-p", {k: v for k, v in params.items() if k in d}))
        resolved, origin = layer_parameters(stem, d, layers)
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
                depends_on=notebook_depends_on(stem, nbs[stem]),
                source_hash=notebook_source_hash(nbs[stem]),
            )
        )
    if problems:
        raise ValueError("invalid parameter value(s), no notebook was started:\n  " + "\n  ".join(problems))
    return jobs


def plan_profiles(
    iso3s: list[str], *, template: Path, out: Path, fast: bool, params_dirs: list[Path], extra: dict | None = None
) -> list[Job]:
    """One job per country for the profile notebook ``template`` (``extra``: settings shared with
    the report notebooks, e.g. their common seed; raises ``ValueError`` on bad values)."""
    nb = read_notebook_json(template)
    d = notebook_parameters(nb, template)
    check_required(template.stem, d, template)
    if "iso3" not in d:
        raise ValueError(f"{template}: the profile notebook must declare an 'iso3' parameter")
    layers = _file_layers(template.stem, params_dirs)
    layers.append(("the report notebooks", {k: v for k, v in (extra or {}).items() if k in d}))
    base, origin = layer_parameters(template.stem, d, layers)
    problems = check_parameters(template.stem, parameter_schema(nb, template), {k: base[k] for k in origin}, origin)
    if problems:
        raise ValueError("invalid parameter value(s), no profile was started:\n  " + "\n  ".join(problems))
    if fast:
        base["fast"] = True
    deps = notebook_depends_on(template.stem, nb)
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


def common_settings(plan: list[Job]) -> dict:
    """Seed shared by all report notebooks (passed on to the profiles when all agree)."""
    seeds = {json.dumps(j.params.get("seed")) for j in plan}
    return {"seed": plan[0].params["seed"]} if plan and len(seeds) == 1 else {}


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
