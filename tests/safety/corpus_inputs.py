"""A generated adversarial corpus of INPUT files, one case per way a user's file can go wrong.

Each :class:`Case` names the files it needs (bytes, or a function that
writes the file), the command line (``{d}`` is the case's folder), the
expected exit code and the patterns the printed output must contain. The
test module runs every case through ``sarcostat.cli.main`` in-process and
checks, besides the exit code and message, that no Python traceback was
printed and that every input file is still there with the same bytes.

The files are generated here, not committed, so the rules they exercise
(strict quoting, encodings, ids as text, labelled missing codes, ...) are
tested on data that no fixture was tuned to.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HEADER = ["id", "sex", "age", "height_cm", "weight_kg", "HGS", "gait_speed", "asm_kg", "SOST"]


def cohort_rows(n: int = 60, seed: int = 7, ids=None) -> list[list[str]]:
    """A plausible cohort (text cells), with a biomarker column 'SOST'."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        male = i % 2 == 0
        h = rng.normal(168 if male else 155, 6)
        w = rng.normal(68 if male else 56, 8)
        grip = rng.normal(32 if male else 20, 6)
        asm = rng.normal(19 if male else 14, 2.5)
        rows.append(
            [
                ids[i] if ids is not None else f"P{i + 1:03d}",
                "M" if male else "F",
                f"{rng.integers(65, 90)}",
                f"{h:.1f}",
                f"{w:.1f}",
                f"{max(grip, 5):.1f}",
                f"{rng.uniform(0.5, 1.4):.2f}",
                f"{asm:.1f}",
                f"{rng.lognormal(4, 0.4):.1f}",
            ]
        )
    return rows


def csv_text(rows, header=HEADER, sep=",") -> str:
    return "\n".join(sep.join(r) for r in [header, *rows]) + "\n"


COHORT = csv_text(cohort_rows())
MAP_SOST = '[biomarkers]\nsclerostin = {unit = "pmol/L", column = "SOST"}\n[protocol]\nmuscle_mass_method = "bia"\n'


def _replace_line(text: str, k: int, new: str) -> str:
    lines = text.split("\n")
    lines[k - 1] = new
    return "\n".join(lines)


def row(rule: str, k: int, pid: str, column: str, value: str, problem: str) -> str:
    """Pattern of one line of validate's findings table (severity error)."""
    cells = [rule, str(k), re.escape(pid), re.escape(column), re.escape(value)]
    return r"error\s+" + r"\s+".join(cells) + r"\s+" + problem


@dataclass
class Case:
    name: str
    files: dict[str, bytes | Callable[[Path], None]]
    argv: list[str]
    rc: int
    patterns: list[str] = field(default_factory=list)
    check: Callable[[Path, str], None] | None = None
    absent: list[str] = field(default_factory=list)  # patterns that must NOT appear


def _sav(frame_kwargs, labels=None, missing=None):
    def write(path: Path) -> None:
        import pandas as pd
        import pyreadstat

        kw = {}
        if labels:
            kw["variable_value_labels"] = labels
        if missing:
            kw["missing_ranges"] = missing
        pyreadstat.write_sav(pd.DataFrame(frame_kwargs), str(path), **kw)

    return write


def _xlsx_merged(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Notes"
    ws["A1"] = "Read me"
    data = wb.create_sheet("Baseline")
    data["A1"] = "Study XYZ baseline visit"
    data.merge_cells("A1:E1")
    data.append(["id", "sex", "age", "height_cm", "weight_kg"])
    data.append(["S1", "F", 70, 160.2, 55])
    data.append(["S2", "M", 72, 171.0, 70])
    data.merge_cells("B4:C4")  # a merged cell inside the data
    wb.save(path)


def _plates(path_dir: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parents[1] / "assay"))
    from simulate import write_plate

    write_plate(path_dir, "good", "competitive", [0.0, 20.0, 60.0], seed=1)


