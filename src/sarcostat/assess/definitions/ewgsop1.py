"""European Working Group on Sarcopenia in Older People 2010 (EWGSOP1).

Cruz-Jentoft AJ, Baeyens JP, Bauer JM, et al. Sarcopenia: European consensus
on definition and diagnosis. Age Ageing 2010;39(4):412-423.
doi:10.1093/ageing/afq034

EWGSOP1 has no single cut-off table: it lists cut-offs from several
studies. Sarcopenia = low muscle mass + (low strength or low performance);
severe = all three; presarcopenia = low mass only. We use the values the
paper cites most directly: grip < 30 / < 20 kg (Lauretani 2003), gait speed
<= 0.8 m/s (the algorithm's "> 0.8 m/s" branch is normal), and the DXA
ASM/height² cut-offs of Baumgartner (7.26 / 5.5 kg/m²). The BIA cut-offs it
lists (Janssen 8.87 / 6.42 kg/m²) index *whole-body* skeletal muscle mass,
not ASM, so no BIA cut-off is applied to ASM/height² (BIA rows are
indeterminate for muscle mass). None of these could be checked against the
primary text here: every row is marked unverified.
"""

from sarcostat.assess._cutoffs import (
    MASS_AND_FUNCTION,
    MASS_STRENGTH_PERFORMANCE,
    Cutoff,
    Definition,
    Stage,
    all_of,
)

CITATION = (
    "Cruz-Jentoft AJ et al. Sarcopenia: European consensus on definition and diagnosis. "
    "Age Ageing 2010;39(4):412-423. doi:10.1093/ageing/afq034"
)
_SRC_GRIP = "Cruz-Jentoft 2010, Table 4/text citing Lauretani 2003 (not checked against primary)"
_SRC_GAIT = (
    "Cruz-Jentoft 2010, Figure 1 algorithm (gait > 0.8 m/s normal; not checked against primary)"
)
_SRC_MASS = "Cruz-Jentoft 2010, Table 5 citing Baumgartner 1998 DXA (not checked against primary)"

CUTOFFS = (
    Cutoff("smi", "male", "<", 7.26, "kg/m²", "dxa", _SRC_MASS, False, "low_muscle_mass"),
    Cutoff("smi", "female", "<", 5.5, "kg/m²", "dxa", _SRC_MASS, False, "low_muscle_mass"),
    Cutoff("grip_kg", "male", "<", 30.0, "kg", "any", _SRC_GRIP, False, "low_strength"),
    Cutoff("grip_kg", "female", "<", 20.0, "kg", "any", _SRC_GRIP, False, "low_strength"),
    Cutoff("gait_speed_m_s", "any", "<=", 0.8, "m/s", "any", _SRC_GAIT, False, "low_performance"),
)


DEFINITION = Definition(
    name="ewgsop1",
    title="EWGSOP1",
    citation=CITATION,
    cutoffs=CUTOFFS,
    criteria=(
        ("low_muscle_mass", "Low muscle mass (DXA ASM/height²)"),
        ("low_strength", "Low muscle strength (grip)"),
        ("low_performance", "Low physical performance (gait speed)"),
    ),
    stages=(
        Stage("severe sarcopenia", MASS_STRENGTH_PERFORMANCE, refines="sarcopenia"),
        Stage("sarcopenia", MASS_AND_FUNCTION),
        Stage("presarcopenia", all_of("low_muscle_mass")),
    ),
    sarcopenia=MASS_AND_FUNCTION,
    severe=MASS_STRENGTH_PERFORMANCE,
    notes=(
        "EWGSOP1 lists cut-offs from several studies rather than one table; sarcostat uses "
        "Lauretani grip 30/20 kg, gait 0.8 m/s and Baumgartner DXA 7.26/5.5 kg/m². "
        "None is verified against the primary paper.",
        "EWGSOP1's BIA cut-offs index whole-body muscle mass, not ASM: BIA rows are "
        "indeterminate for muscle mass under EWGSOP1.",
    ),
)
