"""The block reader of large text files gives exactly what the whole-text reader gives.

Large CSV files are read in blocks (``readers._read_text_blocks``); small
ones whole. Here the block reader is forced onto small files with tiny
blocks and compared with the whole-text reader: the same headers, cells,
row numbers and findings, or the same error message.
"""

from __future__ import annotations

import numpy as np
import pytest

import sarcostat.io.readers as readers
from sarcostat.exceptions import SarcostatError
from sarcostat.io import read_cohort

HEADER = "id,sex,age_yr,height_cm,weight_kg,grip_kg,gait_speed_m_s\n"


def _rows(n: int, start: int = 1, sep: str = ",", end: str = "\n") -> str:
    out = []
    for k in range(start, start + n):
        sex = "male" if k % 2 else "female"
        vals = [f"P{k:03d}", sex, f"{60 + k % 30}", f"{150 + k % 40}.5", f"{50 + k % 35}"]
        vals += [f"{20 + k % 17}.0", f"{0.6 + (k % 9) / 10:.2f}"]
        out.append(sep.join(vals) + end)
    return "".join(out)


def _outcome(path, *, blocks: bool, block_bytes: int = 64, **kw):
    """('ok', table summary) or ('error', type, message) of read_table."""
    old = readers.STREAM_MIN_BYTES, readers.BLOCK_BYTES, readers._HEAD_LINES
    readers.STREAM_MIN_BYTES = 0 if blocks else 1 << 62
    readers.BLOCK_BYTES = block_bytes
    readers._HEAD_LINES = 30  # so that the 80-line files below have a body read in blocks
    try:
        t = readers.read_table(path, **kw)
    except SarcostatError as exc:
        return ("error", type(exc).__name__, str(exc))
    finally:
        readers.STREAM_MIN_BYTES, readers.BLOCK_BYTES, readers._HEAD_LINES = old
    return (
        "ok",
        t.headers,
        {h: np.asarray(t.columns[h]).tolist() for h in t.headers},
        [int(r) for r in t.row_numbers],
        [(f.severity, f.rule, f.message) for f in t.findings],
        t.text_cells,
    )


