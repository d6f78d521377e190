"""Helpers shared by the io tests (imported as a plain module: tests/ has no packages)."""

from __future__ import annotations

import pandas as pd


def small_cohort() -> pd.DataFrame:
    """Four plausible participants with user-style headers."""
    return pd.DataFrame(
        {
            "ID": ["P1", "P2", "P3", "P4"],
            "Sex": ["M", "F", "F", "M"],
            "Age": [70.0, 65.0, 80.0, 75.0],
            "Height (cm)": [170.0, 155.0, 150.0, 165.0],
            "Weight (kg)": [70.0, 55.0, 48.0, 60.0],
            "HGS": [35.0, 20.0, 15.0, 28.0],
        }
    )


def rules(cohort, severity=None):
    return [f.rule for f in cohort.issues if severity is None or f.severity == severity]


def errors(cohort, rule=None):
    return [f for f in cohort.issues if f.severity == "error" and (rule is None or f.rule == rule)]
