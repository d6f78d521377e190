"""Plan steps on two threads (issue 20): the same report as one after another.

Steps that do not read each other's results (`Step.reads`) run at the same
time for large cohorts; frames, analyses, notes and warnings are merged in
plan order. These tests force the threads on the demo cohort (``threads=2``)
and check the order constraints, the per-thread warnings, the shared-fit
lock, the error paths and the switch (``SARCOSTAT_THREADS``, the row
threshold). Where the steps would be shared with a forked copy of the
process instead (Linux, tests/study/test_forked_steps.py), that is turned
off here, except in the tests that compare both ways."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
import warnings

import pandas as pd
import pytest

import sarcostat
import sarcostat.study.run as run_mod
from sarcostat.datasets import demo_cohort_path
from sarcostat.exceptions import DataError, ParameterError, SarcostatWarning
from sarcostat.report.export import results_dict
from sarcostat.study import registry
from sarcostat.study.plan import DEFAULT_STEPS, Plan
from sarcostat.study.registry import Step, StepContext, StepLog
from sarcostat.study.steps import all_steps
from sarcostat.study.thread_warnings import thread_local_warnings


@pytest.fixture(autouse=True)
def _threads_not_processes(monkeypatch):
    """The thread runner, where the steps would otherwise go to two processes."""
    monkeypatch.setattr(run_mod, "_run_forked", lambda *args: False)


def _analyze(plan=None, threads=1):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sarcostat.analyze(demo_cohort_path(), plan, threads=threads)


def _json(res) -> str:
    return json.dumps(results_dict(res), indent=2, ensure_ascii=False, allow_nan=False)


@pytest.fixture(scope="module")
def both():
    """The default plan (seed + supplementary steps) on the demo cohort, with a
    column the cohort lacks (a skipped step and a shortened one), serially
    and on two threads."""
    plan = {"outcomes": {"continuous": ["asm_kg", "grip_kg", "calf_circumference_cm"]}}
    return _analyze(plan, threads=1), _analyze(plan, threads=2)


def test_two_threads_give_the_serial_report_byte_for_byte(both):
    serial, parallel = both
    assert _json(parallel) == _json(serial)
    assert parallel.warnings == serial.warnings
    assert any("calf_circumference_cm" in w for w in serial.warnings)
    assert list(parallel.frames) == list(serial.frames) == list(DEFAULT_STEPS)
    for name, frame in serial.frames.items():
        assert parallel.frames[name].to_csv() == frame.to_csv(), name
    assert list(parallel.analyses) == list(serial.analyses)
    assert list(parallel.skipped.items()) == list(serial.skipped.items())


def test_multiple_imputation_on_two_threads_pools_the_same_numbers():
    # multiple_imputation reads the complete-case frames and fits of four steps.
    plan = {
        "study": {"steps": ["fig1", "table2", "table3", "model_sets"]},
        "missing": {"method": "mice", "imputations": 2, "iterations": 1},
    }
    serial, parallel = _analyze(plan, threads=1), _analyze(plan, threads=2)
    assert "multiple_imputation" in parallel.frames
    assert len(parallel.frames["multiple_imputation"]) > 0
    assert _json(parallel) == _json(serial)
    assert parallel.warnings == serial.warnings


def test_steps_that_read_others_get_their_results(both):
    _, parallel = both
    a = parallel.analyses
    # Table 2 with CIs reuses Table 2's fits; the quartile ORs, Figure 2's quartiles.
    assert a["table2_ci/grip_kg/adjusted"] is a["table2/grip_kg/adjusted"]
    assert a["quartile_or/sarcopenia"].n > 0 and "fig2/quartiles" in a


class _Recording(dict):
    """A dict that notes every key read."""

    def __init__(self, *args, reads: set) -> None:
        super().__init__(*args)
        self.reads = reads

    def __getitem__(self, key):
        self.reads.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.reads.add(key)
        return super().get(key, default)

    def __contains__(self, key):
        self.reads.add(key)
        return super().__contains__(key)


@pytest.mark.parametrize("mice", [False, True])
def test_every_built_in_step_declares_what_it_reads(monkeypatch, mice):
    """Run serially with recording frames and analyses: every earlier step
    whose frame or analyses a step looks up is in its ``reads``."""
    seen: dict[str, set] = {}
    real = run_mod._run_step

    def recording(step, ctx, say):
        reads: set = set()
        view = dataclasses.replace(
            ctx,
            frames=_Recording(ctx.frames, reads=reads),
            analyses=_Recording(ctx.analyses, reads=reads),
        )
        out = real(step, view, say)
        ctx.analyses.update(view.analyses)
        seen[step.name] = {str(k).split("/")[0] for k in reads} - {step.name}
        return out

    monkeypatch.setattr(run_mod, "_run_step", recording)
    plan: dict = {}
    if mice:
        plan = {
            "study": {"steps": ["fig1", "table2", "table3", "model_sets"]},
            "missing": {"method": "mice", "imputations": 2, "iterations": 1},
        }
    _analyze(plan or None)
    steps = all_steps()
    assert seen
    for name, read in seen.items():
        assert steps[name].reads is not None, name
        assert read <= set(steps[name].reads), (name, read)
    if mice:
        assert seen["multiple_imputation"] >= {"fig1", "table2", "table3", "model_sets"}
    for name, step in steps.items():
        if step.__module__.startswith("sarcostat.study.steps."):
            assert isinstance(step.reads, tuple), name


# ---------------------------------------------------------------- scheduling
_EVENTS: list = []
_EV_LOCK = threading.Lock()


def _event(kind, name):
    with _EV_LOCK:
        _EVENTS.append((kind, name, time.perf_counter()))


class _Sleepy(Step):
    """A step that takes 50 ms and reads the frame of the steps in ``reads``."""

    heading = title = "Sleepy"
    columns = ("x",)

    def run(self, ctx):
        _event("start", self.name)
        got = {r: len(ctx.frames[r]) for r in self.reads or () if r in ctx.frames}
        time.sleep(0.05)
        ctx.log.add(f"{self.name} ran on {threading.current_thread() is threading.main_thread()}")
        ctx.log.add(f"{self.name}: note")
        _event("end", self.name)
        return pd.DataFrame({"x": [len(got)]})


def _step(name, reads, base=_Sleepy):
    return type(f"S_{name}", (base,), {"name": name, "reads": reads})()


@pytest.fixture
def sleepy():
    names = []

    def add(name, reads, base=_Sleepy):
        registry.register(_step(name, reads, base))
        names.append(name)
        return name

    _EVENTS.clear()
    yield add
    for n in names:
        registry.unregister(n)


def _times(name):
    start = next(t for k, n, t in _EVENTS if k == "start" and n == name)
    end = next(t for k, n, t in _EVENTS if k == "end" and n == name)
    return start, end


class _Heavy(_Sleepy):
    runs_alone = True


def test_order_readers_after_what_they_read_and_undeclared_steps_alone(sleepy):
    steps = [
        sleepy("a1", ()),
        sleepy("a2", ()),
        sleepy("r1", ("a1",)),
        sleepy("p1", None),  # a plug-in without a declaration
        sleepy("b1", ()),
        sleepy("b2", ()),
        sleepy("r2", ("b2", "a2")),
        sleepy("h1", (), _Heavy),  # cohort-sized temporaries
        sleepy("c1", ()),
    ]
    res = _analyze({"study": {"steps": ["table1", *steps]}}, threads=2)
    assert list(res.frames) == ["table1", *steps]
    # Each reader saw the frames it reads, and ran after them.
    assert res.frames["r1"]["x"].tolist() == [1]
    assert res.frames["r2"]["x"].tolist() == [2]
    assert _times("a1")[1] <= _times("r1")[0]
    assert _times("b2")[1] <= _times("r2")[0] and _times("a2")[1] <= _times("r2")[0]
    # The undeclared step ran alone: after everything before it, before everything after.
    p_start, p_end = _times("p1")
    assert all(_times(n)[1] <= p_start for n in steps[:3])
    assert all(_times(n)[0] >= p_end for n in steps[4:])
    # The step with cohort-sized temporaries ran with no other step.
    h_start, h_end = _times("h1")
    for n in steps:
        if n != "h1":
            start, end = _times(n)
            assert end <= h_start or start >= h_end, n
    # Two steps did run at the same time (a1 and a2; b1 and b2).
    assert _times("a2")[0] < _times("a1")[1] or _times("a1")[0] < _times("a2")[1]
    assert any(f"{n} ran on False" in res.warnings for n in steps)
    # Notes in plan order, whatever order the steps finished in.
    notes = [w for w in res.warnings if w.endswith(": note")]
    assert notes == [f"{n}: note" for n in steps]


class _Long(_Sleepy):
    cost = 5.0


class _Short(_Sleepy):
    cost = 0.1


def test_the_costliest_ready_step_starts_first(sleepy):
    """Longest first: of the steps ready to run, the one with the highest
    `Step.cost` starts first (ties in plan order); a step that must wait for
    another still waits. The frames and notes stay in plan order."""
    steps = [
        sleepy("s1", (), _Short),
        sleepy("s2", (), _Short),
        sleepy("m1", ()),
        sleepy("l1", (), _Long),
        sleepy("l2", ("s1",), _Long),  # long, but it reads s1
        sleepy("m2", ()),
    ]
    res = _analyze({"study": {"steps": ["table1", *steps]}}, threads=2)
    assert list(res.frames) == ["table1", *steps]
    starts = sorted(steps, key=lambda n: _times(n)[0])
    # l1 first; then m1 and m2 (cost 1, plan order) before the short ones;
    # l2 only once s1, which it reads, is done.
    assert starts[0] == "l1"
    assert starts.index("m1") < starts.index("m2") < starts.index("s1")
    assert starts.index("s1") < starts.index("s2")
    assert _times("s1")[1] <= _times("l2")[0]
    notes = [w for w in res.warnings if w.endswith(": note")]
    assert notes == [f"{n}: note" for n in steps]


class _Failing(_Sleepy):
    def run(self, ctx):
        if threading.current_thread() is threading.main_thread():
            time.sleep(0.3)
            return pd.DataFrame({"x": [0]})
        raise RuntimeError(f"{self.name} broke")


def test_an_error_on_the_other_thread_reaches_the_caller_unchanged(sleepy):
    steps = [sleepy("f1", (), _Failing), sleepy("f2", (), _Failing)]
    with pytest.raises(RuntimeError, match="broke") as info:
        _analyze({"study": {"steps": steps}}, threads=2)
    # The traceback goes down to the step's own code.
    assert info.traceback[-1].name == "run"


class _UserError(_Sleepy):
    def run(self, ctx):
        ctx.log.add(f"{self.name}: before")
        time.sleep(0.02)
        raise DataError("no participant in one group")


def test_a_user_error_skips_the_step_with_its_note_in_order(sleepy):
    steps = [sleepy("u1", (), _UserError), sleepy("s1", ()), sleepy("u2", (), _UserError)]
    plan = {"study": {"steps": steps}}
    serial, parallel = _analyze(plan, threads=1), _analyze(plan, threads=2)
    assert parallel.warnings == serial.warnings
    assert [w for w in serial.warnings if w.startswith(("u1", "u2", "Sleepy"))] == [
        "u1: before",
        "Sleepy skipped: no participant in one group",
        "u2: before",
    ]
    assert list(parallel.skipped) == list(serial.skipped)
    assert parallel.frames["u1"].empty and parallel.frames["s1"]["x"].tolist() == [0]


class _Interrupted(_Sleepy):
    def run(self, ctx):
        if threading.current_thread() is threading.main_thread():
            raise KeyboardInterrupt
        time.sleep(3)
        return pd.DataFrame({"x": [0]})


def test_ctrl_c_returns_at_once_while_the_other_thread_works(sleepy):
    steps = [sleepy("k1", (), _Interrupted), sleepy("k2", (), _Interrupted)]
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        _analyze({"study": {"steps": steps}}, threads=2)
    assert time.perf_counter() - t0 < 2.5
    assert warnings.catch_warnings.__module__ == "warnings"  # put back


# ------------------------------------------------------------------ warnings
def _warner(tag, go, other):
    def fn():
        for i in range(20):
            warnings.warn(f"fn: {tag}{i}", SarcostatWarning, stacklevel=2)
            if i == 5:
                go.set()
                other.wait(2)  # both threads inside their capture at once
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # this thread only
                warnings.warn(f"fn: hidden {tag}{i}", SarcostatWarning, stacklevel=2)
        warnings.warn(f"not ours {tag}", RuntimeWarning, stacklevel=2)
        return tag

    fn.__name__ = "fn"
    return fn


def test_each_thread_captures_its_own_warnings():
    go_a, go_b = threading.Event(), threading.Event()
    logs = {"A": StepLog(), "B": StepLog()}
    out = {}
    with warnings.catch_warnings(record=True) as outer:
        warnings.simplefilter("always", RuntimeWarning)
        before = (warnings.filters, warnings.showwarning, warnings.catch_warnings)
        with thread_local_warnings():
            t = threading.Thread(
                target=lambda: out.setdefault(
                    "B", logs["B"].run("Step B", _warner("b", go_b, go_a))
                )
            )
            t.start()
            out["A"] = logs["A"].run("Step A", _warner("a", go_a, go_b))
            t.join()
        assert (warnings.filters, warnings.showwarning, warnings.catch_warnings) == before
    assert out == {"A": "a", "B": "b"}
    assert logs["A"].items == [f"Step A: a{i}" for i in range(20)]
    assert logs["B"].items == [f"Step B: b{i}" for i in range(20)]
    # Warnings that are not sarcostat's pass through to the outer handler, once each.
    assert sorted(str(w.message) for w in outer) == ["not ours a", "not ours b"]


def test_filters_and_interleaved_blocks_stay_per_thread():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def b():
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            b_in.set()
            a_in.wait(2)
            a_out.wait(2)  # A left its block while B is inside its own
            warnings.warn("from B", UserWarning, stacklevel=1)
        seen["B"] = [str(w.message) for w in rec]

    with warnings.catch_warnings(record=True) as outer:
        warnings.simplefilter("always")
        filters = warnings.filters
        with thread_local_warnings():
            t = threading.Thread(target=b)
            t.start()
            with warnings.catch_warnings():
                warnings.simplefilter("error", UserWarning)
                a_in.set()
                b_in.wait(2)
                with pytest.raises(UserWarning, match="from A"):
                    warnings.warn("from A", UserWarning, stacklevel=1)
            a_out.set()
            t.join()
            warnings.warn("after A", UserWarning, stacklevel=1)
        assert warnings.filters is filters
    assert seen["B"] == ["from B"]
    assert [str(w.message) for w in outer] == ["after A"]


# ---------------------------------------------------------------- shared fits
def test_two_threads_asking_for_one_model_fit_it_once():
    calls = []
    started = threading.Barrier(2)

    def model(data, *, outcome):
        calls.append(outcome)
        time.sleep(0.1)
        warnings.warn("model: few events", SarcostatWarning, stacklevel=2)
        return object()

    ctx = StepContext(
        data=pd.DataFrame({"y": [1.0]}),
        plan=Plan(),
        biomarker="x",
        covariates=[],
        analyses={},
        log=StepLog(),
    )
    views = [dataclasses.replace(ctx, log=StepLog()) for _ in range(2)]
    got = [None, None]

    def ask(k):
        started.wait()
        got[k] = views[k].fit(f"Step {k}", model, outcome="y")

    with thread_local_warnings():
        threads = [threading.Thread(target=ask, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert calls == ["y"]
    assert got[0] is got[1] is not None
    assert [v.log.items for v in views] == [["Step 0: few events"], ["Step 1: few events"]]


# ---------------------------------------------------------------- the switch
def test_thread_count_default_env_and_argument(monkeypatch):
    monkeypatch.delenv("SARCOSTAT_THREADS", raising=False)
    assert run_mod._thread_count(run_mod._requested_threads(None), 99_999) == 1
    two = min(2, __import__("os").cpu_count() or 1)
    assert run_mod._thread_count(run_mod._requested_threads(None), 100_000) == two
    assert run_mod._thread_count(run_mod._requested_threads(1), 10**6) == 1
    assert run_mod._thread_count(run_mod._requested_threads(2), 100) == 2
    monkeypatch.setenv("SARCOSTAT_THREADS", "1")
    assert run_mod._thread_count(run_mod._requested_threads(None), 10**6) == 1
    assert run_mod._requested_threads(2) == 2  # the argument wins
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv("SARCOSTAT_THREADS", bad)
        with pytest.raises(ParameterError, match="SARCOSTAT_THREADS must be a whole number"):
            sarcostat.analyze("no-such-file.csv")  # refused before reading
    monkeypatch.delenv("SARCOSTAT_THREADS")
    with pytest.raises(ParameterError, match="threads must be"):
        sarcostat.analyze(demo_cohort_path(), threads=0)


def test_a_small_cohort_runs_serially(monkeypatch):
    used = []
    real = run_mod._run_parallel
    monkeypatch.setattr(run_mod, "_run_parallel", lambda *a: used.append(1) or real(*a))
    monkeypatch.delenv("SARCOSTAT_THREADS", raising=False)
    _analyze({"study": {"steps": ["table1", "fig1"]}}, threads=None)
    assert used == []
    _analyze({"study": {"steps": ["table1", "fig1"]}}, threads=2)
    assert used == [1]


def test_one_progress_tick_and_one_title_line_per_step(monkeypatch, sleepy):
    import contextlib

    import sarcostat.progress as progress

    ticks: list = []

    class Bar:
        def update(self, k=1):
            ticks.append(k)

    @contextlib.contextmanager
    def fake_bar(*, total=None, desc="", unit="it"):
        ticks.append(("total", total))
        yield Bar()

    monkeypatch.setattr(progress, "progress_bar", fake_bar)
    steps = [sleepy("t1", ()), sleepy("t2", ()), sleepy("t3", ("t1",))]
    lines: list = []
    plan = {"study": {"steps": ["table1", "table2", *steps]}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sarcostat.analyze(demo_cohort_path(), plan, threads=2, progress=lines.append)
    assert ticks == [("total", 5), 1, 1, 1, 1, 1]
    titles = [all_steps()[n].title for n in ["table1", "table2", *steps]]
    assert sorted(t for t in lines if t in titles) == sorted(titles)


def test_analyze_called_from_another_thread_runs_every_step(sleepy):
    """A web server analyses on a worker thread: the step that runs alone is
    taken by the calling thread, whichever it is."""
    steps = [sleepy("w1", ()), sleepy("w2", (), _Heavy), sleepy("w3", ())]
    got = {}

    def call():
        got["res"] = _analyze({"study": {"steps": ["table1", *steps]}}, threads=2)

    t = threading.Thread(target=call, daemon=True)
    t.start()
    t.join(30)
    assert not t.is_alive()
    assert list(got["res"].frames) == ["table1", *steps]


def test_step_threads_import_the_stats_layer_themselves():
    # The step threads make the first imports of the stats layer, at the same
    # time: safe, because sarcostat's import graph has no cycle
    # (tests/test_import_cycles.py); nothing is imported beforehand for them
    # (before, two such threads met in sarcostat/stats/__init__.py's cycle:
    # an ImportError in one of them).
    import subprocess
    import sys

    code = f"""
