"""docs/variables.md is generated from the code table and must be up to date."""

from pathlib import Path

from sarcostat.io.variables import VARIABLES, get_variable, render_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "variables.md"


def test_variables_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render_markdown(), (
        "docs/variables.md is stale; regenerate it with "
        "python -c \"import sarcostat.io.variables as v; v.write_markdown('docs/variables.md')\""
    )


def test_dictionary_has_the_required_columns_and_documented_ranges():
    names = {v.name for v in VARIABLES}
    required = {
        "id",
        "sex",
        "age_yr",
        "height_cm",
        "weight_kg",
        "bmi",
        "asm_kg",
        "muscle_mass_method",
        "grip_<n>_kg",
        "grip_kg",
        "gait_time_4m_s",
        "gait_speed_m_s",
        "gait_distance_m",
        "chair_stand_5x_s",
        "side_by_side_s",
        "semi_tandem_s",
        "tandem_s",
        "sppb_total",
        "calf_circumference_cm",
        "sarc_f_strength",
        "sarc_f_walking",
        "sarc_f_chair",
        "sarc_f_stairs",
        "sarc_f_falls",
        "sarc_f_total",
        "smi",
    }
    assert required <= names
    # The ranges the foundation issue names.
    assert (get_variable("height_cm").low, get_variable("height_cm").high) == (100, 220)
    assert (get_variable("age_yr").low, get_variable("age_yr").high) == (18, 120)
    assert (get_variable("grip_3_kg").low, get_variable("grip_kg").high) == (0, 100)
    assert (get_variable("gait_speed_m_s").low, get_variable("gait_speed_m_s").high) == (0.05, 3)
    assert (get_variable("smi").low, get_variable("smi").high) == (2, 15)
    # Aliases never point at two variables.
    from sarcostat.io.variables import normalize_header

    seen = {}
    for v in VARIABLES:
        for a in v.aliases:
            key = normalize_header(a)
            assert seen.setdefault(key, v.name) == v.name, key
