"""Small bundled datasets for examples, doctests and ``make demo``."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def example_cohort_path() -> Path:
    """Path of ``example_cohort.csv``: 12 participants with user-style headers.

    The file looks like a clinic export: ``Height (cm)``, ``HGS``, ``Sex``
    as M/F, a sclerostin value written ``<3.2`` (below the assay's detection
    limit) and one chair stand recorded as ``unable``. It validates without
    errors. Read it with :func:`sarcostat.read_cohort`; never write to it.
    """
    return _HERE / "example_cohort.csv"
