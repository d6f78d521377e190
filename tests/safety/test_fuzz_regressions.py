"""Regression tests for the failures the fuzz generator (fuzz.py) found, one
per general rule that fixed them."""

from __future__ import annotations

from pathlib import Path

import pytest

from sarcostat.cli import main
from sarcostat.exceptions import PlanError, SchemaError
from sarcostat.io.readers import parse_toml

DEEP = "a = " + "[" * 3000 + "]" * 3000 + "\n"


def cli(capsys, *args):
    rc = main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


# -- one TOML parser: nesting too deep is a message, not a RecursionError ------


@pytest.mark.parametrize(
    "text", [DEEP, "x = {" * 2000 + "}" * 2000, "[a\n", "x = 1\nx = 2\n", "n = 1e999999\n"]
)
def test_parse_toml_never_raises_anything_but_the_given_error(text):
    try:
        parse_toml(text, where="f.toml", error=PlanError)
    except PlanError as exc:
        assert str(exc).startswith("f.toml: not a valid TOML file")


def test_deeply_nested_plan_map_and_deficits_are_one_line_errors(tmp_path, capsys):
    from sarcostat.datasets import demo_cohort_path

    deep = tmp_path / "deep.toml"
    deep.write_text(DEEP, encoding="utf-8")
    for argv in (
        ["plan", "--check", deep],
        ["validate", demo_cohort_path(), "--map", deep],
        ["classify", demo_cohort_path(), "--definition", "frailty_index", "--deficits", deep],
    ):
        rc, out, err = cli(capsys, *argv)
        assert rc in (1, 2) and "Traceback" not in err and "bug in sarcostat" not in err, err
        assert "deep.toml" in err and "nested too deeply" in err


