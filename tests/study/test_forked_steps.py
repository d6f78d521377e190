"""Plan steps shared with a forked copy of the process (issue 20): the same
results as one after another, whatever ran where.

On Linux with two cores, from the main thread, ``threads=2`` runs the steps
in two processes (`sarcostat.study.run._run_forked`): groups of steps that
must stay together (`_process_groups`), the copy's results sent back and
merged in plan order; a copy that fails only means its steps are run here.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import warnings

import pandas as pd
import pytest

import sarcostat
import sarcostat.study.run as run_mod
from sarcostat import _fork
from sarcostat.datasets import demo_cohort_path, demo_mapping_path
from sarcostat.datasets.simulate import simulate_cohort
from sarcostat.exceptions import ModelError
from sarcostat.report.export import results_dict
from sarcostat.study import registry
from sarcostat.study.plan import DEFAULT_STEPS, frailty_plan_path
from sarcostat.study.registry import Step
from sarcostat.study.steps import get as get_step

pytestmark = pytest.mark.skipif(
    not (hasattr(os, "fork") and _fork._cores() >= 2 and os.uname().sysname == "Linux"),
    reason="the steps go to a forked copy only on Linux with two cores",
)

#: A plan with an outcome the demo cohort lacks (rows left out, with notes).
PLAN = {"outcomes": {"continuous": ["asm_kg", "grip_kg", "calf_circumference_cm"]}}


def _analyze(plan=None, threads=1, path=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sarcostat.analyze(path or demo_cohort_path(), plan, threads=threads)


def _json(res) -> str:
    return json.dumps(results_dict(res), indent=2, ensure_ascii=False, allow_nan=False)


@pytest.fixture
def where_run(monkeypatch, tmp_path):
    """``{step name: pid}`` of the process each step ran in (the forked copy
    inherits the recording wrapper and appends to the same file)."""
    log = tmp_path / "pids.txt"
    real = run_mod._run_step

    def recording(step, ctx, say):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{step.name} {os.getpid()}\n")
        return real(step, ctx, say)

    monkeypatch.setattr(run_mod, "_run_step", recording)

    def read() -> dict[str, int]:
        out: dict[str, int] = {}
        for line in log.read_text(encoding="utf-8").splitlines():
            name, pid = line.split()
            out[name] = int(pid)  # the last run of it
        return out

    return read


@pytest.fixture
def extra_step():
    names = []

    def add(step):
        registry.register(step)
        names.append(step.name)
        return step.name

    yield add
    for n in names:
        registry.unregister(n)


def test_two_processes_give_the_serial_results_byte_for_byte(where_run):
    serial = _analyze(PLAN, threads=1)
    forked = _analyze(PLAN, threads=2)
    ran = where_run()
    # The steps really were shared: some ran in the copy.
    assert {pid == os.getpid() for pid in ran.values()} == {True, False}
    assert _json(forked) == _json(serial)
    assert list(forked.frames) == list(serial.frames)
    assert list(forked.analyses) == list(serial.analyses)
    assert forked.warnings == serial.warnings
    assert forked.skipped == serial.skipped
    for name, frame in serial.frames.items():
        pd.testing.assert_frame_equal(forked.frames[name], frame)
    # The report too, but for the minute it was made in.
    stamp = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")
    assert stamp.sub("", forked.to_html()) == stamp.sub("", serial.to_html())


def _groups(steps):
    tasks = run_mod._plan_tasks(list(steps), {})
    local, portable = run_mod._process_groups(tasks)
    name = {t.index: t.name for t in tasks}
    return [[name[i] for i in g] for g in local], [[name[i] for i in g] for g in portable]


def test_groups_keep_readers_large_results_and_shared_fits_together():
    local, portable = _groups(DEFAULT_STEPS)
    # Figures 1 and 2 keep their models' rows; the steps that read them stay with them.
    assert local == [["fig1", "fig2", "lsmean_differences", "quartile_or"]]
    # Table 2's and Table 3's models are also fitted by the model sets, the
    # definitions and the sex interaction (one fit each, in one process).
    shared = ["table2", "table3", "table2_ci", "model_sets", "sex_interaction", "definitions"]
    assert shared in portable
    assert sorted(s for g in local + portable for s in g) == sorted(DEFAULT_STEPS)
    assert all(len(g) == 1 for g in portable if g != shared)
    cost = [sum(get_step(s).cost for s in g) for g in portable]
    assert cost == sorted(cost, reverse=True)  # costliest first
    # Every group lists its steps in plan order.
    for g in local + portable:
        assert g == sorted(g, key=DEFAULT_STEPS.index)


def test_a_plan_with_an_undeclared_step_is_not_forked(extra_step, monkeypatch):
    class Undeclared(Step):
        name = "undeclared_test_step"
        heading = title = "Undeclared"
        columns = ("x",)

        def run(self, ctx):
            return pd.DataFrame({"x": [len(ctx.frames)]})

    extra_step(Undeclared())
    forks = []
    monkeypatch.setattr(_fork, "split", lambda *a, **k: forks.append(1))
    res = _analyze({"study": {"steps": ["table1", "undeclared_test_step", "table2"]}}, threads=2)
    assert forks == []  # the thread runner ran it (alone, after everything before it)
    assert res.frames["undeclared_test_step"]["x"].tolist() == [1]


def test_a_copy_that_dies_means_its_steps_run_here(where_run, monkeypatch):
    me = os.getpid()
    real = run_mod._run_step

    def dying(step, ctx, say):
        if os.getpid() != me:
            os._exit(3)
        return real(step, ctx, say)

    monkeypatch.setattr(run_mod, "_run_step", dying)
    serial = _analyze(PLAN, threads=1)
    forked = _analyze(PLAN, threads=2)
    assert set(where_run().values()) == {me}  # the copy died before its first step
    assert _json(forked) == _json(serial)
    assert forked.warnings == serial.warnings


class _Costly(Step):
    """The costliest step not kept here: the copy takes it first."""

    heading = title = "Costly"
    reads = ()
    cost = 100.0
    columns = ("x",)


def test_a_user_error_in_the_copy_skips_the_step_with_its_note_in_order(extra_step, where_run):
    class Failing(_Costly):
        name = "failing_test_step"

        def run(self, ctx):
            ctx.log.add("failing_test_step: before the error")
            raise ModelError("no participant in one group")

    extra_step(Failing())
    plan = {"study": {"steps": ["table1", "fig1", "failing_test_step", "table2"]}}
    serial = _analyze(plan, threads=1)
    forked = _analyze(plan, threads=2)
    assert where_run()["failing_test_step"] != os.getpid()
    assert forked.skipped == serial.skipped
    assert "no participant in one group" in forked.skipped["failing_test_step"]
    assert forked.warnings == serial.warnings
    assert forked.frames["failing_test_step"].empty
    assert list(forked.frames) == ["table1", "fig1", "failing_test_step", "table2"]


def test_a_bug_in_a_step_of_the_copy_reaches_the_caller_unchanged(extra_step):
    class Buggy(_Costly):
        name = "buggy_test_step"

        def run(self, ctx):
            raise RuntimeError("a bug, not the user's mistake")

    extra_step(Buggy())
    with pytest.raises(RuntimeError, match="a bug, not the user's mistake"):
        _analyze({"study": {"steps": ["table1", "fig1", "buggy_test_step"]}}, threads=2)


def test_one_progress_tick_and_one_title_line_per_step(monkeypatch):
    from sarcostat import progress

    ticks = []

    class Bar:
        def __init__(self, **kw):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n=1):
            ticks.append(n)

    monkeypatch.setattr(progress, "progress_bar", Bar)
    lines: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sarcostat.analyze(demo_cohort_path(), PLAN, threads=2, progress=lines.append)
    assert len(ticks) == len(DEFAULT_STEPS)
    for name in DEFAULT_STEPS:
        assert lines.count(get_step(name).title) == 1, name


def _pickled_sizes(n: int, tmp_path, monkeypatch, plan=None, frailty=False) -> dict[str, int]:
    """Bytes of each step's frame and added analyses, pickled (what the copy
    would send back), on a simulated cohort of ``n`` rows."""
    path = tmp_path / f"sim_{n}.csv"
    simulate_cohort(n, seed=5, frailty=frailty).to_csv(path, index=False)
    sizes: dict[str, int] = {}
    real = run_mod._run_step

    def measuring(step, ctx, say):
        before = set(ctx.analyses)
        out = real(step, ctx, say)
        added = {k: v for k, v in ctx.analyses.items() if k not in before}
        sizes[step.name] = len(pickle.dumps((out, added), protocol=pickle.HIGHEST_PROTOCOL))
        return out

    monkeypatch.setattr(run_mod, "_run_step", measuring)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sarcostat.analyze(path, plan, mapping=demo_mapping_path(), threads=1)
    monkeypatch.setattr(run_mod, "_run_step", real)
    return sizes


@pytest.mark.parametrize("plan", ["default", "frailty", "mice"])
def test_only_steps_kept_here_have_results_that_grow_with_the_cohort(plan, tmp_path, monkeypatch):
    # What the copy sends back must not hold the cohort's rows: a step whose
    # results do is declared `large_results` (and so stays in this process).
    mice = {"missing": {"method": "mice", "imputations": 2, "iterations": 2}}
    kw = {
        "default": {},
        "frailty": {"plan": frailty_plan_path(), "frailty": True},
        "mice": {"plan": mice},
    }[plan]
    small = _pickled_sizes(1_000, tmp_path, monkeypatch, **kw)
    large = _pickled_sizes(8_000, tmp_path, monkeypatch, **kw)
    assert small.keys() == large.keys() and len(small) >= 5
    for name in small:
        growth = large[name] / small[name]
        if get_step(name).large_results:
            assert growth > 4, name  # the declaration is needed
        elif not any(get_step(s).large_results for s in get_step(name).reads or ()):
            assert growth < 2, (name, small[name], large[name])


def test_ctrl_c_here_stops_the_copy_at_once(extra_step, fork_pids):
    import time

    class Interrupted(_Costly):
        name = "interrupted_test_step"
        large_results = True  # stays here

        def run(self, ctx):
            time.sleep(0.3)
            raise KeyboardInterrupt

    class Endless(_Costly):
        name = "endless_test_step"

        def run(self, ctx):
            time.sleep(60)
            return pd.DataFrame({"x": [1]})

    extra_step(Interrupted())
    extra_step(Endless())
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        _analyze(
            {"study": {"steps": ["table1", "interrupted_test_step", "endless_test_step"]}},
            threads=2,
        )
    assert time.monotonic() - start < 20
    assert len(fork_pids) == 1
    with pytest.raises(ChildProcessError):  # stopped and reaped
        os.waitpid(fork_pids[0], os.WNOHANG)


def test_the_copys_progress_is_shown_while_this_process_works(extra_step):
    import time

    class Here(_Costly):
        large_results = True  # stays here

        def run(self, ctx):
            time.sleep(0.6)
            return pd.DataFrame({"x": [1]})

    class There(_Costly):
        name = "there_test_step"
        title = "There (in the copy)"

        def run(self, ctx):
            time.sleep(0.05)
            return pd.DataFrame({"x": [2]})

    first = type("First", (Here,), {"name": "here_first_step", "title": "Here first"})()
    second = type("Second", (Here,), {"name": "here_second_step", "title": "Here second"})()
    for step in (first, second, There()):
        extra_step(step)
    lines: list[str] = []
    plan = {
        "study": {"steps": ["table1", "here_first_step", "here_second_step", "there_test_step"]}
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sarcostat.analyze(demo_cohort_path(), plan, threads=2, progress=lines.append)
    # The copy's step started and ended while "Here first" ran: its title
    # comes before "Here second", not after everything else.
    assert lines.index("There (in the copy)") < lines.index("Here second")
    assert lines.count("There (in the copy)") == 1
    assert res.frames["there_test_step"]["x"].tolist() == [2]


def test_called_from_another_thread_it_runs_on_threads_without_forking(fork_pids):
    # A server's worker thread (the web app): other threads may hold locks a
    # copy would need, so the steps run on threads there.
    import threading

    got = {}

    def work():
        got["res"] = _analyze(PLAN, threads=2)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert fork_pids == []
    assert _json(got["res"]) == _json(_analyze(PLAN, threads=1))
