"""stats layer: single analyses returning frozen result dataclasses."""

from typing import Any

from sarcostat.stats.ancova import (  # noqa: F401
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
from sarcostat.stats.compare import (  # noqa: F401
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
from sarcostat.stats.logistic import LogisticResult, logistic_regression, or_per_sd  # noqa: F401
from sarcostat.stats.regression import RegressionResult, linear_regression  # noqa: F401
from sarcostat.stats.trend import QuartileGrouping, TrendResult, quartile_trend, quartiles  # noqa: F401


def __getattr__(name: str) -> Any:
    # The screening engine is imported on first use only: analyses that never
    # screen should not pay for its modules. (The function `screen` itself is
    # reached as `sarcostat.stats.screen.screen`: the submodule owns the name.)
    if name in ("ScreenResult", "adjust_pvalues"):
        import importlib

        return getattr(importlib.import_module("sarcostat.stats.screen"), name)
    raise AttributeError(f"module 'sarcostat.stats' has no attribute {name!r}")
