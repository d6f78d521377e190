"""The analysis plan: defaults, TOML round trip, and validation messages."""

import tomllib

import pytest

from sarcostat.cli import main
from sarcostat.exceptions import PlanError
from sarcostat.study.plan import DEFAULT_PLAN_TOML, Plan, load_plan


def test_default_plan_is_the_seed_study():
    plan = Plan()
    assert plan.assessment.definition == "awgs2019"
    assert plan.model.covariates == ("age_yr", "sex", "bmi")
    assert plan.figure1.statuses == (
        "sarcopenia",
        "low_muscle_mass",
        "low_strength",
        "low_performance",
    )
    assert plan.outcomes.continuous == (
        "asm_kg",
        "smi",
        "grip_kg",
        "gait_speed_m_s",
        "chair_stand_5x_s",
        "sppb_total",
        "sps",
    )
    assert plan.biomarker.censored == "lod_sqrt2"
    assert plan.table1.continuous_test == "levene"


def test_default_toml_round_trips_and_comments_every_key():
    assert Plan.from_dict(tomllib.loads(DEFAULT_PLAN_TOML)) == Plan()
    lines = DEFAULT_PLAN_TOML.splitlines()
    for i, line in enumerate(lines):
        if " = " in line and not line.startswith("#"):
            assert lines[i - 1].startswith("#"), f"key without a comment: {line}"


def test_changed_plan_round_trips_through_a_file(tmp_path):
    plan = Plan().replace(
        biomarker={"column": "irisin", "censored": "exclude"},
        trend={"trend": "median"},
        ancova={"confidence": 0.9},
    )
    path = tmp_path / "p.toml"
    path.write_text(plan.to_toml(), encoding="utf-8")
    again = load_plan(path)
    assert again == plan
    assert again.biomarker.column == "irisin" and again.ancova.confidence == 0.9


def test_partial_file_takes_defaults_for_the_rest(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[trend]\ntrend = "poly"\n', encoding="utf-8")
    plan = load_plan(path)
    assert plan.trend.trend == "poly"
    assert plan.replace(trend={"trend": "score"}) == Plan()


@pytest.mark.parametrize(
    "text, needles",
    [
        ("[tables]\nx = 1\n", ["unknown table [tables]", "[biomarker]", "[trend]"]),
        ('[trend]\nmethod = "ntiles"\n', ["unknown key 'method' in [trend]", "quartile_method"]),
        ('[trend]\ntrend = "linear"\n', ["trend.trend = 'linear'", "score, median, poly"]),
        ('[ancova]\nweights = "equl"\n', ["ancova.weights", "equal, proportional"]),
        ("[ancova]\nconfidence = 95\n", ["ancova.confidence", "between 0 and 1"]),
        ('[model]\ncovariates = "age_yr"\n', ["model.covariates", "list of column names"]),
        ('[table3]\nfirth = "yes"\n', ["table3.firth", "true or false"]),
        ('[figure1]\nstatuses = ["sarcopenia", "sarcopenia"]\n', ["lists a column twice"]),
        ("[biomarker\n", ["not a valid TOML file"]),
    ],
)
def test_invalid_plan_names_the_problem(tmp_path, text, needles):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    msg = str(info.value)
    assert str(path) in msg
    for needle in needles:
        assert needle in msg


def test_missing_plan_file_is_a_plan_error(tmp_path):
    with pytest.raises(PlanError, match="plan file not found"):
        load_plan(tmp_path / "nope.toml")


def test_unknown_column_is_reported_with_the_available_ones():
    plan = Plan().replace(outcomes={"continuous": ["smi", "grip_strength"]})
    with pytest.raises(PlanError) as info:
        plan.check_columns(
            [
                "smi",
                "grip_kg",
                "sclerostin",
                "age_yr",
                "sex",
                "bmi",
                "sarcopenia",
                "low_muscle_mass",
                "low_strength",
                "low_performance",
                "weight_kg",
                "height_cm",
                "asm_kg",
                "gait_speed_m_s",
                "chair_stand_5x_s",
                "sppb_total",
                "sps",
            ],
            biomarker="sclerostin",
        )
    msg = str(info.value)
    assert "outcomes.continuous names column 'grip_strength'" in msg
    assert "grip_kg" in msg


def test_plan_init_writes_the_commented_default(tmp_path, capsys):
    path = tmp_path / "plan.toml"
    assert main(["plan", "--init", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == DEFAULT_PLAN_TOML
    assert load_plan(path) == Plan()
    # A second --init refuses to overwrite (usage error), --force overwrites.
    assert main(["plan", "--init", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err
    path.write_text("# mine\n", encoding="utf-8")
    assert main(["plan", "--init", str(path), "--force"]) == 0
    assert path.read_text(encoding="utf-8") == DEFAULT_PLAN_TOML


def test_plan_check_reports_differences_and_errors(tmp_path, capsys):
    path = tmp_path / "plan.toml"
    path.write_text('[trend]\ntrend = "median"\n', encoding="utf-8")
    assert main(["plan", "--check", str(path)]) == 0
    assert "[trend] trend = 'median'" in capsys.readouterr().out
    path.write_text('[trend]\ntrend = "medain"\n', encoding="utf-8")
    assert main(["plan", "--check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "trend.trend = 'medain'" in err and "Traceback" not in err


def test_plan_init_template_frailty_writes_the_packaged_frailty_plan(tmp_path, capsys):
    from sarcostat.study.plan import frailty_plan_path

    out = tmp_path / "frail_plan.toml"
    assert main(["plan", "--init", str(out), "--template", "frailty"]) == 0
    assert out.read_text(encoding="utf-8") == frailty_plan_path().read_text(encoding="utf-8")
    assert "frailty study's" in capsys.readouterr().out
    plan = load_plan(out)
    assert "frailty_means" in plan.to_dict()["study"]["steps"]
    # --template only chooses what --init writes
    assert main(["plan", "--check", str(out), "--template", "frailty"]) == 2
    assert "--template is used with --init" in capsys.readouterr().err
