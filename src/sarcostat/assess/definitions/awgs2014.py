"""Asian Working Group for Sarcopenia 2014 (AWGS 2014).

Chen LK, Liu LK, Woo J, et al. Sarcopenia in Asia: consensus report of the
Asian Working Group for Sarcopenia. J Am Med Dir Assoc 2014;15(2):95-101.
doi:10.1016/j.jamda.2013.11.025

Sarcopenia = low muscle mass + (low grip or slow usual gait speed). Grip
< 26 / < 18 kg; gait speed < 0.8 m/s; muscle mass DXA < 7.0 / < 5.4 kg/m²,
BIA < 7.0 / < 5.7 kg/m². Values match a secondary table (Kim 2018, World J
Mens Health, Table 1) but the primary text was not read here, and the gait
operator is reported as both "< 0.8" and "<= 0.8" in the literature: every
row is marked unverified. AWGS 2014 defines no severity grade.
"""

from sarcostat.assess._cutoffs import MASS_AND_FUNCTION, Cutoff, Definition, Stage

CITATION = (
    "Chen LK et al. Sarcopenia in Asia: consensus report of the Asian Working Group for "
    "Sarcopenia. J Am Med Dir Assoc 2014;15(2):95-101. doi:10.1016/j.jamda.2013.11.025"
)
_SRC = "Chen 2014 JAMDA, algorithm figure (values via secondary table PMC6119844; primary not read)"

CUTOFFS = (
    Cutoff("smi", "male", "<", 7.0, "kg/m²", "bia", _SRC, False, "low_muscle_mass"),
    Cutoff("smi", "female", "<", 5.7, "kg/m²", "bia", _SRC, False, "low_muscle_mass"),
    Cutoff("smi", "male", "<", 7.0, "kg/m²", "dxa", _SRC, False, "low_muscle_mass"),
    Cutoff("smi", "female", "<", 5.4, "kg/m²", "dxa", _SRC, False, "low_muscle_mass"),
    Cutoff("grip_kg", "male", "<", 26.0, "kg", "any", _SRC, False, "low_strength"),
    Cutoff("grip_kg", "female", "<", 18.0, "kg", "any", _SRC, False, "low_strength"),
    Cutoff("gait_speed_m_s", "any", "<", 0.8, "m/s", "any", _SRC, False, "low_performance"),
)


DEFINITION = Definition(
    name="awgs2014",
    title="AWGS 2014",
    citation=CITATION,
    cutoffs=CUTOFFS,
    criteria=(
        ("low_muscle_mass", "Low muscle mass (ASM/height²)"),
        ("low_strength", "Low grip strength"),
        ("low_performance", "Slow gait speed"),
    ),
    stages=(Stage("sarcopenia", MASS_AND_FUNCTION),),
    sarcopenia=MASS_AND_FUNCTION,
    severe=None,
)
