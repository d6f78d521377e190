"""`factor_codes`: one hashing pass gives the levels `levels` gives and the
coding `factor_columns` makes value by value; the ANCOVA counts and LS means
from the kept codes equal those from the sample's values (issue 20)."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.stats import ancova
from sarcostat.stats._data import factor_codes, factor_columns, levels, plain

CASES = {
    "float with NaN": pd.Series([2.0, 1.0, np.nan, 3.0, 1.0, 2.0]),
    "int": pd.Series([4, 1, 1, 3, 2, 4]),
    "text with None": pd.Series(["b", None, "a", "c", "a", np.nan], dtype=object),
    "arrow text": pd.Series(["m", "f", None, "f"], dtype="string[pyarrow]"),
    "category, an unused level": pd.Series(
        pd.Categorical(["lo", "hi", None, "hi"], categories=["hi", "mid", "lo"])
    ),
    "boolean with NA": pd.Series([True, None, False, True], dtype="boolean"),
    "bool": pd.Series([True, False, False]),
    "mixed, not sortable": pd.Series([1, "a", 2.5, "a", None], dtype=object),
    "1 and 1.0": pd.Series([1, 1.0, 2, 2], dtype=object),
}


@pytest.mark.parametrize("name", list(CASES))
def test_levels_and_codes_are_those_of_the_value_by_value_rules(name):
    s = CASES[name]
    levs, codes = factor_codes(s)
    assert levs == levels(s)
    missing = s.isna().to_numpy()
    assert (codes[missing] == -1).all()
    at = {lv: i for i, lv in enumerate(levs)}
    expected = [at[plain(v)] for v in s[~missing]]
    assert codes[~missing].tolist() == expected
    for contrasts in ("treatment", "sum"):
        slow = factor_columns(s[~missing], levs, contrasts=contrasts, name="f")
        fast = factor_columns(
            s[~missing], levs, contrasts=contrasts, name="f", codes=codes[~missing]
        )
        assert slow[1] == fast[1]
        for a, b in zip(slow[0], fast[0], strict=True):
            np.testing.assert_array_equal(a, b)


def _cohort(n=400, seed=3):
    rng = np.random.default_rng(seed)
    d = pd.DataFrame(
        {
            "y": rng.normal(size=n),
            "g": rng.choice(["a", "b", "c"], size=n),
            "sex": rng.choice(["F", "M"], size=n),
            "age": rng.normal(70, 5, size=n),
        }
    )
    d.loc[rng.choice(n, 30, replace=False), "y"] = np.nan
    d.loc[rng.choice(n, 20, replace=False), "g"] = None
    return d


@pytest.mark.parametrize("weights", ["equal", "proportional", "cells"])
def test_ls_means_from_the_kept_codes_equal_those_from_the_values(weights):
    d = _cohort()
    fit = ancova.fit_linear(d, outcome="y", factors=["g", "sex"], covariates="age")
    assert fit._codes("g") is not None
    kept = ancova.marginal_means(ancova.reference_grid(fit), "g", weights=weights)
    # The same fit without its codes takes the value-by-value path.
    fit.release_sample()
    assert fit._codes("g") is None
    grid = ancova.reference_grid(fit)
    again = ancova.marginal_means(grid, "g", weights=weights)
    pd.testing.assert_frame_equal(kept.table, again.table)
    assert grid.grid[".wgt."].sum() == fit.n
    # The counts are those of the analysis sample.
    sample = d.dropna(subset=["y", "g", "sex", "age"])
    assert dict(zip(kept.table["level"], kept.table["n"], strict=True)) == (
        sample["g"].value_counts().to_dict()
    )
