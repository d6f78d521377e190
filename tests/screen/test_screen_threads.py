"""Chunks on worker threads give the same table as one thread, bit for bit,
with the progress callback still counting up to the number of biomarkers."""

import warnings

import numpy as np
import pandas as pd
import pytest
from screen_testdata import make_data

from sarcostat.exceptions import ParameterError
from sarcostat.stats import screen as screen_mod
from sarcostat.stats.screen import screen

COVS = ["age_yr", "sex_male", "bmi"]


@pytest.fixture(scope="module")
def wide():
    cohort, bio = make_data(n=400, p=23, seed=5)
    bio = bio.copy()
    bio["text"] = bio["x3"].astype(str)
    bio.loc[7, "text"] = "<0.1"  # a non-numeric column's message
    bio["sparse"] = np.nan
    bio.loc[[3, 50, 120, 260, 399], "sparse"] = [1.0, 2.0, 4.0, 3.0, 5.0]
    return cohort, bio


def _run(cohort, bio, threads, **kw):
    calls = []
    res = screen(
        cohort,
        bio,
        outcomes=["smi", "grip_kg", "sarcopenia"],
        covariates=COVS,
        chunk_size=4,
        threads=threads,
        progress=lambda done, total: calls.append((done, total)),
        **kw,
    )
    return res, calls


@pytest.mark.parametrize(
    "kw", [{}, {"prescreen": 0.5}, {"firth": True}], ids=["ml", "prescreen", "firth"]
)
def test_two_threads_equal_one_thread_exactly(wide, kw):
    cohort, bio = wide
    one, calls1 = _run(cohort, bio, 1, **kw)
    two, calls2 = _run(cohort, bio, 2, **kw)
    pd.testing.assert_frame_equal(one.table, two.table, check_exact=True)
    assert one.notes == two.notes
    assert two.meta["threads"] == 2 and one.meta["threads"] == 1
    # the edge cases really are in the table
    t = two.table
    assert t.loc[t.biomarker == "text", "message"].str.contains("'<0.1'").all()
    n_bio = bio.shape[1] - 1
    for calls in (calls1, calls2):
        done = [d for d, _ in calls]
        assert len(calls) == -(-n_bio // 4)  # once per chunk
        assert done == sorted(done) and done[-1] == n_bio
        assert {tot for _, tot in calls} == {n_bio}


def test_threads_leave_warning_filters_alone(wide):
    cohort, bio = wide
    before = list(warnings.filters)
    _run(cohort, bio, 2)
    assert warnings.filters == before


def test_default_threads_is_usable_cores(wide):
    cohort, bio = wide
    res = screen(cohort, bio.iloc[:, :9], outcomes="smi", covariates=COVS, chunk_size=2)
    assert res.meta["threads"] == min(screen_mod.usable_cores(), 4)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_bad_threads(wide, bad):
    cohort, bio = wide
    with pytest.raises(
        ParameterError, match="'threads' parameter of screen must be None or a positive integer"
    ):
        screen(cohort, bio, outcomes="smi", threads=bad)


def test_worker_error_reaches_the_caller(wide, monkeypatch):
    cohort, bio = wide
    real = screen_mod._process_block

    def failing(source, names, plan, *rest):
        if "x9" in names:
            raise ParameterError("boom in a worker")
        return real(source, names, plan, *rest)

    monkeypatch.setattr(screen_mod, "_process_block", failing)
    with pytest.raises(ParameterError, match="boom in a worker"):
        screen(cohort, bio, outcomes="smi", chunk_size=4, threads=2)


def test_blas_is_one_thread_inside_and_restored_after():
    from threadpoolctl import threadpool_info, threadpool_limits

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    if not blas_threads():
        pytest.skip("no BLAS library visible to threadpoolctl")
    with threadpool_limits(limits=2, user_api="blas"):
        with screen_mod._blas_one_thread():
            assert set(blas_threads()) == {1}
        assert set(blas_threads()) == {2}


def test_column_missed_by_the_centring_sample(recwarn):
    """With N > 20,000 the centring moments come from every 2nd row; a
    column observed only on odd rows is centred from all its rows instead,
    without warnings, and still equals OLS on its complete cases."""
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    n = 20_002
    cohort = pd.DataFrame({"id": np.arange(n).astype(str), "age_yr": rng.normal(70, 6, n)})
    odd = np.arange(1, 80, 2)
    x = np.full(n, np.nan)
    x[odd] = 1e6 + rng.normal(size=len(odd))  # large mean: centring matters
    cohort["smi"] = 0.01 * cohort["age_yr"] + rng.normal(size=n)
    cohort.loc[odd, "smi"] += 0.5 * (x[odd] - 1e6)
    bio = pd.DataFrame({"id": cohort["id"], "sparse": x, "dense": rng.normal(size=n)})
    res = screen(cohort, bio, outcomes="smi", covariates="age_yr", threads=1)
    r = res.table.set_index("biomarker").loc["sparse"]
    d = cohort.loc[odd]
    fit = sm.OLS(
        d["smi"].to_numpy(), sm.add_constant(np.column_stack([x[odd], d["age_yr"].to_numpy()]))
    ).fit()
    assert r["n"] == len(odd)
    np.testing.assert_allclose(
        [r["estimate"], r["se"], r["p_value"]],
        [fit.params[1], fit.bse[1], fit.pvalues[1]],
        rtol=1e-8,
    )
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
