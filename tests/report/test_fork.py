"""Figures drawn on two processes (`sarcostat._fork`): the same files as
drawn in one, each item done once, and a failing or stuck copy only means
the caller does its items itself."""

import json
import os
import signal
import threading
import time

import pytest

from sarcostat import _fork
from sarcostat.report.export import write_report
from sarcostat.report.options import ReportOptions

pytestmark = pytest.mark.skipif(
    not (hasattr(os, "fork") and _fork._cores() >= 2 and os.uname().sysname == "Linux"),
    reason="forks only on Linux with two cores",
)


def _slow(tag):
    def run(item):
        time.sleep(0.05)
        return (tag, os.getpid(), item * item)

    return run


def test_items_are_shared_and_each_done_once():
    me = os.getpid()
    out = _fork.split(range(8), _slow("here"), _slow("there"), fork=True)
    assert list(out) == list(range(8))
    assert [v[2] for v in out.values()] == [i * i for i in range(8)]
    tags = {(v[0], v[1] == me) for v in out.values()}
    # Both processes took items: this one ran `here`, the copy `there`.
    assert tags == {("here", True), ("there", False)}


def test_items_of_this_process_run_here_first_and_the_copy_takes_the_rest():
    me = os.getpid()
    order = []

    def here(item):
        order.append(item)
        time.sleep(0.3 if item == "mine" else 0.05)
        return ("here", os.getpid(), item)

    out = _fork.split([1, 2], here, _slow("there"), fork=True, mine=["mine"])
    assert list(out) == ["mine", 1, 2]
    assert out["mine"] == ("here", me, "mine") and order[0] == "mine"
    # While this process ran its own item, the copy took both shared ones.
    assert out[1][:2] == ("there", out[2][1]) and out[1][1] != me


def test_one_shared_item_goes_to_the_copy_when_this_process_has_its_own(fork_pids):
    out = _fork.split([5], _slow("here"), _slow("there"), fork=True, mine=[7])
    assert out[7][0] == "here" and out[5] == ("there", out[5][1], 25)
    assert len(fork_pids) == 1
    assert _fork.split([5], _slow("here"), _slow("there"), fork=True)[5][0] == "here"
    assert len(fork_pids) == 1  # a single item and nothing else: no fork


def test_patience_waits_longer_than_the_fixed_bound_for_a_slow_copy(monkeypatch):
    monkeypatch.setattr(_fork, "WAIT_SECONDS", 0.2)
    me = os.getpid()

    def here(item):
        time.sleep(0.5)
        return ("here", os.getpid(), item)

    def there(item):
        time.sleep(1.6)  # ends 0.6 s after this process's 1 s: beyond WAIT_SECONDS
        return ("there", os.getpid(), item)

    out = _fork.split([1, 2], here, there, fork=True, mine=["a"], patience=3.0)
    # This process's part ("a" and one shared item) took 1 s, so the copy's
    # answer is awaited for up to 3 s.
    assert {v[0] for v in out.values()} == {"here", "there"}
    assert any(v[0] == "there" and v[1] != me for v in out.values())
    out = _fork.split([1, 2], here, there, fork=True, mine=["a"])
    # Without patience the copy is stopped and its item done here.
    assert all(v[1] == me for v in out.values())


def test_without_fork_everything_runs_here():
    me = os.getpid()
    out = _fork.split([3, 1, 2], _slow("here"), _slow("there"), fork=False)
    assert out == {3: ("here", me, 9), 1: ("here", me, 1), 2: ("here", me, 4)}


def test_a_failing_copy_means_its_items_are_done_here():
    me = os.getpid()

    def there(item):
        if os.getpid() != me:
            raise RuntimeError("broken in the copy")
        return ("there", me, item * item)

    out = _fork.split(range(6), _slow("here"), there, fork=True)
    assert [v[2] for v in out.values()] == [i * i for i in range(6)]
    assert all(v[1] == me for v in out.values())


def test_a_killed_copy_means_its_items_are_done_here():
    me = os.getpid()

    def there(item):
        if os.getpid() != me:
            os.kill(os.getpid(), signal.SIGKILL)
        return ("there", me, item * item)

    out = _fork.split(range(6), _slow("here"), there, fork=True)
    assert [v[2] for v in out.values()] == [i * i for i in range(6)]


def test_a_stuck_copy_is_stopped(monkeypatch, fork_pids):
    monkeypatch.setattr(_fork, "WAIT_SECONDS", 0.5)
    me = os.getpid()

    def there(item):
        if os.getpid() != me:
            time.sleep(60)
        return ("there", me, item)

    out = _fork.split(range(4), _slow("here"), there, fork=True)
    assert list(out) == [0, 1, 2, 3]
    assert all(v[1] == me for v in out.values())  # the copy's items were done here
    assert {v[0] for v in out.values()} == {"here", "there"}
    assert len(fork_pids) == 1
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(fork_pids[0], os.WNOHANG)


def test_an_error_here_stops_and_reaps_the_copy(fork_pids):

    def here(item):
        raise ValueError("bad figure")

    def there(item):
        time.sleep(60)

    with pytest.raises(ValueError, match="bad figure"):
        _fork.split(range(4), here, there, fork=True)
    with pytest.raises(ChildProcessError):
        os.waitpid(fork_pids[0], os.WNOHANG)


