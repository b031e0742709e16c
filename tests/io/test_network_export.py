"""UCINET DL exports of the governance network (two-mode and actor projection)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cityregions.governance.network import affiliation_graph, projected_graph
from cityregions.io.network_export import to_dl, write_dl, write_dl_projection
from cityregions.io.registry_yaml import read_registry
from cityregions.pipeline.case import bundled_case_path
from cityregions.registry import Actor, Body, Membership, Registry

URL = ["https://x.org"]


def read_two_mode(text: str) -> tuple[list[str], list[str], list[list[int]]]:
    """A small reader of the DL two-mode full matrix (independent of the writer)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    header = lines[0].upper().replace(",", " ").split()
    size = dict(item.split("=") for item in header[1:])
    nr, nc = int(size["NR"]), int(size["NC"])
    rows_at = next(i for i, line in enumerate(lines) if line.upper() == "ROW LABELS:")
    cols_at = next(i for i, line in enumerate(lines) if line.upper() == "COLUMN LABELS:")
    data_at = next(i for i, line in enumerate(lines) if line.upper() == "DATA:")
    rows, cols = lines[rows_at + 1 : cols_at], lines[cols_at + 1 : data_at]
    matrix = [[int(v) for v in line.split()] for line in lines[data_at + 1 :]]
    assert (len(rows), len(cols), len(matrix)) == (nr, nc, nr)
    assert all(len(r) == nc for r in matrix)
    return rows, cols, matrix


def test_two_mode_matrix_by_hand() -> None:
    reg = Registry(
        actors=[Actor(id=i, name=i, kind="city", sources=URL) for i in ("b-city", "a city")],
        bodies=[Body(id=i, name=i, kind="forum", body_level="city_region", sources=URL)
                for i in ("x", "y")],
        memberships=[Membership(member="a city", body="x", sources=URL),
                     Membership(member="b-city", body="x", sources=URL),
                     Membership(member="b-city", body="y", sources=URL)],
    )  # fmt: skip
    rows, cols, matrix = read_two_mode(to_dl(reg))
    assert rows == ['"a city"', "b-city"]  # a label with a blank is quoted
    assert cols == ["x", "y"]
    assert matrix == [[1, 0], [1, 1]]


def test_bundled_snapshot_matches_the_affiliation_graph(tmp_path: Path) -> None:
    reg = read_registry(bundled_case_path() / "registry").as_of(dt.date(2016, 6, 30))
    rows, cols, matrix = read_two_mode(write_dl(reg, tmp_path / "n.dl").read_text())
    graph = affiliation_graph(reg)
    ties = {(r, c) for r, line in zip(rows, matrix, strict=True)
            for c, v in zip(cols, line, strict=True) if v}  # fmt: skip
    assert ties == {(a, b) if graph.nodes[a]["mode"] == "actor" else (b, a)
                    for a, b in graph.edges()}  # fmt: skip


def test_projection_reads_back_in_igraph(tmp_path: Path) -> None:
    igraph = pytest.importorskip("igraph", reason="igraph comes with the leiden extra")
    reg = read_registry(bundled_case_path() / "registry").as_of(dt.date(2016, 6, 30))
    path = write_dl_projection(reg, tmp_path / "actors.dl")
    back = igraph.Graph.Read_DL(str(path), directed=False)
    projected = projected_graph(affiliation_graph(reg))
    assert back.ecount() == projected.number_of_edges()
    names = back.vs["name"]
    weights = {frozenset((names[e.source], names[e.target])): e["weight"] for e in back.es}
    for u, v, data in projected.edges(data=True):
        assert weights[frozenset((u, v))] == pytest.approx(data["weight"], rel=1e-9)
