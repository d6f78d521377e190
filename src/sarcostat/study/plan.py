"""The analysis plan: what ``sarcostat analyze`` computes, as data.

A plan is a small TOML file with one table per part of the report. Every
key has a default; the defaults are the seed study (serum sclerostin and
sarcopenia in Korean older adults: AWGS 2019, covariates age, sex and BMI,
Tables 1-3 and Figures 1-2 of the paper). ``sarcostat plan --init plan.toml``
writes the default plan out with a comment on every key.

Validation happens in two steps, both before any computation:

1. `load_plan` / `Plan.from_dict` reject unknown tables, unknown
   keys, wrong types and unknown option values, naming the key and the
   allowed values (`PlanError`).
2. `Plan.check_columns` rejects columns the cohort does not have (or
   that the assessment step does not derive), listing the available ones.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sarcostat.exceptions import PlanError
from sarcostat.study.options import column_list, option

#: How left-censored biomarker values (``<LOD``) are handled.
CENSORED_OPTIONS = ("lod_sqrt2", "lod_half", "lod", "exclude")
#: Sarcopenia definitions the assessment layer implements.
DEFINITION_OPTIONS = (
    "awgs2019",
    "ewgsop2",
    "ewgsop1",
    "awgs2014",
    "fnih2014",
    "sdoc2020",
    "iwgs2011",
)
#: Table 1 test for continuous rows: Student's or Welch's t by Levene's test
#: (SPSS, the seed), always Student's, always Welch's, or Mann-Whitney U.
CONTINUOUS_TEST_OPTIONS = ("levene", "student", "welch", "mannwhitney")
#: Table 1 test for categorical rows: Pearson chi-square, switching to Fisher's
#: exact test when an expected count is below 5 (auto, the seed), or always
#: Pearson, Yates-corrected, or Fisher.
CATEGORICAL_TEST_OPTIONS = ("auto", "pearson", "yates", "fisher")
#: LS-means averaging over factor levels (emmeans ``weights``).
WEIGHTS_OPTIONS = ("equal", "proportional", "outer", "cells", "flat")
#: How a 0/1 covariate enters the reference grid: at its mean (the
#: proportion, SPSS EMMEANS) or as a factor averaged over its levels.
BINARY_COVARIATE_OPTIONS = ("proportion", "factor")
#: Multiplicity adjustment for pairwise LS-mean contrasts (SPSS names).
ADJUST_OPTIONS = ("lsd", "none", "bonferroni", "sidak")
#: Quartile cut rule: SPSS RANK /NTILES(4) or SPSS percentiles (HAVERAGE).
QUARTILE_OPTIONS = ("ntiles", "percentile")
#: P for trend: quartile number as a continuous term, quartile medians as a
#: continuous term, or the linear polynomial contrast of the ANCOVA.
TREND_OPTIONS = ("score", "median", "poly")
#: Adjustment of the pairwise quartile comparisons (Q1 vs Q4 post hoc).
POSTHOC_OPTIONS = ("bonferroni", "sidak", "lsd", "none")

#: Columns the assessment step adds to every cohort (so a plan may name them).
DERIVED_COLUMNS = (
    "sarcopenia",
    "low_muscle_mass",
    "low_strength",
    "low_performance",
    "sps",
    "sppb_total",
    "sex_male",
    "bmi",
    "smi",
)
#: Inputs of each derived column, for error messages.
DERIVED_FROM = {
    "sppb_total": "side_by_side_s, semi_tandem_s, tandem_s, gait_time_4m_s and chair_stand_5x_s",
    "sps": "smi (or asm_kg and height_cm), grip_kg and gait_speed_m_s",
    "bmi": "weight_kg and height_cm",
    "smi": "asm_kg and height_cm",
    "sex_male": "sex",
}
#: Binary statuses the assessment step derives (valid Fig. 1 / Table 3 entries).
STATUS_COLUMNS = ("sarcopenia", "low_muscle_mass", "low_strength", "low_performance")


# The field helpers (shared with plan steps that bring their own section).
_opt = option
_list = column_list


#: The seed study's steps, in report order.
SEED_STEPS = ("table1", "fig1", "table2", "fig2", "table3")
#: The supplementary analyses (study/steps/supp_*.py), in report order.
SUPPLEMENTARY_STEPS = (
    "table1_full",
    "table2_ci",
    "lsmean_differences",
    "model_sets",
    "sex_interaction",
    "roc",
    "spline",
    "quartile_or",
    "log_biomarker",
    "definitions",
    "flow",
)
#: The default plan: the seed's parts, then the supplementary analyses
#: (``sarcostat reproduce`` runs the seed plan file, which names only the seed's).
DEFAULT_STEPS = SEED_STEPS + SUPPLEMENTARY_STEPS


def _step_names() -> tuple[str, ...]:
    from sarcostat.study.steps import all_steps as steps

    return tuple(steps())


@dataclass(frozen=True)
class StudyPlan:
    """``[study]``: which plan steps run, in report order."""

    steps: tuple = _list(
        DEFAULT_STEPS,
        comment=(
            "Parts of the report, in order (the seed study: Table 1, Figure 1, Table 2, "
            "Figure 2, Table 3; then the supplementary analyses, each removable from the "
            "list). A part whose columns the cohort lacks is skipped with a note."
        ),
        options=_step_names,
    )


@dataclass(frozen=True)
class BiomarkerPlan:
    """``[biomarker]``: the exposure of every analysis."""

    column: str = _opt(
        "auto",
        comment=(
            'Biomarker column. "auto" = the only biomarker column of the cohort '
            "(the seed study: sclerostin)."
        ),
    )
    unit: str = _opt(
        "auto", comment='Unit shown in the report. "auto" = the unit read with the data.'
    )
    label: str = _opt(
        "auto",
        comment='Name shown in the report, e.g. "Serum sclerostin". "auto" = the column name.',
    )
    censored: str = _opt(
        "lod_sqrt2",
        CENSORED_OPTIONS,
        comment=(
            "Values below the detection limit: substitute LOD/sqrt(2) (Hornung & Reed 1990), "
            "LOD/2, LOD, or exclude the participant from analyses of the biomarker."
        ),
    )


@dataclass(frozen=True)
class AssessmentPlan:
    """``[assessment]``: how participants are classified."""

    definition: str = _opt(
        "awgs2019", DEFINITION_OPTIONS, comment="Sarcopenia definition (the seed study: AWGS 2019)."
    )


@dataclass(frozen=True)
class ModelPlan:
    """``[model]``: confounders of every adjusted model."""

    covariates: tuple = _list(
        ("age_yr", "sex", "bmi"),
        comment=(
            'Covariates of the adjusted models ("sex" enters as 0/1 male). '
            "The seed study: age, sex and BMI."
        ),
    )


@dataclass(frozen=True)
class Table1Plan:
    """``[table1]``: baseline characteristics by group."""

    group: str = _opt("sarcopenia", comment="Binary column that splits the columns of Table 1.")
    continuous: tuple = _list(
        (
            "age_yr",
            "weight_kg",
            "height_cm",
            "bmi",
            "asm_kg",
            "smi",
            "grip_kg",
            "gait_speed_m_s",
            "chair_stand_5x_s",
            "sppb_total",
            "sps",
        ),
        comment="Rows shown as mean +/- SD.",
    )
    categorical: tuple = _list(("sex",), comment="Rows shown as n (%).")
    continuous_test: str = _opt(
        "levene",
        CONTINUOUS_TEST_OPTIONS,
        comment=(
            "Test for continuous rows: Student's or Welch's t chosen by Levene's test at 0.05 "
            "(SPSS T-TEST output read the usual way; reproduces the seed's P values), always "
            "Student's t, always Welch's t, or Mann-Whitney U."
        ),
    )
    categorical_test: str = _opt(
        "auto",
        CATEGORICAL_TEST_OPTIONS,
        comment=(
            "Test for categorical rows: Pearson chi-square, or Fisher's exact when an expected "
            "count is < 5 (auto, the seed); or always Pearson, Yates or Fisher."
        ),
    )


@dataclass(frozen=True)
class Figure1Plan:
    """``[figure1]``: biomarker LS means by each status."""

    statuses: tuple = _list(
        STATUS_COLUMNS,
        comment=(
            "Binary statuses; one pair of LS means (with / without) per status, "
            "panel A unadjusted, panel B adjusted."
        ),
    )


@dataclass(frozen=True)
class OutcomesPlan:
    """``[outcomes]``: the parameters of Table 2 / Figure 2 and Table 3."""

    continuous: tuple = _list(
        ("asm_kg", "smi", "grip_kg", "gait_speed_m_s", "chair_stand_5x_s", "sppb_total", "sps"),
        comment="Table 2 (standardized beta) and Figure 2 (LS means by biomarker quartile).",
    )
    binary: tuple = _list(STATUS_COLUMNS, comment="Table 3 (odds ratio per SD of the biomarker).")


@dataclass(frozen=True)
class AncovaPlan:
    """``[ancova]``: least-squares means (Figure 1 and Figure 2)."""

    weights: str = _opt(
        "equal",
        WEIGHTS_OPTIONS,
        comment=(
            "Averaging over factor levels (emmeans weights): equal (SPSS EMMEANS), "
            "proportional, outer, cells or flat."
        ),
    )
    binary_covariates: str = _opt(
        "proportion",
        BINARY_COVARIATE_OPTIONS,
        comment=("A 0/1 covariate (sex) at its mean, i.e. the proportion (SPSS), or as a factor."),
    )
    adjust: str = _opt(
        "lsd",
        ADJUST_OPTIONS,
        comment=("Multiplicity adjustment of pairwise comparisons (SPSS: lsd = none)."),
    )
    confidence: float = _opt(0.95, comment="Confidence level of every interval.", kind="level")


@dataclass(frozen=True)
class TrendPlan:
    """``[trend]``: quartiles of the biomarker (Figure 2)."""

    quartile_method: str = _opt(
        "ntiles",
        QUARTILE_OPTIONS,
        comment=(
            "Quartile groups: SPSS RANK /NTILES(4) (ties share a group) or cut at the "
            "SPSS percentiles (HAVERAGE)."
        ),
    )
    trend: str = _opt(
        "score",
        TREND_OPTIONS,
        comment=(
            "P for trend: quartile number 1-4 as a continuous term in the regression (score), "
            "the quartile's biomarker median as that term (median), or the linear polynomial "
            "contrast of the LS means (poly)."
        ),
    )
    posthoc: str = _opt(
        "bonferroni",
        POSTHOC_OPTIONS,
        comment=("Adjustment of the pairwise quartile comparisons (Q1 vs Q4 is reported)."),
    )


@dataclass(frozen=True)
class Table3Plan:
    """``[table3]``: logistic regression options."""

    firth: bool = _opt(
        False,
        comment=(
            "Firth's penalized likelihood (for few events or separation); "
            "the seed used ordinary maximum likelihood."
        ),
        kind="bool",
    )


_SECTIONS = (
    ("study", StudyPlan),
    ("biomarker", BiomarkerPlan),
    ("assessment", AssessmentPlan),
    ("model", ModelPlan),
    ("table1", Table1Plan),
    ("figure1", Figure1Plan),
    ("outcomes", OutcomesPlan),
    ("ancova", AncovaPlan),
    ("trend", TrendPlan),
    ("table3", Table3Plan),
)

_SECTION_COMMENTS = {
    "study": "The analyses (plan steps) of the report.",
    "biomarker": "The exposure: one biomarker column of the cohort.",
    "assessment": "Classification of every participant.",
    "model": "Adjusted models (Figures 1-2, Tables 2-3).",
    "table1": "Table 1: baseline characteristics by group.",
    "figure1": "Figure 1: biomarker by sarcopenia status and its components.",
    "outcomes": "Table 2 / Figure 2 (continuous) and Table 3 (binary) outcomes.",
    "ancova": "Least-squares means (ANCOVA), as SPSS GLM /EMMEANS.",
    "trend": "Figure 2: biomarker quartiles and P for trend.",
    "table3": "Table 3: logistic regression, odds ratio per SD of the biomarker.",
}


def _step_sections() -> list[tuple[str, type, str]]:
    """(name, dataclass, comment) of the sections registered plan steps bring."""
    from sarcostat.study.steps import all_steps as steps

    builtin = {name for name, _ in _SECTIONS}
    out, seen = [], set()
    for step in steps().values():
        if step.options is None or step.section in builtin or step.section in seen:
            continue
        seen.add(step.section)
        out.append((step.section, step.options, step.section_comment or step.heading))
    return out


def _all_sections() -> list[tuple[str, type]]:
    return list(_SECTIONS) + [(name, klass) for name, klass, _ in _step_sections()]


def _default_extra() -> tuple:
    return tuple((name, klass()) for name, klass, _ in _step_sections())


@dataclass(frozen=True)
class Plan:
    """A complete, validated analysis plan.

    Build it with `load_plan` (a TOML file), `Plan.from_dict` or
    ``Plan()`` for the default (the seed study); change one value with
    `replace`. Every section is a frozen dataclass; sections brought
    by plan steps (`sarcostat.study.registry.Step.options`) are read
    as attributes too (``plan.roc``).

    Examples
    --------
    >>> plan = Plan()
    >>> plan.model.covariates
    ('age_yr', 'sex', 'bmi')
    >>> plan.study.steps
    ('table1', 'fig1', 'table2', 'fig2', 'table3')
    >>> plan.replace(biomarker={"column": "irisin"}).biomarker.column
    'irisin'
    """

    study: StudyPlan = field(default_factory=StudyPlan)
    biomarker: BiomarkerPlan = field(default_factory=BiomarkerPlan)
    assessment: AssessmentPlan = field(default_factory=AssessmentPlan)
    model: ModelPlan = field(default_factory=ModelPlan)
    table1: Table1Plan = field(default_factory=Table1Plan)
    figure1: Figure1Plan = field(default_factory=Figure1Plan)
    outcomes: OutcomesPlan = field(default_factory=OutcomesPlan)
    ancova: AncovaPlan = field(default_factory=AncovaPlan)
    trend: TrendPlan = field(default_factory=TrendPlan)
    table3: Table3Plan = field(default_factory=Table3Plan)
    #: Sections of registered plan steps, as (name, section) pairs.
    extra: tuple = field(default_factory=_default_extra, repr=False)
    #: Where the plan came from (a path, or "default"); not part of the TOML.
    source: str = field(default="default", compare=False)

    def __getattr__(self, name: str):
        # Only called for names that are not fields: a step's own section.
        if not name.startswith("_"):
            for key, section in self.__dict__.get("extra", ()):
                if key == name:
                    return section
        raise AttributeError(f"the plan has no section [{name}]")

    def section(self, name: str):
        """The section called ``name`` (built-in or brought by a step)."""
        return getattr(self, name)

    # -- construction -------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "plan") -> Plan:
        """Build a plan from nested mappings (parsed TOML), validating every key.

        Raises
        ------
        PlanError
            Unknown table or key (the message lists the allowed ones), a
            value of the wrong type, or an option not among the allowed values.
        """
        if not isinstance(data, Mapping):
            raise PlanError(
                f"{source}: a plan must be a table of tables, got {type(data).__name__}."
            )
        sections_all = _all_sections()
        allowed = [name for name, _ in sections_all]
        unknown = [k for k in data if k not in allowed]
        if unknown:
            raise PlanError(
                f"{source}: unknown table [{unknown[0]}]; allowed tables: "
                + ", ".join(f"[{a}]" for a in allowed)
                + "."
            )
        builtin = {name for name, _ in _SECTIONS}
        sections, extra = {}, []
        for name, klass in sections_all:
            raw = data.get(name, {})
            if not isinstance(raw, Mapping):
                raise PlanError(f"{source}: [{name}] must be a table of keys, got {raw!r}.")
            built = _build_section(klass, name, raw, source)
            if name in builtin:
                sections[name] = built
            else:
                extra.append((name, built))
        return cls(**sections, extra=tuple(extra), source=source)

    def replace(self, **changes: Mapping[str, Any]) -> Plan:
        """Return a copy with some keys changed, validated like a file.

        ``plan.replace(biomarker={"column": "irisin"}, trend={"trend": "median"})``
        """
        data = self.to_dict()
        for section, keys in changes.items():
            if not isinstance(keys, Mapping):
                raise PlanError(f"Plan.replace: {section}= must be a dict of keys, got {keys!r}.")
            data.setdefault(section, {})
            data[section] = {**data[section], **keys}
        return Plan.from_dict(data, source=self.source)

    # -- export -------------------------------------------------------------
    def _sections(self) -> list[tuple[str, Any]]:
        return [(name, getattr(self, name)) for name, _ in _SECTIONS] + list(self.extra)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Nested plain dict (lists for list keys), as in the TOML file."""
        out = {}
        for name, sec in self._sections():
            out[name] = {
                f.name: (list(v) if isinstance(v := getattr(sec, f.name), tuple) else v)
                for f in dataclasses.fields(sec)
            }
        return out

    def to_toml(self) -> str:
        """The plan as commented TOML text (round-trips through `load_plan`)."""
        lines = [
            "# sarcostat analysis plan",
            "# Every key is optional; a missing key takes the default shown here.",
            "# The defaults reproduce the seed study (serum sclerostin and sarcopenia,",
            "# AWGS 2019, adjusted for age, sex and BMI). Column names are the",
            "# canonical names of the cohort table (see `sarcostat validate`).",
            "",
        ]
        comments = dict(_SECTION_COMMENTS)
        comments.update({name: comment for name, _, comment in _step_sections()})
        for name, sec in self._sections():
            lines.append(f"# {comments.get(name, name)}")
            lines.append(f"[{name}]")
            for f in dataclasses.fields(sec):
                comment = f.metadata.get("comment", "")
                options = f.metadata.get("options")
                if callable(options):
                    comment += " Available: " + ", ".join(options()) + "."
                elif options and f.metadata.get("kind") != "list":
                    comment += " One of: " + ", ".join(options) + "."
                for chunk in _wrap(comment, 76):
                    lines.append(f"# {chunk}")
                lines.append(f"{f.name} = {_toml_value(getattr(sec, f.name))}")
            lines.append("")
        return "\n".join(lines)

    @property
    def where(self) -> str:
        """How messages name this plan: its file, or "the default plan"."""
        return "the default plan" if self.source == "default" else self.source

    # -- checks against a cohort ---------------------------------------------
    def needs(self, biomarker: str) -> list[tuple[str, Any]]:
        """(step name, Need) for every column the plan's steps read, in plan order."""
        from sarcostat.study.steps import get

        out = []
        for name in self.study.steps:
            for need in get(name).needs(self, biomarker):
                out.append((name, need))
        return out

    def check_columns(
        self, columns: Sequence[str], *, biomarker: str, known: Sequence[str] = ()
    ) -> None:
        """Raise PlanError if the plan names a column that is neither in the
        cohort nor a column sarcostat knows (a canonical variable or one the
        assessment derives, given in ``known``): most likely a typo.

        A known column the cohort lacks is not an error here: the steps that
        need it are skipped (or shortened) with a note when the plan runs.

        Parameters
        ----------
        columns : sequence of str
            Columns of the cohort table (derived columns included).
        biomarker : str
            The resolved biomarker column.
        known : sequence of str
            Column names that are valid even when absent from this cohort.
        """
        available = set(columns)
        accepted = available | set(known)
        for _, need in self.needs(biomarker):
            col = need.column
            if col == "id":
                # Privacy: a table row or model term of the id column would
                # print every participant's id into the report.
                raise PlanError(
                    f"{self.where}: {need.key} names the participant id column 'id'; ids "
                    f"identify people and are never analysed or listed in a report. Remove it "
                    f"from the plan."
                )
            if col not in accepted:
                shown = ", ".join(sorted(available))
                hint = (
                    f" ({col} is derived from {DERIVED_FROM[col]}; the cohort lacks them)"
                    if col in DERIVED_FROM
                    else ""
                )
                raise PlanError(
                    f"{self.where}: {need.key} names column {col!r}, which the cohort does not "
                    f"have and the assessment does not derive{hint}. Remove it from the plan "
                    f"(sarcostat plan --init writes one to edit). Available columns: {shown}."
                )


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width) or [""]


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping):  # an inline table (a key of kind "records")
        return (
            "{" + ", ".join(f"{_toml_value(str(k))} = {_toml_value(x)}" for k, x in v.items()) + "}"
        )
    s = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{s}"'


