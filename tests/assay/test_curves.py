"""Standard-curve fits against base R nls and drc's published ryegrass fit."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sarcostat.assay import fit_curve
from sarcostat.exceptions import DataError, ModelError, ParameterError

FIX = Path(__file__).parent / "fixtures"
DATA = pd.read_csv(FIX / "curve_data.csv")
R_FITS = json.loads((FIX / "r_nls_fits.json").read_text())["fits"]


def _data(name):
    d = DATA[DATA.dataset == name]
    return d.conc.to_numpy(), d.signal.to_numpy()


def test_ryegrass_ll4_reproduces_drc_published_estimates():
    # R: drm(rootl ~ conc, data = ryegrass, fct = LL.4())
    #    b 2.98222, c 0.48141, d 7.79296, e 3.05795 (Ritz et al. 2015)
    x, y = _data("ryegrass")
    drc = fit_curve(x, y, model="4pl").as_drc()
    published = {"b": 2.98222, "c": 0.48141, "d": 7.79296, "e": 3.05795}
    for k, v in published.items():
        assert drc[k] == pytest.approx(v, rel=1e-4, abs=6e-6), k


NLS_CASES = [f for f in R_FITS if f["model"] in ("4pl", "5pl")]


@pytest.mark.parametrize(
    "case", NLS_CASES, ids=lambda f: f"{f['dataset']}-{f['model']}-{f['weights']}"
)
def test_fit_matches_r_nls(case):
    # R: nls(signal ~ D + (A - D)/(1 + (conc/C)^B)^E, weights = w)  (tests/assay/r/fit_reference.R)
    x, y = _data(case["dataset"])
    curve = fit_curve(x, y, model=case["model"], weights=case["weights"])
    # nls stops at a relative offset of 1e-8; the 5PL is less well conditioned
    rel = 1e-6 if case["model"] == "4pl" else 2e-5
    for k, v in case["params"].items():
        assert curve.params[k] == pytest.approx(v, rel=rel), k
    for k, v in case["se"].items():
        assert curve.se[k] == pytest.approx(v, rel=100 * rel), k
    assert curve.sigma == pytest.approx(case["sigma"], rel=1e-7)
    assert curve.df_resid == case["df"]
    # R: 1 - sum((y - fitted(m))^2) / sum((y - mean(y))^2), unweighted
    assert 1 - curve.r_squared == pytest.approx(1 - case["r_squared"], rel=10 * rel)
    # R: uniroot(predict(m, conc) - y) -- numerical read-off vs our closed-form inverse
    inv = case["inverse"]
    assert curve.inverse(inv["signal"]) == pytest.approx(inv["conc"], rel=20 * rel)


@pytest.mark.parametrize("name", ["sandwich", "competitive"])
def test_4pl_matches_self_starting_ssfpl(name):
    # R: nls(signal ~ SSfpl(log(conc), A, D, xmid, scal)) on conc > 0
    ref = next(f for f in R_FITS if f["dataset"] == f"{name}_positive")["params"]
    x, y = _data(name)
    keep = x > 0
    p = fit_curve(x[keep], y[keep]).params
    assert p["A"] == pytest.approx(ref["A"], rel=1e-6)
    assert p["D"] == pytest.approx(ref["D"], rel=1e-6)
    assert np.log(p["C"]) == pytest.approx(ref["xmid"], rel=1e-6)
    assert 1 / p["B"] == pytest.approx(ref["scal"], rel=1e-6)


def test_direction_is_read_from_the_data():
    assert fit_curve(*_data("competitive")).direction == "falling"
    assert fit_curve(*_data("sandwich")).direction == "rising"


@pytest.mark.parametrize("model", ["4pl", "5pl"])
def test_inverse_undoes_predict(model):
    x, y = _data("sandwich")
    curve = fit_curve(x, y, model=model)
    conc = np.array([2.0, 50.0, 400.0, 2500.0])
    assert curve.inverse(curve.predict(conc)) == pytest.approx(conc, rel=1e-9)


def test_inverse_beyond_asymptotes_is_nan_with_side():
    x, y = _data("competitive")
    curve = fit_curve(x, y)
    A, D = curve.params["A"], curve.params["D"]
    sig = np.array([A + 0.1, D - 0.01, (A + D) / 2])
    inv = curve.inverse(sig)
    assert np.isnan(inv[:2]).all() and np.isfinite(inv[2])
    assert list(curve.inverse_side(sig)) == ["low", "high", ""]


def test_conversions_describe_the_same_function():
    x, y = _data("sandwich")
    c = fit_curve(x, y, model="5pl")
    d = c.as_drc()
    grid = np.array([1.0, 10.0, 100.0, 1000.0])
    drc_f = (
        d["c"]
        + (d["d"] - d["c"]) / (1 + np.exp(d["b"] * (np.log(grid) - np.log(d["e"])))) ** d["f"]
    )
    assert drc_f == pytest.approx(c.predict(grid), rel=1e-12)
    s = c.as_softmax()
    sm = s["D"] + (s["A"] - s["D"]) / (1 + (grid / s["C"]) ** s["B"]) ** s["E"]
    assert sm == pytest.approx(c.predict(grid), rel=1e-12)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ParameterError, match="'model' parameter of fit_curve"):
        fit_curve([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], model="3pl")
    with pytest.raises(DataError, match="at least 4 concentration levels"):
        fit_curve([1, 1, 2, 2, 3], [1, 1, 2, 2, 3])
    with pytest.raises(DataError, match="need positive signals"):
        fit_curve([1, 2, 3, 4, 5, 6], [0, 1, 2, 3, 4, 5], weights="1/y2")


def test_flat_standards_do_not_converge():
    with pytest.raises(ModelError):
        fit_curve([1, 2, 4, 8, 16, 32], [1.0] * 6)


@pytest.mark.rcheck
def test_r_reference_regenerates_identically(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not available")
    out = tmp_path / "fits.json"
    script = Path(__file__).parent / "r" / "fit_reference.R"
    subprocess.run(["Rscript", str(script), str(FIX / "curve_data.csv"), str(out)], check=True)
    new = json.loads(out.read_text())["fits"]
    for a, b in zip(new, R_FITS):
        for k, v in b["params"].items():
            assert a["params"][k] == pytest.approx(v, rel=1e-8)
