"""Every path the package uses, derived once.

The project root is the folder holding ``pyproject.toml`` above this package (a source checkout,
which is how sovai is meant to be used: ``pip install -e .``). ``SOVAI_REPORTS_DIR`` overrides the
report folder, ``SOVAI_CACHE_DIR`` the download cache and ``SOVAI_DATA_MIRROR`` names a read-only
local mirror of the raw files.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DATA_DIR = PROJECT_ROOT / "data"
CATEGORICAL_DIR = DATA_DIR / "categorical"
COUNTRIES_DIR = DATA_DIR / "countries"
STACK_DIR = DATA_DIR / "stack"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REGISTRY_FILE = PACKAGE_DIR / "registry.toml"


def reports_dir() -> Path:
    """Default output folder for builds (``SOVAI_REPORTS_DIR`` or ``<root>/reports``)."""
    return Path(os.environ.get("SOVAI_REPORTS_DIR", PROJECT_ROOT / "reports"))


def cache_dir() -> Path:
    """User download cache (``SOVAI_CACHE_DIR`` or the platform cache folder)."""
    env = os.environ.get("SOVAI_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("sovai"))


def mirror_dir() -> Path | None:
    """Local read-only mirror of raw files named by ``SOVAI_DATA_MIRROR``, if set."""
    env = os.environ.get("SOVAI_DATA_MIRROR")
    return Path(env).expanduser().resolve() if env else None
