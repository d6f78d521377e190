"""Compiled element-wise kernels of the biomarker screen (Numba).

Why hand-written loops: every pass of the screen reads a row block of the
biomarker chunk and turns each value into a few numbers (mask, centred value,
its powers; for the logistic passes the fitted probability and the weights
derived from it) that BLAS then sums against covariate factors. Written as
NumPy expressions each of those steps is a separate pass with its own
temporary array, and NumPy's float64 ``exp`` has no SIMD path on CPUs without
AVX-512 (about 6-7 ns per value, the largest single cost of a logistic pass).
One compiled loop per pass does all the element-wise work in a single sweep;
the sums themselves stay with BLAS (``screen_engine``), which no loop of ours
would beat.

The exponential is our own (`_exp_poly` and the loops around it)
because the compiler can vectorize only code it can see: a call to the C
library's ``exp`` keeps each loop scalar. It is the textbook reduction
exp(v) = 2^t exp(r), t = round(v / ln 2), r = v - t ln 2 (ln 2 split in a
high part whose product with t is exact and a low part), |r| <= ln(2)/2,
and exp(r) by its Taylor series to degree 13 (truncation below 1e-17
relative). Measured against NumPy's ``exp``: at most 1 unit in the last
place over [-700, 700] (``tests/screen/test_screen_kernels.py``).

All kernels take a row block ``Xb`` (rows x columns, C order, NaN where the
biomarker is missing), a per-row usable flag, and per-column ``center`` and
``scale``: a value enters the sums as (x - center) * scale, and as 0 with
mask 0 where it is missing or its row unusable. ``fastmath={"contract"}``
only lets multiply-adds fuse (one rounding instead of two); NaN and
infinity semantics are unchanged.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

# The BLAS that compiled np.dot calls (`logistic_pass`), loaded at import so
# that threadpoolctl finds it and limits it like NumPy's.
import scipy.linalg.cython_blas  # noqa: F401

__all__ = [
    "masked_powers",
    "linear_row_sums",
    "linear_factors",
    "add_missing_rows",
    "column_totals",
    "column_means",
    "column_moments",
    "column_moments_range",
    "logistic_pass",
    "logistic_row_sums",
]

_JIT = {"nogil": True, "fastmath": {"contract"}, "error_model": "numpy"}


def _compiled(**options: Any) -> Any:
    """numba.njit with the kernels' options, cached on disk where possible.

    The compiled code is kept next to this file or in the user's cache
    directory (about 2 s of compiling saved per new process); where neither
    is writable Numba refuses ``cache=True``, and the kernels are compiled
    per process instead of failing.
    """

    def wrap(fn: Any) -> Any:
        try:
            return numba.njit(cache=True, **_JIT, **options)(fn)  # type: ignore[call-overload]
        except RuntimeError:
            return numba.njit(**_JIT, **options)(fn)  # type: ignore[call-overload]

    return wrap


_LOG2E = 1.4426950408889634
# ln 2 = _LN2_HI + _LN2_LO; _LN2_HI has its low 32 bits zero, so t * _LN2_HI
# is exact for |t| < 2^21.
_LN2_HI = 0.6931471803691238
_LN2_LO = 1.9082149292705877e-10
# 1.5 * 2^52: v / ln 2 + _ROUND rounds to an integer held in the low bits.
_ROUND = 6755399441055744.0
# exp(-700) and exp(700) are far inside float64; beyond them the fitted
# probability is 0 or 1 to the last bit anyway.
_CLIP = 700.0


@_compiled(inline="always")
def _exp_poly(r: Any) -> Any:
    """exp(r) for |r| <= ln(2)/2: Taylor polynomial of degree 13 (Horner)."""
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    return p * r + 1.0


@_compiled(inline="always")
def _exp_reduced(v: Any) -> Any:
    """First half of exp(v): (v / ln 2 rounded, held in the low bits of a
    float64, and exp(r) for the remainder r = v - t ln 2). The caller turns
    the first into 2^t with `_pow2_bits` and multiplies. v is clipped
    to +/-700 first."""
    a = min(max(v, -_CLIP), _CLIP)
    kd = a * _LOG2E + _ROUND
    t = kd - _ROUND
    return kd, _exp_poly((a - t * _LN2_HI) - t * _LN2_LO)


@_compiled(inline="always")
def _pow2_bits(bits: Any) -> Any:
    """The int64 view of `_exp_reduced`'s first value, in place, ->
    the bits of the float64 2^t (t + 1023 in the exponent field)."""
    for i in range(bits.shape[0]):
        bits[i] = (bits[i] + 1023) << 52


@_compiled(inline="always")
def _entry(x: Any, usable: Any, center: Any, scale: Any) -> Any:
    """(mask, value) of one entry: (1, (x - center) * scale) where x is
    observed and its row usable, else (0, 0)."""
    ok = (x == x) & usable
    return (1.0 if ok else 0.0), ((x - center) * scale if ok else 0.0)


@_compiled()
def exp_array(v: Any, out: Any, bits: Any) -> Any:
    """out = exp(v) element-wise, by the same two helpers as
    `logistic_pass` (so the test of its accuracy tests theirs).

    ``bits`` is int64 scratch of the same length. Three loops, each
    vectorizable: reduction and polynomial; 2^t built in the exponent bits;
    the product.
    """
    n = v.shape[0]
    tf = bits.view(np.float64)
    for i in range(n):
        tf[i], out[i] = _exp_reduced(v[i])
    _pow2_bits(bits)
    for i in range(n):
        out[i] *= tf[i]


@_compiled()
def masked_powers(
    Xb: Any,
    usable: Any,
    center: Any,
    scale: Any,
    g3: Any,
    X0: Any,
    X2: Any,
    S3: Any,
    miss_i: Any,
    miss_j: Any,
) -> Any:
    """Value and square of each entry of a row block, for BLAS sums.

    Writes X0 (the centred and scaled value, 0 where missing or the row
    unusable) and X2 = X0², adds sum_i g3[i] X0[i, j]^3 to S3[j] (the cubic
    sums of the logistic warm-start pass; pass g3 = 0 when they are not
    wanted), and records the missing entries of usable rows as
    (miss_i[t], miss_j[t]), t < the returned count, for
    `add_missing_rows`. miss_i and miss_j need room for every entry
    of the block.
    """
    rows, a = Xb.shape
    cnt = 0
    for i in range(rows):
        u = usable[i]
        gi = g3[i]
        xi = Xb[i]
        x0i = X0[i]
        x2i = X2[i]
        nan = 0
        for j in range(a):
            x = xi[j]
            _, x0 = _entry(x, u, center[j], scale[j])
            x0i[j] = x0
            x2 = x0 * x0
            x2i[j] = x2
            S3[j] += gi * x2 * x0
            nan += 0 if x == x else 1
        if u and nan:
            for j in range(a):
                if xi[j] != xi[j]:
                    miss_i[cnt] = i
                    miss_j[cnt] = j
                    cnt += 1
    return cnt


@_compiled()
def linear_factors(P: Any, u: Any, Z: Any, RY: Any, Y: Any, A: Any) -> Any:
    """The linear screen's left factors, row by row, into A (N x width):
    [P u | Z RY[:, 0] | ... | Z RY[:, m-1] | RY Y | 0 ...], where P holds
    the covariate pair products, u the 0/1 weight of a row usable for some
    outcome, RY = R * Y the outcomes zeroed where unusable. The same
    products, in the same order, as the NumPy expressions they replace (a
    strided write per block of a few columns cost about 6 ms at 50,000
    rows; this loop about 1 ms)."""
    N, q = P.shape
    k = Z.shape[1]
    m = RY.shape[1]
    w = A.shape[1]
    for i in range(N):
        ai = A[i]
        ui = u[i]
        for a in range(q):
            ai[a] = P[i, a] * ui
        for o in range(m):
            ry = RY[i, o]
            for a in range(k):
                ai[q + o * k + a] = Z[i, a] * ry
        for o in range(m):
            ai[q + m * k + o] = RY[i, o] * Y[i, o]
        for c in range(q + m * k + m, w):
            ai[c] = 0.0


@_compiled()
def add_missing_rows(L: Any, miss_i: Any, miss_j: Any, cnt: Any, outT: Any) -> Any:
    """outT[j] += L[i] for each recorded missing entry (i, j).

    A sum over the rows where a biomarker is observed is the sum over all
    rows minus this one over its missing entries; with few missing values
    it is much cheaper than a matrix product against the 0/1 mask.
    """
    R = L.shape[1]
    for t in range(cnt):
        li = L[miss_i[t]]
        oj = outT[miss_j[t]]
        for r in range(R):
            oj[r] += li[r]


@_compiled()
def column_totals(X: Any, step: Any) -> Any:
    """Sum and count of each column's values over rows 0, step, 2 step,
    ..., ignoring NaN: `column_means` before its division, for the linear
    screen's centres taken in two halves of the rows at once."""
    return _column_totals(X, step, 0, X.shape[1])


