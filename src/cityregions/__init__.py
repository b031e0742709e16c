"""cityregions: functional city regions, their governance and the metropolitan partnership.

The core objects are :class:`Territory` (territorial units), :class:`FlowTable`
(origin–destination commuting) and the governance registry (``cityregions.registry``).
Analyses live in :mod:`cityregions.delineation`, :mod:`cityregions.governance` and
:mod:`cityregions.energy`; readers and writers in :mod:`cityregions.io`.
"""

from __future__ import annotations

from cityregions._errors import (
    CityRegionsError,
    CityRegionsWarning,
    DataQualityWarning,
    InputError,
    ParameterError,
    ValidationReport,
)
from cityregions.flows import FlowTable
from cityregions.territory import Territory

__version__ = "0.1.0"

#: Entry points imported on first use, so that ``import cityregions`` stays light.
_LAZY = {
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


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module 'cityregions' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "CityRegionsError",
    "CityRegionsWarning",
    "DataQualityWarning",
    "FlowTable",
    "InputError",
    "ParameterError",
    "Territory",
    "ValidationReport",
    "__version__",
    *_LAZY,
]
