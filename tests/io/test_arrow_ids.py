"""Ids checked with Arrow's string kernels follow the same rules as the Python ones.

Long text id columns (the block reader's, or any text column of 50,000 rows
or more) go through ``ids.arrow_ids``; shorter ones through ``text_ids``.
Both must give the same texts, the same missing ids and the same repeats.
"""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import sarcostat.io.canonical as canonical
import sarcostat.io.ids as ids_mod
import sarcostat.io.readers as readers
from sarcostat.io import read_cohort
from sarcostat.io.ids import arrow_ids, text_ids

TRICKY = [
    " A1 ",
    "A1",
    "a1",
    "7",
    "007",
    "1.0",
    "1",
    "1.00",
    "-3.000",
    "-3",
    "-0.0",
    "0",
    "1.5",
    "1.50",
    "NA",
    " n/a ",
    "",
    "  ",
    "NaN",
    "#N/A",
    "null",
    "None",
    ".",
    "<NA>",
    "missing",
    "MISSING ",
    "\u00a0P9\u3000",
    "P9",
    "\u0661.0",
    "\u0661",
    "M\u0130SS\u0130NG",
    "\u212a",
    "k",
    "\u00e9",
    "e\u0301",
    "x.0",
    "1.0.0",
    "+1.0",
    "01.0",
    "1e3",
]


def _python_first(keys):
    seen, out = {}, []
    for i, k in enumerate(keys):
        out.append(-1 if k is None else seen.setdefault(k, i))
    return out


def test_arrow_ids_follow_the_python_rules_on_tricky_cells():
    texts, keys = text_ids(TRICKY)
    ids, first = arrow_ids(pa.array(TRICKY))
    assert list(ids) == texts
    assert first.tolist() == _python_first(keys)
    # '1', '1.0', '1.00' are one id; '007' and '7' two; an Arabic-Indic digit
    # is not [1-9]: '\u0661.0' keeps its '.0' (Python's rule, not Arrow's \d)
    assert first[TRICKY.index("1.00")] == TRICKY.index("1.0")
    assert first[TRICKY.index("007")] == TRICKY.index("007")
    assert first[TRICKY.index("\u0661")] == TRICKY.index("\u0661")


def test_arrow_ids_with_the_readers_stripped_texts():
    cells = [c.strip() for c in TRICKY]
    texts = np.empty(len(cells), dtype=object)
    texts[:] = cells
    ids, first = arrow_ids(pa.array(cells), texts)
    ref_texts, ref_keys = text_ids(cells)
    assert list(ids) == ref_texts and first.tolist() == _python_first(ref_keys)
    assert texts.tolist() == cells  # the reader's array is not modified


@pytest.mark.parametrize("repeats", [False, True])
def test_ids_without_dots_or_non_ascii_use_arrows_hash_table(repeats):
    # the usual column (no '1.0'-like or non-ASCII id): Arrow finds the repeats
    rng = np.random.default_rng(4)
    cells = [f"P{k:05d}" for k in range(3000)] + ["NA", " na ", "", "null", "A 1", " A 1"]
    if repeats:
        cells += [cells[int(k)] for k in rng.integers(0, 3000, 50)] + ["NA", "p00001"]
    order = rng.permutation(len(cells))
    cells = [cells[k] for k in order]
    chunked = pa.chunked_array([pa.array(cells[:100]), pa.array(cells[100:])])
    texts, keys = text_ids(cells)
    ids, first = arrow_ids(chunked)
    assert list(ids) == texts
    assert first.tolist() == _python_first(keys)
    assert (first < 0).sum() == (5 if repeats else 4)  # the missing-value words
    assert ((first >= 0) & (first != np.arange(len(cells)))).sum() == (51 if repeats else 1)


def test_a_hash_collision_falls_back_to_the_exact_table(monkeypatch):
    monkeypatch.setattr(ids_mod, "_hash", lambda _s: 42)  # every key collides
    cells = ["B2", "A1", "B2", "C3", "1", "1.0", "NA"]
    ids, first = arrow_ids(pa.chunked_array([pa.array(cells[:3]), pa.array(cells[3:])]))
    assert first.tolist() == [0, 1, 0, 3, 4, 4, -1]
    assert ids.tolist() == ["B2", "A1", "B2", "C3", "1", "1.0", None]


