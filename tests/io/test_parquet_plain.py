"""A long Parquet text column that is mostly distinct in its first rows (ids)
is kept as plain text without hashing every cell (`readers._parquet_text`,
`PLAIN_PROBE_ROWS`): the cohort, its findings and its ids are those of the
coded path, whatever the column holds further down."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sarcostat.io.readers as readers
from sarcostat.io import read_cohort


def _frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    ids = [f" P{k:04d} " if k % 9 == 0 else f"P{k:04d}" for k in range(n)]
    ids[300] = "P0007"  # repeated far below the probed rows
    ids[301] = "NA"
    conc = [f"{v:.4f}" for v in rng.uniform(5, 90, n)]
    conc[10], conc[200] = "<3.2", " 41.5 "
    notes = [f"visit {k} ok" for k in range(n)]
    notes[250:] = ["same"] * (n - 250)  # distinct at the top only
    return pd.DataFrame(
        {
            "id": ids,
            "sex": rng.choice(["male", "female"], n),
            "age_yr": rng.uniform(60, 90, n).round(1),
            "sclerostin": conc,
            "note": notes,
        }
    )


@pytest.mark.parametrize("probe", [64, 250])
def test_plain_text_columns_give_the_coded_paths_cohort(tmp_path, monkeypatch, probe):
    path = tmp_path / "c.parquet"
    _frame().to_parquet(path, index=False)
    mapping = {"biomarkers": {"sclerostin": {"unit": "pmol/L", "column": "sclerostin", "lod": 3.2}}}
    coded = read_cohort(path, mapping)
    assert not readers.read_table(path).text_arrays  # 400 rows: every column hashed
    monkeypatch.setattr(readers, "PLAIN_PROBE_ROWS", probe)
    raw = readers.read_table(path)
    assert "id" in raw.text_arrays  # the probe took the plain path
    plain = read_cohort(path, mapping)
    pd.testing.assert_frame_equal(plain.data, coded.data)
    assert [f.message for f in plain.issues] == [f.message for f in coded.issues]
    assert sum("is repeated" in f.message for f in plain.issues) == 1
    assert plain.data["id"].iloc[0] == "P0000"
