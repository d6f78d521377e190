"""The CLI keeps NumPy from advising transparent huge pages while a data
command runs (`cli._tune_hugepages`): set before NumPy loads, never over the
user's own choice, and the variable removed after the command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# The command replaced by a probe that prints NumPy's huge-page advice (the
# flag NumPy read when it loaded) and whether the variable is still set after.
PROBE = """
import os, sys
from sarcostat import cli
def probe(args):
    import numpy
    from numpy._core import multiarray
    print(int(multiarray._get_madvise_hugepage()))
    return 0
cli._run = probe
code = cli.main(sys.argv[1:])
print(os.environ.get("NUMPY_MADVISE_HUGEPAGE", "-"))
sys.exit(code)
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")


def _run(*argv: str, **env: str) -> list[str]:
    run_env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    run_env.update(env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, env=run_env
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_a_data_command_runs_without_huge_page_advice_and_the_variable_is_removed_after():
    assert _run("validate", "x.csv") == ["0", "-"]
    assert _run("analyze", "x.csv", "-o", "out") == ["0", "-"]


def test_the_users_choice_is_kept():
    assert _run("validate", "x.csv", NUMPY_MADVISE_HUGEPAGE="1") == ["1", "1"]


def test_a_command_without_data_leaves_numpy_as_it_is():
    # NumPy's own default: advice on (kernels since 4.6), nothing set
    assert _run("plan", "--check", "p.toml") == ["1", "-"]


def test_nothing_is_set_once_numpy_is_loaded(monkeypatch):
    from sarcostat import cli

    import numpy  # noqa: F401  (loaded: the variable would be read by nobody)

    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    assert cli._tune_hugepages("validate") is False
    assert "NUMPY_MADVISE_HUGEPAGE" not in os.environ
