"""Import hygiene: ``import cityregions`` stays light."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_load_cli_web_or_report_stack() -> None:
    code = (
        "import sys, cityregions; "
        "heavy = [m for m in ('typer', 'fastapi', 'uvicorn', 'jinja2', 'geopandas', 'leidenalg') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_lazy_entry_points_resolve_to_their_modules() -> None:
    import cityregions

    for name, module in cityregions._LAZY.items():
        assert getattr(cityregions, name).__module__.startswith(module), name
    assert cityregions.delineate is cityregions.delineation.delineate
