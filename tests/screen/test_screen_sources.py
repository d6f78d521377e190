"""Same results whatever the biomarkers come from (DataFrame, CSV, Parquet read
a chunk of columns at a time) and whatever the chunk size; progress is
reported per chunk."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.stats.screen import screen
from sarcostat.stats.screen_source import ParquetSource

COVS = ["age_yr", "sex_male", "bmi"]
OUT = ["smi", "grip_kg", "sarcopenia"]


@pytest.fixture
def files(data, tmp_path):
    cohort, bio = data
    bio = bio.copy()
    bio["text"] = "a"
    pq = tmp_path / "bio.parquet"
    csv = tmp_path / "bio.csv"
    bio.to_parquet(pq, index=False)
    bio.to_csv(csv, index=False)
    return cohort, bio, pq, csv


def test_parquet_csv_and_frame_give_identical_tables(files):
    cohort, bio, pq, csv = files
    ref = screen(cohort, bio, outcomes=OUT, covariates=COVS, chunk_size=5).table
    for src in (pq, csv, str(pq)):
        got = screen(cohort, src, outcomes=OUT, covariates=COVS, chunk_size=5).table
        pd.testing.assert_frame_equal(got, ref)


@pytest.mark.parametrize("chunk_size", [1, 4, 1000])
def test_chunk_size_does_not_change_results(data, chunk_size):
    cohort, bio = data
    ref = screen(cohort, bio, outcomes=OUT, covariates=COVS, chunk_size=3).table
    got = screen(cohort, bio, outcomes=OUT, covariates=COVS, chunk_size=chunk_size).table
    num = ref.select_dtypes("number").columns
    np.testing.assert_allclose(
        got[num].to_numpy(float), ref[num].to_numpy(float), rtol=1e-9, equal_nan=True
    )
    assert (got["message"] == ref["message"]).all()


def test_parquet_source_reads_only_requested_columns(files, monkeypatch):
    import pyarrow.parquet as pq_mod

    cohort, bio, pq, _ = files
    src = ParquetSource(pq, cohort["id"])
    seen = []
    real = pq_mod.read_table

    def spy(path, columns=None, **kw):
        seen.append(list(columns) if columns is not None else None)
        return real(path, columns=columns, **kw)

    monkeypatch.setattr(pq_mod, "read_table", spy)
    X, msgs = src.read(["x1", "x5"])
    assert seen == [["x1", "x5"]]
    np.testing.assert_array_equal(X[:, 1], bio["x5"].to_numpy())
    _, msgs = src.read(["text"])
    assert "not numeric" in msgs[0]


def test_progress_called_per_chunk(data):
    cohort, bio = data
    calls = []
    # One thread: chunks finish in order. (With more, a smaller last chunk
    # may finish first; test_screen_threads checks that the count only grows.)
    screen(
        cohort,
        bio,
        outcomes="smi",
        chunk_size=5,
        threads=1,
        progress=lambda d, t: calls.append((d, t)),
    )
    p = bio.shape[1] - 1
    assert calls == [(5, p), (10, p), (p, p)]


def test_missing_file_is_a_read_error(data, tmp_path):
    from sarcostat.exceptions import ReadError

    cohort, _ = data
    with pytest.raises(ReadError, match="not found"):
        screen(cohort, tmp_path / "nope.parquet", outcomes="smi")
    (tmp_path / "x.xlsx").write_text("x")
    with pytest.raises(ReadError, match="must be .parquet or .csv"):
        screen(cohort, tmp_path / "x.xlsx", outcomes="smi")


def test_align_same_ids_in_the_same_order():
    """A panel exported with the cohort (the same text ids, same order):
    row i is row i, without a look-up of every key; a duplicated id is
    still refused, and ids with a missing one take the general join."""
    from sarcostat.exceptions import DataError
    from sarcostat.stats.screen_source import _align

    ids = pd.Series(["p1", "p2", " p3", "p10"])
    pos, info = _align(ids, ids.copy(), where="panel")
    assert pos.tolist() == [0, 1, 2, 3] and pos.dtype == np.int64
    assert info["n_matched"] == 4 and info["n_biomarker_ids_not_in_cohort"] == 0
    assert info["cohort_ids_without_biomarkers"] == []
    dup = pd.Series(["p1", "p2", "p2", "p4"])
    with pytest.raises(DataError, match="more than once"):
        _align(dup, dup.copy(), where="panel")
    gap = pd.Series(["p1", None, "p3"])
    pos, info = _align(gap, gap.copy(), where="panel")
    assert pos.tolist() == [0, 1, 2] and info["n_matched"] == 3


@pytest.mark.parametrize(
    "ids, fast",
    [
        (["p1", "p2", " p3", "p10"], True),
        (["p1", " p1", "p3"], False),  # the same key after stripping: refused
        (["1", "1.0", "3"], False),  # '1.0' is the id 1: refused
        (["1.5", "2", "3"], True),  # a '.' but no whole number: its own key
        (["NA", "p2", "p3"], False),  # a missing-value word
        (["p\u00e9", " p\u00e9\u3000", "p3"], False),  # Unicode space stripped: a repeat
        (["p\u00e9", "p2", "p3"], True),  # not ASCII: the Python rules, distinct
        (["p1", None, "p3"], False),  # a missing cell
        (["p1", "p2", "P1"], True),  # case matters: distinct ids
    ],
)
def test_align_of_arrow_ids_equals_the_general_join(ids, fast):
    """Ids held as Arrow text (pandas' default ``str``) that are the same
    in both tables take a check in Arrow's kernels (`_plain_distinct`);
    whichever way, the rows, counts and errors are those of the general
    join (the same ids as Python objects)."""
    from sarcostat.exceptions import DataError
    from sarcostat.stats import screen_source as ss

    arrow = pd.Series(pd.array(ids, dtype="string[pyarrow]"))
    plain = pd.Series(ids, dtype=object)
    assert ss._arrow_cells(plain) is None
    assert ss._plain_distinct(ss._arrow_cells(arrow)) is fast
    try:
        want = ss._align(plain, plain.copy(), where="panel")
    except DataError as exc:
        with pytest.raises(DataError, match="more than once") as got:
            ss._align(arrow, arrow.copy(), where="panel")
        assert str(got.value) == str(exc)
        return
    pos, info = ss._align(arrow, arrow.copy(), where="panel")
    np.testing.assert_array_equal(pos, want[0])
    assert pos.dtype == want[0].dtype and info == want[1]


def test_align_of_arrow_ids_in_another_order_takes_the_general_join():
    from sarcostat.stats import screen_source as ss

    coh = pd.Series(pd.array(["a", "b", "c"], dtype="string[pyarrow]"))
    bio = pd.Series(pd.array(["c", "a", "x"], dtype="string[pyarrow]"))
    pos, info = ss._align(coh, bio, where="panel")
    assert pos.tolist() == [1, -1, 0]
    assert info["n_matched"] == 2 and info["biomarker_ids_not_in_cohort"] == ["x"]
