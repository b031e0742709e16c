"""cityregions: functional city regions, their governance and the metropolitan partnership.

The core objects are :class:`Territory` (territorial units), :class:`FlowTable`
(origin–destination commuting) and the governance registry (``cityregions.registry``).
Analyses live in :mod:`cityregions.delineation`, :mod:`cityregions.governance` and
:mod:`cityregions.energy`; readers and writers in :mod:`cityregions.io`.
"""

from __future__ import annotations

from typing import Any

from cityregions._errors import (
    CityRegionsError,
    CityRegionsWarning,
    DataQualityWarning,
    InputError,
    ParameterError,
    ValidationReport,
)

__version__ = "0.1.0"

#: Every public name that needs pandas, numpy or scipy, imported on first use (PEP 562),
#: so that ``import cityregions`` (and ``cityregions --help``) load none of them.
_LAZY = {
    "FlowTable": "cityregions.flows",
    "Territory": "cityregions.territory",
    "load_case": "cityregions.pipeline.case",
    "bundled_case_path": "cityregions.pipeline.case",
    "run_case": "cityregions.pipeline.steps",
    "read_flows": "cityregions.io.tables",
    "read_units": "cityregions.io.tables",
    "write_table": "cityregions.io.tables",
    "estimate_flows": "cityregions.flowmodels",
    "common_part_of_commuters": "cityregions.flowmodels",
    "delineate": "cityregions.delineation",
    "LabourMarketAreas": "cityregions.delineation",
    "read_registry": "cityregions.io.registry_yaml",
    "Registry": "cityregions.registry",
    "voting_power": "cityregions.partnership.voting",
    "weighted_game": "cityregions.partnership.voting",
}


def __getattr__(name: str) -> Any:  # Any: type checkers accept the lazy names
    """Import the public name ``name`` from its module on first use and keep it."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    msg = f"module 'cityregions' has no attribute {name!r}"
    raise AttributeError(msg)


def __dir__() -> list[str]:
    """List the lazy public names too (tab completion, ``dir(cityregions)``)."""
    return sorted({*globals(), *_LAZY})


__all__ = [
    "CityRegionsError",
    "CityRegionsWarning",
    "DataQualityWarning",
    "InputError",
    "ParameterError",
    "ValidationReport",
    "__version__",
    *_LAZY,
]
