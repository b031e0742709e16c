"""Column names and fixed vocabularies used across cityregions."""

from __future__ import annotations

from typing import Final, Literal

UNIT: Final = "unit"
REGION: Final = "region"
ORIGIN: Final = "origin"
DESTINATION: Final = "destination"
VALUE: Final = "value"
#: Column of a long flow table (and of tables derived from flows) saying where the flow
#: values come from.
FLOWS_PROVENANCE: Final = "flows_provenance"

#: Where a flow value comes from: ``observed`` (counted, e.g. BA Pendlerstatistik),
#: ``completed`` (observed flows with missing cells filled by a model) or ``modeled``
#: (estimated from unit attributes only).
FlowsProvenance = Literal["observed", "completed", "modeled"]
FLOWS_PROVENANCES: Final = ("observed", "completed", "modeled")

CRS_WGS84: Final = "EPSG:4326"
#: Equal-area projection for Europe used for areas and distances in metres.
CRS_EQUAL_AREA: Final = "EPSG:3035"

# Defaults of the flow models (``cityregions.flowmodels``), here so that the command line
# shows them in ``--help`` without importing the models (and pandas, numpy, scipy).
#: Employees subject to social insurance living in a district per inhabitant, Germany:
#: 0.376 (BA 2016 / Destatis 2018), Mitteldeutschland 0.389. See docs/flow-models.md.
DEFAULT_SHARE_EMPLOYED: Final = 0.38
#: Share of employed residents working outside their district (Germany 2016: 0.390,
#: Mitteldeutschland 0.347); 0.35 gives the best CPC on both (docs/flow-models.md).
#: For municipalities the share is much higher: give ``out_commuters`` or raise it.
DEFAULT_SHARE_COMMUTING: Final = 0.35
#: Exponent of the power deterrence ``d**-beta`` of the gravity model (best CPC on the
#: German district flows, see docs/flow-models.md).
DEFAULT_BETA: Final = 2.5
#: Distances below this (km) are raised to it in the gravity model (co-located seats).
DEFAULT_MIN_DISTANCE_KM: Final = 1.0
