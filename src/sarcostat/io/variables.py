"""The variable dictionary: canonical columns, units, plausible ranges, aliases.

This table is the single source of truth for what `sarcostat.io.read_cohort`
recognises and checks. ``docs/variables.md`` is generated from it::

    python -c "import sarcostat.io.variables as v; v.write_markdown('docs/variables.md')"

and a test fails when the document is out of date.

Plausible ranges are deliberately wide: they catch typing and unit mistakes
(a height of 1.62 "cm", a grip of -3 kg), not unusual participants. A value
outside its range is an error that names the participant, so it is fixed at
the source rather than dropped.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

__all__ = [
    "Variable",
    "VARIABLES",
    "UNIT_FACTORS",
    "get_variable",
    "normalize_header",
    "render_markdown",
    "write_markdown",
]


@dataclass(frozen=True)
class Variable:
    """One canonical column of the cohort table.

    Attributes
    ----------
    name : str
        Canonical column name (``grip_<n>_kg`` stands for the trials).
    meaning : str
        What the column holds, in words.
    unit : str
        Canonical unit ("" when unitless).
    kind : {"id", "category", "number", "flag"}
        How cells are parsed.
    low, high : float or None
        Plausible range (inclusive), in the canonical unit.
    aliases : tuple of str
        Header spellings recognised without a map (compared after
        `normalize_header`).
    units : tuple of str
        Units accepted in a map or header; converted to ``unit`` at read time.
    derived : str
        How the column is computed when the file does not give it ("" if never).
    accepts : str
        Words allowed besides numbers (documented in the table).
    unit_hints : tuple of (low, high, unit)
        Likely unit mistakes: when no unit is declared in a map and more than
        half of a column's values lie in ``[low, high]`` (read in the
        canonical unit), the column is reported as probably recorded in
        ``unit`` (an error: declare the unit, or declare the canonical unit
        to confirm the values).
    """

    name: str
    meaning: str
    unit: str
    kind: str
    low: float | None = None
    high: float | None = None
    aliases: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    derived: str = ""
    accepts: str = ""
    unit_hints: tuple[tuple[float, float, str], ...] = ()


# Multiplicative factors to the canonical unit. Concentration units are not
# converted (molar <-> mass needs the molecular weight), so biomarkers keep
# the unit they were declared with.
UNIT_FACTORS: dict[str, dict[str, float]] = {
    "cm": {"cm": 1.0, "m": 100.0, "mm": 0.1, "in": 2.54},
    "kg": {"kg": 1.0, "g": 0.001, "lb": 0.45359237},
    "s": {"s": 1.0, "ms": 0.001},
    "m": {"m": 1.0, "cm": 0.01, "ft": 0.3048},
    "m/s": {"m/s": 1.0, "cm/s": 0.01},
    "yr": {"yr": 1.0},
    "kg/m²": {"kg/m²": 1.0},
    "": {"": 1.0},
    "%": {"%": 1.0},
    "kcal/wk": {"kcal/wk": 1.0},
    "SD": {"SD": 1.0},
}


def _units(unit: str) -> tuple[str, ...]:
    return tuple(UNIT_FACTORS[unit])


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "id",
        "Participant identifier (unique, kept as text)",
        "",
        "id",
        aliases=(
            "id",
            "subject",
            "subject_id",
            "subject_no",
            "participant",
            "participant_id",
            "patient_id",
            "pid",
            "record_id",
            "study_id",
            "case_id",
            "code",
        ),
    ),
    Variable(
        "sex",
        "Sex, stored as 'male' / 'female'",
        "",
        "category",
        aliases=("sex", "gender", "m_f", "sex_m_f"),
        accepts="M/F, male/female, man/woman; numeric codes only with SPSS/Stata value labels or `[codes]` in the map",
    ),
    Variable(
        "age_yr",
        "Age",
        "yr",
        "number",
        18,
        120,
        aliases=("age", "age_yr", "age_years", "age_y"),
        units=_units("yr"),
    ),
    Variable(
        "height_cm",
        "Standing height",
        "cm",
        "number",
        100,
        220,
        aliases=("height", "height_cm", "ht", "stature", "body_height"),
        units=_units("cm"),
        unit_hints=((0.5, 3, "m"), (48, 84, "in"), (1000, 2200, "mm")),
    ),
    Variable(
        "weight_kg",
        "Body weight",
        "kg",
        "number",
        20,
        250,
        aliases=("weight", "weight_kg", "wt", "body_weight", "body_mass"),
        units=_units("kg"),
        unit_hints=((120, 1000, "lb"),),
    ),
    Variable(
        "bmi",
        "Body mass index",
        "kg/m²",
        "number",
        10,
        70,
        aliases=("bmi", "body_mass_index", "bmi_kg_m2"),
        units=_units("kg/m²"),
        derived="weight_kg / (height_cm/100)²; when given, must agree within 0.5",
    ),
    Variable(
        "asm_kg",
        "Appendicular skeletal muscle mass",
        "kg",
        "number",
        5,
        60,
        aliases=("asm", "asm_kg", "appendicular_skeletal_muscle_mass", "appendicular_muscle_mass"),
        units=_units("kg"),
        derived="smi × (height_cm/100)² when only SMI is given",
    ),
    Variable(
        "muscle_mass_method",
        "Device that measured ASM",
        "",
        "category",
        aliases=(
            "muscle_mass_method",
            "asm_method",
            "body_composition_method",
            "bc_method",
            "mm_method",
        ),
        derived="`[protocol] muscle_mass_method` in the map; otherwise left missing with a warning",
        accepts="bia (bioimpedance, InBody) or dxa (DEXA)",
    ),
    Variable(
        "smi",
        "Skeletal muscle index, ASM / height²",
        "kg/m²",
        "number",
        2,
        15,
        aliases=("smi", "asmi", "skeletal_muscle_index", "smi_kg_m2", "asm_height2"),
        units=_units("kg/m²"),
        derived="asm_kg / (height_cm/100)²; when given, must agree within 0.2",
    ),
    Variable(
        "grip_<n>_kg",
        "Handgrip strength, trial n (n = 1, 2, ...)",
        "kg",
        "number",
        0,
        100,
        aliases=("grip_<n>", "grip_trial_<n>", "hgs_<n>", "hgs<n>", "grip<n>", "handgrip_<n>"),
        units=_units("kg"),
        unit_hints=((60, 250, "lb"),),
    ),
    Variable(
        "grip_kg",
        "Handgrip strength (best trial)",
        "kg",
        "number",
        0,
        100,
        aliases=(
            "grip",
            "grip_kg",
            "hgs",
            "handgrip",
            "hand_grip",
            "grip_strength",
            "handgrip_strength",
            "hand_grip_strength",
            "grip_max",
            "max_grip",
            "hgs_max",
        ),
        units=_units("kg"),
        unit_hints=((60, 250, "lb"),),
        derived="maximum of the available `grip_<n>_kg` trials",
    ),
    Variable(
        "gait_time_4m_s",
        "Time to walk gait_distance_m",
        "s",
        "number",
        0.5,
        120,
        aliases=(
            "gait_time",
            "gait_time_4m",
            "gait_time_4m_s",
            "walk_time",
            "walking_time",
            "4m_walk",
            "4m_walk_time",
            "4m_gait_time",
            "gait_4m",
            "4m_gait",
        ),
        units=_units("s"),
        accepts="`unable` (sets gait_unable)",
    ),
    Variable(
        "gait_distance_m",
        "Walk distance for gait_time_4m_s",
        "m",
        "number",
        2,
        10,
        aliases=("gait_distance", "gait_distance_m", "walk_distance", "walking_distance"),
        units=_units("m"),
        derived="`[protocol] gait_distance_m` in the map, else 4 when a walk time is given",
    ),
    Variable(
        "gait_speed_m_s",
        "Usual gait speed",
        "m/s",
        "number",
        0.05,
        3,
        aliases=(
            "gait_speed",
            "gait_speed_m_s",
            "walking_speed",
            "walk_speed",
            "usual_gait_speed",
            "gait_velocity",
            "gs",
        ),
        units=_units("m/s"),
        unit_hints=((10, 300, "cm/s"),),
        derived="gait_distance_m / gait_time_4m_s",
        accepts="`unable` (sets gait_unable)",
    ),
    Variable(
        "gait_unable",
        "The participant could not do the walk",
        "",
        "flag",
        derived="True where a gait cell reads `unable`",
    ),
    Variable(
        "chair_stand_5x_s",
        "Five-times chair stand time",
        "s",
        "number",
        2,
        120,
        aliases=(
            "chair_stand",
            "chair_stand_5x",
            "chair_stand_5x_s",
            "chair_stand_time",
            "chair_stands",
            "chair_rise",
            "chair_rise_time",
            "5x_sts",
            "5xsts",
            "ftsst",
            "five_times_sit_to_stand",
            "repeated_chair_stand",
            "repeated_chair_stands",
        ),
        units=_units("s"),
        accepts="`unable` (NaN and chair_stand_unable = True); `not done` / blank = NaN",
    ),
    Variable(
        "chair_stand_unable",
        "Recorded as unable to do five chair stands",
        "",
        "flag",
        derived="True where the chair-stand cell reads `unable`",
    ),
    Variable(
        "side_by_side_s",
        "Side-by-side stand held",
        "s",
        "number",
        0,
        60,
        aliases=("side_by_side", "side_by_side_s", "side_by_side_stand", "sbs"),
        units=_units("s"),
        accepts="`unable` (0 s)",
    ),
    Variable(
        "semi_tandem_s",
        "Semi-tandem stand held",
        "s",
        "number",
        0,
        60,
        aliases=("semi_tandem", "semi_tandem_s", "semi_tandem_stand", "semitandem"),
        units=_units("s"),
        accepts="`unable` (0 s)",
    ),
    Variable(
        "tandem_s",
        "Tandem stand held",
        "s",
        "number",
        0,
        60,
        aliases=("tandem", "tandem_s", "tandem_stand", "full_tandem"),
        units=_units("s"),
        accepts="`unable` (0 s)",
    ),
    Variable(
        "sppb_total",
        "Short Physical Performance Battery total score",
        "",
        "number",
        0,
        12,
        aliases=("sppb", "sppb_total", "sppb_score", "total_sppb"),
        units=_units(""),
    ),
    Variable(
        "calf_circumference_cm",
        "Calf circumference",
        "cm",
        "number",
        15,
        60,
        aliases=("calf_circumference", "calf_circumference_cm", "calf_circ", "calf", "cc"),
        units=_units("cm"),
    ),
    Variable(
        "sarc_f_strength",
        "SARC-F item S: difficulty lifting 4.5 kg",
        "",
        "number",
        0,
        2,
        aliases=("sarc_f_strength", "sarcf_strength", "sarc_f_s", "sarc_f_1"),
        units=_units(""),
    ),
    Variable(
        "sarc_f_walking",
        "SARC-F item A: assistance in walking",
        "",
        "number",
        0,
        2,
        aliases=("sarc_f_walking", "sarcf_walking", "sarc_f_a", "sarc_f_2"),
        units=_units(""),
    ),
    Variable(
        "sarc_f_chair",
        "SARC-F item R: rise from a chair",
        "",
        "number",
        0,
        2,
        aliases=("sarc_f_chair", "sarcf_chair", "sarc_f_r", "sarc_f_3"),
        units=_units(""),
    ),
    Variable(
        "sarc_f_stairs",
        "SARC-F item C: climb 10 stairs",
        "",
        "number",
        0,
        2,
        aliases=("sarc_f_stairs", "sarcf_stairs", "sarc_f_c", "sarc_f_4"),
        units=_units(""),
    ),
    Variable(
        "sarc_f_falls",
        "SARC-F item F: falls in the past year",
        "",
        "number",
        0,
        2,
        aliases=("sarc_f_falls", "sarcf_falls", "sarc_f_f", "sarc_f_5"),
        units=_units(""),
    ),
    Variable(
        "sarc_f_total",
        "SARC-F total score",
        "",
        "number",
        0,
        10,
        aliases=("sarc_f", "sarcf", "sarc_f_total", "sarc_f_score", "sarcf_total"),
        units=_units(""),
        derived="sum of the five items when all are present; when given, must equal that sum",
    ),
    Variable(
        "tug_s",
        "Timed up-and-go",
        "s",
        "number",
        2,
        120,
        aliases=("tug", "tug_s", "timed_up_and_go", "tug_time"),
        units=_units("s"),
    ),
    # Frailty (Fried 2001, FRAIL scale) and bone (osteosarcopenia) inputs; the
    # cut-offs that use them live in sarcostat/assess/definitions/.
    Variable(
        "weight_loss_kg",
        "Unintentional weight loss in the past year (Fried shrinking; 0 = none)",
        "kg",
        "number",
        0,
        60,
        aliases=("weight_loss_kg", "weight_loss", "unintentional_weight_loss"),
        units=_units("kg"),
    ),
    Variable(
        "weight_loss_pct",
        "Unintentional weight loss in the past year, % of body weight (FRAIL loss of weight)",
        "%",
        "number",
        0,
        60,
        aliases=("weight_loss_pct", "weight_loss_percent"),
        units=_units("%"),
    ),
    Variable(
        "cesd_effort",
        "CES-D item 'I felt that everything I did was an effort', past week (0-3)",
        "",
        "number",
        0,
        3,
        aliases=("cesd_effort", "ces_d_effort"),
        units=_units(""),
    ),
    Variable(
        "cesd_going",
        "CES-D item 'I could not get going', past week (0-3)",
        "",
        "number",
        0,
        3,
        aliases=("cesd_going", "ces_d_going"),
        units=_units(""),
    ),
    Variable(
        "activity_kcal_wk",
        "Leisure-time physical activity (Minnesota LTA questionnaire), kcal per week",
        "kcal/wk",
        "number",
        0,
        20000,
        aliases=("activity_kcal_wk", "kcal_week", "mlta_kcal"),
        units=_units("kcal/wk"),
    ),
    Variable(
        "walk_15ft_s",
        "Time to walk 15 ft (4.57 m) at usual pace (Fried slowness)",
        "s",
        "number",
        1,
        120,
        aliases=("walk_15ft_s", "walk_15ft", "walk_time_15ft"),
        units=_units("s"),
    ),
    Variable(
        "frail_fatigue",
        "FRAIL scale fatigue item scored 0/1 (1 = tired all or most of the time)",
        "",
        "number",
        0,
        1,
        aliases=("frail_fatigue",),
        units=_units(""),
    ),
    Variable(
        "frail_resistance",
        "FRAIL scale resistance item 0/1 (1 = difficulty climbing 10 steps)",
        "",
        "number",
        0,
        1,
        aliases=("frail_resistance",),
        units=_units(""),
    ),
    Variable(
        "frail_ambulation",
        "FRAIL scale ambulation item 0/1 (1 = difficulty walking one block)",
        "",
        "number",
        0,
        1,
        aliases=("frail_ambulation",),
        units=_units(""),
    ),
    Variable(
        "illness_count",
        "Number of the FRAIL scale's 11 illnesses present (0-11)",
        "",
        "number",
        0,
        11,
        aliases=("illness_count", "frail_illnesses"),
        units=_units(""),
    ),
    Variable(
        "t_score_lumbar",
        "DXA T-score, lumbar spine",
        "SD",
        "number",
        -7,
        6,
        aliases=("t_score_lumbar", "ls_t_score", "t_score_ls"),
        units=_units("SD"),
    ),
    Variable(
        "t_score_femoral_neck",
        "DXA T-score, femoral neck",
        "SD",
        "number",
        -7,
        6,
        aliases=("t_score_femoral_neck", "fn_t_score", "t_score_fn"),
        units=_units("SD"),
    ),
    Variable(
        "t_score_total_hip",
        "DXA T-score, total hip",
        "SD",
        "number",
        -7,
        6,
        aliases=("t_score_total_hip", "th_t_score", "t_score_th"),
        units=_units("SD"),
    ),
)

_BY_NAME = {v.name: v for v in VARIABLES}
GRIP_TRIAL = re.compile(r"^grip_(\d{1,2})_kg$")


def get_variable(name: str) -> Variable | None:
    """Return the dictionary entry of canonical column ``name`` (None if unknown).

    Grip trials ``grip_1_kg``, ``grip_2_kg``, ... share the ``grip_<n>_kg`` entry.
    """
    if GRIP_TRIAL.match(name):
        return _BY_NAME["grip_<n>_kg"]
    return _BY_NAME.get(name)


def require_variable(name: str) -> Variable:
    """`get_variable` for a name known to be canonical (KeyError otherwise)."""
    var = get_variable(name)
    if var is None:
        raise KeyError(name)
    return var


def normalize_header(text: str) -> str:
    """Lower-case, superscripts spelled out, every run of non-alphanumerics -> '_'.

    Letters of any script are kept ('성별' stays '성별'), so two headers in
    Korean or with accents never normalise to the same empty name.
    """
    text = str(text).strip().lower().replace("²", "2").replace("µ", "u").replace("μ", "u")
    return re.sub(r"[\W_]+", "_", text).strip("_")


def _fmt_num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:g}"


def render_markdown() -> str:
    """Render `VARIABLES` as the Markdown page ``docs/variables.md``."""
    lines = [
        "# Variable dictionary",
        "",
        "<!-- Generated from src/sarcostat/io/variables.py by "
        "`python -c \"import sarcostat.io.variables as v; v.write_markdown('docs/variables.md')\"`; "
        "do not edit by hand. -->",
        "",
        "`sarcostat.read_cohort` and `sarcostat validate` turn any cohort file into "
        "these canonical columns. Headers are matched after lower-casing and replacing "
        "every run of spaces/punctuation by `_`; a unit in the header "
        "(`Height (cm)`, `weight_lb`) is read and converted. Anything else must be "
        "declared in a TOML map (see below). A value outside the plausible range is an "
        "error naming the participant; ranges are inclusive and in the canonical unit.",
        "",
        "| column | meaning | unit | plausible range | accepted units | likely unit mistake | also accepts | derived when absent | aliases |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for v in VARIABLES:
        rng = "" if v.low is None else f"{_fmt_num(v.low)} – {_fmt_num(v.high)}"
        units = ", ".join(u for u in v.units if u)
        aliases = ", ".join(f"`{a}`" for a in v.aliases)
        hints = "; ".join(
            f"most values {_fmt_num(lo)} – {_fmt_num(hi)} → {u}" for lo, hi, u in v.unit_hints
        )
        lines.append(
            f"| `{v.name}` | {v.meaning} | {v.unit} | {rng} | {units} | {hints} | "
            f"{v.accepts} | {v.derived} | {aliases} |"
        )
    lines += [
        "| `<biomarker>` | Any number of biomarker concentrations | as declared | ≥ 0 | "
        "any (not converted) | | `<3.2` (left-censored at 3.2); `ND`, `<LOD` with a declared `lod` "
        "| | declared in the map, passed as `biomarkers=`, or a header with a concentration unit "
        "(`Sclerostin (pmol/L)`, `IL6_pg_mL`) |",
        "| `<biomarker>_lod` | Detection limit of a left-censored value, else NaN | as biomarker | "
        "| | | | from `<3.2` or the declared `lod` | |",
        "",
        "Missing-value words (blank, `NA`, `N/A`, `.`, `-`, `missing`, `not done`, "
        "`not measured`) become NaN. Any other text in a numeric column is an error "
        "that names the participant, the column and the value.",
        "",
        "## Files",
        "",
        "- Text (`.csv`, `.tsv`, `.txt`): the delimiter (`,` `;` tab `|`) is detected, or given with "
        "`--sep` (`sep=`). Encoding: `--encoding NAME` (`encoding=`: `utf-8`, `cp949`, `euc-kr`, "
        "`latin-1`, `cp1252`, ...), else detected: UTF-8 with or without BOM, UTF-16 with BOM, "
        "else Korean cp949 (common Hangul), Windows cp1252 or Latin-1 with a warning naming it. "
        "A file that is not valid in the given encoding is an error naming the line and the "
        'likely encoding. Decimal commas need `--decimal ,` (`decimal=","`); without it each '
        "such value is an error with that hint.",
        "- Every line of a text file is accounted for: a row with more or fewer values than the "
        "header (trailing empty separators aside), a quote that is never closed, text after a "
        "closing quote, or a quoted cell holding a line break and the separator (a quote left "
        "open swallows rows) is an error naming the line. A quoted note with line breaks alone "
        "is kept.",
        "- Ids are text exactly as written (leading zeros, 18-digit numbers); a number stored "
        "as such (Excel, SPSS, Parquet) is written without '.0', integers exactly. Ids match "
        "across files (cohort, biomarker panel, plates) by one rule (`sarcostat.io.ids`): equal "
        "text, except that `1.0` is `1`; `007` is not `7`.",
        "- Excel (`.xlsx`): the first sheet unless `--sheet NAME|INDEX` (a note names the other "
        "sheets); rows in messages are the spreadsheet's own.",
        "- SPSS (`.sav`) and Stata (`.dta`): value labels turn codes into categories (sex "
        "1 = 'Male') and label unrecognised columns; numeric columns keep their codes, so a "
        "SARC-F item labelled 0 = 'None' stays 0. SPSS user-missing codes (999) become missing, "
        "with a note per column. Codes labelled as a missing answer (refused, don't know, "
        "unknown, not applicable, missing, ...) but not declared missing are read as missing "
        "with a warning per column, never as numbers (99 = 'Refused' is not 99 kg). Value "
        "labels are the truth: a map code that contradicts the file's label is an error. "
        'Messages say "case N".',
        "- Parquet: typed columns are used as they are, read one column at a time (text "
        "columns as codes into their distinct cells); "
        "`read_cohort(..., columns=[...])` reads only the columns named (headers as written) "
        "from disk.",
        "- Large text files (4 MB and more) are read in blocks of lines with the same rules and "
        "messages as small ones (the check against the whole-file reader is "
        "`tests/io/test_read_blocks.py`); a file whose quoting is not plain (a cell over several "
        "lines, a stray quote), whose encoding has to be guessed, or that holds NUL bytes is read "
        "whole. Arrow splits each block into cells on a second thread while the next block is "
        "checked; every column is kept as codes into its distinct cells, so numbers, categories "
        "and units are worked out once per distinct cell, and ids are checked with Arrow's "
        "string kernels (tests compare each fast path with the plain one). Reading and "
        "validation show progress bars on a terminal (`-q` or a pipe: none).",
        "- Text and Excel: title lines above the header (a single filled cell, e.g. a title merged "
        "across the columns) are skipped with a note; a row of units right under the header "
        "(`cm`, `lb`, `pmol/L`) is joined to the headers (`Weight (lb)`) and converted; blank rows are skipped but keep their "
        "numbers. Files are opened read-only; nothing "
        "is written beside them.",
        "- A binary file with a text suffix (a `.docx` or `.xlsx` renamed `.csv`) is named as such.",
        "",
        "## Checks",
        "",
        "Each problem found in a row is listed with its row; for each kind of problem",
        "(severity, rule, column) the first 20 rows are listed and one more finding",
        'counts the rest ("980 more rows with this problem (range) are not listed;',
        '1000 in all"), so a column wrong in a million rows gives a page, not a',
        "million lines. The summary line and the exit message count every problem.",
        "",
        "| rule | severity | what |",
        "|---|---|---|",
        "| `empty` | error | the file has a header but no data rows |",
        "| `missing_id` / `duplicate_id` | error | id blank or repeated (each row named) |",
        "| `non_numeric` | error | text in a numeric column (id, column and value named) |",
        "| `range` | error | value outside the plausible range above |",
        "| `unit` | error | likely unit mistake: a height ≤ 3 looks like metres; a column whose values mostly "
        "fall in the 'likely unit mistake' interval above (weights over 120 kg look like pounds) "
        "unless the map declares the column's unit |",
        "| `code` | error | a category value that is not recognised (e.g. sex coded 1/2 without labels) |",
        "| `bmi` / `smi` / `sarc_f_total` | error | given value disagrees with the one computed "
        "from its parts (BMI, SMI and ASM are derived from height only within 100-220 cm; ASM = "
        "SMI × height² when only SMI is given) |",
        "| `censored` | error / info | `ND` without a declared `lod` (error); `<3.2` kept as left-censored (info) |",
        "| `empty_column` | warning | a column has no values at all |",
        "| `method` | warning | ASM given but the device (bia/dxa) is unknown |",
        "| `grip` / `gait` | warning | given grip/speed disagrees with the trials / distance ÷ time |",
        "| `encoding` | warning | the file is not UTF-8 and was read as the encoding named |",
        "| `labelled_missing` | warning | codes whose value label says missing (refused, "
        "unknown, ...) read as missing (column named) |",
        "| `id_precision` | warning | ids stored as numbers beyond 15 digits (may have lost "
        "digits in the file) |",
        "| `unnamed_column` | warning | a column has values but no header (kept as `unnamed_<n>`) |",
        "| `title_rows` / `units_row` / `sheet` / `user_missing` | info | title lines above the header "
        "skipped; a units row joined to the headers; which Excel sheet was read; SPSS user-missing "
        "codes (e.g. 999) read as missing |",
        "| `mapping` / `extra_columns` | info | automatic header mapping; columns kept but not used |",
        "",
        "## Column map (TOML)",
        "",
        "```toml",
        "[columns]                       # user header = canonical name, or a table with a unit",
        '"Subject" = "id"',
        '"Ht" = {name = "height_cm", unit = "m"}      # converted to cm at read time',
        '"Wt" = {name = "weight_kg", unit = "lb"}',
        '"Gender" = "sex"',
        "",
        "[codes]                         # value codes of category columns",
        'sex = {1 = "male", 2 = "female"}',
        "",
        "[biomarkers]",
        'sclerostin = {unit = "pmol/L", column = "Sclerostin (pmol/L)", lod = 3.2}',
        "",
        "[protocol]",
        'muscle_mass_method = "bia"      # or "dxa"; used where the file has no method column',
        "gait_distance_m = 4",
        "```",
        "",
    ]
    return "\n".join(lines)


def write_markdown(path: str | os.PathLike[str]) -> None:
    """Write `render_markdown` to ``path`` (UTF-8)."""
    from pathlib import Path

    Path(path).write_text(render_markdown(), encoding="utf-8")
