"""Shared data for the screen tests: random cohorts with missing values."""

from pathlib import Path

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
