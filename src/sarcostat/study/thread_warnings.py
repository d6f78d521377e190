"""Warnings handled per thread while plan steps run on several threads.

`warnings.catch_warnings` swaps process-wide state: the filter list and the
function that shows a warning. Two threads that enter and leave it
interleaved record each other's warnings, and the one that leaves last puts
back the other's state (its filters, its recording list) for good. The
stats functions use it (`sarcostat.study.registry.StepLog.capture` records
their SarcostatWarnings; ``stats.dose_response`` renames and silences some),
and so do pandas and SciPy internally.

While `thread_local_warnings` is active (`sarcostat.study.run` holds it for
the steps run on threads), every thread has its own filters and its own
recording:

- `warnings.catch_warnings`, `warnings.simplefilter`,
  `warnings.filterwarnings` and `warnings.resetwarnings` act on the calling
  thread's state only (code that calls them through the ``warnings`` module,
  as the stats layer, pandas and SciPy do);
- the process-wide filters let every warning through to one
  `warnings.showwarning` hook, which applies the calling thread's filters
  ("error", "ignore", "always", "default", "module", "once"), then gives the
  warning to the thread's innermost recording ``catch_warnings(record=True)``
  or, when there is none, to whatever showed warnings before (stderr, or
  pytest's recorder).

"default", "module" and "once" show a warning once per location, module or
text as usual, counted afresh in each ``catch_warnings`` block (as the
process-wide filters do, whose registries every block resets). A filter
that names a module is matched against the module of the warning's file.

On leaving, the process-wide state is put back exactly as it was. Nested
activations (two studies analysed at once by one process) share one
installation.
"""

from __future__ import annotations

import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["thread_local_warnings"]

_ALWAYS = ("always", None, Warning, None, 0)


class _State:
    """One thread's warnings state inside one ``catch_warnings`` block."""

    __slots__ = ("filters", "sink", "shown")

    def __init__(self, filters: list, sink: Callable[[Any], Any] | None) -> None:
        self.filters = filters
        #: Where a shown warning goes: a recording list's ``append``, or None
        #: for whatever showed warnings before the threads started.
        self.sink = sink
        #: Keys of warnings shown already ("default", "module", "once").
        self.shown: set = set()


class _Installation:
    """The process-wide state replaced while threads run, and how to put it back."""

    def __init__(self) -> None:
        self.filters = warnings.filters
        self.showwarning = warnings.showwarning
        self.showwarnmsg_impl = warnings._showwarnmsg_impl  # type: ignore[attr-defined]
        self.patched = {
            name: getattr(warnings, name)
            for name in ("catch_warnings", "simplefilter", "filterwarnings", "resetwarnings")
        }
        self.users = 0

    def install(self) -> None:
        warnings.filters = [_ALWAYS, *self.filters]
        warnings._filters_mutated()  # type: ignore[attr-defined]
        warnings.showwarning = _show
        warnings.catch_warnings = _CatchWarnings  # type: ignore[misc]
        warnings.simplefilter = _simplefilter
        warnings.filterwarnings = _filterwarnings
        warnings.resetwarnings = _resetwarnings

    def restore(self) -> None:
        for name, value in self.patched.items():
            setattr(warnings, name, value)
        warnings.showwarning = self.showwarning
        warnings.filters = self.filters
        warnings._filters_mutated()  # type: ignore[attr-defined]

    def pass_on(self, msg: warnings.WarningMessage) -> None:
        """Show ``msg`` as it would have been shown without the threads."""
        if self.showwarning is not warnings._showwarning_orig:  # type: ignore[attr-defined]
            self.showwarning(
                msg.message, msg.category, msg.filename, msg.lineno, msg.file, msg.line
            )
        else:
            self.showwarnmsg_impl(msg)


_lock = threading.Lock()
_installed: _Installation | None = None
_local = threading.local()


@contextmanager
def thread_local_warnings() -> Iterator[None]:
    """Within this block, every thread has its own warnings filters and
    recording (see the module docstring); the process-wide state is put back
    when the last such block ends."""
    global _installed
    with _lock:
        if _installed is None:
            _installed = _Installation()
            _installed.install()
        _installed.users += 1
    try:
        yield
    finally:
        with _lock:
            inst = _installed
            assert inst is not None
            inst.users -= 1
            if inst.users == 0:
                inst.restore()
                _installed = None


