"""The ``cityregions`` command: a thin command group over the library."""
