"""The fast paths of the classification engine (issue 20) give the old answers.

``reasons=False`` (the statuses without the per-participant ``reason``
text) must give exactly the columns of the full path, and the texts, now
built once per distinct (template, value) and joined by Arrow, must read
exactly as the row-by-row construction wrote them: the expected lists below
were written by that construction (sarcostat before issue 20) for this frame.
"""

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import classify, classify_many
from sarcostat.assess._engine import _formatted
from sarcostat.assess.classification import iter_classify
from sarcostat.assess.definitions import ewgsop2
from sarcostat.datasets import load_demo
from sarcostat.study.plan import load_plan
from sarcostat.study.steps.supp_definitions import classify_by, classify_each

DEFINITIONS = ("awgs2019", "ewgsop2", "ewgsop1", "awgs2014", "fnih2014", "sdoc2020", "iwgs2011")


def small_frame():
    nan = np.nan
    return pd.DataFrame(
        {
            "id": [f"P{i}" for i in range(1, 9)],
            "sex": ["female", "male", None, "Female", None, "male", "female", None],
            "muscle_mass_method": ["bia", "dxa", "bia", None, None, "bia", "dxa", "dxa"],
            "smi": [5.4, 8.0, 5.0, 5.55, 6.0, nan, 5.2, 7.5],
            "grip_kg": [16.0, 30.0, 12.0, nan, 25.0, 20.0, 17.95, 40.0],
            "gait_speed_m_s": [1.2, 0.5, nan, 0.7, 1.1, nan, 0.8, 1.3],
            "gait_unable": [False, False, False, False, False, True, False, False],
            "chair_stand_5x_s": [10.0, nan, 13.0, nan, 9.0, nan, 16.0, 8.0],
            "chair_stand_unable": [False, False, False, True, False, False, False, False],
            "sppb_total": [11.0, nan, 7.0, nan, 12.0, 4.0, 9.0, nan],
            "calf_circumference_cm": [32.5, 35.0, 33.5, nan, 30.0, 36.0, nan, 34.0],
            "sarc_f_total": [2.0, 5.0, nan, 4.0, 1.0, 0.0, 3.0, nan],
            "tug_s": [9.0, 25.0, nan, 21.0, 8.0, nan, 12.0, 7.0],
        }
    )


