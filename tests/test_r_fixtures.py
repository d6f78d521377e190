"""Every R reference script regenerates its committed fixture (no drift).

Each R script under ``tests/`` (and ``benchmarks/analyze_ref.R``, which makes
the end-to-end reference) is listed in :data:`SCRIPTS` with its arguments and
the committed files it produces. The ``rcheck`` tests (``make test-r``; they
need Rscript and the R packages named in each script) run every script into
a temporary directory and compare what it writes with the committed fixture:
numbers to a relative 1e-8, everything else exactly, version stamps ignored.
A difference fails with the path of the first value that drifted.

``make fixtures-r`` runs the same tests with ``SARCOSTAT_UPDATE_R_FIXTURES=1``:
then a drifted fixture is overwritten with the regenerated file (and the
test still fails once, naming it, so the change is seen and committed on
purpose).

A test that runs without R checks that no R script is left out of
:data:`SCRIPTS`, so a new reference script cannot go without a drift check.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Keys holding version stamps or provenance, not reference values.
IGNORED_KEYS = {"meta", "r_version", "generated_by", "versions"}
REL = 1e-8
ABS = 1e-13


@dataclass(frozen=True)
class Script:
    """An R script: its arguments (``{out}`` = a temporary directory) and
    ``outputs``: file it writes under ``{out}`` -> committed fixture."""

    args: tuple[str, ...]
    outputs: dict


SCRIPTS: dict[str, Script] = {
    "tests/stats/r/ref_ancova_trend.R": Script(
        ("{out}",),
        {
            "ref_ancova_trend.json": "tests/stats/fixtures/ref_ancova_trend.json",
            "mtcars.csv": "tests/stats/fixtures/mtcars.csv",
        },
    ),
    "tests/stats/r/ref_core_edge.R": Script(
        ("{out}",),
        {"ref_core_edge.json": "tests/stats/fixtures/ref_core_edge.json"},
    ),
    "tests/stats/r/ref_compare_regression_logistic.R": Script(
        ("{out}/ref.json",),
        {"ref.json": "tests/stats/fixtures/ref_compare_regression_logistic.json"},
    ),
    "tests/stats/r/ref_supp_stats.R": Script(
        ("{out}",), {"ref_supp_stats.json": "tests/stats/fixtures/ref_supp_stats.json"}
    ),
    "tests/study/r/ref_supplementary.R": Script(
        ("{out}",), {"ref_supplementary.json": "tests/study/fixtures/ref_supplementary.json"}
    ),
    "tests/screen/r/make_screen_reference.R": Script(
        ("{out}/screen.json",), {"screen.json": "tests/screen/fixtures/screen_reference.json"}
    ),
    "tests/screen/r/make_screen_collinear.R": Script(
        ("{out}/collinear.json",),
        {"collinear.json": "tests/screen/fixtures/screen_collinear_reference.json"},
    ),
    "tests/assess/r/ref_kappa.R": Script(
        ("{out}/kappa.json",), {"kappa.json": "tests/assess/fixtures/ref_kappa_vcd.json"}
    ),
    "tests/assess/r/ref_prevalence.R": Script(
        ("{out}/prevalence.json",),
        {"prevalence.json": "tests/assess/fixtures/ref_prevalence.json"},
    ),
    "tests/assess/r/ref_classify_outputs.R": Script(
        ("{out}/classify.json",),
        {"classify.json": "tests/assess/fixtures/ref_classify_outputs.json"},
    ),
    "tests/assess/r/ref_frailty.R": Script(
        ("{out}/frailty.json",), {"frailty.json": "tests/assess/fixtures/ref_frailty.json"}
    ),
    "tests/study/r/ref_mice_pool.R": Script(
        ("{out}",), {"ref_mice_pool.json": "tests/study/fixtures/ref_mice_pool.json"}
    ),
    "tests/study/r/ref_frailty_analyses.R": Script(
        ("{out}/analyses.json",),
        {"analyses.json": "tests/study/fixtures/ref_frailty_analyses.json"},
    ),
    "tests/check_table/reference.R": Script(
        ("src/sarcostat/datasets/seed_tables.json", "{out}/p.json"),
        {"p.json": "tests/check_table/reference_p.json"},
    ),
    "tests/assay/r/fit_reference.R": Script(
        ("tests/assay/fixtures/curve_data.csv", "{out}/fits.json"),
        {"fits.json": "tests/assay/fixtures/r_nls_fits.json"},
    ),
    "benchmarks/analyze_ref.R": Script(
        ("tests/e2e/fixtures/study_analysis.csv", "sclerostin", "{out}/study.json"),
        {"study.json": "tests/e2e/fixtures/study_ref_r.json"},
    ),
}


def _r_scripts_in_repo() -> set[str]:
    found = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("*.R")}
    return found | {"benchmarks/analyze_ref.R"}


def test_every_r_script_has_a_drift_check():
    missing = sorted(_r_scripts_in_repo() - set(SCRIPTS))
    assert not missing, f"add these R scripts to SCRIPTS in {__file__}: {missing}"
    for script, spec in SCRIPTS.items():
        assert (ROOT / script).is_file(), script
        for fixture in spec.outputs.values():
            assert (ROOT / fixture).is_file(), fixture


def drift(new, old, path: str = "$") -> str | None:
    """The path of the first value of ``new`` that differs from ``old``, or None."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return path
        keys = set(old) | set(new)
        for key in sorted(keys, key=str):
            if key in IGNORED_KEYS:
                continue
            if key not in old or key not in new:
                return f"{path}.{key} (only in {'new' if key in new else 'committed'})"
            where = drift(new[key], old[key], f"{path}.{key}")
            if where:
                return where
        return None
    if isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            return f"{path} (length)"
        for i, (a, b) in enumerate(zip(new, old)):
            where = drift(a, b, f"{path}[{i}]")
            if where:
                return where
        return None
    numbers = (int, float)
    if isinstance(old, numbers) and isinstance(new, numbers) and not isinstance(old, bool):
        if math.isnan(old) and math.isnan(new):
            return None
        return (
            None
            if math.isclose(new, old, rel_tol=REL, abs_tol=ABS)
            else f"{path}: {new!r} != {old!r}"
        )
    return None if new == old else f"{path}: {new!r} != {old!r}"