def test_forks_only_from_the_main_thread_and_not_when_asked_not_to(monkeypatch):
    monkeypatch.delenv("SARCOSTAT_THREADS", raising=False)
    assert _fork.can_fork()
    seen = []
    t = threading.Thread(target=lambda: seen.append(_fork.can_fork()))
    t.start()
    t.join()
    assert seen == [False]
    monkeypatch.setenv("SARCOSTAT_THREADS", "1")
    assert not _fork.can_fork()


@pytest.mark.parametrize("formats", [("png", "svg"), ("tiff", "pdf", "eps")])
def test_report_files_are_the_same_drawn_on_one_or_two_processes(
    tmp_path, result, monkeypatch, formats
):
    opts = ReportOptions(figure_formats=formats, dpi=150)
    forks = []
    real_split = _fork.split

    def counted(*args, **kwargs):
        forks.append(_fork.can_fork())
        return real_split(*args, **kwargs)

    monkeypatch.setattr(_fork, "split", counted)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # EPS records its creation time
    monkeypatch.delenv("SARCOSTAT_THREADS", raising=False)
    two = write_report(result, tmp_path / "two", command="x", report_options=opts)
    monkeypatch.setenv("SARCOSTAT_THREADS", "1")
    one = write_report(result, tmp_path / "one", command="x", report_options=opts)
    assert forks == [True, False]
    names = sorted(p.name for p in one.iterdir())
    assert names == sorted(p.name for p in two.iterdir())
    assert any(n.endswith(f".{formats[-1]}") for n in names)
    for name in names:
        if name in ("tables.docx", "manifest.json"):
            continue  # a zip's member dates / the creation time
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    # The files are written in the same order (the manifest's record of them).
    m1, m2 = (json.loads((d / "manifest.json").read_text()) for d in (one, two))
    f1, f2 = m1["output"]["files"], m2["output"]["files"]
    assert list(f1) == list(f2)
    assert {k: v for k, v in f1.items() if k != "tables.docx"} == {
        k: v for k, v in f2.items() if k != "tables.docx"
    }


def test_descriptors_above_1023_are_fine():
    # A long-running program may have many files open: the copy's pipe then
    # gets a descriptor above select()'s limit of 1023.
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1200 and hard < 1200:
        pytest.skip("the limit on open files is too low to try")
    if soft < 1200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (1200, hard))
    held = []
    try:
        while not held or held[-1] < 1030:
            held.append(os.open(os.devnull, os.O_RDONLY))
        out = _fork.split(range(6), _slow("here"), _slow("there"), fork=True)
        assert [v[2] for v in out.values()] == [i * i for i in range(6)]
        assert {v[0] for v in out.values()} == {"here", "there"}
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_copy_ends_when_its_caller_is_killed(tmp_path):
    # SIGKILL leaves the caller no clean-up; the copy must not compute on for nobody.
    import subprocess
    import sys

    pid_file = tmp_path / "copy.pid"
    code = f"""
import os, time
from sarcostat import _fork
def here(item):
    time.sleep(60)
def there(item):
    open({str(pid_file)!r}, "w").write(str(os.getpid()))
    time.sleep(60)
_fork.split([1, 2], here, there, fork=True)
"""
    caller = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 30
        while not (pid_file.exists() and pid_file.read_text()):
            assert time.monotonic() < deadline, "the copy never started"
            time.sleep(0.05)
        copy = int(pid_file.read_text())
        os.kill(caller.pid, signal.SIGKILL)
        caller.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _alive(copy):
            assert time.monotonic() < deadline, "the copy outlived its caller"
            time.sleep(0.05)
    finally:
        if caller.poll() is None:
            caller.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


def test_lines_the_copy_tells_reach_the_caller_in_order_while_it_works():
    got = []

    def here(item):
        time.sleep(0.4)
        got.append(("here", item, len(got)))
        return item

    def there(item):
        assert _fork.in_copy()
        for k in range(3):
            _fork.tell(f"{item}:{k}\nsecond line")
        time.sleep(0.6)  # still working once the caller is done
        _fork.tell(f"{item}:end")
        return item

    def on_message(line):
        got.append(("told", line, len(got)))

    out = _fork.split([1, 2], here, there, fork=True, mine=["a", "b"], on_message=on_message)
    assert out == {"a": "a", "b": "b", 1: 1, 2: 2}
    told = [g[1] for g in got if g[0] == "told"]
    first = told[0].split(":")[0]
    # A line break in a message becomes a space; each item's lines in order.
    assert told[:3] == [f"{first}:{k} second line" for k in range(3)]
    assert told[-1].endswith(":end")
    # The first lines were shown while this process still had items of its
    # own to do (before one of them or between them, as the copy's timing
    # falls), not after all of them.
    kinds = [g[0] for g in got]
    last_here = len(kinds) - 1 - kinds[::-1].index("here")
    assert kinds.index("told") < last_here
    assert not _fork.in_copy()
    _fork.tell("nowhere to go")  # outside a copy: nothing happens
