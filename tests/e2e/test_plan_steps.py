"""The analysis plan as data: registered steps, skipping what a cohort lacks,
a step added from outside, and the seed plan file."""

import importlib
import json
import math
from dataclasses import dataclass

import pandas as pd
import pytest

import sarcostat
from sarcostat.cli import main
from sarcostat.exceptions import PlanError
from sarcostat.study import registry
from sarcostat.study import steps as catalog
from sarcostat.study.options import column_list, option
from sarcostat.study.plan import (
    SEED_STEPS,
    SUPPLEMENTARY_STEPS,
    Plan,
    load_plan,
    load_seed_plan,
    seed_plan_path,
)
from sarcostat.study.registry import Need, Step


def _run(argv):
    import contextlib
    import io

    so, se = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
        code = main(argv)
    return code, so.getvalue(), se.getvalue()


def test_seed_steps_are_registered_with_their_declarations():
    steps = catalog.all_steps()
    # The seed's five parts, then the supplementary analyses (docs/supplementary.md).
    assert list(Plan().study.steps) == [*SEED_STEPS, *SUPPLEMENTARY_STEPS]
    assert list(SEED_STEPS) == ["table1", "fig1", "table2", "fig2", "table3"]
    for name in Plan().study.steps:
        step = steps[name]
        assert step.name == name and step.heading and step.template.startswith("steps/")
        assert step.keys and set(step.keys) <= set(step.columns)
        module, _, cls = step.result_type.rpartition(".")
        assert isinstance(getattr(importlib.import_module(module), cls), type)


def test_each_step_keeps_results_of_its_declared_type(cohort_csv):
    res = sarcostat.analyze(cohort_csv)
    seen = set()
    for key, obj in res.analyses.items():
        name = key.split("/")[0]
        if key == "fig2/quartiles":
            continue
        step = catalog.get(name)
        module, _, cls = step.result_type.rpartition(".")
        assert isinstance(obj, getattr(importlib.import_module(module), cls)), key
        seen.add(name)
    assert seen == set(Plan().study.steps)


def test_seed_plan_file_is_the_default_plan():
    assert seed_plan_path().is_file()
    # The default plan adds the supplementary steps; everything else is equal.
    seed_default = Plan().replace(study={"steps": list(SEED_STEPS)})
    assert load_seed_plan() == seed_default
    assert load_plan(str(seed_plan_path())) == seed_default


