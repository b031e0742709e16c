"""A deliberately slow, table-based emulation of the LMA algorithm (an independent check).

It re-sums its row tables the way the R reference does, step by step, so the fast
incremental engine of :mod:`cityregions.delineation._lma_steps` can be compared with it on
random cases and the rare branches D/E/F. Used by the tests and ``benchmarks/bench_lma.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from cityregions.delineation._lma_steps import Params


class Unsupported(Exception):  # noqa: N818
    """The reference would recycle vectors here; not emulated."""


def _validity(a: np.ndarray, r: np.ndarray, w: np.ndarray, p: Params) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        msc = np.minimum(a / r, a / w)
        y = np.minimum(msc / p.target_self_containment, 1.0)
        s = np.maximum((p.target_size - r) / (p.target_size - p.min_size), 0.0)
        z = 1 - ((1 - (p.min_self_containment / p.target_self_containment)) * s)
        v = y * z * (p.target_self_containment / p.min_self_containment)
    return np.where(msc == 1, 1.0, v)


class Emulator:
    """Reference control flow on explicit row tables (positions = community codes)."""

    def __init__(self, matrix: sp.csr_array, p: Params) -> None:
        coo = sp.coo_array(matrix)
        self.flows = pd.DataFrame({"i": coo.row, "j": coo.col, "a": coo.data.astype(float)})
        self.n = matrix.shape[0]
        self.res = np.asarray(matrix.sum(axis=1)).ravel()
        self.diag = matrix.diagonal()
        self.p = p
        self.cl = np.arange(1, self.n + 1)
        self.lw = self._rows_from_communities(self.flows)
        self.marg = self._marginals(self.lw)
        self.events: list[tuple] = []
        self.moves = np.zeros(self.n, dtype=int)

    # -------------------------------------------------------------- tables
    def _rows_from_communities(self, flows: pd.DataFrame) -> pd.DataFrame:
        rows = pd.DataFrame({"l": self.cl[flows["i"]], "w": self.cl[flows["j"]], "a": flows["a"]})
        return rows.groupby(["l", "w"], as_index=False, sort=False)["a"].sum()

    @staticmethod
    def _marginals(lw: pd.DataFrame) -> pd.DataFrame:
        live = lw.groupby("l")["a"].sum().rename("R")
        work = lw.groupby("w")["a"].sum().rename("W")
        out = pd.concat([live, work], axis=1).fillna(0.0)
        out.index.name = "c"
        return out.reset_index()

    def sum_all(self) -> None:
        self.lw = self.lw.groupby(["l", "w"], as_index=False, sort=False)["a"].sum()
        self.marg = self.marg.groupby("c", as_index=False, sort=False)[["R", "W"]].sum()

    def relabel(self, old: int, new: int) -> None:
        self.cl[self.cl == old] = new
        self.lw.loc[self.lw["l"] == old, "l"] = new
        self.lw.loc[self.lw["w"] == old, "w"] = new
        self.marg.loc[self.marg["c"] == old, "c"] = new

    def least(self, lw: pd.DataFrame, marg: pd.DataFrame) -> tuple[int, float, pd.DataFrame]:
        lw = lw[(lw["l"] != 0) & (lw["w"] != 0)]
        marg = marg[marg["c"] != 0]
        own = lw[lw["l"] == lw["w"]][["l", "a"]].rename(columns={"l": "c"})
        table = marg.merge(own, on="c", how="left").fillna({"a": 0.0})
        table["v"] = _validity(
            table["a"].to_numpy(), table["R"].to_numpy(), table["W"].to_numpy(), self.p
        )
        table = table.sort_values("c", kind="stable")
        values = table["v"].to_numpy()
        low = np.nanmin(np.append(values, 1.0)) if len(values) else 1.0
        hit = table[table["v"] == low]
        if len(hit):
            return int(hit["c"].iloc[0]), float(low), table
        return 0, 1.0, table

    def dissolve(self, c: int) -> None:
        members = np.flatnonzero(self.cl == c)
        self.cl[members] = -(np.arange(len(members)) + 1)
        keep = self.lw[(self.lw["l"] != c) & (self.lw["w"] != c)]
        touch = self.flows[np.isin(self.flows["i"], members) | np.isin(self.flows["j"], members)]
        self.lw = pd.concat([keep, self._rows_from_communities(touch)], ignore_index=True)
        self.marg = self._marginals(self.lw)

    def regroup(self, index: int | None) -> tuple[int, int] | None:
        """Best (detached, receiver) pair, as regroupDissolved(.ncom); None without links."""
        lw = self.lw
        if index is None:
            rows = lw[((lw["l"] < 0) ^ (lw["w"] < 0)) & (lw["l"] != 0) & (lw["w"] != 0)]
        else:
            rows = lw[((lw["l"] == index) ^ (lw["w"] == index)) & (lw["l"] * lw["w"] < 0)]
        if rows.empty:
            return None
        rows = rows.sort_values(["l", "w"], kind="stable").sort_values("w", kind="stable")
        r_live = self.marg.set_index("c")["R"]
        w_work = self.marg.set_index("c")["W"]
        rl, ww, a = r_live[rows["l"]].to_numpy(), w_work[rows["w"]].to_numpy(), rows["a"].to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            strength = np.where((rl == 0) | (ww == 0), 0.0, a / rl * a / ww)
        pairs = pd.DataFrame(
            {
                "c1": np.minimum(rows["l"], rows["w"]),
                "c2": np.maximum(rows["l"], rows["w"]),
                "s": strength,
            }
        )
        summed = pairs.groupby(["c1", "c2"], sort=False, as_index=False)["s"].sum()
        summed = summed.sort_values(["c1", "s"], kind="stable")
        best = summed.drop_duplicates("c1", keep="last")
        if len(best) > 1:
            raise Unsupported
        return int(best["c1"].iloc[0]), int(best["c2"].iloc[0])

    def merge(self, c1: int, c2: int) -> None:
        self.relabel(c1, c2)
        self.sum_all()

    def accepted(self, receiver: int, lsc: int, table: pd.DataFrame) -> bool:
        sotto = {receiver, lsc}
        lw = self.lw[self.lw["l"].isin(sotto) | self.lw["w"].isin(sotto)]
        _, _, new_table = self.least(lw, self.marg[self.marg["c"].isin(sotto)])
        new = new_table.loc[new_table["c"] > 0, "v"].to_numpy()
        old = table.loc[table["c"].isin(sotto - {lsc}) & (table["c"] > 0), "v"].to_numpy()
        if len(new) == 0 or len(old) == 0:
            return True
        size = max(len(new), len(old))
        return bool(np.all(np.resize(new, size) >= np.resize(old, size)))

    def ranking(self, members: np.ndarray) -> list[int]:
        f = self.flows
        inside_i, inside_j = np.isin(f["i"], members), np.isin(f["j"], members)
        cross = f[inside_i ^ inside_j]
        in_from_out = cross.groupby("j")["a"].sum()
        exposure = [in_from_out.get(m, 0.0) + self.res[m] - self.diag[m] for m in members]
        order = np.argsort(-np.asarray(exposure), kind="stable")
        return [int(m) for m in np.asarray(members)[order]]

    # ---------------------------------------------------------------- loop
    def run(self) -> tuple[np.ndarray, np.ndarray]:
        counter = 1
        while True:
            c, v, table = self.least(self.lw, self.marg)
            if v >= 1:
                break
            members = np.flatnonzero(self.cl == c)
            if len(members) == 1:
                self._single(c, v, table, int(members[0]), counter)
            else:
                self._multiple(c, v, table, members, counter)
            counter += 1
        self.sum_all()
        before = self.cl.copy()
        self._reserve()
        return self.cl.copy(), before

    def _single(self, c: int, v: float, table: pd.DataFrame, unit: int, counter: int) -> None:
        self.dissolve(c)
        pair = self.regroup(None)
        if pair is not None:
            saved = (self.cl.copy(), self.lw.copy(), self.marg.copy())
            self.merge(*pair)
            if self.accepted(pair[1], c, table):
                self.moves[unit] += 1
                return
            self.cl, self.lw, self.marg = saved
        self.events.append(("A" if pair else "B", counter, c, v, unit, -1))
        self.relabel(-1, 0)
        self.sum_all()

    def _multiple(
        self, c: int, v: float, table: pd.DataFrame, members: np.ndarray, counter: int
    ) -> None:
        ranking = self.ranking(members)
        self.dissolve(c)
        top = ranking[0]
        index = int(self.cl[top])
        pair = self.regroup(index)
        if pair is not None:
            saved = (self.cl.copy(), self.lw.copy(), self.marg.copy())
            self.merge(*pair)
            if self.accepted(pair[1], c, table):
                self.moves[top] += 1
            else:
                self.cl, self.lw, self.marg = saved
                self.events.append(("C", counter, c, v, top, ranking[1]))
                self.relabel(index, 0)
                self.sum_all()
            for rid in np.unique(self.cl[self.cl < 0]):
                self.relabel(int(rid), c)  # no re-summing: un-aggregated rows remain
            return
        self.events.append(("D", counter, c, v, top, ranking[1]))
        self.relabel(index, 0)
        self.sum_all()
        for ncom in range(1, len(ranking)):
            c2, v2, table2 = self.least(self.lw, self.marg)
            pair = self.regroup(c2) if c2 != 0 else None
            if pair is None:
                self.events.append(("F", counter, c2, v2, ranking[ncom], -1))
                if c2 != 0:
                    self.relabel(c2, 0)
                self.sum_all()
                continue
            saved = (self.cl.copy(), self.lw.copy(), self.marg.copy())
            self.merge(*pair)
            receiver = pair[1]
            if self.accepted(receiver, c2, table2):
                self.moves[ranking[ncom]] += 1
                continue
            self.cl, self.lw, self.marg = saved
            self.events.append(("E", counter, c2, v2, ranking[ncom], -1))
            self.relabel(c2, 0)
            self.sum_all()

    def _reserve(self) -> None:
        reserve = np.flatnonzero(self.cl == 0)
        if len(reserve):
            if np.isin(-(np.arange(len(reserve)) + 1), self.cl).any():
                raise Unsupported
            self.cl[reserve] = -(np.arange(len(reserve)) + 1)
            self.lw = self._rows_from_communities(self.flows)
            self.marg = self._marginals(self.lw)
            moved = True
            while moved:
                moved = False
                pending = np.flatnonzero(self.cl < 0)
                pending = pending[np.argsort(self.cl[pending], kind="stable")]
                for unit in pending:
                    index = int(self.cl[unit])
                    if index > 0:
                        continue
                    pair = self.regroup(index)
                    if pair is not None:
                        self.merge(*pair)
                        moved = True
        self.cl[self.cl < 0] = 0


def random_case(seed: int) -> sp.csr_array:
    """Units on a line commuting to near neighbours; about 30 % are satellites.

    A satellite sends most of its workers to its nearest unit and has no other link, so
    as the most exposed member of a region it has nowhere to go (event D). About 20 % of
    the other units lack an internal flow. Units in the zero list are removed.
    """
    rng = np.random.default_rng(seed)
    n = int(rng.integers(12, 26))
    x = rng.uniform(0, 10, n)
    size = rng.lognormal(2.5, 1.0, n)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    satellite = rng.random(n) < 0.3
    for i in range(n):
        d = np.abs(x - x[i])
        if satellite[i]:
            rows += [i, i]
            cols += [i, int(np.argsort(d)[1])]
            vals += [float(rng.integers(0, 5)), float(rng.integers(5, 40))]
            continue
        for j in np.argsort(d)[: int(rng.integers(2, 5))]:
            amount = rng.poisson(size[i] * (3 if j == i else 1) / (1 + d[j]))
            if j == i and rng.random() < 0.2:
                amount = 0
            rows.append(i)
            cols.append(int(j))
            vals.append(float(amount))
    matrix = sp.csr_array((vals, (rows, cols)), shape=(n, n))
    matrix.eliminate_zeros()
    for _ in range(5):
        res = np.asarray(matrix.sum(axis=1)).ravel()
        jobs = np.asarray(matrix.sum(axis=0)).ravel()
        alive = (res > 0) & (jobs > 0) & ~((matrix.diagonal() == res) & (res == jobs))
        keep = np.flatnonzero(alive)
        matrix = sp.csr_array(matrix[keep][:, keep])
    return matrix
