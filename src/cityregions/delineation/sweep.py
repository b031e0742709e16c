"""How stable is a city region? Parameter sweeps over resampled flows, and their consensus.

A *sweep* runs one delineation method many times: once per *run*, a parameter
*setting* (one point of the cartesian product of a grid) × one *resample* of the
flows (:mod:`cityregions.delineation.resampling`: Poisson with the observed mean by
default, or multinomial per origin). Every run is a task that depends on the flows, its
parameters and its seed only (:func:`run_task`), so the runs can go to a Dask cluster
(:func:`cityregions._distributed.map_tasks`) and give the same result whatever runs
them. From the runs' labels come (:mod:`cityregions.delineation.consensus`)

- the **co-assignment** of every pair of units: the share of runs in which both lie in
  one region, :math:`s_{ab} = \\frac1R \\sum_r [\\ell_r(a) = \\ell_r(b)]`;
- a **consensus partition**: the *medoid run*, whose partition has the smallest total
  Mirkin distance (unit pairs on which two partitions disagree) to all runs; being a
  run, every consensus region is one the method actually produced (an LMA consensus
  region meets the validity rule of its setting);
- the **stability** of each unit: the share of runs that agree with the consensus on
  it, i.e. in which the unit lies in the run region matched (one to one, largest
  overlap) to its consensus region; a unit outside every consensus region agrees with
  a run that leaves it outside too.

Notes
-----
**Seeds.** The generator ``rng`` draws one seed per resample (a single one when
``bootstrap=0``); resample :math:`b` of every setting uses the same seed (common random
numbers, so that settings are compared on the same flows). A run's generator
``numpy.random.default_rng(seed)`` first draws the resample, then feeds the method's
own randomness (Leiden, Infomap). :func:`reproduce_run` repeats one run from its row of
:attr:`Sweep.runs`.

**Figures per run** (:func:`run_figures`) are computed on the flows of the run (the
resample), as the method saw them.

Examples
--------
Unit ``b`` sends 60 commuters to ``a`` and 58 to ``c`` and is too small for a region of
its own; which neighbour it joins depends on the noise of the counts:

>>> import numpy as np, pandas as pd
>>> from cityregions.flows import FlowTable
>>> long = pd.DataFrame({"origin": ["a", "b", "b", "b", "c"],
...                      "destination": ["a", "b", "a", "c", "c"],
...                      "value": [1000, 100, 60, 58, 1000]})
>>> result = sweep(FlowTable.from_long(long), method="lma",
...                grid={"min_size": [500], "target_size": [5000]}, bootstrap=10,
...                rng=np.random.default_rng(1), scheduler="inline")
>>> result.share_together("a", "b"), result.share_together("b", "c")
(0.7, 0.3)
>>> result.stability["stability"].to_dict()
{'a': 1.0, 'b': 0.7, 'c': 1.0}
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from cityregions._distributed import map_tasks
from cityregions._errors import InputError, ParameterError
from cityregions._numbers import MAX_MAGNITUDE, number_problem
from cityregions.constants import FLOWS_PROVENANCE, REGION, UNIT
from cityregions.delineation import api
from cityregions.delineation.consensus import (
    agreement,
    coassignment_counts,
    medoid_run,
    pair_table,
    run_codes,
)
from cityregions.delineation.resampling import RESAMPLINGS, Resampling, resample_flows
from cityregions.flows import FlowTable
from cityregions.territory import Territory

logger = logging.getLogger(__name__)

#: Columns of :attr:`Sweep.runs` after the parameters.
RUN_FIGURES = ("regions", "units_outside", "mean_self_containment", "modularity")
#: Parameters that a grid may not name: randomness comes from the sweep's seeds.
NOT_IN_GRID = ("rng", "seed", "progress")
#: Seeds are drawn below this bound (numpy accepts any non-negative int).
SEED_BOUND = 2**63 - 1


# ------------------------------------------------------------------ grid
def parse_grid(text: str, *, source: str = "--grid") -> dict[str, list[Any]]:
    """Parse ``"name=v1,v2;name2=v3"`` into ``{name: [values]}`` (order kept).

    Values are read as ``true``/``false``, whole numbers, decimal numbers or else text.
    A parameter named twice, a value given twice, an empty value and a number that is
    not finite (``nan``, ``inf``) are errors.

    Raises
    ------
    InputError
        Naming the part of the text that is wrong.

    Examples
    --------
    >>> parse_grid("min_size=500,1000; target_self_containment=0.7,0.75")
    {'min_size': [500, 1000], 'target_self_containment': [0.7, 0.75]}
    """
    grid: dict[str, list[Any]] = {}
    parts = [part.strip() for part in text.split(";")]
    if not any(parts):
        msg = "the grid is empty: expected name=value,value;name=value"
        raise InputError(msg, source=source)
    for number, part in enumerate(parts, start=1):
        if not part:
            continue
        name, sep, values = part.partition("=")
        name = name.strip()
        where = f"part {number} ({part!r})"
        if not sep or not name.isidentifier():
            msg = "expected name=value,value (a parameter name, '=', values separated by ',')"
            raise InputError(msg, source=source, location=where)
        if name in grid:
            msg = f"parameter {name!r} is named twice"
            raise InputError(msg, source=source, location=where, field=name)
        parsed = [
            _grid_value(v.strip(), source=source, where=where, name=name) for v in values.split(",")
        ]
        if len(set(map(repr, parsed))) < len(parsed):
            msg = f"a value of {name!r} is given twice"
            raise InputError(msg, source=source, location=where, field=name)
        grid[name] = parsed
    return grid


def _grid_value(text: str, *, source: str, where: str, name: str) -> Any:
    """One grid value: bool, int, float (finite) or text."""
    if not text:
        msg = "empty value"
        raise InputError(msg, source=source, location=where, field=name)
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            value = kind(text)
        except ValueError:
            continue
        # Python also reads inf, nan, 1e400, 1_000 and ١٢: a number is a plain ASCII decimal
        if not math.isfinite(value) or number_problem(text) is not None:
            msg = (
                f"{text!r} is not a finite number written with ASCII digits (e.g. 12, 0.5 "
                f"or 1e-05; at most {MAX_MAGNITUDE:.0e} in magnitude)"
            )
            raise InputError(msg, source=source, location=where, field=name)
        return value
    return text


def parameter_settings(
    method: str,
    grid: Mapping[str, Sequence[Any]] | None,
    *,
    params: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Return the settings of ``grid`` (its cartesian product), each checked for ``method``.

    Parameters
    ----------
    method
        A delineation method (:data:`cityregions.delineation.api.METHODS`).
    grid
        Parameter name → values; the product runs over the names in the given order,
        the last name fastest. ``None`` or empty: one setting of the defaults.
    params
        Fixed parameters added to every setting (not swept), e.g. FUA ``cities``.

    Returns
    -------
    list of dict
        One dict of grid values per setting (the fixed ``params`` are not repeated).

    Raises
    ------
    ParameterError
        Unknown method or parameter name, a parameter both fixed and swept, or a
        setting whose values the method rejects (named by its number and values).

    Examples
    --------
    >>> parameter_settings("lma", {"min_size": [100, 200], "target_size": [5000]})
    [{'min_size': 100, 'target_size': 5000}, {'min_size': 200, 'target_size': 5000}]
    """
    if method not in api.METHODS:
        msg = f"unknown method {method!r}; choose one of {', '.join(api.METHODS)}"
        raise ParameterError(msg)
    grid = dict(grid or {})
    fixed = dict(params or {})
    for name in grid:
        if name in NOT_IN_GRID:
            msg = f"{name!r} cannot be swept: the runs' randomness comes from the sweep's seed"
            raise ParameterError(msg)
        if name in fixed:
            msg = f"parameter {name!r} is both fixed and in the grid"
            raise ParameterError(msg)
        if not list(grid[name]):
            msg = f"parameter {name!r} has no value in the grid"
            raise ParameterError(msg)
    names = list(grid)
    settings = [
        dict(zip(names, values, strict=True))
        for values in itertools.product(*(list(grid[n]) for n in names))
    ]
    for number, setting in enumerate(settings, start=1):
        try:
            check_parameters(method, {**fixed, **setting})
        except ParameterError as error:
            shown = ", ".join(f"{k}={v!r}" for k, v in setting.items())
            msg = f"grid setting {number} ({shown}): {error}"
            raise ParameterError(msg) from error
    return settings