@_compiled()
def _column_totals(X: Any, step: Any, c0: Any, c1: Any) -> Any:
    """`column_totals` of columns c0..c1 (sliced in the loop, so a range
    of a row-major panel's columns is read in place with unit stride).
    Each column's sums are the same whatever the range."""
    n = X.shape[0]
    a = c1 - c0
    cnt = np.zeros(a)
    tot = np.zeros(a)
    m = (n + step - 1) // step  # rows 0, step, ..., (m - 1) step
    p = 0
    # Four rows per sweep of the accumulators (3,000 columns of them do not
    # fit in L1 together; one row per sweep read and wrote them once per
    # value): about half the time, near one core's read bandwidth.
    while p + 3 < m:
        x0r = X[p * step, c0:c1]
        x1r = X[(p + 1) * step, c0:c1]
        x2r = X[(p + 2) * step, c0:c1]
        x3r = X[(p + 3) * step, c0:c1]
        for j in range(a):
            x0 = x0r[j]
            x1 = x1r[j]
            x2 = x2r[j]
            x3 = x3r[j]
            o0 = x0 == x0
            o1 = x1 == x1
            o2 = x2 == x2
            o3 = x3 == x3
            cnt[j] += (
                (1.0 if o0 else 0.0)
                + (1.0 if o1 else 0.0)
                + (1.0 if o2 else 0.0)
                + (1.0 if o3 else 0.0)
            )
            tot[j] += ((x0 if o0 else 0.0) + (x1 if o1 else 0.0)) + (
                (x2 if o2 else 0.0) + (x3 if o3 else 0.0)
            )
        p += 4
    while p < m:
        xi = X[p * step, c0:c1]
        for j in range(a):
            x = xi[j]
            ok = x == x
            cnt[j] += 1.0 if ok else 0.0
            tot[j] += x if ok else 0.0
        p += 1
    return tot, cnt


