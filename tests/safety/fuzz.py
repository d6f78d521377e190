"""An adversarial fuzz generator for every sarcostat command (issue 13).

Unlike ``corpus_inputs`` (one hand-written case per known way a file goes
wrong, each with its expected message), this module GENERATES hostile inputs
by combining a valid study folder with mutations -- of the bytes of a file
(truncated, wrong magic, NUL bytes, mixed encodings, BOM, ...), of its cells
(huge numbers, inf/nan words, dates in numeric columns, markup, formulas),
of its headers (duplicates, unicode confusables), of the TOML files (syntax
errors, wrong types, unknown keys, Latin-1 bytes) and of the output path
(an input through a symlink, hard link or relative path, '.', a foreign
folder, a file where a folder is expected, a too-long name, /dev/full) --
and checks the same invariants on every run, whatever the command:

* the command returns (a Python exception escaping ``main`` is a failure)
  with exit code 0, 1 or 2; on a non-zero exit it printed a message; no
  "Traceback" anywhere;
* every input file is still there with the same bytes;
* every HTML file written parses, and no tag or attribute of the user's data
  became markup (the script/img/onerror payloads appear only as text);
* no CSV cell written starts a formula (``=``, ``+``, ``-``, ``@``) unless it is
  a plain number;
* no temporary file is left behind.

:func:`cases` yields the deterministic cases; :func:`check_run` applies the
invariants; the tests pick a fast subset for the default suite and run the
whole set (plus hypothesis-drawn mutations) under ``slow``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from corpus_outputs import sha, workspace

from sarcostat.datasets import demo_cohort_path

#: Payloads that would become markup or a formula if written raw.
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://x","y")'
PAYLOAD_TAGS = {"script", "img", "svg", "iframe"}
PAYLOAD_ATTRS = {"onerror", "onload"}


# ----------------------------------------------------------------- byte mutations


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _csv_text(rows) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _cell(row: int, col: str, value: str) -> Callable[[bytes], bytes]:
    """Set one cell (by header name; the second column when the file has no
    such header), on data line ``row`` (wrapped to the file's length)."""

    def mutate(data: bytes) -> bytes:
        rows = _csv_rows(data.decode("utf-8"))
        k = rows[0].index(col) if col in rows[0] else min(1, len(rows[0]) - 1)
        r = 1 + (row - 1) % max(1, len(rows) - 1)
        while len(rows[r]) <= k:
            rows[r].append("")
        rows[r][k] = value
        return _csv_text(rows).encode("utf-8")

    return mutate


def _header(col: str, new: str) -> Callable[[bytes], bytes]:
    def mutate(data: bytes) -> bytes:
        rows = _csv_rows(data.decode("utf-8"))
        rows[0] = [new if h == col else h for h in rows[0]]
        return _csv_text(rows).encode("utf-8")

    return mutate


#: name -> function(bytes of a valid CSV) -> hostile bytes.
BYTE_MUTATIONS: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda b: b"",
    "only_newlines": lambda b: b"\n\n\n",
    "header_only": lambda b: b.split(b"\n", 1)[0] + b"\n",
    "truncated_mid_row": lambda b: b[: len(b) // 2],
    "truncated_in_quote": lambda b: b[: len(b) // 2] + b',"unclosed',
    "nul_bytes": lambda b: b[:200] + b"\x00\x00" + b[200:],
    "bom": lambda b: b"\xef\xbb\xbf" + b,
    "utf16": lambda b: b.decode("utf-8").encode("utf-16"),
    "latin1_cell": lambda b: b.replace(b"female", "f\xe9male".encode("latin-1"), 1),
    "mixed_encodings": lambda b: b.replace(b"female", "féminin".encode(), 1).replace(
        b"male", "m\xe4nnlich".encode("latin-1"), 1
    ),
    "png_magic": lambda b: b"\x89PNG\r\n\x1a\n" + b,
    "zip_magic": lambda b: b"PK\x03\x04" + b[:100],
    "binary_garbage": lambda b: bytes(range(256)) * 8,
    "crlf_mixed": lambda b: b.replace(b"\n", b"\r\n", 20),
    "bare_cr": lambda b: b.replace(b"\n", b"\r"),
    "ragged_row": lambda b: b.replace(b"\n", b",extra,cells\n", 3)[::1],
    "duplicate_headers": _header("weight_kg", "height_cm"),
    "confusable_header": _header("age_yr", "\u0430ge_yr"),  # Cyrillic a
    "blank_header": _header("grip_2_kg", ""),
    "markup_header": _header("sclerostin", SCRIPT),
    "huge_number": _cell(3, "grip_1_kg", "1e400"),
    "huge_integer": _cell(3, "weight_kg", "9" * 400),
    "inf_word": _cell(4, "sclerostin", "inf"),
    "minus_inf": _cell(4, "asm_kg", "-Infinity"),
    "nan_word": _cell(5, "age_yr", "NaN"),
    "date_in_number": _cell(6, "height_cm", "2023-04-01"),
    "comma_decimal": _cell(7, "gait_time_4m_s", "4,43"),
    "markup_cell": _cell(8, "sex", SCRIPT),
    "markup_id": _cell(9, "id", IMG),
    "formula_id": _cell(10, "id", FORMULA),
    "formula_cell": _cell(10, "muscle_mass_method", "@SUM(1+1)"),
    "vertical_tab": _cell(11, "sex", "fe\x0bmale"),
    "control_chars_id": _cell(12, "id", "P\x1b[31m\x07"),
    "censored_zero": _cell(13, "sclerostin", "<0"),
    "censored_neg": _cell(13, "sclerostin", "<-3"),
    "censored_inf": _cell(13, "sclerostin", "<inf"),
    "greater_than": _cell(13, "sclerostin", ">1e308"),
    "long_cell": _cell(14, "sex", "x" * 100_000),
    "all_blank_column": lambda b: _csv_text(
        [r[:-1] + [""] if i else r for i, r in enumerate(_csv_rows(b.decode()))]
    ).encode(),
}

#: Hostile TOML (map or plan) texts.
TOML_MUTATIONS: dict[str, bytes] = {
    "toml_syntax": b"[biomarkers\nsclerostin = {unit = \n",
    "toml_latin1": '[protocol]\nnote = "caf\xe9"\n'.encode("latin-1"),
    "toml_wrong_types": b"[biomarkers]\nsclerostin = 5\n[protocol]\nmuscle_mass_method = 3\n",
    "toml_unknown_keys": b"[nonsense]\nx = 1\n[biomarkers.sclerostin]\nunit = 'pmol/L'\nfoo = 2\n",
    "toml_markup": ("[biomarkers]\n" + '"' + SCRIPT + '" = {unit = "<b>u</b>"}\n').encode(),
    "toml_binary": bytes(range(256)),
    "toml_empty": b"",
    "toml_deep": b"a = " + b"[" * 2000 + b"]" * 2000 + b"\n",
    "toml_huge_number": b"[biomarkers]\nsclerostin = {unit = 'pmol/L', lod = 1e400}\n",
}


# ----------------------------------------------------------------- cases


@dataclass
class Case:
    """One run: ``argv`` may use ``{d}`` (the case folder) and the names
    of the files in ``files`` (bytes written there before the run)."""

    name: str
    command: str
    argv: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    setup: Callable[[Path], None] | None = None
    slow: bool = False  # a full analysis runs

    def materialize(self, root: Path) -> tuple[Path, list[str]]:
        d = root / self.name
        ws = workspace(d)
        for name, data in self.files.items():
            (d / name).write_bytes(data)
        if self.setup is not None:
            self.setup(d)
        argv = [a.format(d=d, ws=ws) for a in self.argv]
        return d, argv


def _demo_bytes() -> bytes:
    return Path(demo_cohort_path()).read_bytes()


def _map_bytes() -> bytes:
    from sarcostat.datasets import demo_mapping_path

    return Path(demo_mapping_path()).read_bytes()


#: How each command reads a cohort-like file ``{d}/x.csv`` (and its map).
COHORT_COMMANDS = {
    "validate": ["validate", "{d}/x.csv", "--map", "{d}/m.toml"],
    "classify": ["classify", "{d}/x.csv", "--map", "{d}/m.toml", "-o", "{d}/c.csv"],
    "analyze": ["analyze", "{d}/x.csv", "--map", "{d}/m.toml", "-o", "{d}/out", "-q"],
    "screen": [
        "screen",
        "{d}/x.csv",
        "{d}/panel.csv",
        "--map",
        "{d}/m.toml",
        "-o",
        "{d}/s.csv",
        "--outcomes",
        "smi",
        "--quiet",
    ],  # fmt: skip
    "screen_panel": [
        "screen",
        "{d}/cohort.csv",
        "{d}/x.csv",
        "--map",
        "{d}/cohort.toml",
        "-o",
        "{d}/s.csv",
        "--outcomes",
        "smi",
        "--quiet",
        "--id-column",
        "id",
    ],  # fmt: skip
    "elisa_plate": ["elisa", "{d}/x.csv", "--layout", "{d}/plate1_layout.csv", "-o", "{d}/e"],
    "elisa_layout": ["elisa", "{d}/plate1.csv", "--layout", "{d}/x.csv", "-o", "{d}/e"],
    "elisa_layout_ids": [
        "elisa",
        "{d}/plate1.csv",
        "--layout",
        "{d}/x.csv",
        "-o",
        "{d}/e",
        "--include-ids",
    ],  # fmt: skip
    "check_table": ["check-table", "{d}/x.csv", "-o", "{d}/t.json"],
}

#: Mutations after which the cohort stays analysable: analyze runs in full.
_VALID_AFTER = {"bom", "crlf_mixed", "markup_cell", "formula_cell", "markup_id", "formula_id"}

TOML_COMMANDS = {
    "map_validate": ["validate", "{d}/cohort.csv", "--map", "{d}/x.toml"],
    "map_classify": ["classify", "{d}/cohort.csv", "--map", "{d}/x.toml"],
    "plan_check": ["plan", "--check", "{d}/x.toml"],
    "plan_analyze": [
        "analyze",
        "{d}/cohort.csv",
        "--map",
        "{d}/cohort.toml",
        "--plan",
        "{d}/x.toml",
        "-o",
        "{d}/out",
        "-q",
    ],  # fmt: skip
    "plan_demo": ["demo", "--plan", "{d}/x.toml", "-o", "{d}/out", "-q"],
}


def _symlink_to_cohort(d: Path) -> None:
    (d / "link.csv").symlink_to(d / "cohort.csv")


def _hardlink_to_cohort(d: Path) -> None:
    os.link(d / "cohort.csv", d / "hard.csv")


def _foreign_folder(d: Path) -> None:
    (d / "mine").mkdir()
    shutil.copy(d / "cohort.csv", d / "mine" / "table1.csv")
    shutil.copy(d / "plate1_layout.csv", d / "mine" / "qc.csv")
    (d / "mine" / "thesis.docx").write_bytes(b"my thesis")
    (d / "mine" / "manifest.json").write_text('{"files": ["thesis.docx"]}')


def _file_as_folder(d: Path) -> None:
    (d / "afile").write_text("x")


def _readonly(d: Path) -> None:
    (d / "ro").mkdir()
    os.chmod(d / "ro", 0o500)


LONG = "n" * 300

#: (name, argv): output paths no command may write.
PATH_CASES = [
    (
        "analyze_into_input_symlink",
        ["analyze", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "{d}/cohort.csv"],
    ),  # fmt: skip
    (
        "classify_over_symlinked_input",
        [
            "classify",
            "{d}/link.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "{d}/cohort.csv",
            "--overwrite",
        ],
    ),  # fmt: skip
    (
        "classify_over_hardlink",
        [
            "classify",
            "{d}/cohort.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "{d}/hard.csv",
            "--overwrite",
        ],
    ),  # fmt: skip
    (
        "classify_over_relative_input",
        [
            "classify",
            "{d}/cohort.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "{d}/sub/../cohort.csv",
            "--overwrite",
        ],
    ),  # fmt: skip
    (
        "classify_over_map",
        [
            "classify",
            "{d}/cohort.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "{d}/cohort.toml",
            "--overwrite",
        ],
    ),  # fmt: skip
    (
        "classify_dev_full",
        [
            "classify",
            "{d}/cohort.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "/dev/full",
            "--overwrite",
        ],
    ),  # fmt: skip
    (
        "classify_long_name",
        ["classify", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "{d}/" + LONG + ".csv"],
    ),  # fmt: skip
    (
        "classify_file_as_folder",
        ["classify", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "{d}/afile/c.csv"],
    ),  # fmt: skip
    (
        "classify_missing_parent",
        ["classify", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "{d}/no/such/c.csv"],
    ),  # fmt: skip
    (
        "classify_readonly",
        ["classify", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "{d}/ro/c.csv"],
    ),  # fmt: skip
    (
        "classify_into_folder",
        ["classify", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "{d}"],
    ),  # fmt: skip
    (
        "analyze_dot",
        ["analyze", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "."],
    ),  # fmt: skip
    (
        "analyze_foreign_folder",
        ["analyze", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "{d}/mine"],
    ),  # fmt: skip
    (
        "analyze_foreign_folder_overwrite_is_not_replace",
        [
            "analyze",
            "{d}/cohort.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "{d}/mine",
            "--overwrite",
            "-q",
        ],
    ),  # fmt: skip
    (
        "analyze_file_as_folder",
        ["analyze", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "{d}/afile"],
    ),  # fmt: skip
    (
        "analyze_dev_full",
        ["analyze", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "/dev/full"],
    ),  # fmt: skip
    (
        "analyze_long_name",
        ["analyze", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "{d}/" + LONG],
    ),  # fmt: skip
    (
        "analyze_readonly",
        ["analyze", "{d}/cohort.csv", "--map", "{d}/cohort.toml", "-o", "{d}/ro/out"],
    ),  # fmt: skip
    (
        "elisa_into_plate",
        ["elisa", "{d}/plate1.csv", "--layout", "{d}/plate1_layout.csv", "-o", "{d}/plate1.csv"],
    ),  # fmt: skip
    (
        "elisa_into_own_folder",
        ["elisa", "{d}/plate1.csv", "--layout", "{d}/plate1_layout.csv", "-o", "{d}"],
    ),  # fmt: skip
    (
        "elisa_dev_full",
        ["elisa", "{d}/plate1.csv", "--layout", "{d}/plate1_layout.csv", "-o", "/dev/full"],
    ),  # fmt: skip
    (
        "screen_over_panel",
        [
            "screen",
            "{d}/cohort.csv",
            "{d}/panel.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "{d}/panel.csv",
            "--overwrite",
        ],
    ),  # fmt: skip
    (
        "screen_html_over_cohort",
        [
            "screen",
            "{d}/cohort.csv",
            "{d}/panel.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "{d}/s.csv",
            "--html",
            "{d}/link.csv",
            "--overwrite",
        ],
    ),  # fmt: skip
    (
        "screen_dev_full",
        [
            "screen",
            "{d}/cohort.csv",
            "{d}/panel.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "/dev/full",
            "--overwrite",
        ],
    ),  # fmt: skip
    (
        "check_table_over_input",
        ["check-table", "{d}/tables.json", "-o", "{d}/tables.json", "--overwrite"],
    ),  # fmt: skip
    (
        "check_table_long",
        ["check-table", "{d}/tables.json", "-o", "{d}/" + LONG + ".json"],
    ),  # fmt: skip
    (
        "check_table_dev_full",
        ["check-table", "{d}/tables.json", "-o", "/dev/full", "--overwrite"],
    ),  # fmt: skip
    ("plan_init_over_cohort", ["plan", "--init", "{d}/cohort.toml"]),  # fmt: skip
    ("plan_init_dev_full", ["plan", "--init", "/dev/full"]),  # fmt: skip
    (
        "power_over_input",
        [
            "power",
            "--n",
            "40",
            "--sims",
            "2",
            "--no-search",
            "-o",
            "{d}/cohort.csv",
            "--overwrite",
            "-q",
        ],
    ),  # fmt: skip
    (
        "power_dev_full",
        [
            "power",
            "--n",
            "40",
            "--sims",
            "2",
            "--no-search",
            "-o",
            "/dev/full",
            "--overwrite",
            "-q",
        ],
    ),  # fmt: skip
    ("simulate_over_input", ["simulate", "-o", "{d}/cohort.csv", "--n", "20"]),  # fmt: skip
    ("simulate_dev_full", ["simulate", "-o", "/dev/full", "--n", "20"]),  # fmt: skip
    ("simulate_file_as_folder", ["simulate", "-o", "{d}/afile/x.csv", "--n", "20"]),  # fmt: skip
    ("examples_foreign", ["examples", "-o", "{d}/mine"]),  # fmt: skip
    ("examples_file", ["examples", "-o", "{d}/afile"]),  # fmt: skip
    ("reproduce_foreign", ["reproduce", "-o", "{d}/mine"]),  # fmt: skip
    ("demo_file", ["demo", "-o", "{d}/afile"]),  # fmt: skip
    ("demo_dev_full", ["demo", "-o", "/dev/full"]),  # fmt: skip
]


PATH_CASES += [
    (
        "screen_html_same_as_results",
        [
            "screen",
            "{d}/cohort.csv",
            "{d}/panel.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "{d}/s.csv",
            "--html",
            "{d}/s.csv",
            "--outcomes",
            "smi",
            "--quiet",
        ],
    ),  # fmt: skip
    (
        "screen_html_into_folder",
        [
            "screen",
            "{d}/cohort.csv",
            "{d}/panel.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "{d}/s.csv",
            "--html",
            "{d}/mine",
            "--outcomes",
            "smi",
            "--quiet",
        ],
    ),  # fmt: skip
    (
        "analyze_input_named_like_output",
        [
            "analyze",
            "{d}/mine/table1.csv",
            "--map",
            "{d}/cohort.toml",
            "-o",
            "{d}/mine",
            "--overwrite",
            "-q",
        ],
    ),  # fmt: skip
    (
        "elisa_layout_in_outdir",
        ["elisa", "{d}/plate1.csv", "--layout", "{d}/mine/qc.csv", "-o", "{d}/mine", "--overwrite"],
    ),  # fmt: skip
]

_C = ["{d}/cohort.csv", "--map", "{d}/cohort.toml"]
_E = ["elisa", "{d}/plate1.csv", "--layout", "{d}/plate1_layout.csv", "-o", "{d}/e"]
_S = ["screen", *_C[:1], "{d}/panel.csv", *_C[1:], "-o", "{d}/s.csv", "--quiet"]
_A = ["analyze", *_C, "-o", "{d}/out", "-q"]

#: (name, argv): hostile option values; each must be refused before work
#: starts (or accepted), never end in a traceback.
OPTION_CASES = [
    ("validate_encoding_bogus", ["validate", *_C, "--encoding", "no-such-codec"]),
    ("validate_encoding_utf16", ["validate", *_C, "--encoding", "utf-16"]),
    ("validate_encoding_rot13", ["validate", *_C, "--encoding", "rot13"]),
    ("validate_sep_empty", ["validate", *_C, "--sep", ""]),
    ("validate_sep_nul", ["validate", *_C, "--sep", "\x00"]),
    ("validate_sep_quote", ["validate", *_C, "--sep", '"']),
    ("validate_sep_multi", ["validate", *_C, "--sep", ";;"]),
    ("validate_sheet_csv", ["validate", *_C, "--sheet", "99"]),
    ("classify_definition_bogus", ["classify", *_C, "--definition", "<script>"]),
    ("classify_definition_empty", ["classify", *_C, "--definition", ","]),
    ("analyze_biomarker_markup", [*_A, "--biomarker", SCRIPT]),
    ("analyze_biomarker_id", [*_A, "--biomarker", "id"]),
    ("analyze_biomarker_sex", [*_A, "--biomarker", "sex"]),
    ("analyze_dpi_zero", [*_A, "--dpi", "0"]),
    ("analyze_dpi_huge", [*_A, "--dpi", "100000000"]),
    ("analyze_dpi_nan", [*_A, "--dpi", "nan"]),
    ("analyze_figure_format_bogus", [*_A, "--figure-format", "exe,../x"]),
    ("analyze_figure_width_bogus", [*_A, "--figure-width", "-5"]),
    ("analyze_figure_width_huge", [*_A, "--figure-width", "1e9"]),
    ("analyze_font_markup", [*_A, "--font", SCRIPT, "--figure-format", "svg"]),
    ("screen_outcomes_bogus", [*_S, "--outcomes", "nope"]),
    ("screen_outcomes_id", [*_S, "--outcomes", "id"]),
    ("screen_covariates_id", [*_S, "--outcomes", "smi", "--covariates", "id"]),
    ("screen_top_negative", [*_S, "--outcomes", "smi", "--top", "-1"]),
    ("screen_chunk_zero", [*_S, "--outcomes", "smi", "--chunk-size", "0"]),
    ("screen_threads_zero", [*_S, "--outcomes", "smi", "--threads", "0"]),
    ("screen_threads_huge", [*_S, "--outcomes", "smi", "--threads", "100000"]),
    ("screen_prescreen_bogus", [*_S, "--outcomes", "sarcopenia", "--prescreen", "2"]),
    ("screen_id_column_missing", [*_S, "--outcomes", "smi", "--id-column", "nope"]),
    ("screen_id_column_value", [*_S, "--outcomes", "smi", "--id-column", "m0"]),
    ("elisa_lod_negative", [*_E, "--lod", "-1"]),
    ("elisa_lod_nan", [*_E, "--lod", "nan"]),
    ("elisa_lod_inf", [*_E, "--lod", "inf"]),
    ("elisa_cv_limit_nan", [*_E, "--cv-limit", "nan"]),
    ("elisa_mw_zero", [*_E, "--mw", "0", "--to-unit", "ng/mL"]),
    ("elisa_to_unit_bogus", [*_E, "--to-unit", "<b>furlong</b>"]),
    ("elisa_unit_bogus", [*_E, "--unit", "parsec"]),
    ("elisa_analyte_markup", [*_E, "--analyte", SCRIPT]),
    ("elisa_analyte_formula", [*_E, "--analyte", "=1+1"]),
    ("elisa_wavelength_bogus", [*_E, "--wavelength", "abc"]),
    ("elisa_two_layouts_one_plate", [*_E, "--layout", "{d}/plate1_layout.csv"]),
    (
        "elisa_plate_is_layout",
        ["elisa", "{d}/plate1_layout.csv", "--layout", "{d}/plate1_layout.csv", "-o", "{d}/e"],
    ),  # fmt: skip
    (
        "elisa_plate_missing",
        ["elisa", "{d}/nope.csv", "--layout", "{d}/plate1_layout.csv", "-o", "{d}/e"],
    ),  # fmt: skip
    (
        "elisa_plate_is_folder",
        ["elisa", "{d}", "--layout", "{d}/plate1_layout.csv", "-o", "{d}/e"],
    ),  # fmt: skip
    ("power_n_negative", ["power", "--n", "-5", "--sims", "2", "-q"]),
    ("power_n_huge", ["power", "--n", "10000000000", "--sims", "1", "--no-search", "-q"]),
    ("power_or_zero", ["power", "--n", "40", "--or", "0", "--sims", "2", "-q"]),
    ("power_or_nan", ["power", "--n", "40", "--or", "nan", "--sims", "2", "-q"]),
    ("power_tests_bogus", ["power", "--n", "40", "--tests", "<x>", "--sims", "2", "-q"]),
    ("power_alpha_bogus", ["power", "--n", "40", "--alpha", "2", "--sims", "2", "-q"]),
    ("simulate_n_zero", ["simulate", "-o", "{d}/sim.csv", "--n", "0"]),
    ("simulate_n_negative", ["simulate", "-o", "{d}/sim.csv", "--n", "-3"]),
    (
        "simulate_seed_huge",
        ["simulate", "-o", "{d}/sim.csv", "--n", "20", "--seed", "99999999999999999999999"],
    ),  # fmt: skip
    ("check_table_cohort", ["check-table", "{d}/cohort.csv"]),
    ("check_table_plan", ["check-table", "{d}/plan.toml"]),
    ("check_table_missing", ["check-table", "{d}/nope.json"]),
    ("cohort_is_folder", ["validate", "{d}"]),
    ("cohort_is_dev_null", ["validate", "/dev/null"]),
    ("cohort_missing", ["classify", "{d}/nope.csv"]),
    ("cohort_unknown_suffix", ["validate", "{d}/notes.txt"]),
    ("map_is_folder", ["validate", "{d}/cohort.csv", "--map", "{d}"]),
    ("map_is_cohort", ["validate", "{d}/cohort.csv", "--map", "{d}/cohort.csv"]),
    ("plan_template_bogus", ["plan", "--init", "{d}/p2.toml", "--template", "<script>"]),
    (
        "plan_template_over_symlink",
        ["plan", "--init", "{d}/link.csv", "--template", "frailty", "--force"],
    ),  # fmt: skip
    (
        "plan_template_dev_full",
        ["plan", "--init", "/dev/full", "--template", "frailty", "--force"],
    ),  # fmt: skip
    ("plan_template_folder", ["plan", "--init", "{d}", "--template", "frailty"]),
    ("plan_is_cohort", ["analyze", *_C, "--plan", "{d}/cohort.csv", "-o", "{d}/out"]),
]


def _path_setup(d: Path) -> None:
    _symlink_to_cohort(d)
    _hardlink_to_cohort(d)
    _foreign_folder(d)
    _file_as_folder(d)
    _readonly(d)
    (d / "sub").mkdir()


#: The file each command's ``x.csv`` is made from (a name in the workspace).
BASE = {
    "validate": "cohort.csv",
    "classify": "cohort.csv",
    "analyze": "cohort.csv",
    "screen": "cohort.csv",
    "screen_panel": "panel.csv",
    "elisa_plate": "plate1.csv",
    "elisa_layout": "plate1_layout.csv",
    "elisa_layout_ids": "plate1_layout.csv",
    "check_table": "tables.json",
}


def _base_bytes(name: str) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        ws = workspace(Path(tmp) / "w")
        return (ws.root / name).read_bytes()


def _frame():
    import pandas as pd

    return pd.read_csv(demo_cohort_path(), dtype={"id": str})


def _binary_files() -> dict[str, bytes]:
    """The demo cohort as XLSX, SAV, DTA and Parquet, then broken in ways
    such files break: truncated, bytes flipped, another format's content
    under the suffix, hostile cells (markup, formulas, dates, inf)."""
    import tempfile

    import numpy as np
    import pandas as pd
    import pyreadstat

    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        f = _frame()
        f.to_excel(t / "c.xlsx", index=False)
        pyreadstat.write_sav(f, str(t / "c.sav"))
        pyreadstat.write_dta(f, str(t / "c.dta"))
        f.to_parquet(t / "c.parquet", index=False)
        hostile = f.astype(object)
        hostile.loc[3, "sex"] = SCRIPT
        hostile.loc[4, "id"] = FORMULA
        hostile.loc[5, "grip_1_kg"] = pd.Timestamp("2023-01-01")
        hostile.loc[6, "sclerostin"] = np.inf
        hostile.loc[7, "weight_kg"] = 1e308
        hostile.columns = [*hostile.columns[:-1], IMG]
        hostile.to_excel(t / "h.xlsx", index=False)
        dup = f.copy()
        dup.columns = [*dup.columns[:-2], "grip_1_kg", "sclerostin"]
        dup.to_excel(t / "dup.xlsx", index=False)
        for ext in ("xlsx", "sav", "dta", "parquet"):
            good = (t / f"c.{ext}").read_bytes()
            out[f"trunc.{ext}"] = good[: len(good) // 2]
            mid = len(good) // 2
            out[f"flipped.{ext}"] = (
                good[:mid] + bytes(b ^ 0xFF for b in good[mid : mid + 64]) + good[mid + 64 :]
            )
            out[f"empty.{ext}"] = b""
            out[f"csv_inside.{ext}"] = Path(demo_cohort_path()).read_bytes()
            out[f"magic_only.{ext}"] = good[:8]
        out["sav_as.dta"] = (t / "c.sav").read_bytes()
        out["parquet_as.xlsx"] = (t / "c.parquet").read_bytes()
        out["hostile.xlsx"] = (t / "h.xlsx").read_bytes()
        out["dupheaders.xlsx"] = (t / "dup.xlsx").read_bytes()
    return out


#: Commands that read a cohort of any format ``{d}/{x}``.
FORMAT_COMMANDS = {
    "validate": ["validate", "{d}/{x}"],
    "classify": ["classify", "{d}/{x}", "-o", "{d}/c.csv"],
    "screen": [
        "screen",
        "{d}/{x}",
        "{d}/panel.csv",
        "-o",
        "{d}/s.csv",
        "--outcomes",
        "smi",
        "--quiet",
    ],  # fmt: skip
}


def _json_mutations() -> dict[str, bytes]:
    """The published-tables JSON of check-table, made hostile: every text a
    payload, every number extreme, broken syntax, nesting too deep."""
    import json

    from sarcostat.datasets import seed_tables_path

    doc = json.loads(Path(seed_tables_path()).read_text(encoding="utf-8"))

    def walk(x, text, num):
        if isinstance(x, dict):
            return {
                text(k) if not k.startswith("_") else k: walk(v, text, num) for k, v in x.items()
            }
        if isinstance(x, list):
            return [walk(v, text, num) for v in x]
        if isinstance(x, str):
            return text(x)
        if isinstance(x, bool):
            return x
        if isinstance(x, (int, float)):
            return num(x)
        return x

    def dump(d):
        return json.dumps(d, allow_nan=True).encode()

    raw = Path(seed_tables_path()).read_bytes()
    return {
        "json_markup_text": dump(walk(doc, lambda t: t + SCRIPT, lambda n: n)),
        "json_formula_text": dump(walk(doc, lambda t: FORMULA, lambda n: n)),
        "json_nan": dump(walk(doc, lambda t: t, lambda n: float("nan"))),
        "json_inf": dump(walk(doc, lambda t: t, lambda n: float("inf"))),
        "json_negative": dump(walk(doc, lambda t: t, lambda n: -abs(n) - 1)),
        "json_zero": dump(walk(doc, lambda t: t, lambda n: 0)),
        "json_huge": dump(walk(doc, lambda t: t, lambda n: 10**400)),
        "json_strings": dump(walk(doc, lambda t: t, lambda n: str(n))),
        "json_truncated": raw[: len(raw) // 2],
        "json_deep": b"[" * 100_000 + b"]" * 100_000,
        "json_list": b"[1, 2, 3]",
        "json_latin1": raw.replace(b"Korean", "K\xf6rean".encode("latin-1")),
    }


def cases() -> Iterator[Case]:
    mapping = _map_bytes()
    bases = {name: _base_bytes(name) for name in set(BASE.values())}
    for mname, mutate in BYTE_MUTATIONS.items():
        for cname, argv in COHORT_COMMANDS.items():
            try:
                data = mutate(bases[BASE[cname]])
            except (UnicodeError, ValueError, IndexError):
                continue
            slow = cname == "analyze" and mname in _VALID_AFTER
            files = {"x.csv": data, "m.toml": mapping}
            yield Case(f"{cname}-{mname}", cname, argv, files, slow=slow)
    for fname, data in _binary_files().items():
        for cname, argv in FORMAT_COMMANDS.items():
            argv = [a.replace("{x}", fname) for a in argv]
            yield Case(f"{cname}-{fname}", cname, argv, {fname: data})
    for jname, data in _json_mutations().items():
        for out in ("t.json", "t.csv"):
            argv = ["check-table", "{d}/x.json", "-o", "{d}/" + out, "--all"]
            yield Case(f"check_table-{jname}-{out}", "check_table", argv, {"x.json": data})
    for tname, data in TOML_MUTATIONS.items():
        for cname, argv in TOML_COMMANDS.items():
            yield Case(f"{cname}-{tname}", cname, argv, {"x.toml": data})
    for name, argv in PATH_CASES:
        yield Case(name, argv[0], argv, setup=_path_setup)
    for name, argv in OPTION_CASES:
        yield Case(name, argv[0], argv, slow=argv[0] == "analyze")


# ----------------------------------------------------------------- invariants


class _MarkupFinder(HTMLParser):
    """Collects the payloads' markup: a script whose code is the payload's,
    an img whose src is the payload's, any event-handler attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for k, v in attrs:
            if k.startswith("on") or (tag == "img" and k == "src" and v == "x"):
                self.bad.append(f"<{tag} {k}={v!r}>")

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.bad.append("<script>alert(...)")

    def handle_endtag(self, tag):
        self._in_script = False


def html_problems(text: str) -> list[str]:
    """User markup that became markup (the report's own tags are allowed;
    sarcostat's HTML has no script, img or event attributes of its own)."""
    p = _MarkupFinder()
    p.feed(text)
    p.close()
    return p.bad


def csv_problems(path: Path) -> list[str]:
    from sarcostat.report.output import neutralize_cell

    out = []
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        for k, row in enumerate(csv.reader(fh)):
            for cell in row:
                if neutralize_cell(cell) != cell:
                    out.append(f"{path.name} row {k}: formula cell {cell[:40]!r}")
    return out


def xlsx_problems(path: Path) -> list[str]:
    """Formula cells, or text cells a spreadsheet would read as a formula."""
    import openpyxl

    from sarcostat.report.output import neutralize_cell

    out = []
    try:
        wb = openpyxl.load_workbook(path)
    except Exception as exc:  # noqa: BLE001 - a broken output is itself a problem
        return [f"{path.name}: not a readable workbook ({exc})"]
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" or (
                    isinstance(c.value, str) and neutralize_cell(c.value) != c.value
                ):
                    out.append(f"{path.name} {ws.title}!{c.coordinate}: formula {c.value!r:.40}")
    return out


@dataclass
class Outcome:
    rc: int | str
    out: str
    err: str


def run_main(argv: list[str]) -> Outcome:
    """``sarcostat.cli.main(argv)`` in this process; an exception that escapes
    is recorded as the outcome (it would be a traceback for a user)."""
    import sys
    import traceback

    from sarcostat.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(argv)
        except SystemExit as exc:  # argparse
            rc = exc.code if isinstance(exc.code, int) else 2
        except BaseException:  # noqa: BLE001 - the failure being looked for
            rc = "exception"
            err.write(traceback.format_exc())
    del sys
    return Outcome(rc, out.getvalue(), err.getvalue())


def snapshot_inputs(d: Path) -> dict[Path, str]:
    return {
        p: sha(p)
        for p in d.rglob("*")
        if p.is_file() and not p.is_symlink() and os.access(p.parent, os.W_OK)
    }


def check_run(d: Path, before: dict[Path, str], res: Outcome) -> list[str]:
    problems = []
    if res.rc == "exception" or "Traceback" in res.err or "Traceback" in res.out:
        problems.append(f"traceback: {res.err[-600:]}")
    elif res.rc not in (0, 1, 2):
        problems.append(f"exit code {res.rc}")
    elif res.rc != 0 and not (res.err.strip() or res.out.strip()):
        problems.append("non-zero exit without a message")
    for p, digest in before.items():
        if not p.exists():
            problems.append(f"input deleted: {p.name}")
        elif sha(p) != digest:
            problems.append(f"input modified: {p.name}")
    for p in d.rglob("*"):
        if ".sarcostat-tmp-" in p.name:
            problems.append(f"temporary file left: {p}")
        if not p.is_file() or p in before:
            continue
        if p.suffix == ".html":
            problems += [f"{p.name}: markup {b}" for b in html_problems(p.read_text("utf-8"))]
        elif p.suffix == ".csv":
            problems += csv_problems(p)
        elif p.suffix == ".xlsx":
            problems += xlsx_problems(p)
    return problems


def run_case(case: Case, root: Path) -> list[str]:
    d, argv = case.materialize(root)
    before = snapshot_inputs(d)
    cwd = os.getcwd()
    try:
        os.chdir(d)  # '.' and relative paths are the case folder
        res = run_main(argv)
    finally:
        os.chdir(cwd)
        with contextlib.suppress(OSError):
            os.chmod(d / "ro", 0o700)
    problems = check_run(d, before, res)
    if case.command == "validate" and res.rc == 0:
        problems += row_count_problems(d / "x.csv", res.out)
    return [f"{case.name}: {p}" for p in problems]


def row_count_problems(path: Path, out: str) -> list[str]:
    """validate accepted a CSV: it must have counted every data line that a
    strict CSV parser sees (no row dropped silently)."""
    import re

    if not path.is_file():
        return []
    try:
        text = path.read_bytes().decode("utf-8-sig")
        rows = [r for r in csv.reader(io.StringIO(text), strict=True) if any(c.strip() for c in r)]
    except (UnicodeDecodeError, csv.Error):
        return []
    m = re.search(r"(\d+) participants", out)
    if m is None or len(rows) < 2:
        return []
    if int(m.group(1)) != len(rows) - 1:
        return [f"{len(rows) - 1} data rows in the file, validate counted {m.group(1)}"]
    return []


def cleanup(root: Path) -> None:
    for p in root.rglob("ro"):
        with contextlib.suppress(OSError):
            os.chmod(p, 0o700)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":  # python tests/safety/fuzz.py [ROOT] [FILTER]
    import sys
    import tempfile
    import time

    root = Path(sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="fuzz-"))
    flt = sys.argv[2] if len(sys.argv) > 2 else ""
    n = bad = 0
    for case in cases():
        if flt and flt not in case.name:
            continue
        t = time.time()
        problems = run_case(case, root)
        n += 1
        bad += bool(problems)
        for p in problems:
            print("FAIL", p[:900], flush=True)
        print(f"ok {case.name} {time.time() - t:.1f}s", file=sys.stderr, flush=True)
    print(f"{n} cases, {bad} failing")