def check_parameters(method: str, params: Mapping[str, Any]) -> None:
    """Raise :class:`ParameterError` unless ``method`` accepts ``params`` (names and ranges).

    The method's class is built with the parameters (nothing is fitted), so the check is
    the method's own. ``contiguous`` (an option of every method, see
    :func:`~cityregions.delineation.api.delineate`) must be true or false; an LMA
    ``profile`` is expanded as :func:`~cityregions.delineation.api.delineate` does.
    """
    cls = _method_class(method)
    if cls is None:  # a method this module does not know yet: checked by its first run
        return
    params = dict(params)
    contiguous = params.pop("contiguous", False)
    if not isinstance(contiguous, bool):
        msg = f"parameter contiguous = {contiguous!r} is out of range: expected true or false"
        raise ParameterError(msg)
    if method == "lma" and "profile" in params:
        from cityregions.delineation.lma import PROFILES

        profile = params.pop("profile")
        if profile not in PROFILES:
            msg = f"unknown LMA profile {profile!r}; choose one of {', '.join(PROFILES)}"
            raise ParameterError(msg)
        params = {**PROFILES[profile].as_dict(), **params}
    used = api._take(cls, params, method)
    try:
        cls(**used)
    except (TypeError, ValueError) as error:
        if isinstance(error, ParameterError):
            raise
        raise ParameterError(str(error)) from error


