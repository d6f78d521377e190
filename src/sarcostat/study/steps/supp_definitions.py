"""Supplementary: sensitivity of the main result to the definition of sarcopenia.

Prevalence and the adjusted odds ratio per SD of the biomarker under every
consensus definition computable from the cohort; a definition that cannot be
computed is listed with the inputs it lacks. The plan's own definition, whose
statuses are the cohort's ``sarcopenia`` column, takes Table 3's adjusted
model (the same model on the same rows, fitted once per run).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sarcostat.exceptions import PlanError
from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._common import covariate_needs, fit_or_per_sd
from sarcostat.study.steps._supp import NAN, SECTION, SECTION_COMMENT, SupplementaryPlan


def classify_by(name: str, data, plan, *, reasons: bool = True, prepared=None):
    """(classification table, tests used) of one definition as the plan applies it.

    ``reasons=False`` leaves out the per-participant ``reason`` text (see
    `sarcostat.assess.classify`); ``prepared``: the cohort's measures
    (`sarcostat.assess.classification.prepare`). Tests used: which of the
    alternative tests decide each criterion (EWGSOP2, AWGS 2019).
    """
    if name == "ewgsop2":
        from sarcostat.assess.definitions import ewgsop2

        sup = plan.supplementary
        table, tests = ewgsop2.classify_using(
            data,
            strength=sup.ewgsop2_strength,
            muscle=sup.ewgsop2_muscle,
            performance=sup.ewgsop2_performance,
            reasons=reasons,
            prepared=prepared,
        )
        return table, _tests_text(tests)
    from sarcostat.assess import classify
    from sarcostat.assess.classification import prepare

    prep = prepare(data) if prepared is None else prepared
    return classify(data, name, reasons=reasons, prepared=prep), _tests_used(name, prep)


def _tests_used(name: str, prepared) -> str:
    """The tests that decide each criterion with alternatives, for a definition
    that accepts alternatives apart from EWGSOP2 (AWGS 2019); else ""."""
    if name != "awgs2019":
        return ""
    from sarcostat.assess.definitions import REGISTRY, awgs2019

    return _tests_text(awgs2019.tests_used(REGISTRY[name], prepared.measures))


def _tests_text(tests: dict[str, tuple[str, ...]]) -> str:
    """Criterion -> tests as the table's ``tests_used`` cell: "c: t1, t2; c2: t3"."""
    return "; ".join(f"{c}: {', '.join(t)}" for c, t in tests.items())


def classify_each(names, data, plan):
    """Yield ``(name, table, tests used)`` per definition, one table held at a time.

    Only the statuses are needed here (``reasons=False``); every definition,
    the plan's EWGSOP2 included, reads one derivation of the measures.
    """
    from sarcostat.assess.classification import iter_classify, prepare

    names = list(names)
    plain = list(dict.fromkeys(n for n in names if n != "ewgsop2"))
    prep = prepare(data, "iter_classify")
    tables = iter_classify(data, plain, reasons=False, prepared=prep)
    again: dict[str, pd.DataFrame] = {}  # tables of names listed more than once
    for i, name in enumerate(names):
        if name == "ewgsop2":
            yield (name, *classify_by(name, data, plan, reasons=False, prepared=prep))
            continue
        if name in again:
            table = again[name]
        else:
            got, table = next(tables)
            assert got == name
            if name in names[i + 1 :]:
                again[name] = table
        yield name, table, _tests_used(name, prep)


