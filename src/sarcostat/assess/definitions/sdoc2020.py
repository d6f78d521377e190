"""Sarcopenia Definitions and Outcomes Consortium (SDOC 2020).

Bhasin S, Travison TG, Manini TM, et al. Sarcopenia definition: the position
statements of the Sarcopenia Definition and Outcomes Consortium. J Am
Geriatr Soc 2020;68(7):1410-1418. doi:10.1111/jgs.16372

Sarcopenia = weakness (absolute grip < 35.5 / < 20 kg) AND slowness (usual
gait speed < 0.8 m/s); DXA lean mass is not part of the definition. The
values and operators were checked in the abstract of the companion SDOC
analysis (Cawthon PM et al., J Am Geriatr Soc 2020; PMC7508260), which
states "absolute grip strength (<35.5 kg in men and <20 kg in women)" and
"slowness (walking speed <.8 m/s)". SDOC defines no severity grade.
"""

from sarcostat.assess._cutoffs import Cutoff, Definition, Stage, all_of

CITATION = (
    "Bhasin S et al. Sarcopenia definition: the position statements of the Sarcopenia "
    "Definition and Outcomes Consortium. J Am Geriatr Soc 2020;68(7):1410-1418. "
    "doi:10.1111/jgs.16372"
)
_SRC = (
    "SDOC cut-points as stated verbatim in the abstract of the SDOC companion analysis "
    "(Cawthon 2020 J Am Geriatr Soc, PMC7508260) that the Bhasin 2020 position "
    "statements adopt; Bhasin's own text was not read"
)

CUTOFFS = (
    Cutoff("grip_kg", "male", "<", 35.5, "kg", "any", _SRC, True, "low_strength"),
    Cutoff("grip_kg", "female", "<", 20.0, "kg", "any", _SRC, True, "low_strength"),
    Cutoff("gait_speed_m_s", "any", "<", 0.8, "m/s", "any", _SRC, True, "slow_gait"),
)


_SARC = all_of("low_strength", "slow_gait")


DEFINITION = Definition(
    name="sdoc2020",
    title="SDOC 2020",
    citation=CITATION,
    cutoffs=CUTOFFS,
    criteria=(
        ("low_strength", "Weakness (absolute grip)"),
        ("slow_gait", "Slowness (usual gait speed < 0.8 m/s)"),
    ),
    stages=(Stage("sarcopenia", _SARC),),
    sarcopenia=_SARC,
    severe=None,
)