def test_arrow_strips_exactly_what_str_strip_strips():
    # every code point (surrogates cannot be encoded), before and after a letter
    chars = [chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000]
    cells = pa.array(["a" + c for c in chars] + [c + "a" for c in chars])
    got = pc.utf8_trim_whitespace(cells).to_pylist()
    want = [("a" + c).strip() for c in chars] + [(c + "a").strip() for c in chars]
    assert got == want


def _cohort_csv(path, n):
    lines = ["id,sex,age_yr,height_cm,weight_kg,grip_kg,gait_speed_m_s"]
    for k in range(n):
        pid = f"P{k:04d}"
        if k == 7:
            pid = "P0003"  # repeated
        elif k == 9:
            pid = " NA "  # missing
        elif k == 11:
            pid = "12.0"
        elif k == 13:
            pid = "12"  # the same id as 12.0
        elif k == 15:
            pid = "\u00a0P\u00e9\u3000"
        lines.append(f"{pid},{'male' if k % 2 else 'female'},{60 + k % 30},160,60,30,1.0")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("arrow", ["block reader", "long column"])
def test_id_findings_are_the_same_on_both_paths(tmp_path, monkeypatch, arrow):
    path = tmp_path / "ids.csv"
    _cohort_csv(path, 120)
    before = read_cohort(path)
    if arrow == "block reader":
        monkeypatch.setattr(readers, "STREAM_MIN_BYTES", 0)
        monkeypatch.setattr(readers, "BLOCK_BYTES", 1500)
        monkeypatch.setattr(readers, "_HEAD_LINES", 25)
        monkeypatch.setattr(readers, "DENSE_MIN", 1)
        assert readers.read_table(path).text_arrays  # the id column came as Arrow strings
    else:
        monkeypatch.setattr(canonical, "_FACTORIZE_MIN", 1)
    after = read_cohort(path)
    assert [f.message for f in after.issues] == [f.message for f in before.issues]
    messages = " ".join(f.message for f in after.issues)
    assert "P0003" in messages and "is repeated" in messages and "missing" in messages
    # the ids stay in Arrow on these paths; findings still name them as text
    assert [(f.row, f.participant_id) for f in after.issues] == [
        (f.row, f.participant_id) for f in before.issues
    ]
    assert "P0003" in [f.participant_id for f in after.issues]
    assert after.data["id"].tolist() == before.data["id"].tolist()
    assert after.data["id"].dtype == before.data["id"].dtype
    assert after.data["id"].isna().tolist() == before.data["id"].isna().tolist()


@pytest.mark.parametrize("cells", [TRICKY, ["P1", " NA ", "P2", "P1", "", "p3"]])
def test_arrow_ids_as_arrow_are_the_texts_with_null_for_missing(cells):
    # the special rules (dots, non-ASCII) and the usual path alike
    ids, first = arrow_ids(pa.array(cells))
    got, got_first = arrow_ids(pa.array(cells).slice(0), as_arrow=True)
    assert got.to_pylist() == list(ids) and got_first.tolist() == first.tolist()
    stripped = pa.array([c.strip() for c in cells])
    again, _ = arrow_ids(stripped, stripped=True, as_arrow=True)
    assert again.to_pylist() == list(ids)


def test_arrow_helpers_read_buffers_with_offsets():
    from sarcostat.io import _arrow

    flags = [True, False, True, True, False, False, True, False, True, True, False]
    arr = pa.array(flags)
    assert _arrow.bools(arr).tolist() == flags
    assert _arrow.bools(arr.slice(3, 6)).tolist() == flags[3:9]
    assert _arrow.ints(pa.array([5, 6, 7, 8], pa.int32()).slice(1, 2)).tolist() == [6, 7]
    words = _arrow.strings(["na", "", "n/a", "\u00e9"])
    assert words.to_pylist() == ["na", "", "n/a", "\u00e9"]
    assert _arrow.texts(pa.array(["a", " b"]).slice(1)).tolist() == [" b"]
    cut = pa.array([f"w{k}" for k in range(20)]).slice(5, 11)
    mask = np.array([k % 3 == 0 for k in range(11)])
    assert _arrow.null_where(cut, mask).to_pylist() == [
        None if m else f"w{k + 5}" for k, m in enumerate(mask)
    ]
    with pytest.raises(ValueError):
        _arrow.ints(pa.array([1, None], pa.int32()))
    rows = np.array([9, 0, 4], dtype=np.intp)
    assert _arrow.indices(rows).type == pa.int64()
    assert cut.take(_arrow.indices(rows)).to_pylist() == ["w14", "w5", "w9"]
    assert len(cut.take(_arrow.indices(np.zeros(0, dtype=np.intp)))) == 0


