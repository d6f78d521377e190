"""Asian Working Group for Sarcopenia 2019 (AWGS 2019).

Chen LK, Woo J, Assantachai P, et al. Asian Working Group for Sarcopenia:
2019 Consensus Update on Sarcopenia Diagnosis and Treatment. J Am Med Dir
Assoc 2020;21(3):300-307.e2. doi:10.1016/j.jamda.2019.12.012

Every value and operator below is stated in the paper's abstract: low
strength grip < 28 / < 18 kg; low physical performance 6-m walk < 1.0 m/s,
SPPB <= 9 or 5-time chair stand >= 12 s; height-adjusted muscle mass DXA
< 7.0 / < 5.4 kg/m², bioimpedance < 7.0 / < 5.7 kg/m²; case finding calf
circumference < 34 / < 33 cm, SARC-F >= 4 or SARC-CalF >= 11 (SARC-CalF
derived from SARC-F and calf circumference, Barbosa-Silva 2016). AWGS 2019
also defines "possible sarcopenia" as low muscle strength or low physical
performance (chair stand) without a muscle-mass measurement.

Where the consensus lists alternative tests (physical performance by the
6-m walk, the 5-time chair stand or the SPPB; possible sarcopenia by
handgrip or the chair stand; case finding by calf circumference, SARC-F or
SARC-CalF), a test the cohort never measured is left out when another was
done (`drop_unmeasured`), as for EWGSOP2.
"""

from collections.abc import Callable, Mapping
from dataclasses import replace

import numpy as np

from sarcostat.assess._cutoffs import (
    MASS_AND_FUNCTION,
    MASS_STRENGTH_PERFORMANCE,
    Cutoff,
    Definition,
    Stage,
    any_of,
    measured,
)

CITATION = (
    "Chen LK et al. Asian Working Group for Sarcopenia: 2019 Consensus Update on "
    "Sarcopenia Diagnosis and Treatment. J Am Med Dir Assoc 2020;21(3):300-307.e2. "
    "doi:10.1016/j.jamda.2019.12.012"
)
_SRC = "Chen 2020 JAMDA, abstract and Figure 1 (diagnostic algorithm)"

CUTOFFS = (
    Cutoff("smi", "male", "<", 7.0, "kg/m²", "bia", _SRC, True, "low_muscle_mass"),
    Cutoff("smi", "female", "<", 5.7, "kg/m²", "bia", _SRC, True, "low_muscle_mass"),
    Cutoff("smi", "male", "<", 7.0, "kg/m²", "dxa", _SRC, True, "low_muscle_mass"),
    Cutoff("smi", "female", "<", 5.4, "kg/m²", "dxa", _SRC, True, "low_muscle_mass"),
    Cutoff("grip_kg", "male", "<", 28.0, "kg", "any", _SRC, True, "low_strength"),
    Cutoff("grip_kg", "female", "<", 18.0, "kg", "any", _SRC, True, "low_strength"),
    Cutoff("gait_speed_m_s", "any", "<", 1.0, "m/s", "any", _SRC, True, "slow_gait"),
    Cutoff("chair_stand_5x_s", "any", ">=", 12.0, "s", "any", _SRC, True, "slow_chair_stand"),
    Cutoff("sppb_total", "any", "<=", 9.0, "points", "any", _SRC, True, "low_sppb"),
    Cutoff("calf_circumference_cm", "male", "<", 34.0, "cm", "any", _SRC, True, "low_calf"),
    Cutoff("calf_circumference_cm", "female", "<", 33.0, "cm", "any", _SRC, True, "low_calf"),
    Cutoff("sarc_f_total", "any", ">=", 4.0, "points", "any", _SRC, True, "sarc_f_positive"),
    Cutoff(
        "sarc_calf",
        "any",
        ">=",
        11.0,
        "points",
        "any",
        _SRC + "; SARC-CalF = SARC-F + 10 if calf circumference is below the AWGS 2019 calf "
        "cut-off (Barbosa-Silva 2016 JAMDA, doi:10.1016/j.jamda.2016.08.004)",
        True,
        "sarc_calf_positive",
    ),
)


#: Where AWGS 2019 accepts any one of several tests (Chen 2020, abstract and
#: Figure 1: "6-m walk, 5-time chair stand test, or SPPB"; possible sarcopenia
#: by handgrip strength or the 5-time chair stand; case finding by calf
#: circumference, SARC-F or SARC-CalF): each rule -> the criterion flags it
#: takes the OR of. SARC-CalF >= 11 implies a low calf (SARC-F is at most 10),
#: so it never changes case finding; it is kept as its own flag because AWGS
#: 2019 names it.
ALTERNATIVES = {
    "low_performance": ("slow_gait", "slow_chair_stand", "low_sppb"),
    "possible sarcopenia": ("low_strength", "slow_chair_stand"),
    "case_finding": ("low_calf", "sarc_f_positive", "sarc_calf_positive"),
}


