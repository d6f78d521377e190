"""One generated cohort and one `sarcostat analyze` run shared by the e2e tests."""

import numpy as np
import pytest

from sarcostat.cli import main

BIOMARKER_HEADER = "Sclerostin (pmol/L)"


@pytest.fixture(scope="session")
def cohort_csv(tmp_path_factory):
    """150 simulated participants as a clinic export: the biomarker header carries
    its unit, three values are '<3.2' (below the detection limit), one grip
    trial pair and one height are missing."""
    from sarcostat.datasets.simulate import simulate_cohort

    d = simulate_cohort(150, seed=11)
    bm = d.pop("sclerostin").astype(object)
    bm.iloc[[4, 17, 60]] = "<3.2"
    d[BIOMARKER_HEADER] = bm
    d.loc[7, ["grip_1_kg", "grip_2_kg"]] = np.nan
    d.loc[9, "height_cm"] = np.nan
    path = tmp_path_factory.mktemp("cohort") / "cohort.csv"
    d.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def analyzed(cohort_csv, tmp_path_factory):
    """(exit code, stdout, stderr, OUTDIR) of `sarcostat analyze cohort.csv -o OUTDIR`."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("run") / "report"
    so, se = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
        code = main(["analyze", str(cohort_csv), "-o", str(out)])
    return code, so.getvalue(), se.getvalue(), out
