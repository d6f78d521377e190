"""Differential privacy check of the default outputs (issue 13, point 4).

An id such as ``7``, ``12`` or ``0.5`` also occurs as a number in any table,
and ``male`` or ``total`` as a word, so grepping a report for such ids proves
nothing. The check here is structural instead: the same cohort is run twice,

* once with HOSTILE ids (short numbers, words that occur in reports, values
  that collide with table numbers, 18-digit ids, leading zeros, markup), and
* once with CANARY ids (``QZ0007X``: tokens that occur nowhere else),

the rows and values being identical. A default output (report, summary
table, results JSON, manifest, figure, console text) must then

1. contain no canary at all (greppable, unambiguous), and
2. be the same in both runs once the input file's name, its digest and the
   time of the run are normalized: any id that reached the output in the
   hostile run would make the two differ.

Per-participant files (classify -o, ELISA sample concentrations, ...) keep
the ids by design and are left out by the caller.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from sarcostat.datasets import demo_cohort_path

#: Ids a clinic really has, chosen to collide with report text and numbers.
HOSTILE_IDS = [
    "7",
    "Kim",
    "Male",
    "male",
    "total",
    "12",
    "0.5",
    "123456789012345678",
    "00042",
    "<b>id</b>",
    "1e3",
    "p<0.05",
    "n",
    "100",
]
CANARY = re.compile(r"QZ\d{4}X")


def canary_ids(n: int = len(HOSTILE_IDS)) -> list[str]:
    return [f"QZ{i:04d}X" for i in range(n)]


def cohort_with_ids(path: Path, ids: list[str]) -> Path:
    """The demo cohort, its first rows renamed to ``ids``, with values on
    those rows that make messages (censored, missing, extreme but allowed)."""
    d = pd.read_csv(demo_cohort_path(), dtype=str, keep_default_na=False)
    d.loc[: len(ids) - 1, "id"] = ids
    edits = {
        (0, "grip_1_kg"): "95",
        (1, "sclerostin"): "400",
        (2, "sclerostin"): "",
        (3, "sclerostin"): "<3.2",
        (4, "asm_kg"): "35",
        (5, "gait_time_4m_s"): "40",
        (6, "sclerostin"): "1.0",
        (7, "age_yr"): "99",
        (8, "height_cm"): "185",
        (9, "weight_kg"): "140",
        (10, "grip_1_kg"): "",
        (10, "grip_2_kg"): "",
        (11, "chair_stand_5x_s"): "80",
    }
    for (r, c), v in edits.items():
        d.loc[r, c] = v
    d.to_csv(path, index=False)
    return path


def text_of(path: Path) -> str:
    """The text a reader sees in an output file (DOCX paragraphs and cells,
    PNG text chunks, XLSX cell values; others as text)."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx

        doc = docx.Document(str(path))
        parts = [p.text for p in doc.paragraphs]
        for t in doc.tables:
            parts += [c.text for r in t.rows for c in r.cells]
        for sec in doc.sections:
            parts += [p.text for p in (*sec.header.paragraphs, *sec.footer.paragraphs)]
        return "\n".join(parts)
    if suffix == ".png":
        from PIL import Image

        with Image.open(path) as im:
            return "\n".join(f"{k}={v}" for k, v in im.info.items() if isinstance(v, str))
    if suffix == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path)
        return "\n".join(
            str(c.value) for ws in wb for r in ws.iter_rows() for c in r if c.value is not None
        )
    if suffix in (".parquet",):
        return pd.read_parquet(path).astype(str).to_csv(index=False)
    return path.read_bytes().decode("utf-8", errors="replace")


_NORMALIZE = [
    (re.compile(r"\b[0-9a-f]{64}\b"), "<sha256>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(\+00:00| UTC)?"), "<time>"),
    (re.compile(r'"bytes": \d+'), '"bytes": <n>'),
    (re.compile(r"\b\d+(\.\d+)? ?s\b(?= elapsed)"), "<secs>"),
]


def normalized(text: str, names: dict[str, str]) -> str:
    text = re.sub(r"/\S*?/(hostile|canary)/", "<d>/", text)
    for old, new in names.items():
        text = text.replace(old, new)
    for rx, rep in _NORMALIZE:
        text = rx.sub(rep, text)
    return text


def leaks(hostile: dict[str, str], canary: dict[str, str], names: dict[str, str]) -> list[str]:
    """Problems found comparing two runs' outputs (name -> text each)."""
    problems = []
    if set(hostile) != set(canary):
        problems.append(f"different files: {sorted(set(hostile) ^ set(canary))}")
    for name in sorted(set(hostile) & set(canary)):
        c = canary[name]
        found = sorted(set(CANARY.findall(c)))
        if found:
            problems.append(f"{name}: canary ids {found[:5]} in the output")
        a, b = normalized(hostile[name], names), normalized(c, names)
        if a != b:
            al, bl = a.splitlines(), b.splitlines()
            diff = [(x, y) for x, y in zip(al, bl) if x != y][:2] or [(len(al), len(bl))]
            problems.append(f"{name}: differs with the ids: {diff}")
    return problems
