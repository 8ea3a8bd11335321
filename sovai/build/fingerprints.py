"""Fingerprints of a build's ingredients: the package source, the input data, versions, the commit.

Every hash is sha256. Files are hashed by :func:`sovai.registry.sha256_of` (the same function
that verifies raw downloads, memoised on path, size and modification time); objects by
:func:`digest` of their canonical JSON (sorted keys, no whitespace), so equal inputs give equal
keys on every machine.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from sovai import paths
from sovai.registry import sha256_of

__all__ = [
    "canonical_json",
    "digest",
    "git_commit",
    "input_hashes",
    "package_fingerprint",
    "package_versions",
    "sha256_of",
]


def canonical_json(obj: Any) -> str:
    """``obj`` as JSON with sorted keys and no whitespace (non-JSON values via ``str``)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def digest(obj: Any) -> str:
    """sha256 (hex) of the canonical JSON of ``obj``."""
    return hashlib.sha256(canonical_json(obj).encode()).hexdigest()


#: Distributions whose versions are recorded in the manifest.
VERSION_PACKAGES = ("pandas", "numpy", "statsmodels", "geopandas", "matplotlib", "papermill", "nbconvert", "sovai")


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
                data[rel.as_posix()] = sha256_of(p)
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
