r"""Uncertainty of the regional potential: one-at-a-time sensitivity and Monte Carlo.

Every coefficient of ``coefficients.toml`` carries a low-high range. Taking all of them
at their bounds at once (the old "low" and "high" scenarios) gives a spread no single
state of the world produces; instead:

* :func:`tornado` moves one coefficient at a time to its low and to its high value, the
  others at their defaults, and reports the sustainable fuel potential of a set of units
  (a region) for each — the bars of a tornado chart, largest swing first;
* :func:`monte_carlo` draws every coefficient of the potential independently from a
  triangular distribution with minimum *low*, mode *default* and maximum *high*, and
  reports the median and the 5 %-95 % band of the regional potential.

Notes
-----
Only the coefficients the potential chain reads (:func:`potential_coefficients`) and
that have a range (low < high) vary. The triangular distribution is the least
informative choice that respects the three numbers the notes give; independence between
coefficients is an assumption (yield and methane yield, for instance, may be
correlated). The random numbers come from the ``rng`` passed in
(``numpy.random.Generator``), so a run is reproduced by its seed.

References
----------
Saltelli, A. et al. (2008), *Global Sensitivity Analysis. The Primer*, Wiley (one-at-a-time
designs and their limits); NumPy ``Generator.triangular``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.energy.coefficients import FEEDSTOCKS, CoefficientSet, load_coefficients
from cityregions.energy.potential import CALCULATORS, input_columns, sustainable_fuel

logger = logging.getLogger(__name__)


class _Recorder(Mapping[str, Any]):
    """A mapping that records which keys are read."""

    def __init__(self, values: Mapping[str, float]) -> None:
        self._values = values
        self.read: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@functools.cache
def potential_coefficients() -> tuple[str, ...]:
    """Return the coefficients the potential chain reads (found by running it once)."""
    recorder = _Recorder(load_coefficients().values())
    columns = {c: np.ones(1) for c in input_columns(_empty_inputs())}
    for calculator in CALCULATORS.values():
        calculator(columns, recorder)
    return tuple(sorted(recorder.read))


def _empty_inputs() -> pd.DataFrame:
    from cityregions.energy.potential import NEEDS

    names = sorted({c for needs in NEEDS.values() for c in needs})
    return pd.DataFrame({c: [1.0] for c in names}, index=pd.Index(["x"], name="unit"))


def varied(coefficients: CoefficientSet) -> list[str]:
    """Return the coefficients of the potential that have a range, in file order."""
    wanted = set(potential_coefficients())
    return [n for n in coefficients.varying() if n in wanted]


def _columns(inputs: pd.DataFrame, units: Sequence[str]) -> dict[str, np.ndarray]:
    missing = [u for u in units if u not in inputs.index]
    if missing:
        msg = f"unit(s) {missing[:5]} of the region are not in the inputs"
        raise InputError(msg, field="units")
    return input_columns(inputs.loc[list(units)])


def regional_potential(
    inputs: pd.DataFrame, coefficients: CoefficientSet, units: Sequence[str]
) -> float:
    """Return the sustainable fuel potential (MWh/a) summed over ``units``."""
    fuel = sustainable_fuel(_columns(inputs, units), coefficients.values(), FEEDSTOCKS)
    return float(np.sum(fuel))


def tornado(
    inputs: pd.DataFrame, coefficients: CoefficientSet, units: Sequence[str]
) -> pd.DataFrame:
    """Return the one-at-a-time sensitivity of the regional sustainable potential.

    Returns
    -------
    pandas.DataFrame
        Indexed by coefficient: ``group, unit, low, default, high, potential_low_mwh,
        potential_high_mwh, swing_mwh`` (= |high − low| result), largest swing first;
        ``attrs["base_mwh"]`` is the potential with every default.
    """
    columns = _columns(inputs, units)
    base_values = coefficients.values()
    base = float(np.sum(sustainable_fuel(columns, base_values, FEEDSTOCKS)))
    rows = []
    for name in varied(coefficients):
        low, default, high = coefficients.bounds(name)
        results = []
        for value in (low, high):
            values = {**base_values, name: value}
            results.append(float(np.sum(sustainable_fuel(columns, values, FEEDSTOCKS))))
        entry = coefficients.entries[name]
        rows.append(
            {
                "coefficient": name,
                "group": entry.group,
                "unit": entry.unit,
                "low": low,
                "default": default,
                "high": high,
                "potential_low_mwh": results[0],
                "potential_high_mwh": results[1],
                "swing_mwh": abs(results[1] - results[0]),
            }
        )
    table = pd.DataFrame(rows).set_index("coefficient")
    table = table.sort_values("swing_mwh", ascending=False, kind="stable")
    table.attrs["base_mwh"] = base
    return table


def monte_carlo(
    inputs: pd.DataFrame,
    coefficients: CoefficientSet,
    units: Sequence[str],
    *,
    samples: int = 2000,
    rng: np.random.Generator,
) -> tuple[dict[str, Any], np.ndarray]:
    """Return summary statistics and draws of the regional sustainable potential.

    Parameters
    ----------
    inputs
        Validated inputs.
    coefficients
        Coefficient set (ranges as low / default / high).
    units
        Units whose potential is summed (a region).
    samples
        Number of draws (at least 100).
    rng
        Random generator (``numpy.random.default_rng(seed)``).

    Returns
    -------
    tuple
        ``summary`` (``median_mwh``, ``p05_mwh``, ``p95_mwh``, ``mean_mwh``,
        ``base_mwh``, ``samples``, ``distribution``, ``coefficients_varied``) and the
        array of draws (MWh/a), in draw order.

    Raises
    ------
    InputError
        On fewer than 100 samples.
    """
    if samples < 100:
        msg = f"at least 100 Monte Carlo samples are needed, got {samples}"
        raise InputError(msg, field="samples")
    columns = _columns(inputs, units)
    values: dict[str, Any] = dict(coefficients.values())
    names = varied(coefficients)
    for name in names:
        low, default, high = coefficients.bounds(name)
        values[name] = rng.triangular(low, default, high, size=(samples, 1))
    draws = np.asarray(sustainable_fuel(columns, values, FEEDSTOCKS)).sum(axis=1)
    base = regional_potential(inputs, coefficients, units)
    summary = {
        "median_mwh": float(np.median(draws)),
        "p05_mwh": float(np.percentile(draws, 5)),
        "p95_mwh": float(np.percentile(draws, 95)),
        "mean_mwh": float(np.mean(draws)),
        "base_mwh": base,
        "samples": samples,
        "distribution": "triangular(low, default, high), independent",
        "coefficients_varied": len(names),
    }
    return summary, draws
