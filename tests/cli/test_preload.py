"""The report libraries imported on a thread while the cohort is read.

`preload_report_libraries` is safe only because those libraries import
neither sarcostat, pandas nor pyarrow (the main thread imports those while
the thread runs): no cycle of import locks can form between the threads.
"""

from __future__ import annotations

import subprocess
import sys
import threading

from sarcostat import commands


def test_report_libraries_import_neither_sarcostat_pandas_nor_pyarrow():
    code = (
        "import sys\n"
        f"for name in {commands.REPORT_LIBRARIES!r}:\n"
        "    __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sarcostat', 'pandas', 'pyarrow'))\n"
        "print(repr(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_library_that_fails_to_import_is_left_to_the_main_thread(monkeypatch):
    monkeypatch.setattr(commands, "REPORT_LIBRARIES", ("sarcostat_no_such_module", "json"))
    before = set(threading.enumerate())
    commands.preload_report_libraries()
    started = [t for t in threading.enumerate() if t not in before]
    for t in started:
        t.join(timeout=10)
        assert t.daemon and t.name == "sarcostat-preload" and not t.is_alive()
    assert "sarcostat_no_such_module" not in sys.modules
