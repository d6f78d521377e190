"""Sharing a job's items with a forked copy of this process, on another core.

Drawing a report's figures, and most of a plan's steps, is Python work
that holds the interpreter lock much of the time (matplotlib lays out and
renders text and ticks in Python; a step makes thousands of small NumPy
and pandas calls between its passes over the rows), so a second thread
shares it badly; a forked copy of the process can take half of it, on the
second core, with every object it needs already in its memory. The two take the
items one at a time from a shared queue, so neither waits for the other
while items are left. The copy sends its results back (pickled), never
touches the output folder, and leaves by ``os._exit``: no ``atexit``
handler, no clean-up of the caller's frames and no flush of the caller's
buffers runs in it.

Forking is used only where it is safe and useful: on Linux, from the main
thread (a server drawing on a worker thread may have other threads holding
locks the copy would need), with two or more cores this process may use,
and not when ``SARCOSTAT_THREADS=1`` asks for one thing at a time. Anything
that goes wrong in the copy (an error, a signal, no answer within
`WAIT_SECONDS`) only means the caller does the copy's items itself: the
same function on the same objects, so the same bytes.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

#: How long the caller waits for the copy's answer once its own part is
#: done (figures take seconds; this only bounds a copy that is stuck).
WAIT_SECONDS = 120.0


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


#: The environment variable that sets how many threads (or processes)
#: share a job (`sarcostat.study.run`); ``1`` also stops `split` forking.
THREADS_ENV = "SARCOSTAT_THREADS"


def can_fork() -> bool:
    """True where `split` may fork (see the module docstring)."""
    return (
        sys.platform.startswith("linux")
        and hasattr(os, "fork")
        and threading.current_thread() is threading.main_thread()
        and _cores() >= 2
        and os.environ.get(THREADS_ENV, "").strip() != "1"
    )


def split(
    items: Sequence[Any],
    here: Callable[[Any], Any],
    there: Callable[[Any], Any],
    *,
    fork: bool | None = None,
    mine: Sequence[Any] = (),
    patience: float = 0.0,
    on_message: Callable[[str], None] | None = None,
) -> dict[Any, Any]:
    """``{item: result}`` for every item, shared with a forked copy of this
    process: each process takes the next item not yet taken (in the given
    order, so put the longest first) until none is left, this one running
    ``here`` on its items and the copy ``there``, which returns picklable
    results. Without a fork (``fork`` False, or None where `can_fork` says
    no, or more than `MAX_ITEMS` items), ``here`` runs on every item; items
    the copy took but did not answer for (it failed) are run by ``there``
    here, once this process has no item left.

    ``mine``: items only this process runs (``here``, in the given order)
    before it takes any of ``items``; they are in the result too.
    ``patience``: once this process has no item left, it waits for the
    copy's answer up to `WAIT_SECONDS` or ``patience`` times as long as its
    own part took, whichever is longer (items of unknown length, such as a
    model on a cohort of any size).
    ``on_message``: called here with each line the copy sends by `tell`
    while it works (progress), between this process's items and while it
    waits for the copy's answer, in the order sent."""
    items = list(items)
    mine = list(mine)
    if fork is None:
        fork = can_fork()
    # One item and nothing of this process's own: it would take the item itself.
    if not fork or len(items) + bool(mine) < 2 or not items or len(items) > MAX_ITEMS:
        return {i: here(i) for i in [*mine, *items]}
    for stream in (sys.stdout, sys.stderr):  # nothing buffered for the copy to write again
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    # The items left, as one byte each in a pipe both processes read: a
    # read of one byte takes one item, never the same one twice.
    queue_r, queue_w = os.pipe()
    os.write(queue_w, bytes(range(len(items))))
    os.close(queue_w)
    os.set_blocking(queue_r, False)
    r, w = os.pipe()
    inbox = _Inbox(on_message) if on_message is not None else None
    with warnings.catch_warnings():
        # Python 3.12+ warns on every fork of a process with other (OS)
        # threads, here Arrow's or OpenBLAS's idle pools: the copy uses
        # neither, touches no lock of theirs, and a stuck copy is stopped
        # and its items done here (module docstring).
        warnings.filterwarnings(
            "ignore",
            message=r".*use of fork\(\) may lead to deadlocks",
            category=DeprecationWarning,
        )
        parent = os.getpid()
        pid = os.fork()
    if pid == 0:  # the copy
        _child(items, there, queue_r, r, w, parent, inbox)
    os.close(w)
    if inbox is not None:
        inbox.opened()
    done = False
    try:
        started = time.monotonic()
        results = {}
        for i in mine:
            if inbox is not None:
                inbox.drain()
            results[i] = here(i)
        while (k := _take(queue_r)) is not None:
            if inbox is not None:
                inbox.drain()
            results[items[k]] = here(items[k])
        answer = _receive(r, pid, max(WAIT_SECONDS, patience * (time.monotonic() - started)), inbox)
        done = True
    finally:
        os.close(r)
        os.close(queue_r)
        if inbox is not None:
            inbox.close()
        if not done:  # this process is leaving with an error: stop the copy
            _stop(pid)
    theirs = [i for i in items if i not in results]
    if not isinstance(answer, dict) or set(answer) != set(theirs):
        answer = {i: there(i) for i in theirs}
    return {i: results[i] if i in results else answer[i] for i in [*mine, *items]}


