"""The pieces that make analyze, power and simulate fit biobank-size cohorts
(issue 20) give the answers of the simple code they replace."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.cli import main
from sarcostat.exceptions import ParameterError
from sarcostat.report.figures import LARGE_N, thin_curve
from sarcostat.report.output import (
    neutralize_cell,
    neutralize_frame,
    withhold_ids,
    withhold_ids_all,
)
from sarcostat.stats._data import factor_columns, plain, plain_values
from sarcostat.stats.fitting import _separation_scaled, detect_separation, logistic_fit


def test_withhold_ids_all_equals_one_text_at_a_time():
    from sarcostat.io.privacy import mention_ids

    ids = [f"S{i:04d}" for i in range(5000)] + ["7", "12", "male", "total"]
    texts = [
        f"SPPB: 2 participants lack a balance time {mention_ids(['S0001', 'S0420'])}.",
        f"Model: 3 rows left out {mention_ids('S0002')}; 12 events, total 7, male only.",
        "nothing to withhold; 12 events",
    ]
    out = withhold_ids_all(texts, ids)
    assert out == [withhold_ids(t, ids) for t in texts]
    assert "S0001" not in out[0] and "S0420" not in out[0] and "S0002" not in out[1]
    # the structural rule never erases words or numbers that happen to equal an id
    assert "12 events, total 7, male only." in out[1]
    assert out[2] == texts[2]
    assert withhold_ids_all([], ids) == []


def test_neutralize_frame_equals_the_cell_rule():
    df = pd.DataFrame(
        {
            "text": ["=1+2", "-3.2", "ok", None, "@x", "\tq", "+5"],
            "num": np.arange(7.0),
            "mixed": [1.0, None, "=x", 3, "-a", "b", 2],
            "floats": pd.Series([1.0, 2.0, None, 4.0, 5.0, 6.0, 7.0], dtype=object),
        }
    )
    expected = df.copy()
    for c in ("text", "mixed", "floats"):
        expected[c] = df[c].map(neutralize_cell, na_action="ignore")
    got = neutralize_frame(df)
    pd.testing.assert_frame_equal(got, expected)
    assert got.loc[0, "text"] == "'=1+2" and got.loc[1, "text"] == "-3.2"


def test_factor_coding_and_plain_values_per_distinct_value():
    s = pd.Series([1.0, 0.0, 2.0, 1.0, 0.0] * 3)
    cols, names = factor_columns(s, (0, 1, 2), contrasts="sum", name="g")
    index = {0: 0, 1: 1, 2: 2}
    codes = np.array([index[plain(v)] for v in s])
    assert names == ["g[0]", "g[1]"]
    np.testing.assert_array_equal(cols[0], (codes == 0) - (codes == 2).astype(float))
    obj = pd.Series(["b", "a", "b"], dtype=object)
    cols, _ = factor_columns(obj, ("a", "b"), contrasts="treatment", name="s")
    np.testing.assert_array_equal(cols[0], [1.0, 0.0, 1.0])
    with pytest.raises(Exception, match="'c', which is not one of its levels"):
        factor_columns(pd.Series(["a", "c", "d"]), ("a", "b"), contrasts="sum", name="s")
    for values in ([1.0, 0.0, np.nan, 1.0], [True, False, True], [1, 2, 2], ["x", 1, True]):
        ser = pd.Series(values, index=[5, 7, 9, 11][: len(values)])
        pd.testing.assert_series_equal(plain_values(ser), ser.map(plain))


@pytest.mark.parametrize("seed", range(6))
def test_separation_certificate_agrees_with_the_linear_program(seed):
    rng = np.random.default_rng(seed)
    n = 400
    x = rng.normal(size=(n, 2))
    X = np.column_stack([np.ones(n), x])
    if seed % 3 == 0:  # separated by x1
        y = (x[:, 0] > 0).astype(float)
    elif seed % 3 == 1:  # quasi-complete
        y = (x[:, 0] > 0).astype(float)
        y[np.argmin(np.abs(x[:, 0]))] = 1 - y[np.argmin(np.abs(x[:, 0]))]
        y = np.where(x[:, 0] > 0, 1.0, y)
    else:
        y = (rng.random(n) < 1 / (1 + np.exp(-x[:, 0]))).astype(float)
    fit = logistic_fit(X, y)
    kind, _ = detect_separation(X, y)
    assert fit.separation == kind
    if kind is None:
        assert np.isfinite(fit.coef).all() and fit.converged
    else:
        assert np.isnan(fit.coef).all()


def test_certificate_never_hides_a_separation_the_program_finds():
    from sarcostat.stats.fitting import _no_separation, _scaling

    rng = np.random.default_rng(1)
    for _ in range(20):
        n = int(rng.integers(20, 200))
        X = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 2, n)])
        y = (rng.random(n) < 0.3).astype(float)
        fit = logistic_fit(X, y, check_separation=False)
        _, _, Xs, _ = _scaling(X[None], np.ones((1, n)))
        beta_scaled = np.linalg.lstsq(Xs[0], X @ fit.coef, rcond=None)[0]
        if fit.converged and _no_separation(Xs[0], y, beta_scaled):
            assert _separation_scaled(Xs[0], y)[0] is None


def test_thin_curve_keeps_small_curves_and_bounds_large_ones():
    x = np.linspace(0, 1, 50)
    xs, ys = thin_curve(x, x)
    np.testing.assert_array_equal(xs, x)
    rng = np.random.default_rng(0)
    steps = rng.random(10**5) < 0.5  # an ROC staircase of 10**5 thresholds
    fpr = np.concatenate([[0], np.cumsum(steps) / steps.sum()])
    tpr = np.concatenate([[0], np.cumsum(~steps) / (~steps).sum()])
    xs, ys = thin_curve(fpr, tpr)
    assert len(xs) <= 2 * LARGE_N + 2 and (xs[0], ys[0], xs[-1], ys[-1]) == (0, 0, 1, 1)
    # Every vertex left out lies within 1/LARGE_N of a kept one (on each axis).
    i = np.searchsorted(xs, fpr, side="right") - 1
    assert np.all(np.abs(fpr - xs[i]) <= 1 / LARGE_N + 1e-12)


def test_power_and_simulate_refuse_sizes_that_cannot_fit(monkeypatch, capsys, tmp_path):
    import sarcostat.datasets.simulate as sim
    from sarcostat.study.power import simulate_power

    monkeypatch.setattr(sim, "available_memory", lambda: 4 * 10**9)
    with pytest.raises(ParameterError, match=r"80,000,000 participants .* up to 4 x n\) needs"):
        simulate_power(20_000_000, sims=10)
    with pytest.raises(ParameterError, match=r"Use --n up to about 1,066,666\.$"):
        simulate_power(20_000_000, sims=10, search=False)
    out = tmp_path / "huge.csv"
    assert main(["simulate", "--n", "100000000", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "needs about 70.0 GB of memory; this computer has 4.0 GB available" in err
    assert "Use --n up to about 4,571,428." in err
    assert not out.exists()


def test_n_for_scans_its_grid_in_blocks(monkeypatch):
    import sarcostat.study.power as power

    table = pd.DataFrame({"n": [50, 100, 200, 400], "power": [0.3, 0.55, 0.78, 0.95], "valid": 400})
    whole = power._n_for(table, 0.8)
    monkeypatch.setattr(power, "_GRID_BLOCK", 37)
    assert power._n_for(table, 0.8) == whole
    assert whole[1] <= whole[0] <= whole[2]


def test_a_thinned_roc_result_keeps_its_numbers_and_a_close_curve():
    import pandas as pd

    from sarcostat.stats.roc import roc_analysis

    rng = np.random.default_rng(3)
    n = 30_000  # every value distinct: a curve of n + 1 rows
    status = (rng.random(n) < 0.3).astype(float)
    marker = rng.normal(size=n) - 0.8 * status
    res = roc_analysis(pd.DataFrame({"s": status, "m": marker}), outcome="s", marker="m")
    assert len(res.table) > n
    thin = res.thinned(resolution=1000)
    assert len(thin.table) <= 2 * 1000 + 2 + len(res.tied_thresholds)
    assert list(thin.table.columns) == list(res.table.columns)
    assert thin.to_row() == res.to_row()  # the AUC, its CI and the Youden point are the same
    assert thin.threshold in set(thin.table["threshold"])  # the optimal row is kept
    # every row left out lies within 1/1000 of the kept row before it, on each axis
    kept = np.flatnonzero(res.table["threshold"].isin(thin.table["threshold"]).to_numpy())
    assert len(kept) == len(thin.table) and kept[0] == 0 and kept[-1] == len(res.table) - 1
    before = kept[np.searchsorted(kept, np.arange(len(res.table)), side="right") - 1]
    for col in ("specificity", "sensitivity"):
        v = res.table[col].to_numpy()
        assert np.all(np.abs(v - v[before]) <= 1 / 1000 + 1e-12)
    assert res.thinned(resolution=10 * n) is res  # a curve within the resolution: as it is
