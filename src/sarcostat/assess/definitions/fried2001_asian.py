"""Fried's frailty phenotype with the AWGS 2019 grip and gait cut-offs (Asian variant).

Fried LP et al. J Gerontol A Biol Sci Med Sci 2001;56(3):M146-M156.
doi:10.1093/gerona/56.3.M146, with the weakness and slowness criteria of
Chen LK et al. Asian Working Group for Sarcopenia: 2019 Consensus Update.
J Am Med Dir Assoc 2020;21(3):300-307.e2. doi:10.1016/j.jamda.2019.12.012

Fried's grip and walk-time cut-offs are the lowest quintiles of an
American cohort (CHS). Studies of Asian older adults commonly replace them
by the AWGS cut-offs. The substitutions, and nothing else, are:

1. weakness: Fried's BMI-stratified grip cut-offs (<= 29-32 kg men,
   <= 17-21 kg women) -> AWGS 2019 low grip strength, < 28 kg (men) and
   < 18 kg (women), not stratified by BMI;
2. slowness: Fried's height-stratified 15-ft walk time (>= 6 or >= 7 s) ->
   AWGS 2019 slow gait, speed < 1.0 m/s (the AWGS course is 6 m; speeds over
   other courses are compared with the same cut-off).

Weight loss, exhaustion and low physical activity are Fried's unchanged
(`sarcostat.assess.definitions.fried2001`). The AWGS values are taken
from the AWGS 2019 definition's own cut-off table, so they cannot drift
apart; they are verified (abstract of Chen 2020). The other rows inherit
Fried's "unverified" mark.
"""

from sarcostat.assess._phenotype import Phenotype, Threshold
from sarcostat.assess.definitions import awgs2019, fried2001

CITATION = fried2001.CITATION + "; grip and gait cut-offs: " + awgs2019.CITATION


def _awgs(criterion: str, measure: str, new: str) -> tuple[Threshold, ...]:
    rows = [c for c in awgs2019.CUTOFFS if c.measure == measure]
    return tuple(
        Threshold(
            new,
            measure,
            c.sex,
            c.operator,
            c.value,
            c.unit,
            f"AWGS 2019 {criterion} cut-off substituted for Fried's ({c.source})",
            c.verified,
        )
        for c in rows
    )


WEAKNESS = _awgs("low grip strength", "grip_kg", "weakness")
SLOWNESS = _awgs("slow gait", "gait_speed_m_s", "slowness")

DEFINITION = Phenotype(
    name="fried2001_asian",
    title="Fried 2001 (AWGS 2019 grip and gait)",
    citation=CITATION,
    thresholds=fried2001.WEIGHT_LOSS
    + fried2001.EXHAUSTION
    + fried2001.LOW_ACTIVITY
    + SLOWNESS
    + WEAKNESS,
    criteria=fried2001.CRITERIA,
    notes=(
        "Fried 2001 (Asian variant): weakness = AWGS 2019 low grip (< 28 kg men, < 18 kg "
        "women) instead of Fried's BMI-stratified grip cut-offs; slowness = AWGS 2019 gait "
        "speed < 1.0 m/s instead of Fried's height-stratified 15-ft walk time. Weight loss, "
        "exhaustion and low activity are Fried's.",
    ),
)
