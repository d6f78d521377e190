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
"""

from sarcostat.assess._cutoffs import (
    MASS_AND_FUNCTION,
    MASS_STRENGTH_PERFORMANCE,
    Cutoff,
    Definition,
    Stage,
    any_of,
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


# SARC-CalF >= 11 implies a low calf (SARC-F is at most 10), so it never
# changes case finding; it is kept as its own flag because AWGS 2019 names it.
_CASE = any_of("low_calf", "sarc_f_positive", "sarc_calf_positive")


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
    derived=(
        (
            "low_performance",
            "Low physical performance",
            any_of("slow_gait", "slow_chair_stand", "low_sppb"),
        ),
        ("case_finding", "Case finding positive (calf circumference, SARC-F or SARC-CalF)", _CASE),
    ),
    stages=(
        Stage("severe sarcopenia", MASS_STRENGTH_PERFORMANCE, refines="sarcopenia"),
        Stage("sarcopenia", MASS_AND_FUNCTION),
        Stage("possible sarcopenia", any_of("low_strength", "slow_chair_stand")),
    ),
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
    ),
)
