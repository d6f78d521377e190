"""The numerical core of every model: one least-squares and one logistic routine.

Every single-model function (``fit_linear``, ``linear_regression``,
``logistic_regression``, ``or_per_sd``, splines, quartile ORs), the power
simulations (many data sets at once) and the covariate-only start of the
batched screen call these two routines; the screen's batched kernels
(`sarcostat.stats.screen_engine`) import the rules and tolerances
below, so a model gets the same answer whichever path fits it.

Both routines take one design ``X`` (n, p) or a stack of designs (s, n, p)
with outcomes (n,) / (s, n), and optional 0/1 row weights (rows left out of
a data set). Stated rules:

Column scaling
    When the first column is the intercept (all ones on the used rows),
    every other column is centred at its mean and divided by its SD before
    fitting (else divided by its root mean square). The fit is an exact
    reparametrisation of the model, transformed back to the original scale
    at the end, so a predictor whose SD is tiny next to its mean (a
    biomarker reported as 1,000,000 ± 0.001, or in the wrong unit) is
    fitted as accurately as a standardised one instead of failing in the
    linear algebra or looking like separation.
Rank
    A design is rank deficient when a diagonal entry of R (QR of the scaled
    design) is below ``RANK_TOL`` times the largest (R ``lm``'s tolerance
    1e-7); single models then raise `ModelError` naming the columns. A
    single logistic design with an intercept takes the same rule from its
    Gram matrix (`gram_rank_ok`) instead of a QR of n x p.
Least-squares path
    One blocked pass over the rows forms the Gram matrix of the centred
    design and outcome. When the scaled Gram matrix's condition number is at
    most ``GRAM_COND_MAX`` (1e4), its Cholesky factor (the R of QR up to
    signs) gives the estimates: the error is a few times that number times
    the rounding unit (measured: 1e-12 at 2e3, 1.5e-11 at 3e4), and R's
    diagonal entries cannot differ by the rank rule's factor. Otherwise QR
    of the scaled design decides the rank and gives the estimates, as R
    ``lm`` does. The residual sum of squares comes from the factor (see
    ``RSS_FROM_FACTOR``), else it is summed from the residuals.
Logistic iterations
    Newton-Raphson (= IRLS for the logit link) from zero on the scaled
    design; a step larger than ``MAX_STEP`` in any scaled coefficient is
    shrunk to it (as R logistf's ``maxstep``); a step that lowers the
    (penalised) log likelihood is halved, at most ``MAX_HALVINGS`` times.
    Converged when the largest full Newton step is below ``LOGIT_TOL`` (ML,
    at most ``LOGIT_MAX_ITER`` iterations; Newton converges quadratically)
    or ``FIRTH_TOL`` (Firth, at most ``FIRTH_MAX_ITER``: Firth's iteration
    uses the Fisher information of the unpenalised model, as logistf, and
    converges only linearly, slowly under separation). A single ML design
    of at least ``WARM_MIN_ROWS`` rows starts instead from the fit on a
    fixed pseudo-random subsample of ``WARM_ROWS`` rows (to ``WARM_TOL``);
    the full-data iteration and its convergence rule are the same, so is
    the estimate, in fewer passes over every row (``iterations`` counts
    those). Should that run end any other way than converged with
    moderate coefficients, the fit is redone from zero. A single ML fit's
    converging step below ``SETTLED_STEP`` (1e-13) is taken without a
    pass for the state at the new point (equal to the last one's to
    rounding), and its log likelihood is formed only where it is read: a
    trial point whose score points along the step cannot have a lower one
    (see `_newton`), so only the other steps compare the two. One design
    is scaled and iterated in cache-sized blocks of rows.
Separation
    Checked for a single maximum-likelihood fit by the linear programs
    of `detect_separation` on the scaled design (optimum above
    ``SEPARATION_TOL`` per observation); a separated fit gives NaN. A fit
    that converged with every fitted probability away from 0 and 1 proves
    the LP optimum small (Gordan's alternative, `_no_separation`) and
    skips the programs, which cost seconds at 10**6 rows; when they run,
    they run on the distinct rows of the design and outcome (same
    optimum). A single Firth fit with the check asks the certificate of
    the maximum-likelihood fit first. Batched fits without that check
    (the power simulations) count a data set as separated when its fit does
    not converge or a scaled coefficient exceeds ``DIVERGED``.
Firth
    Firth's penalised likelihood ``l(b) + log|I(b)|/2``, modified score
    ``X'(y - mu + h(1/2 - mu))``; covariance from the inverse Fisher
    information at the estimate (Wald).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from sarcostat.exceptions import ModelError, ParameterError

__all__ = [
    "RANK_TOL",
    "GRAM_COND_MAX",
    "RSS_FROM_FACTOR",
    "LOGIT_TOL",
    "LOGIT_MAX_ITER",
    "FIRTH_TOL",
    "FIRTH_MAX_ITER",
    "MAX_STEP",
    "MAX_HALVINGS",
    "HALVING_SLACK",
    "cap_step",
    "SEPARATION_TOL",
    "DIVERGED",
    "LeastSquaresFit",
    "LogisticFit",
    "least_squares",
    "logistic_fit",
    "detect_separation",
    "rank_deficient_columns",
    "gram_rank_ok",
]

#: Relative size of a diagonal entry of R below which the scaled design is
#: rank deficient (R ``lm``/``glm`` ``qr`` tolerance).
RANK_TOL = 1e-7
#: Largest full Newton step (scaled coefficients) at convergence, maximum likelihood.
LOGIT_TOL = 1e-10
#: Iterations at most, maximum likelihood.
LOGIT_MAX_ITER = 100
#: Largest full step (scaled coefficients) at convergence, Firth.
FIRTH_TOL = 1e-10
#: Iterations at most, Firth (linear convergence; separated data may need hundreds).
FIRTH_MAX_ITER = 1000
#: Largest change of a scaled coefficient in one step (logistf ``maxstep``).
MAX_STEP = 5.0
#: Step halvings at most per iteration.
MAX_HALVINGS = 30
#: A halved step is accepted once the (penalised) log likelihood is no lower
#: than before, up to this relative rounding slack.
HALVING_SLACK = 1e-10
#: Linear-program optimum per observation above which the data are separated.
SEPARATION_TOL = 1e-7
#: |scaled coefficient| above which a batched ML fit counts as diverging (separation).
DIVERGED = 30.0
#: Single maximum-likelihood fits on at least this many rows start from the
#: fit on a subsample of ``WARM_ROWS`` rows (fewer passes over every row).
WARM_MIN_ROWS = 100_000
#: Rows of that subsample.
WARM_ROWS = 20_000
#: Convergence of the subsample fit (its estimate only starts the full one).
WARM_TOL = 1e-6
#: A single maximum-likelihood fit's converging step smaller than this (scaled
#: coefficients) is taken without a pass over every row for the state at the
#: new point (it equals the old state to rounding: relative changes of this
#: order in the covariance).
SETTLED_STEP = 1e-13
#: A single maximum-likelihood fit's step below this (scaled coefficients)
#: is expected to be followed by a settled one (Newton's next step being of
#: the order of its square), so the state at its end forms the log
#: likelihood the fit returns in the same pass.
LOGLIK_AHEAD = 1e-6


# --------------------------------------------------------------------- scaling
def _stack(
    X: np.ndarray, y: np.ndarray | None, weights: np.ndarray | None, fn: str
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, bool]:
    X = np.asarray(X, dtype=float)
    single = X.ndim == 2
    if single:
        X = X[None]
    if X.ndim != 3:
        raise ParameterError(f"{fn}: X must be (n, p) or (s, n, p); got shape {X.shape}.")
    s, n, p = X.shape
    Y = None
    if y is not None:
        Y = np.asarray(y, dtype=float).reshape(s, n) if np.size(y) == s * n else None
        if Y is None:
            raise ParameterError(f"{fn}: y must have {n} values per design; got {np.shape(y)}.")
    if weights is None:
        # Every row used: X and y as given (views, no copy).
        return X, Y, np.ones((s, n)), single
    W = np.asarray(weights, dtype=float).reshape(s, n)
    # Rows left out may hold NaN: zero them so that no sum sees them.
    used = W > 0
    if not used.all():
        X = np.where(used[:, :, None], X, 0.0)
        if Y is not None:
            Y = np.where(used, Y, 0.0)
    return X, Y, W, single


def _centre(X: np.ndarray, used: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """(centre (s, p), rows used per design (s, 1), intercept?) of the scaling rule.

    ``X`` is zero on the rows left out (as `_stack` returns it)."""
    s, n, p = X.shape
    every = bool(used.all())
    cnt = np.maximum(used.sum(axis=1), 1)[:, None]
    first = X[:, :, 0]
    intercept = bool(np.all(first == 1.0) if every else np.all(first[used] == 1.0))
    centre = np.zeros((s, p))
    if intercept and p > 1:
        # Rows left out are zero, so the plain sum is the sum over the used rows.
        centre[:, 1:] = np.einsum("snp->sp", X[:, :, 1:]) / cnt
    return centre, cnt, intercept


def _scaling(X: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Centres (when there is an intercept) and scales of each design's columns.

    Returns (centre (s, p), scale (s, p), scaled X, intercept?); the scaled X
    is 0 on the rows left out (W = 0). Columns with no spread keep scale 1
    (the rank check then finds them). One n x p array is made (the scaled X),
    centred, zeroed and divided in place.
    """
    used = W > 0
    centre, cnt, intercept = _centre(X, used)
    Xs = X - centre[:, None, :]
    if not used.all():
        Xs[~used] = 0.0
    scale = np.sqrt(np.einsum("snp,snp->sp", Xs, Xs) / cnt)
    if intercept:
        scale[:, 0] = 1.0
    scale = np.where(scale > 0, scale, 1.0)
    Xs /= scale[:, None, :]
    return centre, scale, Xs, intercept