#: Most items `split` shares (one byte each in its queue).
MAX_ITEMS = 256

#: In the copy, while `split` runs it with ``on_message``: the write end of
#: its message pipe (`tell`); None everywhere else.
_channel: int | None = None


def in_copy() -> bool:
    """True in a copy that `split` forked with ``on_message`` (`tell` works)."""
    return _channel is not None


def tell(line: str) -> None:
    """In the copy: send ``line`` (one line; a line break becomes a space) to
    the ``on_message`` of the `split` that forked it, now rather than with
    the results. Nothing happens where there is no such copy, or once the
    caller is gone."""
    if _channel is None:
        return
    data = (" ".join(line.splitlines()) + "\n").encode("utf-8", "replace")
    try:
        os.write(_channel, data)  # one writer; a pipe keeps its order
    except OSError:
        pass


class _Inbox:
    """The caller's end of the copy's message pipe: complete lines, in order,
    to ``on_message``; ``drain`` never waits."""

    def __init__(self, on_message: Callable[[str], None]) -> None:
        self.on_message = on_message
        self.fd, self._w = os.pipe()
        self._partial = b""

    def sender(self) -> int:
        """In the copy: its write end (the read end closed)."""
        assert self.fd is not None
        os.close(self.fd)
        self.fd = None
        return self._w

    def opened(self) -> None:
        """In the caller, after the fork: only the copy writes."""
        os.close(self._w)
        assert self.fd is not None
        os.set_blocking(self.fd, False)

    def drain(self) -> bool:
        """Hand on every complete line sent so far; False once the copy has
        closed its end (it ended)."""
        if self.fd is None:
            return False
        open_ = True
        while True:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                open_ = False
                break
            self._partial += chunk
        *lines, self._partial = self._partial.split(b"\n")
        for line in lines:
            self.on_message(line.decode("utf-8", "replace"))
        return open_

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _take(queue: int) -> int | None:
    """The index of the next item not yet taken, or None when none is left."""
    try:
        byte = os.read(queue, 1)
    except BlockingIOError:
        return None
    return byte[0] if byte else None


def _end_with_parent(parent: int) -> None:
    """Have Linux kill this copy when the process that forked it ends, however
    it ends (even by SIGKILL, when no clean-up of its runs): a copy left
    behind would compute for nobody, for as long as its part takes."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it ended before the request was made
        os._exit(1)


def _child(
    items: list,
    there: Callable[[Any], Any],
    queue: int,
    r: int,
    w: int,
    parent: int,
    inbox: _Inbox | None,
) -> None:
    """Run in the copy: ``there`` on each item it takes, the pickled
    ``{item: result}`` to ``w``; never returns."""
    global _channel
    code = 1
    try:
        os.close(r)
        if inbox is not None:
            _channel = inbox.sender()
        _end_with_parent(parent)
        # Ctrl-C and kill end the copy at once (its caller handles them).
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        answer = {}
        while (k := _take(queue)) is not None:
            answer[items[k]] = there(items[k])
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(w, "wb") as fh:
            fh.write(data)
        code = 0
    except BaseException:  # noqa: BLE001 - any failure: the caller does this part itself
        pass
    finally:
        os._exit(code)


def _receive(r: int, pid: int, wait: float, inbox: _Inbox | None = None) -> Any:
    """The copy's unpickled answer, or None (it failed or gave none within
    ``wait`` seconds); the copy is reaped either way. Lines it sends
    meanwhile go to ``inbox``."""
    chunks = []
    deadline = time.monotonic() + wait
    # poll, not select: select refuses descriptors above 1023, which a
    # long-running program calling write_report may well hand out.
    waiting = select.poll()
    waiting.register(r, select.POLLIN | select.POLLHUP)
    if inbox is not None and inbox.fd is not None:
        waiting.register(inbox.fd, select.POLLIN | select.POLLHUP)
    try:
        while True:
            left = deadline - time.monotonic()
            ready = waiting.poll(left * 1000) if left > 0 else []
            if not ready:
                _stop(pid)
                return None
            if inbox is not None and any(fd == inbox.fd for fd, _ in ready):
                if not inbox.drain():  # the copy closed its end
                    waiting.unregister(inbox.fd)
            if not any(fd == r for fd, _ in ready):
                continue
            chunk = os.read(r, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    except OSError:
        _stop(pid)
        return None
    if inbox is not None:
        inbox.drain()
    _, status = os.waitpid(pid, 0)
    if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0):
        return None
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - a truncated answer: the caller does the part
        return None


def _stop(pid: int) -> None:
    """End and reap the copy (it may have ended already)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