BODY = _rows(80)
SPACED_SEX = (" male", "male ", "\u00a0male", "\tfemale", "female")
SPACED_AGE = (" 70", "70", "70 ", "71")
CASES = {
    "plain": HEADER + BODY,
    "no final line break": HEADER + BODY.rstrip("\n"),
    "crlf": HEADER.replace("\n", "\r\n") + _rows(80, end="\r\n"),
    "bom": "\ufeff" + HEADER + BODY,
    "title and units rows": "Baseline visit\n\n" + HEADER + ",,years,cm,kg,kg,m/s\n" + BODY,
    "blank and white-space lines": HEADER
    + _rows(40)
    + "\n   \n,,,,,,\n \t, ,\n"
    + _rows(40, 41)
    + "\n\n",
    "non-ASCII white space": HEADER
    + _rows(40)
    + "\u00a0,\u3000\n"
    + _rows(39, 41)
    + "P99,\u00a0male ,70,160,60,30,1.0\n",
    "trailing separators everywhere": (HEADER.rstrip("\n") + ",\n") + _rows(80, end=",\n"),
    "trailing separators on some lines": HEADER + _rows(40) + _rows(40, 41, end=",,\n"),
    "quoted cells": HEADER
    + _rows(40)
    + '"P,41","fe""male",70,160,60,30,1.0\n"P42","",70,"160",60,30,1.0\n"""",male,1,2,3,4,5\n'
    + _rows(30, 43),
    # R's write.csv and csv.QUOTE_ALL: every quote pairs with the next one in the file
    "every cell quoted": "".join(
        ",".join(f'"{c}"' for c in line.split(",")) + "\r\n"
        for line in (HEADER + _rows(70)).splitlines()
    )
    + '"P71","a ""b"", c","70","160","60","30",""\r\n',
    "quoted line break": HEADER + _rows(40) + '"P41","fe\nmale",70,160,60,30,1.0\n' + _rows(30, 42),
    "unclosed quote": HEADER + _rows(40) + '"P41,male,70,160,60,30,1.0\n' + _rows(30, 42),
    "text after closing quote": HEADER
    + _rows(40)
    + '"P41"x,male,70,160,60,30,1.0\n'
    + _rows(3, 42),
    "quote inside a cell": HEADER + _rows(40) + 'P4"1,male,70,160,60,30,1.0\n' + _rows(3, 42),
    "space before a quote": HEADER + _rows(40) + 'P41, "male",70,160,60,30,1.0\n' + _rows(3, 42),
    "too few values": HEADER + _rows(50) + "P51,male,70\n" + _rows(10, 52),
    "too many values": HEADER + _rows(50) + "P51,male,70,160,60,30,1.0,9\n" + _rows(10, 52),
    "ragged then a quote error": HEADER + _rows(40) + "P41,male\n" + _rows(20, 42) + '"x\n',
    "bare carriage returns": HEADER.replace("\n", "\r") + _rows(80, end="\r"),
    "NUL byte": HEADER + _rows(60) + "P61,ma\x00le,70,160,60,30,1.0\n",
    "duplicate header": HEADER.replace("grip_kg", "sex") + BODY,
    "unnamed columns": HEADER.rstrip("\n")
    + ",,\n"
    + _rows(40, end=",x,\n")
    + _rows(40, 41, end=",,\n"),
    "header only": HEADER,
    "blank headers in the middle": "id,,sex,age_yr,,grip_kg\n"
    + "".join(f"P{k},{k % 3 or ''},male,70,,30\n" for k in range(80)),
    # blocks with no line to parse between blocks that have some: Arrow may
    # still be reading an earlier block when the next one is read
    "blank blocks between data": HEADER
    + _rows(30)
    + "\n" * 400
    + _rows(30, 31)
    + ",,,,,,\n" * 60
    + _rows(20, 61),
    # Arrow checks the lines of later blocks against the first block's
    # width: a refused block is counted line by line (the first ragged line
    # wins), and blank values beyond the header's are looked at every time
    "ragged lines in a row": HEADER + _rows(40) + "P41,male\nP42,male,70,160\n" + _rows(10, 43),
    "text beyond the header after blank tails": HEADER
    + _rows(40, end=",\n")
    + "P41,male,70,160,60,30,1.0,x\n"
    + _rows(30, 42, end=",\n"),
    "blank tails then text beyond the header": HEADER
    + _rows(40)
    + _rows(20, 41, end=",\n")
    + "P61,male,70,160,60,30,1.0,x\n"
    + _rows(10, 62),
    "blank tails in a late block only": HEADER
    + _rows(60)
    + _rows(3, 61, end=",,\n")
    + _rows(5, 64),
    # the same cell with and without white space, in one block and across
    # blocks: one distinct cell after stripping, whichever block it is in
    "white space around cells across blocks": HEADER
    + "".join(f"P{k},{SPACED_SEX[k % 5]},{SPACED_AGE[k % 4]},160,60,30,1.0\n" for k in range(80)),
    "numbers of all kinds": HEADER
    + _rows(40)
    + "P41,male,ND,<3.2,1e3,+5,-.5\nP42,male,unable,inf,nan,1.,NA\n"
    + _rows(30, 43),
}


@pytest.mark.parametrize("block_bytes", [1, 97, 1 << 20])
@pytest.mark.parametrize("case", sorted(CASES))
def test_blocks_read_what_the_whole_text_reader_reads(tmp_path, case, block_bytes):
    path = tmp_path / "cohort.csv"
    path.write_bytes(CASES[case].encode("utf-8"))
    whole = _outcome(path, blocks=False)
    assert _outcome(path, blocks=True, block_bytes=block_bytes) == whole