import sys, threading, warnings
import sarcostat
import sarcostat.study.run as run
run._run_forked = lambda *args: False  # the thread runner (see the fixture above)
seen = []
real = threading.Thread.start
def start(self):
    if self.name.startswith("sarcostat-step"):
        seen.append(sorted(m for m in ("sarcostat.stats.ancova", "sarcostat.stats.logistic",
                                       "sarcostat.stats.regression") if m in sys.modules))
    return real(self)
threading.Thread.start = start
warnings.simplefilter("ignore")
res = sarcostat.analyze({str(demo_cohort_path())!r},
                        plan={{"study": {{"steps": ["table2", "table3", "fig1"]}}}}, threads=2)
print(len(res.table3) > 0, len(res.table2) > 0, seen)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True True [[]]"


def test_no_step_thread_is_left_once_the_run_returns(monkeypatch):
    # The report forks to draw its figures (sarcostat._fork): no
    # thread of the run may still be running by then.
    # (A thread an earlier test left on purpose, an interrupted run's, is not this run's.)
    before = set(threading.enumerate())
    seen = []
    real_start = threading.Thread.start

    def start(self):
        seen.append(self)
        return real_start(self)

    monkeypatch.setattr(threading.Thread, "start", start)
    sarcostat.analyze(demo_cohort_path(), threads=2)
    monkeypatch.undo()
    helpers = [t for t in seen if t.name.startswith("sarcostat-step") and t not in before]
    assert helpers  # the run did use a second thread
    assert [t.name for t in helpers if t.is_alive()] == []


