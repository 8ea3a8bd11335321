"""Tests for sovai.drivers.plots: the coefficient, predicted-vs-observed and marginal-effect figures."""

from __future__ import annotations

import pandas as pd
import pytest

from sovai import drivers as d
from tests.drivers.support import simulate, spec


def test_figures():
    data = simulate("poisson", n=200)
    fits = [d.fit(spec("poisson"), data), d.fit(spec("ols"), data)]
    fig = d.coefficient_plot(fits)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2 and len(visible[0].collections) >= 2  # CI lines + points
    fig2 = d.predicted_vs_observed(fits[0])
    assert len(fig2.axes[0].lines) == 1 and len(fig2.axes[0].texts) == 8
    fig3 = d.marginal_effect_plot(fits[0], "x1", n_sims=50, seed=1)
    assert len(fig3.axes[0].collections) >= 1  # the band
    c1 = d.marginal_effect_curve(fits[0], "x1", n_sims=50, seed=1)
    c2 = d.marginal_effect_curve(fits[0], "x1", n_sims=50, seed=1)
    pd.testing.assert_frame_equal(c1, c2)
    assert (c1["low"] <= c1["predicted"]).all() and (c1["predicted"] <= c1["high"]).all()
    with pytest.raises(d.DriverModelError, match="parameter 'covariate'"):
        d.marginal_effect_curve(fits[0], "x9")
    import matplotlib.pyplot as plt

    plt.close("all")
