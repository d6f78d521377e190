"""Fried's frailty phenotype (Cardiovascular Health Study, 2001).

Fried LP, Tangen CM, Walston J, et al. Frailty in older adults: evidence for
a phenotype. J Gerontol A Biol Sci Med Sci 2001;56(3):M146-M156.
doi:10.1093/gerona/56.3.M146

Five criteria; three or more met = frail, one or two = pre-frail (the paper's
"intermediate"), none = robust:

- shrinking: unintentional weight loss of more than 10 lb (4.536 kg) in the
  prior year (``weight_loss_kg``);
- exhaustion: answer 2 ("a moderate amount of the time, 3-4 days") or 3
  ("most of the time") to either CES-D item "I felt that everything I did
  was an effort" (``cesd_effort``) or "I could not get going"
  (``cesd_going``), each scored 0-3;
- low physical activity: Minnesota Leisure Time Activity kcal/week < 383
  (men) / < 270 (women) (``activity_kcal_wk``);
- slowness: time to walk 15 ft >= 7 s (men <= 173 cm, women <= 159 cm tall)
  or >= 6 s (taller) (``walk_15ft_s``; derived as 4.572 m / gait speed when
  only a speed over another course is recorded);
- weakness: grip <= 29 / 30 / 30 / 32 kg for men with BMI <= 24, 24-26,
  26-28, > 28 and <= 17 / 17.3 / 18 / 21 kg for women with BMI <= 23, 23-26,
  26-29, > 29 kg/m².

Verification: the primary paper's own Table 1 could not be read here (its
abstract says only "unintentional weight loss (10 lbs in past year)"). The
weight-loss, exhaustion, activity and walk-time rows agree in two
reproductions of that table (PMC9014815 Table A1, PMC8934156 Table 1) and a
protocol paper (BMJ Open, Table 1). The grip rows were seen in one
reproduction only (PMC8934156 Table 1), which prints 31 kg for men with BMI
26.1-28; we use 30 kg, the value as we recall Fried's table and as widely
cited, and flag this row in its source. The paper prints its strata as
"BMI <= 24, 24.1-26, 26.1-28, > 28"; we read them as half-open intervals
(24 < BMI <= 26, ...) so that a BMI of 24.05 falls in a stratum. Every row
is marked unverified.
"""

from sarcostat.assess._phenotype import Phenotype, Threshold

CITATION = (
    "Fried LP et al. Frailty in older adults: evidence for a phenotype. J Gerontol A Biol "
    "Sci Med Sci 2001;56(3):M146-M156. doi:10.1093/gerona/56.3.M146"
)
_SRC = (
    "Fried 2001 Table 1 as reproduced in PMC9014815 Table A1 and PMC8934156 Table 1 "
    "(primary text not read)"
)
_SRC_GRIP = "Fried 2001 Table 1 as reproduced in PMC8934156 Table 1 (primary text not read)"
_SRC_GRIP_M3 = (
    "Fried 2001 Table 1: PMC8934156 Table 1 prints 31 kg; 30 kg used, as commonly cited "
    "(primary text not read; CHECK)"
)
#: 10 lb in kg (Fried's "more than 10 pounds").
TEN_POUNDS_KG = 4.5359237

WEIGHT_LOSS = (
    Threshold("weight_loss", "weight_loss_kg", "any", ">", TEN_POUNDS_KG, "kg", _SRC, False),
)
EXHAUSTION = (
    Threshold("exhaustion", "cesd_effort", "any", ">=", 2.0, "", _SRC, False),
    Threshold("exhaustion", "cesd_going", "any", ">=", 2.0, "", _SRC, False),
)
LOW_ACTIVITY = (
    Threshold("low_activity", "activity_kcal_wk", "male", "<", 383.0, "kcal/wk", _SRC, False),
    Threshold("low_activity", "activity_kcal_wk", "female", "<", 270.0, "kcal/wk", _SRC, False),
)
SLOWNESS = (
    Threshold(
        "slowness", "walk_15ft_s", "male", ">=", 7.0, "s", _SRC, False, "height_cm", None, 173.0
    ),
    Threshold(
        "slowness", "walk_15ft_s", "male", ">=", 6.0, "s", _SRC, False, "height_cm", 173.0, None
    ),
    Threshold(
        "slowness", "walk_15ft_s", "female", ">=", 7.0, "s", _SRC, False, "height_cm", None, 159.0
    ),
    Threshold(
        "slowness", "walk_15ft_s", "female", ">=", 6.0, "s", _SRC, False, "height_cm", 159.0, None
    ),
)
WEAKNESS = (
    Threshold("weakness", "grip_kg", "male", "<=", 29.0, "kg", _SRC_GRIP, False, "bmi", None, 24.0),
    Threshold("weakness", "grip_kg", "male", "<=", 30.0, "kg", _SRC_GRIP, False, "bmi", 24.0, 26.0),
    Threshold(
        "weakness", "grip_kg", "male", "<=", 30.0, "kg", _SRC_GRIP_M3, False, "bmi", 26.0, 28.0
    ),
    Threshold("weakness", "grip_kg", "male", "<=", 32.0, "kg", _SRC_GRIP, False, "bmi", 28.0, None),
    Threshold(
        "weakness", "grip_kg", "female", "<=", 17.0, "kg", _SRC_GRIP, False, "bmi", None, 23.0
    ),
    Threshold(
        "weakness", "grip_kg", "female", "<=", 17.3, "kg", _SRC_GRIP, False, "bmi", 23.0, 26.0
    ),
    Threshold(
        "weakness", "grip_kg", "female", "<=", 18.0, "kg", _SRC_GRIP, False, "bmi", 26.0, 29.0
    ),
    Threshold(
        "weakness", "grip_kg", "female", "<=", 21.0, "kg", _SRC_GRIP, False, "bmi", 29.0, None
    ),
)

CRITERIA = (
    ("weight_loss", "Weight loss"),
    ("exhaustion", "Exhaustion"),
    ("low_activity", "Low physical activity"),
    ("slowness", "Slowness"),
    ("weakness", "Weakness"),
)

DEFINITION = Phenotype(
    name="fried2001",
    title="Fried 2001",
    citation=CITATION,
    thresholds=WEIGHT_LOSS + EXHAUSTION + LOW_ACTIVITY + SLOWNESS + WEAKNESS,
    criteria=CRITERIA,
    notes=(
        "Fried 2001: slowness compares the time to walk 15 ft (4.572 m); where only a gait "
        "speed over another course is recorded, the time is taken as 4.572 m / speed.",
        "Fried 2001: the BMI strata of the grip cut-offs and the height strata of the walk "
        "cut-offs are read as lower < value <= upper (the paper prints 24.1-26 and so on).",
    ),
)
