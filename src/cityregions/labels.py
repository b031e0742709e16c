"""Compare two partitions of the same units (functional regions, cooperation areas).

A partition is plain data: a pandas Series ``unit → region`` indexed by unit id (the
CSV ``unit,region``), region ids as text and **NaN for a unit outside every region**
(an empty cell in the CSV): the units a functional urban area or a Stadtregion leaves
out, the units a labour market area run cannot place. :func:`normalize_labels` brings
any Series to this form.

The functions here align two such Series by unit id and refuse to compare partitions
of different unit sets, because silently dropping units would give a misleadingly good
match. Units outside every region of either partition are not in a region to compare:
ARI, VI, the contingency and the overlap table are computed on the units that lie in
a region of **both** partitions (:func:`units_in_both`; comparisons report their
number as ``units_compared``).

- :func:`normalize_labels` — labels as str region ids, NaN outside every region;
- :func:`units_in_both` — the units compared;
- :func:`contingency_table` — units (or weights) in each pair of regions;
- :func:`adjusted_rand_index` — pair-counting agreement corrected for chance;
- :func:`variation_of_information` — information-theoretic distance, in nats;
- :func:`overlap_table` — which regions of A make up which regions of B.

They live beside the core objects (not in :mod:`cityregions.delineation`) because
governance fit uses them too.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from cityregions._errors import InputError
from cityregions.constants import REGION, UNIT

logger = logging.getLogger(__name__)

__all__ = [
    "adjusted_rand_index",
    "check_cover",
    "contingency_table",
    "normalize_labels",
    "overlap_table",
    "sort_regions",
    "units_in_both",
    "variation_of_information",
]


def normalize_labels(labels: pd.Series, *, name: str = "labels") -> pd.Series:
    """Return ``labels`` as the library writes them: str region ids, NaN outside.

    Parameters
    ----------
    labels
        Series unit → region; region ids of any type (``3`` and ``3.0`` become ``"3"``),
        missing values (None, NaN) for units outside every region.
    name
        Name of the labels' source in messages.

    Returns
    -------
    pandas.Series
        Index ``unit`` (str ids, same order), values str or NaN, dtype object, named
        ``region``.

    Raises
    ------
    InputError
        If ``labels`` is not a Series or names a unit twice.

    Examples
    --------
    >>> normalize_labels(pd.Series({"a": 3, "b": None, "c": 3})).tolist()
    ['3', nan, '3']
    """
    checked = _check_labels(labels, name=name)
    text = [_region_text(v) for v in checked.to_numpy(dtype=object)]
    return pd.Series(text, index=checked.index, name=REGION, dtype=object)


def check_cover(
    labels: pd.Series,
    units: Iterable[str],
    *,
    source: str | None = None,
    extra: bool = False,
    what: str = "the units",
) -> None:
    """Raise unless ``labels`` give a row (a region or NaN) to every one of ``units``.

    A unit missing from the labels is not "outside every region" (that is a row with an
    empty region): it is a labels file for other units, and an analysis over the units
    would silently change (a city region loses members, an allocation counts a unit
    twice). Governance fit, the energy balance and the allocation all check this.

    Parameters
    ----------
    labels
        Series unit → region (NaN = outside every region).
    units
        Ids every one of which needs a row.
    source
        The labels file, for the message.
    extra
        Allow labels for ids that are not in ``units`` (e.g. a subset of the units is
        analysed); by default such an id is an error too (most often a typo).
    what
        How the message names ``units`` (e.g. ``"the units of --inputs"``).

    Raises
    ------
    InputError
        Naming how many units have no row and the first five, or the first unknown id.

    Examples
    --------
    >>> labels = pd.Series({"01": "A", "02": None})
    >>> check_cover(labels, ["01", "02"])
    >>> check_cover(labels, ["01", "02", "03"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cityregions._errors.InputError: field 'unit': 1 of 3 units have no region (no row) ...
    """
    wanted = [str(u) for u in units]
    have = set(map(str, labels.index))
    missing = [u for u in wanted if u not in have]
    if missing:
        msg = (
            f"{len(missing)} of {len(wanted)} units have no region (no row) in the labels, e.g. "
            f"{missing[:5]}; expected one row unit,region per unit of {what} (an empty "
            "region for a unit outside every region)"
        )
        raise InputError(msg, source=source, field=UNIT)
    known = set(wanted)
    unknown = [str(u) for u in labels.index if str(u) not in known]
    if unknown and not extra:
        msg = (
            f"{len(unknown)} labelled unit(s) are not among {what}, e.g. {unknown[:5]}; "
            "expected labels for exactly these units"
        )
        raise InputError(msg, source=source, field=UNIT)


def _region_text(value: Any) -> object:
    """A region id as text (``3.0`` from a column upcast by NaN gives ``"3"``); NaN stays."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return np.nan
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _check_labels(labels: pd.Series, *, name: str) -> pd.Series:
    if not isinstance(labels, pd.Series):
        msg = f"labels must be a pandas Series unit → region, got {type(labels).__name__}"
        raise InputError(msg, source=name)
    index = labels.index.astype(str)
    if index.duplicated().any():
        dup = index[index.duplicated()][0]
        msg = f"unit id '{dup}' appears more than once (each unit needs one region)"
        raise InputError(msg, source=name, field=UNIT)
    return pd.Series(labels.to_numpy(), index=pd.Index(index, name=UNIT), name=REGION)


def _same_units(a: pd.Series, b: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return ``a`` and ``b`` on the same unit order; raise if the unit sets differ."""
    a = _check_labels(a, name="partition A")
    b = _check_labels(b, name="partition B")
    only_a = a.index.difference(b.index)
    only_b = b.index.difference(a.index)
    if len(only_a) or len(only_b):
        msg = (
            "the two partitions cover different units "
            f"({len(only_a)} only in A, e.g. {list(only_a[:5])}; "
            f"{len(only_b)} only in B, e.g. {list(only_b[:5])}); "
            "restrict both to the same units first"
        )
        raise InputError(msg, field=UNIT)
    return a, b.reindex(a.index)


def units_in_both(a: pd.Series, b: pd.Series) -> pd.Index:
    """Return the units that lie in a region of both partitions (the units compared).

    Parameters
    ----------
    a, b
        Region labels indexed by unit id over the same units; NaN = outside every region.

    Raises
    ------
    InputError
        If the partitions cover different units or repeat a unit.

    Examples
    --------
    >>> a = pd.Series({"u1": "x", "u2": "x", "u3": None})
    >>> b = pd.Series({"u1": "1", "u2": None, "u3": "2"})
    >>> list(units_in_both(a, b))
    ['u1']
    """
    a, b = _same_units(a, b)
    return a.index[(a.notna() & b.notna()).to_numpy()]


def _align(a: pd.Series, b: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return ``a`` and ``b`` on the units in a region of both; raise if there are none."""
    a, b = _same_units(a, b)
    both = (a.notna() & b.notna()).to_numpy()
    if not both.any():
        msg = (
            "no unit lies in a region of both partitions" if len(a) else "the partitions are empty"
        )
        raise InputError(msg, field=UNIT)
    return a[both], b[both]


def sort_regions(regions: Iterable[Any]) -> list[Any]:
    """Return distinct region ids in natural order: numbers first (ids of digits as
    text too, by value: ``"3"`` before ``"10"``, as R numbers LMA clusters), then text.

    Examples
    --------
    >>> sort_regions(["10", "3", "b", "a", "3"])
    ['3', '10', 'a', 'b']
    """

    def key(region: Any) -> tuple[int, float, str]:
        text = str(region)
        if isinstance(region, int | float | np.number) and not isinstance(region, bool):
            return (0, float(region), text)
        if text.isdigit():
            return (0, float(text), text)
        return (1, 0.0, text)

    return sorted(set(regions), key=key)


def _codes(labels: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of the labels, regions sorted (by their string form for mixed types)."""
    values = labels.to_numpy()
    try:
        uniques = pd.Index(sorted(set(values)))
    except TypeError:
        uniques = pd.Index(sorted(set(values), key=str))
    return uniques.get_indexer(values), uniques


def contingency_table(
    a: pd.Series, b: pd.Series, *, weights: pd.Series | None = None
) -> pd.DataFrame:
    """Return the contingency table of two partitions (rows: regions of A, columns: of B).

    Parameters
    ----------
    a, b
        Region labels indexed by unit id, covering the same units; a unit outside every
        region (NaN) of either partition is left out.
    weights
        Optional weight per unit (e.g. population); the default counts units.

    Returns
    -------
    pandas.DataFrame
        ``table.loc[r, s]`` = number (or weight) of units in region ``r`` of A and region
        ``s`` of B. Rows and columns are sorted.

    Examples
    --------
    >>> a = pd.Series({"u1": "x", "u2": "x", "u3": "y"})
    >>> b = pd.Series({"u1": 1, "u2": 2, "u3": 2})
    >>> contingency_table(a, b).to_numpy().tolist()
    [[1.0, 1.0], [0.0, 1.0]]
    """
    a, b = _align(a, b)
    values = np.ones(len(a)) if weights is None else _weights(weights, a.index)
    codes_a, regions_a = _codes(a)
    codes_b, regions_b = _codes(b)
    table = np.zeros((len(regions_a), len(regions_b)))
    np.add.at(table, (codes_a, codes_b), values)
    return pd.DataFrame(
        table,
        index=pd.Index(regions_a, name="region_a"),
        columns=pd.Index(regions_b, name="region_b"),
    )


def _weights(weights: pd.Series, index: pd.Index) -> np.ndarray:
    aligned = pd.Series(weights.to_numpy(), index=weights.index.astype(str)).reindex(index)
    values = pd.to_numeric(aligned, errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        bad = index[np.isnan(values)][0]
        msg = "no numeric weight for this unit"
        raise InputError(msg, source="weights", location=f"unit {bad}")
    if (values < 0).any():
        bad = index[values < 0][0]
        msg = f"weights must be zero or positive, got {values[values < 0][0]:g}"
        raise InputError(msg, source="weights", location=f"unit {bad}")
    return values


def _pairs(x: np.ndarray) -> float:
    """Number of unordered pairs, summed: Σ x(x−1)/2."""
    return float((x * (x - 1) / 2).sum())


def adjusted_rand_index(a: pd.Series, b: pd.Series) -> float:
    """Return the adjusted Rand index of two partitions of the same units.

    Parameters
    ----------
    a, b
        Region labels indexed by unit id; the unit sets must be equal (order may differ).
        NaN = outside every region.

    Returns
    -------
    float
        1 for identical partitions (up to relabelling), about 0 for a chance match,
        negative for less agreement than chance, computed on the units that lie in a
        region of both partitions (:func:`units_in_both`).

    Raises
    ------
    InputError
        If the partitions cover different units, repeat a unit, or no unit lies in a
        region of both.

    Notes
    -----
    With the contingency table :math:`n_{ij}` of the units in a region of both
    partitions, row sums :math:`a_i`, column sums :math:`b_j` and :math:`n` such units,

    .. math::

        \\mathrm{ARI} = \\frac{\\sum_{ij}\\binom{n_{ij}}{2} - E}{\\tfrac12\\left[\\sum_i
        \\binom{a_i}{2} + \\sum_j\\binom{b_j}{2}\\right] - E}, \\qquad
        E = \\frac{\\sum_i\\binom{a_i}{2}\\sum_j\\binom{b_j}{2}}{\\binom{n}{2}}.

    When the denominator is zero (both partitions are all singletons, or both one
    region) the partitions are identical and 1.0 is returned.

    References
    ----------
    Hubert, L., & Arabie, P. (1985). Comparing partitions. *Journal of
    Classification*, 2(1), 193–218.

    Examples
    --------
    >>> a = pd.Series([0, 0, 1, 1], index=["a", "b", "c", "d"])
    >>> b = pd.Series([0, 0, 1, 2], index=["a", "b", "c", "d"])
    >>> round(adjusted_rand_index(a, b), 6)
    0.571429
    """
    table = contingency_table(a, b).to_numpy()
    n = table.sum()
    sum_cells = _pairs(table.ravel())
    sum_a = _pairs(table.sum(axis=1))
    sum_b = _pairs(table.sum(axis=0))
    total_pairs = n * (n - 1) / 2
    expected = sum_a * sum_b / total_pairs if total_pairs else 0.0
    maximum = (sum_a + sum_b) / 2
    if math.isclose(maximum, expected, abs_tol=1e-12):
        return 1.0
    return float((sum_cells - expected) / (maximum - expected))


def variation_of_information(a: pd.Series, b: pd.Series, *, normalized: bool = False) -> float:
    """Return the variation of information between two partitions, in nats.

    Parameters
    ----------
    a, b
        Region labels indexed by unit id; the unit sets must be equal. NaN = outside
        every region.
    normalized
        Divide by :math:`\\ln n` (its maximum over all partitions of ``n`` units), giving
        a value in [0, 1] that can be compared across unit sets of the same size.

    Returns
    -------
    float
        0 for identical partitions (up to relabelling); larger is more different.
        Computed on the :math:`n` units that lie in a region of both partitions
        (:func:`units_in_both`).

    Notes
    -----
    With :math:`p_{ij} = n_{ij}/n`, :math:`p_i = a_i/n`, :math:`q_j = b_j/n` and the
    **natural logarithm**,

    .. math::

        \\mathrm{VI}(A, B) = H(A) + H(B) - 2 I(A; B)
        = -\\sum_{ij} p_{ij}\\left[\\ln\\frac{p_{ij}}{p_i} + \\ln\\frac{p_{ij}}{q_j}\\right].

    VI is a metric on partitions and :math:`0 \\le \\mathrm{VI} \\le \\ln n`.

    References
    ----------
    Meilă, M. (2007). Comparing clusterings — an information based distance. *Journal
    of Multivariate Analysis*, 98(5), 873–895.

    Examples
    --------
    >>> a = pd.Series([0, 0, 1, 1], index=["a", "b", "c", "d"])
    >>> b = pd.Series([0, 0, 1, 2], index=["a", "b", "c", "d"])
    >>> round(variation_of_information(a, b), 6)  # 0.5 ln 2
    0.346574
    """
    table = contingency_table(a, b).to_numpy()
    n = table.sum()
    p = table / n
    p_a = p.sum(axis=1, keepdims=True)
    p_b = p.sum(axis=0, keepdims=True)
    rows, cols = np.nonzero(p)
    cell = p[rows, cols]
    vi = float(-(cell * (np.log(cell / p_a[rows, 0]) + np.log(cell / p_b[0, cols]))).sum())
    vi = max(vi, 0.0)  # rounding can give -1e-17 for identical partitions
    if normalized:
        return vi / math.log(n) if n > 1 else 0.0
    return vi


def overlap_table(a: pd.Series, b: pd.Series, *, weights: pd.Series | None = None) -> pd.DataFrame:
    """Return which regions of A make up which regions of B, one row per overlapping pair.

    Parameters
    ----------
    a, b
        Region labels indexed by unit id; the unit sets must be equal. NaN = outside
        every region.
    weights
        Optional weight per unit, e.g. population. Shares are then weighted; without
        weights they are shares of units.

    Returns
    -------
    pandas.DataFrame
        Columns ``region_a``, ``region_b``, ``units`` (number of units in both),
        ``weight`` (sum of weights in both; equal to ``units`` without weights),
        ``share_of_a`` (part of region_a's weight lying in region_b), ``share_of_b``
        (part of region_b's weight lying in region_a) and ``members`` (the unit ids in
        both, sorted, separated by ``;``). Sorted by region_a, then share_of_a
        descending, then region_b. Only pairs with at least one common unit appear.
        A region with zero total weight gets shares of NaN. Shares are of the whole
        region: where part of region_a lies outside every region of B, the shares of
        region_a add up to less than 1.

    Examples
    --------
    >>> a = pd.Series({"halle": "H", "saalekreis": "H", "leipzig": "L"})
    >>> b = pd.Series({"halle": "M", "saalekreis": "M", "leipzig": "M"})
    >>> pop = pd.Series({"halle": 240, "saalekreis": 185, "leipzig": 590})
    >>> overlap_table(a, b, weights=pop)[["region_a", "share_of_b"]].round(3).values.tolist()
    [['H', 0.419], ['L', 0.581]]
    """
    full_a, full_b = _same_units(a, b)
    a, b = _align(full_a, full_b)
    values = np.ones(len(full_a)) if weights is None else _weights(weights, full_a.index)
    everything = pd.DataFrame(
        {"unit": full_a.index, "region_a": full_a.to_numpy(), "region_b": full_b.to_numpy()}
    ).assign(w=values)
    frame = everything[everything["unit"].isin(a.index)]
    grouped = frame.groupby(["region_a", "region_b"], sort=False)
    pairs = grouped.agg(
        units=("unit", "size"),
        weight=("w", "sum"),
        members=("unit", lambda ids: ";".join(sorted(ids))),
    ).reset_index()
    total_a = everything.groupby("region_a", sort=False)["w"].sum()  # NaN regions dropped
    total_b = everything.groupby("region_b", sort=False)["w"].sum()
    denom_a = pairs["region_a"].map(total_a).to_numpy(dtype=float)
    denom_b = pairs["region_b"].map(total_b).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        pairs["share_of_a"] = np.where(denom_a > 0, pairs["weight"] / denom_a, np.nan)
        pairs["share_of_b"] = np.where(denom_b > 0, pairs["weight"] / denom_b, np.nan)
    pairs["_ka"] = _codes(pairs["region_a"])[0]
    pairs["_kb"] = _codes(pairs["region_b"])[0]
    pairs = pairs.sort_values(
        ["_ka", "share_of_a", "_kb"], ascending=[True, False, True], kind="stable"
    )
    columns = ["region_a", "region_b", "units", "weight", "share_of_a", "share_of_b", "members"]
    return pairs[columns].reset_index(drop=True)
