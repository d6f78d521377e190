"""Left-censored biomarker values: substitution and counts."""

import math

import numpy as np
import pandas as pd
import pytest

from sarcostat.exceptions import ParameterError
from sarcostat.study.censor import substitute_censored


@pytest.fixture
def data():
    return pd.DataFrame(
        {"scl": [10.0, np.nan, np.nan, 20.0, np.nan], "scl_lod": [np.nan, 3.2, 4.0, np.nan, np.nan]}
    )


@pytest.mark.parametrize(
    "method, factor", [("lod_sqrt2", 1 / math.sqrt(2)), ("lod_half", 0.5), ("lod", 1.0)]
)
def test_substitutes_from_each_rows_own_limit(data, method, factor):
    out, summary = substitute_censored(data, "scl", method=method)
    assert out["scl"].iloc[1] == pytest.approx(3.2 * factor, rel=1e-12)
    assert out["scl"].iloc[2] == pytest.approx(4.0 * factor, rel=1e-12)
    # Measured values untouched; a value missing without a limit stays missing.
    assert out["scl"].iloc[[0, 3]].tolist() == [10.0, 20.0]
    assert math.isnan(out["scl"].iloc[4])
    assert (summary.n_censored, summary.n_substituted) == (2, 2)
    assert summary.limits == (3.2, 4.0)
    assert data["scl"].isna().sum() == 3  # input not modified


def test_exclude_leaves_censored_values_missing(data):
    out, summary = substitute_censored(data, "scl", method="exclude")
    assert out["scl"].isna().sum() == 3
    assert (summary.n_censored, summary.n_substituted) == (2, 0)
    assert "excluded" in summary.sentence()


def test_without_a_lod_column_nothing_is_censored():
    out, summary = substitute_censored(pd.DataFrame({"scl": [1.0, np.nan]}), "scl")
    assert summary.n_censored == 0
    assert out["scl"].isna().sum() == 1
    assert summary.sentence().startswith("No scl value")


def test_sentence_names_count_limit_and_rule(data):
    _, summary = substitute_censored(data, "scl")
    text = summary.sentence()
    assert "2 scl value(s)" in text and "3.2, 4" in text and "Hornung & Reed 1990" in text


def test_unknown_method_is_a_parameter_error(data):
    with pytest.raises(ParameterError, match="'method' parameter of substitute_censored"):
        substitute_censored(data, "scl", method="half")


def test_substitution_copies_only_the_biomarker_column(data):
    data = data.assign(age=[70.0, 71.0, 72.0, 73.0, 74.0])
    out, _ = substitute_censored(data, "scl")
    # The other columns are shared with the input (no copy of a large cohort) ...
    assert np.shares_memory(out["age"].to_numpy(), data["age"].to_numpy())
    # ... and writing to the result leaves the input as it was (copy on write).
    out.loc[0, "age"] = 0.0
    assert data["age"].iloc[0] == 70.0 and data["scl"].isna().sum() == 3


def test_a_large_count_has_thousands_separators():
    from sarcostat.study.censor import CensoringSummary

    s = CensoringSummary("sclerostin", "lod_sqrt2", 39636, 39636, (3.2,)).sentence()
    assert s.startswith("39,636 sclerostin value(s) below the detection limit (LOD 3.2)")
