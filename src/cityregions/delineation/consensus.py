"""Consensus of many partitions of the same units: co-assignment, medoid, stability.

Given the labels of :math:`R` runs (units × runs region codes, −1 for a unit outside
every region):

- :func:`coassignment_counts` — :math:`c_{ab}`, the runs in which units a and b share a
  region (a unit outside every region shares a region with no unit); the share of runs
  is :math:`s_{ab} = c_{ab}/R`;
- :func:`medoid_run` — the run whose partition has the smallest total Mirkin distance
  to all runs ("best of K", Goder & Filkov 2008): the consensus partition. Being a
  run, every consensus region is one the method actually produced;
- :func:`match_regions`, :func:`agreement` — whether a run agrees with the consensus
  on a unit: the unit lies in the run region matched one-to-one (largest overlap,
  Hungarian method) to its consensus region, or lies outside every region in both.

Notes
-----
The Mirkin distance of two partitions is the number of unit pairs on which they
disagree (together in one, apart in the other; Mirkin 1996, §2.4; it equals
:math:`\\binom n2 (1 - \\mathrm{Rand})`). With :math:`S_r` the pairs together in run
:math:`r`, the total distance of run :math:`r` to all runs is
:math:`\\sum_{a<b} c_{ab} + \\sum_{(a,b)\\in S_r} (R - 2 c_{ab})`, computed exactly in
integers; ties go to the first run. Other consensus methods (the co-assignment graph cut
at 0.5; the modal signatures of Papps & Newell's New Zealand LMAs) may give regions
that no run produced; the medoid never does.

References
----------
Goder, A., & Filkov, V. (2008). Consensus clustering algorithms: comparison and
refinement. *Proceedings of ALENEX 2008*, 109–117.
Mirkin, B. (1996). *Mathematical Classification and Clustering*. Kluwer.
Kuhn, H. W. (1955). The Hungarian method for the assignment problem. *Naval Research
Logistics Quarterly*, 2, 83–97.
Papps, K. L., & Newell, J. O. (2020). Identifying functional labour market areas in New
Zealand: a reproducible machine learning approach. IZA DP 13642.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions.labels import sort_regions

logger = logging.getLogger(__name__)


def run_codes(labels: pd.DataFrame) -> np.ndarray:
    """Units × runs integer codes: the region's rank in natural order, −1 outside."""
    codes = np.full(labels.shape, -1, dtype=np.int64)
    for j in range(labels.shape[1]):
        column = labels.iloc[:, j]
        inside = column.notna().to_numpy()
        regions = pd.Index(sort_regions(column[inside]))
        codes[inside, j] = regions.get_indexer(column[inside].to_numpy())
    return codes


def _membership(codes: np.ndarray) -> sp.csr_array:
    """Units × (all regions of all runs) 0/1 matrix (int64), one block of columns per run."""
    n = codes.shape[0]
    sizes = np.where((codes >= 0).any(axis=0), codes.max(axis=0) + 1, 0)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rows, cols = np.nonzero(codes >= 0)
    columns = offsets[cols] + codes[rows, cols]
    data = np.ones(len(rows), dtype=np.int64)
    return sp.csr_array((data, (rows, columns)), shape=(n, int(sizes.sum())))


def coassignment_counts(codes: np.ndarray) -> sp.coo_array:
    """Return :math:`c_{ab}`, the runs in which units a and b share a region (a < b).

    Parameters
    ----------
    codes
        Units × runs region codes (−1 outside every region).

    Returns
    -------
    scipy.sparse.coo_array
        Upper triangle (a < b) of :math:`C = M M^\\top`, :math:`M` the units × regions
        membership of all runs; int64 counts, sorted by (a, b).
    """
    member = _membership(codes)
    together = sp.triu(sp.csr_array(member @ member.T), k=1, format="coo")
    order = np.lexsort((together.col, together.row))
    return sp.coo_array(
        (together.data[order], (together.row[order], together.col[order])),
        shape=together.shape,
    )


def medoid_run(codes: np.ndarray, pairs: sp.coo_array) -> int:
    """Return the position of the run with the smallest total Mirkin distance to all runs.

    Notes
    -----
    Total distance of run :math:`r`: :math:`\\sum_{a<b} c_{ab} + R\\,|S_r| - 2
    \\sum_{(a,b) \\in S_r} c_{ab}` with :math:`S_r` the pairs together in run :math:`r`
    (module notes); the first term is the same for every run. Integers throughout;
    ties go to the first run.
    """
    n_runs = codes.shape[1]
    rows, cols, counts = pairs.row, pairs.col, pairs.data.astype(np.int64)
    costs = np.empty(n_runs, dtype=np.int64)
    for j in range(n_runs):
        code = codes[:, j]
        sizes = np.bincount(code[code >= 0])
        together = int((sizes * (sizes - 1) // 2).sum())
        same = (code[rows] == code[cols]) & (code[rows] >= 0)
        costs[j] = n_runs * together - 2 * int(counts[same].sum())
    return int(np.argmin(costs))


def match_regions(consensus: np.ndarray, run: np.ndarray) -> np.ndarray:
    """Return, per consensus region code, the matched region code of ``run`` (−1: none).

    One-to-one matching of largest total overlap (units in both), by the Hungarian
    method (Kuhn 1955; :func:`scipy.optimize.linear_sum_assignment`).

    Examples
    --------
    >>> match_regions(np.array([0, 0, 1, 1, -1]), np.array([1, 1, 1, 0, 0])).tolist()
    [1, 0]
    """
    from scipy.optimize import linear_sum_assignment

    k_consensus = int(consensus.max()) + 1 if (consensus >= 0).any() else 0
    k_run = int(run.max()) + 1 if (run >= 0).any() else 0
    matched = np.full(k_consensus, -1, dtype=np.int64)
    if k_consensus == 0 or k_run == 0:
        return matched
    both = (consensus >= 0) & (run >= 0)
    overlap = sp.coo_array(
        (np.ones(int(both.sum())), (consensus[both], run[both])), shape=(k_consensus, k_run)
    ).toarray()
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    keep = overlap[rows, cols] > 0
    matched[rows[keep]] = cols[keep]
    return matched


def agreement(codes: np.ndarray, reference: int) -> np.ndarray:
    """Return units × runs booleans: does the run agree with run ``reference`` on the unit?

    A unit in a region of the reference agrees when the run puts it in the matched
    region (:func:`match_regions`); a unit outside every region of the reference
    agrees when the run leaves it outside too.
    """
    base = codes[:, reference]
    inside = base >= 0
    agree = np.zeros(codes.shape, dtype=bool)
    for j in range(codes.shape[1]):
        run = codes[:, j]
        matched = match_regions(base, run)
        agree[inside, j] = (run[inside] >= 0) & (matched[base[inside]] == run[inside])
        agree[~inside, j] = run[~inside] < 0
    return agree


def pair_table(pairs: sp.coo_array, units: pd.Index, n_runs: int) -> pd.DataFrame:
    ids = np.asarray(units, dtype=object)
    a, b = ids[pairs.row], ids[pairs.col]
    swap = a > b  # a < b by id, whatever the flows' unit order
    first, second = np.where(swap, b, a), np.where(swap, a, b)
    table = pd.DataFrame({"unit_a": first, "unit_b": second, "share": pairs.data / n_runs})
    return table.sort_values(["unit_a", "unit_b"], kind="stable").reset_index(drop=True)


__all__ = [
    "agreement",
    "coassignment_counts",
    "match_regions",
    "medoid_run",
    "pair_table",
    "run_codes",
]