# (category, missing_inputs, reason) per definition, from the row-by-row engine
EXPECTED = {
    "awgs2019": (
        [
            "sarcopenia",
            "indeterminate",
            "severe sarcopenia",
            "indeterminate",
            "indeterminate",
            "indeterminate",
            "severe sarcopenia",
            "no sarcopenia",
        ],
        ["", "chair_stand_5x_s", "", "muscle_mass_method", "sex", "smi", "", ""],
        [
            "sarcopenia: SMI 5.40 < 5.7 kg/m² (woman, BIA); grip 16.0 < 18 kg (woman); gait speed 1.20 ≥ 1 m/s; 5× chair stand 10.00 < 12 s; SPPB 11 > 9 points; calf circumference 32.5 < 33 cm (woman); SARC-F 2 < 4 points; SARC-CalF 12 ≥ 11 points",
            "indeterminate: SMI 8.00 ≥ 7 kg/m² (man, DXA); grip 30.0 ≥ 28 kg (man); gait speed 0.50 < 1 m/s; 5× chair stand missing; SPPB missing; calf circumference 35.0 ≥ 34 cm (man); SARC-F 5 ≥ 4 points; SARC-CalF 5 < 11 points",
            "severe sarcopenia: SMI 5.00 kg/m² is abnormal by every possible cut-off (7/5.7; sex missing); grip 12.0 kg is abnormal by every possible cut-off (28/18; sex missing); gait speed missing; 5× chair stand 13.00 ≥ 12 s; SPPB 7 ≤ 9 points; calf circumference 33.5 cm but sex missing (the cut-offs disagree)",
            "indeterminate: SMI 5.55 kg/m² but muscle_mass_method missing (the cut-offs disagree); grip missing; gait speed 0.70 < 1 m/s; 5× chair stand unable (counts as ≥ 12 s); SPPB missing; SARC-F 4 ≥ 4 points",
            "indeterminate: SMI 6.00 kg/m² but sex missing (the cut-offs disagree); grip 25.0 kg but sex missing (the cut-offs disagree); gait speed 1.10 ≥ 1 m/s; 5× chair stand 9.00 < 12 s; SPPB 12 > 9 points; calf circumference 30.0 cm is abnormal by every possible cut-off (34/33; sex missing); SARC-F 1 < 4 points; SARC-CalF 11 ≥ 11 points",
            "indeterminate: SMI missing; grip 20.0 < 28 kg (man); gait speed unable (counts as < 1 m/s); 5× chair stand missing; SPPB 4 ≤ 9 points; calf circumference 36.0 ≥ 34 cm (man); SARC-F 0 < 4 points; SARC-CalF 0 < 11 points",
            "severe sarcopenia: SMI 5.20 < 5.4 kg/m² (woman, DXA); grip 17.9 < 18 kg (woman); gait speed 0.80 < 1 m/s; 5× chair stand 16.00 ≥ 12 s; SPPB 9 ≤ 9 points; SARC-F 3 < 4 points",
            "no sarcopenia: SMI 7.50 kg/m² is normal by every possible cut-off (7/5.4; sex missing); grip 40.0 kg is normal by every possible cut-off (28/18; sex missing); gait speed 1.30 ≥ 1 m/s; 5× chair stand 8.00 < 12 s; SPPB missing; calf circumference 34.0 cm is normal by every possible cut-off (34/33; sex missing)",
        ],
    ),
    "ewgsop2": (
        [
            "no sarcopenia",
            "indeterminate",
            "severe sarcopenia",
            "probable sarcopenia",
            "indeterminate",
            "indeterminate",
            "severe sarcopenia",
            "no sarcopenia",
        ],
        ["", "chair_stand_5x_s", "", "", "sex", "smi", "", ""],
        [
            "no sarcopenia: grip 16.0 ≥ 16 kg (woman); 5× chair stand 10.00 ≤ 15 s; SMI 5.40 < 5.5 kg/m² (woman); gait speed 1.20 > 0.8 m/s; SPPB 11 > 8 points; TUG 9.0 < 20 s",
            "indeterminate: grip 30.0 ≥ 27 kg (man); 5× chair stand missing; SMI 8.00 ≥ 7 kg/m² (man); gait speed 0.50 ≤ 0.8 m/s; SPPB missing; TUG 25.0 ≥ 20 s",
            "severe sarcopenia: grip 12.0 kg is abnormal by every possible cut-off (27/16; sex missing); 5× chair stand 13.00 ≤ 15 s; SMI 5.00 kg/m² is abnormal by every possible cut-off (7/5.5; sex missing); gait speed missing; SPPB 7 ≤ 8 points; TUG missing",
            "probable sarcopenia: grip missing; 5× chair stand unable (counts as > 15 s); SMI 5.55 ≥ 5.5 kg/m² (woman); gait speed 0.70 ≤ 0.8 m/s; SPPB missing; TUG 21.0 ≥ 20 s",
            "indeterminate: grip 25.0 kg but sex missing (the cut-offs disagree); 5× chair stand 9.00 ≤ 15 s; SMI 6.00 kg/m² but sex missing (the cut-offs disagree); gait speed 1.10 > 0.8 m/s; SPPB 12 > 8 points; TUG 8.0 < 20 s",
            "indeterminate: grip 20.0 < 27 kg (man); 5× chair stand missing; SMI missing; gait speed unable (counts as ≤ 0.8 m/s); SPPB 4 ≤ 8 points; TUG missing",
            "severe sarcopenia: grip 17.9 ≥ 16 kg (woman); 5× chair stand 16.00 > 15 s; SMI 5.20 < 5.5 kg/m² (woman); gait speed 0.80 ≤ 0.8 m/s; SPPB 9 > 8 points; TUG 12.0 < 20 s",
            "no sarcopenia: grip 40.0 kg is normal by every possible cut-off (27/16; sex missing); 5× chair stand 8.00 ≤ 15 s; SMI 7.50 kg/m² is normal by every possible cut-off (7/5.5; sex missing); gait speed 1.30 > 0.8 m/s; SPPB missing; TUG 7.0 < 20 s",
        ],
    ),
    "ewgsop1": (
        [
            "indeterminate",
            "no sarcopenia",
            "indeterminate",
            "indeterminate",
            "indeterminate",
            "indeterminate",
            "severe sarcopenia",
            "no sarcopenia",
        ],
        [
            "smi (EWGSOP1 has no BIA cut-off)",
            "",
            "smi (EWGSOP1 has no BIA cut-off)",
            "muscle_mass_method",
            "muscle_mass_method, sex",
            "smi",
            "",
            "",
        ],
        [
            "indeterminate: SMI: EWGSOP1 has no cut-off for BIA; grip 16.0 < 20 kg (woman) [unverified cut-off]; gait speed 1.20 > 0.8 m/s [unverified cut-off]",
            "no sarcopenia: SMI 8.00 ≥ 7.26 kg/m² (man, DXA) [unverified cut-off]; grip 30.0 ≥ 30 kg (man) [unverified cut-off]; gait speed 0.50 ≤ 0.8 m/s [unverified cut-off]",
            "indeterminate: SMI: EWGSOP1 has no cut-off for BIA; grip 12.0 kg is abnormal by every possible cut-off (30/20; sex missing) [unverified cut-off]; gait speed missing",
            "indeterminate: SMI 5.55 kg/m² but muscle_mass_method missing (EWGSOP1 has no SMI cut-off for BIA); grip missing; gait speed 0.70 ≤ 0.8 m/s [unverified cut-off]",
            "indeterminate: SMI 6.00 kg/m² but sex and muscle_mass_method missing (EWGSOP1 has no SMI cut-off for BIA); grip 25.0 kg but sex missing (the cut-offs disagree); gait speed 1.10 > 0.8 m/s [unverified cut-off]",
            "indeterminate: SMI missing; grip 20.0 < 30 kg (man) [unverified cut-off]; gait speed unable (counts as ≤ 0.8 m/s)",
            "severe sarcopenia: SMI 5.20 < 5.5 kg/m² (woman, DXA) [unverified cut-off]; grip 17.9 < 20 kg (woman) [unverified cut-off]; gait speed 0.80 ≤ 0.8 m/s [unverified cut-off]",
            "no sarcopenia: SMI 7.50 kg/m² is normal by every possible cut-off (7.26/5.5; sex missing) [unverified cut-off]; grip 40.0 kg is normal by every possible cut-off (30/20; sex missing) [unverified cut-off]; gait speed 1.30 > 0.8 m/s [unverified cut-off]",
        ],
    ),
    "fnih2014": (
        [
            "no sarcopenia",
            "no sarcopenia",
            "indeterminate",
            "indeterminate",
            "indeterminate",
            "indeterminate",
            "no sarcopenia",
            "no sarcopenia",
        ],
        ["", "", "alm_bmi", "alm_bmi, grip_kg", "alm_bmi, sex", "alm_bmi", "", ""],
        [
            "no sarcopenia: grip 16.0 ≥ 16 kg (woman); ALM/BMI missing; gait speed 1.20 ≥ 0.8 m/s [unverified cut-off]",
            "no sarcopenia: grip 30.0 ≥ 26 kg (man); ALM/BMI missing; gait speed 0.50 < 0.8 m/s [unverified cut-off]",
            "indeterminate: grip 12.0 kg is abnormal by every possible cut-off (26/16; sex missing); ALM/BMI missing; gait speed missing",
            "indeterminate: grip missing; ALM/BMI missing; gait speed 0.70 < 0.8 m/s [unverified cut-off]",
            "indeterminate: grip 25.0 kg but sex missing (the cut-offs disagree); ALM/BMI missing; gait speed 1.10 ≥ 0.8 m/s [unverified cut-off]",
            "indeterminate: grip 20.0 < 26 kg (man); ALM/BMI missing; gait speed unable (counts as < 0.8 m/s)",
            "no sarcopenia: grip 17.9 ≥ 16 kg (woman); ALM/BMI missing; gait speed 0.80 ≥ 0.8 m/s [unverified cut-off]",
            "no sarcopenia: grip 40.0 kg is normal by every possible cut-off (26/16; sex missing); ALM/BMI missing; gait speed 1.30 ≥ 0.8 m/s [unverified cut-off]",
        ],
    ),
}


