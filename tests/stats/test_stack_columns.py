"""`stack_columns` (issue 20): the design matrix of ``np.column_stack``, filled
in cache-sized blocks of rows."""

import numpy as np
import pytest

from sarcostat.stats import _data
from sarcostat.stats._data import stack_columns


@pytest.mark.parametrize("n", [0, 1, 7, _data._STACK_ROWS, _data._STACK_ROWS + 3, 20_000])
def test_equals_column_stack(n):
    rng = np.random.default_rng(n)
    cols = [np.ones(n), rng.normal(size=n), rng.random(n) < 0.5, rng.integers(0, 5, n)]
    X = stack_columns(cols)
    ref = np.column_stack(cols)
    assert X.dtype == ref.dtype == np.float64 and X.shape == ref.shape
    assert np.array_equal(X, ref) and X.flags.c_contiguous
    # In column order (the logistic core's layout): the same values.
    F = stack_columns(cols, columns_first=True)
    assert F.dtype == np.float64 and F.shape == ref.shape and np.array_equal(F, ref)
    assert F.flags.f_contiguous


def test_other_inputs_go_to_column_stack():
    flags = [np.array([True, False]), np.array([False, False])]
    assert stack_columns(flags).dtype == np.bool_  # no float column: as column_stack
    ints = [np.array([1, 2]), np.array([3, 4])]
    assert stack_columns(ints).dtype == np.column_stack(ints).dtype
    mixed = [np.ones(2), np.array([[1.0], [2.0]])]
    np.testing.assert_array_equal(stack_columns(mixed), np.column_stack(mixed))