def _state() -> _State:
    st = getattr(_local, "state", None)
    if st is None or getattr(_local, "installation", None) is not _installed:
        inst = _installed
        st = _State(list(inst.filters if inst is not None else warnings.filters), None)
        _local.state, _local.installation = st, inst
    return st


_modules: dict[str, str] = {}


def _module_of(filename: str) -> str:
    """The module whose file is ``filename`` (as ``warnings.warn`` names it),
    else the file name without ``.py`` (as ``warnings.warn_explicit`` does)."""
    if filename not in _modules:
        for name, mod in list(sys.modules.items()):
            path = getattr(mod, "__file__", None)
            if path and path not in _modules:
                _modules[path] = name
    return _modules.setdefault(filename, filename[:-3] if filename.endswith(".py") else filename)


def _action(filters: list, text: str, category: type, filename: str, lineno: int) -> str:
    """The action of the first filter matching the warning (warnings.warn_explicit's rule)."""
    module = None
    for action, msg, cat, mod, ln in filters:
        if msg is not None and not msg.match(text):
            continue
        if not issubclass(category, cat):
            continue
        if mod is not None:
            if module is None:
                module = _module_of(filename)
            if not mod.match(module):
                continue
        if ln and ln != lineno:
            continue
        return action
    return warnings.defaultaction


def _show(message, category, filename, lineno, file=None, line=None) -> None:
    """The process-wide ``showwarning`` while threads run: the calling
    thread's filters, then its recording (or the earlier way of showing)."""
    st = _state()
    text = str(message)
    action = _action(st.filters, text, category, filename, lineno)
    if action == "error":
        raise message if isinstance(message, Warning) else category(message)
    if action == "ignore":
        return
    key: tuple | None = None
    if action == "once":
        key = (text, category)
    elif action == "module":
        key = (text, category, _module_of(filename))
    elif action == "default":
        key = (text, category, filename, lineno)
    if key is not None:
        if key in st.shown:
            return
        st.shown.add(key)
    msg = warnings.WarningMessage(message, category, filename, lineno, file, line)
    if st.sink is not None:
        st.sink(msg)
        return
    inst = _installed
    if inst is not None:
        inst.pass_on(msg)
    else:  # the threads have finished meanwhile
        warnings.showwarning(message, category, filename, lineno, file, line)


class _CatchWarnings:
    """`warnings.catch_warnings` for the calling thread only."""

    def __init__(
        self,
        *,
        record: bool = False,
        module: Any = None,
        action: str | None = None,
        category: type[Warning] = Warning,
        lineno: int = 0,
        append: bool = False,
    ) -> None:
        self._record = record
        self._filter = None if action is None else (action, category, lineno, append)
        self._saved: _State | None = None

    def __enter__(self) -> list | None:
        outer = _state()
        self._saved = outer
        log: list | None = [] if self._record else None
        inner = _State(list(outer.filters), log.append if log is not None else outer.sink)
        _local.state = inner
        if self._filter is not None:
            action, category, lineno, append = self._filter
            _simplefilter(action, category, lineno, append)
        return log

    def __exit__(self, *exc_info: Any) -> None:
        _local.state = self._saved


def _add(item: tuple, append: bool) -> None:
    filters = _state().filters
    if not append:
        try:
            filters.remove(item)
        except ValueError:
            pass
        filters.insert(0, item)
    elif item not in filters:
        filters.append(item)


def _simplefilter(
    action: str, category: type[Warning] = Warning, lineno: int = 0, append: bool = False
) -> None:
    _add((action, None, category, None, lineno), append)


def _filterwarnings(
    action: str,
    message: str = "",
    category: type[Warning] = Warning,
    module: str = "",
    lineno: int = 0,
    append: bool = False,
) -> None:
    _add(
        (
            action,
            re.compile(message, re.I) if message else None,
            category,
            re.compile(module) if module else None,
            lineno,
        ),
        append,
    )


def _resetwarnings() -> None:
    _state().filters[:] = []
