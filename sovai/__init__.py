"""sovai: reproducible quantitative analysis of AI sovereignty.

A reconstruction, from open data and cited codings, of the analysis in Brookings/CEPS (2026),
*Is AI sovereignty possible? Balancing autonomy and interdependence*.

Quick tour
----------
::

    import sovai
    codings = sovai.load_categorical()          # Appendix A: 195 countries x coded variables
    table = sovai.rank(view="scale")            # composite index of the 10 AI-stack layers
    result = sovai.map(codings, "stance")       # a world choropleth (not-coded cells hatched)
    sovai.to_iso3("Türkiye")                    # country names -> ISO 3166-1 alpha-3: ['TUR']
    sovai.profile("DEU")                        # build reports/profiles/DEU.html (a notebook run)

The same from a shell: ``sovai build`` (every notebook into ``reports/``), ``sovai build --list``
(notebooks and their parameters), ``sovai profile DEU``, ``sovai validate my_codings.csv``,
``sovai data list``, ``sovai config set data.mirror PATH`` (where the raw files are, offline).

Modules: :mod:`sovai.categorical` (codings), :mod:`sovai.panel` and :mod:`sovai.composite`
(rankings), :mod:`sovai.maps`, :mod:`sovai.drivers` (regressions), :mod:`sovai.stack` and
:mod:`sovai.interdependence` (chokepoints, coalitions), :mod:`sovai.registry` (raw data),
:mod:`sovai.build` (notebooks into a report folder), :mod:`sovai.reports` (one module per notebook), :mod:`sovai.paths` (settings).
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("sovai")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = [
    "__version__",
    "compare_categorical",
    "load_categorical",
    "map",
    "profile",
    "rank",
    "to_iso3",
]


def load_categorical(*args: Any, **kwargs: Any):
    """The categorical codings, one row per country (see :func:`sovai.categorical.load_categorical`)."""
    from sovai import categorical

    return categorical.load_categorical(*args, **kwargs)


def compare_categorical(*args: Any, **kwargs: Any):
    """Compare two codings, e.g. yours with sovai's (see :func:`sovai.categorical.compare_categorical`)."""
    from sovai import categorical

    return categorical.compare_categorical(*args, **kwargs)


def to_iso3(*args: Any, **kwargs: Any):
    """Country names to ISO3 codes (see :func:`sovai.countries.to_iso3`)."""
    from sovai.countries import to_iso3 as _to_iso3

    return _to_iso3(*args, **kwargs)


def rank(view: str = "scale", year: int = 2024, **config: Any):
    """Rank the countries on the composite index of the AI stack (overall table, sorted by rank).

    Parameters
    ----------
    view
        ``"scale"`` (absolute quantities) or ``"intensity"`` (per person / per GDP).
    year
        Reference year of the panel (:func:`sovai.panel.build_panel`).
    **config
        Options of :class:`sovai.composite.CompositeConfig` (``normalisation``, ``weights``,
        ``n_draws``, ``seed``…).

    Returns
    -------
    pandas.DataFrame
        One row per ranked country: score, rank and its 5–95 % interval.
    """
    from sovai import composite, panel

    result = composite.run_panel(panel.build_panel(year=year, view=view), composite.CompositeConfig(**config))
    return composite.overall_table(result)


def map(frame, column: str | None = None, **options: Any):  # noqa: A001 - sovai.map reads naturally
    """Draw a world choropleth of one country variable (see :func:`sovai.maps.choropleth`)."""
    from sovai import maps

    return maps.choropleth(frame, column, **options)


def profile(*iso3: str, out=None, fast: bool = False) -> int:
    """Build country profiles ``OUT/profiles/ISO3.html`` (see :func:`sovai.build.profile`); 0 = ok."""
    from sovai import build

    return build.profile(list(iso3), out=out, fast=fast)


def _short_error(shell, etype, value, tb, tb_offset=None) -> list[str]:
    """IPython: show a sovai error (missing data, unknown country, bad input) as one paragraph.

    The cause is a user-fixable problem with a message that says what to do; a chained
    traceback through pandas and the registry only hides that message.
    """
    stb = [f"\x1b[0;31m{etype.__name__}\x1b[0m: {value}"]
    shell._showtraceback(etype, value, stb)  # IPython calls a custom handler but shows nothing itself
    return stb


def _install_notebook_errors() -> None:
    """In IPython/Jupyter, show :class:`sovai.errors.SovaiError` without a traceback."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None or getattr(shell, "_sovai_short_errors", False):
        return
    from sovai.errors import SovaiError

    if shell.custom_exceptions not in ((), (SovaiError,)):
        return  # the user installed their own handler: leave it alone
    shell.set_custom_exc((SovaiError,), _short_error)
    shell._sovai_short_errors = True


_install_notebook_errors()
