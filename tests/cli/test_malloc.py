"""The CLI lets glibc's malloc keep freed column-sized blocks (`cli._tune_malloc`)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import resource, sys
import numpy as np
from sarcostat import cli
if sys.argv[1] == "tuned":
    cli._tune_malloc()
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
counts = []
for _ in range(6):  # four 8 MB temporaries, made and freed again and again
    before = faults()
    columns = [np.ones(1_000_000) for _ in range(4)]
    del columns
    counts.append(faults() - before)
print(min(counts[2:]))
"""


def _glibc() -> bool:
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


def _probe(code: str, mode: str, **env: str) -> subprocess.CompletedProcess:
    """``code`` run with ``mode`` in a fresh interpreter, without the
    caller's glibc malloc variables (but with ``env``)."""
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    run_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code, mode], capture_output=True, text=True, check=True, env=run_env
    )


def _faults(mode: str, **env: str) -> int:
    return int(_probe(PROBE, mode, **env).stdout.strip())


@pytest.mark.skipif(not _glibc(), reason="glibc's malloc only")
def test_a_freed_column_is_reused_without_fresh_pages():
    # by default glibc gives the freed 32 MB back (its trim threshold): each
    # round makes about 2,000 pages afresh
    assert _faults("default") > 1500
    assert _faults("tuned") < 100


@pytest.mark.skipif(not _glibc(), reason="glibc's malloc only")
def test_the_users_own_malloc_settings_win():
    # a user's MALLOC_MMAP_THRESHOLD_ (here: every block over 128 KiB mapped afresh) is kept
    assert _faults("tuned", MALLOC_MMAP_THRESHOLD_="131072") > 1500


ARENAS = """
import ctypes, sys, threading
from sarcostat import cli
if sys.argv[1] == "tuned":
    cli._tune_malloc()
ready = threading.Barrier(7)
held = []
def work():
    held.append(bytearray(1 << 20))  # from the thread's arena (below the mmap threshold)
    ready.wait()
    ready.wait()
threads = [threading.Thread(target=work) for _ in range(6)]
for t in threads:
    t.start()
ready.wait()  # every thread holds its block
sys.stderr.flush()
ctypes.CDLL(None).malloc_stats()  # one "Arena k:" section per arena, on stderr
ready.wait()
for t in threads:
    t.join()
"""


def _arenas(mode: str, **env: str) -> int:
    err = _probe(ARENAS, mode, **env).stderr
    return sum(line.startswith("Arena ") for line in err.splitlines())


@pytest.mark.skipif(not _glibc(), reason="glibc's malloc only")
def test_threads_share_two_arenas_unless_the_user_says_otherwise():
    assert _arenas("default") > 2  # glibc: an arena per allocating thread, up to 8 per core
    assert _arenas("tuned") <= 2
    assert _arenas("tuned", MALLOC_ARENA_MAX="3") == 3