# ---------------------------------------------------------------- the warm-up
def test_warm_up_runs_beside_the_assessment_and_ends_before_the_steps(monkeypatch):
    # With two threads, prepare runs on a thread of its own while the cohort
    # is assessed, and has returned before the first step starts.
    events = []
    real_assess, real_steps = run_mod._assess, run_mod._run_steps
    assessing = threading.Event()

    def assess(*args):
        events.append(("assess", threading.get_ident()))
        assessing.set()
        return real_assess(*args)

    def prepare():
        assessing.wait(5)
        time.sleep(0.2)  # still running when the assessment ends
        events.append(("prepare", threading.get_ident()))

    def steps(*args):
        events.append(("steps", threading.get_ident()))
        return real_steps(*args)

    monkeypatch.setattr(run_mod, "_assess", assess)
    monkeypatch.setattr(run_mod, "_run_steps", steps)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sarcostat.analyze(
            demo_cohort_path(), {"study": {"steps": ["table1"]}}, threads=2, prepare=prepare
        )
    assert [e[0] for e in events] == ["assess", "prepare", "steps"]
    assert events[1][1] != events[0][1] == events[2][1] == threading.get_ident()


def test_no_warm_up_thread_on_one_thread_and_a_failed_import_is_left_to_its_user(
    monkeypatch, capsys
):
    called = []
    started = []
    raised = []  # exceptions that escaped a thread
    monkeypatch.setattr(threading, "excepthook", lambda args: raised.append(args.exc_type))
    real = run_mod._warm_up
    monkeypatch.setattr(run_mod, "_warm_up", lambda p: started.append(1) or real(p))
    plan = {"study": {"steps": ["table1"]}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sarcostat.analyze(demo_cohort_path(), plan, threads=1, prepare=lambda: called.append(1))
        assert started == [] and called == []

        for error in (ImportError("no module named 'absent'"), RuntimeError("no backend")):

            def broken(error=error):
                called.append(1)
                raise error

            res = sarcostat.analyze(demo_cohort_path(), plan, threads=2, prepare=broken)
            assert len(res.frames["table1"]) > 0
    assert started == [1, 1] and called == [1, 1]
    assert raised == [] and "Traceback" not in capsys.readouterr().err


def test_sarcostat_analyze_loads_the_drawing_modules_in_the_warm_up(monkeypatch):
    got = []
    real = run_mod._warm_up
    monkeypatch.setattr(run_mod, "_warm_up", lambda p: got.append(p) or real(p))
    _analyze({"study": {"steps": ["table1"]}}, threads=2)
    from sarcostat.report.figures import load_drawing_modules

    assert got == [load_drawing_modules]


def test_an_error_before_the_steps_waits_for_the_warm_up(monkeypatch):
    # a user error between the assessment and the steps leaves analyze only
    # once the warm-up has returned: no import still running as the process exits
    done = []

    def prepare():
        time.sleep(0.3)
        done.append(1)

    def refuse(*args):
        raise DataError("refused for the test")

    monkeypatch.setattr(run_mod, "_note_missing", refuse)
    with pytest.raises(DataError, match="refused for the test"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sarcostat.analyze(
                demo_cohort_path(), {"study": {"steps": ["table1"]}}, threads=2, prepare=prepare
            )
    assert done == [1]
    assert not any(t.name == "sarcostat-warm-up" for t in threading.enumerate())