def _elisa_files(d: Path) -> None:
    _plates(d)
    (d / "broken.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def _panel(ids, sep=",", extra_cols=3, seed=3) -> str:
    rng = np.random.default_rng(seed)
    head = ["subject"] + [f"olink_{j}" for j in range(extra_cols)]
    rows = [[i] + [f"{rng.normal(5, 1):.3f}" for _ in range(extra_cols)] for i in ids]
    return "\n".join(sep.join(r) for r in [head, *rows]) + "\n"


LONG_IDS = [f"{100000000000000000 + 7919 * k}" for k in range(60)]  # 18 digits
ZERO_IDS = [f"{k:05d}" for k in range(1, 61)]  # leading zeros


def _classify_check_ids(ids):
    def check(d: Path, _out: str) -> None:
        text = (d / "status.csv").read_text()
        got = [line.split(",")[0] for line in text.splitlines()[1:]]
        assert got == ids, got[:3]

    return check


def _sav_cohort_with_refused(path: Path) -> None:
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(cohort_rows(), columns=HEADER)
    for col in HEADER[2:]:
        frame[col] = frame[col].astype(float)
    frame["sex"] = (frame["sex"] == "F").astype(float) + 1.0  # 1 male, 2 female
    frame.loc[[3, 10], "HGS"] = 99.0
    pyreadstat.write_sav(
        frame,
        str(path),
        variable_value_labels={"sex": {1: "Male", 2: "Female"}, "HGS": {99: "Refused"}},
    )


def _report_mentions(text):
    def check(d: Path, _out: str) -> None:
        html = (d / "out" / "report.html").read_text(encoding="utf-8")
        assert text in html, f"{text!r} not in the report"

    return check


def _exists(name):
    def check(d: Path, _out: str) -> None:
        assert (d / name).exists(), f"{name} was not written"

    return check


def _not_exists(name):
    def check(d: Path, _out: str) -> None:
        assert not (d / name).exists(), f"{name} was written"

    return check


KOREAN_HEADER = ["번호", "성별", "age", "height_cm", "weight_kg"]
KOREAN = (
    ",".join(["id", "성별", "age", "height_cm", "weight_kg"])
    + "\n"
    + "\n".join(
        f"K{i},{'남' if i % 2 else '여'},{70 + i % 9},{160 + i % 11}.5,6{i % 10}" for i in range(30)
    )
    + "\n"
)
KOREAN_MAP = '[columns]\n"성별" = "sex"\n'

LATIN = "id,sex,age,note\nP1,F,70,Müller café\nP2,M,71,Åsa\n"

CASES: list[Case] = [
    # ---------------------------------------------------------------- quoting / ragged rows
    Case(
        "validate_unclosed_quote_at_eof",
        {"c.csv": _replace_line(COHORT, 5, 'P004,F,"70,160,50,20,0.9,14,55').encode()},
        ["validate", "{d}/c.csv"],
        1,
        [r"c\.csv, line 5: a quote \(\"\) opened here is not closed"],
    ),
    Case(
        "validate_quote_swallows_rows",
        {
            "c.csv": _replace_line(
                _replace_line(COHORT, 5, 'P004,F,70,160,50,20,0.9,14,"55'),
                9,
                'P008,M,71,170,70,30,1.0,19,60"',
            ).encode()
        },
        ["validate", "{d}/c.csv"],
        1,
        [r"c\.csv, line 5: a quoted cell runs over lines 5-9"],
    ),
    Case(
        "validate_text_after_closing_quote",
        {"c.csv": _replace_line(COHORT, 7, 'P006,F,"70"1,160,50,20,0.9,14,55').encode()},
        ["validate", "{d}/c.csv"],
        1,
        [r"c\.csv, line 7: text follows a closing quote"],
    ),
    Case(
        "validate_short_row",
        {"c.csv": _replace_line(COHORT, 12, "P011,F,70,160,50,20,0.9").encode()},
        ["validate", "{d}/c.csv"],
        1,
        [r"c\.csv, row 12: has 7 values but the header \(row 1\) has 9 columns"],
    ),
    Case(
        "validate_long_row",
        {"c.csv": _replace_line(COHORT, 3, "P002,F,70,160,50,20,0.9,14,55,99").encode()},
        ["validate", "{d}/c.csv"],
        1,
        [r"c\.csv, row 3: has 10 values but the header \(row 1\) has 9 columns"],
    ),
    Case(
        "validate_multiline_note_is_kept",
        {"c.csv": b'id,sex,age,note\nP1,F,70,"first line\nsecond line"\nP2,M,71,ok\n'},
        ["validate", "{d}/c.csv"],
        0,
        [r"2 participants"],
    ),
    Case(
        "classify_ragged_row",
        {"c.csv": _replace_line(COHORT, 20, "P019;F;70;160;50;20;0.9;14;55").encode()},
        ["classify", "{d}/c.csv"],
        1,
        [r"c\.csv, row 20: has 1 values but the header"],
    ),
    Case(
        "validate_forced_separator_mismatch",
        {"c.csv": COHORT.encode()},
        ["validate", "{d}/c.csv", "--sep", ";"],
        1,
        [r"no participant id column found", r"1 column; 1 error"],
    ),
    # ---------------------------------------------------------------- encodings
    Case(
        "validate_cp949_given",
        {"k.csv": KOREAN.encode("cp949"), "map.toml": KOREAN_MAP.encode()},
        ["validate", "{d}/k.csv", "--encoding", "cp949", "--map", "{d}/map.toml"],
        0,
        [r"30 participants.*0 errors"],
    ),
    Case(
        "validate_cp949_detected_with_warning",
        {"k.csv": KOREAN.encode("cp949"), "map.toml": KOREAN_MAP.encode()},
        ["validate", "{d}/k.csv", "--map", "{d}/map.toml"],
        0,
        [r"not valid UTF-8; it was read as Korean cp949"],
    ),
    Case(
        "validate_cp949_read_as_utf8_suggests_cp949",
        {"k.csv": KOREAN.encode("cp949")},
        ["validate", "{d}/k.csv", "--encoding", "utf-8"],
        1,
        [r"k\.csv, line 1: byte 0x[0-9a-f]{2} is not valid UTF-8 text.*--encoding cp949"],
    ),
    Case(
        "validate_euckr_name_accepted",
        {"k.csv": KOREAN.encode("euc-kr"), "map.toml": KOREAN_MAP.encode()},
        ["validate", "{d}/k.csv", "--encoding", "EUC-KR", "--map", "{d}/map.toml"],
        0,
        [r"30 participants"],
    ),
    Case(
        "validate_latin1_given",
        {"l.csv": LATIN.encode("latin-1")},
        ["validate", "{d}/l.csv", "--encoding", "latin-1"],
        0,
        [r"2 participants"],
        absent=[r"encoding"],
    ),
    Case(
        "validate_latin1_read_as_utf8_suggests_latin1",
        {"l.csv": LATIN.encode("latin-1")},
        ["validate", "{d}/l.csv", "--encoding", "utf8"],
        1,
        [r"l\.csv, line 2: .*not valid UTF-8.*--encoding latin-1"],
    ),
    Case(
        "validate_utf8_bom",
        {"b.csv": COHORT.encode("utf-8-sig")},
        ["validate", "{d}/b.csv"],
        0,
        [r"60 participants.*0 errors"],
    ),
    Case(
        "validate_unknown_encoding_is_usage_error",
        {"c.csv": COHORT.encode()},
        ["validate", "{d}/c.csv", "--encoding", "klingon-8"],
        2,
        [r"'encoding' parameter .* Got 'klingon-8'"],
    ),
    Case(
        "validate_latin1_map_file",
        {
            "c.csv": COHORT.encode(),
            "map.toml": '# Münster\n[protocol]\nmuscle_mass_method = "bia"\n'.encode("latin-1"),
        },
        ["validate", "{d}/c.csv", "--map", "{d}/map.toml"],
        1,
        [r"map\.toml, line 1: byte 0xfc is not valid UTF-8 text; it looks like Latin-1"],
    ),
    # ---------------------------------------------------------------- separators, decimals
    Case(
        "validate_semicolon_decimal_comma",
        {"e.csv": b"id;sex;age;height_cm;weight_kg\nP1;F;70;160,5;55,2\nP2;M;71;171,0;70,1\n"},
        ["validate", "{d}/e.csv", "--sep", ";", "--decimal", ","],
        0,
        [r"2 participants.*0 errors"],
    ),
    Case(
        "classify_decimal_comma_option",
        {
            "e.csv": b"id;sex;age;height_cm;weight_kg;HGS\nP1;F;70;160,5;55,2;19,5\nP2;M;71;171,0;70,1;33,0\n"
        },
        ["classify", "{d}/e.csv", "--decimal", ","],
        0,
        [r"AWGS 2019 "],
    ),
    Case(
        "validate_sep_on_excel_is_usage_error",
        {"x.xlsx": _xlsx_merged},
        ["validate", "{d}/x.xlsx", "--sep", ";"],
        2,
        [r"'sep' parameter applies to text files"],
    ),
    # ---------------------------------------------------------------- values
    Case(
        "validate_censored_limit_not_positive",
        {
            "c.csv": _replace_line(COHORT, 4, "P003,M,70,170,70,30,0.9,19,<0").encode(),
            "map.toml": MAP_SOST.encode(),
        },
        ["validate", "{d}/c.csv", "--map", "{d}/map.toml"],
        1,
        [
            row(
                "non_numeric",
                4,
                "P003",
                "sclerostin",
                "<0",
                "'<0' is not a number.*finite, positive limit",
            )
        ],
    ),
    Case(
        "validate_censored_limit_infinite",
        {
            "c.csv": _replace_line(COHORT, 4, "P003,M,70,170,70,30,0.9,19,<inf").encode(),
            "map.toml": MAP_SOST.encode(),
        },
        ["validate", "{d}/c.csv", "--map", "{d}/map.toml"],
        1,
        [row("non_numeric", 4, "P003", "sclerostin", "<inf", "'<inf' is not a number")],
    ),
    Case(
        "validate_huge_and_inf_numbers",
        {
            "c.csv": _replace_line(
                _replace_line(COHORT, 4, "P003,M,1e400,170,70,30,0.9,19,50"),
                6,
                "P005,M,70,inf,70,30,0.9,19,50",
            ).encode()
        },
        ["validate", "{d}/c.csv"],
        1,
        [
            row("non_numeric", 4, "P003", "age_yr", "1e400", "'1e400' is not a number"),
            row("non_numeric", 6, "P005", "height_cm", "inf", "'inf' is not a number"),
        ],
    ),
    Case(
        "validate_true_false_with_blanks",
        {
            "f.csv": b"id,sex,age,gait_unable,diabetes\nP1,F,70,True,True\nP2,M,71,,\nP3,F,72,False,False\n"
        },
        ["validate", "{d}/f.csv"],
        0,
        [r"3 participants.*0 errors"],
    ),
    Case(
        "validate_flag_bad_word",
        {"f.csv": b"id,sex,age,gait_unable\nP1,F,70,True\nP2,M,71,maybe\n"},
        ["validate", "{d}/f.csv"],
        1,
        [
            row(
                "code",
                3,
                "P2",
                "gait_unable",
                "maybe",
                "'maybe' is not a recognised value; use True / False",
            )
        ],
    ),
    # ---------------------------------------------------------------- ids
    Case(
        "classify_18_digit_ids_kept",
        {"c.csv": csv_text(cohort_rows(ids=LONG_IDS)).encode()},
        ["classify", "{d}/c.csv", "-o", "{d}/status.csv"],
        0,
        [],
        check=_classify_check_ids(LONG_IDS),
    ),
    Case(
        "classify_leading_zero_ids_kept",
        {"c.csv": csv_text(cohort_rows(ids=ZERO_IDS)).encode()},
        ["classify", "{d}/c.csv", "-o", "{d}/status.csv"],
        0,
        [],
        check=_classify_check_ids(ZERO_IDS),
    ),
    Case(
        "validate_id_1_and_1_0_are_one_participant",
        {"c.csv": b"id,sex,age\n1,F,70\n2,M,71\n1.0,F,72\n"},
        ["validate", "{d}/c.csv"],
        1,
        [
            row(
                "duplicate_id",
                4,
                "1.0",
                "id",
                "1.0",
                r"the id \(id=1\.0\) is repeated \(first at row 2\)",
            )
        ],
    ),
    Case(
        "validate_007_and_7_are_two_participants",
        {"c.csv": b"id,sex,age\n007,F,70\n7,M,71\n"},
        ["validate", "{d}/c.csv"],
        0,
        [r"2 participants.*0 errors"],
    ),
    # ---------------------------------------------------------------- SPSS / Stata labels
    Case(
        "validate_sav_labelled_missing_code",
        {
            "s.sav": _sav(
                {
                    "id": ["a", "b", "c"],
                    "sex": [1.0, 2.0, 1.0],
                    "age": [70.0, 71.0, 72.0],
                    "grip": [30.0, 99.0, 25.0],
                },
                labels={"sex": {1: "Male", 2: "Female"}, "grip": {99: "Refused"}},
            )
        },
        ["validate", "{d}/s.sav"],
        0,
        [r"labelled_missing .* grip .*1 value coded 99 \('Refused'\) read as missing"],
    ),
    Case(
        "validate_dta_labelled_unknown",
        {
            "s.dta": lambda p: __import__("pyreadstat").write_dta(
                __import__("pandas").DataFrame({"id": ["a", "b"], "sex": [1, 9], "age": [70, 71]}),
                str(p),
                variable_value_labels={"sex": {1: "male", 9: "unknown"}},
            )
        },
        ["validate", "{d}/s.dta"],
        0,
        [r"coded 9 \('unknown'\) read as missing"],
    ),
    Case(
        "validate_sav_map_contradicts_labels",
        {
            "s.sav": _sav(
                {"id": ["a", "b"], "sex": [1.0, 2.0], "age": [70.0, 71.0]},
                labels={"sex": {1: "Male", 2: "Female"}},
            ),
            "map.toml": b'[codes]\nsex = {1 = "female", 2 = "male"}\n',
        },
        ["validate", "{d}/s.sav", "--map", "{d}/map.toml"],
        1,
        [r"the map says code 1 is female, but the file's value label for 1 is 'Male'"],
    ),
    Case(
        "validate_sav_string_sex",
        {"s.sav": _sav({"id": ["a", "b"], "sex": ["M", "F"], "age": [70.0, 71.0]})},
        ["validate", "{d}/s.sav"],
        0,
        [r"2 participants.*0 errors"],
    ),
    # ---------------------------------------------------------------- odd files
    Case(
        "validate_empty_file",
        {"e.csv": b""},
        ["validate", "{d}/e.csv"],
        1,
        [r"e\.csv is empty \(0 bytes\)"],
    ),
    Case(
        "validate_whitespace_file",
        {"e.csv": b"\n \n\t\n"},
        ["validate", "{d}/e.csv"],
        1,
        [r"e\.csv is empty"],
    ),
    Case(
        "validate_header_only",
        {"h.csv": b"id,sex,age\n"},
        ["validate", "{d}/h.csv"],
        1,
        [r"header but no data rows"],
    ),
    Case(
        "validate_duplicate_headers",
        {"d.csv": b"id,age,age\nP1,70,71\n"},
        ["validate", "{d}/d.csv"],
        1,
        [r"columns 2 and 3 are both named 'age'"],
    ),
    Case(
        "validate_png_as_csv",
        {"p.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"},
        ["validate", "{d}/p.csv"],
        1,
        [r"p\.csv.*(NUL bytes|not valid)"],
    ),
    Case(
        "validate_xlsx_as_csv",
        {"x.csv": b"PK\x03\x04garbage"},
        ["validate", "{d}/x.csv"],
        1,
        [r"x\.csv is not a text table: it is a ZIP archive"],
    ),
    Case(
        "validate_garbage_parquet",
        {"g.parquet": b"PAR1 not really"},
        ["validate", "{d}/g.parquet"],
        1,
        [r"g\.parquet: cannot be read as Parquet"],
    ),
    Case(
        "validate_garbage_sav",
        {"g.sav": b"$FL2 not really"},
        ["validate", "{d}/g.sav"],
        1,
        [r"g\.sav: cannot be read as SPSS data"],
    ),
    Case(
        "validate_directory",
        {"dir.csv": lambda p: p.mkdir()},
        ["validate", "{d}/dir.csv"],
        1,
        [r"is a directory"],
    ),
    Case(
        "validate_excel_merged_cells_other_sheet",
        {"x.xlsx": _xlsx_merged},
        ["validate", "{d}/x.xlsx", "--sheet", "Baseline"],
        0,
        [r"title", r"2 participants"],
    ),
    Case(
        "validate_excel_missing_sheet",
        {"x.xlsx": _xlsx_merged},
        ["validate", "{d}/x.xlsx", "--sheet", "Visit2"],
        1,
        [r"x\.xlsx: no sheet named 'Visit2'; sheets are \['Notes', 'Baseline'\]"],
    ),
    # ---------------------------------------------------------------- analyze
    Case(
        "analyze_latin1_plan",
        {"c.csv": COHORT.encode(), "plan.toml": "# Plan für Müller\n[model]\n".encode("latin-1")},
        ["analyze", "{d}/c.csv", "--plan", "{d}/plan.toml", "-o", "{d}/out", "-q"],
        2,
        [r"plan\.toml, line 1: byte 0xfc is not valid UTF-8 text; it looks like Latin-1"],
        check=_not_exists("out"),
    ),
    Case(
        "analyze_ragged_cohort_writes_nothing",
        {"c.csv": _replace_line(COHORT, 30, "P029,M,70").encode()},
        ["analyze", "{d}/c.csv", "-o", "{d}/out", "-q"],
        1,
        [r"c\.csv, row 30: has 3 values"],
        check=_not_exists("out"),
    ),
    Case(
        "analyze_biomarker_by_source_header_cp949_semicolon",
        {
            "c.csv": csv_text(cohort_rows(), header=[*HEADER[:-1], "스클레로스틴"], sep=";")
            .replace(".", ",")
            .encode("cp949")
        },
        [
            "analyze",
            "{d}/c.csv",
            "--encoding",
            "cp949",
            "--sep",
            ";",
            "--decimal",
            ",",
            "--biomarker",
            "스클레로스틴",
            "-o",
            "{d}/out",
            "-q",
        ],
        0,
        [r"Report: "],
        check=_exists("out/report.html"),
    ),
    # ---------------------------------------------------------------- screen
    Case(
        "screen_no_matching_ids",
        {"c.csv": COHORT.encode(), "panel.csv": _panel([f"X{i}" for i in range(60)]).encode()},
        [
            "screen",
            "{d}/c.csv",
            "{d}/panel.csv",
            "--id-column",
            "subject",
            "--outcomes",
            "HGS",
            "--covariates",
            "age",
            "-o",
            "{d}/r.csv",
            "--quiet",
        ],
        1,
        [r"panel\.csv: no id in column 'subject' matches a cohort id"],
        check=_not_exists("r.csv"),
    ),
    Case(
        "screen_id_column_is_the_panels_only_with_long_ids",
        {
            "c.csv": csv_text(cohort_rows(ids=LONG_IDS)).encode(),
            "panel.csv": _panel(LONG_IDS).encode(),
        },
        [
            "screen",
            "{d}/c.csv",
            "{d}/panel.csv",
            "--id-column",
            "subject",
            "--outcomes",
            "HGS",
            "--covariates",
            "age",
            "-o",
            "{d}/r.csv",
            "--quiet",
        ],
        0,
        [r"grip_kg \(linear\): 3 tests"],
        check=_exists("r.csv"),
    ),
    Case(
        "screen_leading_zero_ids_match_as_written",
        {
            "c.csv": csv_text(cohort_rows(ids=ZERO_IDS)).encode(),
            "panel.csv": _panel(ZERO_IDS, sep=";").encode(),
        },
        [
            "screen",
            "{d}/c.csv",
            "{d}/panel.csv",
            "--id-column",
            "subject",
            "--outcomes",
            "grip_kg",
            "--covariates",
            "none",
            "-o",
            "{d}/r.csv",
            "--quiet",
        ],
        0,
        [r"grip_kg \(linear\): 3 tests"],
    ),
    Case(
        "screen_ragged_panel",
        {
            "c.csv": COHORT.encode(),
            "panel.csv": _replace_line(
                _panel([f"P{i + 1:03d}" for i in range(60)]), 5, "P004,1.0"
            ).encode(),
        },
        [
            "screen",
            "{d}/c.csv",
            "{d}/panel.csv",
            "--id-column",
            "subject",
            "--outcomes",
            "HGS",
            "-o",
            "{d}/r.csv",
            "--quiet",
        ],
        1,
        [r"panel\.csv, row 5: has 2 values but the header \(row 1\) has 4 columns"],
    ),
    Case(
        "screen_panel_without_its_id_column",
        {
            "c.csv": COHORT.encode(),
            "panel.csv": _panel([f"P{i + 1:03d}" for i in range(60)]).encode(),
        },
        ["screen", "{d}/c.csv", "{d}/panel.csv", "--outcomes", "HGS", "-o", "{d}/r.csv", "--quiet"],
        1,
        [r"panel\.csv: no id column 'id' to join on; its columns are 'subject'"],
    ),
    Case(
        "screen_binary_panel",
        {"c.csv": COHORT.encode(), "panel.parquet": b"PAR1\x00\x01garbage"},
        [
            "screen",
            "{d}/c.csv",
            "{d}/panel.parquet",
            "--outcomes",
            "HGS",
            "-o",
            "{d}/r.csv",
            "--quiet",
        ],
        1,
        [r"panel\.parquet: cannot (be )?read as Parquet"],
    ),
    # ---------------------------------------------------------------- elisa
    Case(
        "elisa_binary_plate_among_good_ones",
        {"_plates": _elisa_files},
        [
            "elisa",
            "{d}/good.csv",
            "{d}/broken.csv",
            "--layout",
            "{d}/good_layout.csv",
            "-o",
            "{d}/out",
        ],
        1,
        [r"plate broken not processed: .*broken\.csv", r"1/2 plate\(s\) processed"],
        check=_exists("out/concentrations.csv"),
    ),
    Case(
        "elisa_latin1_layout_with_wrong_encoding",
        {"_plates": _plates, "lay.csv": "Plate layout (Münster)\n".encode("latin-1")},
        [
            "elisa",
            "{d}/good.csv",
            "--layout",
            "{d}/lay.csv",
            "--encoding",
            "utf-8",
            "-o",
            "{d}/out",
        ],
        1,
        [r"lay\.csv, line 1: .*not valid UTF-8.*--encoding latin-1"],
    ),
    # ---------------------------------------------------------------- check-table
    Case(
        "check_table_latin1_json",
        {"t.json": '{"title": "Müller 2020"}'.encode("latin-1")},
        ["check-table", "{d}/t.json"],
        1,
        [r"t\.json, line 1: byte 0xfc is not valid UTF-8 text"],
    ),
    Case(
        "check_table_binary",
        {"t.json": b"\x00\x01\x02"},
        ["check-table", "{d}/t.json"],
        1,
        [r"t\.json: contains NUL bytes"],
    ),
    # ---------------------------------------------------------------- plan --check, plans by source names
    Case(
        "plan_check_latin1",
        {"plan.toml": "# Plan für Müller\n[model]\n".encode("latin-1")},
        ["plan", "--check", "{d}/plan.toml"],
        2,
        [r"plan\.toml, line 1: byte 0xfc is not valid UTF-8 text; it looks like Latin-1"],
    ),
    Case(
        "plan_check_latin1_with_encoding",
        {"plan.toml": "# Plan für Müller\n[model]\n".encode("latin-1")},
        ["plan", "--check", "{d}/plan.toml", "--encoding", "latin-1"],
        0,
        [r"valid plan"],
    ),
    Case(
        "analyze_plan_names_source_headers",
        {
            "c.csv": COHORT.encode(),
            "plan.toml": b'[biomarker]\ncolumn = "SOST"\n[table1]\ncontinuous = ["age", "HGS"]\n',
        },
        ["analyze", "{d}/c.csv", "--plan", "{d}/plan.toml", "-o", "{d}/out", "-q"],
        0,
        [r"Report: "],
        check=_exists("out/report.html"),
    ),
    Case(
        "analyze_sav_labelled_missing_reaches_the_report",
        {"s.sav": _sav_cohort_with_refused},
        ["analyze", "{d}/s.sav", "--biomarker", "SOST", "-o", "{d}/out", "-q"],
        0,
        [r"Report: "],
        check=_report_mentions("read as missing"),
    ),
]
