"""Optional dependencies: imported where they are used, with an error naming the extra.

The core install (``pip install cityregions``) runs every analysis, the report and the
GeoPackage export. Some parts need packages that are heavy or compiled and are
therefore *extras*:

==============  ======================  ===============================================
extra           packages                what needs them
==============  ======================  ===============================================
``leiden``      igraph, leidenalg       Leiden communities (``delineate --method
                                        leiden``; left out of the method comparison
                                        when missing)
``infomap``     infomap                 Infomap regions (``delineate --method
                                        infomap``; left out of the comparison when
                                        missing)
``fast``        numba                   compiled kernels of exact voting power (without
                                        it the same counts come from numpy, slower)
``dashboard``   fastapi, uvicorn        the local web dashboard (``cityregions serve``)
``dask``        dask, distributed       tasks on a Dask cluster (``cityregions sweep``;
                                        :mod:`cityregions._distributed`)
``all``         all of the above
==============  ======================  ===============================================

:func:`import_optional` imports such a module on first use and, when it is missing,
raises :class:`OptionalDependencyError` (a :class:`~cityregions.CityRegionsError`, so
the command line shows one line and exits with code 2, and an :class:`ImportError`, so
``except ImportError`` keeps working) whose message says what to install.

References
----------
The pattern follows ``geopandas._compat.import_optional_dependency`` (itself adapted
from ``pandas.compat._optional``).

Examples
--------
>>> import_optional("math", extra="fast", purpose="a test").sqrt(4.0)
2.0
>>> try:
...     import_optional("nomod", extra="leiden", purpose="Leiden")
... except OptionalDependencyError as error:
...     print(error)
Leiden needs the optional package 'nomod', which is not installed: pip install "cityregions[leiden]"
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from cityregions._errors import CityRegionsError

#: Extra that provides each optional module (import name → extra).
EXTRAS: dict[str, str] = {
    "igraph": "leiden",
    "leidenalg": "leiden",
    "infomap": "infomap",
    "numba": "fast",
    "fastapi": "dashboard",
    "uvicorn": "dashboard",
    "dask": "dask",
    "distributed": "dask",
}


class OptionalDependencyError(CityRegionsError, ImportError):
    """An optional package is not installed; the message names the extra to install.

    Parameters
    ----------
    module
        Import name of the missing package.
    extra
        The extra of cityregions that installs it.
    purpose
        What needs it, as the start of a sentence ("Leiden communities").

    Attributes
    ----------
    module, extra
        As given.
    """

    def __init__(self, module: str, *, extra: str, purpose: str) -> None:
        self.module = module
        self.extra = extra
        message = (
            f"{purpose} needs the optional package '{module}', which is not installed: "
            f"{install_hint(extra)}"
        )
        super().__init__(message)
        self.name = module  # ImportError's attribute: the module that was not found


def install_hint(extra: str) -> str:
    """Return the command that installs ``extra``: ``pip install "cityregions[extra]"``."""
    return f'pip install "cityregions[{extra}]"'


def import_optional(module: str, *, extra: str | None = None, purpose: str) -> ModuleType:
    """Import the optional ``module``, or raise an error that names its extra.

    Parameters
    ----------
    module
        Import name (``"leidenalg"``).
    extra
        Extra that installs it; default: looked up in :data:`EXTRAS`.
    purpose
        What needs the module, as the start of a sentence; it begins the message.

    Returns
    -------
    types.ModuleType
        The imported module.

    Raises
    ------
    OptionalDependencyError
        The module (or a package it needs) cannot be imported.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        name = extra or EXTRAS.get(module.split(".")[0], "all")
        raise OptionalDependencyError(module, extra=name, purpose=purpose) from error


def has_optional(*modules: str) -> bool:
    """Return True when every one of ``modules`` can be found (none is imported).

    A package that is present but broken is reported as present; the error then comes
    from :func:`import_optional` where it is used.
    """
    for module in modules:
        try:
            if importlib.util.find_spec(module) is None:
                return False
        except (ImportError, ValueError):  # ValueError: a module without __spec__
            return False
    return True
