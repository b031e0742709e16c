"""Progress reporting that is silent unless a caller asks for it.

The library never prints. Long loops accept ``progress: bool`` and wrap their iterable
with :func:`track`, which shows a rich progress bar on a terminal and nothing otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def track(
    iterable: Iterable[T], *, description: str, total: int | None = None, progress: bool = False
) -> Iterator[T]:
    """Iterate over ``iterable`` showing a progress bar when ``progress`` and on a terminal.

    Parameters
    ----------
    iterable
        The items to iterate over.
    description
        Text shown next to the bar.
    total
        Number of items, if ``iterable`` has no length.
    progress
        Show the bar (only when standard error is a terminal).
    """
    if not progress or not sys.stderr.isatty():
        yield from iterable
        return
    from rich.progress import track as rich_track

    yield from rich_track(iterable, description=description, total=total, transient=True)
