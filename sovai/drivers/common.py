"""Shared pieces of :mod:`sovai.drivers`: the package's error and the reconstruction label.

This module holds :class:`DriverModelError` (raised wherever a proxy, a specification or an
estimate is not possible, the message naming the parameter) and
:data:`RECONSTRUCTION_NOTE`, the label every output table carries. It builds no proxy, fits no
model and imports no other submodule of the package: every other submodule builds on it.
"""

from __future__ import annotations

from sovai.errors import SovaiError

#: Label carried by every output table.
RECONSTRUCTION_NOTE = (
    "sovai reconstruction from open data and cited codings; the report's own specification is not public"
)


class DriverModelError(SovaiError, ValueError):
    """A driver model cannot be specified or estimated (message names the parameter)."""
