"""Regenerate the supplementary-analysis reference values with R and compare
them with the committed fixture (``make test-r``; skipped without Rscript).

The normal tests (test_supp_stats.py) compare sarcostat with the committed
fixture; this test makes sure that fixture is what
tests/stats/r/ref_supp_stats.R produces now.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).parent
SCRIPT = HERE / "r" / "ref_supp_stats.R"
ROOT = HERE.parent.parent

pytestmark = [
    pytest.mark.rcheck,
    pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not installed"),
]


def _compare(new, old, path="$"):
    if isinstance(old, dict):
        assert isinstance(new, dict) and set(new) == set(old), path
        for key in old:
            if key != "meta":
                _compare(new[key], old[key], f"{path}.{key}")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), path
        for i, (a, b) in enumerate(zip(new, old)):
            _compare(a, b, f"{path}[{i}]")
    elif isinstance(old, float) or isinstance(new, float):
        np.testing.assert_allclose(new, old, rtol=1e-9, err_msg=path)
    else:
        assert new == old, path


def test_fixture_is_reproduced_by_r(tmp_path):
    proc = subprocess.run(
        ["Rscript", str(SCRIPT), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    if proc.returncode != 0 and "there is no package called" in proc.stderr:
        pytest.skip("R packages pROC/rms/jsonlite not installed")
    assert proc.returncode == 0, proc.stderr
    new = json.loads((tmp_path / "ref_supp_stats.json").read_text())
    old = json.loads((HERE / "fixtures" / "ref_supp_stats.json").read_text())
    _compare(new, old)