@_compiled()
def column_means(X: Any, step: Any) -> Any:
    """Mean of each column over rows 0, step, 2 step, ..., ignoring NaN (as
    np.nanmean; NaN for a column with no value there), and the count of
    values: the first sweep of `column_moments`."""
    tot, cnt = column_totals(X, step)
    return tot / cnt, cnt


@_compiled()
def column_moments(X: Any, step: Any) -> Any:
    """Mean and SD (ddof 0) of each column over rows 0, step, 2 step, ...,
    ignoring NaN (as np.nanmean and np.nanstd; NaN for a column with no
    value there), in two sweeps over those rows."""
    return column_moments_range(X, step, 0, X.shape[1])


@_compiled()
def column_moments_range(X: Any, step: Any, c0: Any, c1: Any) -> Any:
    """`column_moments` of columns c0..c1 only, read in place: the same
    numbers for each column as `column_moments` of the whole X, so a
    row-major panel's columns can be split between threads."""
    n = X.shape[0]
    a = c1 - c0
    tot, cnt = _column_totals(X, step, c0, c1)
    mean = tot / cnt
    ss = np.zeros(a)
    m = (n + step - 1) // step
    p = 0
    while p + 3 < m:  # four rows per sweep, as `_column_totals`
        x0r = X[p * step, c0:c1]
        x1r = X[(p + 1) * step, c0:c1]
        x2r = X[(p + 2) * step, c0:c1]
        x3r = X[(p + 3) * step, c0:c1]
        for j in range(a):
            mj = mean[j]
            x0 = x0r[j]
            x1 = x1r[j]
            x2 = x2r[j]
            x3 = x3r[j]
            d0 = x0 - mj if x0 == x0 else 0.0
            d1 = x1 - mj if x1 == x1 else 0.0
            d2 = x2 - mj if x2 == x2 else 0.0
            d3 = x3 - mj if x3 == x3 else 0.0
            ss[j] += (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3)
        p += 4
    while p < m:
        xi = X[p * step, c0:c1]
        for j in range(a):
            x = xi[j]
            d = x - mean[j] if x == x else 0.0
            ss[j] += d * d
        p += 1
    return mean, np.sqrt(ss / cnt)