def _method_class(method: str) -> type | None:
    """The class that implements ``method`` (its constructor checks the parameters)."""
    from cityregions.delineation import bbsr, community, fua, lma

    classes: dict[str, Any] = {
        "lma": lma.LabourMarketAreas,
        "fua": fua.FunctionalUrbanAreas,
        "bbsr": bbsr.Stadtregionen,
        "leiden": community.LeidenRegions,
        "infomap": getattr(community, "InfomapRegions", None),
    }
    return classes.get(method)


def run_seeds(rng: np.random.Generator, bootstrap: int) -> list[int]:
    """Return the seed of each resample (one seed for ``bootstrap=0``: the flows as given)."""
    if bootstrap < 0:
        msg = f"bootstrap must be 0 (the flows as given) or a number of resamples, got {bootstrap}"
        raise ParameterError(msg)
    return [int(s) for s in rng.integers(0, SEED_BOUND, size=max(bootstrap, 1))]


# ------------------------------------------------------------------ one run
@dataclass(frozen=True)
class RunSpec:
    """What one run of a sweep does (the task's first argument).

    Attributes
    ----------
    run
        Run id (1, 2, …).
    setting
        Number of the parameter setting (1, 2, …).
    resample
        Number of the resample (1, 2, …), 0 for the flows as given.
    seed
        Seed of the run's generator (resample first, then the method's randomness).
    params
        The method's parameters (grid values and fixed ones).
    """

    run: int
    setting: int
    resample: int
    seed: int
    params: dict[str, Any]


@dataclass(frozen=True)
class RunOutcome:
    """What one run returns: its labels (in the flows' unit order) and its figures."""

    run: int
    labels: list[str | None]
    figures: dict[str, float]


def run_task(
    spec: RunSpec,
    *,
    flows: FlowTable,
    method: str,
    resampling: Resampling | None,
    units: Territory | None = None,
) -> RunOutcome:
    """Do one run: resample the flows (unless ``resampling`` is None) and delineate.

    A pure function of its arguments: the sweep's tasks, run anywhere.

    Returns
    -------
    RunOutcome
        Labels (str, None outside every region) and the figures of
        :data:`RUN_FIGURES` computed on the flows of the run.
    """
    rng = np.random.default_rng(spec.seed)
    used = flows if resampling is None else resample_flows(flows, rng, resampling=resampling)
    result = api.delineate(used, method=method, units=units, rng=rng, **spec.params)  # type: ignore[arg-type]
    labels = result.labels
    return RunOutcome(
        run=spec.run,
        labels=[None if pd.isna(v) else str(v) for v in labels.to_numpy()],
        figures=run_figures(used, labels),
    )


