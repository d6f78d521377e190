"""stats layer: single analyses returning frozen result dataclasses."""

from sarcostat.stats.regression import RegressionResult, linear_regression  # noqa: F401
from sarcostat.stats.logistic import LogisticResult, logistic_regression, or_per_sd  # noqa: F401