@_compiled()
def _add_block(dst: Any, d0: Any, src: Any, s0: Any, w: Any) -> Any:
    """dst[:, d0:d0 + w] += src[:, s0:s0 + w], row by row (as loops: the
    array expression took seconds to compile, in every specialization)."""
    for r in range(dst.shape[0]):
        dr = dst[r, d0 : d0 + w]
        sr = src[r, s0 : s0 + w]
        for j in range(w):
            dr[j] += sr[j]


@_compiled(inline="always")
def _pass_entries(
    xi: Any, u: Any, ce: Any, sc: Any, ez: Any, sl: Any, mr: Any, xr: Any, tf: Any, ex: Any
) -> Any:
    """`logistic_pass`'s first loop over a row of a tile: mask, value and
    the reduced exponent of exp(-eta) (then 2^t from its bits, the
    reciprocal and the products, each a loop the compiler vectorizes)."""
    for j in range(xi.shape[0]):
        mr[j], x0 = _entry(xi[j], u, ce[j], sc[j])
        xr[j] = x0
        tf[j], ex[j] = _exp_reduced(-(ez[j] + sl[j] * x0))


@_compiled()
def logistic_pass(
    flat: Any,
    rs: Any,
    cs: Any,
    cols: Any,
    r0: Any,
    r1: Any,
    usable: Any,
    center: Any,
    scale: Any,
    Z: Any,
    thz: Any,
    slope: Any,
    y: Any,
    P: Any,
    Z3: Any,
    size: Any,
    tile: Any,
    Tzzz: Any,
    PB: Any,
    ZB: Any,
    S: Any,
) -> Any:
    """One exact logistic Newton pass over rows r0..r1 of the columns
    ``cols`` of a matrix, in one call.

    The matrix's entry (i, c) is ``flat[i * rs + c * cs]`` (``flat`` a 1-D
    unit-stride view of its memory from its first entry to its last); the
    active column j is matrix column cols[j], with ``center[j]``,
    ``scale[j]``, slope ``slope[j]`` and covariate coefficients thz[:, j]
    (k x a). The rows are taken ``size`` at a time, and their columns
    ``tile`` at a time: the tile's values are copied into a small C-order
    block (one unit-stride slice per row where the tile's columns are
    consecutive and cs = 1, else gathered), then turned into per-entry
    terms: x0 = the masked, centred, scaled value, mu = 1 / (1 + exp(-(Z[i]
    thz + slope x0))), w = mu (1 - mu), g = w (1 - 2 mu), res = y - mu
    (all three zero where the value is missing or the row unusable). They
    are written to blocks that stay in cache and summed against the
    covariate factors by BLAS (np.dot): adds Z3' g to
    Tzzz (t x a), P' [w | g x0] to PB (q x 2a: [Izz | Tzzx]),
    Z' [res | w x0 | g x0²] to ZB (k x 3a: [Uz | Izx | Tzxx]), and the
    column sums of res x0, w x0² and g x0³ to S (3 x a).

    Why one call over the rows and the tiles: the pass used to be a Python
    loop over row blocks of one chunk of columns (a block copy, a product
    for the linear predictor, the terms, three products: about 7,000 blocks
    for 3,000 columns, each several calls holding the interpreter lock).
    Given a whole row-major panel, a block of rows is read tile after tile
    along each row (in memory order) instead of a short segment of every
    row per chunk (a page per row, which the prefetchers do not cross).
    Each output block is written by its own loop: a loop writing several
    arrays at once was not vectorized (20% slower).
    """
    N, k = Z.shape
    a = cols.shape[0]
    T = min(tile, a)
    qn = P.shape[1]
    tn = Z3.shape[1]
    Xbuf = np.empty(size * T)
    B1 = np.empty(size * T)
    B2 = np.empty(size * 2 * T)
    B3 = np.empty(size * 3 * T)
    O1 = np.empty(tn * T)
    O2 = np.empty(qn * 2 * T)
    O3 = np.empty(k * 3 * T)
    tmp = np.empty((4, T))
    bits = np.empty(T, dtype=np.int64)
    tf = bits.view(np.float64)
    for s in range(r0, r1, size):
        e = min(r1, s + size)
        h = e - s
        for t0 in range(0, a, T):
            t1 = min(a, t0 + T)
            w = t1 - t0
            X = Xbuf[: h * w].reshape((h, w))
            W1 = B1[: h * w].reshape((h, w))
            W2 = B2[: h * 2 * w].reshape((h, 2 * w))
            W3 = B3[: h * 3 * w].reshape((h, 3 * w))
            ex = tmp[0, :w]
            xr = tmp[1, :w]
            mr = tmp[2, :w]
            ez = tmp[3, :w]
            ce = center[t0:t1]
            sc = scale[t0:t1]
            sl = slope[t0:t1]
            c0 = cols[t0]
            dense = cs == 1 and cols[t1 - 1] - c0 == w - 1
            if not dense:
                for i in range(s, e):
                    xs = X[i - s]
                    base = i * rs
                    for j in range(w):
                        xs[j] = flat[base + cols[t0 + j] * cs]
            for i in range(s, e):
                zi = Z[i]
                t_0 = thz[0, t0:t1]
                z0 = zi[0]
                for j in range(w):
                    ez[j] = z0 * t_0[j]
                for r in range(1, k):
                    tr = thz[r, t0:t1]
                    zr = zi[r]
                    for j in range(w):
                        ez[j] += zr * tr[j]
                u = usable[i]
                if dense:
                    base = i * rs + c0
                    _pass_entries(flat[base : base + w], u, ce, sc, ez, sl, mr, xr, tf, ex)
                else:
                    _pass_entries(X[i - s], u, ce, sc, ez, sl, mr, xr, tf, ex)
                _pow2_bits(bits[:w])
                for j in range(w):
                    ex[j] = 1.0 / (1.0 + ex[j] * tf[j])
                yi = y[i]
                w1 = W1[i - s]
                w2 = W2[i - s]
                w3 = W3[i - s]
                for j in range(w):
                    mu = ex[j]
                    wt = mu * (1.0 - mu) * mr[j]
                    w1[j] = wt * (1.0 - 2.0 * mu)
                for j in range(w):
                    mu = ex[j]
                    wt = mu * (1.0 - mu) * mr[j]
                    w2[j] = wt
                    w2[w + j] = wt * (1.0 - 2.0 * mu) * xr[j]
                for j in range(w):
                    mu = ex[j]
                    m = mr[j]
                    x0 = xr[j]
                    wt = mu * (1.0 - mu) * m
                    w3[j] = (yi - mu) * m
                    w3[w + j] = wt * x0
                    w3[2 * w + j] = wt * (1.0 - 2.0 * mu) * x0 * x0
                s0 = S[0, t0:t1]
                s1 = S[1, t0:t1]
                s2 = S[2, t0:t1]
                for j in range(w):
                    x0 = xr[j]
                    s0[j] += w3[j] * x0
                    s1[j] += w3[w + j] * x0
                    s2[j] += w3[2 * w + j] * x0
            o1 = O1[: tn * w].reshape((tn, w))
            o2 = O2[: qn * 2 * w].reshape((qn, 2 * w))
            o3 = O3[: k * 3 * w].reshape((k, 3 * w))
            np.dot(Z3[s:e].T, W1, o1)
            np.dot(P[s:e].T, W2, o2)
            np.dot(Z[s:e].T, W3, o3)
            _add_block(Tzzz, t0, o1, 0, w)
            _add_block(PB, t0, o2, 0, w)
            _add_block(PB, a + t0, o2, w, w)
            _add_block(ZB, t0, o3, 0, w)
            _add_block(ZB, a + t0, o3, w, w)
            _add_block(ZB, 2 * a + t0, o3, 2 * w, w)


