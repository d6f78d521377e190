"""Large cohorts: messages per kind of problem are capped, Parquet is read by column,
and progress bars stay off the output when it is not a terminal."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import sarcostat.io.cells as cells
import sarcostat.io.readers as readers
from sarcostat import progress
from sarcostat.cli import main
from sarcostat.io import cohort_from_frame, read_cohort
from sarcostat.io.findings import count_findings

N = 300


def _frame(n: int = N) -> pd.DataFrame:
    k = np.arange(n)
    return pd.DataFrame(
        {
            "id": [f"P{i:04d}" for i in k],
            "sex": np.where(k % 2, "male", "female"),
            "age_yr": 60.0 + k % 30,
            "height_cm": 150.0 + k % 40,
            "weight_kg": 50.0 + k % 35,
            "grip_kg": 20.0 + k % 17,
        }
    )


def test_many_bad_rows_give_the_first_rows_and_a_count(tmp_path):
    frame = _frame().astype({"grip_kg": object, "sex": object})
    frame["grip_kg"] = "strong"  # 300 non-numeric cells
    frame.loc[5:, "age_yr"] = 250.0  # 295 ages out of range
    frame.loc[[3, 7], "sex"] = "x"  # two bad codes: both listed
    frame.loc[10, "id"] = "P0001"  # one duplicate id
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    cohort = read_cohort(path)

    grip = [f for f in cohort.errors if f.column == "grip_kg"]
    listed = [f for f in grip if f.row is not None]
    assert [f.row for f in listed] == list(range(2, 2 + cells.MAX_ROWS_PER_PROBLEM))
    (summary,) = [f for f in grip if f.row is None]
    assert summary.rule == "non_numeric" and summary.count == N - cells.MAX_ROWS_PER_PROBLEM
    assert summary.detail == (
        f"{N - 20} more rows with this problem (non_numeric) are not listed; {N} in all, "
        "the first 20 listed one by one."
    )
    age = [f for f in cohort.errors if f.column == "age_yr"]
    assert len(age) == 21 and sum(f.count for f in age) == N - 5
    assert [f.row for f in age[:2]] == [7, 8] and age[-1].rule == "range"
    assert [f.row for f in cohort.errors if f.column == "sex"] == [5, 9]
    assert [f.rule for f in cohort.errors if f.column == "id"] == ["duplicate_id"]
    # every problem counted once in the summary line and the exit message
    assert count_findings(cohort.errors) == N + (N - 5) + 2 + 1
    assert f"{N + (N - 5) + 2 + 1} errors" in cohort.summary()


def test_validate_prints_a_page_not_a_line_per_row(tmp_path, capsys):
    frame = _frame(2000).astype({"grip_kg": object})
    frame["grip_kg"] = "n/d?"
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert len(out.splitlines()) < 40
    assert "1980 more rows with this problem (non_numeric) are not listed; 2000 in all" in out
    assert "2000 errors" in out


def test_a_few_bad_rows_are_all_listed():
    frame = _frame(50)
    frame.loc[: cells.MAX_ROWS_PER_PROBLEM - 1, "grip_kg"] = -1.0
    cohort = cohort_from_frame(frame)
    rows = [f.row for f in cohort.errors if f.column == "grip_kg"]
    assert rows == list(range(1, cells.MAX_ROWS_PER_PROBLEM + 1))
    assert all(f.count == 1 for f in cohort.issues)


def test_parquet_reads_only_the_columns_asked_for(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    frame = _frame()
    frame["big_int"] = np.arange(N, dtype=np.int64) + 2**60  # kept exact, as Python ints
    frame["note"] = "x"
    path = tmp_path / "cohort.parquet"
    frame.to_parquet(path, index=False)
    asked = []
    real_read = pq.ParquetFile.read

    def spy(self, columns=None, **kw):
        asked.append(tuple(columns))
        return real_read(self, columns=columns, **kw)

    monkeypatch.setattr(pq.ParquetFile, "read", spy)
    raw = readers.read_table(path, columns=["grip_kg", "id", "big_int", "absent"])
    assert raw.headers == ["id", "grip_kg", "big_int"]  # file order
    assert sorted(asked) == [("big_int",), ("grip_kg",), ("id",)]
    assert raw.columns["id"].tolist() == frame["id"].tolist()
    np.testing.assert_array_equal(raw.columns["grip_kg"], frame["grip_kg"].to_numpy())
    assert raw.columns["big_int"][3] == 2**60 + 3 and isinstance(raw.columns["big_int"][3], int)
    whole = read_cohort(path)
    part = read_cohort(path, columns=["id", "sex", "grip_kg"])
    assert list(part.data.columns) == ["id", "sex", "grip_kg"]
    pd.testing.assert_frame_equal(part.data, whole.data[["id", "sex", "grip_kg"]])


def test_progress_bars_are_silent_when_stderr_is_not_a_terminal(tmp_path, monkeypatch, capsys):
    stream = io.StringIO()  # not a terminal
    progress.configure(quiet=False, stream=stream)
    monkeypatch.setattr(readers, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(readers, "BLOCK_BYTES", 200)
    try:
        path = tmp_path / "c.csv"
        _frame().to_csv(path, index=False)
        cohort = read_cohort(path)
        frame_path = tmp_path / "c.parquet"
        _frame().to_parquet(frame_path, index=False)
        read_cohort(frame_path)
    finally:
        progress.configure(quiet=False, stream=None)
    assert not cohort.has_errors
    assert stream.getvalue() == ""
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


@pytest.mark.parametrize("n", [10, cells._FACTORIZE_MIN])
def test_duplicate_ids_found_the_same_way_in_short_and_long_columns(n):
    frame = _frame(n)
    frame.loc[n - 1, "id"] = "P0002"
    frame.loc[n - 2, "id"] = None
    cohort = cohort_from_frame(frame)
    found = [(f.rule, f.row) for f in cohort.errors]
    assert found == [("missing_id", n - 1), ("duplicate_id", n)]
    (dup,) = [f for f in cohort.errors if f.rule == "duplicate_id"]
    assert "first at record 3" in dup.message