def run_figures(flows: FlowTable, labels: pd.Series) -> dict[str, float]:
    """Return the figures of one partition of ``flows``.

    ``regions``; ``units_outside`` (NaN labels); ``mean_self_containment``, the mean over
    regions of :math:`\\min(LW/L,\\ LW/W)` (internal flows over residents and over jobs,
    the self-containment of the LMA validity rule; research note ``delineation.md`` §1);
    ``modularity``, the directed flow modularity
    (:func:`cityregions.delineation.quality.q_modularity`). Self-containments as in
    :func:`cityregions.delineation.quality.region_statistics`.
    """
    from cityregions.delineation.quality import q_modularity, region_statistics

    stats = region_statistics(flows, labels)
    lowest = np.fmin(stats["sc_supply"].to_numpy(), stats["sc_demand"].to_numpy())
    return {
        "regions": len(stats),
        "units_outside": int(labels.isna().sum()),
        "mean_self_containment": float(lowest.mean()) if len(stats) else float("nan"),
        "modularity": q_modularity(flows, labels),
    }


def reproduce_run(
    flows: FlowTable,
    row: Mapping[str, Any],
    *,
    method: str,
    params: Mapping[str, Any] | None = None,
    units: Territory | None = None,
) -> pd.Series:
    """Repeat one run from its row of :attr:`Sweep.runs` and return its labels.

    Parameters
    ----------
    flows
        The flows the sweep was given.
    row
        The run's row (``resampling``, ``resample_seed`` and the grid parameters).
    method, params, units
        As given to :func:`sweep` (``params``: the fixed parameters).
    """
    grid_names = [c for c in row if c not in (*_RUN_COLUMNS, *RUN_FIGURES, FLOWS_PROVENANCE)]
    values = {name: _plain(row[name]) for name in grid_names}
    resampling = str(row["resampling"])
    spec = RunSpec(
        int(row["run"]),
        int(row["setting"]),
        int(row["resample"]),
        int(row["resample_seed"]),
        {**dict(params or {}), **values},
    )
    outcome = run_task(
        spec,
        flows=flows,
        method=method,
        resampling=None if resampling == "none" else resampling,  # type: ignore[arg-type]
        units=units,
    )
    return pd.Series(outcome.labels, index=flows.index, name=REGION, dtype=object)


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (a grid value read back from a table)."""
    return value.item() if isinstance(value, np.generic) else value


_RUN_COLUMNS = ("run", "setting", "resample", "resampling", "resample_seed")


# ------------------------------------------------------------------ result
@dataclass
class Sweep:
    """The result of :func:`sweep`: every run, the co-assignment and the consensus.

    Attributes
    ----------
    method
        The delineation method.
    grid
        Parameter name → values swept.
    params
        Fixed parameters of every run.
    bootstrap
        Resamples per setting (0: the flows as given, one run per setting).
    resampling
        ``poisson``, ``multinomial`` or ``none`` (``bootstrap=0``).
    runs
        One row per run: ``run``, ``setting``, ``resample``, ``resampling``,
        ``resample_seed``, one column per grid parameter, then ``regions``,
        ``units_outside``, ``mean_self_containment`` and ``modularity`` (on the run's
        flows; :func:`run_figures`), ``flows_provenance`` (of the flows resampled:
        ``observed``, ``completed`` or ``modeled``).
    labels
        Unit × run (columns: run ids): the region of each unit in each run (str; NaN
        outside every region).
    coassignment
        ``unit_a, unit_b, share`` for every pair of units ever in one region
        (``unit_a`` < ``unit_b``), share of runs.
    consensus_run
        Id of the medoid run, whose labels are the consensus.
    stability
        Per unit (index ``unit``): ``region`` (consensus; NaN outside every region) and
        ``stability``, the share of runs that agree with it.
    summary
        Headline figures (runs, settings, resamples, consensus run and regions, mean
        stability, units with stability 1).
    flows_provenance, flows_source
        Where the flows behind every run come from.
    pairs
        ``unit_a, unit_b, share``: pairs of units asked about (:meth:`with_pairs`), e.g.
        for a headline; empty otherwise.
    """

    method: str
    grid: dict[str, list[Any]]
    params: dict[str, Any]
    bootstrap: int
    resampling: str
    runs: pd.DataFrame
    labels: pd.DataFrame
    coassignment: pd.DataFrame
    consensus_run: int
    stability: pd.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    flows_provenance: str = "observed"
    flows_source: str = ""
    pairs: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["unit_a", "unit_b", "share"])
    )

    @property
    def consensus(self) -> pd.Series:
        """The consensus labels: unit → region of the medoid run (NaN outside)."""
        return self.stability[REGION]

    def share_together(self, unit_a: str, unit_b: str) -> float:
        """Return the share of runs in which ``unit_a`` and ``unit_b`` lie in one region.

        Raises
        ------
        InputError
            A unit that is not in the sweep.
        """
        for unit in (unit_a, unit_b):
            if unit not in self.labels.index:
                msg = f"unit {unit!r} is not in the sweep"
                raise InputError(msg, field=UNIT)
        if unit_a == unit_b:
            return float(self.labels.loc[unit_a].notna().to_numpy().mean())
        a, b = sorted((unit_a, unit_b))
        table = self.coassignment
        hit = table[(table["unit_a"] == a) & (table["unit_b"] == b)]
        return float(hit["share"].iloc[0]) if len(hit) else 0.0

    def with_pairs(self, pairs: Sequence[tuple[str, str]]) -> Sweep:
        """Return a copy whose :attr:`pairs` gives the share of runs of each pair of units.

        For headlines such as "Halle and Leipzig share a region in X % of runs".

        Raises
        ------
        InputError
            A unit that is not in the sweep.
        """
        rows = [(a, b, self.share_together(a, b)) for a, b in pairs]
        table = pd.DataFrame(rows, columns=["unit_a", "unit_b", "share"])
        return dataclasses.replace(self, pairs=table)


# ------------------------------------------------------------------ the sweep
def sweep(
    flows: FlowTable,
    *,
    method: str = "lma",
    grid: Mapping[str, Sequence[Any]] | None = None,
    bootstrap: int = 0,
    resampling: Resampling = "poisson",
    rng: np.random.Generator | None = None,
    units: Territory | None = None,
    params: Mapping[str, Any] | None = None,
    scheduler: str | None = None,
    n_workers: int | None = None,
    progress: bool = False,
) -> Sweep:
    """Run ``method`` for every setting of ``grid`` × ``bootstrap`` resamples of the flows.

    Parameters
    ----------
    flows
        Commuting flows with internal flows on the diagonal.
    method
        A delineation method of :func:`cityregions.delineation.api.delineate`.
    grid
        Parameter name → values (:func:`parameter_settings`); ``None``: the defaults.
    bootstrap
        Resamples of the flows per setting; 0 runs each setting once on the flows as
        given.
    resampling
        ``"poisson"`` or ``"multinomial"`` (:mod:`cityregions.delineation.resampling`).
    rng
        Draws the runs' seeds (:func:`run_seeds`); ``None``: ``default_rng(0)``.
    units
        The territory, for methods that need it (FUA, BBSR).
    params
        Fixed parameters of every run (e.g. FUA ``cities``).
    scheduler, n_workers, progress
        Where the runs go (:func:`cityregions._distributed.map_tasks`): ``None`` a local
        Dask cluster of ``n_workers`` processes, an address an existing cluster,
        ``"inline"`` this process.

    Returns
    -------
    Sweep
        Runs, labels, co-assignment, consensus and stability.

    Raises
    ------
    ParameterError
        Unknown method or parameter, a value out of range, a negative ``bootstrap``, an
        unknown resampling (before any run starts).
    InputError
        Units that differ from the flows' units.
    ClusterError
        The Dask cluster cannot run the tasks.
    """
    if resampling not in RESAMPLINGS:
        msg = f"unknown resampling {resampling!r}; choose one of {', '.join(RESAMPLINGS)}"
        raise ParameterError(msg)
    settings = parameter_settings(method, grid, params=params)
    seeds = run_seeds(rng if rng is not None else np.random.default_rng(0), bootstrap)
    if units is not None:
        api.check_same_units(flows, units)
    fixed = dict(params or {})
    specs = [
        RunSpec(
            run=s * len(seeds) + b + 1,
            setting=s + 1,
            resample=(b + 1) if bootstrap else 0,
            seed=seed,
            params={**fixed, **setting},
        )
        for s, setting in enumerate(settings)
        for b, seed in enumerate(seeds)
    ]
    logger.info(
        "sweep: %d setting(s) x %d resample(s) = %d runs of %s",
        len(settings),
        len(seeds),
        len(specs),
        method,
    )
    outcomes = map_tasks(
        run_task,
        specs,
        shared={
            "flows": flows,
            "method": method,
            "units": units,
            "resampling": resampling if bootstrap else None,
        },
        scheduler=scheduler,
        n_workers=n_workers,
        progress=progress,
        description=f"{method} runs",
    )
    return summarise_runs(
        flows,
        specs,
        outcomes,
        method=method,
        grid={k: list(v) for k, v in (grid or {}).items()},
        params=fixed,
        bootstrap=bootstrap,
        resampling=resampling if bootstrap else "none",
    )


def summarise_runs(
    flows: FlowTable,
    specs: Sequence[RunSpec],
    outcomes: Sequence[RunOutcome],
    *,
    method: str,
    grid: dict[str, list[Any]],
    params: dict[str, Any],
    bootstrap: int,
    resampling: str,
) -> Sweep:
    """Put the runs' outcomes together: runs table, labels, co-assignment, consensus."""
    labels = pd.DataFrame(
        {o.run: pd.Series(o.labels, index=flows.index, dtype=object) for o in outcomes}
    )
    labels.columns.name = "run"
    codes = run_codes(labels)
    pairs = coassignment_counts(codes)
    medoid = medoid_run(codes, pairs)
    consensus = labels.iloc[:, medoid]
    agree = agreement(codes, medoid)
    stability = pd.DataFrame(
        {
            REGION: pd.Series(consensus.to_numpy(), index=labels.index, dtype=object),
            "stability": agree.mean(axis=1),
        },
        index=labels.index,
    )
    runs = _runs_table(specs, outcomes, grid, resampling)
    runs[FLOWS_PROVENANCE] = flows.flows_provenance  # the figures come from these flows
    consensus_id = int(labels.columns[medoid])
    return Sweep(
        method=method,
        grid=grid,
        params=params,
        bootstrap=bootstrap,
        resampling=resampling,
        runs=runs,
        labels=labels,
        coassignment=pair_table(pairs, labels.index, len(outcomes)),
        consensus_run=consensus_id,
        stability=stability,
        summary=_summary(runs, stability, consensus_id),
        flows_provenance=flows.flows_provenance,
        flows_source=flows.source,
    )


