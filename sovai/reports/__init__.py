"""One module per notebook: the contract between a report notebook and the package.

Each module (``overview`` ↔ ``01-data-overview``, ``rankings`` ↔ ``02-rankings``, ``maps`` ↔
``03-maps``, ``drivers`` ↔ ``04-drivers``, ``chokepoints`` ↔ ``05-chokepoints``,
``interdependence`` ↔ ``06-managed-interdependence``, ``profile`` ↔ ``07-country-profile``)
exposes ``run(**params) -> <Module>Result``: it takes the notebook's parameters, computes
everything through the analysis modules, writes every table and figure through
:mod:`sovai.report_io` and returns a typed result whose named fields (tables, figures, text) the
notebook shows. The analysis modules (:mod:`sovai.composite`, :mod:`sovai.maps`,
:mod:`sovai.stack`…) compute and draw; they do not write report files.

:mod:`sovai.reports.cache` holds :func:`~sovai.reports.cache.cached_result`, the one piece of the
build that runs inside notebook kernels.
"""
