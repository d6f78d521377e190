"""Property-based tests of the readers and of id handling (hypothesis).

The rules under test: every line of a text file is accounted for (a row is
read, or the file is refused with the line named; never silently fewer
rows); ids come back exactly as written; one id-matching rule; encodings
round-trip whether given or detected.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sarcostat.exceptions import ReadError
from sarcostat.io import cohort_from_frame, read_cohort
from sarcostat.io.derive import asm_from, bmi_from, body_measures, height_m, smi_from
from sarcostat.io.ids import id_key, id_text
from sarcostat.io.readers import read_table

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

_NA = {"", "na", "n/a", "nan", "none", "null", "missing", ".", "-", "--", "<na>", "#n/a"}
_NA |= {"not done", "not measured"}

cell_text = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\x00"
    ),
    max_size=12,
)
id_strings = st.one_of(
    st.from_regex(r"[A-Za-z][A-Za-z0-9_\-]{0,10}", fullmatch=True),
    st.from_regex(r"0[0-9]{1,8}", fullmatch=True),  # leading zeros
    st.integers(10**17, 10**18 - 1).map(str),  # 18-digit ids
    st.from_regex(r"[1-9][0-9]{0,6}", fullmatch=True),
)


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


@SETTINGS
@given(
    width=st.integers(2, 5),
    body=st.lists(st.lists(cell_text, min_size=5, max_size=5), min_size=1, max_size=15),
)
def test_every_written_row_is_read_back_with_its_cells(tmp_path, width, body):
    header = [f"col{j}" for j in range(width)]
    rows = [r[:width] for r in body]
    # rows that are entirely blank are skipped by design (they keep their number)
    assume(all(any(c.strip() for c in r) for r in rows))
    path = tmp_path / "t.csv"
    path.write_text(_csv([header, *rows]), encoding="utf-8")
    t = read_table(path, sep=",")
    assert t.n_rows == len(rows)
    for j, h in enumerate(header):
        got = ["" if c is None else c for c in t.columns[h]]
        assert got == [r[j].strip() for r in rows]


@SETTINGS
@given(
    body=st.lists(
        st.lists(st.from_regex(r"[a-z0-9 ,\"]{1,6}", fullmatch=True), min_size=3, max_size=3),
        min_size=2,
        max_size=12,
    ),
    where=st.tuples(st.integers(0, 100), st.integers(0, 2)),
)
def test_a_stray_quote_never_silently_drops_rows(tmp_path, body, where):
    assume(all(any(c.strip() for c in r) for r in body))
    text = _csv([["a", "b", "c"], *body])
    lines = text.split("\n")
    k = 1 + where[0] % len(body)  # a data line
    cells = next(csv.reader([lines[k]]))
    # open a quote at the start of one cell of that line, as a typing slip would
    cells[where[1]] = '"' + cells[where[1]].replace('"', "")
    lines[k] = ",".join(c if c.startswith('"') else c.replace('"', "") for c in cells)
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        t = read_table(path, sep=",")
    except ReadError as exc:
        assert re.search(r"t\.csv, (line|row) \d+", str(exc))
        return
    assert t.n_rows == len(body)


@SETTINGS
@given(ids=st.lists(id_strings, min_size=1, max_size=25, unique_by=id_key))
def test_ids_come_back_exactly_as_written(tmp_path, ids):
    assume(all(i.lower() not in _NA for i in ids))
    path = tmp_path / "ids.csv"
    path.write_text(_csv([["id", "age"], *[[i, "70"] for i in ids]]), encoding="utf-8")
    c = read_cohort(path)
    assert c.data["id"].tolist() == ids
    assert not [f for f in c.issues if f.rule == "duplicate_id"]


@SETTINGS
@given(ids=st.lists(st.integers(1, 2**62), min_size=1, max_size=20, unique=True))
def test_integer_ids_from_typed_tables_are_exact(tmp_path, ids):
    frame = pd.DataFrame({"id": pd.array(ids, dtype="Int64"), "age": 70.0})
    c = cohort_from_frame(frame)
    assert c.data["id"].tolist() == [str(i) for i in ids]
    path = tmp_path / "ids.parquet"
    frame.to_parquet(path)
    assert read_cohort(path).data["id"].tolist() == [str(i) for i in ids]


@given(n=st.integers(-(2**53), 2**53), zeros=st.integers(1, 4))
def test_id_matching_rule(n, zeros):
    assert id_key(str(n)) == id_key(f"{n}." + "0" * zeros) == id_key(float(n)) == str(n)
    assert id_key(f" {n} ") == str(n)


@given(digits=st.from_regex(r"[1-9][0-9]{0,10}", fullmatch=True), lead=st.integers(1, 3))
def test_leading_zeros_are_significant(digits, lead):
    assert id_key("0" * lead + digits) != id_key(digits)
    assert id_text("0" * lead + digits) == "0" * lead + digits


# The 2,350 common syllables of KS X 1001 (EUC-KR), which real Korean text uses;
# detection relies on them (a rare syllable alone is what Latin-1 bytes decode to).
COMMON_HANGUL = "".join(
    ch for ch in map(chr, range(0xAC00, 0xD7A4)) if len(ch.encode("euc_kr")) == 2
)
hangul = st.text(alphabet=COMMON_HANGUL, min_size=1)
# Lower-case accented letters with ASCII around them, as in real names ('Müller',
# 'Åsa'): two adjacent capitals such as 'ÀÀ' are also valid common Korean in
# cp949, an ambiguity that detection cannot resolve (it warns; --encoding decides).
latin = st.builds(
    lambda a, b, c: a + b + c,
    st.text(alphabet="abcdeABCDE", max_size=3),
    st.text(alphabet=st.characters(min_codepoint=0xC0, max_codepoint=0xFF), min_size=1, max_size=1),
    st.text(alphabet="abcde", min_size=1, max_size=3),
)


@SETTINGS
# At least a few syllables: one or two common syllables can also be valid UTF-8
# by chance (cp949 C7 A1 is UTF-8 'ǡ'); real files hold many more.
@given(
    words=st.lists(st.text(alphabet=COMMON_HANGUL, min_size=2, max_size=5), min_size=3, max_size=8)
)
def test_cp949_round_trip_given_or_detected(tmp_path, words):
    try:
        raw = _csv([["id", "note"], *[[f"P{k}", w] for k, w in enumerate(words)]]).encode("cp949")
    except UnicodeEncodeError:
        assume(False)
    path = tmp_path / "k.csv"
    path.write_bytes(raw)
    for enc in ("cp949", None):
        c = read_cohort(path, encoding=enc)
        assert c.data["note"].tolist() == words
    assert any(f.rule == "encoding" and "cp949" in f.message for f in c.issues)


@SETTINGS
@given(words=st.lists(latin, min_size=1, max_size=8))
def test_latin1_round_trip_given_or_detected(tmp_path, words):
    path = tmp_path / "l.csv"
    path.write_bytes(
        _csv([["id", "note"], *[[f"P{k}", w] for k, w in enumerate(words)]]).encode("latin-1")
    )
    for enc in ("latin-1", None):
        assert read_cohort(path, encoding=enc).data["note"].tolist() == words
    with pytest.raises(ReadError, match="--encoding (latin-1|cp1252)"):
        read_cohort(path, encoding="utf-8")


# --------------------------------------------------------------- body measures


@given(
    h=st.floats(100, 220),
    w=st.floats(20, 250),
    asm=st.floats(5, 40),
)
def test_body_measures_one_derivation(h, w, asm):
    m = (h / 100) ** 2
    assert bmi_from([w], [h])[0] == pytest.approx(w / m)
    s = smi_from([asm], [h])[0]
    assert s == pytest.approx(asm / m)
    assert asm_from([s], [h])[0] == pytest.approx(asm)  # SMI × height² gives ASM back


@given(h=st.one_of(st.floats(0.1, 99.99), st.floats(220.01, 5000)))
def test_height_outside_the_plausible_range_derives_nothing(h):
    assert np.isnan(height_m([h])[0])
    out = body_measures(height_cm=[h], weight_kg=[60.0], asm_kg=[15.0])
    assert np.isnan(out["bmi"][0]) and np.isnan(out["smi"][0])


def test_body_measures_keep_given_values_and_fill_asm_from_smi():
    out = body_measures(
        height_cm=[160.0, 160.0, 160.0],
        smi=[6.0, np.nan, 7.0],
        asm_kg=[np.nan, 16.0, 18.0],
    )
    assert out["asm_kg"][0] == pytest.approx(6.0 * 1.6**2)  # derived from SMI
    assert out["smi"][1] == pytest.approx(16.0 / 1.6**2)  # derived from ASM
    assert out["smi"][2] == 7.0 and out["asm_kg"][2] == 18.0  # given values kept


def test_read_cohort_and_assess_share_the_derivation(tmp_path):
    from sarcostat.assess._engine import measure_table

    path = tmp_path / "smi_only.csv"
    path.write_text(
        "id,sex,height_cm,weight_kg,smi\nP1,F,160,55,5.2\nP2,M,1.72,70,7.5\nP3,M,175,,8.1\n",
        encoding="utf-8",
    )
    c = read_cohort(path, mapping={"protocol": {"muscle_mass_method": "bia"}})
    asm = c.data["asm_kg"].tolist()
    assert asm[0] == pytest.approx(5.2 * 1.6**2) and asm[2] == pytest.approx(8.1 * 1.75**2)
    assert np.isnan(asm[1])  # a height in metres derives nothing (and is reported)
    assert any(f.rule == "unit" and f.row == 3 for f in c.issues)
    # A DataFrame handed to assess directly gets the same values from the same rule.
    raw = pd.DataFrame(
        {
            "id": ["P1", "P3"],
            "sex": ["female", "male"],
            "height_cm": [160.0, 175.0],
            "smi": [5.2, 8.1],
        }
    )
    table = measure_table(raw)
    assert table["asm_kg"][0].tolist() == pytest.approx([asm[0], asm[2]])
