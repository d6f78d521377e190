"""The frailty phenotypes' texts built column-wise (issue 20: no per-row
Python loop at biobank scale) equal the row-by-row rules they replace."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import frailty
from sarcostat.assess._phenotype import (
    CodedTexts,
    _dense,
    concat_texts,
    int_text,
    join_coded,
    join_nonempty,
)
from sarcostat.assess.definitions import frailty_index as fi_def
from sarcostat.exceptions import DataError


def _texts(rng, n, words):
    return np.array([rng.choice(words) for _ in range(n)], dtype=object)


def test_join_nonempty_is_the_row_by_row_join_of_non_empty_texts():
    rng = np.random.default_rng(1)
    parts = [_texts(rng, 500, ["", "", "a", "bb; c", "é ü", " "]) for _ in range(4)]
    got = join_nonempty(parts, "; ")
    want = ["; ".join(filter(None, row)) for row in zip(*parts)]
    assert got.tolist() == want
    assert join_nonempty([np.array(["", "x"], dtype=object)], ", ").tolist() == ["", "x"]


def test_concat_texts_and_int_text():
    rng = np.random.default_rng(2)
    a, b = _texts(rng, 300, ["", "frail", "pré"]), _texts(rng, 300, ["1", "", "x y"])
    assert concat_texts(a, ": ", b, ".").tolist() == [f"{x}: {y}." for x, y in zip(a, b)]
    v = rng.integers(0, 40, 300)
    assert int_text(v).tolist() == [str(int(x)) for x in v]


def _coded(rng, n, words):
    return CodedTexts(rng.integers(0, len(words), n), np.array(words, dtype=object))


@pytest.mark.parametrize("n", [7, 3000])
def test_coded_texts_join_and_concatenate_as_their_rows_do(n):
    # n = 7: more possible combinations than rows (codes by sorting), 3000:
    # by counting
    rng = np.random.default_rng(4)
    parts = [
        _coded(rng, n, ["", "a", "bb; c", "é ü"]),
        _coded(rng, n, ["x", ""]),
        _coded(rng, n, ["", "q"]),
    ]
    rows = [p.expand() for p in parts]
    joined = join_coded(parts, "; ")
    assert joined.expand().tolist() == join_nonempty(rows, "; ").tolist()
    assert len(set(joined.texts.tolist())) == len(joined.texts)  # each combination once
    got = concat_texts(parts[0], " (", joined, ")", rows[1], arrow=True)
    want = [f"{a} ({j}){b}" for a, j, b in zip(rows[0], joined.expand(), rows[1])]
    assert got.to_pylist() == want
    # an Arrow piece (chunked, narrow strings) is sliced as it is
    import pyarrow as pa

    given = pa.chunked_array([pa.array(rows[2][:5].tolist()), pa.array(rows[2][5:].tolist())])
    got = concat_texts(rows[0], "|", given, arrow=True)
    assert got.to_pylist() == [f"{a}|{c}" for a, c in zip(rows[0], rows[2])]


def test_dense_codes_by_counting_and_by_sorting_agree():
    key = np.array([9, 3, 9, 0, 3, 7])
    for size in (10, 10**9):  # counting, sorting
        codes, keys = _dense(key, size)
        assert keys.tolist() == [0, 3, 7, 9] and keys[codes].tolist() == key.tolist()


def _per_row_scores(values, table):
    out = []
    for v in values:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out.append(np.nan)
        elif isinstance(v, str) and not v.strip():
            out.append(np.nan)
        else:
            out.append(table[fi_def.level_key(v)])
    return np.array(out, dtype=float)


def _levels_deficit(levels):
    """The deficit 'd' scored by ``levels``, parsed among the 30 a frailty index needs."""
    spec = [{"column": "d", "levels": levels}] + [f"x{i}" for i in range(29)]
    return fi_def.parse_deficits(spec)[0]


def test_levels_are_scored_as_the_row_by_row_rule_scores_them():
    levels = {"no": 0.0, "some": 0.5, "yes": 1.0, "0": 0.0, "1": 1.0}
    cells = ["no", " Yes ", "SOME", None, np.nan, "", "  ", 1, 0, 1.0, True, False, "1", pd.NA]
    rng = np.random.default_rng(3)
    values = [cells[i] for i in rng.integers(0, len(cells), 2000)]
    data = pd.DataFrame({"d": pd.Series(values, dtype=object)})
    deficit = _levels_deficit(levels)
    got = frailty._score(data, deficit, frailty._ids(data))
    np.testing.assert_array_equal(got, _per_row_scores(values, levels))


def test_an_undeclared_level_names_its_first_participant():
    data = pd.DataFrame(
        {
            "id": ["P1", "P2", "P3", "P4"],
            "d": pd.Series(["no", "yes", "maybe", "maybe"], dtype=object),
        }
    )
    deficit = _levels_deficit({"no": 0, "yes": 1})
    with pytest.raises(DataError, match=r"participant .*P3.*column 'd': 'maybe' is not one of"):
        frailty._score(data, deficit, frailty._ids(data))
