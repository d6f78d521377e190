"""The fuzz generator of fuzz.py run against every command (issue 13).

The default suite runs a fast, deterministic subset (one case per kind of
mutation, each on the cheapest command that reads that kind of file); the
whole cross product, hypothesis-drawn cell mutations and signals at random
moments of ``analyze`` are marked ``slow``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from corpus_outputs import SRC, ctrl_c_as_at_a_terminal, temporaries, tree, workspace
from fuzz import (
    BYTE_MUTATIONS,
    IMG,
    SCRIPT,
    TOML_MUTATIONS,
    Case,
    cases,
    check_run,
    cleanup,
    html_problems,
    run_case,
    run_main,
    snapshot_inputs,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ALL = list(cases())
_FAST_COMMANDS = {"validate", "plan_check"}
FAST = [
    c
    for c in ALL
    if not c.slow
    and (
        c.name.split("-", 1)[0] in _FAST_COMMANDS
        or (
            c.name.startswith("elisa_plate-")
            and c.name.split("-", 1)[1] in {"nul_bytes", "png_magic", "empty", "markup_cell"}
        )
        or c.name.split("-", 1)[0]
        in {
            "classify_over_symlinked_input",
            "classify_over_hardlink",
            "classify_over_relative_input",
            "classify_dev_full",
            "classify_long_name",
            "classify_file_as_folder",
            "classify_readonly",
            "check_table_over_input",
            "plan_init_over_cohort",
            "elisa_into_plate",
            "analyze_dot",
            "analyze_foreign_folder",
            "analyze_file_as_folder",
            "analyze_dev_full",
            "analyze_long_name",
            "screen_over_panel",
            "screen_html_over_cohort",
        }
    )
]


@pytest.fixture
def root(tmp_path):
    yield tmp_path
    cleanup(tmp_path)


def test_the_generator_covers_every_kind_of_input():
    names = {c.name for c in ALL}
    assert len(ALL) >= 300
    for m in BYTE_MUTATIONS:
        assert f"validate-{m}" in names and f"elisa_plate-{m}" in names
    for t in TOML_MUTATIONS:
        assert f"plan_check-{t}" in names
    assert len(FAST) >= 60


@pytest.mark.parametrize("case", FAST, ids=lambda c: c.name)
def test_fuzz_fast(case, root):
    assert run_case(case, root) == []


@pytest.mark.slow
@pytest.mark.parametrize("case", [c for c in ALL if c not in FAST], ids=lambda c: c.name)
def test_fuzz_full(case, root):
    assert run_case(case, root) == []


# ----------------------------------------------------------------- the checker itself


def test_html_checker_finds_live_payloads_and_ignores_escaped_ones():
    assert html_problems(f"<p>{SCRIPT}</p>")
    assert html_problems(f'<p title="{IMG}">')  # broke out of the attribute
    assert html_problems("<img src=x onerror=alert(1)>")
    from markupsafe import escape

    assert html_problems(f"<p>{escape(SCRIPT)}{escape(IMG)}</p>") == []
    assert html_problems('<img src="data:image/png;base64,AAAA" alt="fig">') == []


# ----------------------------------------------------------------- hypothesis


_cell_text = st.one_of(
    st.text(min_size=0, max_size=30),
    st.sampled_from(
        ["inf", "-inf", "nan", "1e400", "-1e400", "0x1F", "1_000", "٣", "１２", "2023-01-01",
         "<3.2", ">99", "<", "<-1", "NA", "", " ", "=1+1", "@x", "\x00", "\u202e12", SCRIPT]
    ),
)  # fmt: skip


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    row=st.integers(1, 128),
    col=st.sampled_from(
        ["id", "sex", "age_yr", "height_cm", "weight_kg", "asm_kg", "grip_1_kg", "sclerostin"]
    ),
    value=_cell_text,
    command=st.sampled_from(["validate", "classify"]),
)
def test_fuzz_any_cell_value(tmp_path_factory, row, col, value, command):
    from fuzz import COHORT_COMMANDS, _cell, _demo_bytes, _map_bytes

    root = tmp_path_factory.mktemp("hyp")
    try:
        data = _cell(row, col, value.replace("\n", " ").replace("\r", " "))(_demo_bytes())
    except UnicodeEncodeError:
        return
    case = Case("cell", command, COHORT_COMMANDS[command], {"x.csv": data, "m.toml": _map_bytes()})
    try:
        assert run_case(case, root) == []
    finally:
        cleanup(root)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    data=st.binary(min_size=0, max_size=400),
    suffix=st.sampled_from([".csv", ".xlsx", ".sav", ".dta", ".parquet", ".toml"]),
)
def test_fuzz_any_bytes_with_any_suffix(tmp_path_factory, data, suffix):
    root = tmp_path_factory.mktemp("hypb")
    name = "x" + suffix
    argv = ["plan", "--check", "{d}/" + name] if suffix == ".toml" else ["validate", "{d}/" + name]
    try:
        assert run_case(Case("bytes", argv[0], argv, {name: data}), root) == []
    finally:
        cleanup(root)


# ----------------------------------------------------------------- signals


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("sig") / "study")
    rep = ws.root / "report"
    res = run_main(["analyze", str(ws.cohort), "--map", str(ws.mapping), "-o", str(rep), "-q"])
    assert res.rc == 0, res.err
    return ws, rep


def _complete(rep) -> bool:
    from sarcostat.report.output import file_sha256

    man = json.loads((rep / "manifest.json").read_text())
    files = man["output"]["files"]
    return "report.html" in files and all(file_sha256(rep / n) == h for n, h in files.items())


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_signal_at_a_random_moment_leaves_a_complete_report(previous, seed):
    ws, rep = previous
    rng = random.Random(seed)
    sig = rng.choice([signal.SIGINT, signal.SIGTERM])
    delay = rng.uniform(0.5, 14.0)
    before_inputs = snapshot_inputs(ws.root)
    env = dict(os.environ, PYTHONPATH=str(SRC), OPENBLAS_NUM_THREADS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sarcostat", "analyze", ws.cohort, "--map", ws.mapping, "-o", rep, "-q"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=ctrl_c_as_at_a_terminal,
    )  # fmt: skip
    time.sleep(delay)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert _complete(rep), (sig, delay, tree(rep))
    assert temporaries(ws.root) == []
    for p, digest in before_inputs.items():
        if rep not in p.parents:
            from corpus_outputs import sha

            assert sha(p) == digest, p


def test_check_run_flags_a_changed_input(tmp_path):
    from fuzz import Outcome

    f = tmp_path / "a.csv"
    f.write_text("x")
    before = snapshot_inputs(tmp_path)
    f.write_text("y")
    assert check_run(tmp_path, before, Outcome(0, "", "")) == ["input modified: a.csv"]
    assert check_run(tmp_path, {}, Outcome("exception", "", "Traceback ...")) != []
