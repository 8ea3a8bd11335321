"""Shared test set-up (kept minimal: every test module loads it).

* ``SOVAI_DATA_MIRROR`` defaults to ``../shared/data/raw`` next to the repository (DESIGN.md §3);
* matplotlib uses the non-interactive Agg backend (also in notebook kernels started by tests).
"""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("SOVAI_DATA_MIRROR", str((_ROOT.parent / "shared" / "data" / "raw").resolve()))
os.environ.setdefault("MPLBACKEND", "Agg")