@pytest.mark.parametrize("definition", sorted(EXPECTED))
def test_texts_read_as_the_row_by_row_engine_wrote_them(definition):
    out = classify(small_frame(), definition)
    category, missing, reason = EXPECTED[definition]
    assert out["category"].tolist() == category
    assert out["missing_inputs"].tolist() == missing
    assert out["reason"].tolist() == reason


def _varied(n=4000, seed=3):
    """Both sexes and missing sex, every muscle_mass_method and missing, 'unable',
    missing values everywhere, derived SMI/grip/SPPB next to given ones."""
    r = np.random.default_rng(seed)

    def miss(x, p=0.15):
        x = np.asarray(x, dtype=float).copy()
        x[r.random(n) < p] = np.nan
        return x

    return pd.DataFrame(
        {
            "id": [f"V{i}" for i in range(n)],
            "sex": r.choice(np.array(["male", "female", "FEMALE", None], dtype=object), n),
            "muscle_mass_method": r.choice(np.array(["bia", "dxa", "DXA", None], dtype=object), n),
            "height_cm": miss(r.normal(162, 9, n), 0.05),
            "weight_kg": miss(r.normal(63, 11, n), 0.05),
            "asm_kg": miss(r.normal(17, 4, n)),
            "smi": miss(r.normal(6.5, 1.2, n), 0.6),
            "grip_1_kg": miss(r.normal(25, 8, n)),
            "grip_2_kg": miss(r.normal(25, 8, n), 0.5),
            "gait_speed_m_s": miss(r.normal(1.0, 0.25, n), 0.4),
            "gait_time_4m_s": miss(r.uniform(2, 12, n), 0.3),
            "gait_unable": r.random(n) < 0.04,
            "chair_stand_5x_s": miss(r.normal(12, 3, n)),
            "chair_stand_unable": r.random(n) < 0.04,
            "side_by_side_s": np.where(r.random(n) < 0.9, 10.0, r.uniform(0, 10, n)),
            "semi_tandem_s": miss(np.where(r.random(n) < 0.8, 10.0, r.uniform(0, 10, n))),
            "tandem_s": miss(r.uniform(0, 12, n)),
            "tug_s": miss(r.normal(11, 4, n)),
            "calf_circumference_cm": miss(r.normal(33.5, 3, n)),
            "sarc_f_total": miss(r.integers(0, 8, n)),
        }
    )


