"""The screen's compiled kernels against NumPy written out directly.

The kernels replace NumPy's element-wise passes (and its exponential) for
speed; each is checked here against the plain NumPy expression it stands
for, on blocks with missing values, unusable rows and awkward inputs.
"""

import numpy as np
import pytest
from scipy import special

from sarcostat.stats import _screen_kernels as kern
from sarcostat.stats import screen_engine as eng


def _exp(v):
    out = np.empty_like(v)
    kern.exp_array(v, out, np.empty(len(v), dtype=np.int64))
    return out


def test_exponential_within_one_ulp_of_numpy():
    rng = np.random.default_rng(0)
    ln2 = np.log(2.0)
    v = np.concatenate(
        [
            rng.uniform(-700, 700, 200_000),
            rng.normal(0, 3, 200_000),
            np.arange(-700, 701, dtype=float),  # integers: t jumps
            (np.arange(-40, 41) + 0.5) * ln2,  # reduction boundaries |r| = ln2/2
            [0.0, -0.0, 1e-300, -1e-300, 1e-8, -1e-8],
        ]
    )
    got, ref = _exp(v), np.exp(v)
    ulp = np.abs(got - ref) / np.spacing(ref)
    assert ulp.max() <= 1.0
    assert _exp(np.array([0.0]))[0] == 1.0


def test_exponential_clips_far_outside_the_model_range():
    # Beyond +/-700 the fitted probability is 0 or 1 to the last bit; the
    # kernel returns exp(+/-700), finite and positive, never inf or 0.
    got = _exp(np.array([-1e6, -745.0, 745.0, 1e6]))
    np.testing.assert_allclose(got, np.exp([-700.0, -700.0, 700.0, 700.0]), rtol=1e-15)
    assert np.isnan(_exp(np.array([np.nan]))[0])


def _block(seed=1, rows=300, c=7, frac=0.1):
    rng = np.random.default_rng(seed)
    X = rng.normal(50, 10, (rows, c))
    X[rng.random((rows, c)) < frac] = np.nan
    X[:, 3] = np.nan  # a column with no value
    usable = rng.random(rows) > 0.1
    return rng, X, usable


def test_masked_powers_values_cubes_and_missing_entries():
    rng, X, usable = _block()
    rows, c = X.shape
    center, scale, g3 = rng.normal(50, 1, c), rng.uniform(0.5, 2, c), rng.normal(size=rows)
    X0, X2, S3 = np.empty((rows, c)), np.empty((rows, c)), np.zeros(c)
    mi, mj = np.empty(rows * c, dtype=np.int64), np.empty(rows * c, dtype=np.int64)
    cnt = kern.masked_powers(X, usable, center, scale, g3, X0, X2, S3, mi, mj)
    ok = ~np.isnan(X) & usable[:, None]
    x0 = np.where(ok, (X - center) * scale, 0.0)
    np.testing.assert_allclose(X0, x0, rtol=1e-15)
    np.testing.assert_allclose(X2, x0**2, rtol=1e-15)
    np.testing.assert_allclose(S3, g3 @ x0**3, rtol=1e-12)
    miss = np.isnan(X) & usable[:, None]
    assert cnt == miss.sum()
    assert set(zip(mi[:cnt], mj[:cnt])) == set(zip(*np.nonzero(miss)))


