"""European Working Group on Sarcopenia in Older People 2 (EWGSOP2).

Cruz-Jentoft AJ, Bahat G, Bauer J, et al. Sarcopenia: revised European
consensus on definition and diagnosis. Age Ageing 2019;48(1):16-31.
doi:10.1093/ageing/afy169

Cut-offs from the paper's Table 3: low strength grip < 27 / < 16 kg or
chair stand > 15 s for five rises; low muscle quantity ASM < 20 / < 15 kg
or ASM/height² < 7.0 / < 5.5 kg/m²; low performance gait speed <= 0.8 m/s,
SPPB <= 8 or TUG >= 20 s. Probable sarcopenia = low strength; confirmed
(sarcopenia) = + low quantity; severe = + low performance. Table 3 gives the
muscle-quantity cut-offs without tying them to a device (they come from DXA
studies), so they are applied to BIA and DXA rows alike, with a note.

Verification: the rows were read in a verbatim reproduction of Table 3
(layout, headings and footnotes as printed), which gives ASM/height²
"<7.0 kg/m2 <5.5 kg/m2"; one secondary table (RMD Open, Table 1) prints
that operator as "≤", which we take as a transcription slip. The journal's
own page was not reachable here.
"""

from sarcostat.assess._cutoffs import MASS_STRENGTH_PERFORMANCE, Cutoff, Definition, Stage, all_of

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
    ),
)