@pytest.mark.parametrize("extra", [False, True])
def test_validating_a_large_csv_does_not_import_pandas(tmp_path, extra):
    # pandas' import is a fifth of a second of 'validate'; the block reader,
    # the id checks and the cells' parsing use Arrow and NumPy only, also for
    # an unknown text column of one code per row (read as text from its
    # first cells) and a biomarker with '<LOD' and 'ND' cells
    import subprocess

    path = tmp_path / "ids.csv"
    _cohort_csv(path, 300)
    if extra:
        lines = path.read_text(encoding="utf-8").splitlines()
        cells = [
            "<3.2" if k % 17 == 0 else "ND" if k % 23 == 0 else f"{40 + k % 9}.5"
            for k in range(300)
        ]
        lines = [lines[0] + ",sample_code,sclerostin"] + [
            f"{line},c{k * 7919 % 99991:05x}z,{cells[k]}" for k, line in enumerate(lines[1:])
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = (
        "import sys\n"
        "import sarcostat.io.readers as r\n"
        "r.STREAM_MIN_BYTES, r.BLOCK_BYTES, r._HEAD_LINES, r.DENSE_MIN = 0, 2000, 25, 1\n"
        "from sarcostat.io import read_cohort\n"
        f"c = read_cohort({str(path)!r})\n"
        "assert r.read_table.__module__ and c.has_errors\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("source", ["parquet", "frame"])
def test_typed_files_and_frames_strip_ids_on_the_arrow_path(tmp_path, monkeypatch, source):
    import pandas as pd

    from sarcostat.io import cohort_from_frame

    ids = [f" P{k} " for k in range(60)] + ["P3", "NA", "12.0", "12"]
    frame = pd.DataFrame({"id": ids, "sex": ["male", "female"] * 32, "age_yr": 70.0})
    path = tmp_path / "c.parquet"
    frame.to_parquet(path, index=False)

    def read():
        return read_cohort(path) if source == "parquet" else cohort_from_frame(frame)

    before = read()
    monkeypatch.setattr(canonical, "_FACTORIZE_MIN", 1)
    monkeypatch.setattr(readers, "DENSE_MIN", 1)
    after = read()
    if source == "parquet":
        assert readers.read_table(path).text_arrays  # the ids came as Arrow strings
    assert after.data["id"].tolist() == before.data["id"].tolist()
    assert after.data["id"].iloc[0] == "P0"
    assert [f.message for f in after.issues] == [f.message for f in before.issues]
    assert sum("is repeated" in f.message for f in after.issues) == 2


def test_typed_number_columns_keep_their_rules(tmp_path):
    import math

    import pandas as pd

    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "age_yr": [70.0, math.nan, 71.0],
            "gait_time_4m_s": [3.2, 4.0, math.nan],
            "height_cm": [1600.0, 1610.0, 1620.0],  # millimetres: converted by the map
        }
    )
    path = tmp_path / "c.parquet"
    frame.to_parquet(path, index=False)
    mapping = {"columns": {"height_cm": {"name": "height_cm", "unit": "mm"}}}
    c = read_cohort(path, mapping)
    assert c.data["height_cm"].tolist() == [160.0, 161.0, 162.0]
    assert c.data["gait_unable"].tolist() == [False, False, False]
    assert math.isnan(c.data["age_yr"][1]) and not c.has_errors
    frame.loc[1, "age_yr"] = math.inf
    frame.to_parquet(path, index=False)
    bad = read_cohort(path, mapping)
    assert any(f.rule == "non_numeric" and f.column == "age_yr" for f in bad.errors)


def test_parquet_floats_come_from_arrow_buffers_as_pandas_gives_them(tmp_path):
    import math

    import pyarrow.parquet as pq

    from sarcostat.io import _arrow

    values = [1.5, None, 3.25, -0.0, None, 1e300, 7.0, None, 9.5]
    for kind in (pa.float64(), pa.float32()):
        arr = pa.array(values, kind)
        want = arr.to_pandas().to_numpy(dtype=float, na_value=math.nan)
        assert np.array_equal(_arrow.floats(arr), want, equal_nan=True)
        assert np.array_equal(_arrow.floats(arr.slice(3, 5)), want[3:8], equal_nan=True)
    table = pa.table({"id": ["a", "b", "c"], "age_yr": pa.array([70.5, None, 71.0], pa.float32())})
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    raw = readers.read_table(path)
    assert np.array_equal(raw.columns["age_yr"], [70.5, math.nan, 71.0], equal_nan=True)
    assert read_cohort(path).data["age_yr"].isna().tolist() == [False, True, False]


