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


@pytest.mark.parametrize("rows", [7, 1 << 16])
def test_deferred_columns_are_written_as_if_whole(tmp_path, monkeypatch, rows):
    # a column given a slice at a time is the same file as the column itself;
    # the placeholder in the frame is not read
    monkeypatch.setattr(classify_outputs, "CSV_ROWS", rows)
    frame = _mixed()
    asked = []

    def texts(rows):
        asked.append(rows)
        return frame["t"].array[rows]

    placeholder = frame.assign(t=False)
    frame.to_csv(tmp_path / "pandas.csv", index=False)
    write_csv(placeholder, tmp_path / "deferred.csv", {list(frame.columns).index("t"): texts})
    assert (tmp_path / "deferred.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
    assert all(r.stop - r.start <= max(rows, classify_outputs.CSV_PROBE) for r in asked)
    # a frame pandas writes (an object column) takes the deferred column whole
    other = frame.assign(obj=np.array([{"a": 1}] * len(frame), dtype=object))
    other.to_csv(tmp_path / "pandas2.csv", index=False)
    write_csv(other.assign(t=False), tmp_path / "d2.csv", {list(other.columns).index("t"): texts})
    assert (tmp_path / "d2.csv").read_bytes() == (tmp_path / "pandas2.csv").read_bytes()


def test_cli_csv_streams_the_reasons_and_matches_the_whole_column(tmp_path, monkeypatch):
    # `classify -o OUT.csv` makes the reasons a block of rows at a time while
    # writing; the file is the one the whole reason column gives, for every
    # definition (the block smaller than the cohort, blocks cut into slices)
    import sarcostat.assess.classification as classification
    from sarcostat.assess import classify_cohort
    from sarcostat.cli import main
    from sarcostat.datasets import example_cohort_path
    from sarcostat.io import read_cohort

    monkeypatch.setattr(classification, "REASON_BLOCK_ROWS", 11)
    made = []
    real = classification.reason_texts
    monkeypatch.setattr(
        classification,
        "reason_texts",
        lambda data, name, **kw: made.append(name) or real(data, name, **kw),
    )
    monkeypatch.setattr(classify_outputs, "CSV_ROWS", 5)
    monkeypatch.setattr(classify_outputs, "CSV_PROBE", 5)
    names = "awgs2019,ewgsop2,fnih2014,sdoc2020,iwgs2011,awgs2014,ewgsop1"
    out = tmp_path / "c.csv"
    assert (
        main(["classify", str(example_cohort_path()), "--definition", names, "-o", str(out), "-q"])
        == 0
    )
    whole = classify_cohort(read_cohort(example_cohort_path()), names.split(",")).table
    whole.to_csv(tmp_path / "whole.csv", index=False)
    assert out.read_bytes() == (tmp_path / "whole.csv").read_bytes()
    assert "awgs2019_reason" in out.read_text(encoding="utf-8").splitlines()[0]
    assert made == names.split(",")  # streamed, one source per definition


def test_reason_texts_slices_are_classify_reasons():
    from sarcostat.assess import classify
    from sarcostat.assess.classification import reason_texts
    from sarcostat.datasets import load_demo

    data = load_demo()
    data = getattr(data, "data", data)
    for name in ("awgs2019", "ewgsop2"):
        want = classify(data, name)["reason"].tolist()
        texts = reason_texts(data, name)
        got = [t for a in range(0, len(data), 13) for t in texts(slice(a, a + 13))]
        assert got == want
        assert list(texts(slice(5, 5))) == []
        with pytest.raises(ValueError):
            texts(slice(0, 10, 2))
