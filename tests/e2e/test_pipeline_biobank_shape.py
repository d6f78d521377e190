"""The benchmark's "biobank" shape (benchmarks/pipeline.py) is the same
cohort as its source, read through its own map: what `analyze` is timed on
there is a UK Biobank-style extract of these participants, not something
else (sex codes, grip per hand, gait speed from the walk time)."""

from __future__ import annotations

import importlib.util
import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from sarcostat.datasets import demo_cohort_path, demo_mapping_path
from sarcostat.io import read_cohort

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pipeline():
    spec = importlib.util.spec_from_file_location("pipeline", ROOT / "benchmarks" / "pipeline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_biobank_shape_reads_as_the_same_participants(pipeline, tmp_path):
    csv = tmp_path / "cohort_129.csv"
    shutil.copy(demo_cohort_path(), csv)
    shutil.copy(demo_mapping_path(), csv.with_suffix(".toml"))
    path = pipeline.shaped(csv, "biobank")
    assert path.with_suffix(".toml").exists()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src = read_cohort(csv, csv.with_suffix(".toml")).data
        ukb = read_cohort(path, path.with_suffix(".toml")).data
    assert len(ukb) == len(src)
    assert ukb["id"].tolist() == [str(1_000_001 + k) for k in range(len(src))]
    assert ukb["sex"].tolist() == src["sex"].tolist()
    for c in ("age_yr", "height_cm", "weight_kg", "asm_kg", "grip_kg", "smi", "sclerostin"):
        np.testing.assert_array_equal(ukb[c].to_numpy(float), src[c].to_numpy(float), err_msg=c)
    np.testing.assert_allclose(ukb["gait_speed_m_s"], src["gait_speed_m_s"], atol=0.005)
    assert (ukb["muscle_mass_method"] == "bia").all()
    assert not {"chair_stand_5x_s", "side_by_side_s", "sppb_total"} & set(ukb.columns)
