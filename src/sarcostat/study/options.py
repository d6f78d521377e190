"""Field helpers for the sections of an analysis plan.

A plan section is a frozen dataclass whose fields carry, in their metadata,
the comment written above the key in the TOML file, the allowed values and
the kind of value (``list`` of column names, ``bool``, ``level`` in (0, 1),
or a string). `sarcostat.study.plan` validates and writes sections from
these declarations alone, so a plan step that brings its own section
(`sarcostat.study.registry.Step.options`) declares it with the same two
helpers and needs nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import field
from typing import Any


def option(
    default: Any,
    options: Iterable[str] | None = None,
    comment: str = "",
    kind: str | None = None,
) -> Any:
    """A scalar key: ``options`` lists the allowed strings; ``kind`` is
    ``None`` (string), ``"bool"`` or ``"level"`` (a number in (0, 1))."""
    return field(default=default, metadata={"options": options, "comment": comment, "kind": kind})


def column_list(
    default: Iterable[str],
    comment: str = "",
    options: Iterable[str] | Callable[[], Iterable[str]] | None = None,
) -> Any:
    """A list key (column names, or values among ``options``; ``options`` may
    be a callable returning them, evaluated when a plan is validated)."""
    return field(
        default_factory=lambda: tuple(default),
        metadata={"options": options, "comment": comment, "kind": "list"},
    )


def records(
    default: Any,
    comment: str = "",
    validate: Callable[[Any, str], Any] | None = None,
) -> Any:
    """A key holding structured data (a list of tables, a pair of numbers).

    ``validate(value, where)`` checks a value read from a plan and returns it
    normalised to plain data (tuples, dicts, numbers, strings) that the TOML
    writer can write back; it raises ``ParameterError`` naming ``where``.
    """
    return field(
        default_factory=lambda: default,
        metadata={"options": None, "comment": comment, "kind": "records", "validate": validate},
    )
