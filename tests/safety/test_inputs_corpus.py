"""Every case of the input corpus: exit code, message, no traceback, inputs untouched."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from corpus_inputs import CASES, Case

from sarcostat.cli import main


def _digests(d: Path) -> dict[str, str]:
    return {
        str(p.relative_to(d)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(d.rglob("*"))
        if p.is_file()
    }


def _materialize(case: Case, d: Path) -> None:
    for name, content in case.files.items():
        target = d / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        elif name.startswith("_"):
            content(d)  # writes several files into the folder
        else:
            content(target)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_input_case(case: Case, tmp_path, capsys):
    d = tmp_path / "case"
    d.mkdir()
    _materialize(case, d)
    before = _digests(d)
    argv = [a.replace("{d}", str(d)) for a in case.argv]
    rc = main(argv)  # a Python exception here is itself a failure: a traceback
    out = capsys.readouterr()
    printed = out.out + out.err
    assert "Traceback" not in printed
    assert rc == case.rc, f"exit {rc}, expected {case.rc}:\n{printed}"
    for pat in case.patterns:
        assert re.search(pat, printed, re.S), f"{pat!r} not in:\n{printed}"
    for pat in case.absent:
        assert not re.search(pat, printed, re.S), f"{pat!r} in:\n{printed}"
    after = _digests(d)
    for name, digest in before.items():
        assert after.get(name) == digest, f"input {name} changed or vanished"
    if case.check is not None:
        case.check(d, printed)


def test_corpus_is_large_and_covers_every_reading_command():
    assert len(CASES) >= 35
    commands = {c.argv[0] for c in CASES}
    assert {"validate", "classify", "analyze", "screen", "elisa", "check-table"} <= commands
