"""Exception types. Every message names the file (and row/column where it applies)."""

from __future__ import annotations

#: Exit codes of the ``sovai`` command (DESIGN.md §6), the one table for the CLI and the build:
#: 0 ok, 1 a notebook or a validation failed, 2 bad usage.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class SovaiError(Exception):
    """Base class for all sovai errors."""


class DataIntegrityError(SovaiError):
    """A raw file's sha256 does not match the registry."""


class MissingDataError(SovaiError):
    """A raw file is neither in the mirror nor the cache, and could not be downloaded."""


class InputFileError(SovaiError):
    """A file could not be read or does not have the expected structure.

    Parameters
    ----------
    path
        The offending file.
    message
        What is wrong.
    row, column
        1-based data row (header excluded) and column name, where they apply.
    """

    def __init__(self, path, message: str, *, row: int | None = None, column: str | None = None):
        self.path = str(path)
        self.row = row
        self.column = column
        where = self.path
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}")


class UnknownCountryError(SovaiError):
    """One or more country names could not be resolved to ISO3."""

    def __init__(self, names: list[str], source: str | None = None):
        self.names = sorted(set(names))
        origin = f" (source {source!r})" if source else ""
        listed = ", ".join(repr(n) for n in self.names)
        super().__init__(
            f"{len(self.names)} unresolved country name(s){origin}: {listed}. "
            "Add them to the source's mapping in data/countries/<source>.countries.json "
            "(value: ISO3 code, or null to mark an aggregate/non-country to drop)."
        )
