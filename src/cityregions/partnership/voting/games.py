"""Voting games: which coalitions of members win a weighted or multi-criteria body.

:func:`weighted_game` builds the usual weighted majority game ``[q; w_1, …, w_n]``;
:func:`multi_criteria_game` and :func:`double_majority` build rules with several
criteria (all must hold, optionally or-ed with a clause such as the EU blocking-minority
rule); :func:`rule_game` builds the game of a
:class:`~cityregions.registry.DecisionRule` (the rule of a registry body or of a
scenario) from the members' weights per measure. The indices are computed by
:mod:`cityregions.partnership.voting.power`.

References
----------
Felsenthal, D. S. & Machover, M. (1998). The Measurement of Voting Power. Edward Elgar.
Taylor, A. D. & Zwicker, W. S. (1999). Simple Games. Princeton University Press.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from cityregions._errors import DataQualityWarning, InputError, ParameterError
from cityregions.partnership.voting import _enum

if TYPE_CHECKING:
    from cityregions.registry import DecisionRule

logger = logging.getLogger(__name__)

#: Largest total integer weight of a game: sums of weights stay exact in float64 (the
#: Monte Carlo estimators add weights as floats). Whether an exact engine can count a
#: game of that size is a question of time and memory (``power.exact_costs``).
MAX_TOTAL_WEIGHT = 2**53
Number = int | float | Fraction


# --------------------------------------------------------------------------- games
@dataclass(frozen=True)
class WeightedCriterion:
    """One criterion of a game: the yes-side's total of ``weights`` must reach ``quota``.

    Weights and quota are integers (rational input is scaled exactly). The rule a
    criterion comes from is a :class:`cityregions.registry.Criterion` (a measure with a
    share or an absolute quota); :func:`rule_game` turns it into this integer form.
    """

    name: str
    weights: tuple[int, ...]
    quota: int

    @property
    def total(self) -> int:
        """Sum of all weights."""
        return sum(self.weights)


@dataclass(frozen=True)
class VotingGame:
    """A simple game on ``members``: a coalition wins iff one clause holds completely.

    Attributes
    ----------
    members
        Member ids, in order.
    criteria
        Weighted criteria over the members.
    clauses
        Disjunction of conjunctions: each clause is a tuple of criterion indices that
        must all hold; the coalition wins if any clause holds. A weighted game is one
        criterion in one clause.
    """

    members: tuple[str, ...]
    criteria: tuple[WeightedCriterion, ...]
    clauses: tuple[tuple[int, ...], ...] = ((0,),)

    @property
    def n(self) -> int:
        """Number of members."""
        return len(self.members)

    @property
    def is_weighted(self) -> bool:
        """True for a plain weighted majority game ``[q; w]``."""
        return len(self.criteria) == 1 and self.clauses == ((0,),)

    def wins(self, sums: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Evaluate the rule on criterion sums (rows = coalitions, columns = criteria)."""
        quotas = np.array([c.quota for c in self.criteria])
        holds = sums >= quotas
        result = np.zeros(sums.shape[0], dtype=bool)
        for clause in self.clauses:
            result |= holds[:, list(clause)].all(axis=1)
        return result

    def columns(self) -> npt.NDArray[np.int64]:
        """Member × criterion matrix of weights."""
        return np.array([c.weights for c in self.criteria], dtype=np.int64).T.reshape(
            self.n, len(self.criteria)
        )

    def winning_mask(self) -> npt.NDArray[np.bool_]:
        """Win/lose for each of the ``2**n`` coalitions (bit ``i`` = member ``i``)."""
        if self.n > _enum.MAX_ENUMERATION:
            limit = _enum.MAX_ENUMERATION
            msg = f"{self.n} members are too many to enumerate (at most {limit})"
            raise ParameterError(msg)
        sums = np.stack([_enum.subset_sums(list(c.weights)) for c in self.criteria], 1)
        return self.wins(sums)

    def __str__(self) -> str:
        if self.is_weighted:
            c = self.criteria[0]
            return f"[{c.quota}; {', '.join(map(str, c.weights))}]"
        parts = [
            " AND ".join(f"{self.criteria[i].name} ≥ {self.criteria[i].quota}" for i in cl)
            for cl in self.clauses
        ]
        return " OR ".join(f"({p})" for p in parts)


def _as_fraction(value: Any, member: str, source: str | None) -> Fraction:
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, int | Fraction):
        result = Fraction(value)
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            msg = f"weight of member '{member}' is not a number: {value!r}"
            raise InputError(msg, source=source, location=member, field="weight") from None
        if not math.isfinite(number):
            msg = f"weight of member '{member}' is not finite: {value!r}"
            raise InputError(msg, source=source, location=member, field="weight")
        result = (
            Fraction(str(number))
            if isinstance(value, float | np.floating)
            else Fraction(str(value))
        )
    if result < 0:
        msg = f"weight of member '{member}' is negative ({value}); weights must be ≥ 0"
        raise InputError(msg, source=source, location=member, field="weight")
    return result


