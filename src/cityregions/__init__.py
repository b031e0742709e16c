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
]
