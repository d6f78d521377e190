"""Linear regression of one outcome on one predictor plus covariates (Table 2).

Reports what SPSS ``REGRESSION`` prints in its Coefficients table: the
unstandardized B with its standard error, the standardized coefficient
"Beta", t and its p value, next to R² and the analysis n.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sarcostat.exceptions import DataError, ModelError, ParameterError, check_option
from sarcostat.stats._data import (
    UNADJUSTED,
    as_interactions,
    as_names,
    check_confidence,
    check_not_constant,
    complete_cases,
    factor_columns,
    interaction_columns,
    is_numeric,
    levels,
    locate,
    numeric_values,
    plain,
    stack_columns,
    unadjusted_source,
)
from sarcostat.stats.fitting import least_squares
from sarcostat.stats.result import StatResult

__all__ = ["RegressionResult", "linear_regression"]

INTERCEPT = "(Intercept)"

_COLUMNS = [
    "term",
    "estimate",
    "se",
    "std_beta",
    "statistic",
    "df",
    "p_value",
    "ci_lower",
    "ci_upper",
    "n",
]


def focal_row(table: pd.DataFrame, predictor: str) -> pd.Series:
    """The row of ``table`` whose ``term`` is ``predictor``, or for a
    categorical predictor its first dummy row (``predictor[level]``)."""
    terms = table["term"].tolist()  # a few terms: a list beats pandas string ops
    if predictor in terms:
        return table.iloc[terms.index(predictor)]
    rows = table.loc[table["term"].str.startswith(f"{predictor}[")]
    return rows.iloc[0]


def build_design(
    sample: pd.DataFrame,
    terms: Sequence[str],
    *,
    function: str,
    ids: pd.Series | None = None,
    interactions: Sequence[tuple[str, ...]] = (),
    columns_first: bool = False,
) -> tuple[np.ndarray, list[str], dict[str, str]]:
    """Design matrix with an intercept for ``terms`` of a complete-case sample.

    Numeric and boolean columns enter as they are. Any other column (strings,
    pandas ``category``) is dummy-coded with its first level as the reference:
    the first category of a ``category`` dtype, else the first value in sorted
    order (SPSS ``REGRESSION`` needs this done by hand; R's ``lm`` does the
    same with treatment contrasts). Dummies are named ``column[level]``.
    ``interactions`` (tuples of terms, from `as_interactions`)
    add the products of their columns after the main effects, named
    ``a:b`` (``sex[male]:biomarker``), as R's ``model.matrix``.

    ``ids`` (the data's ``id`` column, if any) only makes messages name the
    participant. Returns the matrix (in column order with ``columns_first``,
    see `stack_columns`), the term names and a map term -> source column (an
    interaction's source is its ``a:b`` name).
    """
    blocks: dict[str, tuple[list[np.ndarray], list[str]]] = {}
    for col in terms:
        s = sample[col]
        if not is_numeric(s) and not isinstance(s.dtype, pd.CategoricalDtype):
            parsed = pd.to_numeric(s, errors="coerce")
            if parsed.notna().any():
                # Numbers stored as text (e.g. a decimal comma in one cell) must not
                # silently become dummy variables.
                bad = parsed.isna()
                label = s.index[bad.to_numpy()][0] if bad.any() else s.index[0]
                raise DataError(
                    f"{function}: the column {col!r} must be numeric; {locate(label, ids)} "
                    f"has {plain(s.loc[label])!r} (numbers stored as text). Convert it to "
                    f"numbers, or to a pandas 'category' to use it as a categorical term."
                )
        if not is_numeric(s):
            blocks[col] = factor_columns(s, levels(s), contrasts="treatment", name=col)
        else:
            values = numeric_values(s, role="term", function=function, ids=ids)
            blocks[col] = ([values], [col])
    columns = [np.ones(len(sample))]
    names = [INTERCEPT]
    source = {INTERCEPT: INTERCEPT}
    for col in terms:
        cols, dummies = blocks[col]
        columns.extend(cols)
        names.extend(dummies)
        source.update(dict.fromkeys(dummies, col))
    for parts in interactions:
        cols, inames = interaction_columns(blocks, parts)
        columns.extend(cols)
        names.extend(inames)
        source.update(dict.fromkeys(inames, ":".join(parts)))
    return stack_columns(columns, columns_first=columns_first), names, source


@dataclass(frozen=True, eq=False)
class RegressionResult(StatResult):
    """Result of `linear_regression`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model term (intercept first), columns ``term, estimate,
        se, std_beta, statistic, df, p_value, ci_lower, ci_upper, n``.
    outcome, predictor : str
        The dependent variable and the focal predictor.
    covariates : tuple of str
        Adjustment columns as given.
    n : int
        Analysis sample size (complete cases).
    n_excluded : int
        Rows dropped for a missing value in any model column.
    r2, adj_r2 : float
        Coefficient of determination and its adjusted version.
    f_statistic, f_df1, f_df2, f_p_value : float
        Overall F test of the model against the intercept-only model.
    sd_outcome, sd_predictor : float
        Sample SDs (n - 1) of outcome and predictor in the analysis sample.
    unadjusted : RegressionResult or None
        The model without covariates, when asked for with ``unadjusted=``.
    """

    outcome: str = ""
    predictor: str = ""
    covariates: tuple[str, ...] = ()
    n: int = 0
    n_excluded: int = 0
    r2: float = math.nan
    adj_r2: float = math.nan
    f_statistic: float = math.nan
    f_df1: float = math.nan
    f_df2: float = math.nan
    f_p_value: float = math.nan
    sd_outcome: float = math.nan
    sd_predictor: float = math.nan
    unadjusted: RegressionResult | None = None

    def predictor_row(self) -> pd.Series:
        """The table row of the focal predictor (the Table 2 numbers)."""
        return focal_row(self.table, self.predictor)

    def to_long_frame(self) -> pd.DataFrame:
        """The predictor's row of the unadjusted (if fitted) and this model,
        stacked with a ``model`` column (``"unadjusted"`` / ``"adjusted"``):
        the two columns of Table 2."""
        parts = []
        if self.unadjusted is not None:
            parts.append(self.unadjusted.predictor_row().to_frame().T.assign(model="unadjusted"))
        parts.append(
            self.predictor_row()
            .to_frame()
            .T.assign(model="adjusted" if self.covariates else "unadjusted")
        )
        return pd.concat(parts, ignore_index=True).infer_objects()


def linear_regression(
    data: pd.DataFrame,
    *,
    outcome: str,
    predictor: str,
    covariates: Sequence[str] | str = (),
    confidence: float = 0.95,
    unadjusted: str = "none",
    interactions: str | Sequence[str | tuple[str, ...]] = (),
) -> RegressionResult:
    """Ordinary least squares of ``outcome`` on ``predictor`` (+ covariates).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        Dependent variable (numeric). Which variable is the outcome matters:
        the adjusted standardized β of "muscle on biomarker" differs from
        "biomarker on muscle" once covariates are in the model. The study
        layer's default makes the muscle parameter the outcome.
    predictor : str
        Focal independent variable (usually the biomarker).
    covariates : str or sequence of str, default ()
        Adjustment columns (e.g. ``["age_yr", "sex_male", "bmi"]``). Numeric
        or boolean columns enter as they are; text or ``category`` columns are
        dummy-coded with their first level (first category, else first in
        sorted order) as reference, one term ``column[level]`` per other level.
    confidence : float, default 0.95
        Level of the coefficient confidence intervals.
    unadjusted : {"none", "own", "same"}, default "none"
        Also fit ``outcome ~ predictor`` (when there are covariates) and put
        it in the result's ``unadjusted`` field: on its own complete cases
        (``"own"``, as a separate SPSS run), on this model's complete cases
        (``"same"``), or not at all. The default keeps one model per call, as
        SPSS ``REGRESSION`` does; `RegressionResult.to_long_frame`
        stacks the two predictor rows (Table 2's unadjusted and adjusted
        columns).
    interactions : str or sequence, default ()
        Product terms among predictor and covariates, ``"biomarker:sex_male"``
        or ``("biomarker", "sex_male")`` (R ``lm(y ~ biomarker * sex_male)``;
        both main effects must be in the model). Rows named
        ``biomarker:sex_male`` (a text covariate: ``biomarker:sex[male]``).
        The unadjusted model has none.

    Returns
    -------
    RegressionResult
        ``table`` has one row per term (``(Intercept)`` first) with columns:

        - ``term``: term name.
        - ``estimate``: unstandardized coefficient B.
        - ``se``: standard error of B.
        - ``std_beta``: standardized coefficient (SPSS "Beta"); NaN for the intercept.
        - ``statistic``: t = B / SE.
        - ``df``: residual degrees of freedom, n - p.
        - ``p_value``: two-sided p of t.
        - ``ci_lower``, ``ci_upper``: confidence limits of B.
        - ``n``: analysis sample size.

        Fields ``n, n_excluded, r2, adj_r2, f_statistic, f_df1, f_df2,
        f_p_value, sd_outcome, sd_predictor``; ``predictor_row()`` returns
        the predictor's row; ``unadjusted``: the model without covariates
        (or None).

    Raises
    ------
    SchemaError
        A named column is absent.
    DataError
        Outcome or predictor is not numeric.
    ModelError
        A model column is constant in the analysis sample, the design is
        collinear, or there are no residual degrees of freedom.
    ParameterError
        ``confidence`` outside (0, 1) or a column named twice.

    See Also
    --------
    sarcostat.stats.or_per_sd : the logistic counterpart (Table 3).

    Notes
    -----
    Complete cases over outcome, predictor and covariates (SPSS listwise
    deletion). Least squares of the scaled design, :math:`X = QR` (by
    Cholesky of :math:`X^\\top X` when it is well conditioned, else QR;
    see `sarcostat.stats.fitting`), :math:`B = R^{-1}Q^\\top y`,
    :math:`\\mathrm{Var}(B) = \\hat\\sigma^2 R^{-1}R^{-\\top}`; t tests and
    intervals on n - p df. The standardized coefficient is

    .. math:: \\beta_j = B_j \\, s_{x_j} / s_y

    with sample SDs (divisor n - 1) of the analysis sample, which is what
    SPSS prints as "Beta" (also for dummy and 0/1 covariates).

    R: ``fit <- lm(smi ~ biomarker + age_yr + sex_male + bmi, d)``;
    ``coef(fit)["biomarker"] * sd(d$biomarker) / sd(d$smi)`` on the complete
    cases; ``confint(fit)``.

    SPSS: ``REGRESSION /MISSING LISTWISE /STATISTICS COEFF CI(95) R ANOVA
    /DEPENDENT smi /METHOD=ENTER biomarker age_yr sex_male bmi.``

    Tested against R 4 ``lm`` (tests/stats/r/ref_compare_regression_logistic.R).

    References
    ----------
    Bring J. How to standardize regression coefficients. Am Stat.
    1994;48(3):209-213. doi:10.1080/00031305.1994.10476059

    Examples
    --------
    >>> import pandas as pd
    >>> from sarcostat.stats import linear_regression
    >>> d = pd.DataFrame({"smi": [5.1, 6.0, 6.8, 7.4, 5.9, 7.9],
    ...                   "biomarker": [20.0, 35.0, 41.0, 60.0, 30.0, 66.0]})
    >>> res = linear_regression(d, outcome="smi", predictor="biomarker")
    >>> row = res.predictor_row()
    >>> print(f"B={row['estimate']:.4f} Beta={row['std_beta']:.4f} n={res.n}")
    B=0.0577 Beta=0.9832 n=6
    """
    from scipy import stats as sps

    fn = "linear_regression"
    confidence = check_confidence(confidence, fn)
    check_option(unadjusted, UNADJUSTED, parameter="unadjusted", function=fn)
    covs = as_names(covariates, "covariates", fn)
    inter = as_interactions(interactions, [predictor, *covs], function=fn)
    for name, param in ((outcome, "outcome"), (predictor, "predictor")):
        if not isinstance(name, str):
            raise ParameterError(
                f"The {param!r} parameter of {fn} must be a column name. Got {name!r} instead."
            )
    used = [outcome, predictor, *covs]
    if len(set(used)) != len(used):
        raise ParameterError(
            f"{fn}: a column appears twice among outcome, predictor and covariates: {used}."
        )
    sample, n_excl = complete_cases(data, used, function=fn)
    if len(sample) == 0:
        raise ModelError(f"{fn}: no complete cases over {used}.")
    check_not_constant(
        sample,
        used,
        function=fn,
        outcome=outcome,
        roles={
            outcome: "the outcome",
            predictor: "the predictor",
            **dict.fromkeys(covs, "covariate"),
        },
    )
    ids = data["id"] if "id" in data.columns else None
    y = numeric_values(sample[outcome], role="outcome", function=fn, ids=ids)
    if not is_numeric(sample[predictor]):
        raise DataError(
            f"{fn}: the predictor {predictor!r} must be numeric "
            f"(found {sample[predictor].dtype}); put categorical terms in covariates."
        )
    X, names, _ = build_design(
        sample, [predictor, *covs], function=fn, ids=ids, interactions=inter, columns_first=True
    )
    n, p = X.shape
    if n <= p:
        raise ModelError(
            f"{fn}: {n} complete case(s) for {p} coefficients; at least {p + 1} are needed "
            f"to estimate the residual variance."
        )
    ls = least_squares(X, y, names=names, function=fn)
    coef, xtx_inv, rss = ls.coef, ls.xtx_inv, float(ls.rss)
    df_resid = float(n - p)
    sigma2 = rss / df_resid
    se = np.sqrt(sigma2 * np.diag(xtx_inv))
    tval = coef / se
    pval = 2 * sps.t.sf(np.abs(tval), df_resid)
    half = sps.t.ppf(0.5 + confidence / 2, df_resid) * se
    sd_y = float(np.std(y, ddof=1))
    # The fit's column scales are the SDs with divisor n (no pass over X here).
    assert ls.scale is not None
    sd_x = ls.scale * math.sqrt(n / (n - 1))
    std_beta = coef * sd_x / sd_y
    std_beta[0] = np.nan
    table = pd.DataFrame(
        {
            "term": names,
            "estimate": coef,
            "se": se,
            "std_beta": std_beta,
            "statistic": tval,
            "df": df_resid,
            "p_value": pval,
            "ci_lower": coef - half,
            "ci_upper": coef + half,
            "n": n,
        },
        columns=_COLUMNS,
    )

    # The design has an intercept and full rank (checked above), so the model
    # df is p - 1 and R² uses the centred total sum of squares, as lm().
    df1 = float(p - 1)
    tss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - rss / tss
    adj_r2 = 1.0 - (n - 1) / df_resid * (1.0 - r2)
    if df1 > 0:
        f_stat = ((tss - rss) / df1) / sigma2
        f_p = float(sps.f.sf(f_stat, df1, df_resid))
    else:  # pragma: no cover - predictor always present
        f_stat = f_p = math.nan
    formula = f"{outcome} ~ " + " + ".join([predictor, *covs, *(":".join(i) for i in inter)])
    notes = [
        f"Linear regression (OLS) {formula}; standardized Beta = B*SD(x)/SD(y) "
        f"with sample SDs of the analysis sample (SPSS 'Beta').",
        f"Complete cases: n = {n}"
        + (f" ({n_excl} row(s) excluded for missing values)." if n_excl else "."),
    ]
    result = RegressionResult(
        table=table,
        notes=tuple(notes),
        meta={
            "method": "ols",
            "formula": formula,
            "n": n,
            "n_excluded": n_excl,
            "confidence": confidence,
            "terms": names,
            "interactions": [":".join(i) for i in inter],
            "reference": "R lm(); SPSS REGRESSION Coefficients table",
        },
        outcome=outcome,
        predictor=predictor,
        covariates=tuple(covs),
        n=n,
        n_excluded=n_excl,
        r2=float(r2),
        adj_r2=float(adj_r2),
        f_statistic=f_stat,
        f_df1=df1,
        f_df2=df_resid,
        f_p_value=f_p,
        sd_outcome=sd_y,
        sd_predictor=float(sd_x[1]),
    )
    if covs and unadjusted != "none":
        source = unadjusted_source(data, used, unadjusted)
        result = replace(
            result,
            unadjusted=linear_regression(
                source, outcome=outcome, predictor=predictor, confidence=confidence
            ),
        )
    return result