def _members_and_values(
    weights: Mapping[str, Any] | pd.Series | Sequence[Any],
    members: Sequence[str] | None,
    source: str | None,
) -> tuple[tuple[str, ...], list[Any]]:
    if isinstance(weights, pd.Series):
        names, values = [str(i) for i in weights.index], list(weights.to_numpy())
    elif isinstance(weights, Mapping):
        names, values = [str(k) for k in weights], list(weights.values())
    else:
        values = list(weights)
        names = (
            [str(m) for m in members]
            if members is not None
            else [str(i + 1) for i in range(len(values))]
        )
    if len(names) != len(values):
        msg = f"{len(names)} member names for {len(values)} weights"
        raise InputError(msg, source=source)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            msg = f"member '{name}' is listed twice"
            raise InputError(msg, source=source, location=name, field="member")
        seen.add(name)
    if not names:
        msg = "the body has no members"
        raise InputError(msg, source=source)
    return tuple(names), values


def _integer_scale(values: list[Fraction], what: str) -> tuple[list[int], Fraction]:
    """Scale exact rationals to coprime integers; return them and the scale factor."""
    denominator = math.lcm(*(v.denominator for v in values)) if values else 1
    ints = [int(v * denominator) for v in values]
    divisor = math.gcd(*ints) or 1
    ints = [x // divisor for x in ints]
    if sum(ints) > MAX_TOTAL_WEIGHT:
        msg = (
            f"the {what} need a total of {sum(ints):,} integer units after exact scaling "
            f"(at most {MAX_TOTAL_WEIGHT:,}); round them to fewer significant digits "
            "(rounding can change the game)"
        )
        raise InputError(msg, field=what)
    return ints, Fraction(divisor, denominator)


def _criterion(
    name: str,
    members: tuple[str, ...],
    values: list[Any],
    *,
    quota: Number | None,
    share: Number | None,
    more_than: bool,
    strict: bool,
    source: str | None,
    check: bool = True,
) -> WeightedCriterion:
    exact = [_as_fraction(v, m, source) for v, m in zip(values, members, strict=True)]
    total = sum(exact, Fraction(0))
    if (quota is None) == (share is None):
        msg = f"give exactly one of quota (absolute) or share (of the total) for '{name}'"
        raise ParameterError(msg)
    if share is not None:
        q = Fraction(str(share)) * total
        rule = f"share {share} of total {float(total):g}"
    else:
        q = Fraction(str(quota)) if not isinstance(quota, int | Fraction) else Fraction(quota)
        rule = f"quota {quota}"
    if q < 0 or (q == 0 and not more_than):
        msg = f"rule '{name}': {rule} must be positive"
        raise InputError(msg, source=source, field="quota")
    if check:
        _check_proper(name, q, total, more_than=more_than, strict=strict, rule=rule, source=source)
    weights, scale = _integer_scale(exact, name)
    q_scaled = q / scale
    # w(S) ≥ q  ⇔  w'(S) ≥ ceil(q');  w(S) > q  ⇔  w'(S) ≥ floor(q') + 1
    int_quota = math.floor(q_scaled) + 1 if more_than else math.ceil(q_scaled)
    return WeightedCriterion(name=name, weights=tuple(weights), quota=int_quota)


def _rule_prefix(name: str) -> str:
    """Name a criterion in messages; the single criterion of a weighted game is implicit."""
    return "" if name == "weight" else f"rule '{name}': "


def _check_proper(
    name: str,
    q: Fraction,
    total: Fraction,
    *,
    more_than: bool,
    strict: bool,
    rule: str,
    source: str | None,
) -> None:
    if q > total or (more_than and q >= total):
        # never a usable body: nothing can pass, normalised indices are 0/0
        msg = (
            f"{_rule_prefix(name)}{rule} is above the total weight {float(total):g}, "
            "so no coalition can win; the quota must not exceed the total"
        )
        raise InputError(msg, source=source, field="quota")
    problem = None
    if q < total / 2 or (q == total / 2 and not more_than):
        problem = (
            f"{_rule_prefix(name)}{rule} is not above half of the total weight "
            f"{float(total):g}, "
            "so two disjoint coalitions can both win (the game is not proper)"
        )
    if problem is None:
        return
    if strict:
        raise InputError(problem, source=source, field="quota")
    warnings.warn(f"{source}: {problem}" if source else problem, DataQualityWarning, stacklevel=4)


def weighted_game(
    weights: Mapping[str, Any] | pd.Series | Sequence[Any],
    quota: Number | None = None,
    *,
    share: Number | None = None,
    more_than: bool = False,
    members: Sequence[str] | None = None,
    strict: bool = False,
    source: str | None = None,
) -> VotingGame:
    """Build the weighted majority game ``[q; w_1, …, w_n]``.

    Parameters
    ----------
    weights
        Weight per member: a Series or mapping (member → weight) or a sequence (then
        ``members`` names them, default ``"1".."n"``). Integers, exact fractions or
        decimals; decimals are taken as written (``12.5`` = 25/2) and scaled exactly.
    quota
        Absolute quota: a coalition wins iff its weight is ``≥ quota``.
    share
        Quota as a share of the total weight (``2/3`` for a two-thirds majority).
    more_than
        Require *more than* the quota (``share=0.5, more_than=True`` = simple
        majority).
    strict
        Raise instead of warning when the quota is not above half of the total (an
        improper game: two disjoint coalitions can both win). A quota above the
        total (no coalition can win) is always an error.
    source
        File the weights came from, for error messages.

    Returns
    -------
    VotingGame

    Raises
    ------
    InputError
        Negative or non-numeric weight (naming the member), a member listed twice,
        no members, a non-positive quota, a quota above the total weight; with
        ``strict`` an improper quota.

    Examples
    --------
    >>> str(weighted_game([4, 4, 4, 2, 2, 1], 12))
    '[12; 4, 4, 4, 2, 2, 1]'
    >>> str(weighted_game({"a": 0.5, "b": 1.5}, share=0.5, more_than=True))
    '[3; 1, 3]'
    """
    names, values = _members_and_values(weights, members, source)
    criterion = _criterion(
        "weight",
        names,
        values,
        quota=quota,
        share=share,
        more_than=more_than,
        strict=strict,
        source=source,
    )
    return VotingGame(members=names, criteria=(criterion,))


def multi_criteria_game(
    criteria: Mapping[str, tuple[Any, ...]],
    *,
    either: Mapping[str, tuple[Any, ...]] | None = None,
    strict: bool = False,
) -> VotingGame:
    """Build a rule with several weighted criteria that must all hold.

    Parameters
    ----------
    criteria
        Name → (weights per member, quota *share* of the total[, more_than]). All
        must hold; the optional third item asks for strictly more than the share.
    either
        Further criteria, each of which *alone* also makes a coalition win (an OR
        clause, e.g. the EU rule that any coalition of all but three members wins).
    strict
        Raise instead of warning on improper quotas.

    Examples
    --------
    >>> pop = {"A": 50, "B": 30, "C": 15, "D": 5}
    >>> ones = dict.fromkeys(pop, 1)
    >>> game = multi_criteria_game({"members": (ones, 0.75), "population": (pop, 0.65)})
    >>> equivalent(game, weighted_game([3, 1, 1, 1], 5, members=list(pop)))
    True
    """
    built: list[WeightedCriterion] = []
    members: tuple[str, ...] | None = None
    clauses: list[tuple[int, ...]] = []
    for group, is_and in ((criteria, True), (either or {}, False)):
        indices = []
        for name, spec in group.items():
            weights, share = spec[0], spec[1]
            more_than = bool(spec[2]) if len(spec) > 2 else False
            names, values = _members_and_values(weights, None, None)
            if members is None:
                members = names
            elif names != members:
                msg = f"criterion '{name}' lists other members than the first criterion"
                raise InputError(msg, field=name)
            # a single criterion of a conjunction need not be proper; only a lone one
            lone = is_and and len(group) == 1 and not either
            built.append(
                _criterion(
                    name,
                    names,
                    values,
                    quota=None,
                    share=share,
                    more_than=more_than,
                    strict=strict,
                    source=None,
                    check=lone,
                )
            )
            indices.append(len(built) - 1)
        if is_and:
            clauses.append(tuple(indices))
        else:
            clauses += [(i,) for i in indices]
    if members is None:
        msg = "no criteria given"
        raise ParameterError(msg)
    return VotingGame(members=members, criteria=tuple(built), clauses=tuple(clauses))


def double_majority(
    population: Mapping[str, Any] | pd.Series,
    *,
    members_share: Number,
    population_share: Number,
    min_members: int | None = None,
    blocking_minority: int | None = None,
) -> VotingGame:
    """Build a double-majority rule of members and population (EU Council type).

    A coalition wins iff it has at least ``members_share`` of the members (and at
    least ``min_members`` of them) and at least ``population_share`` of the population,
    or if fewer than ``blocking_minority`` members are against it.

    Examples
    --------
    >>> from cityregions.partnership.voting import voting_power
    >>> game = double_majority({"A": 50, "B": 30, "C": 15, "D": 5},
    ...                        members_share=0.75, population_share=0.65)
    >>> [float(x) for x in voting_power(game).banzhaf]
    [0.4, 0.2, 0.2, 0.2]
    """
    names, _ = _members_and_values(population, None, None)
    n = len(names)
    count_share = Fraction(str(members_share))
    if min_members is not None:
        count_share = max(count_share, Fraction(min_members, n))
    ones = dict.fromkeys(names, 1)
    criteria = {"members": (ones, count_share), "population": (population, population_share)}
    either = None
    if blocking_minority is not None:
        either = {"blocking minority": (ones, Fraction(n - blocking_minority + 1, n))}
    return multi_criteria_game(criteria, either=either)


def rule_game(
    rule: DecisionRule,
    weights: Mapping[str, Mapping[str, Any] | pd.Series],
    *,
    strict: bool = False,
    source: str | None = None,
) -> VotingGame:
    """Build the game of a decision rule from the members' value of each measure.

    This is the one place where a :class:`~cityregions.registry.DecisionRule` (of a
    registry body or of a scenario) becomes a game: each of the rule's criteria
    (:meth:`~cityregions.registry.DecisionRule.normalized_criteria`) becomes a weighted
    criterion, and a coalition wins iff all of them hold.

    Parameters
    ----------
    rule
        How the body decides: kind, measure, threshold or absolute quota, strict,
        criteria.
    weights
        Measure → (member → value), e.g. ``{"weight": {...}, "population": {...}}``; all
        measures list the same members in the same order. ``members`` (one each) need
        not be given.
    strict
        Raise instead of warning when the quota of a single-criterion rule is not
        above half of the total (an improper game).
    source
        Where the rule and weights come from, for messages.

    Returns
    -------
    VotingGame
        Criteria named by their measure; a single criterion is a weighted game
        ``[q; w]``.

    Raises
    ------
    InputError
        A measure the rule needs is not in ``weights``, or the measures list
        different members; the errors of :func:`weighted_game`.

    Notes
    -----
    A criterion with threshold :math:`t` on measure :math:`m` holds for coalition
    :math:`S` iff :math:`m(S) \\ge t \\, m(N)` (``>`` when strict); an absolute quota
    :math:`q` replaces :math:`t \\, m(N)`.

    Examples
    --------
    >>> from cityregions.registry import DecisionRule
    >>> str(rule_game(DecisionRule(), {"weight": {"a": 7, "b": 5, "c": 4}}))
    '[9; 7, 5, 4]'
    >>> rule = DecisionRule(kind="double_majority", criteria=[
    ...     {"measure": "members", "threshold": 0.75},
    ...     {"measure": "population", "threshold": 0.65}])
    >>> game = rule_game(rule, {"population": {"A": 50, "B": 30, "C": 15, "D": 5}})
    >>> equivalent(game, weighted_game([3, 1, 1, 1], 5, members=list("ABCD")))
    True
    """
    criteria = rule.normalized_criteria()
    given = {k: _members_and_values(v, None, source) for k, v in weights.items()}
    if not given:
        msg = "no weights given for the rule's members"
        raise InputError(msg, source=source)
    members = next(iter(given.values()))[0]
    built = []
    for criterion in criteria:
        if criterion.measure in given:
            names, values = given[criterion.measure]
        elif criterion.measure == "members":
            names, values = members, [1] * len(members)
        else:
            msg = f"the rule counts {criterion.measure}, but no {criterion.measure} is given"
            raise InputError(msg, source=source, field=criterion.measure)
        if names != members:
            msg = f"the {criterion.measure} values list other members than the first measure"
            raise InputError(msg, source=source, field=criterion.measure)
        built.append(
            _criterion(
                criterion.measure,
                names,
                values,
                quota=criterion.quota,
                share=criterion.threshold,
                more_than=criterion.strict,
                strict=strict,
                source=source,
                check=len(criteria) == 1,
            )
        )
    return VotingGame(members=members, criteria=tuple(built), clauses=(tuple(range(len(built))),))


def equivalent(game: VotingGame, other: VotingGame) -> bool:
    """True if two games on the same members have the same winning coalitions."""
    if game.members != other.members:
        return False
    return bool(np.array_equal(game.winning_mask(), other.winning_mask()))


__all__ = [
    "MAX_TOTAL_WEIGHT",
    "VotingGame",
    "WeightedCriterion",
    "double_majority",
    "equivalent",
    "multi_criteria_game",
    "rule_game",
    "weighted_game",
]
