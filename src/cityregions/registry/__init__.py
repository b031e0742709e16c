"""The governance registry: actors, bodies, memberships and decision rules with sources.

A core object: it imports nothing above it (no reader, no analysis). The model is in
:mod:`~cityregions.registry.model`, queries that turn it into weights and games in
:mod:`~cityregions.registry.query`, cross-record checks in
:mod:`~cityregions.registry.validation`. Read and write it with
:mod:`cityregions.io.registry_yaml`.
"""

from __future__ import annotations

from cityregions.registry.model import (
    BODY_LEVELS,
    Actor,
    Body,
    BodyRule,
    Criterion,
    DecisionRule,
    Fee,
    Membership,
    Registry,
    Source,
    date_end,
    date_start,
    parse_as_of,
)
from cityregions.registry.query import rule_weights, voting_weights
from cityregions.registry.validation import check_units, validate_registry

__all__ = [
    "BODY_LEVELS",
    "Actor",
    "Body",
    "BodyRule",
    "Criterion",
    "DecisionRule",
    "Fee",
    "Membership",
    "Registry",
    "Source",
    "check_units",
    "date_end",
    "date_start",
    "parse_as_of",
    "rule_weights",
    "validate_registry",
    "voting_weights",
]