def test_drift_finds_the_first_changed_value():
    old = {"meta": {"r": "4.2"}, "rows": [{"p": 0.01, "n": 3}, {"p": 0.5, "n": 4}]}
    assert (
        drift({"meta": {"r": "4.4"}, "rows": [{"p": 0.01, "n": 3}, {"p": 0.5, "n": 4}]}, old)
        is None
    )
    assert drift({"rows": [{"p": 0.01 * (1 + 1e-10), "n": 3}, {"p": 0.5, "n": 4}]}, old) is None
    assert drift({"rows": [{"p": 0.01, "n": 3}, {"p": 0.5001, "n": 4}]}, old).startswith(
        "$.rows[1].p"
    )
    assert drift({"rows": [{"p": 0.01, "n": 3}]}, old) == "$.rows (length)"
    assert drift({"rows": [{"p": 0.01, "n": 3, "x": 1}, {"p": 0.5, "n": 4}]}, old).startswith(
        "$.rows[0].x"
    )


def _compare_file(new: Path, old: Path) -> str | None:
    if old.suffix == ".json":
        return drift(
            json.loads(new.read_text(encoding="utf-8")), json.loads(old.read_text(encoding="utf-8"))
        )
    return None if new.read_bytes() == old.read_bytes() else "file contents differ"


@pytest.mark.rcheck
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_r_script_reproduces_its_fixture(script, tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed")
    spec = SCRIPTS[script]
    args = [a.format(out=tmp_path) for a in spec.args]
    proc = subprocess.run(
        ["Rscript", script, *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    if proc.returncode != 0 and "there is no package called" in proc.stderr:
        pytest.skip(f"{script}: R package missing: {proc.stderr.strip()[-200:]}")
    assert proc.returncode == 0, f"{script} failed:\n{proc.stderr[-2000:]}"
    update = os.environ.get("SARCOSTAT_UPDATE_R_FIXTURES") == "1"
    drifted = []
    for produced, fixture in spec.outputs.items():
        new, old = tmp_path / produced, ROOT / fixture
        assert new.is_file(), f"{script} did not write {produced}"
        where = _compare_file(new, old)
        if where:
            drifted.append(f"{fixture}: {where}")
            if update:
                shutil.copyfile(new, old)
    hint = (
        "regenerated; review and commit the new fixture"
        if update
        else "run `make fixtures-r` to regenerate, then review and commit"
    )
    assert not drifted, f"{script} no longer reproduces its fixture ({hint}): " + "; ".join(drifted)