@pytest.mark.parametrize("frac", [0.0, 0.05, 0.9])
def test_masked_sums_equal_products_against_the_mask(frac):
    """Column total minus the missing rows = the product against the 0/1
    mask, at low and very high missingness, on a strided (DataFrame-like)
    view as well as a C-order array."""
    rng, X, usable = _block(seed=2, rows=5000, c=9, frac=frac)
    wide = np.full((X.shape[0], 20), 7.0)
    wide[:, 5:14] = X
    view = wide[:, 5:14]  # row stride 20 values
    assert not view.flags.c_contiguous
    L, K, Q = rng.normal(size=(5000, 6)), rng.normal(size=(5000, 3)), rng.normal(size=(5000, 2))
    g3 = rng.normal(size=5000)
    center = np.full(9, 50.0)
    ok = ~np.isnan(X) & usable[:, None]
    x0 = np.where(ok, X - center, 0.0)
    for arr in (X, view):
        LM, KX, QX, GX = eng._masked_sums(arr, L, K, Q, usable=usable, center=center, g3=g3)
        np.testing.assert_allclose(LM, L.T @ ok.astype(float), rtol=1e-11, atol=1e-9)
        np.testing.assert_allclose(KX, K.T @ x0, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(QX, Q.T @ x0**2, rtol=1e-12, atol=1e-7)
        np.testing.assert_allclose(GX, g3 @ x0**3, rtol=1e-11, atol=1e-6)


def test_column_moments_equal_nanmean_and_nanstd():
    _, X, _ = _block(seed=3)
    for step in (1, 4):
        mean, sd = kern.column_moments(X, step)
        with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning):
            np.testing.assert_allclose(mean, np.nanmean(X[::step], axis=0), rtol=1e-13)
            np.testing.assert_allclose(sd, np.nanstd(X[::step], axis=0), rtol=1e-12)
        assert np.isnan(mean[3]) and np.isnan(sd[3])


def test_column_means_are_column_moments_first_sweep():
    """`column_means` is the first sweep of `column_moments`: the same
    means bit for bit."""
    _, X, _ = _block(seed=3)
    for step in (1, 4):
        mean, cnt = kern.column_means(X, step)
        np.testing.assert_array_equal(mean, kern.column_moments(X, step)[0])
        np.testing.assert_array_equal(cnt, (~np.isnan(X[::step])).sum(axis=0))
        assert np.isnan(mean[3])


def _pass_reference(X, cols, usable, center, scale, Z, thz, slope, y, P, Z3, r0, r1):
    """`logistic_pass`'s sums written out in NumPy over rows r0..r1."""
    Xa, u = X[r0:r1][:, cols], usable[r0:r1, None]
    Zr, Pr, Z3r, yr = Z[r0:r1], P[r0:r1], Z3[r0:r1], y[r0:r1, None]
    ok = ~np.isnan(Xa) & u
    x0 = np.where(ok, (Xa - center) * scale, 0.0)
    mu = special.expit(Zr @ thz + slope * x0)
    w = np.where(ok, mu * (1 - mu), 0.0)
    g = w * (1 - 2 * mu)
    res = np.where(ok, yr - mu, 0.0)
    return (
        Z3r.T @ g,
        Pr.T @ np.concatenate([w, g * x0], axis=1),
        Zr.T @ np.concatenate([res, w * x0, g * x0**2], axis=1),
        np.array([(res * x0).sum(0), (w * x0**2).sum(0), (g * x0**3).sum(0)]),
    )