def test_missing_columns_skip_and_shorten_with_every_column_listed_once(cohort_csv, tmp_path):
    # No weight (so no BMI, a covariate of every adjusted model) and no balance
    # items (so no SPPB score): Table 1 is shortened, the model steps are
    # skipped; one note lists every missing column.
    d = pd.read_csv(cohort_csv).drop(
        columns=["weight_kg", "side_by_side_s", "semi_tandem_s", "tandem_s"]
    )
    path = tmp_path / "lean.csv"
    d.to_csv(path, index=False)
    out = tmp_path / "r"
    code, stdout, err = _run(["analyze", str(path), "-o", str(out)])
    assert code == 0, err
    lines = [ln for ln in err.splitlines() if "lacks or holds no value in" in ln]
    assert len(lines) == 1
    for col in ("weight_kg", "bmi (derived from weight_kg", "sppb_total (derived from"):
        assert col in lines[0]
    assert "Table 1: left out the rows the cohort lacks data for" in err
    for heading in ("Figure 1", "Table 2", "Figure 2", "Table 3"):
        assert f"{heading} skipped: the cohort lacks" in err
        assert f"{heading} skipped: the cohort lacks" in stdout  # the closing summary
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert {"fig1", "table2", "fig2", "table3"} <= set(res["skipped"])
    assert "table1" not in res["skipped"] and "table1_full" not in res["skipped"]
    assert "model.covariates: bmi" in res["skipped"]["table2"]
    assert "grip_kg" in res["table1"] and "sppb_total" not in res["table1"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<p class="skipped">Table 2 skipped: the cohort lacks' in html
    assert not (out / "fig1.png").exists() and (out / "table1.csv").is_file()
    assert pd.read_csv(out / "table2.csv").empty


def test_a_cohort_without_muscle_mass_gives_a_report(cohort_csv, tmp_path):
    # The default plan on a cohort without asm_kg: nobody can have sarcopenia
    # (AWGS needs low muscle mass), so Table 1 by sarcopenia cannot be made;
    # the report says why and the other parts are computed.
    d = pd.read_csv(cohort_csv).drop(columns=["asm_kg"])
    path = tmp_path / "no_asm.csv"
    d.to_csv(path, index=False)
    code, stdout, err = _run(["analyze", str(path), "-o", str(tmp_path / "r")])
    assert code == 0, err
    assert "asm_kg, smi (derived from asm_kg and height_cm), sps" in err
    assert "Table 1 skipped:" in stdout
    res = json.loads((tmp_path / "r" / "results.json").read_text(encoding="utf-8"))
    assert "low_strength" in res["table3"] and "low_muscle_mass" not in res["table3"]
    assert "grip_kg" in res["table2"] and "asm_kg" not in res["table2"]


def test_a_typo_in_a_column_name_is_still_a_plan_error(cohort_csv):
    with pytest.raises(PlanError, match="outcomes.binary names column 'sarcopnia'"):
        sarcostat.analyze(cohort_csv, plan={"outcomes": {"binary": ["sarcopnia"]}})


def test_steps_list_chooses_and_orders_the_parts(cohort_csv):
    res = sarcostat.analyze(cohort_csv, plan={"study": {"steps": ["table3", "table1"]}})
    assert res.steps == ["table3", "table1"]
    html = res.to_html()
    # The odds-ratio table comes first; tables are numbered in report order
    # (the same numbers as in tables.docx), so it is Table 1 here.
    odds, baseline = (
        html.index("Logistic regression analysis"),
        html.index("Baseline characteristics"),
    )
    assert odds < baseline
    assert html.index("<h2>Table 1</h2>") < odds < html.index("<h2>Table 2</h2>") < baseline
    assert "<h2>Table 3</h2>" not in html
    assert "<h2>Figure 1</h2>" not in html and "Least-squares" not in res.methods_text()
    with pytest.raises(PlanError, match="study.steps contains 'table9'"):
        Plan().replace(study={"steps": ["table9"]})


@dataclass(frozen=True)
class _MedianPlan:
    """``[medians]``: a test step's own section."""

    variables: tuple = column_list(("grip_kg", "height_cm"), comment="Columns to summarise.")
    scale: float = option(0.5, comment="A level.", kind="level")


class _Medians(Step):
    # A step added from outside the package: one class, no template (the
    # report shows its frame as a plain table).
    name = "medians"
    heading = "Medians"
    title = "Medians (test step)"
    section = "medians"
    options = _MedianPlan
    section_comment = "Medians of some columns (a test step)."
    result_type = "builtins.float"
    columns = ("variable", "median")
    keys = ("variable",)

    def needs(self, plan, biomarker):
        return [Need("medians.variables", c, row=True) for c in plan.medians.variables]

    def run(self, ctx):
        rows = []
        for col in ctx.present(ctx.plan.medians.variables):
            value = float(ctx.data[col].median())
            ctx.analyses[f"medians/{col}"] = value
            rows.append({"variable": col, "median": value})
        return pd.DataFrame(rows, columns=list(self.columns))


@pytest.fixture
def medians_step():
    registry.register(_Medians)
    yield
    registry.unregister("medians")


def test_a_registered_step_brings_its_section_and_renders(medians_step, cohort_csv, tmp_path):
    plan = Plan()
    assert plan.medians.variables == ("grip_kg", "height_cm")
    toml = plan.to_toml()
    assert "[medians]" in toml and "# Medians of some columns (a test step)." in toml
    path = tmp_path / "p.toml"
    path.write_text(
        '[study]\nsteps = ["table1", "medians"]\n[medians]\nvariables = ["grip_kg"]\n',
        encoding="utf-8",
    )
    with pytest.raises(PlanError, match="unknown key 'nope' in \\[medians\\]"):
        Plan.from_dict({"medians": {"nope": 1}})
    res = sarcostat.analyze(cohort_csv, plan=path)
    assert res.steps == ["table1", "medians"]
    got = res.frames["medians"].set_index("variable")["median"]
    d = pd.read_csv(cohort_csv)
    assert math.isclose(got["grip_kg"], float(d[["grip_1_kg", "grip_2_kg"]].max(axis=1).median()))
    html = res.to_html()
    assert "<h2>Medians</h2>" in html and 'id="medians-1"' in html
    out = res.write(tmp_path / "r")
    assert (out / "medians.csv").is_file()
    assert "grip_kg" in json.loads((out / "results.json").read_text())["medians"]
