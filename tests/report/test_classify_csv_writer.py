"""`classify -o OUT.csv` writes its participants table with Arrow (issue 20):
the file must be pandas' ``to_csv(index=False)`` byte for byte."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.report import classify_outputs
from sarcostat.report.classify_outputs import write_csv


def _mixed(n=500, seed=0):
    r = np.random.default_rng(seed)
    texts = np.array(
        ["a,b", 'q"uote', "line\nbreak", "cr\rx", "", None, "plain", "é ≥ 5 kg/m²"], dtype=object
    )
    df = pd.DataFrame(
        {
            "id": pd.array([f"P{i}" if i % 17 else None for i in range(n)], dtype="str"),
            "x": np.where(
                r.random(n) < 0.1,
                np.nan,
                r.normal(0, 1e3, n).round(3) * 10.0 ** -r.integers(0, 8, n),
            ),
            "k": r.integers(-5, 5, n),
            "b": pd.array(np.where(r.random(n) < 0.2, None, r.random(n) < 0.5), dtype="boolean"),
            "nb": r.random(n) < 0.5,
            "t": pd.array(texts[r.integers(0, len(texts), n)], dtype="string"),
            'h,"d': pd.array(["x"] * n, dtype=pd.StringDtype("python")),
            "ni": pd.array(np.where(r.random(n) < 0.2, None, r.integers(-3, 9, n)), dtype="Int64"),
            "ni8": pd.array(np.where(r.random(n) < 0.2, None, r.integers(0, 5, n)), dtype="Int8"),
        }
    )
    df.loc[:6, "x"] = [
        1e20,
        1e-7,
        -0.0,
        np.inf,
        4.0,
        0.0,
        -0.0,
    ]  # both zeros, as pandas writes them
    return df


@pytest.mark.parametrize("rows", [7, 1 << 16])
def test_write_csv_is_pandas_to_csv_byte_for_byte(tmp_path, monkeypatch, rows):
    monkeypatch.setattr(classify_outputs, "CSV_ROWS", rows)
    for frame in (_mixed(), _mixed().iloc[:0], _mixed()[["id", "t"]], _mixed()[["t"]]):
        frame.to_csv(tmp_path / "pandas.csv", index=False)
        write_csv(frame, tmp_path / "arrow.csv")
        assert (tmp_path / "arrow.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_other_column_types_go_through_pandas(tmp_path):
    frame = _mixed(50)
    frame["obj"] = np.array([{"a": 1}, None] * 25, dtype=object)
    frame["cat"] = pd.Categorical(["u", "v"] * 25)
    frame = frame[["obj", "cat"]]
    frame.to_csv(tmp_path / "pandas.csv", index=False)
    write_csv(frame, tmp_path / "arrow.csv")
    assert (tmp_path / "arrow.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_both_zeros_and_nullable_integers_are_written_as_pandas_writes_them(tmp_path):
    # -0.0 equals 0.0 (one key for a hash) but pandas writes "-0.0"; a
    # nullable integer column (criteria counts) is written by Arrow too.
    frame = pd.DataFrame(
        {
            "t_score": [0.0, -0.0, np.nan, -0.0, 1.5, 0.0],
            "n_met": pd.array([1, None, 3, 0, None, 2], dtype="Int64"),
            "reason": pd.array(["a", "b,c", None, "", "d", "e"], dtype="string"),
        }
    )
    assert classify_outputs._csv_cells(frame["n_met"], None) is not None  # not left to pandas
    for part in (frame, frame[["t_score", "reason"]]):
        part.to_csv(tmp_path / "pandas.csv", index=False)
        write_csv(part, tmp_path / "arrow.csv")
        assert (tmp_path / "arrow.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()


def test_long_rows_are_written_in_shorter_slices_with_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(classify_outputs, "CSV_PROBE", 16)
    monkeypatch.setattr(classify_outputs, "CSV_BYTES", 2_000)  # a few dozen rows a slice
    slices = []
    real = classify_outputs._text_bytes
    monkeypatch.setattr(classify_outputs, "_text_bytes", lambda a: slices.append(len(a)) or real(a))
    frame = _mixed(500)
    frame["reason"] = pd.array(["long, reason " * 20] * 500, dtype="string")
    frame = frame.drop(columns=["ni", "ni8"])
    frame.to_csv(tmp_path / "pandas.csv", index=False)
    write_csv(frame, tmp_path / "arrow.csv")
    assert (tmp_path / "arrow.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
    assert len(slices) > 10 and max(slices[1:]) < 100  # the probe, then short slices
