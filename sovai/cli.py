"""The ``sovai`` command (DESIGN.md §6). Exit codes: 0 ok, 1 a notebook or validation failed, 2 bad usage.

Settings are read from the user config file (``sovai config show``), then the environment
(``SOVAI_DATA_MIRROR``, ``SOVAI_OFFLINE``, ``SOVAI_CACHE_DIR``, ``SOVAI_REPORTS_DIR``), then the
options: ``--mirror PATH`` is accepted by every command that reads data.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sovai.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE  # the one exit-code table


class UsageError(Exception):
    """A bad option value (exit code 2)."""


def _parse_param(values: list[list[str]] | None) -> dict[str, object]:
    import yaml

    params: dict[str, object] = {}
    for key, raw in values or []:
        try:
            params[key] = yaml.safe_load(raw)  # "5" -> 5, "[a, b]" -> list, "true" -> True
        except yaml.YAMLError as exc:
            raise UsageError(
                f"-p {key} {raw!r}: not a valid value ({exc.__class__.__name__}); quote text values"
            ) from exc
    return params


def _apply_mirror(args: argparse.Namespace) -> None:
    """``--mirror PATH``: the mirror for this command and every kernel it starts."""
    mirror = getattr(args, "mirror", None)
    if not mirror:
        return
    path = Path(mirror).expanduser().resolve()
    if not path.is_dir():
        raise UsageError(f"--mirror {mirror}: not a folder")
    os.environ["SOVAI_DATA_MIRROR"] = str(path)


def _local_presence(entries) -> tuple[int, int]:
    """Files of ``entries`` present in the mirror, and in the mirror or the cache (existence only)."""
    from sovai import paths

    mirror, cache = paths.mirror_dir(), paths.cache_dir()
    in_mirror = {e.key for e in entries if mirror is not None and (mirror / e.key).is_file()}
    local = in_mirror | {e.key for e in entries if (cache / e.key).is_file()}
    return len(in_mirror), len(local)


def _cmd_data(args: argparse.Namespace) -> int:
    from sovai import paths, registry
    from sovai.errors import SovaiError

    if args.action == "list":
        reg = registry.load_registry()
        folders = sorted({e.folder for e in reg.values()})
        mirror, cache = paths.mirror_dir(), paths.cache_dir()
        print(f"{'source folder':34s} {'files':>5s} {'MB':>8s}  {'local':>11s}  licence")
        complete = 0
        for folder in folders:
            ents = [e for e in reg.values() if e.folder == folder]
            size = sum(e.size for e in ents)
            flag = (
                " [NON-COMMERCIAL]"
                if ents[0].non_commercial
                else (" [licence unclear]" if ents[0].licence_flag else "")
            )
            in_mirror, local = _local_presence(ents)
            where = "mirror" if in_mirror == local and local else ("cache" if not in_mirror and local else "both")
            where = where if local else "-"
            complete += local == len(ents)
            print(f"{folder:34s} {len(ents):5d} {size / 1e6:8.2f}  {local:4d} {where:6s}  {ents[0].licence}{flag}")
        print(f"{len(reg)} files pinned in {registry.paths.REGISTRY_FILE}")
        print(
            f"local: {complete}/{len(folders)} source folders complete; mirror {mirror or 'none set'}; cache {cache}"
            + ("" if complete == len(folders) else f". Missing files: {paths.offline_help()}")
        )
        return EXIT_OK
    if args.action == "verify":
        problems = registry.verify(mirror=args.mirror)
        for p in problems:
            print(f"FAIL {p}", file=sys.stderr)
        n = len(registry.keys())
        print(
            f"verified {n - len(problems)}/{n} files"
            + (f"; {len(problems)} problem(s)" if problems else ": all sha256 match")
        )
        return EXIT_FAILED if problems else EXIT_OK
    if args.action == "fetch":
        failed = 0
        keys = registry.keys()
        for i, key in enumerate(keys, 1):
            try:
                path = registry.fetch(key, mirror=args.mirror, allow_download=True)
                if args.verbose:
                    print(f"[{i}/{len(keys)}] {key} -> {path}")
            except SovaiError as exc:
                failed += 1
                print(f"FAIL {key}: {exc}", file=sys.stderr)
        print(f"fetched {len(keys) - failed}/{len(keys)} files")
        return EXIT_FAILED if failed else EXIT_OK
    return EXIT_USAGE


def _cmd_validate(args: argparse.Namespace) -> int:
    from sovai.categorical import validate_file

    warnings: list[str] = []
    problems = validate_file(args.file, sheet=args.sheet, warnings=warnings)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{args.file}: {len(problems)} problem(s), {len(warnings)} warning(s)", file=sys.stderr)
        return EXIT_FAILED
    print(f"{args.file}: valid" + (f" ({len(warnings)} warning(s))" if warnings else ""))
    return EXIT_OK


def _list_notebooks(stream=None) -> int:
    """``sovai build --list``: every notebook, what it answers, its parameters with defaults."""
    from sovai import paths
    from sovai.build import notebooks as nbs

    stream = stream or sys.stdout
    files = nbs.discover_notebooks()
    template = paths.NOTEBOOKS_DIR / f"{nbs.PROFILE_STEM}.ipynb"
    if template.exists():
        files.append(template)
    for path in files:
        nb = nbs.read_notebook_json(path)
        title, description = nbs.describe_notebook(path)
        extra = "  (run per country: sovai profile ISO3)" if path.stem == nbs.PROFILE_STEM else ""
        print(f"{path.stem}  {title}{extra}", file=stream)
        if description:
            print(f"    {description}", file=stream)
        for p in nbs.parameter_schema(nb, path).values():
            if p.name in nbs.PATH_PARAMETERS:
                continue
            allowed = f"  [one of: {', '.join(p.choices)}]" if p.choices else ""
            bounds = f"  [{p.bounds[0]:g}–{p.bounds[1]:g}]" if p.bounds else ""
            default = json.dumps(p.default, ensure_ascii=False)
            print(f"    -p {p.name} {default}  ({p.kind}) {p.comment}{allowed}{bounds}", file=stream)
        print(file=stream)
    print("Set a value with -p KEY VALUE (YAML: 5, true, [a, b], {k: v}); -f FILE for a YAML file.", file=stream)
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from sovai import build

    if args.list:
        return _list_notebooks()
    return build.build(
        notebooks=args.notebooks or None,
        params=_parse_param(args.param),
        param_file=args.file,
        out=Path(args.out) if args.out else None,
        jobs=args.jobs,
        fast=args.fast,
        force=args.force,
    )


def _cmd_profile(args: argparse.Namespace) -> int:
    from sovai import build

    return build.profile(
        args.iso3, out=Path(args.out) if args.out else None, jobs=args.jobs, fast=args.fast, force=args.force
    )


def _cmd_config(args: argparse.Namespace) -> int:
    from sovai import paths

    if args.action == "path":
        print(paths.config_file())
        return EXIT_OK
    if args.action in ("set", "unset"):
        if not args.key or (args.action == "set" and args.value is None):
            raise UsageError(f"usage: sovai config {args.action} KEY" + (" VALUE" if args.action == "set" else ""))
        if args.action == "set" and args.key in ("data.mirror",) and not Path(args.value).expanduser().is_dir():
            raise UsageError(f"sovai config set {args.key} {args.value}: not a folder")
        written = paths.set_config(args.key, args.value if args.action == "set" else None)
        print(
            f"{written}: {args.key} {'= ' + repr(paths.read_config(written).get(args.key)) if args.action == 'set' else 'removed'}"
        )
        return EXIT_OK
    print(f"config file: {paths.config_file()}" + ("" if paths.config_file().exists() else " (not created yet)"))
    for key, (env, _kind, meaning) in paths.CONFIG_KEYS.items():
        value, origin = paths.setting(key)
        shown = "(not set)" if value is None else value
        print(f"  {key:13s} = {shown}  [{origin}; env {env}] {meaning}")
    print(f"  effective: mirror {paths.mirror_dir() or 'none'}; cache {paths.cache_dir()}; offline {paths.offline()}")
    return EXIT_OK


def copy_notebooks(target: str | Path, *, overwrite: bool = False) -> list[Path]:
    """Copy the notebooks (and their README) into ``<target>/notebooks/`` for a student to edit.

    The notebooks' default ``output_dir`` (``../reports``) then writes to ``<target>/reports``.
    Existing files are kept unless ``overwrite``; returns the files written.

    Raises
    ------
    UsageError
        ``target`` exists and is not a folder, or a notebook is already there without ``overwrite``.
    """
    import shutil

    from sovai import paths

    dest = Path(target).expanduser() / "notebooks"
    if dest.exists() and not dest.is_dir():
        raise UsageError(f"sovai notebooks copy: {dest} exists and is not a folder")
    sources = sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")) + sorted(paths.NOTEBOOKS_DIR.glob("README.md"))
    clash = [p.name for p in sources if (dest / p.name).exists()]
    if clash and not overwrite:
        raise UsageError(f"sovai notebooks copy: {dest} already holds {clash}; pass --overwrite to replace them")
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sources:
        shutil.copyfile(src, dest / src.name)
        written.append(dest / src.name)
    return written


def _cmd_notebooks(args: argparse.Namespace) -> int:
    from sovai import paths

    if args.action == "list":
        for nb in sorted(paths.NOTEBOOKS_DIR.glob("*.ipynb")):
            print(nb.stem)
        print(f"(from {paths.NOTEBOOKS_DIR})")
        return EXIT_OK
    if not args.dir:
        raise UsageError("usage: sovai notebooks copy DIR")
    written = copy_notebooks(args.dir, overwrite=args.overwrite)
    dest = Path(args.dir).expanduser() / "notebooks"
    print(
        f"copied {len(written)} files to {dest}; open them with `jupyter lab {dest}` (outputs go to {dest.parent / 'reports'})"
    )
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    from sovai import __version__

    parser = argparse.ArgumentParser(
        prog="sovai",
        description="AI sovereignty analysis: data, build, profiles, validation.",
        epilog="Settings: `sovai config show`. Notebooks and their parameters: `sovai build --list`.",
    )
    parser.add_argument("--version", action="version", version=f"sovai {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    mirror = argparse.ArgumentParser(add_help=False)
    mirror.add_argument(
        "--mirror", metavar="PATH", help="folder of the raw files (default: $SOVAI_DATA_MIRROR or config data.mirror)"
    )

    data = sub.add_parser("data", parents=[mirror], help="pinned raw data: list (with local presence), fetch, verify")
    data.add_argument("action", choices=["list", "fetch", "verify"])
    data.add_argument("-v", "--verbose", action="store_true")
    data.set_defaults(func=_cmd_data)

    build = sub.add_parser(
        "build",
        parents=[mirror],
        help="execute notebooks with papermill into reports",
        description="Execute notebooks into OUT (default reports/); `--list` shows notebooks and parameters.",
    )
    build.add_argument("notebooks", nargs="*", help="notebook names, prefixes or paths (default: all in notebooks/)")
    build.add_argument(
        "-p", "--param", nargs=2, action="append", metavar=("KEY", "VALUE"), help="parameter (YAML value)"
    )
    build.add_argument("-f", "--file", help="YAML file of parameters")
    build.add_argument("--out", help="output folder (default: reports/)")
    build.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: number of cores)")
    build.add_argument("--fast", action="store_true", help="smoke mode: every notebook with fast=True")
    build.add_argument("--force", action="store_true", help="ignore the cache and re-run everything")
    build.add_argument("--list", action="store_true", help="list the notebooks and their parameters, then exit")
    build.set_defaults(func=_cmd_build)

    prof = sub.add_parser("profile", parents=[mirror], help="country profiles as HTML")
    prof.add_argument("iso3", nargs="+", help="ISO3 codes, names or a group name such as G20")
    prof.add_argument("--out", help="output folder (default: reports/)")
    prof.add_argument("--jobs", type=int, default=None)
    prof.add_argument("--fast", action="store_true")
    prof.add_argument("--force", action="store_true", help="ignore the cache")
    prof.set_defaults(func=_cmd_profile)

    val = sub.add_parser(
        "validate", parents=[mirror], help="check a categorical coding file (CSV/XLSX) against the codebook"
    )
    val.add_argument("file")
    val.add_argument("--sheet", default=None, help="XLSX sheet name (default: the first sheet)")
    val.set_defaults(func=_cmd_validate)

    nbs = sub.add_parser("notebooks", help="the packaged notebooks: list, or copy DIR (an editable copy)")
    nbs.add_argument("action", choices=["list", "copy"])
    nbs.add_argument("dir", nargs="?", help="target folder for `copy` (notebooks go to DIR/notebooks)")
    nbs.add_argument("--overwrite", action="store_true", help="replace notebooks already in DIR/notebooks")
    nbs.set_defaults(func=_cmd_notebooks)

    cfg = sub.add_parser("config", help="user settings: show, set KEY VALUE, unset KEY, path")
    cfg.add_argument("action", choices=["show", "set", "unset", "path"], nargs="?", default="show")
    cfg.add_argument("key", nargs="?", help="data.mirror, data.cache, data.offline or build.out")
    cfg.add_argument("value", nargs="?")
    cfg.set_defaults(func=_cmd_config)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sovai`` command."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    from sovai.errors import SovaiError

    try:
        _apply_mirror(args)
        return int(args.func(args))
    except SovaiError as exc:  # data or input problems: a clear message, no traceback
        print(f"sovai: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except (UsageError, FileNotFoundError, ValueError) as exc:
        print(f"sovai: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
