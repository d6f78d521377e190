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


def demo_cohort_path() -> Path:
    """Path of ``demo_cohort.csv``: the bundled **synthetic** demo cohort.

    129 simulated participants (no real person), the output of
    :func:`sarcostat.datasets.simulate.simulate_cohort` at its default seed,
    calibrated to the seed study's published tables (see
    ``demo_cohort.md`` beside it for the data dictionary and the generative
    model). Read it with :func:`demo_mapping_path` as the column map, or
    simply call :func:`load_demo`.
    """
    return _HERE / "demo_cohort.csv"


def demo_mapping_path() -> Path:
    """Path of ``demo_cohort.toml``, the column map of the demo cohort
    (sclerostin in pmol/L with detection limit 3.2; muscle mass by BIA)."""
    return _HERE / "demo_cohort.toml"


def seed_tables_path() -> Path:
    """Path of ``seed_tables.json``: the seed paper's printed numbers."""
    return _HERE / "seed_tables.json"


def load_demo(*, as_cohort: bool = False):
    """Load the bundled synthetic demo cohort through :func:`sarcostat.io.read_cohort`.

    Parameters
    ----------
    as_cohort : bool, default False
        Return the :class:`~sarcostat.io.Cohort` (data, findings, units,
        biomarkers, protocol) instead of only its data.

    Returns
    -------
    pandas.DataFrame or Cohort
        One row per participant in canonical columns (``id``, ``sex``,
        ``age_yr``, ``height_cm``, ``weight_kg``, ``bmi``, ``asm_kg``,
        ``muscle_mass_method``, ``smi``, ``grip_1_kg``, ``grip_2_kg``,
        ``grip_kg``, ``gait_time_4m_s``, ``gait_distance_m``,
        ``gait_speed_m_s``, ``gait_unable``, ``chair_stand_5x_s``,
        ``chair_stand_unable``, ``side_by_side_s``, ``semi_tandem_s``,
        ``tandem_s``, ``sclerostin`` (pmol/L), ``sclerostin_lod``).
        Sarcopenia is not stored: derive it with
        :func:`sarcostat.assess.classify`.

    Notes
    -----
    The data are SYNTHETIC (simulated); see ``demo_cohort.md``.

    Examples
    --------
    >>> from sarcostat.datasets import load_demo
    >>> df = load_demo()
    >>> len(df), int((df["sex"] == "male").sum())
    (129, 64)
    """
    from sarcostat.io import read_cohort

    cohort = read_cohort(demo_cohort_path(), mapping=demo_mapping_path())
    return cohort if as_cohort else cohort.data
