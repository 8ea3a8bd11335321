"""Tests of :mod:`sovai.drivers`, one file per submodule (helpers in ``support``, fixtures in ``conftest``)."""
