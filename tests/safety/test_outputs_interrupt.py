"""Issue 13, point 1: an interrupted or failing write leaves the previous
complete output (or nothing) and no temporary file.

A real ``sarcostat analyze`` subprocess is sent SIGINT or SIGTERM while it is
writing the report (the moment its first temporary file appears in the
output folder), and at several other moments; the earlier report must be
byte-identical afterwards, or replaced by a complete new one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from corpus_outputs import (
    SRC,
    assert_unchanged,
    ctrl_c_as_at_a_terminal,
    snapshot,
    temporaries,
    tree,
    workspace,
)

from sarcostat.cli import main


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("intr") / "study")
    rep = ws.root / "report"
    assert main(["analyze", str(ws.cohort), "--map", str(ws.mapping), "-o", str(rep), "-q"]) == 0
    return ws, rep


def _start(ws, rep):
    env = dict(os.environ, PYTHONPATH=str(SRC), OPENBLAS_NUM_THREADS="1")
    return subprocess.Popen(
        [sys.executable, "-m", "sarcostat", "analyze", ws.cohort, "--map", ws.mapping, "-o", rep],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ctrl_c_as_at_a_terminal,
    )


def _complete(rep) -> bool:
    """Every file the manifest lists is there with the recorded SHA-256."""
    from sarcostat.report.output import file_sha256

    man = json.loads((rep / "manifest.json").read_text())
    files = man["output"]["files"]
    return all(file_sha256(rep / n) == h for n, h in files.items()) and "report.html" in files


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_while_the_report_is_written_keeps_the_earlier_report(earlier, sig):
    ws, rep = earlier
    before = tree(rep)
    snap = snapshot(ws.inputs)
    proc = _start(ws, rep)
    deadline = time.monotonic() + 120
    hit = False
    while time.monotonic() < deadline and proc.poll() is None:
        if temporaries(rep):
            proc.send_signal(sig)
            hit = True
            break
        time.sleep(0.002)
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    if not hit:
        pytest.skip("the write finished before a temporary file was seen")
    assert proc.returncode in (130, 143), err
    assert "interrupted" in err or "terminated" in err
    # The earlier report, byte for byte, and nothing left behind.
    assert tree(rep) == before
    assert temporaries(ws.root) == []
    assert _complete(rep)
    assert_unchanged(snap)


@pytest.mark.parametrize("delay", [0.5, 1.5, 2.5, 3.5])
def test_signal_at_any_moment_leaves_a_complete_report(earlier, delay):
    ws, rep = earlier
    snap = snapshot(ws.inputs)
    proc = _start(ws, rep)
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    # -15: the signal came before the CLI started (Python still importing),
    # when nothing had been written yet.
    assert proc.returncode in (0, 143, -signal.SIGTERM), err
    assert temporaries(ws.root) == []
    assert _complete(rep)
    assert_unchanged(snap)


def test_failure_in_the_middle_of_writing_keeps_the_earlier_report(earlier, monkeypatch, capsys):
    ws, rep = earlier
    before = tree(rep)
    import sarcostat.report.html as html

    def broken(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(html, "render_html", broken)
    rc = main(["analyze", str(ws.cohort), "--map", str(ws.mapping), "-o", str(rep), "-q"])
    err = capsys.readouterr().err
    assert rc == 1 and "Traceback" not in err
    assert "disk is full" in err or "No space" in err, err
    assert tree(rep) == before
    assert temporaries(ws.root) == []


def test_interrupted_first_run_leaves_nothing(tmp_path):
    ws = workspace(tmp_path / "study")
    rep = ws.root / "new_report"
    proc = _start(ws, rep)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if rep.exists() and temporaries(rep):
            proc.send_signal(signal.SIGINT)
            break
        time.sleep(0.002)
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    if proc.returncode == 0:
        pytest.skip("the write finished before the signal")
    assert proc.returncode == 130, err
    assert not rep.exists()
    assert temporaries(ws.root) == []