def _build_section(klass, name: str, raw: Mapping[str, Any], source: str):
    fields = {f.name: f for f in dataclasses.fields(klass)}
    values = {}
    for key, value in raw.items():
        if key not in fields:
            raise PlanError(
                f"{source}: unknown key {key!r} in [{name}]; allowed keys: "
                + ", ".join(fields)
                + "."
            )
        f = fields[key]
        values[key] = _check_value(value, f, f"{name}.{key}", source)
    return klass(**values)


def _check_value(value: Any, f: dataclasses.Field, where: str, source: str):
    kind = f.metadata.get("kind")
    options = f.metadata.get("options")
    if kind == "records":
        from sarcostat.exceptions import ParameterError

        try:
            return f.metadata["validate"](value, where)
        except PlanError:
            raise
        except ParameterError as exc:
            raise PlanError(f"{source}: {exc}") from None
    if kind == "list":
        if not isinstance(value, (list, tuple)) or not all(isinstance(x, str) for x in value):
            raise PlanError(f"{source}: {where} must be a list of column names, got {value!r}.")
        if len(set(value)) != len(value):
            raise PlanError(f"{source}: {where} lists a column twice: {value!r}.")
        if callable(options):
            options = options()
        if options:
            for x in value:
                if x not in options:
                    raise PlanError(
                        f"{source}: {where} contains {x!r}; allowed values: {', '.join(options)}."
                    )
        return tuple(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise PlanError(f"{source}: {where} must be true or false, got {value!r}.")
        return value
    if kind == "level":
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not (0 < value < 1)
            or not math.isfinite(value)
        ):
            raise PlanError(
                f"{source}: {where} must be a number between 0 and 1 (e.g. 0.95), got {value!r}."
            )
        return float(value)
    if not isinstance(value, str):
        raise PlanError(f"{source}: {where} must be a string, got {value!r}.")
    if options and value not in options:
        raise PlanError(
            f"{source}: {where} = {value!r} is not an allowed value; allowed values: "
            + ", ".join(options)
            + "."
        )
    if not value.strip():
        raise PlanError(f"{source}: {where} must not be empty.")
    return value


