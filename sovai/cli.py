"""The ``sovai`` command (DESIGN.md §6). Exit codes: 0 ok, 1 a notebook or validation failed, 2 bad usage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parse_param(values: list[list[str]] | None) -> dict[str, object]:
    import yaml

    params: dict[str, object] = {}
    for key, raw in values or []:
        params[key] = yaml.safe_load(raw)  # "5" -> 5, "[a, b]" -> list, "true" -> True
    return params


def _cmd_data(args: argparse.Namespace) -> int:
    from sovai import registry
    from sovai.errors import SovaiError

    if args.action == "list":
        reg = registry.load_registry()
        folders = sorted({e.folder for e in reg.values()})
        for folder in folders:
            ents = [e for e in reg.values() if e.folder == folder]
            size = sum(e.size for e in ents)
            flag = (
                " [NON-COMMERCIAL]"
                if ents[0].non_commercial
                else (" [licence unclear]" if ents[0].licence_flag else "")
            )
            print(f"{folder:34s} {len(ents):4d} file(s) {size / 1e6:8.2f} MB  {ents[0].licence}{flag}")
        print(f"{len(reg)} files pinned in {registry.paths.REGISTRY_FILE}")
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

    problems = validate_file(args.file, sheet=args.sheet)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{args.file}: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_FAILED
    print(f"{args.file}: valid")
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from sovai import report

    return report.build(
        notebooks=args.notebooks or None,
        params=_parse_param(args.param),
        param_file=args.file,
        out=Path(args.out) if args.out else None,
        jobs=args.jobs,
        fast=args.fast,
        force=args.force,
    )


def _cmd_profile(args: argparse.Namespace) -> int:
    from sovai import report

    return report.profile(args.iso3, out=Path(args.out) if args.out else None, jobs=args.jobs, fast=args.fast)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(
        prog="sovai", description="AI sovereignty analysis: data, build, profiles, validation."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="pinned raw data: list, fetch, verify")
    data.add_argument("action", choices=["list", "fetch", "verify"])
    data.add_argument("--mirror", help="local mirror folder (default: $SOVAI_DATA_MIRROR)")
    data.add_argument("-v", "--verbose", action="store_true")
    data.set_defaults(func=_cmd_data)

    build = sub.add_parser("build", help="execute notebooks with papermill into reports")
    build.add_argument("notebooks", nargs="*", help="notebook names or paths (default: all in notebooks/)")
    build.add_argument(
        "-p", "--param", nargs=2, action="append", metavar=("KEY", "VALUE"), help="parameter (YAML value)"
    )
    build.add_argument("-f", "--file", help="YAML file of parameters")
    build.add_argument("--out", help="output folder (default: reports/)")
    build.add_argument("--jobs", type=int, default=None, help="parallel notebooks (default: number of cores)")
    build.add_argument("--fast", action="store_true", help="smoke mode: every notebook with fast=True")
    build.add_argument("--force", action="store_true", help="ignore the cache and re-run everything")
    build.set_defaults(func=_cmd_build)

    prof = sub.add_parser("profile", help="country profiles as HTML")
    prof.add_argument("iso3", nargs="+", help="ISO3 codes or a group name such as G20")
    prof.add_argument("--out", help="output folder (default: reports/)")
    prof.add_argument("--jobs", type=int, default=None)
    prof.add_argument("--fast", action="store_true")
    prof.set_defaults(func=_cmd_profile)

    val = sub.add_parser("validate", help="check a categorical coding file (CSV/XLSX) against the codebook")
    val.add_argument("file")
    val.add_argument("--sheet", default=None, help="XLSX sheet name (default: the first sheet)")
    val.set_defaults(func=_cmd_validate)
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
        return int(args.func(args))
    except SovaiError as exc:  # data or input problems: a clear message, no traceback
        print(f"sovai: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except FileNotFoundError as exc:
        print(f"sovai: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:
        print(f"sovai: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
