"""Context for the codings that is not a coding: UNCTAD's data-protection law status.

This module holds :func:`data_protection_context`, the UNCTAD Global Cyberlaw Tracker status per
country, shown beside ``data_localisation`` and never coded as it (a privacy law is not a
localisation mandate). It enters neither the derived layer (:func:`sovai.derived_codings.derived_codings`)
nor the merge, and imports no other submodule of the package.
"""

from __future__ import annotations

import pandas as pd


def data_protection_context() -> pd.DataFrame:
    """UNCTAD Global Cyberlaw Tracker: ``iso3, data_protection_law`` (Legislation / Draft Legislation /
    No Legislation / No Data) for 195 countries. Context for ``data_localisation`` only: a privacy law
    is not a localisation mandate.
    """
    from sovai.sources import unctad

    return unctad.data_protection_status()
