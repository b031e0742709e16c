"""Functional city regions from commuting flows.

One module per method: :mod:`~cityregions.delineation.lma` (ISTAT/Eurostat labour market
areas), :mod:`~cityregions.delineation.fua` (EU-OECD functional urban areas),
:mod:`~cityregions.delineation.bbsr` (BBSR Stadtregionen) and
:mod:`~cityregions.delineation.community` (Leiden community detection).
:func:`cityregions.delineation.api.delineate` runs any of them by name and returns labels
(a Series unit → region). Submodules are imported on use, so that ``import cityregions``
stays light.
"""
