"""Generated adversarial corpus for the OUTPUT side of issue 13.

:func:`workspace` builds a folder of the inputs a clinician would have
(cohort, map, plan, ELISA plates and layout, biomarker panel, published
tables JSON) and :func:`run_cli` runs one command the way a user would,
returning the exit code, stdout and stderr. :func:`snapshot` /
:func:`assert_unchanged` prove that every input file is still there, byte
for byte.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sarcostat.datasets import demo_cohort_path, demo_mapping_path, seed_tables_path

_ASSAY_TESTS = Path(__file__).resolve().parents[1] / "assay"
if str(_ASSAY_TESTS) not in sys.path:
    sys.path.insert(0, str(_ASSAY_TESTS))

from simulate import write_plate  # noqa: E402  (test helper of tests/assay)

SRC = Path(__file__).resolve().parents[2] / "src"
MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@dataclass
class Workspace:
    root: Path
    cohort: Path
    mapping: Path
    plan: Path
    plate: Path
    layout: Path
    panel: Path
    tables: Path
    notes: Path

    @property
    def inputs(self) -> list[Path]:
        return [
            self.cohort,
            self.mapping,
            self.plan,
            self.plate,
            self.layout,
            self.panel,
            self.tables,
            self.notes,
        ]


def _panel(cohort: Path, path: Path, *, n_markers: int = 4, seed: int = 7) -> Path:
    import pandas as pd

    ids = pd.read_csv(cohort, dtype=str)["id"]
    rng = np.random.default_rng(seed)
    data = {"id": ids}
    for k in range(n_markers):
        data[f"m{k}"] = np.round(rng.normal(10, 2, len(ids)), 3)
    pd.DataFrame(data).to_csv(path, index=False)
    return path


def workspace(root: Path, *, plate_name: str = "plate1") -> Workspace:
    """The demo cohort, its map, a plan, one ELISA plate + layout, a panel,
    the published tables JSON and a personal notes file, all in ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    cohort = Path(shutil.copy(demo_cohort_path(), root / "cohort.csv"))
    mapping = Path(shutil.copy(demo_mapping_path(), root / "cohort.toml"))
    plan = root / "plan.toml"
    plan.write_text('[biomarker]\ncolumn = "sclerostin"\n', encoding="utf-8")
    plate, layout, _ = write_plate(root, plate_name, "competitive", [0.0, 20.0, 60.0, 5.0], seed=3)
    panel = _panel(cohort, root / "panel.csv")
    tables = Path(shutil.copy(seed_tables_path(), root / "tables.json"))
    notes = root / "notes.txt"
    notes.write_text("my notes: do not lose\n", encoding="utf-8")
    return Workspace(root, cohort, mapping, plan, plate, layout, panel, tables, notes)


def ctrl_c_as_at_a_terminal() -> None:
    """``preexec_fn`` of a child that the tests interrupt with SIGINT: a job
    that a non-interactive shell starts in the background (``make test &``)
    inherits SIGINT ignored, Python then keeps it ignored, and the child
    would never see the tests' "Ctrl-C"."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def snapshot(paths) -> dict[Path, str]:
    return {Path(p): sha(p) for p in paths}


def assert_unchanged(snap: dict[Path, str]) -> None:
    for p, digest in snap.items():
        assert p.is_file(), f"{p} was deleted"
        assert sha(p) == digest, f"{p} was modified"


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative name -> sha256)."""
    return {
        str(p.relative_to(folder)): sha(p)
        for p in sorted(Path(folder).rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in Path(folder).rglob("*") if ".sarcostat-tmp-" in p.name]


def run_cli(args, *, cwd=None, env=None, timeout=300, preexec_fn=None):
    """``python -m sarcostat ARGS`` in a subprocess, as a user runs it."""
    e = dict(os.environ)
    e["PYTHONPATH"] = str(SRC) + os.pathsep + e.get("PYTHONPATH", "")
    e.setdefault("OPENBLAS_NUM_THREADS", "1")
    if env:
        e.update(env)
    proc = subprocess.run(
        [sys.executable, "-m", "sarcostat", *map(str, args)],
        cwd=cwd,
        env=e,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec_fn,
    )
    return proc.returncode, proc.stdout, proc.stderr


def assert_clean_failure(rc, err, *, expect_rc=None, words=()):
    """Non-zero exit, a message, no traceback, no 'bug' net."""
    assert rc != 0, err
    if expect_rc is not None:
        assert rc == expect_rc, err
    assert "Traceback" not in err, err
    assert "unexpected" not in err and "bug in sarcostat" not in err, err
    assert err.strip(), "no message"
    for w in words:
        assert w in err, (w, err)
