"""The report's warnings grouped by kind: one note per kind, every item kept.

A study run collects one warning per model ("Table 3, sarcopenia (adjusted):
5.0 events per variable (min(20, 109) / 4) is below 10; ..."); the default
plan on a small cohort gives dozens that differ only in the model.
`group_warnings` turns them into `NoteGroup` s: a headline with
the count, the range and the analyses concerned, and the items themselves
(each model with its own numbers), so nothing is lost. The HTML report shows
a group's headline with its items folded under it; the console prints one
line per group (`console_lines`). ``results.json`` and
``manifest.json`` keep the full list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_EPV = re.compile(
    r"^(?P<where>.+?): (?P<epv>\d+(?:\.\d+)?) events per variable "
    r"\((?P<calc>min\(\d+, \d+\) / \d+)\) is below (?P<limit>\d+); (?P<tail>.+)$"
)
_NOT_ESTIMABLE = re.compile(r"^(?P<where>.+?): not estimable: (?P<why>.+)$")


@dataclass
class NoteGroup:
    """One kind of warning: a headline and every item of that kind."""

    kind: str
    headline: str
    #: One line per warning (the model and its own numbers).
    items: list[str] = field(default_factory=list)


def _analysis(where: str) -> str:
    """ "Table 3" of "Table 3, sarcopenia (adjusted)"."""
    return where.split(", ", 1)[0]


def _by_analysis(wheres: list[str]) -> str:
    counts: dict[str, int] = {}
    for w in wheres:
        counts[_analysis(w)] = counts.get(_analysis(w), 0) + 1
    return "; ".join(f"{a} ({n})" for a, n in counts.items())


def group_warnings(warnings: list[str]) -> list[NoteGroup]:
    """Group ``warnings`` by kind, in order of first appearance.

    Low events per variable and "not estimable" models become one group each
    (with the analyses and counts in the headline); any other warning shared
    word for word by several models after their "<model>: " prefix is one
    group; the rest stay single notes (a group with one item and no headline
    of its own).
    """
    # Every warning under its kind's key, in order of first appearance:
    # "low_epv", "not_estimable", or the text after "<model>: " for the rest.
    kinds: dict[str, list] = {}
    for w in warnings:
        m = _EPV.match(w) or _NOT_ESTIMABLE.match(w)
        if m is not None:
            kinds.setdefault("low_epv" if m.re is _EPV else "not_estimable", []).append(m)
        else:
            where, sep, rest = w.partition(": ")
            kinds.setdefault("text:" + (rest if sep else w), []).append(w)
    return [_group(kind, items) for kind, items in kinds.items()]


def _group(kind: str, items: list) -> NoteGroup:
    n = len(items)
    if kind == "low_epv":
        values = [float(m["epv"]) for m in items]
        lo, hi = min(values), max(values)
        span = f"{lo:.1f}" if lo == hi else f"{lo:.1f} to {hi:.1f}"
        head = (
            f"{n} logistic model{'s' if n > 1 else ''} with fewer than {items[0]['limit']} "
            f"events per variable ({span}; events or non-events, whichever is fewer, / model "
            f"terms); {items[0]['tail'].rstrip('.')}. "
            f"By analysis: {_by_analysis([m['where'] for m in items])}."
        )
        lines = [f"{m['where']}: {m['epv']} events per variable ({m['calc']})" for m in items]
        return NoteGroup(kind, head, lines)
    if kind == "not_estimable":
        head = (
            f"{n} model{'s' if n > 1 else ''} not estimable (left blank in the tables). "
            f"By analysis: {_by_analysis([m['where'] for m in items])}."
        )
        return NoteGroup(kind, head, [f"{m['where']}: {m['why']}" for m in items])
    if n == 1:
        return NoteGroup("single", items[0], [])
    wheres = "; ".join(w.partition(": ")[0] for w in items)
    return NoteGroup("shared", f"{n} models: {kind[len('text:') :]} ({wheres})", items)


def console_lines(warnings: list[str], *, limit: int = 8) -> list[str]:
    """The warnings for the terminal: a count, then one line per kind (the
    first ``limit`` kinds, then how many more the report lists)."""
    if not warnings:
        return []
    groups = group_warnings(warnings)
    n = len(warnings)
    lines = [
        f"{n} warning{'s' if n > 1 else ''} in {len(groups)} "
        f"note{'s' if len(groups) > 1 else ''} (every item in the report and manifest.json):"
    ]
    lines += [f"- {g.headline}" for g in groups[:limit]]
    if len(groups) > limit:
        lines.append(f"- and {len(groups) - limit} more note(s); see the report.")
    return lines
