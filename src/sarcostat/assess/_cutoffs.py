"""Typed rows for clinical cut-offs and the definition record that holds them.

A consensus definition is data: a tuple of `Cutoff` rows (one per
measure, sex and device, each naming its source and whether we could check
it against the primary paper) plus a few Kleene-logic expressions that
combine the criterion flags into stages. The engine in ``_engine.py`` is the
only code that interprets them.
"""

from __future__ import annotations

import operator as _op
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover - types only
    import pandas as pd

#: Comparison operators allowed in a cut-off row ("low" side is True).
OPERATORS = {"<": _op.lt, "<=": _op.le, ">": _op.gt, ">=": _op.ge}
#: The operator that describes the normal side, used in human reasons.
NEGATED = {"<": "≥", "<=": ">", ">": "≤", ">=": "<"}
SHOWN = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}


@dataclass(frozen=True)
class Cutoff:
    """One threshold of one consensus definition.

    Attributes
    ----------
    measure : str
        Measure compared (see ``_measures.MEASURES``), e.g. ``"smi"``.
    sex : {"male", "female", "any"}
    operator : {"<", "<=", ">", ">="}
        The abnormal side: ``value <operator> threshold`` flags the criterion.
    value : float
        The threshold.
    unit : str
    device : {"any", "bia", "dxa"}
        Body-composition method the threshold applies to (``"any"`` for
        measures that do not depend on one, e.g. grip strength).
    source : str
        Table/page of the primary paper and how the number was checked.
    verified : bool
        True when value *and* operator were checked against the primary paper
        (or its abstract); False otherwise, and surfaced in the notes.
    criterion : str
        Name of the criterion flag this row feeds (rows of one criterion are
        combined with Kleene OR).
    """

    measure: str
    sex: str
    operator: str
    value: float
    unit: str
    device: str
    source: str
    verified: bool
    criterion: str

    def __post_init__(self) -> None:
        # Definitions are written by developers, not users: a typo here is a
        # bug, so a plain ValueError at import time is right.
        if self.operator not in OPERATORS:
            raise ValueError(f"unknown operator {self.operator!r} in {self}")
        if self.sex not in ("male", "female", "any"):
            raise ValueError(f"unknown sex {self.sex!r} in {self}")
        if self.device not in ("any", "bia", "dxa"):
            raise ValueError(f"unknown device {self.device!r} in {self}")


def measured(measures: Mapping[str, tuple[np.ndarray, np.ndarray]], name: str) -> bool:
    """Whether the cohort measured ``name`` at all: a value, or an 'unable',
    for at least one participant (``measures``: the engine's measure table,
    ``{measure: (values, unable)}``)."""
    values, unable = measures[name]
    return bool(np.any(~np.isnan(values)) or np.any(unable))


def _operand(flags: Any, item: Any) -> Any:
    return item(flags) if callable(item) else flags[item]


def all_of(*items: str | Callable) -> Callable:
    """Rule: Kleene AND of flag names (or nested rules)."""

    def rule(flags: Any) -> Any:
        out = _operand(flags, items[0])
        for item in items[1:]:
            out = out & _operand(flags, item)
        return out

    return rule


def any_of(*items: str | Callable) -> Callable:
    """Rule: Kleene OR of flag names (or nested rules)."""

    def rule(flags: Any) -> Any:
        out = _operand(flags, items[0])
        for item in items[1:]:
            out = out | _operand(flags, item)
        return out

    return rule


#: Low muscle mass plus low muscle function (strength or performance):
#: the sarcopenia rule of EWGSOP1, AWGS 2014 and AWGS 2019.
MASS_AND_FUNCTION = all_of("low_muscle_mass", any_of("low_strength", "low_performance"))
#: All three of low mass, low strength and low performance.
MASS_STRENGTH_PERFORMANCE = all_of("low_muscle_mass", "low_strength", "low_performance")


@dataclass(frozen=True)
class Stage:
    """A category of a definition, tested top-down in Kleene logic.

    ``refines`` names the stage this one is a severity grade of (e.g. severe
    sarcopenia refines sarcopenia), so an unknown severity with a known
    diagnosis reads "sarcopenia (severity indeterminate)".
    """

    label: str
    rule: Callable
    refines: str | None = None


@dataclass(frozen=True)
class Definition:
    """A consensus definition: cut-off rows plus how the flags combine.

    Attributes
    ----------
    name, title, citation : str
    cutoffs : tuple of Cutoff
    criteria : tuple of (name, label)
        Base criterion flags, each the Kleene OR of its cut-off rows.
    derived : tuple of (name, label, rule)
        Flags computed from other flags (``rule(flags) -> BooleanArray``).
    stages : tuple of Stage
        Most severe first; the first True stage is the category.
    sarcopenia, severe : callable or None
        ``rule(flags)`` giving the binary status columns; ``severe=None``
        when the definition has no severity grade.
    auxiliary : tuple of str
        Flags reported but not used by any stage (their missing inputs are
        not listed as decisive).
    notes : tuple of str
        Sentences to show with every classification by this definition
        (a definition without ``severe`` gets the "no severity grade" note
        added).
    """

    name: str
    title: str
    citation: str
    cutoffs: tuple[Cutoff, ...]
    criteria: tuple[tuple[str, str], ...]
    stages: tuple[Stage, ...]
    sarcopenia: Callable
    severe: Callable | None = None
    derived: tuple[tuple[str, str, Callable], ...] = ()
    auxiliary: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: ``adapt(definition, measures) -> Definition``: the definition as it applies to one
    #: cohort, given the engine's measure table (``{measure: (values,
    #: unable)}``); None applies it as written. EWGSOP2 and AWGS 2019 use it
    #: to drop an alternative test the cohort never measured.
    adapt: Callable | None = field(default=None, compare=False, repr=False)
    #: The tests an ``adapt`` left out because the cohort never measured them
    #: (measure names, for the analysis's note); empty as written.
    left_out: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.severe is None:
            note = f"{self.title} defines no severity grade: 'severe' is <NA>."
            object.__setattr__(self, "notes", tuple(self.notes) + (note,))

    def tests(self, criterion: str) -> tuple[str, ...]:
        """The measures of ``criterion``'s cut-off rows, in order, once each
        (the tests that can decide it)."""
        return tuple(dict.fromkeys(c.measure for c in self.cutoffs if c.criterion == criterion))

    @property
    def flag_names(self) -> list[str]:
        return [c for c, _ in self.criteria] + [d for d, _, _ in self.derived]

    def cutoff_table(self) -> pd.DataFrame:
        """The cut-off rows as a DataFrame (one row per threshold)."""
        import pandas as pd

        rows = [
            {
                "definition": self.name,
                "criterion": c.criterion,
                "measure": c.measure,
                "sex": c.sex,
                "device": c.device,
                "operator": c.operator,
                "value": c.value,
                "unit": c.unit,
                "verified": c.verified,
                "source": c.source,
            }
            for c in self.cutoffs
        ]
        return pd.DataFrame(rows)

    def unverified_notes(self) -> tuple[str, ...]:
        out = []
        for c in self.cutoffs:
            if not c.verified:
                sex = "" if c.sex == "any" else f" ({c.sex})"
                dev = "" if c.device == "any" else f" [{c.device.upper()}]"
                out.append(
                    f"{self.title}: cut-off {c.measure} {SHOWN[c.operator]} {c.value:g} {c.unit}"
                    f"{sex}{dev} is NOT verified against the primary paper ({c.source})."
                )
        return tuple(out)
