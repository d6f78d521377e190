"""European Working Group on Sarcopenia in Older People 2 (EWGSOP2).

Cruz-Jentoft AJ, Bahat G, Bauer J, et al. Sarcopenia: revised European
consensus on definition and diagnosis. Age Ageing 2019;48(1):16-31.
doi:10.1093/ageing/afy169

Cut-offs from the paper's Table 3: low strength grip < 27 / < 16 kg or
chair stand > 15 s for five rises; low muscle quantity ASM < 20 / < 15 kg
or ASM/height² < 7.0 / < 5.5 kg/m²; low performance gait speed <= 0.8 m/s,
SPPB <= 8 or TUG >= 20 s (any one listed test per criterion: a test the
cohort never measured is left out, see `drop_unmeasured`). Probable sarcopenia = low strength; confirmed
(sarcopenia) = + low quantity; severe = + low performance. Table 3 gives the
muscle-quantity cut-offs without tying them to a device (they come from DXA
studies), so they are applied to BIA and DXA rows alike, with a note.

Verification: the rows were read in a verbatim reproduction of Table 3
(layout, headings and footnotes as printed), which gives ASM/height²
"<7.0 kg/m2 <5.5 kg/m2"; one secondary table (RMD Open, Table 1) prints
that operator as "≤", which we take as a transcription slip. The journal's
own page was not reachable here.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.assess._cutoffs import (
    MASS_STRENGTH_PERFORMANCE,
    Cutoff,
    Definition,
    Stage,
    all_of,
    measured,
)

CITATION = (
    "Cruz-Jentoft AJ et al. Sarcopenia: revised European consensus on definition and "
    "diagnosis. Age Ageing 2019;48(1):16-31. doi:10.1093/ageing/afy169"
)
_SRC = (
    "Cruz-Jentoft 2019 Age Ageing, Table 3 'EWGSOP2 sarcopenia cut-off points' (read in a "
    "verbatim reproduction of Table 3, medicalcriteria.com/web/sarcopenia; agrees with "
    "PMC10355810 Table 1)"
)

CUTOFFS = (
    Cutoff("grip_kg", "male", "<", 27.0, "kg", "any", _SRC, True, "low_strength"),
    Cutoff("grip_kg", "female", "<", 16.0, "kg", "any", _SRC, True, "low_strength"),
    Cutoff("chair_stand_5x_s", "any", ">", 15.0, "s", "any", _SRC, True, "low_strength"),
    Cutoff("asm_kg", "male", "<", 20.0, "kg", "any", _SRC, True, "low_muscle_mass"),
    Cutoff("asm_kg", "female", "<", 15.0, "kg", "any", _SRC, True, "low_muscle_mass"),
    Cutoff("smi", "male", "<", 7.0, "kg/m²", "any", _SRC, True, "low_muscle_mass"),
    Cutoff("smi", "female", "<", 5.5, "kg/m²", "any", _SRC, True, "low_muscle_mass"),
    Cutoff("gait_speed_m_s", "any", "<=", 0.8, "m/s", "any", _SRC, True, "low_performance"),
    Cutoff("sppb_total", "any", "<=", 8.0, "points", "any", _SRC, True, "low_performance"),
    Cutoff("tug_s", "any", ">=", 20.0, "s", "any", _SRC, True, "low_performance"),
)


_CONFIRMED = all_of("low_strength", "low_muscle_mass")

#: The tests EWGSOP2 accepts for each criterion, any one of which may be used
#: (Cruz-Jentoft 2019, Table 3 and Fig. 2; the 400-m walk has no column in the
#: canonical cohort table).
ALTERNATIVES = {
    "low_strength": ("grip_kg", "chair_stand_5x_s"),
    "low_muscle_mass": ("asm_kg", "smi"),
    "low_performance": ("gait_speed_m_s", "sppb_total", "tug_s"),
}


def drop_unmeasured(
    definition: Definition, measures: Mapping[str, tuple[np.ndarray, np.ndarray]]
) -> Definition:
    """``definition`` without the alternative tests the cohort never measured.

    The consensus asks for one test per criterion, not all of them: a test
    no participant has a value for (e.g. no TUG column) must not leave the
    criterion undecided for everyone whose other listed test was done. A
    test is dropped only when another test of the same criterion was
    measured in the cohort, so a criterion with no test at all stays
    undecided (and its missing inputs are still named). Within a measured
    test, a participant's own missing value still counts as unknown.
    """
    tests = {c.measure for c in definition.cutoffs}
    done = {m for m in tests if measured(measures, m)}
    keep = []
    for c in definition.cutoffs:
        listed = set(definition.tests(c.criterion))
        if c.measure in done or not (listed & done):
            keep.append(c)
    kept = {c.measure for c in keep}
    left = tuple(dict.fromkeys(c.measure for c in definition.cutoffs if c.measure not in kept))
    return replace(definition, cutoffs=tuple(keep), adapt=None, left_out=left)


def using(
    strength: Sequence[str] | None = None,
    muscle: Sequence[str] | None = None,
    performance: Sequence[str] | None = None,
) -> Definition:
    """EWGSOP2 with only the named alternative tests of each criterion.

    ``strength``: among ``grip_kg``, ``chair_stand_5x_s``; ``muscle``: among
    ``asm_kg``, ``smi``; ``performance``: among ``gait_speed_m_s``,
    ``sppb_total``, ``tug_s``. None keeps every test of that criterion.
    Unmeasured tests are still dropped per cohort (`drop_unmeasured`).
    """
    chosen = {
        "low_strength": strength,
        "low_muscle_mass": muscle,
        "low_performance": performance,
    }
    for crit, names in chosen.items():
        if names is not None:
            bad = [n for n in names if n not in ALTERNATIVES[crit]]
            if bad or not names:
                raise ValueError(
                    f"EWGSOP2 {crit}: choose one or more of {', '.join(ALTERNATIVES[crit])}; "
                    f"got {list(names)!r}."
                )
    keep = tuple(
        c for c in CUTOFFS if c.measure in (chosen[c.criterion] or ALTERNATIVES[c.criterion])
    )
    return replace(DEFINITION, cutoffs=keep)


def tests_used(
    definition: Definition, measures: Mapping[str, tuple[np.ndarray, np.ndarray]]
) -> dict[str, tuple[str, ...]]:
    """Criterion -> the tests that decide it in this cohort (after dropping
    the unmeasured ones), for the report's statement."""
    applied = drop_unmeasured(definition, measures)
    return {crit: applied.tests(crit) for crit in ALTERNATIVES}