def _demo_edited():
    demo = load_demo().copy()
    n = len(demo)
    demo["sex"] = demo["sex"].astype(object)
    demo.loc[demo.index[::7], "sex"] = None
    demo["muscle_mass_method"] = np.array(["bia", "dxa", None], dtype=object)[np.arange(n) % 3]
    demo.loc[demo.index[::5], "grip_kg"] = np.nan
    demo["gait_unable"] = np.arange(n) % 11 == 0
    return demo


@pytest.mark.parametrize("make", [_varied, _demo_edited])
def test_statuses_without_reasons_are_those_of_the_full_path(make):
    data = make()
    full = classify_many(data, "all")
    fast = classify_many(data, "all", reasons=False)
    for name in DEFINITIONS:
        assert "reason" not in fast[name].columns
        pd.testing.assert_frame_equal(fast[name], full[name].drop(columns="reason"))
        # one definition at a time gives the same as several at once
        pd.testing.assert_frame_equal(classify(data, name, reasons=False), fast[name])
    assert [n for n, _ in iter_classify(data, ["sdoc2020", "awgs2019"])] == ["sdoc2020", "awgs2019"]


def test_definitions_step_tables_match_the_full_classification():
    data, plan = _varied(1500, seed=8), load_plan()
    names = list(DEFINITIONS) + ["awgs2019"]  # a repeated name keeps its place
    got = list(classify_each(names, data, plan))
    assert [g[0] for g in got] == names
    for name, table, used in got:
        full, full_used = classify_by(name, data, plan)
        assert used == full_used
        pd.testing.assert_frame_equal(table, full.drop(columns="reason"))
    sup = plan.supplementary
    table, _ = ewgsop2.classify_using(data, strength=sup.ewgsop2_strength, reasons=False)
    assert "reason" not in table.columns


def test_definitions_step_derives_the_measures_once(monkeypatch):
    # EWGSOP2 with the plan's tests reads the same derivation as the others
    from sarcostat.assess import _engine

    made = []
    real = _engine.Prepared.__init__

    def spy(self, *args, **kwargs):
        made.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(_engine.Prepared, "__init__", spy)
    data, plan = _varied(600, seed=9), load_plan()
    got = list(classify_each(["awgs2019", "ewgsop2", "fnih2014"], data, plan))
    assert [g[0] for g in got] == ["awgs2019", "ewgsop2", "fnih2014"] and len(made) == 1


