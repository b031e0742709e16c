"""LMA parameter profiles: the ONS 2015 TTWA profile with its linear trade-off."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cityregions import FlowTable, ParameterError
from cityregions.delineation.api import delineate
from cityregions.delineation.lma import ISTAT_2011, ONS_2015, PROFILES, validity

ONS = ONS_2015.as_dict()


def test_ons_profile_values() -> None:
    assert ONS == {
        "min_size": 3500,
        "min_self_containment": 0.6667,
        "target_size": 25000,
        "target_self_containment": 0.75,
        "x_equation": "linear",
    }
    assert set(PROFILES) == {"istat-2011", "ons-2015", "districts"}


@pytest.mark.parametrize(
    ("residents", "msc", "valid"),
    [
        (3_500, 0.75, True),  # minimum size at the target self-containment
        (3_500, 0.7499, False),
        (25_000, 0.6667, True),  # target size at the minimum self-containment
        (40_000, 0.6666, False),
        (14_250, 0.70835, True),  # half way the line asks (0.75 + 0.6667) / 2
        (14_250, 0.7083, False),
        (3_000, 0.99, False),  # below the minimum size: never valid ...
        (3_000, 1.0, True),  # ... unless fully self-contained (as the Istat form)
    ],
)
def test_linear_x_equation_by_hand(residents: float, msc: float, valid: bool) -> None:
    value = float(validity(msc * residents, residents, residents, **ONS)[0])
    assert (value >= 1 - 1e-12) is valid


def test_linear_and_hyperbolic_trade_offs_differ_in_between() -> None:
    # R = 14,250: Istat asks msc >= 0.6667 / Z with Z = 1 - (1 - 0.6667/0.75) * 0.5,
    # i.e. 0.705901; the line asks 0.70835. msc = 0.707 passes only the hyperbola.
    hyperbolic = {**ONS, "x_equation": "istat"}
    z = 1 - (1 - 0.6667 / 0.75) * 0.5
    assert 0.6667 / z == pytest.approx(0.705901, abs=1e-6)
    assert validity(0.707 * 14_250, 14_250, 14_250, **hyperbolic)[0] >= 1
    assert validity(0.707 * 14_250, 14_250, 14_250, **ONS)[0] < 1
    assert validity(1, 2, 2, **ISTAT_2011.as_dict())[0] == validity(1, 2, 2)[0]


def test_delineate_with_a_profile_and_overrides() -> None:
    long = pd.DataFrame({"origin": ["a", "a", "b", "b", "c", "c"],
                         "destination": ["a", "b", "b", "a", "c", "a"],
                         "value": [9000, 2000, 500, 300, 20000, 100]})  # fmt: skip
    flows = FlowTable.from_long(long)
    result = delineate(flows, method="lma", profile="ons-2015")
    assert result.params["min_size"] == 3500
    assert result.params["x_equation"] == "linear"
    # b (800 residents) is below 3,500 and joins a; c is large and self-contained
    assert result.labels["a"] == result.labels["b"] != result.labels["c"]
    table = result.summary(flows)
    assert np.isfinite(table["validity"]).all()
    override = delineate(flows, method="lma", profile="ons-2015", min_size=100)
    assert override.params["min_size"] == 100
    assert override.params["target_size"] == 25000
    with pytest.raises(ParameterError, match="unknown LMA profile"):
        delineate(flows, method="lma", profile="ttwa")
    with pytest.raises(ParameterError, match="x_equation"):
        delineate(flows, method="lma", x_equation="cubic")