def load_plan(path: str | Path | None = None, *, encoding: str | None = None) -> Plan:
    """Read and validate a plan file; ``None`` gives the default plan.

    The file is UTF-8 (TOML); ``encoding`` is tried when it is not.

    Raises
    ------
    PlanError
        The file is missing, is not valid TOML, or has an unknown table, key
        or value (the message names the file and the key).
    """
    if path is None:
        return Plan()
    from sarcostat.io.readers import parse_toml, read_text_file

    p = Path(path)
    text = read_text_file(p, what="plan file", encoding=encoding, error=PlanError)
    data = parse_toml(text, where=str(p), error=PlanError)
    return Plan.from_dict(data, source=str(p))


#: The seed study's plan file, shipped with the package.
SEED_PLAN = "seed_plan.toml"


def seed_plan_path():
    """Path of the packaged plan file of the seed study (``study/seed_plan.toml``)."""
    from importlib import resources

    return resources.files("sarcostat.study").joinpath(SEED_PLAN)


def load_seed_plan() -> Plan:
    """The seed study's plan, read from its packaged file."""
    import tomllib

    text = seed_plan_path().read_text(encoding="utf-8")
    return Plan.from_dict(tomllib.loads(text), source="default")


def __getattr__(name: str):
    # DEFAULT_PLAN_TOML lists the registered steps, so it is built on first
    # use (after the step modules are imported), not at import time.
    if name == "DEFAULT_PLAN_TOML":
        return Plan().to_toml()
    raise AttributeError(f"module 'sarcostat.study.plan' has no attribute {name!r}")


#: The frailty study's plan file (sclerostin and frailty, Baek 2024), shipped with the package.
FRAILTY_PLAN = "frailty_plan.toml"


def frailty_plan_path():
    """Path of the packaged frailty plan (``study/frailty_plan.toml``), for
    ``sarcostat analyze COHORT --plan PATH`` on ``sarcostat simulate --frailty`` output."""
    from importlib import resources

    return resources.files("sarcostat.study").joinpath(FRAILTY_PLAN)