def test_values_are_formatted_as_python_formats_them():
    r = np.random.default_rng(0)
    ties = [2.675, 0.125, 0.375, 1.005, 1.015, 2.5, 3.5, 0.5, -0.004, -0.0, 0.0, 123456789.125]
    values = np.concatenate(
        [
            np.round(r.normal(5, 3, 3000), 3),
            r.normal(0, 0.01, 300),
            np.arange(-5, 5, 0.0005),
            ties,
            [np.inf, -np.inf, np.nan, 1e300, -1e20],
        ]
    )
    for digits in (0, 1, 2, 3):
        codes, texts = _formatted(values, digits)
        words = texts.to_pylist()
        got = ["" if c < 0 else words[c] for c in codes]
        assert got == ["" if v != v else f"{v:.{digits}f}" for v in values.tolist()]


def test_texts_built_in_slices_are_the_same(monkeypatch):
    from sarcostat.assess import _engine

    monkeypatch.setattr(_engine, "_REASON_ROWS", 3)
    out = classify(small_frame(), "awgs2019")
    assert out["reason"].tolist() == EXPECTED["awgs2019"][2]
    empty = classify(small_frame().iloc[:0], "awgs2019")
    assert len(empty) == 0 and "reason" in empty.columns


def test_reason_codes_widen_past_int8():
    # a part's codes are int8 while its templates fit, then int32: every
    # template keeps its own text, the first ones included
    from sarcostat.assess._engine import Prepared, _Part

    frame = small_frame()
    n = len(frame)
    part = _Part(n, "grip_kg")
    assert part.code.dtype == np.int8
    for k in range(200):
        part.set(np.array([k % n]), f"t{k}")
    assert part.code.dtype == np.int32 and len(part.templates) == 200
    # the last template set on each row wins, as before the widening
    want = [f"t{max(k for k in range(200) if k % n == row)}" for row in range(n)]
    assert part.arrow(Prepared(frame), slice(0, n)).to_pylist() == want


def test_body_measures_share_a_column_with_nothing_to_fill():
    from sarcostat.io.derive import body_measures

    h = np.array([160.0, 170.0, np.nan])
    w = np.array([60.0, np.nan, 70.0])
    bmi = np.array([23.4, np.nan, 24.0])
    out = body_measures(height_cm=h, weight_kg=w, bmi=bmi)
    # nothing derivable where the given BMI is blank: the given column itself
    assert out["bmi"] is bmi
    bmi2 = np.array([np.nan, np.nan, 24.0])
    got = body_measures(height_cm=h, weight_kg=w, bmi=bmi2)["bmi"]
    assert got is not bmi2 and np.isnan(bmi2[0])  # filled in a new array
    assert got[0] == pytest.approx(60 / 1.6**2) and np.isnan(got[1]) and got[2] == 24.0


@pytest.mark.parametrize(
    "drop",
    [
        ["chair_stand_5x_s"],
        ["calf_circumference_cm"],
        ["sarc_f_total"],
        ["gait_unable"],
        ["chair_stand_5x_s", "sppb_total", "calf_circumference_cm", "sarc_f_total"],
    ],
)
def test_measures_without_their_inputs_are_the_functions_values(drop):
    # The engine answers a measure whose inputs the table lacks with its one
    # shared NaN column (no array per measure); the values are those of the
    # measure functions themselves, and so are the measures it still derives.
    from sarcostat.assess._engine import measure_table
    from sarcostat.assess._measures import coded, gait_speed, sarc_calf, sarc_f_total
    from sarcostat.assess.sppb import sppb_total

    data = small_frame().drop(columns=drop)
    table = measure_table(data, coded(data, "sex"))
    want = {
        "sppb_total": sppb_total(data),
        "sarc_f_total": sarc_f_total(data),
        "sarc_calf": sarc_calf(data),
        "gait_speed_m_s": np.where(
            data.get("gait_unable", pd.Series(False, index=data.index)).to_numpy(bool),
            np.nan,
            gait_speed(data),
        ),
    }
    if "chair_stand_5x_s" not in data:
        want["chair_stand_5x_s"] = np.full(len(data), np.nan)
    for name, values in want.items():
        np.testing.assert_array_equal(table[name][0], values, err_msg=name)
    for name in ("chair_stand_5x_s", "sarc_calf", "sarc_f_total"):
        got = table[name][0]
        if np.isnan(want.get(name, got)).all():
            assert not got.flags.writeable  # the shared read-only NaN column