def _rules(
    flags: Mapping[str, tuple[str, ...]],
) -> tuple[tuple[tuple[str, str, Callable], ...], tuple[Stage, ...]]:
    """(derived flags, stages), each rule of `ALTERNATIVES` the OR of ``flags[rule]``."""
    derived = (
        ("low_performance", "Low physical performance", any_of(*flags["low_performance"])),
        (
            "case_finding",
            "Case finding positive (calf circumference, SARC-F or SARC-CalF)",
            any_of(*flags["case_finding"]),
        ),
    )
    stages = (
        Stage("severe sarcopenia", MASS_STRENGTH_PERFORMANCE, refines="sarcopenia"),
        Stage("sarcopenia", MASS_AND_FUNCTION),
        Stage("possible sarcopenia", any_of(*flags["possible sarcopenia"])),
    )
    return derived, stages


def _measured_flags(
    definition: Definition, measures: Mapping[str, tuple[np.ndarray, np.ndarray]]
) -> dict[str, tuple[str, ...]]:
    """Rule -> its alternative flags whose test the cohort measured (all of
    them when it measured none, so the rule stays undecided and its missing
    inputs are named)."""
    out = {}
    for rule, flags in ALTERNATIVES.items():
        done = tuple(f for f in flags if any(measured(measures, m) for m in definition.tests(f)))
        out[rule] = done or flags
    return out


def drop_unmeasured(
    definition: Definition, measures: Mapping[str, tuple[np.ndarray, np.ndarray]]
) -> Definition:
    """``definition`` without the alternative tests the cohort never measured.

    AWGS 2019 asks for one test of physical performance (or of strength for
    possible sarcopenia), not all of them: a cohort without a chair-stand
    column (UK Biobank has grip and gait speed) must not leave low physical
    performance undecided for everyone whose gait speed is normal. A test
    is left out of a rule only when another test of that rule was measured;
    a participant's own missing value in a measured test still counts as
    unknown. The criterion flag of a left-out test stays in the output,
    <NA> throughout (it was not measured).
    """
    flags = _measured_flags(definition, measures)
    derived, stages = _rules(flags)
    used = {f for kept in flags.values() for f in kept}
    left = tuple(
        dict.fromkeys(
            m
            for rule in ALTERNATIVES.values()
            for f in rule
            if f not in used
            for m in definition.tests(f)
        )
    )
    return replace(definition, derived=derived, stages=stages, adapt=None, left_out=left)


def tests_used(
    definition: Definition, measures: Mapping[str, tuple[np.ndarray, np.ndarray]]
) -> dict[str, tuple[str, ...]]:
    """Rule -> the tests that decide it in this cohort (after dropping the
    unmeasured ones), for the report's statement; case finding, which
    decides nothing here, is left out."""
    flags = _measured_flags(definition, measures)
    return {
        rule: tuple(dict.fromkeys(m for f in flags[rule] for m in definition.tests(f)))
        for rule in ("low_performance", "possible sarcopenia")
    }


_DERIVED, _STAGES = _rules(ALTERNATIVES)

DEFINITION = Definition(
    name="awgs2019",
    title="AWGS 2019",
    citation=CITATION,
    cutoffs=CUTOFFS,
    criteria=(
        ("low_muscle_mass", "Low muscle mass (ASM/height²)"),
        ("low_strength", "Low muscle strength (handgrip)"),
        ("slow_gait", "Gait speed < 1.0 m/s"),
        ("slow_chair_stand", "5× chair stand ≥ 12 s"),
        ("low_sppb", "SPPB ≤ 9"),
        ("low_calf", "Calf circumference < 34 / < 33 cm"),
        ("sarc_f_positive", "SARC-F ≥ 4"),
        ("sarc_calf_positive", "SARC-CalF ≥ 11"),
    ),
    derived=_DERIVED,
    stages=_STAGES,
    sarcopenia=MASS_AND_FUNCTION,
    severe=MASS_STRENGTH_PERFORMANCE,
    auxiliary=("low_calf", "sarc_f_positive", "sarc_calf_positive", "case_finding"),
    notes=(
        "AWGS 2019: case finding (calf circumference, SARC-F, SARC-CalF) decides who is "
        "assessed; here everyone with measurements is classified and case_finding is "
        "reported as its own flag. SARC-CalF is derived as SARC-F + 10 when calf "
        "circumference is below 34 cm (men) / 33 cm (women).",
        "AWGS 2019 specifies a 6-m usual-pace walk for gait speed; speeds measured "
        "over other distances are compared with the same 1.0 m/s cut-off.",
        "AWGS 2019 accepts any one listed test (physical performance: gait speed, 5-time "
        "chair stand or SPPB; possible sarcopenia: handgrip or chair stand): a test the "
        "cohort never measured (no participant has a value) is left out when another was "
        "done, so it does not make participants indeterminate.",
    ),
    adapt=drop_unmeasured,
)