def test_map_syntax_error_is_a_schema_error(tmp_path):
    from sarcostat.io.mapping import load_mapping

    bad = tmp_path / "m.toml"
    bad.write_text("[columns\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"m\.toml: not a valid TOML file"):
        load_mapping(bad)


# -- --encoding must name a text encoding (rot13, base64, zlib are codecs of
#    another kind: they reached bytes.decode and raised LookupError) ----------


@pytest.mark.parametrize("codec", ["rot13", "base64", "hex", "zlib", "bz2"])
def test_non_text_codecs_are_refused_as_encodings(capsys, codec):
    from sarcostat.datasets import demo_cohort_path

    rc, out, err = cli(capsys, "validate", demo_cohort_path(), "--encoding", codec)
    assert rc == 2 and "Traceback" not in err and "bug in sarcostat" not in err, err
    assert "must be a text encoding" in err and codec in err


# -- the biomarker is analysed as a number: a text/category column named as
#    the biomarker ended in a ValueError deep in the spline step -------------


@pytest.mark.parametrize("column", ["sex", "muscle_mass_method"])
def test_a_non_numeric_biomarker_is_a_plan_error(tmp_path, capsys, column):
    from sarcostat.datasets import demo_cohort_path, demo_mapping_path

    rc, out, err = cli(
        capsys, "analyze", demo_cohort_path(), "--map", demo_mapping_path(),
        "--biomarker", column, "-o", tmp_path / "out", "-q",
    )  # fmt: skip
    assert rc == 2 and "Traceback" not in err and "bug in sarcostat" not in err, err
    assert f"names {column!r}, which holds text or categories" in err
    assert not (tmp_path / "out").exists()


# -- numbers too large for a float in the published tables (OverflowError in
#    check-table) or with thousands of digits (ValueError in json/tomllib) ---


@pytest.mark.parametrize(
    ("value", "words"), [("1" + "0" * 400, "a whole number"), ("9" * 5000, "thousands of digits")]
)
def test_published_tables_with_huge_integers_are_one_line_errors(tmp_path, capsys, value, words):
    import re

    from sarcostat.datasets import seed_tables_path

    text = Path(seed_tables_path()).read_text(encoding="utf-8")
    text = re.sub(r'"n_total": \d+', f'"n_total": {value}', text, count=1)
    f = tmp_path / "t.json"
    f.write_text(text, encoding="utf-8")
    rc, out, err = cli(capsys, "check-table", f)
    assert rc != 0 and "Traceback" not in err and "bug in sarcostat" not in err, err
    assert words in err and "set_int_max_str_digits" not in err, err


def test_toml_with_a_number_of_thousands_of_digits(tmp_path, capsys):
    f = tmp_path / "p.toml"
    f.write_text("n = " + "9" * 5000 + "\n", encoding="utf-8")
    rc, out, err = cli(capsys, "plan", "--check", f)
    assert rc == 2 and "p.toml: not a valid TOML file (a number is too large)" in err


# -- privacy: the marker is removed whole, whatever the ids are --------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_id = st.text(min_size=1, max_size=20).filter(lambda t: t.strip())


@settings(max_examples=200, deadline=None)
@given(
    ids=st.lists(_id, min_size=1, max_size=5),
    before=st.text(max_size=20).filter(lambda t: "(id" not in t),
    after=st.text(max_size=20).filter(lambda t: "(id" not in t),
)
def test_withhold_ids_removes_exactly_the_marker(ids, before, after):
    from sarcostat.io.privacy import mention_ids
    from sarcostat.report.output import withhold_ids

    text = f"{before} {mention_ids(ids)} {after}"
    out = withhold_ids(text)
    assert out == f"{before} (id withheld) {after}" or "id=" in before + after
    # the words and numbers around the marker are never touched
    assert out.startswith(before)


# -- control characters a workbook cannot hold (an ESC in an id) ended in
#    openpyxl's IllegalCharacterError; every written cell escapes them -------


def test_control_characters_are_escaped_in_written_cells(tmp_path):
    import openpyxl
    import pandas as pd

    from sarcostat.report.output import neutralize_cell, neutralize_frame

    assert neutralize_cell("P\x1b[31m\x07") == "P\\x1b[31m\\x07"
    assert neutralize_cell("\x0b=cmd") == "\\x0b=cmd"
    assert neutralize_cell("a\tb\nc") == "a\tb\nc"  # legal in XML: kept
    # A leading tab or carriage return is neutralized even before a number
    # (the number exemption is for a sign: "-3.2" stays a number).
    assert neutralize_cell("\t0") == "'\t0"
    assert neutralize_cell("\r-1.5") == "'\r-1.5"
    assert neutralize_cell("-1.5 ") == "-1.5 "
    assert neutralize_frame(pd.DataFrame({"c": ["\t7", "-7"]}))["c"].tolist() == ["'\t7", "-7"]
    frame = pd.DataFrame({"id": ["P\x1b1", "=1+1", "ok"], "x\x00y": [1.0, 2.0, 3.0]})
    safe = neutralize_frame(frame)
    safe.to_excel(tmp_path / "t.xlsx", index=False)  # no IllegalCharacterError
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [c.value for c in ws["A"]] == ["id", "P\\x1b1", "'=1+1", "ok"]
    assert ws["B1"].value == "x\\x00y"


# -- privacy: the id-precision warning (kept in the report) named the id
#    outside the marker, so the report could not withhold it ----------------


def test_id_precision_warning_names_the_id_through_the_marker(tmp_path):
    import pandas as pd

    from sarcostat.datasets import demo_cohort_path, demo_mapping_path
    from sarcostat.io import read_cohort
    from sarcostat.report.output import withhold_ids

    d = pd.read_csv(demo_cohort_path())
    d["id"] = [float(123456789012345678 + 1000 * i) for i in range(len(d))]
    f = tmp_path / "c.parquet"
    d.to_parquet(f, index=False)
    cohort = read_cohort(f, demo_mapping_path())
    (msg,) = [x.message for x in cohort.issues if x.rule == "id_precision"]
    assert "(id=123456789012345680)" in msg
    assert "1234567890" not in withhold_ids(msg)
