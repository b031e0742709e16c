"""Readers and writers: plain tables, vector files and the official German formats.

- :func:`read_flows` — long flow tables (CSV, Parquet, Excel)
- :func:`read_units` — unit tables and vector files (incl. BKG VG250)
- :func:`read_labels` — partitions ``unit,region`` (empty region: outside every region)
- :func:`write_table`, :func:`write_flows` — CSV / Parquet, atomically
- :func:`read_ba_pendler`, :func:`read_ba_pendler_long` — BA Pendlerstatistik
  workbooks and CSV exports; :func:`read_ba_gemeindedaten` — the BA Gemeindedaten
  (employed residents and jobs, *Wohnort gleich Arbeitsort*: the diagonal);
  :func:`read_ba_pendler_files`, :func:`combine_ba_pendler` — several workbooks, each
  pair once (behind ``cityregions flows import``)
- :func:`read_genesis` — GENESIS / Regionalstatistik CSV exports
- :func:`read_gv100`, :func:`gv100_units` — Destatis Gemeindeverzeichnis GV100AD
- :func:`write_geopackage`, :func:`units_layer`, :func:`flows_layer` — GeoPackage
  with several layers, atomically

Every reader is imported on first use, so that ``import cityregions.io`` (and
``cityregions.io._atomic``, which every command imports) loads no pandas, numpy or
GeoPandas. See ``docs/data-formats.md``.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Names provided lazily by submodules (name → module).
_LAZY = {
    "read_flows": "tables",
    "read_labels": "tables",
    "read_provenance": "tables",
    "read_units": "tables",
    "write_flows": "tables",
    "write_table": "tables",
    "read_vector": "geo",
    "read_units_geo": "geo",
    "write_geopackage": "geo",
    "units_layer": "geo",
    "flows_layer": "geo",
    "read_ba_pendler": "ba_pendler",
    "read_ba_pendler_long": "ba_pendler",
    "read_ba_pendler_csv": "ba_pendler",
    "read_ba_gemeindedaten": "ba_gemeindedaten",
    "read_ba_pendler_files": "ba_import",
    "combine_ba_pendler": "ba_import",
    "read_genesis": "genesis",
    "GenesisTable": "genesis",
    "read_gv100": "gv100",
    "gv100_units": "gv100",
    "list_layers": "geo",
}

__all__ = [*_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"cityregions.io.{_LAZY[name]}")
        return getattr(module, name)
    msg = f"module 'cityregions.io' has no attribute {name!r}"
    raise AttributeError(msg)
