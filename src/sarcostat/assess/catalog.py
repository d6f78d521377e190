"""The definitions sarcostat implements: lookup, listing, cut-off tables and notes."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from sarcostat.assess._cutoffs import Definition
from sarcostat.assess.definitions.registry import REGISTRY
from sarcostat.exceptions import ParameterError, check_option


def resolve_definition(name: str, function: str) -> Definition:
    return REGISTRY[check_option(name, tuple(REGISTRY), parameter="definition", function=function)]


def definition_names(definitions: Iterable[str] | str, function: str) -> list[str]:
    if isinstance(definitions, str):
        definitions = (
            list(REGISTRY) if definitions == "all" else [d.strip() for d in definitions.split(",")]
        )
    names = list(dict.fromkeys(definitions))
    if not names:
        raise ParameterError(
            f"The 'definitions' parameter of {function} must name at least one definition."
        )
    for n in names:
        resolve_definition(n, function)
    return names


def list_definitions() -> pd.DataFrame:
    """The available definitions.

    Returns
    -------
    pandas.DataFrame
        Columns ``definition`` (name to pass to `classify`), ``title``,
        ``citation``, ``n_cutoffs``, ``n_unverified``, ``has_severity``.
    """
    return pd.DataFrame(
        [
            {
                "definition": d.name,
                "title": d.title,
                "citation": d.citation,
                "n_cutoffs": len(d.cutoffs),
                "n_unverified": sum(not c.verified for c in d.cutoffs),
                "has_severity": d.severe is not None,
            }
            for d in REGISTRY.values()
        ]
    )


def cutoff_table(definition: str = "all") -> pd.DataFrame:
    """Cut-off rows (measure, sex, device, operator, value, unit, verified, source).

    Parameters
    ----------
    definition : str, default "all"
        A definition name, a comma-separated list, or ``"all"``.
    """
    names = definition_names(definition, "cutoff_table")
    return pd.concat([REGISTRY[n].cutoff_table() for n in names], ignore_index=True)


def definition_notes(definition: str) -> tuple[str, ...]:
    """Notes a report must carry for ``definition``: caveats and unverified cut-offs."""
    d = resolve_definition(definition, "definition_notes")
    return d.notes + d.unverified_notes()


def cutoffs_markdown() -> str:
    """The cut-off tables as Markdown (kept in ``docs/definitions.md``; a test checks they match)."""
    from sarcostat.assess._cutoffs import SHOWN

    lines = []
    for d in REGISTRY.values():
        lines.append(f"### {d.title} (`{d.name}`)\n")
        lines.append(f"{d.citation}\n")
        lines.append("| criterion | measure | sex | device | rule | verified | source |")
        lines.append("|---|---|---|---|---|---|---|")
        for c in d.cutoffs:
            lines.append(
                f"| {c.criterion} | {c.measure} | {c.sex} | {c.device} | "
                f"{SHOWN[c.operator]} {c.value:g} {c.unit} | {'yes' if c.verified else '**no**'} | "
                f"{c.source} |"
            )
        lines.append("")
    return "\n".join(lines)
