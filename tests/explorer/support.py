"""Helpers shared by the tests of :mod:`sovai.explorer`: a small frame of layer scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

NAN = np.nan


def _layers() -> pd.DataFrame:
    return pd.DataFrame(
        {"a": [80.0, 20.0, 50.0, NAN], "b": [10.0, 60.0, 50.0, 40.0], "c": [30.0, 40.0, NAN, NAN]},
        index=pd.Index(["AAA", "BBB", "CCC", "DDD"], name="iso3"),
    )