def _back(
    coef: np.ndarray, cov: np.ndarray, centre: np.ndarray, scale: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scaled-design coefficients and covariance -> original scale (b = L c)."""
    s, p = coef.shape
    L = np.zeros((s, p, p))
    idx = np.arange(p)
    L[:, idx, idx] = 1.0 / scale
    L[:, 0, :] -= centre / scale  # intercept row: c0 - sum(m_j c_j / d_j)
    L[:, 0, 0] = 1.0 / scale[:, 0]
    b = np.einsum("sij,sj->si", L, coef)
    V = L @ cov @ np.swapaxes(L, 1, 2)
    return b, V


def _rank_ok(R: np.ndarray) -> np.ndarray:
    d = np.abs(np.diagonal(R, axis1=1, axis2=2))
    return np.all(d > RANK_TOL * np.maximum(d.max(axis=1, keepdims=True), 1e-300), axis=1)


def gram_rank_ok(G: np.ndarray) -> np.ndarray:
    """The ``RANK_TOL`` rule of `least_squares` from Gram matrices alone.

    ``G`` (s, p, p) holds X'X of s designs whose first column is the
    intercept (1 on every used row; rows left out contribute nothing). For
    the batched screen, which has each biomarker's Gram matrix but never its
    design. Returns (s, p) booleans: column j passes when the j-th diagonal
    entry of R (QR of the design scaled as every fit scales it: other columns
    centred and divided by their SD; a column without spread keeps scale 1)
    exceeds ``RANK_TOL`` times the largest. The scaled design's Gram matrix
    is n [[1, 0], [0, C]] with C the correlation matrix of the other columns
    (0 rows and columns for a constant one), and R's diagonal is sqrt(n) times
    [1, the square roots of C's Cholesky pivots]: the pivots, taken in the
    design's order as QR without pivoting takes them, are 1 - R^2 of each
    column on the columns before it. A pivot at rounding level is treated as
    0 and its column left out of the later eliminations, as QR leaves a
    zero column. The columns should be roughly centred before their sums
    are taken (the screen centres every column at an approximate mean):
    a mean far from 0 costs the Gram matrix the digits of mean^2 / variance.
    """
    G = np.asarray(G, dtype=float)
    s, p, _ = G.shape
    # Entry-major (p, p, s): every step below is one operation over the s
    # designs' values of an entry, held contiguously (the same arithmetic,
    # entry by entry, as on (s, p, p), where each operation ran over
    # trailing axes of a few values: 2-3x the time for a screen's batches).
    Gt = np.ascontiguousarray(np.moveaxis(G, 0, -1))
    n = Gt[0, 0]
    ok = np.zeros((s, p), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = Gt[0, 1:] / n
        C = Gt[1:, 1:] / n - mean[:, None, :] * mean[None, :, :]
        sd = np.sqrt(np.maximum(np.diagonal(C, axis1=0, axis2=1).T, 0.0))
        scale = np.where(sd > 0, sd, 1.0)
        A = C / (scale[:, None, :] * scale[None, :, :])
    d = np.ones((p, s))
    for j in range(p - 1):
        piv = A[j, j].copy()
        d[j + 1] = np.sqrt(np.maximum(piv, 0.0))
        use = piv > RANK_TOL**2
        safe = np.where(use, piv, 1.0)
        col = np.where(use, A[j + 1 :, j], 0.0)
        A[j + 1 :, j + 1 :] -= col[:, None, :] * col[None, :, :] / safe
    good = (n > 0) & np.all(np.isfinite(A.reshape((p - 1) ** 2, s)), axis=0)
    d = d.T
    ok[good] = d[good] > RANK_TOL * np.max(d[good], axis=1, keepdims=True)
    return ok


def _full_rank_by_gram(X: np.ndarray) -> bool:
    """True when the scaled design's Gram matrix proves full rank by the
    rule of `rank_deficient_columns` (singular values of the scaled design
    above ``RANK_TOL`` times the largest) with a wide margin: eigenvalues
    (squared singular values) within ``(1e3 * RANK_TOL) ** -2`` of each other,
    far above the Gram matrix's rounding. One blocked pass, no n x p copy; a
    design that is not proven so gets the singular value decompositions."""
    if X.ndim != 2 or X.shape[0] <= X.shape[1] or X.shape[1] == 0:
        return False
    X3 = X[None]
    used = np.ones((1, X.shape[0]), dtype=bool)
    centre, cnt, intercept = _centre(X3, used)
    G = _centred_gram(X3, None, centre, None, used)[0]
    scale = np.sqrt(np.diagonal(G) / cnt[0])
    if intercept:
        scale[0] = 1.0
    if not (np.isfinite(G).all() and np.all(scale > 0)):
        return False
    lam = np.linalg.eigvalsh(G / np.outer(scale, scale) / cnt[0])
    return bool(lam[0] > (1e3 * RANK_TOL) ** 2 * lam[-1])


def rank_deficient_columns(X: np.ndarray) -> list[int]:
    """Columns of a rank-deficient design that are combinations of the others
    (empty when the scaled design has full rank by the ``RANK_TOL`` rule)."""
    X = np.asarray(X, dtype=float)
    if _full_rank_by_gram(X):
        return []
    _, _, Xs, _ = _scaling(X[None], np.ones((1, len(X))))
    Xs = Xs[0]
    norms = np.linalg.norm(Xs, axis=0)
    Xs = Xs / np.where(norms > 0, norms, 1.0)

    def rank(A: np.ndarray) -> int:
        if A.shape[1] == 0:
            return 0
        sv = np.linalg.svd(A, compute_uv=False)
        return int(np.sum(sv > RANK_TOL * max(sv.max(), 1e-300)))

    full = rank(Xs)
    if full == Xs.shape[1]:
        return []
    return [j for j in range(Xs.shape[1]) if rank(np.delete(Xs, j, axis=1)) == full]


# --------------------------------------------------------------- least squares
#: Largest condition number of the scaled design's Gram matrix (X'X of the
#: scaled columns over n: 1 and the correlation matrix of the other
#: columns, when there is an intercept) at which `least_squares` solves the
#: normal equations (Cholesky) instead of using QR. The Cholesky solution's
#: relative error is a few times this number times the rounding unit
#: (2.2e-16; measured against QR on restricted cubic spline bases: 1e-12 at
#: condition 2e3, 1.5e-11 at 3e4, 2e-10 at 2e6), so both paths agree below
#: 1e-10; a design past it (nearly collinear columns, a spline basis of many
#: knots) takes QR, whose error grows only with the square root. Below it the scaled R's diagonal entries are within a factor
#: sqrt(GRAM_COND_MAX) of each other, far from ``RANK_TOL``: such a design
#: has full rank by the rank rule, so the verdict needs no QR.
GRAM_COND_MAX = 1e4
#: The Cholesky path takes the residual sum of squares from the factor (the
#: centred outcome's sum of squares less that of the solved right-hand side,
#: no second pass over the rows) when it is at least this fraction of the
#: centred outcome's sum of squares (R^2 at most 0.99): the subtraction then
#: costs at most a factor 1 / this of the sums' relative rounding (measured:
#: within 1e-13 of the residuals' sum). Past it (a nearly perfect fit), and
#: for a design left out by the rank rule, the residuals are summed.
#: The QR path takes it from R's last diagonal entry (QR of the design with
#: the outcome as last column), accurate at any R^2.
RSS_FROM_FACTOR = 1e-2
#: Rows per block of the one-pass sums of `least_squares` (a block of the
#: centred design stays in cache).
_BLOCK = 1 << 14


@dataclass(frozen=True, eq=False)
class LeastSquaresFit:
    """Least-squares estimates (one data set: 1-D/2-D arrays; a stack: one more axis).

    ``xtx_inv`` is (X'X)^-1 on the original scale; ``ok`` is False where the
    design is rank deficient or leaves no residual df (estimates NaN);
    ``path`` is ``"cholesky"`` (normal equations of the scaled design) or
    ``"qr"`` for each data set (see ``GRAM_COND_MAX``); ``scale`` the
    column scales of the scaling rule: with an intercept, each column's SD
    over the used rows (divisor n; 1 for the intercept), else its root mean
    square (1 for a column of zeros)."""

    coef: np.ndarray
    xtx_inv: np.ndarray
    rss: np.ndarray | float
    df_resid: np.ndarray | int
    ok: np.ndarray | bool
    path: np.ndarray | str = "qr"
    scale: np.ndarray | None = None


def _blocks(n: int) -> range:
    return range(0, n, _BLOCK)


def _centred_gram(
    X: np.ndarray,
    Y: np.ndarray | None,
    centre: np.ndarray,
    ybar: np.ndarray | None,
    used: np.ndarray,
) -> np.ndarray:
    """A'A (s, q, q) of A = [X - centre | y - ybar] (q = p + 1; without ``Y``
    A = X - centre, q = p), 0 on unused rows, one block of rows at a time:
    no n x p copy of the design is made."""
    s, n, p = X.shape
    every = bool(used.all())
    q = p if Y is None else p + 1
    if s == 1 and X[0].flags.c_contiguous:
        return _centred_gram_one(X[0], None if Y is None else Y[0], centre[0], ybar, used[0])[None]
    G = np.zeros((s, q, q))
    buf = np.empty((s, min(n, _BLOCK), q))
    for a in _blocks(n):
        m = min(_BLOCK, n - a)
        B = buf[:, :m]
        np.subtract(X[:, a : a + m], centre[:, None, :], out=B[:, :, :p])
        if Y is not None and ybar is not None:
            np.subtract(Y[:, a : a + m], ybar[:, None], out=B[:, :, p])
        if not every:
            B[~used[:, a : a + m]] = 0.0
        if s == 1:
            G[0] += B[0].T @ B[0]  # BLAS syrk
        else:
            G += np.swapaxes(B, 1, 2) @ B
    return G


#: Columns up to which `_cross` forms a block's B'B as a general product of
#: B and a copy of it (BLAS gemm) instead of the symmetric rank-k update
#: numpy picks for ``B.T @ B`` (syrk): OpenBLAS's syrk for a few columns and
#: thousands of rows took 2-4x the time of the copy and gemm together
#: (measured at 2-7 columns; from 8 on the two are about equal).
_GEMM_COLS = 7


def _cross(B: np.ndarray, spare: np.ndarray) -> np.ndarray:
    """B'B of one block B (m, p), C-ordered or the transpose of a C-ordered
    (p, m) block; ``spare`` a buffer of at least
    m * p values (its copy, for the gemm of ``_GEMM_COLS``). The gemm's
    result is symmetric to rounding only: callers symmetrise their sum
    (`_symmetric`)."""
    m, p = B.shape
    if p > _GEMM_COLS:
        return B.T @ B  # BLAS syrk
    if B.flags.c_contiguous:
        C = spare[: m * p].reshape(m, p)
    else:  # B in column order: its copy too (a plain copy, and gemm's faster layout)
        C = spare[: m * p].reshape(p, m).T
    np.copyto(C, B)
    return B.T @ C  # BLAS gemm


def _symmetric(G: np.ndarray) -> np.ndarray:
    """``G`` (p, p) made exactly symmetric (the mean of it and its
    transpose: the diagonal is kept)."""
    G += G.T
    G *= 0.5
    return G


def _tiled(v: np.ndarray, rows: int) -> np.ndarray:
    """``v`` (p,) repeated ``rows`` times: subtracting it from a C-ordered
    block of ``rows`` rows flattened is the same arithmetic as subtracting
    ``v`` from every row, in one long loop (numpy's broadcast of a (p,)
    vector loops over p values per row: 2.4x slower at p = 9)."""
    return np.tile(v, rows)


def _centred_gram_one(
    X: np.ndarray,
    y: np.ndarray | None,
    centre: np.ndarray,
    ybar: np.ndarray | None,
    used: np.ndarray,
) -> np.ndarray:
    """`_centred_gram` of one C-ordered design (n, p): the centred block of
    rows in a contiguous buffer (subtracted as one flat loop), its X'X by
    BLAS syrk, X'y by gemv and y'y summed without BLAS (a threaded BLAS dot
    of a block's length cost 5-10x the whole pass)."""
    n, p = X.shape
    every = bool(used.all())
    q = p if y is None else p + 1
    rows = min(n, _BLOCK)
    ct = _tiled(centre, rows)
    bx = np.empty(rows * p)
    by = np.empty(rows)
    G = np.zeros((q, q))
    gxx = np.zeros((p, p))
    gxy = np.zeros(p)
    yy = 0.0
    for a in _blocks(n):
        m = min(_BLOCK, n - a)
        B = bx[: m * p].reshape(m, p)
        np.subtract(X[a : a + m].reshape(-1), ct[: m * p], out=bx[: m * p])
        if not every:
            B[~used[a : a + m]] = 0.0
        gxx += B.T @ B  # BLAS syrk (see _cross: kept, for the same sums bit for bit)
        if y is not None and ybar is not None:
            r = np.subtract(y[a : a + m], ybar[0], out=by[:m])
            if not every:
                r[~used[a : a + m]] = 0.0
            gxy += B.T @ r
            yy += float(np.einsum("i,i->", r, r))
    G[:p, :p] = gxx
    if y is not None:
        G[:p, p] = G[p, :p] = gxy
        G[p, p] = yy
    return G


def _column_order(X: np.ndarray) -> bool:
    """True for a design (n, p) in column order (F-ordered and not also
    C-ordered, as one column or one row is): the blocked passes then read
    each block's columns in long runs."""
    return bool(X.flags.f_contiguous and not X.flags.c_contiguous)


def _moments_one(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(centre (1, p), ybar (1,), Gram (1, p + 1, p + 1)) of one design in
    row (C) or column (F) order whose first column is the intercept, every
    row used: what `_centre`, the outcome's mean and `_centred_gram` give,
    from one pass over the rows instead of three. None when the first
    column is not all ones (the caller then takes that path).

    A design in column order (as `sarcostat.stats._data.stack_columns`
    makes it with ``columns_first``, the model functions' layout) has each
    block's columns centred in long loops into a (p, m) buffer whose
    product with its transpose is the block's cross products; one in row
    order has its block centred as one flat loop (`_tiled`). Stacking in
    column order writes each column in one run: at 10**6 x 6, 5 ms instead
    of 15 for the design and 13 instead of 16 ms for this pass.

    The rows are taken about the first block's means (a shift within a
    fraction of an SD of the column means: a column such as 1,000,000 +-
    0.001 keeps its digits), with their sums; the Gram matrix about the
    means is then that about the shift less n d d', d the means' distance
    from the shift (Chan, Golub and LeVeque's updating formula), a
    correction of the order of 1/rows of the block of the whole, so no
    digits are lost to it.

    References
    ----------
    Chan TF, Golub GH, LeVeque RJ. Algorithms for computing the sample
    variance: analysis and recommendations. Am Stat. 1983;37(3):242-247.
    doi:10.1080/00031305.1983.10483115
    """
    n, p = X.shape
    rows = min(n, _BLOCK)
    if not np.all(X[:rows, 0] == 1.0):  # no pass that would be wasted
        return None
    shift = np.einsum("ij->j", X[:rows]) / rows
    shift[0] = 0.0  # the intercept column is not centred (as `_centre`)
    yshift = float(np.einsum("i->", y[:rows])) / rows
    columns = _column_order(X)
    XT = X.T
    ct = None if columns else _tiled(shift, rows)
    bx = np.empty(rows * p)
    by = np.empty(rows)
    spare = np.empty(rows * p)
    gxx = np.zeros((p, p))
    gxy = np.zeros(p)
    yy = 0.0
    for a in _blocks(n):
        m = min(_BLOCK, n - a)
        if columns:  # the block's columns, each centred in one contiguous run
            BT = np.subtract(XT[:, a : a + m], shift[:, None], out=bx[: m * p].reshape(p, m))
            B = BT.T
        else:
            assert ct is not None
            B = bx[: m * p].reshape(m, p)
            np.subtract(X[a : a + m].reshape(-1), ct[: m * p], out=bx[: m * p])
        if not np.all(B[:, 0] == 1.0):  # read in cache, with the block
            return None
        gxx += _cross(B, spare)  # BLAS gemm with a copy: faster than syrk for a few columns
        r = np.subtract(y[a : a + m], yshift, out=by[:m])
        gxy += B.T @ r
        yy += float(np.einsum("i,i->", r, r))
    gxx = _symmetric(gxx)
    # The intercept's row holds the sums of the shifted columns and outcome
    # (the intercept is 1 on every row): no pass of their own.
    sx = gxx[0].copy()
    sy = float(gxy[0])
    d = sx / n
    d[0] = 0.0
    dy = sy / n
    G = np.empty((p + 1, p + 1))
    G[:p, :p] = gxx - n * np.outer(d, d)
    G[:p, p] = G[p, :p] = gxy - n * dy * d
    G[p, p] = yy - n * dy * dy
    # The intercept's row: sums of the centred columns (0 but for rounding).
    G[0, 1:p] = G[1:p, 0] = sx[1:] - n * d[1:]
    G[0, p] = G[p, 0] = sy - n * dy
    G[0, 0] = n
    centre = shift + d
    centre[0] = 0.0
    return centre[None], np.array([yshift + dy]), G[None]


def _residual_ss(
    X: np.ndarray,
    Y: np.ndarray,
    centre: np.ndarray,
    ybar: np.ndarray,
    slope: np.ndarray,
    used: np.ndarray,
) -> np.ndarray:
    """Sum of squared residuals ``(y - ybar) - (X - centre) @ slope`` over the
    used rows, one block of rows at a time."""
    s, n, p = X.shape
    every = bool(used.all())
    rss = np.zeros(s)
    buf = np.empty((s, min(n, _BLOCK), p))
    for a in _blocks(n):
        m = min(_BLOCK, n - a)
        B = buf[:, :m]
        np.subtract(X[:, a : a + m], centre[:, None, :], out=B)
        r = Y[:, a : a + m] - ybar[:, None] - (B @ slope[:, :, None])[:, :, 0]
        if not every:
            r[~used[:, a : a + m]] = 0.0
        rss += np.einsum("sn,sn->s", r, r)
    return rss


def least_squares(
    X: np.ndarray,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    names: list[str] | None = None,
    function: str = "least_squares",
) -> LeastSquaresFit:
    """Ordinary least squares of the scaled design: normal equations or QR.

    ``X`` (n, p) or (s, n, p); ``y`` (n,) or (s, n); ``weights`` 0/1 marks
    the rows used (per data set). A single rank-deficient design raises
    `ModelError` naming the columns (``names``); in a stack that data
    set gets ``ok = False`` and NaN estimates.

    One pass over the rows forms the Gram matrix of the centred design and
    outcome (blocks of rows, BLAS); when the scaled Gram matrix's condition
    number is at most ``GRAM_COND_MAX`` its Cholesky factor gives the
    estimates (a QR-free path: no n x p copy of the design), else the QR
    decomposition of the scaled design with the outcome as its last column
    (R and Q'y without forming Q) does, and decides the rank. The
    residual sum of squares comes from the factor (``RSS_FROM_FACTOR``);
    only a nearly perfect fit has a second pass sum the squared residuals.
    """
    X, Y, W, single = _stack(X, y, weights, function)
    assert Y is not None
    s, n, p = X.shape
    used = W > 0
    moments = None
    one = X[0]
    if (
        s == 1
        and weights is None
        and n > _BLOCK
        and p > 1
        and (one.flags.c_contiguous or one.flags.f_contiguous)
    ):
        moments = _moments_one(one, Y[0])
    if moments is not None:
        centre, ybar, G = moments
        cnt = np.full((1, 1), n)
        intercept = True
    else:
        centre, cnt, intercept = _centre(X, used)
        # With an intercept the outcome is centred too (an exact reparametrisation:
        # its mean moves to the intercept), so no sum carries its mean's digits.
        ybar = Y.sum(axis=1) / cnt[:, 0] if intercept else np.zeros(s)
        G = _centred_gram(X, Y, centre, ybar, used)
    scale = np.sqrt(np.diagonal(G, axis1=1, axis2=2)[:, :p] / cnt)
    if intercept:
        scale[:, 0] = 1.0
    scale = np.where(scale > 0, scale, 1.0)
    d = np.concatenate([scale, np.ones((s, 1))], axis=1)
    Gs = G / (d[:, :, None] * d[:, None, :])
    A = Gs[:, :p, :p]
    finite = np.isfinite(Gs).all(axis=(1, 2))
    lam = np.linalg.eigvalsh(np.where(finite[:, None, None], A, np.eye(p)) / cnt[:, :, None])
    fast = finite & (used.sum(axis=1) > p) & (lam[:, 0] * GRAM_COND_MAX >= lam[:, -1])
    r = np.zeros((s, p, p))
    z = np.zeros((s, p))
    # Residual sum of squares from the factorisation where it is accurate
    # (see RSS_FROM_FACTOR); NaN: summed from the residuals in a second pass.
    rss = np.full(s, np.nan)
    if fast.any():
        L = np.linalg.cholesky(A[fast])
        r[fast] = np.swapaxes(L, 1, 2)
        z[fast] = np.linalg.solve(L, Gs[fast, :p, p][:, :, None])[:, :, 0]
        yy = Gs[fast, p, p]
        rf = yy - np.einsum("sp,sp->s", z[fast], z[fast])
        rss[fast] = np.where(rf >= RSS_FROM_FACTOR * yy, rf, np.nan)
    slow = np.flatnonzero(~fast)
    if slow.size:
        # Scaled design and centred outcome as one matrix; QR's R holds the
        # design's R and, in its last column, Q'y.
        # Column-major (LAPACK's order), so numpy's working copy is a plain one.
        Xa = np.empty((slow.size, p + 1, n))
        for i, t in enumerate(slow):
            for j in range(p):
                np.subtract(X[t, :, j], centre[t, j], out=Xa[i, j])
                Xa[i, j] /= scale[t, j]
            np.subtract(Y[t], ybar[t], out=Xa[i, p])
            if not used[t].all():
                Xa[i][:, ~used[t]] = 0.0
        R: np.ndarray = np.asarray(np.linalg.qr(np.swapaxes(Xa, 1, 2), mode="r"))
        del Xa
        k = min(R.shape[1], p)
        r[slow, :k] = R[:, :k, :p]
        z[slow, :k] = R[:, :k, p]
        if R.shape[1] > p:  # R's last diagonal entry: the norm of the residuals
            rss[slow] = R[:, p, p] ** 2
    ok = _rank_ok(r)
    df = used.sum(axis=1) - p
    if single and not ok[0]:
        _raise_collinear(X[0][used[0]], names, function)
    r_safe = np.where(ok[:, None, None], r, np.eye(p))
    # numpy's LAPACK, not scipy.linalg.solve_triangular: scipy ships its own
    # OpenBLAS, whose thread pool next to numpy's made each tiny solve take
    # milliseconds. R is upper triangular, so LU with partial pivoting does
    # no row swaps and this is the same back-substitution.
    c = np.linalg.solve(r_safe, z[:, :, None])[:, :, 0]
    r_inv = np.linalg.solve(r_safe, np.broadcast_to(np.eye(p), (s, p, p)))
    again = np.flatnonzero(~(np.isfinite(rss) & ok))
    if again.size:
        whole = again.size == s  # views, not copies of every design
        pick = slice(None) if whole else again
        rss[again] = _residual_ss(
            X[pick], Y[pick], centre[pick], ybar[pick], (c / scale)[pick], used[pick]
        )
    c[:, 0] += ybar
    coef, xtx_inv = _back(c, r_inv @ np.swapaxes(r_inv, 1, 2), centre, scale)
    ok = ok & (df > 0) if not single else ok
    coef = np.where(ok[:, None], coef, np.nan)
    path = np.where(fast, "cholesky", "qr")
    if single:
        return LeastSquaresFit(
            coef[0], xtx_inv[0], float(rss[0]), int(df[0]), bool(ok[0]), str(path[0]), scale[0]
        )
    return LeastSquaresFit(coef, xtx_inv, rss, df, ok, path, scale)


def _raise_collinear(X: np.ndarray, names: list[str] | None, function: str) -> None:
    culprits = rank_deficient_columns(X)
    label = [names[j] if names else f"column {j}" for j in culprits]
    raise ModelError(
        f"{function}: the design matrix is collinear (rank < {X.shape[1]} columns); "
        f"involved: {', '.join(label) or 'unknown'}. Remove one of them."
    )


# --------------------------------------------------------------- logistic
@dataclass(frozen=True, eq=False)
class LogisticFit:
    """Logistic estimates (one data set: 1-D/2-D arrays; a stack: one more axis).

    ``cov`` is the inverse Fisher information at the estimate; ``loglik`` the
    log likelihood at the estimate (for Firth the penalised l + log|I|/2,
    with I the information of the design as given, not of the scaled one
    the iteration uses); ``separation`` (single models with
    the check) ``"complete"``, ``"quasi-complete"`` or None, and
    ``separation_columns`` the columns that diverge."""

    coef: np.ndarray
    cov: np.ndarray
    converged: np.ndarray | bool
    iterations: np.ndarray | int
    loglik: np.ndarray | float
    separation: str | None = None
    separation_columns: tuple[int, ...] = ()


def cap_step(step: np.ndarray) -> np.ndarray:
    """Shrink each step (last axis) whose largest entry exceeds ``MAX_STEP`` to it.

    The whole vector is scaled, so the step keeps its direction (logistf's
    ``maxstep``); steps that contain non-finite values are returned as they are.
    """
    size = np.max(np.abs(step), axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(size > MAX_STEP, MAX_STEP / size, 1.0)
    return step * factor


def _expit(eta: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return np.asarray(expit(eta))


def _block_eta(X: np.ndarray, beta: np.ndarray, i: int, rows: int, columns: bool) -> np.ndarray:
    """The linear predictor of rows i..i + rows of one design (see `_state_one`)."""
    if columns:
        return beta @ X.T[:, i : i + rows]
    return X[i : i + rows] @ beta


def _block_exp(eta: np.ndarray) -> np.ndarray:
    """e = exp(-|eta|), a new array.

    It serves both expit (1 / (1 + e) or e / (1 + e)) and log(1 + exp(eta))
    = max(eta, 0) + log1p(e): the formulas of scipy's expit and numpy's
    logaddexp, with one exponential instead of two."""
    e = np.abs(eta)
    np.negative(e, out=e)
    return np.exp(e, out=e)


def _block_mu(eta: np.ndarray, e: np.ndarray, flags: np.ndarray, out: np.ndarray) -> np.ndarray:
    """expit(eta) into ``out`` from e = exp(-|eta|) (`_block_exp`, which it
    overwrites with 1 + e); ``flags`` a bool buffer of eta's length."""
    # The numerator, 1 where eta >= 0 and e (<= 1) elsewhere, as the larger
    # of e and the 0/1 flag: the same values as np.where without a branch
    # per row (which, on signs in random order, mispredicts: np.where was
    # 15% of a pass).
    positive = np.greater_equal(eta, 0.0, out=flags)
    np.maximum(e, positive, out=out)
    out /= np.add(e, 1.0, out=e)
    return out


def _block_loglik(y: np.ndarray, eta: np.ndarray, e: np.ndarray) -> float:
    """The log likelihood of one block of rows: sum of y eta - log(1 + exp(eta))."""
    terms = y * eta
    terms -= np.maximum(eta, 0.0)
    terms -= np.log1p(e)
    return float(terms.sum())


def _loglik_one(X: np.ndarray, y: np.ndarray, beta: np.ndarray, rows: int) -> float:
    """The log likelihood of one design at beta alone, block by block as
    `_state_one` forms it (the same value to the last bit): for a state
    computed without it."""
    columns = _column_order(X)
    ll = 0.0
    for i in range(0, len(X), rows):
        eta = _block_eta(X, beta, i, rows, columns)
        ll += _block_loglik(y[i : i + len(eta)], eta, _block_exp(eta))
    return ll


def _state_one(
    X: np.ndarray,
    y: np.ndarray,
    beta: np.ndarray,
    work: np.ndarray,
    out: np.ndarray | None,
    loglik: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray, float, np.ndarray]:
    """mu, weights, information, log likelihood (NaN unless ``loglik``) and
    score of one design (n, p) at beta (p,), every row used, in blocks of
    ``work.shape[1]`` rows: each block of the design is read from memory
    once and stays in cache while its linear predictor, probabilities,
    weights, weighted copy and residual (``work``'s row p) are formed,
    and BLAS adds its X'WX (the weighted copy times the block) and score.
    mu and the weights are written into ``out`` (2, n); with ``out`` None
    they are formed in ``work``'s rows p + 1 and p + 2 (it then has p + 3)
    and not kept (returned as None): writing them, 16 MB at 10**6 rows,
    was 12% of a pass.

    A design in column order (F-ordered, as `_scale_one` makes it) has its
    block's columns weighted in long loops into ``work``'s first p rows; a
    row-ordered one has its rows weighted into the first ``rows * p``
    entries of ``work`` (numpy's broadcast then loops over p values per
    row: 1.6x slower a pass at p = 5)."""
    n, p = X.shape
    kept = out is not None
    mu, w = (out[0], out[1]) if out is not None else (work[p + 1], work[p + 2])
    G = np.zeros((p, p))
    score = np.zeros(p)
    rows = work.shape[1]
    flat = work.reshape(-1)
    columns = _column_order(X)
    XT = X.T
    flags = np.empty(rows, bool)
    ll = 0.0 if loglik else np.nan
    for i in range(0, n, rows):
        eta = _block_eta(X, beta, i, rows, columns)
        k = len(eta)
        if columns:
            XcT = XT[:, i : i + k]  # (p, k), each column contiguous
        else:
            Xc = X[i : i + k]
        e = _block_exp(eta)
        if loglik:
            ll += _block_loglik(y[i : i + k], eta, e)
        m = _block_mu(eta, e, flags[:k], mu[i : i + k] if kept else mu[:k])
        wc = w[i : i + k] if kept else w[:k]
        np.subtract(1.0, m, out=wc)
        wc *= m
        r = work[p, :k]  # the residual
        np.subtract(y[i : i + k], m, out=r)
        if columns:
            wxT = np.multiply(XcT, wc, out=work[:p, :k])  # the block's columns times the weights
            G += wxT @ XcT.T
            score += XcT @ r
        else:
            wx = flat[: k * p].reshape(k, p)  # the block's rows times their weights
            np.multiply(Xc, wc[:, None], out=wx)
            G += wx.T @ Xc
            score += r @ Xc
    if not kept:
        return None, None, G, ll, score
    return mu, w, G, ll, score


def _logit_state(
    Xs: np.ndarray,
    Y: np.ndarray,
    W: np.ndarray | None,
    beta: np.ndarray,
    firth: bool,
    work: np.ndarray | None = None,
    out: np.ndarray | None = None,
    loglik: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray, np.ndarray, np.ndarray]:
    """mu, weights, information, (penalised) log likelihood and the ML score
    ``X'W(y - mu)`` at beta (s, p). ``W`` None: every row is used. One
    design with every row used goes through `_state_one` (``work`` its
    block buffer and ``out`` (2, n) for mu and the weights, both reused
    across iterations; ``out`` None: mu and the weights are not kept, and
    None; its log likelihood is NaN unless ``loglik``)."""
    s, n, p = Xs.shape
    if s == 1 and W is None:
        if work is None:
            work = np.empty((p + 3, min(n, _block_rows(p))))
        m1, w1, i1, ll1, sc1 = _state_one(Xs[0], Y[0], beta[0], work, out, loglik or firth)
        mu = None if m1 is None else m1[None]
        w = None if w1 is None else w1[None]
        info, ll, score = i1[None], np.array([ll1]), sc1[None]
    else:
        Wm = np.ones((s, n)) if W is None else W
        eta = (Xs @ beta[:, :, None])[:, :, 0]
        mu = _expit(eta)
        w = mu * (1 - mu) * Wm
        # X'WX through BLAS (a three-operand einsum loops in C without it: 10x slower at 10**6 rows).
        info = np.swapaxes(Xs, 1, 2) @ (Xs * w[:, :, None])
        score = np.einsum("snp,sn->sp", Xs, (Y - mu) * Wm)
        ll = np.einsum("sn,sn->s", Wm, Y * eta - np.logaddexp(0.0, eta))
    if firth:
        sign, logdet = np.linalg.slogdet(info)
        ll = np.where(sign > 0, ll + 0.5 * logdet, -np.inf)
    return mu, w, info, ll, score


def _block_rows(p: int) -> int:
    """Rows per block of `_state_one`: about 1 MiB of weighted copy (cache sized)."""
    return max(256, (1 << 17) // (p + 1))


def _newton(
    Xs: np.ndarray,
    Y: np.ndarray,
    W: np.ndarray | None,
    beta: np.ndarray,
    firth: bool,
    max_iter: int,
    tol: float,
) -> tuple[
    np.ndarray, np.ndarray | None, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]:
    """The iteration of the module docstring from ``beta`` (s, p) on scaled
    designs (rows left out zero in ``Xs`` and ``Y``, 0 in ``W``; ``W`` None:
    every row used). Returns beta, mu (None for one maximum-likelihood
    design: see `_state_one`), information, log likelihood, score,
    converged, iterations.

    One maximum-likelihood design forms the log likelihood (a fifth of a
    pass) only where it is read. A trial point whose score has a
    non-negative inner product with the step has a log likelihood no lower
    than the current point's: along the step the log likelihood is concave,
    so its slope, non-negative at the trial point, is non-negative on the
    whole segment. Such a step is accepted without comparing the two (the
    halving rule could not refuse it); otherwise both are formed and the
    rule applies. The returned log likelihood is formed in the last pass,
    predicted from a step below ``LOGLIK_AHEAD`` (Newton's next step is then
    about its square), or else by a pass of its own."""
    s, n, p = Xs.shape
    beta = beta.copy()
    one = s == 1 and W is None
    lazy = one and not firth  # the log likelihood only where it is read
    rows = min(n, _block_rows(p))
    work = np.empty((p + 3, rows)) if one else None
    # Firth's step reads mu and the weights of the current and of the trial
    # point (kept without fresh pages per state); maximum likelihood needs
    # neither (mu is None).
    pair = [np.empty((2, n)), np.empty((2, n))] if one and firth else [None, None]
    cur = 0
    mu, w, info, ll, score = _logit_state(Xs, Y, W, beta, firth, work, pair[cur], not lazy)

    def known(values: np.ndarray, at: np.ndarray) -> np.ndarray:
        """The log likelihood at ``at`` (1, p) where ``values`` lacks it."""
        if lazy and np.isnan(values[0]):
            values = np.array([_loglik_one(Xs[0], Y[0], at[0], rows)])
        return values

    active = np.ones(s, bool)
    converged = np.zeros(s, bool)
    iters = np.zeros(s, int)
    eye = np.eye(p)
    for _ in range(max_iter):
        if not active.any():
            break
        a = np.flatnonzero(active)
        whole = len(a) == s  # views, not copies of every design (fancy indexing copies)
        Xa = Xs if whole else Xs[a]
        Ya = Y if whole else Y[a]
        Wa = W if (whole or W is None) else W[a]
        inf_a = info[a]
        good = np.isfinite(inf_a).all(axis=(1, 2)) & (np.linalg.cond(inf_a) < 1e15)
        inf_a = np.where(good[:, None, None], inf_a, eye)
        if firth:
            assert mu is not None and w is not None  # kept for Firth (see `pair`)
            inv = np.linalg.inv(inf_a)
            resid = Ya - mu[a] if W is None else (Ya - mu[a]) * Wa
            if len(a) == 1:
                X1 = Xa[0]
                h = w[a] * np.einsum("ni,ni->n", X1 @ inv[0], X1)[None]
                resid = resid + h * (0.5 - mu[a])
                sc = (X1.T @ resid[0])[None]
            else:
                h = w[a] * np.einsum("sni,sij,snj->sn", Xa, inv, Xa)
                resid = resid + h * (0.5 - mu[a])
                sc = np.einsum("snp,sn->sp", Xa, resid)
        else:
            sc = score[a]
        step = np.linalg.solve(inf_a, sc[:, :, None])[:, :, 0]
        size = np.max(np.abs(step), axis=1)
        if lazy and good[0] and size[0] < min(tol, SETTLED_STEP):
            # The converging step, so small that the state at beta + step
            # equals the state at beta to rounding: the estimate is beta +
            # step, as below, without one more pass over every row. (mu,
            # information and log likelihood stay those of beta: they differ
            # from the new point's by a relative O(size), the log likelihood
            # by O(size**2). Newton converging quadratically, a warm-started
            # fit's last step is mostly below 1e-14. The separation
            # certificate holds for any probabilities in (0, 1), see
            # `_no_separation`.)
            ll = known(ll, beta)
            beta += step
            iters += 1
            converged[0] = True
            break
        step = cap_step(step)
        t = np.ones(len(a))
        new = beta[a] + step
        ahead = bool(size[0] < LOGLIK_AHEAD) if lazy else True
        st = _logit_state(Xa, Ya, Wa, new, firth, work, pair[1 - cur], ahead)
        finite = np.isfinite(size)  # a NaN step stays NaN however often it is halved
        uphill = lazy and bool(float(st[4][0] @ step[0]) >= 0.0)
        if lazy and not uphill:  # the halving rule decides, from both log likelihoods
            ll = known(ll, beta)
            st = (*st[:3], known(st[3], new), st[4])
        for _ in range(0 if uphill else MAX_HALVINGS):
            worse = ~(st[3] >= ll[a] - HALVING_SLACK * np.abs(ll[a])) & finite
            if not worse.any():
                break
            t = np.where(worse, t / 2, t)
            new = beta[a] + t[:, None] * step
            st = _logit_state(Xa, Ya, Wa, new, firth, work, pair[1 - cur])
        beta[a] = new
        cur = 1 - cur
        if whole:
            mu, w, info, ll, score = st
        else:
            assert mu is not None and w is not None  # a stack keeps them
            mu[a], w[a], info[a], ll[a], score[a] = st
        iters[a] += 1
        done = good & (size < tol)
        bad = ~good | ~np.isfinite(size)
        if not firth:  # diverging towards separation: stop, not converged
            bad |= np.max(np.abs(beta[a]), axis=1) > DIVERGED
        converged[a[done]] = True
        active[a[done | bad]] = False
    if lazy:
        ll = known(ll, beta)
    return beta, mu, info, ll, score, converged, iters


def _scaled_rank_ok(Xs: np.ndarray, intercept: bool, gram: np.ndarray) -> bool:
    """The ``RANK_TOL`` rule on one scaled design (rows used only): from its
    Gram matrix ``gram`` (`gram_rank_ok`) when the first column is the
    intercept, else from the QR of the design."""
    if intercept:
        return bool(gram_rank_ok(gram[None])[0].all())
    _, r = np.linalg.qr(Xs)
    return bool(_rank_ok(r[None])[0])


@functools.lru_cache(maxsize=8)
def _subsample(n: int, k: int) -> np.ndarray:
    """The fixed pseudo-random subsample (``k`` of ``n`` rows, sorted) of
    `_warm_start`; the same for every fit on ``n`` rows, so drawn once (a
    draw of 20,000 of 200,000 rows permutes them all: 18 ms). Read-only."""
    idx = np.sort(np.random.default_rng(20).choice(n, k, replace=False))
    idx.flags.writeable = False
    return idx


def _warm_start(Xs: np.ndarray, y: np.ndarray, max_iter: int) -> np.ndarray:
    """Starting values for one large maximum-likelihood fit: the fit on a
    fixed pseudo-random subsample of ``WARM_ROWS`` rows (zeros when that
    fit does not converge to moderate coefficients). Newton then needs
    fewer passes over every row; the full-data iteration and its
    convergence rule are unchanged, so the estimate is the same."""
    n, p = Xs.shape
    idx = _subsample(n, WARM_ROWS)
    beta, *_, conv, _ = _newton(
        Xs[idx][None], y[idx][None], None, np.zeros((1, p)), False, max_iter, WARM_TOL
    )
    if conv[0] and np.all(np.abs(beta) < DIVERGED / 2):
        return beta
    return np.zeros((1, p))


def _ml_single(
    Xs: np.ndarray, Y: np.ndarray, max_iter: int, tol: float = LOGIT_TOL
) -> tuple[
    np.ndarray, np.ndarray | None, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]:
    """`_newton` for one maximum-likelihood design (1, n, p), every row used:
    from ``WARM_MIN_ROWS`` rows started at `_warm_start`, redone from zero
    when that run ends any other way than converged with moderate
    coefficients."""
    p = Xs.shape[2]
    if Xs.shape[1] >= WARM_MIN_ROWS:
        start = _warm_start(Xs[0], Y[0], max_iter)
        out = _newton(Xs, Y, None, start, False, max_iter, tol)
        if not start.any() or (out[5][0] and np.all(np.abs(out[0]) <= DIVERGED)):
            return out
    return _newton(Xs, Y, None, np.zeros((1, p)), False, max_iter, tol)


def _single_design(
    X: np.ndarray, y: np.ndarray, weights: np.ndarray | None, fn: str
) -> tuple[np.ndarray, np.ndarray]:
    """One design (n, p) and 0/1 outcome: the rows used (``weights`` > 0), checked."""
    X = np.asarray(X, dtype=float)
    n = len(X)
    if np.size(y) != n:
        raise ParameterError(f"{fn}: y must have {n} values per design; got {np.shape(y)}.")
    Y = np.asarray(y, dtype=float).reshape(n)
    if weights is not None:
        rows = np.asarray(weights, dtype=float).reshape(n) > 0
        if not rows.all():
            X, Y = X[rows], Y[rows]
    if not ((Y == 0.0) | (Y == 1.0)).all():
        raise ParameterError(f"{fn}: y must be coded 0/1.")
    return X, Y


def _scale_one(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool, np.ndarray]:
    """The column scaling of `_scaling` for one design (n, p), every row used,
    from one pass of cache-sized blocks: column sums and cross products
    about the first block's means (so that a column such as 1,000,000 +-
    0.001 keeps its digits; BLAS, see `_cross`). Returns (centre (p,),
    scale (p,), intercept?, Gram matrix for `gram_rank_ok`: the intercept
    and the other columns about those means); `_scaled_columns` then makes
    the scaled design. Centre and scale agree with `_scaling`'s to
    rounding; any positive scale would do, the fit being transformed back
    exactly."""
    n, p = X.shape
    rows = _block_rows(p)
    shift = np.einsum("ij->j", X[:rows]) / max(min(n, rows), 1)
    tot = np.zeros(p)
    cross = np.zeros((p, p))
    # A design in column order (`sarcostat.stats._data.stack_columns` with
    # ``columns_first``) is read column by column in long loops.
    columns = _column_order(X)
    contiguous = X.flags.c_contiguous
    st = _tiled(shift, rows) if contiguous else shift
    buf = np.empty(min(n, rows) * p) if contiguous or columns else None
    spare = np.empty(min(n, rows) * p)
    ones = np.ones(min(n, rows))
    for i in range(0, n, rows):
        Xc = X[i : i + rows]
        k = len(Xc)
        if columns:  # the block's columns, each a contiguous run of k values
            assert buf is not None
            dT = buf[: p * k].reshape(p, k)
            np.subtract(Xc.T, shift[:, None], out=dT)
            d = dT.T
        elif buf is not None:  # a flat loop (see _tiled)
            d = np.subtract(Xc.reshape(-1), st[: k * p], out=buf[: k * p]).reshape(k, p)
        else:
            d = Xc - shift
        tot += ones[:k] @ d  # BLAS gemv (a column sum of a C-ordered block: 2x faster)
        cross += _cross(d, spare)
    cross = _symmetric(cross)
    # The first column is all ones exactly when the first block's mean of it
    # is 1 and its deviations from that are all 0 (their sum of squares is
    # then 0, and only then: a nonzero deviation from 1 squares to at least
    # 1e-32), so no pass of its own reads it.
    intercept = n > 0 and p > 0 and bool(shift[0] == 1.0 and cross[0, 0] == 0.0)
    m = max(n, 1)
    sq = np.diagonal(cross).copy()
    centre = np.zeros(p)
    if intercept:
        centre[1:] = shift[1:] + tot[1:] / m
        var = sq / m - (tot / m) ** 2
    else:  # root mean square
        var = sq / m + shift * (2 * tot / m + shift)
    scale = np.sqrt(np.maximum(var, 0.0))
    if intercept:
        scale[0] = 1.0
    scale = np.where(scale > 0, scale, 1.0)
    gram = cross
    gram[0, :] = gram[:, 0] = tot  # the intercept column: 1 on every row
    gram[0, 0] = n
    return centre, scale, intercept, gram


def _scaled_columns(
    X: np.ndarray, centre: np.ndarray, scale: np.ndarray, *, overwrite: bool = False
) -> np.ndarray:
    """(X - centre) / scale column by column, as an F-ordered (n, p) array:
    `_state_one` then weights each block's columns in long loops (a
    row-ordered copy weights p values per row: 40% of a pass).

    ``overwrite``: written into X itself when X is in column order (a
    design the caller made for this fit and does not read again): no
    second design-sized array, and none of its fresh pages (at 10**6 x 5,
    40 MB of them per fit). Otherwise a new array."""
    n, p = X.shape
    rows = _block_rows(p)
    in_place = overwrite and X.flags.f_contiguous and X.flags.writeable and X.dtype == np.float64
    XsT = X.T if in_place else np.empty((p, n))
    for i in range(0, n, rows):
        Xc = X[i : i + rows]  # in cache while its columns are written
        for j in range(p):
            d = np.subtract(Xc[:, j], centre[j], out=XsT[j, i : i + len(Xc)])
            d /= scale[j]  # the same two roundings in either order of the design
    return XsT.T


def logistic_fit(
    X: np.ndarray,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    firth: bool = False,
    check_separation: bool = True,
    max_iter: int | None = None,
    tol: float | None = None,
    names: list[str] | None = None,
    function: str = "logistic_fit",
    overwrite_x: bool = False,
) -> LogisticFit:
    """Maximum-likelihood or Firth logistic regression (the rules of the module).

    ``X`` (n, p) or (s, n, p) with 0/1 ``y`` (n,) / (s, n); ``weights`` 0/1
    marks the rows used. A single design is checked for rank (ModelError
    naming ``names``) and, when ``check_separation``, for separation; a
    separated single ML fit returns NaN estimates with ``separation`` set.
    Stacks skip the linear program: a diverging or non-converged data set
    has ``converged = False``. ``overwrite_x``: a single float64 design in
    column order (F-ordered) with an intercept may be overwritten by its
    scaled copy (scipy's ``overwrite_a``): for a design made for this fit
    alone, one design-sized array less.
    """
    max_iter = (FIRTH_MAX_ITER if firth else LOGIT_MAX_ITER) if max_iter is None else max_iter
    tol = (FIRTH_TOL if firth else LOGIT_TOL) if tol is None else tol
    Wf: np.ndarray | None = None
    if np.ndim(X) == 2:  # one design: its used rows only, scaled in cache-sized blocks
        single = True
        X0, Y1 = _single_design(X, y, weights, function)
        s, p = 1, X0.shape[1]
        c1, s1, intercept, gram = _scale_one(X0)
        # The rank rule before the scaled design is made (from the Gram
        # matrix when there is an intercept), so that X0 is still the
        # design as given if it fails, even when the scaling overwrites it.
        if intercept and not _scaled_rank_ok(X0, intercept, gram):
            _raise_collinear(X0, names, function)
        X1 = _scaled_columns(X0, c1, s1, overwrite=overwrite_x and intercept)
        if not intercept and not _scaled_rank_ok(X1, intercept, gram):
            _raise_collinear(X0, names, function)
        centre, scale, Xs, Yw = c1[None], s1[None], X1[None], Y1[None]
    else:
        X, Y, W, single = _stack(X, y, weights, function)
        assert Y is not None
        s, n, p = X.shape
        used = W > 0
        if not np.all(np.isin(Y[used], (0.0, 1.0))):
            raise ParameterError(f"{function}: y must be coded 0/1.")
        centre, scale, Xs, intercept = _scaling(X, W)
        if s == 1:  # its used rows only, every row then has weight 1
            rows = used[0]
            Xs = Xs if rows.all() else Xs[0][rows][None]
            Yw = Y if rows.all() else Y[0][rows][None]
        else:
            Xs = np.where(used[:, :, None], Xs, 0.0)
            Yw = np.where(used, Y, 0.0)
            Wf = W
    separation: str | None = None
    sep_cols: tuple[int, ...] = ()
    if single and check_separation and firth:
        # The maximum-likelihood fit's certificate, when it holds, answers
        # for the linear programs (no separation), as for an ML fit.
        ml = _ml_single(Xs, Yw, LOGIT_MAX_ITER)
        if not (ml[5][0] and _no_separation(Xs[0], Yw[0], ml[0][0])):
            separation, direction = _separation_scaled(Xs[0], Yw[0])
            sep_cols = tuple(int(j) for j in np.flatnonzero(direction))

    if s == 1 and not firth:
        beta, _, info, ll, score, converged, iters = _ml_single(Xs, Yw, max_iter, tol)
    else:
        beta, _, info, ll, score, converged, iters = _newton(
            Xs, Yw, Wf, np.zeros((s, p)), firth, max_iter, tol
        )

    if single and check_separation and not firth:
        # A converged fit whose score equations certify that no separating
        # direction exists (see _no_separation) needs no linear program; the
        # answer is the same, without two LPs over every row.
        if not (converged[0] and _no_separation(Xs[0], Yw[0], beta[0])):
            separation, direction = _separation_scaled(Xs[0], Yw[0])
            sep_cols = tuple(int(j) for j in np.flatnonzero(direction))
            if separation is not None:
                nan = np.full(p, np.nan)
                return LogisticFit(
                    nan, np.full((p, p), np.nan), False, 0, np.nan, separation, sep_cols
                )

    eye = np.eye(p)
    finite = np.isfinite(info).all(axis=(1, 2))
    finite[finite] = np.linalg.cond(info[finite]) < 1e15
    cov_s = np.linalg.inv(np.where(finite[:, None, None], info, eye))
    cov_s[~finite] = np.nan
    diverged = np.max(np.abs(beta), axis=1) > DIVERGED if not firth else np.zeros(s, bool)
    converged &= finite & ~diverged
    coef, cov = _back(beta, cov_s, centre, scale)
    if firth:
        # The iteration's log|I| is that of the scaled design X L (see
        # `_back`): log|I| of X itself is 2 log|det L| less, and L's diagonal
        # is 1 / scale.
        ll = ll + np.sum(np.log(np.abs(scale)), axis=1)
    if single:
        return LogisticFit(
            coef[0],
            cov[0],
            bool(converged[0]),
            int(iters[0]),
            float(ll[0]),
            separation,
            sep_cols,
        )
    return LogisticFit(coef, cov, converged, iters, ll)


# --------------------------------------------------------------- separation
def _no_separation(A0: np.ndarray, y: np.ndarray, beta: np.ndarray) -> bool:
    """True when the fitted probabilities ``mu`` at ``beta`` (the scaled
    design ``A0``'s coefficients) prove that the first linear program of
    `_separation_scaled` stays below ``SEPARATION_TOL`` per observation, so
    the data are not separated.

    With ``a_i = s_i x_i / scale`` (the LP's rows, ``s_i = 2 y_i - 1``) and
    ``lambda_i = 1 - mu_i`` (``y_i = 1``) or ``mu_i`` (``y_i = 0``), both
    positive, ``A' lambda = r`` is the scaled score ``X'(y - mu) / scale``:
    near zero at the maximum-likelihood estimate. For every ``b`` the LP
    allows (``A b >= 0``, ``|b_j| <= 1``), ``sum_i a_i' b <= (lambda' A b) /
    min(lambda) = r' b / min(lambda) <= |r|_1 / min(lambda)`` (Gordan's
    alternative, made quantitative: ``lambda / min(lambda)`` is a feasible
    point of the LP's dual). A bound at most half the LP's threshold leaves
    the solver's own rounding far behind; otherwise the LP decides. Any
    probabilities in (0, 1) give a valid bound: those at the estimate give
    a small one.

    ``mu`` is formed block by block as `_state_one` forms it, while the
    block is in cache (no array of n probabilities). ``r`` is summed
    pairwise (numpy's sum along contiguous rows) in blocks whose partial
    sums are added exactly (``math.fsum``), so its rounding error is at
    most about 40 units of roundoff times ``sum_i lambda_i |a_ij|`` <=
    ``sum_i lambda_i`` (every ``|a_ij| <= 1``); the bound adds ``1e-13
    sum(lambda)`` per coefficient for it. (A plain BLAS product needs an
    allowance growing with n, which failed the certificate for a
    well-fitted model at 10**6 rows with one fitted probability of 1e-4.)
    """
    import math

    n, p = A0.shape
    if n == 0:
        return False
    rows = _block_rows(p)
    k0 = min(n, rows)
    columns = _column_order(A0)
    buf = np.empty((p, k0))
    mu = np.empty(k0)
    flags = np.empty(k0, bool)
    top = np.zeros(p)
    parts: list[list[float]] = [[] for _ in range(p)]
    lam_min = math.inf
    lam_sums: list[float] = []
    for i in range(0, n, rows):
        k = min(rows, n - i)
        eta = _block_eta(A0, beta, i, rows, columns)
        m = _block_mu(eta, _block_exp(eta), flags[:k], mu[:k])
        resid = np.subtract(y[i : i + k], m, out=m)  # x_ij (y_i - mu_i) = x_ij s_i lambda_i
        # lambda = |y - mu|: 1 - mu (y = 1, the same rounding) or mu (y = 0) exactly
        lam = np.abs(resid, out=eta)
        lam_min = min(lam_min, float(lam.min()))
        lam_sums.append(float(lam.sum()))
        src = A0[i : i + k].T  # (p, k); rows contiguous for a design in column order
        top = np.maximum(top, np.maximum(src.max(axis=1), -src.min(axis=1)))
        t = np.multiply(src, resid, out=buf[:, :k])
        for j, v in enumerate(t.sum(axis=1)):
            parts[j].append(float(v))
    if not lam_min > 0:
        return False
    # The LP divides each column by its largest absolute value (scale).
    scale = np.where(top > 0, top, 1.0)
    r1 = sum(abs(math.fsum(v)) / float(sc) for v, sc in zip(parts, scale, strict=True))
    bound = (r1 + 1e-13 * p * math.fsum(lam_sums)) / lam_min
    return bool(bound <= 0.5 * SEPARATION_TOL * n)


def _distinct_rows(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of A (n, p), in the order they first occur, and how
    often each occurs."""
    if len(A) < 2:
        return A, np.ones(len(A))
    # -0.0 and 0.0 are one value; rows are compared bytewise as one record.
    B = np.ascontiguousarray(A + 0.0)
    keys = B.view(np.dtype((np.void, B.dtype.itemsize * B.shape[1]))).ravel()
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    order = np.argsort(first)  # in the order of first occurrence, as the rows came
    return A[first[order]], counts[order].astype(float)


def _separation_scaled(A0: np.ndarray, y: np.ndarray) -> tuple[str | None, np.ndarray]:
    from scipy.optimize import linprog

    scale = np.max(np.abs(A0), axis=0)
    scale[scale == 0] = 1.0
    A = (2 * y - 1)[:, None] * (A0 / scale)
    n, p = A.shape
    # Equal rows of A (same covariates, same outcome) are one constraint: the
    # programs run on the distinct rows, the objective counting each as often
    # as it occurs, so the optimum is the same (a design of categories and
    # rounded measurements has far fewer distinct rows than participants).
    A, counts = _distinct_rows(A)
    m = len(A)
    res = linprog(-(counts @ A), A_ub=-A, b_ub=np.zeros(m), bounds=[(-1, 1)] * p, method="highs")
    if res.status != 0 or -res.fun <= SEPARATION_TOL * n:
        return None, np.zeros(p)
    direction = np.where(np.abs(res.x) > 1e-9, res.x, 0.0) / scale
    # Complete separation: every observation strictly on its side.
    c = np.zeros(p + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-A, np.ones((m, 1))])
    res2 = linprog(c, A_ub=A_ub, b_ub=np.zeros(m), bounds=[(-1, 1)] * p + [(0, 1)], method="highs")
    kind = "complete" if res2.status == 0 and -res2.fun > SEPARATION_TOL else "quasi-complete"
    return kind, direction


def detect_separation(X: np.ndarray, y: np.ndarray) -> tuple[str | None, np.ndarray]:
    """Detect complete or quasi-complete separation by linear programming.

    Parameters
    ----------
    X : array-like (n, p)
        Design matrix including the intercept column.
    y : array-like (n,)
        0/1 outcome.

    Returns
    -------
    kind : {"complete", "quasi-complete", None}
    direction : ndarray (p,)
        A separating direction on the scaled design (zeros when none); its
        non-zero entries mark the coefficients that diverge (the intercept
        entry is not meaningful).

    Raises
    ------
    ParameterError
        X not 2-D, y not 0/1, or lengths that differ.

    See Also
    --------
    logistic_fit : runs this before a single maximum-likelihood fit.
    sarcostat.stats.logistic_regression, sarcostat.stats.or_per_sd

    Notes
    -----
    The design is first scaled as every fit is (columns centred and divided
    by their SD when there is an intercept), then each column divided by its
    largest absolute value. With :math:`s_i = 2y_i - 1` and rows
    :math:`a_i = s_i x_i`, the maximum likelihood estimate is infinite
    exactly when some direction :math:`b \\ne 0` has :math:`a_i' b \\ge 0`
    for every i with at least one strict inequality (Albert & Anderson
    1984). We maximise :math:`\\sum_i a_i' b` subject to :math:`A b \\ge 0`,
    :math:`|b_j| \\le 1`: an optimum above ``SEPARATION_TOL`` per observation
    means separation. A second program maximises :math:`t` subject to
    :math:`A b \\ge t` (complete separation when :math:`t >` ``SEPARATION_TOL``).
    R: ``detectseparation::detect_separation`` (Konis 2007) uses the same
    linear programs. SPSS has no such check.

    References
    ----------
    Albert A, Anderson JA. On the existence of maximum likelihood estimates in
    logistic regression models. Biometrika. 1984;71(1):1-10.
    doi:10.1093/biomet/71.1.1

    Examples
    --------
    >>> import numpy as np
    >>> X = np.column_stack([np.ones(6), [1., 2, 3, 4, 5, 6]])
    >>> detect_separation(X, [0, 0, 0, 1, 1, 1])[0]
    'complete'
    >>> detect_separation(X, [0, 1, 0, 1, 0, 1])[0] is None
    True
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.ndim != 1 or len(y) != X.shape[0]:
        raise ParameterError(
            "detect_separation: X must be 2-D (n, p) and y 1-D of length n. "
            f"Got X {X.shape} and y {y.shape} instead."
        )
    if not (np.all(np.isfinite(X)) and np.all(np.isin(y, (0.0, 1.0)))):
        raise ParameterError("detect_separation: X must be finite and y coded 0/1.")
    _, _, Xs, _ = _scaling(X[None], np.ones((1, len(y))))
    return _separation_scaled(Xs[0], y)
