"""stats layer: single analyses returning frozen result dataclasses."""

from sarcostat.stats.regression import RegressionResult, linear_regression  # noqa: F401
from sarcostat.stats.logistic import LogisticResult, logistic_regression, or_per_sd  # noqa: F401
from sarcostat.stats.compare import (  # noqa: F401
    CrosstabResult, chi2_from_counts, crosstab_test, fisher_exact_2x2, levene_test,
    mannwhitney_groups, table1, ttest_from_summary, ttest_groups)
