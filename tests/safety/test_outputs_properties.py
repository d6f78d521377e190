"""Property-based tests (hypothesis) of the output-path rules and the CSV
formula guard of :mod:`sarcostat.report.output`."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sarcostat.exceptions import SarcostatError
from sarcostat.report.output import (
    MANIFEST,
    OutputFolder,
    neutralize_cell,
    write_text,
)

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

names = st.sampled_from(["a.csv", "b.txt", "report.html", "qc.csv", MANIFEST, "notes.docx"])


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): _digest(p)
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


@st.composite
def scenes(draw):
    """A folder with inputs, foreign files, links, maybe an earlier output."""
    return {
        "inputs": draw(st.lists(names, min_size=1, max_size=3, unique=True)),
        "foreign": draw(st.lists(names, max_size=3, unique=True)),
        "links": draw(st.lists(st.tuples(names, st.integers(0, 2)), max_size=2)),
        "earlier": draw(st.booleans()),
        "where": draw(st.sampled_from(["new", "root", "sub", "input", "link_to_input"])),
        "overwrite": draw(st.booleans()),
        "write": draw(st.lists(names.filter(lambda n: n != MANIFEST), min_size=1, max_size=3)),
    }


def _build(root: Path, scene):
    inputs = []
    for n in scene["inputs"]:
        p = root / f"in_{n}"
        p.write_text(f"input {n}\n")
        inputs.append(p)
    sub = root / "sub"
    sub.mkdir()
    for n in scene["foreign"]:
        (sub / n).write_text(f"foreign {n}\n")
    for n, k in scene["links"]:
        target = inputs[k % len(inputs)]
        link = sub / f"ln_{n}"
        if not link.exists():
            link.symlink_to(target)
    return inputs, sub


@SETTINGS
@given(scene=scenes())
def test_output_folder_never_changes_inputs_or_foreign_files(scene):
    root = Path(tempfile.mkdtemp(prefix="sarcostat-prop-"))
    try:
        inputs, sub = _build(root, scene)
        where = {
            "new": root / "out",
            "root": root,
            "sub": sub,
            "input": inputs[0],
            "link_to_input": root / "ln_dir",
        }[scene["where"]]
        if scene["where"] == "link_to_input":
            where.symlink_to(inputs[0])
        if scene["earlier"] and scene["where"] == "sub" and MANIFEST not in scene["foreign"]:
            # An earlier own output: its files may be replaced, nothing else.
            with OutputFolder(sub, command="prop", overwrite=True) as out:
                out.write_text("own.csv", "earlier\n")
        before_inputs = {p: _digest(p) for p in inputs}
        before = _files(root)
        own_before = _own(sub)
        ok = True
        try:
            with OutputFolder(
                where, command="prop", inputs=inputs, overwrite=scene["overwrite"]
            ) as out:
                for n in scene["write"]:
                    out.write_text(n, f"new {n}\n")
        except SarcostatError:
            ok = False
        # Inputs: same bytes, same place.
        for p, h in before_inputs.items():
            assert p.is_file() and _digest(p) == h
        after = _files(root)
        folder = where if where.is_dir() else None
        for rel, h in before.items():
            path = root / rel
            ours = path.name in own_before or path.name == MANIFEST
            if ok and folder is not None and path.parent == folder and ours:
                # Files of an earlier output of this command may be replaced
                # (or removed when this run no longer writes them).
                pass
            else:
                assert after.get(rel) == h, rel
        assert not [p for p in root.rglob("*") if ".sarcostat-tmp-" in p.name]
        if not ok and scene["where"] == "new":
            assert not where.exists()
    finally:
        shutil.rmtree(root)  # the test's own temporary folder


def _own(folder: Path) -> set[str]:
    try:
        data = json.loads((folder / MANIFEST).read_text())
        return set(data["output"]["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


@SETTINGS
@given(
    kind=st.sampled_from(["input", "symlink", "hardlink", "dotdot", "foreign", "new"]),
    overwrite=st.booleans(),
    text=st.text(max_size=50),
)
@example(kind="new", overwrite=False, text="\r")
def test_single_file_write_rules(kind, overwrite, text):
    root = Path(tempfile.mkdtemp(prefix="sarcostat-prop-"))
    try:
        inp = root / "cohort.csv"
        inp.write_text("id,x\n1,2\n")
        foreign = root / "theirs.csv"
        foreign.write_text("keep\n")
        (root / "d").mkdir()
        target = {
            "input": inp,
            "symlink": root / "link.csv",
            "hardlink": root / "hard.csv",
            "dotdot": root / "d" / ".." / "cohort.csv",
            "foreign": foreign,
            "new": root / "new.csv",
        }[kind]
        if kind == "symlink":
            target.symlink_to(inp)
        if kind == "hardlink":
            os.link(inp, target)
        h_inp, h_foreign = _digest(inp), _digest(foreign)
        try:
            write_text(target, text, command="prop", inputs=[inp], overwrite=overwrite)
            wrote = True
        except SarcostatError:
            wrote = False
        assert _digest(inp) == h_inp
        if kind in ("input", "symlink", "hardlink", "dotdot"):
            assert not wrote
        elif kind == "foreign":
            assert wrote == overwrite
            if not wrote:
                assert _digest(foreign) == h_foreign
        else:
            assert wrote
        if wrote:
            # newline="" reads the text back untranslated ('\r' stays '\r').
            with open(target, encoding="utf-8", newline="") as fh:
                assert fh.read() == text
        assert not [p for p in root.rglob("*") if ".sarcostat-tmp-" in p.name]
    finally:
        shutil.rmtree(root)  # the test's own temporary folder


@given(st.text(max_size=30))
@example("+0")
@example("+A1")
@example("\t0")  # found by hypothesis: "\t0".strip() read as a number
@example("\r-3")
def test_neutralized_cell_never_starts_a_formula(text):
    out = neutralize_cell(text)
    # control characters a workbook cannot hold are escaped (\x1b) first
    shown = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"\\x{ord(m[0]):02x}", text)
    assert out in (shown, "'" + shown)
    if out.startswith(("=", "@", "\t", "\r")):
        pytest.fail(repr(out))
    if out.startswith(("-", "+")):
        float(out.rstrip("%"))  # only numbers keep a leading sign


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_written_as_text_are_kept(x):
    for text in (repr(x), f"{x:g}", f"{x:.3f}", f"{x:+.2e}"):
        assert neutralize_cell(text) == text


@given(st.integers())
def test_integers_as_text_are_kept(n):
    assert neutralize_cell(str(n)) == str(n)
    assert neutralize_cell(f"{n:+d}") == f"{n:+d}"


@pytest.mark.parametrize(
    "cells",
    [
        ["plain", None, "text"],
        ["=SUM(A1)", "b"],
        ["a", "+1+1", None],
        ["a", "-x", "-3.2"],
        ["a", "@cmd"],
        ["a", "\tq", "\rz"],
        ["a", "b\n=c", "d\n-e"],  # a formula character after a line break inside a cell
        ["ok", "ESC\x1b", "NUL\x00x"],
        ["x", 1.5, "=y"],  # not all text
        ["", "", None],
    ],
)
def test_object_text_columns_are_neutralized_as_cell_by_cell(cells):
    """The joined-text shortcut for object columns gives what neutralize_cell gives."""
    import pandas as pd

    from sarcostat.report.output import _neutralize_series, neutralize_cell

    s = pd.Series(cells, dtype=object)

    def norm(v):  # None and NaN are both an empty cell in the files written
        return v if isinstance(v, str) else (None if v is None or v != v else v)

    got = [norm(v) for v in _neutralize_series(s).tolist()]
    assert got == [norm(neutralize_cell(c)) for c in cells]
