"""Exceptions and warnings of cityregions.

Every error raised for bad input names *where* the problem is (file, sheet, line or
record, field) and *what was expected*, so that the command line can show it as one
clear message and exit with code 2 instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path


class CityRegionsError(Exception):
    """Base class of all errors raised by cityregions on purpose."""


class InputError(CityRegionsError, ValueError):
    """Bad input data: a file, a record or a parameter that does not meet the contract.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    source
        The file (or other source) the bad value came from.
    location
        Line, sheet, record id or row within the source.
    field
        The column or field that holds the bad value.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | Path | None = None,
        location: str | int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = str(source) if source is not None else None
        self.location = location
        self.field = field
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.location is not None:
            where.append(str(self.location))
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ValidationReport(CityRegionsError, ValueError):  # noqa: N818 - a report of errors
    """Several input problems found in one pass, reported together.

    Parameters
    ----------
    problems
        One :class:`InputError` per problem.
    """

    def __init__(self, problems: list[InputError]) -> None:
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) found:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ParameterError(CityRegionsError, ValueError):
    """A parameter outside its allowed range; the message names the allowed range."""


class CityRegionsWarning(UserWarning):
    """Base class of the warnings of cityregions."""


class DataQualityWarning(CityRegionsWarning):
    """Input that can be used but may give misleading results (e.g. no internal flows)."""
