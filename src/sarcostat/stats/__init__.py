"""stats layer: single analyses returning frozen result dataclasses.

The names below are imported from their modules on first use (see
`sarcostat._lazy`): ``import sarcostat.stats`` imports none of them, so two
threads calling the stats layer for the first time at once cannot meet in an
import cycle, and analyses that never screen do not pay for the screening
engine. (The function ``screen`` is reached as `sarcostat.stats.screen.screen`:
the module owns the name.)
"""

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (see sarcostat._lazy)

if TYPE_CHECKING:
    from sarcostat.stats.ancova import (
        LinearFit,
        LSMeansResult,
        MarginalMeans,
        PairwiseResult,
        ReferenceGrid,
        fit_linear,
        ls_means,
        marginal_means,
        pairwise,
        reference_grid,
        type3_anova,
    )
    from sarcostat.stats.compare import (
        CrosstabResult,
        chi2_from_counts,
        crosstab_test,
        fisher_exact_2x2,
        levene_test,
        mannwhitney_groups,
        table1,
        ttest_from_summary,
        ttest_groups,
    )
    from sarcostat.stats.logistic import LogisticResult, logistic_regression, or_per_sd
    from sarcostat.stats.regression import RegressionResult, linear_regression
    from sarcostat.stats.screen import ScreenResult, adjust_pvalues
    from sarcostat.stats.trend import QuartileGrouping, TrendResult, quartile_trend, quartiles
else:
    from sarcostat._lazy import lazy_package as _lazy_package

    __getattr__, __dir__ = _lazy_package(
        __name__,
        {
            "ancova": [
                "LinearFit",
                "LSMeansResult",
                "MarginalMeans",
                "PairwiseResult",
                "ReferenceGrid",
                "fit_linear",
                "ls_means",
                "marginal_means",
                "pairwise",
                "reference_grid",
                "type3_anova",
            ],
            "compare": [
                "CrosstabResult",
                "chi2_from_counts",
                "crosstab_test",
                "fisher_exact_2x2",
                "levene_test",
                "mannwhitney_groups",
                "table1",
                "ttest_from_summary",
                "ttest_groups",
            ],
            "logistic": ["LogisticResult", "logistic_regression", "or_per_sd"],
            "regression": ["RegressionResult", "linear_regression"],
            "screen": ["ScreenResult", "adjust_pvalues"],
            "trend": ["QuartileGrouping", "TrendResult", "quartile_trend", "quartiles"],
        },
    )

__all__ = [
    "CrosstabResult",
    "LSMeansResult",
    "LinearFit",
    "LogisticResult",
    "MarginalMeans",
    "PairwiseResult",
    "QuartileGrouping",
    "ReferenceGrid",
    "RegressionResult",
    "ScreenResult",
    "TrendResult",
    "adjust_pvalues",
    "chi2_from_counts",
    "crosstab_test",
    "fisher_exact_2x2",
    "fit_linear",
    "levene_test",
    "linear_regression",
    "logistic_regression",
    "ls_means",
    "mannwhitney_groups",
    "marginal_means",
    "or_per_sd",
    "pairwise",
    "quartile_trend",
    "quartiles",
    "reference_grid",
    "table1",
    "ttest_from_summary",
    "ttest_groups",
    "type3_anova",
]
