"""Tests of :mod:`sovai.explorer`, one file per submodule (helpers in ``support``); the page in
Chromium in ``test_browser``."""
