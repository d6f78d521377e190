"""International Working Group on Sarcopenia (IWGS 2011).

Fielding RA, Vellas B, Evans WJ, et al. Sarcopenia: an undiagnosed condition
in older adults. Current consensus definition: prevalence, etiology, and
consequences. International Working Group on Sarcopenia. J Am Med Dir Assoc
2011;12(4):249-256. doi:10.1016/j.jamda.2011.01.003

Sarcopenia = gait speed < 1 m/s AND low appendicular lean mass by DXA
(ALM/height² <= 7.23 kg/m² men, <= 5.67 kg/m² women). The values match a
secondary table (Kim 2018, World J Mens Health, Table 1: "M<=7.23, F<=5.67",
"gait speed 1 m/s"), but the primary text was not read here and the gait
operator is not shown there: every row is marked unverified. IWGS defines no
severity grade. DXA only: BIA rows are indeterminate for lean mass.
"""

from sarcostat.assess._cutoffs import Cutoff, Definition, Stage, all_of

CITATION = (
    "Fielding RA et al. Sarcopenia: an undiagnosed condition in older adults. Current "
    "consensus definition: prevalence, etiology, and consequences. J Am Med Dir Assoc "
    "2011;12(4):249-256. doi:10.1016/j.jamda.2011.01.003"
)
_SRC = "Fielding 2011 JAMDA (values via secondary table PMC6119844; primary not read)"

CUTOFFS = (
    Cutoff("smi", "male", "<=", 7.23, "kg/m²", "dxa", _SRC, False, "low_muscle_mass"),
    Cutoff("smi", "female", "<=", 5.67, "kg/m²", "dxa", _SRC, False, "low_muscle_mass"),
    Cutoff("gait_speed_m_s", "any", "<", 1.0, "m/s", "any", _SRC, False, "slow_gait"),
)


_SARC = all_of("slow_gait", "low_muscle_mass")


DEFINITION = Definition(
    name="iwgs2011",
    title="IWGS 2011",
    citation=CITATION,
    cutoffs=CUTOFFS,
    criteria=(
        ("low_muscle_mass", "Low appendicular lean mass (DXA ALM/height²)"),
        ("slow_gait", "Gait speed < 1 m/s"),
    ),
    stages=(Stage("sarcopenia", _SARC),),
    sarcopenia=_SARC,
    severe=None,
)
