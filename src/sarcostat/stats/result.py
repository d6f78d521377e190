"""The result base of the stats layer: `sarcostat.results.StatResult`.

It lives in `sarcostat.results`, below every layer, so that the assess
layer's results share it (assess may not import stats); this module keeps
the name the stats layer and its users import.
"""

from sarcostat.results import StatResult, values_equal

__all__ = ["StatResult", "values_equal"]
