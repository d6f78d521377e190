"""Display names of the canonical study variables: the one table of them.

The study layer names analyses in its warnings ("Table 3, low muscle mass
(adjusted): ...") and the report layer labels table rows, axes and
footnotes; both read `VARIABLES`, so a variable is named the same way
everywhere. It lives here, not in `sarcostat.report`, because study
must not import report (layering io -> assess -> stats -> study -> report).
"""

from __future__ import annotations

#: Display label, short label (Tables 2-3, figures, warnings), unit, decimals
#: of the mean/SD, and the abbreviation it introduces (for table footnotes).
#: Labels and decimals follow the seed paper's tables.
VARIABLES: dict[str, dict] = {
    "sex": {"label": "Sex", "short": "Sex"},
    "age_yr": {"label": "Age, yr", "short": "Age", "unit": "yr", "decimals": 1},
    "weight_kg": {"label": "Weight, kg", "short": "Weight", "unit": "kg", "decimals": 1},
    "height_cm": {"label": "Height, cm", "short": "Height", "unit": "cm", "decimals": 1},
    "bmi": {
        "label": "BMI, kg/m\u00b2",
        "short": "BMI",
        "unit": "kg/m\u00b2",
        "decimals": 1,
        "abbr": ("BMI", "body mass index"),
    },
    "asm_kg": {
        "label": "ASM, kg",
        "short": "ASM",
        "unit": "kg",
        "decimals": 1,
        "abbr": ("ASM", "appendicular skeletal muscle mass"),
    },
    "smi": {
        "label": "SMI, kg/m\u00b2",
        "short": "SMI",
        "unit": "kg/m\u00b2",
        "decimals": 1,
        "abbr": ("SMI", "skeletal muscle index"),
    },
    "grip_kg": {
        "label": "Grip strength, kg",
        "short": "Grip strength",
        "unit": "kg",
        "decimals": 1,
    },
    "gait_speed_m_s": {
        "label": "Gait speed, m/s",
        "short": "Gait speed",
        "unit": "m/s",
        "decimals": 2,
    },
    "chair_stand_5x_s": {
        "label": "Chair stand, s",
        "short": "Chair stand",
        "unit": "s",
        "decimals": 1,
    },
    "sppb_total": {
        "label": "SPPB total score (range, 0\u201312)",
        "short": "SPPB score",
        "unit": "points",
        "decimals": 1,
        "abbr": ("SPPB", "short physical performance battery"),
    },
    "sps": {
        "label": "SPS (range, 0\u20133)",
        "short": "SPS",
        "unit": "points",
        "decimals": 2,
        "abbr": ("SPS", "sarcopenia phenotype score"),
    },
    "calf_circumference_cm": {
        "label": "Calf circumference, cm",
        "short": "Calf circumference",
        "unit": "cm",
        "decimals": 1,
    },
    "tug_s": {"label": "Timed up-and-go, s", "short": "TUG", "unit": "s", "decimals": 1},
    "sarc_f_total": {"label": "SARC-F score (range, 0\u201310)", "short": "SARC-F", "decimals": 1},
    # Derived for FNIH 2014 (appendicular lean mass over BMI), named in its notes.
    "alm_bmi": {"label": "ALM/BMI, m\u00b2", "short": "ALM/BMI", "unit": "m\u00b2", "decimals": 3},
    "sarcopenia": {"label": "Sarcopenia", "short": "Sarcopenia"},
    "low_muscle_mass": {"label": "Low muscle mass", "short": "Low muscle mass"},
    "low_strength": {"label": "Weak muscle strength", "short": "Weak muscle strength"},
    "low_performance": {"label": "Poor physical performance", "short": "Poor physical performance"},
}


def in_text(variable: str, variables: dict | None = None) -> str:
    """The variable's short label as it reads inside a sentence.

    ``"low_muscle_mass"`` -> ``"low muscle mass"``, ``"grip_kg"`` ->
    ``"grip strength"``; a label that starts with an abbreviation keeps its
    capitals (``"sppb_total"`` -> ``"SPPB score"``). A column without an
    entry (a user's own outcome) is named as the user named it.
    """
    entry = (VARIABLES if variables is None else variables).get(variable)
    if not entry:
        return variable
    short = entry.get("short", entry.get("label", variable))
    # "Low muscle mass" -> "low muscle mass", but "SPPB score" / "BMI" stay.
    if len(short) > 1 and short[0].isupper() and not short[1].isupper():
        return short[0].lower() + short[1:]
    return short
