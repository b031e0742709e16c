"""Column names and fixed vocabularies used across cityregions."""

from __future__ import annotations

from typing import Final, Literal

UNIT: Final = "unit"
REGION: Final = "region"
ORIGIN: Final = "origin"
DESTINATION: Final = "destination"
VALUE: Final = "value"
PROVENANCE: Final = "provenance"

Provenance = Literal["observed", "modeled"]
PROVENANCES: Final = ("observed", "modeled")

CRS_WGS84: Final = "EPSG:4326"
#: Equal-area projection for Europe used for areas and distances in metres.
CRS_EQUAL_AREA: Final = "EPSG:3035"