class Definitions(Step):
    name = "definitions"
    heading = "Supplementary: Sensitivity analysis across definitions of sarcopenia"
    title = "Supplementary: prevalence and adjusted OR per SD under every definition"
    reads = ()
    shared_fits = ("or_per_sd",)
    cost = 1.8
    # Runs beside another step: with NumPy's huge pages off in the CLI (see
    # `sarcostat.cli._NUMPY_SETTINGS`) the peak at 10**6 rows is 1.00-1.05 GB
    # either way (the bound, 3x a bare read_csv, is 1.2 GB), and the other
    # core no longer idles for its 1.7 s (analyze 15.9-16.1 -> 14.5-14.7 s).
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "sarcostat.stats.logistic.LogisticResult"
    template = "steps/supplementary.html.j2"
    keys = ("definition",)
    columns = (
        "definition",
        "title",
        "computable",
        "lacking_inputs",
        "tests_used",
        "n",
        "n_classified",
        "n_indeterminate",
        "n_sarcopenia",
        "prevalence",
        "prevalence_ci_lower",
        "prevalence_ci_upper",
        "odds_ratio",
        "or_ci_lower",
        "or_ci_upper",
        "p_value",
        "n_model",
        "events",
    )

    def needs(self, plan, biomarker):
        return [Need("biomarker.column", biomarker)] + covariate_needs(plan)

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.assess.definitions import REGISTRY
        from sarcostat.stats.describe import clopper_pearson
        from sarcostat.stats.logistic import or_per_sd

        plan, data = ctx.plan, ctx.data
        unknown = [d for d in plan.supplementary.definitions if d not in REGISTRY]
        if unknown:
            raise PlanError(
                f"{plan.where}: supplementary.definitions names {unknown[0]!r}; "
                f"available: {', '.join(REGISTRY)}."
            )
        rows = []
        for name, out, used in classify_each(plan.supplementary.definitions, data, plan):
            status = out["sarcopenia"]
            n = len(out)
            n_cls = int(status.notna().sum())
            k = int(status.fillna(False).sum())
            lacking = sorted(
                {
                    part.strip()
                    for text in out["missing_inputs"].dropna().unique()
                    for part in str(text).split(",")
                    if part.strip()
                }
            )
            rec = {
                "definition": name,
                "title": REGISTRY[name].title,
                "computable": n_cls > 0,
                "lacking_inputs": ", ".join(lacking),
                "tests_used": used,
                "n": n,
                "n_classified": n_cls,
                "n_indeterminate": n - n_cls,
                "n_sarcopenia": k,
            }
            if n_cls == 0:
                rows.append(rec)
                continue
            lo, hi = clopper_pearson(k, n_cls, confidence=plan.ancova.confidence)
            rec.update(
                prevalence=100.0 * k / n_cls,
                prevalence_ci_lower=100.0 * lo,
                prevalence_ci_upper=100.0 * hi,
            )
            where = f"Supplementary definitions, {REGISTRY[name].title}"
            values = status.astype("Float64").astype(float).to_numpy()
            if _is_own_status(data, values):
                # The plan's own definition: Table 3's adjusted model of the
                # cohort's sarcopenia column, the same model on the same
                # rows, fitted once per run (`StepContext.fit`).
                res = fit_or_per_sd(ctx, where, "sarcopenia", ctx.covariates)
            else:
                # Only the model's columns (and ids, for messages): no copy of the cohort.
                keep = [
                    c for c in dict.fromkeys(["id", ctx.biomarker, *ctx.covariates]) if c in data
                ]
                # Named as messages should name it ("the outcome 'sarcopenia
                # (IWGS 2011)' is constant"), unless a model column has that name.
                col = f"sarcopenia ({REGISTRY[name].title})"
                if col in keep:
                    col = f"_sarcopenia_{name}"
                frame = data[keep].assign(**{col: values})
                res = ctx.log.attempt(
                    where,
                    or_per_sd,
                    frame,
                    outcome=col,
                    predictor=ctx.biomarker,
                    covariates=list(ctx.covariates),
                    firth=plan.table3.firth,
                    confidence=plan.ancova.confidence,
                )
            if res is not None:
                ctx.analyses[f"definitions/{name}"] = res
                rec.update(
                    odds_ratio=res.odds_ratio,
                    or_ci_lower=res.or_ci_lower,
                    or_ci_upper=res.or_ci_upper,
                    p_value=res.p_value,
                    n_model=int(res.n),
                    events=int(res.events),
                )
            else:
                rec.update(odds_ratio=NAN)
            rows.append(rec)
        return pd.DataFrame(rows, columns=list(self.columns))


def _is_own_status(data, values: np.ndarray) -> bool:
    """True when the analysis dataset's ``sarcopenia`` column (the plan's
    classification) holds exactly these statuses (1/0, NaN when
    indeterminate), in the same rows."""
    if "sarcopenia" not in data:
        return False
    try:
        own = data["sarcopenia"].astype("Float64").astype(float).to_numpy()
    except (TypeError, ValueError):
        return False
    return own.shape == values.shape and bool(np.array_equal(own, values, equal_nan=True))


STEP = Definitions()