@_compiled(inline="always")
def _coef4(B: Any, r: Any, i: Any, i1: Any, i2: Any, i3: Any, h: Any) -> Any:
    """Column r of B at the (up to) four rows of a group; 0 past its end."""
    return (
        B[i, r],
        B[i1, r] if h > 1 else 0.0,
        B[i2, r] if h > 2 else 0.0,
        B[i3, r] if h > 3 else 0.0,
    )


@_compiled()
def _ctz_loop(bits: Any) -> Any:
    """Trailing zero bits of a nonzero uint64 (fallback of `_ctz`)."""
    n = 0
    while not bits & np.uint64(1):
        bits >>= np.uint64(1)
        n += 1
    return n


_ctz: Any = _ctz_loop
try:  # LLVM's cttz: one instruction
    from numba.cpython.unsafe.numbers import trailing_zeros

    _ctz = trailing_zeros
except ImportError:  # pragma: no cover - Numba without the intrinsic
    pass


@_compiled(inline="always")
def _add_at_missing(xi: Any, left: Any, outT: Any, t0: Any) -> Any:
    """outT[t0 + j] += left at every missing (NaN) entry j of the tile row
    ``xi`` (the row sweeps of `linear_row_sums` and `logistic_row_sums`).

    A 64-bit word per 64 columns flags the missing entries (a vectorized
    loop) and its set bits are visited one by one (LLVM's
    count-trailing-zeros), so only the few missing entries cost a step.
    ``left`` is fastest with a width that is a multiple of 8 (no scalar
    remainder; the callers' factors are padded).
    """
    w = xi.shape[0]
    width = left.shape[0]
    for g in range(0, w, 64):
        xs = xi[g : min(w, g + 64)]
        bits = np.uint64(0)
        for j in range(xs.shape[0]):
            bits |= np.uint64(1 if xs[j] != xs[j] else 0) << np.uint64(j)
        while bits:
            oj = outT[t0 + g + _ctz(bits)]
            bits &= bits - np.uint64(1)
            for r in range(width):
                oj[r] += left[r]


