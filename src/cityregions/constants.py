"""Column names and fixed vocabularies used across cityregions."""

from __future__ import annotations

from dataclasses import asdict, dataclass
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


@dataclass(frozen=True)
class LMAThresholds:
    """The four thresholds of the labour market area algorithm (the X-equation).

    A region with employed residents :math:`R` and self-containment
    :math:`\\mathrm{msc}` is valid when ``R >= target_size`` and
    ``msc >= min_self_containment``, or ``R = min_size`` and
    ``msc >= target_self_containment``, with a trade-off in between that is hyperbolic
    (``x_equation="istat"``, the Istat/R form) or a straight line (``"linear"``)
    (:func:`cityregions.delineation.lma.validity`). Defined here, not in the algorithm's
    module, so that the command line shows them in ``--help`` without loading it.
    """

    min_size: float
    min_self_containment: float
    target_size: float
    target_self_containment: float
    x_equation: str = "istat"

    def as_dict(self) -> dict[str, float]:
        """Return the thresholds as keyword arguments of the LMA functions."""
        return asdict(self)


#: The Istat parameters of the 2011 *Sistemi Locali del Lavoro* (611 labour market
#: areas of Italian municipalities), the defaults of R LabourMarketAreas 3.4 and of its
#: vignette: minimum size 1,000 and target size 10,000 employed residents, minimum
#: self-containment 0.6667, target self-containment 0.75 (Franconi, D'Alò & Ichim 2016,
#: *Istat implementation of the algorithm to develop Labour Market Areas*; research note
#: ``delineation.md`` §1.1). Made for municipalities.
LMA_ISTAT_2011: Final = LMAThresholds(
    min_size=1_000,
    min_self_containment=0.6667,
    target_size=10_000,
    target_self_containment=0.75,
)
#: The project's parameters for German districts (Kreise). Sizes are employed
#: residents: every German district has more than 10,000, so the Istat sizes, made for
#: municipalities, would never bind. With these a region of fewer than 25,000 workers
#: is valid only if fully self-contained, one of 25,000 needs a self-containment of
#: 0.75, and from 100,000 workers 0.6667 suffices (hyperbolic in between). A choice of
#: this project (docs/delineation.md), not an official definition.
LMA_DISTRICTS: Final = LMAThresholds(
    min_size=25_000,
    min_self_containment=0.6667,
    target_size=100_000,
    target_self_containment=0.75,
)
#: The ONS 2015 travel-to-work-area criteria (2011 Census TTWAs, Coombes & ONS 2015):
#: self-containment "generally" 0.75 on both sides for a working population of at
#: least 3,500, down to 0.6667 for working populations above 25,000, with the
#: "X-equation" trade-off in between. ONS does not publish that equation in closed
#: form; this profile uses the straight line from (3,500; 0.75) to (25,000; 0.6667)
#: (``x_equation="linear"``, as the research note reads it, §2.1–2.2;
#: docs/delineation.md).
LMA_ONS_2015: Final = LMAThresholds(
    min_size=3_500,
    min_self_containment=0.6667,
    target_size=25_000,
    target_self_containment=0.75,
    x_equation="linear",
)
#: Named LMA parameter profiles (``delineate --profile NAME``).
LMA_PROFILES: Final = {
    "istat-2011": LMA_ISTAT_2011,
    "ons-2015": LMA_ONS_2015,
    "districts": LMA_DISTRICTS,
}
