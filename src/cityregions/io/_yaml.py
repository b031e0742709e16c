"""Read YAML safely: bounded nesting and bounded alias expansion.

``yaml.safe_load`` constructs only plain data, but it does not bound the *size* of what
it builds: a few hundred bytes of nested anchors and aliases (the "billion laughs"
document) stand for billions of nodes, and every walk over the result that follows
aliases — or any code that serialises, validates or copies it — takes time exponential
in the nesting. Deeply nested collections (``[[[[…]]]]`` a few hundred levels deep) end
in a :class:`RecursionError` of PyYAML's recursive composer. Every reader of YAML in
cityregions (the governance registry, partnership scenario files) goes through
:func:`compose_yaml` and :func:`construct_yaml`, which

1. read the event stream once (PyYAML's parser keeps its own stack, it does not
   recurse), refusing a collection nested deeper than :data:`MAX_DEPTH`, an alias of
   a collection that is still open (a recursive structure), and aliases that together
   would add more than :data:`ALIAS_BUDGET` nodes to the document;
2. only then compose the node graph (aliases stay shared references) and construct
   plain Python data from it.

Both limits are documented parameters, not published constants: registry and scenario
files nest five or six levels and use aliases, if at all, for short lists of sources.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml

from cityregions._errors import InputError

#: Deepest nesting of collections accepted (the registry and scenario files need ~6).
MAX_DEPTH: Final = 64
#: Most nodes that aliases may add to a document in total (each alias adds the size of
#: the node it repeats, counting the aliases inside that node expanded).
ALIAS_BUDGET: Final = 10_000

#: The safe loader of libyaml when PyYAML was built with it (parsing and composing
#: ~10x faster), else PyYAML's pure-Python one; construction is PyYAML's either way.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _line(event: yaml.Event) -> str:
    mark = event.start_mark
    return f"line {mark.line + 1}" if mark is not None else "line ?"


def check_yaml_events(text: str, *, source: str | Path) -> None:
    """Refuse YAML nested deeper than :data:`MAX_DEPTH` or expanding beyond the budget.

    One pass over the parser's events. The expanded size of a node is 1 for a scalar
    and 1 plus the sizes of its children for a collection; an alias counts the
    expanded size of its anchor's node. The sum over all aliases must stay within
    :data:`ALIAS_BUDGET`.

    Parameters
    ----------
    text
        The YAML text.
    source
        The file, for messages.

    Raises
    ------
    InputError
        Naming the file, the line and which limit was exceeded.
    yaml.YAMLError
        For a syntax error (the callers report it with its line).

    Examples
    --------
    >>> check_yaml_events("a: &x [1, 2]\\nb: *x\\n", source="ok.yaml")
    >>> laughs = "a: &a [x, x]\\n" + "".join(
    ...     f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]\\n"
    ...     for i in range(12))
    >>> check_yaml_events(laughs, source="laughs.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cityregions._errors.InputError: laughs.yaml, line 12: aliases expand the document...
    """
    stack: list[list[Any]] = []  # per open collection: [expanded size, anchor]
    sizes: dict[str, int] = {}
    added = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, _OPEN):
            if len(stack) >= MAX_DEPTH:
                msg = (
                    f"collections nested more than {MAX_DEPTH} levels deep; a registry or "
                    "scenario file needs a few levels"
                )
                raise InputError(msg, source=source, location=_line(event))
            stack.append([1, event.anchor])
            continue
        if isinstance(event, _CLOSE):
            size, anchor = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            size, anchor = 1, event.anchor
        elif isinstance(event, yaml.AliasEvent):
            anchor = None
            if any(entry[1] == event.anchor for entry in stack):
                msg = f"alias *{event.anchor} repeats a collection that contains it (a cycle)"
                raise InputError(msg, source=source, location=_line(event))
            size = sizes.get(str(event.anchor), 0)  # an undefined alias: the composer says so
            added += size
            if added > ALIAS_BUDGET:
                msg = (
                    f"aliases expand the document by more than {ALIAS_BUDGET:,} nodes "
                    f"(at *{event.anchor}); write the repeated values out or use fewer "
                    "nested aliases"
                )
                raise InputError(msg, source=source, location=_line(event))
        else:
            continue
        if anchor is not None:
            sizes[str(anchor)] = size
        if stack:
            stack[-1][0] += size


def compose_yaml(text: str, *, source: str | Path) -> yaml.Node | None:
    """Check ``text`` (:func:`check_yaml_events`) and return its node graph (None if empty).

    Nodes keep their line numbers (``node.start_mark``) for messages; an aliased node
    appears once, shared by every alias.

    Raises
    ------
    InputError
        Too deep, a cyclic alias, or aliases beyond the budget.
    yaml.YAMLError
        For a syntax error, several documents in one file, an undefined alias.
    """
    check_yaml_events(text, source=source)
    return yaml.compose(text, Loader=_LOADER)  # type: ignore[no-any-return]


def construct_yaml(node: yaml.Node | None) -> Any:
    """Return the plain data (dict, list, str, int, float, bool, date, None) of ``node``.

    The same constructors as ``yaml.safe_load``; an aliased node is built once and
    shared.
    """
    if node is None:
        return None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_yaml(text: str, *, source: str | Path) -> Any:
    """Return the data of one YAML document, within the limits of this module.

    Examples
    --------
    >>> load_yaml("sources: &s [S1]\\nother: *s\\n", source="x.yaml")
    {'sources': ['S1'], 'other': ['S1']}
    """
    return construct_yaml(compose_yaml(text, source=source))


def walk_nodes(root: yaml.Node | None) -> list[yaml.Node]:
    """Return every node of the graph once (an aliased node is not walked again)."""
    seen: set[int] = set()
    found: list[yaml.Node] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        found.append(node)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):
                stack.extend((value_node, key_node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return found
