"""Tests of :mod:`sovai.derived_codings`, one file per submodule (helpers in ``support``)."""
