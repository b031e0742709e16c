"""The governance registry: actors, bodies, memberships and decision rules with sources.

A core object: it imports nothing above it (no reader, no analysis). The model is in
:mod:`~cityregions.registry.model`, queries that turn it into weights and games in
:mod:`~cityregions.registry.query`, cross-record checks in
:mod:`~cityregions.registry.validation`. Read and write it with
:mod:`cityregions.io.registry_yaml`.
"""

from __future__ import annotations

from cityregions.registry.dates import UNKNOWN, is_known
from cityregions.registry.model import (
    BODY_LEVELS,
    CERTAINTIES,
    Actor,
    Body,
    BodyRule,
    Claim,
    Criterion,
    DecisionRule,
    Fee,
    Membership,
    OtherName,
    Registry,
    Source,
    date_end,
    date_start,
    parse_as_of,
)
from cityregions.registry.query import for_units, rule_weights, voting_weights
from cityregions.registry.validation import Flag, check_units, registry_flags, validate_registry
from cityregions.registry.validity import Assumption

__all__ = [
    "BODY_LEVELS",
    "CERTAINTIES",
    "UNKNOWN",
    "Actor",
    "Assumption",
    "Body",
    "BodyRule",
    "Claim",
    "Criterion",
    "DecisionRule",
    "Fee",
    "Flag",
    "Membership",
    "OtherName",
    "Registry",
    "Source",
    "check_units",
    "date_end",
    "date_start",
    "for_units",
    "is_known",
    "parse_as_of",
    "registry_flags",
    "rule_weights",
    "validate_registry",
    "voting_weights",
]