@_compiled()
def linear_row_sums(
    X: Any,
    rows: Any,
    center: Any,
    L: Any,
    B: Any,
    C: Any,
    outT: Any,
    KX: Any,
    QX: Any,
    scratch: Any,
) -> Any:
    """The linear screen's sums over the rows ``rows`` of a row-major matrix, every column at once.

    Row p of the sums is X[rows[p]] with the left factors L[p], B[p],
    C[p]. With x0 = X - center (0 where missing), adds
    sum_p B[p, r] x0[rows[p], j] to KX[r, j], sum_p C[p, r] x0[rows[p], j]^2
    to QX[r, j], and L[p] to outT[j] at each missing entry (rows[p], j) (a
    sum over the rows where column j is observed is the total minus this).
    ``rows`` is an int64 index array: the row parts of the main sweep
    (consecutive) or the few rows of an outcome pattern's correction,
    read in place instead of gathered into a copy.

    Why rows, not column chunks: a strip of a few hundred columns of a
    row-major table is read a short segment per row (one per page), which
    the memory system serves several times slower than one sequential
    sweep; here the rows are read in order, four at a time, and each row's
    columns tile by tile (``scratch`` is 4 x tile, in L1). Each tile's
    accumulator rows take the four rows' contributions in one sweep (four
    multiply-adds per load and store), so no centred block is written out
    and no skinny matrix product is needed.

    The missing entries: a 64-bit word per 64 columns of a row flags them
    (a vectorized loop), and its set bits are visited one by one (LLVM's
    count-trailing-zeros), so only the few missing entries cost a step. L
    is fastest with a width that is a multiple of 8 (no scalar remainder in
    the add of L[p]; `linear_prepare` pads it).
    """
    P = X.shape[1]
    RC = C.shape[1]
    T = scratch.shape[1]
    n = rows.shape[0]
    p = 0
    while p < n:
        h = min(4, n - p)
        i = p
        i1 = min(p + 1, n - 1)
        i2 = min(p + 2, n - 1)
        i3 = min(p + 3, n - 1)
        for t0 in range(0, P, T):
            # Slices, not offset indices: the compiler then knows the
            # indices are in range and vectorizes (4x faster, measured).
            t1 = min(P, t0 + T)
            w = t1 - t0
            ce = center[t0:t1]
            for t in range(4):
                st = scratch[t, :w]
                if t < h:
                    xi = X[rows[p + t], t0:t1]
                    nan = 0
                    for j in range(w):
                        x = xi[j]
                        ok = x == x
                        st[j] = x - ce[j] if ok else 0.0
                        nan += 0 if ok else 1
                    if nan:
                        _add_at_missing(xi, L[p + t], outT, t0)
                else:
                    for j in range(w):
                        st[j] = 0.0
            # Four accumulator rows per sweep of the tile: each loaded value
            # of the four rows feeds 16 multiply-adds instead of 4 (5-13%
            # less time for the whole kernel in paired runs).
            _accum4(B, i, i1, i2, i3, h, KX, t0, t1, scratch)
            s0 = scratch[0, :w]
            s1 = scratch[1, :w]
            s2 = scratch[2, :w]
            s3 = scratch[3, :w]
            for r in range(RC):
                c0 = C[i, r]
                c1 = C[i1, r] if h > 1 else 0.0
                c2 = C[i2, r] if h > 2 else 0.0
                c3 = C[i3, r] if h > 3 else 0.0
                qr = QX[r, t0:t1]
                for j in range(w):
                    qr[j] += (
                        c0 * s0[j] * s0[j]
                        + c1 * s1[j] * s1[j]
                        + c2 * s2[j] * s2[j]
                        + c3 * s3[j] * s3[j]
                    )
        p += h