def _runs_table(
    specs: Sequence[RunSpec],
    outcomes: Sequence[RunOutcome],
    grid: dict[str, list[Any]],
    resampling: str,
) -> pd.DataFrame:
    rows = []
    for spec, outcome in zip(specs, outcomes, strict=True):
        row: dict[str, Any] = {
            "run": spec.run,
            "setting": spec.setting,
            "resample": spec.resample,
            "resampling": resampling,
            "resample_seed": spec.seed,
        }
        row |= {name: spec.params[name] for name in grid}
        row |= outcome.figures
        rows.append(row)
    return pd.DataFrame(rows)


def _summary(runs: pd.DataFrame, stability: pd.DataFrame, consensus_run: int) -> dict[str, Any]:
    values = stability["stability"]
    return {
        "runs": len(runs),
        "settings": int(runs["setting"].nunique()),
        "resamples": int(runs["resample"].nunique()),
        "consensus_run": consensus_run,
        "consensus_regions": int(stability[REGION].nunique()),
        "mean_stability": float(values.mean()),
        "units_stable": int((values == 1.0).sum()),
        "units_below_half": int((values < 0.5).sum()),
    }


__all__ = [
    "RunOutcome",
    "RunSpec",
    "Sweep",
    "check_parameters",
    "parameter_settings",
    "parse_grid",
    "reproduce_run",
    "run_figures",
    "run_seeds",
    "run_task",
    "summarise_runs",
    "sweep",
]