@pytest.mark.parametrize("layout", ["C", "wide", "F"])
def test_logistic_pass_against_numpy(layout):
    """The exact Newton pass's sums, against NumPy: missing values, unusable
    rows, saturated linear predictors (|eta| up to 800), widths that are not
    a multiple of 8, one column, gathered column subsets, several row blocks
    and column tiles (partial last ones), a row range, and a chunk that is a
    wide-stride view of a panel or column-major."""
    rng, panel, usable = _block(seed=4, rows=300, c=31)
    n = panel.shape[0]
    X = {
        "C": panel[:, 3:26].copy(),
        "wide": panel[:, 3:26],
        "F": np.asfortranarray(panel[:, 3:26]),
    }[layout]
    k = 3
    Z = np.column_stack([np.ones(n), rng.normal(0, 1, (n, k - 1))])
    Z[:4, 1] = [400.0, -400.0, 20.0, -20.0]  # saturated rows
    ia, ib = np.triu_indices(k)
    P = np.ascontiguousarray(Z[:, ia] * Z[:, ib])
    tri = eng._triples(k)
    Z3 = np.ascontiguousarray(Z[:, tri[:, 0]] * Z[:, tri[:, 1]] * Z[:, tri[:, 2]])
    y = (rng.random(n) < 0.4).astype(float)
    flat, rs, cs = eng._flat(X)
    if layout == "wide":
        assert not X.flags.c_contiguous and (rs, cs) == (31, 1)  # read in place
    for cols in (np.arange(23), np.array([0, 5, 6, 7, 8, 9, 16, 22]), np.array([4])):
        a = len(cols)
        center, scale = rng.normal(50, 1, a), rng.uniform(0.05, 0.2, a)
        thz, slope = rng.normal(0, 1, (k, a)), rng.normal(0, 0.5, a)
        thz[1] = 2.0  # eta about +-800 on the saturated rows
        for r0, r1, size, tile in ((0, n, 64, 8), (37, 251, 100, 128), (0, n, 512, 3)):
            out = (np.zeros((len(tri), a)), np.zeros((len(ia), 2 * a)))
            out += (np.zeros((k, 3 * a)), np.zeros((3, a)))
            kern.logistic_pass(
                flat,
                rs,
                cs,
                cols,
                r0,
                r1,
                usable,
                center,
                scale,
                Z,
                thz,
                slope,
                y,
                P,
                Z3,
                size,
                tile,
                *out,
            )
            want = _pass_reference(X, cols, usable, center, scale, Z, thz, slope, y, P, Z3, r0, r1)
            for got, ref in zip(out, want):
                assert np.all(np.isfinite(got))
                np.testing.assert_allclose(got, ref, rtol=1e-11, atol=1e-12 * np.abs(ref).max())


def test_ml_pass_row_parts_do_not_depend_on_threads(monkeypatch):
    """A panel's pass is cut into fixed row parts added in order: the same
    sums bit for bit on one thread or two, equal to one part to rounding."""
    rng, X, usable = _block(seed=6, rows=500, c=21)
    n = X.shape[0]
    Z = np.column_stack([np.ones(n), rng.normal(0, 1, (n, 2))])
    y = (rng.random(n) < 0.3).astype(float)
    prep = eng.logistic_prepare(Z, y, usable.astype(float), np.array([-0.8, 0.2, 0.0]))
    th = rng.normal(0, 0.3, (21, 4))
    cols, center, scale = np.arange(21), np.full(21, 50.0), np.full(21, 0.1)
    whole = eng._ml_pass(th, cols, X, prep, center, scale)
    monkeypatch.setattr(eng, "_ML_PARTS_FROM", 1)
    monkeypatch.setattr(eng, "_ROW_PART", 37)
    one = eng._ml_pass(th, cols, X, prep, center, scale, threads=1)
    two = eng._ml_pass(th, cols, X, prep, center, scale, threads=2)
    for a, b, c in zip(one, two, whole):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12 * np.abs(c).max())