@_compiled(inline="always")
def _accum4(
    B: Any, i: Any, i1: Any, i2: Any, i3: Any, h: Any, OUT: Any, t0: Any, t1: Any, s: Any
) -> Any:
    """OUT[r, t0:t1] += sum over the (up to) four rows of a group of
    B[row, r] * s[row-in-group, :] for every column r of B: four accumulator
    rows per sweep of the tile (`linear_row_sums` and `logistic_row_sums`)."""
    RB = B.shape[1]
    w = t1 - t0
    s0 = s[0, :w]
    s1 = s[1, :w]
    s2 = s[2, :w]
    s3 = s[3, :w]
    r = 0
    while r + 3 < RB:
        b0, b1, b2, b3 = _coef4(B, r, i, i1, i2, i3, h)
        c0, c1, c2, c3 = _coef4(B, r + 1, i, i1, i2, i3, h)
        d0, d1, d2, d3 = _coef4(B, r + 2, i, i1, i2, i3, h)
        e0, e1, e2, e3 = _coef4(B, r + 3, i, i1, i2, i3, h)
        k0 = OUT[r, t0:t1]
        k1 = OUT[r + 1, t0:t1]
        k2 = OUT[r + 2, t0:t1]
        k3 = OUT[r + 3, t0:t1]
        for j in range(w):
            a0 = s0[j]
            a1 = s1[j]
            a2 = s2[j]
            a3 = s3[j]
            k0[j] += b0 * a0 + b1 * a1 + b2 * a2 + b3 * a3
            k1[j] += c0 * a0 + c1 * a1 + c2 * a2 + c3 * a3
            k2[j] += d0 * a0 + d1 * a1 + d2 * a2 + d3 * a3
            k3[j] += e0 * a0 + e1 * a1 + e2 * a2 + e3 * a3
        r += 4
    while r < RB:
        b0, b1, b2, b3 = _coef4(B, r, i, i1, i2, i3, h)
        kr = OUT[r, t0:t1]
        for j in range(w):
            kr[j] += b0 * s0[j] + b1 * s1[j] + b2 * s2[j] + b3 * s3[j]
        r += 1