DEFINITION = Definition(
    name="ewgsop2",
    title="EWGSOP2",
    citation=CITATION,
    cutoffs=CUTOFFS,
    criteria=(
        ("low_strength", "Low muscle strength (grip or chair stand)"),
        ("low_muscle_mass", "Low muscle quantity (ASM or ASM/height²)"),
        ("low_performance", "Low physical performance (gait, SPPB or TUG)"),
    ),
    stages=(
        Stage("severe sarcopenia", MASS_STRENGTH_PERFORMANCE, refines="sarcopenia"),
        Stage("sarcopenia", _CONFIRMED),
        Stage("probable sarcopenia", all_of("low_strength")),
    ),
    sarcopenia=_CONFIRMED,
    severe=MASS_STRENGTH_PERFORMANCE,
    notes=(
        "EWGSOP2 muscle-quantity cut-offs (Table 3) were derived from DXA studies and are "
        "applied to BIA rows too, as the paper gives no device-specific value.",
        "EWGSOP2 low muscle quantity = ASM below its cut-off OR ASM/height² below its "
        "cut-off (either reading of Table 3 counts).",
        "EWGSOP2's 400-m walk criterion (non-completion or >= 6 min) is not applied: the "
        "canonical cohort table has no 400-m walk column.",
        "EWGSOP2 accepts any one listed test per criterion: a test the cohort never measured "
        "(no participant has a value) is left out when another test of that criterion was "
        "done, so it does not make participants indeterminate.",
    ),
    adapt=drop_unmeasured,
)


def classify_using(
    data: pd.DataFrame,
    *,
    strength: Sequence[str] | None = None,
    muscle: Sequence[str] | None = None,
    performance: Sequence[str] | None = None,
    reasons: bool = True,
    prepared: Any = None,
) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Classify ``data`` by EWGSOP2 with the named tests (see `using`).

    Returns ``(table, tests)``: the table `sarcostat.assess.classify`
    returns, and criterion -> the tests that decided it in this cohort.
    ``reasons=False`` leaves out the ``reason`` column, as in ``classify``;
    ``prepared``: `sarcostat.assess.classification.prepare` of the same
    ``data`` (its measures are then not derived again).
    """
    from sarcostat.assess._engine import Prepared, evaluate

    definition = using(strength=strength, muscle=muscle, performance=performance)
    prep = Prepared(data) if prepared is None else prepared
    table = evaluate(None, definition, prep, reasons=reasons)
    return table, tests_used(definition, prep.measures)