@pytest.mark.parametrize("case", sorted(CASES))
def test_blocks_with_plain_columns_read_what_the_whole_text_reader_reads(
    tmp_path, monkeypatch, case
):
    # every mostly-distinct column of a block plain (its cells kept in Arrow,
    # no codes), and columns coded in one block and plain in another
    monkeypatch.setattr(readers, "DENSE_MIN", 1)
    path = tmp_path / "cohort.csv"
    path.write_bytes(CASES[case].encode("utf-8"))
    whole = _outcome(path, blocks=False)
    assert _outcome(path, blocks=True, block_bytes=97) == whole
    assert _outcome(path, blocks=True, block_bytes=400) == whole


def test_line_blocks_are_whole_lines_in_order_whatever_the_block_size(tmp_path, monkeypatch):
    # the views stay valid until two more blocks are read (the buffers are reused)
    text = b"".join(b"%d,%s\n" % (k, b"x" * (k % 37)) for k in range(500))
    path = tmp_path / "lines.csv"
    path.write_bytes(text + b"tail without a line break")
    for size in (1, 7, 64, 1000, 1 << 20):
        monkeypatch.setattr(readers, "BLOCK_BYTES", size)
        with open(path, "rb") as fh:
            got, kept, at = [], [], 3
            for offset, view in readers._line_blocks(fh, 3):
                assert offset == at
                at += len(view)
                got.append(bytes(view))
                kept.append(view)
                if len(kept) > 2:  # the block read two blocks ago is still intact
                    assert bytes(kept[-2]) == got[-2]
        assert b"".join(got) == (text + b"tail without a line break")[3:]
        assert all(g.endswith(b"\n") for g in got[:-1])


@pytest.mark.parametrize(
    "encoding,given",
    [("latin-1", None), ("cp1252", "cp1252"), ("cp949", "cp949"), ("utf-16", None)],
)
def test_blocks_and_encodings(tmp_path, encoding, given):
    text = HEADER + _rows(40) + "P41,female,70,160,60,30,1.0\n"
    text = text.replace("P07,", "Pé7," if encoding != "cp949" else "P남7,")
    path = tmp_path / "cohort.csv"
    path.write_bytes(
        text.replace("P007", "Pé07" if encoding != "cp949" else "P남07").encode(encoding)
    )
    whole = _outcome(path, blocks=False, encoding=given)
    assert _outcome(path, blocks=True, encoding=given) == whole
    # an encoding that does not fit the bytes: the same error either way
    if given == "cp949":
        bad = _outcome(path, blocks=True, encoding="utf-8")
        assert bad == _outcome(path, blocks=False, encoding="utf-8")


