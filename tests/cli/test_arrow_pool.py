"""The CLI lets Arrow's buffers come from its jemalloc pool while a data
command runs (`cli._tune_arrow_pool`): set before pyarrow loads, only where
pyarrow has jemalloc, never over the user's own choice."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# The command itself replaced by a probe that prints the pool Arrow chose
# and whether the variable is still set after the command.
PROBE = """
import os, sys
from sarcostat import cli
def probe(args):
    import pyarrow as pa
    print(pa.default_memory_pool().backend_name)
    return 0
cli._run = probe
code = cli.main(sys.argv[1:])
print(os.environ.get("ARROW_DEFAULT_MEMORY_POOL", "-"))
sys.exit(code)
"""


def _run(*argv: str, **env: str) -> list[str]:
    run_env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    run_env.update(env)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, env=run_env
    )
    assert out.returncode == 0, out.stderr
    assert "Unsupported backend" not in out.stderr
    return out.stdout.split()


def _has_jemalloc() -> bool:
    import pyarrow as pa

    return "jemalloc" in pa.supported_memory_backends()


@pytest.mark.skipif(not _has_jemalloc(), reason="pyarrow built without jemalloc")
def test_a_data_command_gets_jemalloc_and_the_variable_is_removed_after():
    assert _run("validate", "x.csv") == ["jemalloc", "-"]


def test_the_users_choice_and_commands_without_data_keep_their_pool():
    assert _run("validate", "x.csv", ARROW_DEFAULT_MEMORY_POOL="system") == ["system", "system"]
    default = _run("plan", "--check", "p.toml")
    assert default[1] == "-" and default[0] != "jemalloc"


def test_without_jemalloc_in_the_build_nothing_is_set(monkeypatch, tmp_path):
    from sarcostat import cli

    fake = tmp_path / "pyarrow"
    (fake / "include" / "arrow" / "util").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "include" / "arrow" / "util" / "config.h").write_text(
        "#define ARROW_JEMALLOC_VENDORED\n#define ARROW_MIMALLOC\n"
    )
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    monkeypatch.delitem(sys.modules, "pyarrow", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cli._tune_arrow_pool("validate") == []  # nothing set
    assert "ARROW_DEFAULT_MEMORY_POOL" not in os.environ
