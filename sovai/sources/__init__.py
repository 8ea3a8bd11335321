"""One small module per raw source: read the pinned raw file(s) and return a tidy frame.

Indicator loaders return the long form ``iso3, year, indicator, value`` (aggregates dropped,
units documented in the loader's docstring and in ``data/stack/indicators.csv``). Loaders of
non-indicator data (geometries, chip supply chain, model lists) document their wide form.
"""
