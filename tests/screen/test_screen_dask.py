"""The Dask path (map_blocks over column chunks, each task reading its own
columns from Parquet) gives the same table as the local path."""

import pandas as pd
import pytest

pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from sarcostat.stats.screen import screen  # noqa: E402

COVS = ["age_yr", "sex_male", "bmi"]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_dask_equals_local_from_parquet(data, tmp_path, client):
    cohort, bio = data
    bio = bio.assign(text="a", const=1.0)
    path = tmp_path / "bio.parquet"
    bio.to_parquet(path, index=False)
    kw = dict(outcomes=["smi", "grip_kg", "sarcopenia"], covariates=COVS, chunk_size=4)
    local = screen(cohort, path, **kw)
    seen = []
    dist = screen(cohort, path, dask=client, progress=lambda d, t: seen.append(d), **kw)
    pd.testing.assert_frame_equal(dist.table, local.table)
    assert dist.meta["dask"] and sorted(seen)[-1] == bio.shape[1] - 1
    assert "not numeric" in dist.table.loc[dist.table.biomarker == "text", "message"].iloc[0]


def test_dask_equals_local_firth_prescreen(data, client):
    cohort, bio = data
    kw = dict(outcomes=["sarcopenia"], covariates=COVS, chunk_size=5, firth=True, prescreen=0.5)
    pd.testing.assert_frame_equal(
        screen(cohort, bio, dask=client, **kw).table, screen(cohort, bio, **kw).table
    )


@pytest.mark.slow
def test_dask_true_starts_a_local_process_cluster(data, tmp_path):
    cohort, bio = data
    path = tmp_path / "bio.parquet"
    bio.to_parquet(path, index=False)
    kw = dict(outcomes=["smi", "sarcopenia"], covariates=COVS, chunk_size=6)
    pd.testing.assert_frame_equal(
        screen(cohort, path, dask=True, **kw).table, screen(cohort, path, **kw).table
    )
