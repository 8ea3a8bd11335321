"""sovai: reproducible quantitative analysis of AI sovereignty.

A reconstruction, from open data and cited codings, of the analysis in Brookings/CEPS (2026),
*Is AI sovereignty possible? Balancing autonomy and interdependence*.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sovai")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__", "load_categorical", "compare_categorical", "to_iso3"]


def __getattr__(name: str):
    """Lazily expose the most used entry points without importing heavy modules eagerly."""
    if name in ("load_categorical", "compare_categorical"):
        from sovai import categorical

        return getattr(categorical, name)
    if name == "to_iso3":
        from sovai.countries import to_iso3

        return to_iso3
    raise AttributeError(f"module 'sovai' has no attribute {name!r}")