def _parsed_as_parse_number(b, cells, last):
    """`_parse_many` of ``cells`` (with ``last`` appended, as objects; and as
    stripped Arrow cells) gives `parse_number`'s kinds and values, bit for bit."""
    from sarcostat.io import _arrow

    want = [b.parse_number(c) for c in cells]
    arr = np.empty(len(cells) + 1, dtype=object)
    arr[:-1] = cells
    arr[-1] = last
    for kinds, values in (
        b._parse_many(arr),
        b._parse_many(None, pc.utf8_trim_whitespace(_arrow.strings(cells))),
    ):
        assert kinds[: len(cells)].tolist() == [k for k, _v in want]
        got = values[: len(cells)]
        ref = np.array([v for _k, v in want])
        assert np.array_equal(got.view(np.int64), ref.view(np.int64))  # bit for bit
    return want


@pytest.mark.parametrize("decimal", [".", ","])
def test_many_distinct_cells_are_parsed_by_arrow_as_parse_number_parses_them(decimal):
    import random

    from sarcostat.io.cells import _Builder
    from sarcostat.io.readers import RawTable

    rng = random.Random(7)
    cells = [
        "1.5",
        " 2 ",
        "-.5e3",
        "1e400",
        "NA",
        "",
        "unable",
        "<3.2",
        "ND",
        "abc",
        "+5",
        "1.",
        "\u0661\u0662",
        "1,5",
        "-0",
        "1e-400",
        "0.1000000000000000055511151231257827",
    ]
    for _ in range(3000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 22)))
        frac = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 22)))
        text = rng.choice(["", "-", "+"]) + digits + decimal + frac
        cells.append(text + (f"e{rng.randint(-330, 330)}" if rng.random() < 0.2 else ""))
    b = _Builder(
        RawTable(["x"], {"x": np.array(cells, dtype=object)}, list(range(len(cells)))), decimal
    )
    _parsed_as_parse_number(b, cells, None)  # a Parquet null: not text
    arr = np.array([*cells, None], dtype=object)
    assert b._parse_many(arr)[0][-1] == 0  # MISSING


@pytest.mark.parametrize("decimal", [".", ","])
def test_many_words_and_codes_are_sorted_by_arrow_as_parse_number_sorts_them(decimal):
    # a text column (codes, comments, words): its cells that are not plain
    # numbers are classified by Arrow's kernels once there are many of them
    import random

    from sarcostat.io.cells import _NA_WORDS, _ND_WORDS, _UNABLE_WORDS, _WORDS_MIN, _Builder
    from sarcostat.io.readers import RawTable

    rng = random.Random(11)
    words = sorted(_NA_WORDS | _UNABLE_WORDS | _ND_WORDS)
    cells = []
    for w in words:
        cells += [w, w.upper(), w.title(), f"  {w} ", w.replace("a", "\u00e0")]
    cells += [
        "<3.2",
        "< 3",
        "<= 4",
        "<na>",
        "<",
        "<0",
        "<abc",
        "\u212a",
        "NＡ",
        "ＮＡ",
        "İ",
        "na\u0307",
    ]
    cells += ["inf", "-inf", "nan", "NaN", "1e400", "1.5", "2", "x1", "1.5.2", "A-12", "\u0661"]
    alphabet = "abcdefXYZ0123456789.,-<> /#"
    for _ in range(400):
        cells.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9))))
    assert len(cells) > 4 * _WORDS_MIN
    b = _Builder(
        RawTable(["x"], {"x": np.array(cells, dtype=object)}, list(range(len(cells)))), decimal
    )
    want = _parsed_as_parse_number(b, cells, 3.5)  # a typed cell among the texts
    assert {k for k, _v in want} == {0, 1, 2, 3, 4, 5}  # every kind is among them