def test_kernels_compile_where_no_cache_directory_is_writable(monkeypatch):
    """Numba refuses cache=True when neither the package folder nor a user
    cache directory is writable; the kernels then compile per process
    instead of failing at import."""
    import importlib.util

    import numba

    real = numba.njit

    def njit(*args, **kwargs):
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function 'f': no locator available for file")
        return real(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", njit)
    spec = importlib.util.spec_from_file_location("_kernels_uncached", kern.__file__)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    v = np.array([-1.5, 0.0, 2.25])
    out = np.empty(3)
    mod.exp_array(v, out, np.empty(3, dtype=np.int64))
    np.testing.assert_allclose(out, np.exp(v), rtol=2e-16)
    assert type(mod.exp_array._cache).__name__ == "NullCache"  # compiled, not cached
    assert type(kern.exp_array._cache).__name__ == "FunctionCache"  # the normal import caches


@pytest.mark.parametrize("rb", [1, 3, 4, 5, 8, 11])
def test_linear_row_sums_against_numpy_any_number_of_factors(rb):
    """Four accumulator rows at a time plus the rest one by one: every count
    of left factors (and a row count not a multiple of four) gives the
    products against the centred values and their squares, and the mask
    sums through the missing entries."""
    rng, X, _ = _block(seed=5, rows=203, c=300, frac=0.07)
    rows, c = X.shape
    center = rng.normal(50, 1, c)
    L, B, C = rng.normal(size=(rows, 3)), rng.normal(size=(rows, rb)), rng.normal(size=(rows, 2))
    outT, KX, QX = np.zeros((c, 3)), np.zeros((rb, c)), np.zeros((2, c))
    idx = np.arange(2, rows)
    kern.linear_row_sums(X, idx, center, L[2:], B[2:], C[2:], outT, KX, QX, np.empty((4, 256)))
    miss = np.isnan(X[2:])
    x0 = np.where(miss, 0.0, X[2:] - center)
    np.testing.assert_allclose(KX, B[2:].T @ x0, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(QX, C[2:].T @ x0**2, rtol=1e-12, atol=1e-7)
    np.testing.assert_allclose(outT, miss.astype(float).T @ L[2:], rtol=1e-12, atol=1e-12)


def test_linear_row_sums_missing_entries_at_word_and_tile_edges():
    """The missing entries are found through one 64-bit flag word per 64
    columns of a tile: entries on the words' first and last bits, on the
    tile's edges, a row with every value missing and one with none, a tile
    narrower than a word, and rows taken out of order (a correction's row
    list) all reach the right sums."""
    rng = np.random.default_rng(11)
    rows, c = 40, 300  # tiles of 256 and 44 columns: words of 64, 64, 64, 64, 44
    X = rng.normal(5, 1, (rows, c))
    edges = [0, 1, 62, 63, 64, 65, 127, 128, 191, 192, 254, 255, 256, 257, 298, 299]
    for t, j in enumerate(edges):
        X[t, j] = np.nan
        X[t + 1, edges[::3]] = np.nan
    X[20] = np.nan  # every value missing
    X[rng.random((rows, c)) < 0.03] = np.nan
    X[21] = rng.normal(5, 1, c)  # none missing
    order = np.array([21, 3, 20, 0, 39, 7, 7, 15, 2], dtype=np.int64)  # any rows, even twice
    center = np.full(c, 5.0)
    L, B, C = (rng.normal(size=(len(order), w)) for w in (16, 5, 2))
    outT, KX, QX = np.zeros((c, 16)), np.zeros((5, c)), np.zeros((2, c))
    kern.linear_row_sums(X, order, center, L, B, C, outT, KX, QX, np.empty((4, 256)))
    Xo = X[order]
    miss = np.isnan(Xo)
    x0 = np.where(miss, 0.0, Xo - center)
    np.testing.assert_allclose(KX, B.T @ x0, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(QX, C.T @ x0**2, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(outT, miss.astype(float).T @ L, rtol=1e-12, atol=1e-12)
    # A narrow tile (less than one word) gives the same sums.
    out2, K2, Q2 = np.zeros_like(outT), np.zeros_like(KX), np.zeros_like(QX)
    kern.linear_row_sums(X, order, center, L, B, C, out2, K2, Q2, np.empty((4, 24)))
    np.testing.assert_allclose(out2, outT, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(K2, KX, rtol=1e-13, atol=1e-13)


def test_column_totals_are_column_means_before_the_division():
    _, X, _ = _block(seed=6)
    for step in (1, 3):
        tot, cnt = kern.column_totals(X, step)
        sample = X[::step]
        np.testing.assert_allclose(tot, np.nansum(sample, axis=0), rtol=1e-13)
        np.testing.assert_array_equal(cnt, (~np.isnan(sample)).sum(axis=0))
        with np.errstate(invalid="ignore"):
            np.testing.assert_array_equal(tot / cnt, kern.column_means(X, step)[0])


def test_trailing_zeros_and_its_fallback():
    """The row kernel's count of trailing zero bits (LLVM's intrinsic) and
    the plain loop used where Numba lacks it."""
    for v in (1, 2, 8, 3 << 40, 1 << 63, (1 << 63) | 1):
        want = (v & -v).bit_length() - 1
        assert kern._ctz_loop(np.uint64(v)) == want


def test_linear_factors_equal_the_numpy_products():
    """`linear_factors` writes the linear screen's left factors row by row:
    the same products, bit for bit, as the NumPy expressions, and zeros in
    the padding."""
    rng = np.random.default_rng(11)
    n, k, m = 300, 4, 3
    Z = np.column_stack([np.ones(n), rng.standard_normal((n, k - 1))])
    ia, ib = np.triu_indices(k)
    P = Z[:, ia] * Z[:, ib]
    R = (rng.random((n, m)) > 0.1).astype(float)
    Y = rng.standard_normal((n, m)) * R
    u = R.max(axis=1)
    q = P.shape[1]
    A = np.full((n, 40), np.nan)
    kern.linear_factors(P, u, Z, np.ascontiguousarray(R * Y), Y, A)
    want = np.concatenate(
        [P * u[:, None]]
        + [Z * (R[:, o] * Y[:, o])[:, None] for o in range(m)]
        + [R * Y * Y, np.zeros((n, 40 - q - m * k - m))],
        axis=1,
    )
    np.testing.assert_array_equal(A, want)


def test_column_moments_of_a_column_range_equal_the_whole():
    """`column_moments_range` reads a range of a wide-stride panel's
    columns in place: each column's mean and SD are those of
    `column_moments` on the whole, bit for bit (so the columns can be
    split between threads), for sample sizes not a multiple of four."""
    rng = np.random.default_rng(12)
    block = rng.normal(50, 4, (1003, 40))
    block[rng.random(block.shape) < 0.1] = np.nan
    block[:, 7] = np.nan
    view = block[:, 3:33]
    for step in (1, 3, 7):
        mean, sd = kern.column_moments(np.ascontiguousarray(view), step)
        for c0, c1 in ((0, 13), (13, 30), (5, 5)):
            m, s = kern.column_moments_range(view, step, c0, c1)
            np.testing.assert_array_equal(m, mean[c0:c1])
            np.testing.assert_array_equal(s, sd[c0:c1])
        tot, cnt = kern.column_totals(np.ascontiguousarray(view), step)
        with np.errstate(invalid="ignore"):
            np.testing.assert_allclose(tot, np.nansum(view[::step], axis=0), rtol=1e-13)
        np.testing.assert_array_equal(cnt, (~np.isnan(view[::step])).sum(axis=0))


def test_t_quantile_per_distinct_df_equals_scipy():
    from scipy import stats as sps

    df = np.array([[5.0, 120.0, 5.0], [np.nan, 1.0, 120.0]])
    np.testing.assert_array_equal(eng._t_quantile(0.975, df), sps.t.ppf(0.975, df))
    assert eng._t_quantile(0.975, np.empty(0)).shape == (0,)


@pytest.mark.parametrize("n", [0, 1, 1000, 4096, 8192, 8193, 50_000])
def test_row_parts_cover_the_rows_in_order(n):
    parts = eng._row_parts(n)
    assert [s for s, _ in parts] == ([0] if n else []) + [e for _, e in parts[:-1]]
    assert (parts[-1][1] if parts else 0) == n
    sizes = [e - s for s, e in parts]
    assert all(0 < v <= eng._ROW_PART for v in sizes)
    if n > 3 * eng._ROW_PART:  # small parts only at the end
        assert sizes[0] == eng._ROW_PART and sizes[-2] == eng._ROW_PART // 4
