"""Small bundled datasets for examples, doctests and ``make demo``."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def example_cohort_path() -> Path:
    """Path of ``example_cohort.csv``: 12 participants with user-style headers.

    The file looks like a clinic export: ``Height (cm)``, ``HGS``, ``Sex``
    as M/F, a sclerostin value written ``<3.2`` (below the assay's detection
    limit) and one chair stand recorded as ``unable``. It validates without
    errors. Read it with `sarcostat.read_cohort`; never write to it.
    """
    return _HERE / "example_cohort.csv"


def demo_cohort_path() -> Path:
    """Path of ``demo_cohort.csv``: the bundled **synthetic** demo cohort.

    129 simulated participants (no real person), the output of
    `sarcostat.datasets.simulate.simulate_cohort` at its default seed,
    calibrated to the seed study's published tables (see
    ``demo_cohort.md`` beside it for the data dictionary and the generative
    model). Read it with `demo_mapping_path` as the column map, or
    simply call `load_demo`.
    """
    return _HERE / "demo_cohort.csv"


def demo_mapping_path() -> Path:
    """Path of ``demo_cohort.toml``, the column map of the demo cohort
    (sclerostin in pmol/L with detection limit 3.2; muscle mass by BIA)."""
    return _HERE / "demo_cohort.toml"


def examples_path() -> Path:
    """Folder of the tutorial's **synthetic** example files (``examples/`` in the source tree).

    ``clinic_baseline.xlsx`` with ``clinic_map.toml`` (a clinic's own headers
    and codes), ``elisa/`` (two DKK1 plates exported by SoftMax Pro and Gen5,
    with their layouts) and ``panel.csv`` (a 41-analyte panel for
    ``screen``); ``README.md`` lists them. Copy them out with
    `copy_examples` or ``sarcostat examples -o DIR``; never write here.
    """
    return _HERE / "examples"


def example_files() -> list[str]:
    """The example files, as paths relative to `examples_path` (``/``-separated)."""
    root = examples_path()
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


def copy_examples(dest) -> list[Path]:
    """Copy the example files into folder ``dest`` and return the paths written.

    ``dest`` may exist, but no file of the same name may: nothing is ever
    overwritten, and when one would be, nothing is copied and
    `DataError` names it.
    """
    import shutil

    from sarcostat.exceptions import DataError

    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise DataError(f"{dest}: exists and is not a folder; give a folder for the examples.")
    names = example_files()
    clash = [n for n in names if (dest / n).exists() or (dest / n).is_symlink()]
    if clash:
        raise DataError(
            f"{dest}: already holds {', '.join(clash[:3])}"
            + (f" and {len(clash) - 3} more" if len(clash) > 3 else "")
            + "; sarcostat never overwrites files. Choose another folder."
        )
    parents = {p for n in names for p in Path(n).parents if p != Path(".")}
    linked = sorted(p for p in parents if (dest / p).is_symlink())
    if linked:
        raise DataError(f"{dest / linked[0]}: is a link; copy the examples into a plain folder.")
    written = []
    for n in names:
        target = dest / n
        target.parent.mkdir(parents=True, exist_ok=True)
        # "x": never replace a file that appeared since the check above
        with open(examples_path() / n, "rb") as src, open(target, "xb") as out:
            shutil.copyfileobj(src, out)
        written.append(target)
    return written


def seed_tables_path() -> Path:
    """Path of ``seed_tables.json``: the seed paper's printed numbers."""
    return _HERE / "seed_tables.json"


def load_demo(*, as_cohort: bool = False):
    """Load the bundled synthetic demo cohort through `sarcostat.io.read_cohort`.

    Parameters
    ----------
    as_cohort : bool, default False
        Return the `Cohort` (data, findings, units,
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
        `sarcostat.assess.classify`.

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