@pytest.mark.parametrize("decimal", [".", ","])
def test_a_column_of_plain_numbers_parsed_by_arrow_in_one_cast(decimal):
    from sarcostat.io import _arrow
    from sarcostat.io.cells import _Builder
    from sarcostat.io.readers import RawTable

    cells = [c.replace(".", decimal) for c in ["1.5", "-0.25", "1e400", "7", ".5", "3.", "-1e-400"]]
    b = _Builder(
        RawTable(["x"], {"x": np.array(cells, dtype=object)}, list(range(len(cells)))), decimal
    )
    kinds, values = b._parse_many(None, _arrow.strings(cells))
    want = [b.parse_number(c) for c in cells]
    assert kinds.tolist() == [k for k, _v in want]  # 1e400: not a finite number
    ref = np.array([v for _k, v in want])
    assert np.array_equal(values.view(np.int64), ref.view(np.int64))


ODD = [
    "1_000",
    "0x10",
    "1.5f",
    "1.5d",
    "+-1",
    "1e5.5",
    "Infinity",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "+inf",
    "infinity",
    "1.",
    ".",
    "-",
    "+",
    "\u0661",
    "1,5",
    "1e",
    "e5",
    "--1",
    "0b1",
    "1L",
    "1.5E+3",
    "+.5e-3",
    "00.5",
    "5e",
    "1ee5",
    "1e+-5",
    "+.e1",
    ".e1",
    "1.e5",
    "-.5",
    "0e0",
    "1E",
    "1e+",
    "1e-",
    "\u0661.\u0665",
    "1e400",
    "-1e400",
    "1e-400",
    "7",
    "",
    "NA",
    "unable",
]


@pytest.mark.parametrize("decimal", [".", ","])
def test_a_whole_column_cast_reads_only_what_the_reader_reads(decimal):
    """Each odd cell alone in a column: the one-cast path (taken when Arrow reads
    every cell) or the regular expression gives what parse_number gives."""
    import random

    from sarcostat.io import _arrow
    from sarcostat.io.cells import _Builder
    from sarcostat.io.readers import RawTable

    rng = random.Random(11)
    alphabet = "0123456789.eE+- xf_,"
    cells = ODD + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(3000)
    ]
    cells = [c.strip() for c in cells]
    b = _Builder(
        RawTable(["x"], {"x": np.array(cells, dtype=object)}, list(range(len(cells)))), decimal
    )
    for c in cells:
        kinds, values = b._parse_many(None, _arrow.strings([c, "2" if decimal == "." else "2"]))
        k, v = b.parse_number(c)
        assert (int(kinds[0]), values[0]) == (k, v) or (
            kinds[0] == k and np.isnan(v) and np.isnan(values[0])
        ), c


def test_a_column_is_left_untrimmed_only_when_trimming_would_change_nothing():
    # may_need_trim looks at each cell's first and last byte: when it says
    # False, Arrow's trim (str.strip) gives every cell back unchanged
    import random

    from sarcostat.io import _arrow

    spaces = [c for c in map(chr, range(0x3100)) if c.isspace()] + ["\u3000", "\ufeff"]
    rng = random.Random(5)
    plain = ["1.5", "abc", "", "x y", "P9", "-0"]
    assert not _arrow.may_need_trim(pa.array(plain))
    assert _arrow.may_need_trim(pa.array(plain + ["é"]))  # non-ASCII edges: trimmed
    for s in spaces:
        for cells in ([s + "1"], ["1" + s], [s], ["a" + s + "b"]):
            arr = pa.array(plain + cells)
            changed = pc.utf8_trim_whitespace(arr).to_pylist() != arr.to_pylist()
            assert _arrow.may_need_trim(arr) or not changed, (s, cells)
    for _ in range(300):  # sliced arrays read their own offsets
        cells = [
            "".join(rng.choice("ab 1\t\u00a0.") for _ in range(rng.randint(0, 4)))
            for _ in range(20)
        ]
        arr = pa.array(cells).slice(rng.randint(0, 5), rng.randint(5, 15))
        if not _arrow.may_need_trim(arr):
            assert pc.utf8_trim_whitespace(arr).to_pylist() == arr.to_pylist()
    # Only the slice's own bytes count: white space in the cells around it
    # (the same buffer) does not make it need trimming, and one at its edge does.
    around = pa.array([" a ", "12.5", "-3e4", "\u00a0b"])
    assert not _arrow.may_need_trim(around.slice(1, 2))
    assert _arrow.may_need_trim(around.slice(2, 2))
    assert _arrow.may_need_trim(around.slice(0, 1))