@_compiled()
def logistic_row_sums(
    X: Any,
    r0: Any,
    r1: Any,
    center: Any,
    scale: Any,
    L: Any,
    B: Any,
    C: Any,
    D: Any,
    outT: Any,
    KX: Any,
    QX: Any,
    GX: Any,
    scratch: Any,
) -> Any:
    """The logistic warm-start sums over rows r0..r1 of a row-major matrix,
    every column at once (the row sweep of `masked_powers` and the
    products that follow it in the chunked pass).

    With x0 = (X - center) * scale (0 where missing), adds
    sum_i B[i, r] x0[i, j] to KX[r, j], sum_i C[i, r] x0[i, j]^2 to
    QX[r, j], sum_i D[i, r] x0[i, j]^3 to GX[r, j], and L[i] to outT[j]
    at each missing entry (i, j). Rows that are not usable must carry zero
    rows in L, B, C and D. ``scratch`` is (12, tile): the tile's values,
    squares and cubes of four rows, in L1. The missing entries are found
    as in `linear_row_sums` (flag words, count-trailing-zeros), and L is
    fastest with a width that is a multiple of 8 (`logistic_rows` pads it).

    Why rows: as `linear_row_sums`, a row-major table is read in memory
    order instead of a short segment per row for each strip of columns.
    """
    P = X.shape[1]
    T = scratch.shape[1]
    i = r0
    while i < r1:
        h = min(4, r1 - i)
        i1 = min(i + 1, r1 - 1)
        i2 = min(i + 2, r1 - 1)
        i3 = min(i + 3, r1 - 1)
        for t0 in range(0, P, T):
            t1 = min(P, t0 + T)
            w = t1 - t0
            ce = center[t0:t1]
            sc = scale[t0:t1]
            for t in range(4):
                st = scratch[t, :w]
                sq = scratch[4 + t, :w]
                su = scratch[8 + t, :w]
                if t < h:
                    xi = X[i + t, t0:t1]
                    nan = 0
                    for j in range(w):
                        x = xi[j]
                        ok = x == x
                        x0 = (x - ce[j]) * sc[j] if ok else 0.0
                        x2 = x0 * x0
                        st[j] = x0
                        sq[j] = x2
                        su[j] = x2 * x0
                        nan += 0 if ok else 1
                    if nan:
                        _add_at_missing(xi, L[i + t], outT, t0)
                else:
                    for j in range(w):
                        st[j] = 0.0
                        sq[j] = 0.0
                        su[j] = 0.0
            _accum4(B, i, i1, i2, i3, h, KX, t0, t1, scratch[0:4])
            _accum4(C, i, i1, i2, i3, h, QX, t0, t1, scratch[4:8])
            _accum4(D, i, i1, i2, i3, h, GX, t0, t1, scratch[8:12])
        i += h
