"""Skip a test that needs an optional extra, with the extra's name in the reason.

The core install (``pip install cityregions``) runs every test that does not need an
extra; a test that does is *skipped* with the extra to install, never failed. The
packages of each extra come from the package's own table
(:data:`cityregions._optional.EXTRAS`), so a test names the extra, not its packages::

    @needs_extra("leiden")              # a test or a parameter (pytest.param marks)
    def test_leiden_regions(): ...

    def test_kernels():
        require_extra("fast")           # from this line on, inside a test or fixture
"""

from __future__ import annotations

import pytest

from cityregions._optional import EXTRAS, has_optional, install_hint


def extra_modules(extra: str) -> list[str]:
    """Return the import names the extra installs (``"leiden"`` → igraph, leidenalg)."""
    modules = [module for module, name in EXTRAS.items() if name == extra]
    if not modules:
        msg = f"no extra {extra!r}; the extras are {sorted(set(EXTRAS.values()))}"
        raise ValueError(msg)
    return modules


def skip_reason(extra: str) -> str:
    """Return why a test is skipped: the extra and how to install it."""
    return f"needs the {extra} extra: {install_hint(extra)}"


def needs_extra(extra: str) -> pytest.MarkDecorator:
    """Return a mark that skips the test unless every package of ``extra`` is installed."""
    return pytest.mark.skipif(not has_optional(*extra_modules(extra)), reason=skip_reason(extra))


def require_extra(extra: str) -> None:
    """Skip the running test unless every package of ``extra`` can be imported."""
    __tracebackhide__ = True  # the skip is reported at the test's line, not here
    for module in extra_modules(extra):
        pytest.importorskip(module, reason=skip_reason(extra))
