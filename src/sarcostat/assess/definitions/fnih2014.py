"""Foundation for the National Institutes of Health Sarcopenia Project (FNIH 2014).

Studenski SA, Peters KW, Alley DE, et al. The FNIH sarcopenia project:
rationale, study description, conference recommendations, and final
estimates. J Gerontol A Biol Sci Med Sci 2014;69(5):547-558.
doi:10.1093/gerona/glu010

The abstract states the final cut-points: weakness grip < 26 / < 16 kg and
low lean mass ALM/BMI < 0.789 / < 0.512 (ALM by DXA). Sarcopenia here =
weakness + low lean mass; "sarcopenia with slowness" adds gait speed
< 0.8 m/s (slowness was the project's anchor outcome; that operator was
not checked against the primary text). ALM/BMI needs DXA: BIA rows are
indeterminate for lean mass.
"""

from sarcostat.assess._cutoffs import Cutoff, Definition, Stage, all_of

CITATION = (
    "Studenski SA et al. The FNIH sarcopenia project: rationale, study description, "
    "conference recommendations, and final estimates. J Gerontol A Biol Sci Med Sci "
    "2014;69(5):547-558. doi:10.1093/gerona/glu010"
)
_SRC = "Studenski 2014, abstract (final recommended cut-points), read verbatim"
_SRC_GAIT = (
    "Studenski 2014, slowness < 0.8 m/s: seen only in a table adapted from the paper "
    "(PMC6125026 Table 2); primary text not read"
)

CUTOFFS = (
    Cutoff("grip_kg", "male", "<", 26.0, "kg", "any", _SRC, True, "low_strength"),
    Cutoff("grip_kg", "female", "<", 16.0, "kg", "any", _SRC, True, "low_strength"),
    Cutoff("alm_bmi", "male", "<", 0.789, "m²", "dxa", _SRC, True, "low_muscle_mass"),
    Cutoff("alm_bmi", "female", "<", 0.512, "m²", "dxa", _SRC, True, "low_muscle_mass"),
    Cutoff("gait_speed_m_s", "any", "<", 0.8, "m/s", "any", _SRC_GAIT, False, "slow_gait"),
)


_SARC = all_of("low_strength", "low_muscle_mass")
_WITH_SLOWNESS = all_of("low_strength", "low_muscle_mass", "slow_gait")


DEFINITION = Definition(
    name="fnih2014",
    title="FNIH 2014",
    citation=CITATION,
    cutoffs=CUTOFFS,
    criteria=(
        ("low_strength", "Weakness (grip)"),
        ("low_muscle_mass", "Low lean mass (ALM/BMI, DXA)"),
        ("slow_gait", "Slowness (gait speed < 0.8 m/s)"),
    ),
    stages=(
        Stage("sarcopenia with slowness", _WITH_SLOWNESS, refines="sarcopenia"),
        Stage("sarcopenia", _SARC),
    ),
    sarcopenia=_SARC,
    severe=_WITH_SLOWNESS,
    notes=(
        "FNIH 2014: 'severe' means weakness and low lean mass with slowness "
        "(gait < 0.8 m/s), the project's most restrictive class.",
    ),
)