def test_semicolons_with_decimal_commas_give_the_same_cohort(tmp_path, monkeypatch):
    text = HEADER.replace(",", ";") + _rows(80, sep=";").replace(".", ",")
    path = tmp_path / "comma.csv"
    path.write_text(text, encoding="utf-8")
    whole = read_cohort(path, decimal=",")
    monkeypatch.setattr(readers, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(readers, "BLOCK_BYTES", 50)
    blocks = read_cohort(path, decimal=",")
    assert [f.message for f in blocks.issues] == [f.message for f in whole.issues]
    assert blocks.data.equals(whole.data)
    assert blocks.data["height_cm"].iloc[0] == 151.5


#: Files the block reader handles itself (the others go to the whole-text reader).
READ_IN_BLOCKS = {
    "plain",
    "every cell quoted",
    "no final line break",
    "crlf",
    "bom",
    "title and units rows",
    "blank and white-space lines",
    "non-ASCII white space",
    "trailing separators everywhere",
    "quoted cells",
    "too few values",
    "too many values",
    "header only",
    "blank headers in the middle",
    "numbers of all kinds",
}


@pytest.mark.parametrize("case", sorted(READ_IN_BLOCKS))
def test_plain_files_are_not_handed_to_the_whole_text_reader(tmp_path, monkeypatch, case):
    path = tmp_path / "cohort.csv"
    path.write_bytes(CASES[case].encode("utf-8"))
    monkeypatch.setattr(readers, "_HEAD_LINES", 30)
    monkeypatch.setattr(readers, "BLOCK_BYTES", 97)
    try:
        readers._read_text_blocks(path, ".csv", None, None)
    except readers._WholeText:  # pragma: no cover - the failure being tested for
        pytest.fail(f"{case}: handed to the whole-text reader")
    except SarcostatError:
        assert "values" in case  # the ragged-row cases end in their error


@pytest.mark.parametrize("sep", [";", "tab", "¦"])
def test_blocks_with_a_given_separator(tmp_path, sep):
    char = "\t" if sep == "tab" else sep
    path = tmp_path / "cohort.txt"
    path.write_text((HEADER + _rows(60)).replace(",", char), encoding="utf-8")
    assert _outcome(path, blocks=True, sep=sep) == _outcome(path, blocks=False, sep=sep)


@pytest.mark.parametrize("sep", [";", "|", "\t"])
def test_blank_lines_made_of_separators_that_are_not_below_digits(tmp_path, sep):
    # ';' and '|' sort above the digits: a line of them alone is blank, not text
    text = (
        HEADER.replace(",", sep)
        + _rows(40, sep=sep)
        + sep * 6
        + "\n"
        + (" " + sep) * 6
        + "\n"
        + "-"
        + sep
        + "."
        + sep * 5
        + "\n"  # punctuation only: a row with values
        + _rows(40, 41, sep=sep)
    )
    path = tmp_path / "cohort.csv"
    path.write_text(text, encoding="utf-8")
    whole = _outcome(path, blocks=False)
    assert whole[0] == "ok" and len(whole[3]) == 81
    assert _outcome(path, blocks=True, block_bytes=1 << 20) == whole


def test_many_lines_without_a_digit_or_letter(tmp_path):
    # more than a thousand such lines in a block: the whole-block byte table
    lines = [f"P{k},male,70,160,60,30,1.0\n" for k in range(40)]
    lines += [",,,,,,\n", "-,.,+,!,#,$,%\n"] * 700
    path = tmp_path / "cohort.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    whole = _outcome(path, blocks=False)
    assert whole[0] == "ok" and len(whole[3]) == 740
    assert _outcome(path, blocks=True, block_bytes=1 << 20) == whole


@pytest.mark.parametrize("blank_lines", [3, 1200])
def test_many_lines_opening_without_a_digit_or_letter(tmp_path, blank_lines):
    # more than a thousand lines whose first byte settles nothing (a blank
    # or spaced first cell, a quote before a space) among lines that open
    # with a quote and a digit (R's row names): each line is still kept or
    # not by its cells, with few and with many blank lines among them
    lines = [f"P{k},male,70,160,60,30,1.0\n" for k in range(40)]
    lines += [f" P{k},male,70,160,60,30,1.0\n" for k in range(40, 640)]
    lines += [f",female,{60 + k % 30},160,60,30,1.0\n" for k in range(640, 1240)]
    lines += [f'"{k}",male,70,160,60,30,1.0\n' for k in range(1240, 1300)]
    lines += [f'" P{k}",male,70,160,60,30,1.0\n' for k in range(1300, 1310)]
    lines += ([",,,,,,\n", ' ,"",, ,\t,,\n', "\u00a0,,,,,,\n"] * blank_lines)[:blank_lines]
    lines += [f"P{k},male,70,160,60,30,1.0\n" for k in range(1310, 1320)]
    path = tmp_path / "cohort.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    whole = _outcome(path, blocks=False)
    assert whole[0] == "ok" and len(whole[3]) == 1320
    assert _outcome(path, blocks=True, block_bytes=1 << 20) == whole


def test_filled_lines_settled_by_their_first_bytes_match_the_csv_module():
    # every line of one block, by first bytes or looked at whole, against
    # the csv module's reading (a line is kept when a stripped cell is not empty)
    import csv

    lines = [
        "P1,a\n",
        '" 1",b\n',
        '"1",b\n',
        '"",\n',
        '" ",x\n',
        ",,\n",
        " , \n",
        "\n",
        "-,.\n",
        '"\u00a0",\n',
        "\u3000x,\n",
        ",;\n",
        "\r\n",
        '"a""b",c\n',
        "\t\t,\n",
    ]
    for k in range(1100):  # past the one-by-one limit: the whole-block passes
        lines.append(lines[k % 15])
    raw = "".join(lines).encode("utf-8")
    a = np.frombuffer(raw, dtype=np.uint8)
    starts, ends, cells, _c, _s = readers._scan_lines(a, ord(","), False)
    for n_lines in (15, len(lines)):
        got = readers._filled_lines(
            a, ord(","), starts[:n_lines], ends[:n_lines], cells[:n_lines], ","
        )
        want = [
            any(c.strip() for c in next(csv.reader([ln.rstrip("\r\n")], strict=True), []))
            for ln in lines[:n_lines]
        ]
        assert got.tolist() == want


@pytest.mark.parametrize("dense", [False, True])
@pytest.mark.parametrize("bad", [False, True])
def test_canonical_columns_are_the_same_read_in_blocks(tmp_path, monkeypatch, bad, dense):
    # numbers, 'unable', categories and two grip trials: per distinct cell in blocks
    head = "id,sex,age_yr,height_cm,weight_kg,grip_1_kg,grip_2_kg,gait_time_4m_s,chair_stand_5x_s"
    head += ",marker,flagged,note\n"  # three columns sarcostat does not know: kept as given
    sexes = ["male", " Female", "M", "f", "", "NA", "MALE "]
    rows = []
    for k in range(90):
        g1 = "" if k % 7 == 0 else f"{20 + k % 13}.5"
        g2 = "" if k % 5 == 0 else f"{21 + k % 11}"
        gait = "unable" if k % 17 == 0 else f"{3 + k % 4}.2"
        chair = "" if k % 3 == 0 else f"{9 + k % 6}.1"
        extra = f"{k * 1.000123456789:.12f},{'TRUE' if k % 3 else 'false'},n{k % 4}"
        rows.append(
            f"P{k},{sexes[k % 7]},{60 + k % 30},{150 + k % 40},{50 + k % 35},{g1},{g2},{gait},{chair},"
            f"{extra}\n"
        )
    if bad:
        rows[40] = (
            "P40,x,abc,160,60,30,31,4.2,9.1,1.5,true,n1\n"  # unknown sex code, age not a number
        )
    path = tmp_path / "cohort.csv"
    path.write_text(head + "".join(rows), encoding="utf-8")
    whole = read_cohort(path)
    monkeypatch.setattr(readers, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(readers, "BLOCK_BYTES", 300)
    monkeypatch.setattr(readers, "_HEAD_LINES", 25)
    if dense:  # every mostly-distinct column plain (Arrow cells), parsed by Arrow
        import sarcostat.io.cells as cells

        monkeypatch.setattr(readers, "DENSE_MIN", 1)
        monkeypatch.setattr(cells, "_ARROW_PARSE_MIN", 1)
        raw = readers.read_table(path)
        assert raw.factorized.arrow("id") is not None  # the ids stayed in Arrow
    blocks = read_cohort(path)
    assert [f.message for f in blocks.issues] == [f.message for f in whole.issues]
    assert blocks.data.equals(whole.data)
    assert whole.data["grip_kg"].notna().sum() > 70 and whole.data["gait_unable"].sum() == 6
    assert bad == whole.has_errors
    assert whole.data["marker"].dtype == float and whole.data["flagged"].sum() == 60


def test_reading_some_columns_of_a_file_read_in_blocks(tmp_path, monkeypatch):
    path = tmp_path / "cohort.csv"
    path.write_text(HEADER + _rows(80), encoding="utf-8")
    monkeypatch.setattr(readers, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(readers, "BLOCK_BYTES", 300)
    monkeypatch.setattr(readers, "_HEAD_LINES", 30)
    some = readers.read_table(path, columns=["id", "grip_kg"])
    assert some.headers == ["id", "grip_kg"] and list(some.columns) == ["id", "grip_kg"]
    assert "grip_kg" in some.factorized and "sex" not in some.factorized
    assert some.columns["grip_kg"].tolist() == [f"{20 + k % 17}.0" for k in range(1, 81)]


def test_number_columns_parsed_on_a_second_thread_give_the_same_cohort(tmp_path, monkeypatch):
    # full-precision measurements (one distinct cell per row) are parsed by
    # `_Builder.prefetch` while the ids are checked: the same cohort and messages
    import threading

    import sarcostat.io.cells as cells

    rng = np.random.default_rng(7)
    head = (
        "id,sex,age_yr,height_cm,weight_kg,grip_kg,gait_time_4m_s,sclerostin,code,comment,marker\n"
    )
    rows = []
    for k in range(400):
        vals = [repr(float(x)) for x in rng.normal([70, 160, 60, 25, 4, 50], [5, 8, 9, 6, 1, 12])]
        # two columns sarcostat does not know, one distinct cell per row: kept as text
        vals += ["" if k % 50 == 3 else f"{k * 7919:x}{'z' if k % 3 else ''}", f" note {k} "]
        vals.append(
            "NA" if k % 40 == 1 else repr(float(rng.lognormal()))
        )  # an unknown number column
        if k == 50:
            vals[0] = "abc"  # not a number: an error naming the row
        if k == 90:
            vals[4] = "unable"
        if k == 120:
            vals[5] = "<3.2"  # censored biomarker
        if k == 130:
            vals[1] = "inf"
        rows.append(f"P{k},{'male' if k % 2 else 'female'}," + ",".join(vals) + "\n")
    path = tmp_path / "cohort.csv"
    path.write_text(head + "".join(rows), encoding="utf-8")
    whole = read_cohort(path, biomarkers={"sclerostin": "pmol/L"})
    monkeypatch.setattr(readers, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(readers, "BLOCK_BYTES", 4000)
    monkeypatch.setattr(readers, "_HEAD_LINES", 25)
    monkeypatch.setattr(readers, "DENSE_MIN", 1)
    monkeypatch.setattr(cells, "_ARROW_PARSE_MIN", 1)
    threads = []
    parsed = cells._Builder._parsed_distinct

    def spy(self, header):
        threads.append((header, threading.current_thread().name))
        return parsed(self, header)

    monkeypatch.setattr(cells._Builder, "_parsed_distinct", spy)
    ahead = read_cohort(path, biomarkers={"sclerostin": "pmol/L"})
    on_second = {h for h, name in threads if name.startswith("sarcostat-parse")}
    assert {"age_yr", "height_cm", "weight_kg", "grip_kg", "sclerostin", "marker"} <= on_second
    assert not {"id", "sex", "code", "comment"} & on_second
    monkeypatch.setattr(cells._Builder, "prefetch", lambda self, headers: None)
    inline = read_cohort(path, biomarkers={"sclerostin": "pmol/L"})
    assert [f.message for f in ahead.issues] == [f.message for f in inline.issues]
    assert ahead.data.equals(inline.data)
    assert [f.message for f in ahead.issues] == [f.message for f in whole.issues]
    assert ahead.data.equals(whole.data)
    assert ahead.data["code"].isna().sum() == 8 and ahead.data["comment"].iloc[7] == "note 7"
    assert ahead.data["marker"].dtype == float and ahead.data["marker"].isna().sum() == 10
    messages = " ".join(f.message for f in ahead.issues)
    assert "P50" in messages and "'abc' is not a number" in messages
    assert ahead.data["gait_unable"].sum() == 1 and ahead.data["sclerostin_lod"].notna().sum() == 1


def test_unknown_text_columns_read_in_blocks_give_the_same_cohort_data(tmp_path, monkeypatch):
    # a plain unknown text column stays in Arrow (blank cells null) until
    # Cohort.data hands it to pandas: the frame is the whole-text reader's
    import pandas as pd

    from sarcostat.io import _arrow

    notes = ["visit note", "", "  padded  ", "\u00a0", "caf\u00e9 \u3000", "   ", "x"]
    lines = [HEADER.rstrip("\n") + ",note,code\n"]
    for k, row in enumerate(_rows(80).splitlines()):
        lines.append(f"{row},{notes[k % len(notes)]},c{k:04x}\n")
    path = tmp_path / "cohort.csv"
    path.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(readers, "DENSE_MIN", 1)
    monkeypatch.setattr(readers, "_HEAD_LINES", 30)
    monkeypatch.setattr(readers, "STREAM_MIN_BYTES", 1 << 62)
    whole = read_cohort(path)
    monkeypatch.setattr(readers, "STREAM_MIN_BYTES", 0)
    monkeypatch.setattr(readers, "BLOCK_BYTES", 400)
    blocks = read_cohort(path)
    assert isinstance(blocks._columns["note"], _arrow.Texts)
    assert isinstance(blocks._columns["code"], _arrow.Texts)
    pd.testing.assert_frame_equal(blocks.data, whole.data)
    blank = sum(1 for k in range(80) if not notes[k % len(notes)].strip())
    assert blank == 34 and blocks.data["note"].isna().sum() == blank
    assert blocks._columns["note"].cells().tolist() == whole._columns["note"].tolist()


def test_blank_as_null_keeps_the_cells_of_sliced_chunks():
    import pyarrow as pa

    from sarcostat.io import _arrow

    base = pa.array(["a", "", "bc", "", "", "d", "e", ""], pa.string())
    chunked = pa.chunked_array([base.slice(1, 5), base.slice(6)])
    out = _arrow.blank_as_null(chunked)
    assert out.to_pylist() == [None, "bc", None, None, "d", "e", None]
    assert out.null_count == 4
    full = pa.chunked_array([pa.array(["x", "y"])])
    assert _arrow.blank_as_null(full).to_pylist() == ["x", "y"]


def test_later_blocks_are_counted_only_when_arrow_refuses_them(tmp_path, monkeypatch):
    # the separators of a block are found only for the first block, for a
    # block Arrow refuses at that width, and while blank tails are about
    counted = []
    real = readers._scan_lines

    def spy(a, delim, count=True):
        counted.append(count)
        return real(a, delim, count)

    monkeypatch.setattr(readers, "_scan_lines", spy)
    path = tmp_path / "cohort.csv"
    outcomes = {}
    for case in ("plain", "ragged lines in a row", "trailing separators everywhere"):
        path.write_bytes(CASES[case].encode("utf-8"))
        counted.clear()
        outcomes[case] = _outcome(path, blocks=True, block_bytes=97)
        blocks = counted.count(False) + counted.count(True) - 1  # less the header's scan
        outcomes[case] = (outcomes[case][0], counted.count(True), blocks)
    assert outcomes["plain"][:2] == ("ok", 1) and outcomes["plain"][2] > 20
    ragged = outcomes["ragged lines in a row"]
    assert ragged[0] == "error" and ragged[1] == 2  # the first block and the refused one
    tails = outcomes["trailing separators everywhere"]
    assert tails[0] == "ok" and tails[1] == tails[2]  # every block counted
