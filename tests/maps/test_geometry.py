"""The projected layer: any CRS, and no polygon wrapping around maps centred off Greenwich."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

os.environ.setdefault("SOVAI_DATA_MIRROR", str(Path(__file__).resolve().parents[3] / "shared" / "data" / "raw"))

from sovai import maps  # noqa: E402
from tests.maps.support import stance_frame  # noqa: E402


def test_any_crs():
    res = maps.choropleth(stance_frame(), "stance", projection="EPSG:4326", expected=stance_frame().index)
    assert res.info.n_patches == 7
    x0, x1 = res.ax.get_xlim()
    assert -200 < x0 < x1 < 200


@pytest.mark.parametrize("projection", ["+proj=eqearth +lon_0=150 +units=m", "+proj=robin +lon_0=-90 +units=m"])
def test_map_centred_off_greenwich_has_no_wrapping_polygons(projection):
    res = maps.choropleth(stance_frame(), "stance", projection=projection, expected=stance_frame().index)
    x0, x1 = res.ax.get_xlim()
    width = x1 - x0
    for coll in res.ax.collections:
        for path in getattr(coll, "get_paths", list)():
            v, codes = path.vertices, path.codes
            if codes is None or len(v) < 2:
                continue
            step = np.abs(np.diff(v[:, 0]))
            step = step[(codes[1:] == path.LINETO)]  # segments within a ring, not jumps between rings
            assert step.max(initial=0) < width / 2, "a polygon wraps around the map edge"
