"""Shared data for the screen tests: random cohorts with missing values."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from screen_testdata import make_data

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def data():
    return make_data()


@pytest.fixture(scope="session")
def fixture_data():
    cohort = pd.read_csv(FIXTURES / "screen_cohort.csv")
    bio = pd.read_csv(FIXTURES / "screen_biomarkers.csv")
    return cohort, bio


@pytest.fixture(scope="module")
def panels(data):
    """(cohort, panel held row by row, the same panel column by column), one
    missing value: the row-sweep and chunked paths of the screen compared."""
    cohort, bio = data
    names = list(bio.columns[1:])
    X = np.ascontiguousarray(bio[names].to_numpy(dtype=float))  # row by row
    X[3, 0] = np.nan
    rows = pd.DataFrame(X, columns=names, copy=False)
    rows.insert(0, "id", bio["id"].to_numpy())
    cols = pd.DataFrame(
        {"id": bio["id"].to_numpy(), **{n: X[:, j].copy() for j, n in enumerate(names)}}
    )
    return cohort, rows, cols
