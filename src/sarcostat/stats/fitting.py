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
    1e-7); single models then raise `ModelError` naming the columns.
Least-squares path
    One blocked pass over the rows forms the Gram matrix of the centred
    design and outcome. When the scaled Gram matrix's condition number is at
    most ``GRAM_COND_MAX`` (1e3), its Cholesky factor (the R of QR up to
    signs) gives the estimates: the error is about that number times the
    rounding unit, and R's diagonal entries cannot differ by the rank rule's
    factor. Otherwise QR of the scaled design decides the rank and gives the
    estimates, as R ``lm`` does. The residual sum of squares is summed from
    the residuals either way.
Logistic iterations
    Newton-Raphson (= IRLS for the logit link) from zero on the scaled
    design; a step larger than ``MAX_STEP`` in any scaled coefficient is
    shrunk to it (as R logistf's ``maxstep``); a step that lowers the
    (penalised) log likelihood is halved, at most ``MAX_HALVINGS`` times.
    Converged when the largest full Newton step is below ``LOGIT_TOL`` (ML,
    at most ``LOGIT_MAX_ITER`` iterations; Newton converges quadratically)
    or ``FIRTH_TOL`` (Firth, at most ``FIRTH_MAX_ITER``: Firth's iteration
    uses the Fisher information of the unpenalised model, as logistf, and
    converges only linearly, slowly under separation).
Separation
    Checked for a single maximum-likelihood fit by the linear programs
    of `detect_separation` on the scaled design (optimum above
    ``SEPARATION_TOL`` per observation); a separated fit gives NaN. A fit
    that converged with every fitted probability away from 0 and 1 proves
    the LP optimum small (Gordan's alternative, `_no_separation`) and
    skips the programs, which cost seconds at 10**6 rows. Batched fits without that check
    (the power simulations) count a data set as separated when its fit does
    not converge or a scaled coefficient exceeds ``DIVERGED``.
Firth
    Firth's penalised likelihood ``l(b) + log|I(b)|/2``, modified score
    ``X'(y - mu + h(1/2 - mu))``; covariance from the inverse Fisher
    information at the estimate (Wald).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sarcostat.exceptions import ModelError, ParameterError

__all__ = [
    "RANK_TOL",
    "GRAM_COND_MAX",
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
    n = G[:, 0, 0]
    ok = np.zeros((s, p), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = G[:, 0, 1:] / n[:, None]
        C = G[:, 1:, 1:] / n[:, None, None] - mean[:, :, None] * mean[:, None, :]
        sd = np.sqrt(np.maximum(np.diagonal(C, axis1=1, axis2=2), 0.0))
        scale = np.where(sd > 0, sd, 1.0)
        A = C / (scale[:, :, None] * scale[:, None, :])
    d = np.ones((s, p))
    for j in range(p - 1):
        piv = A[:, j, j].copy()
        d[:, j + 1] = np.sqrt(np.maximum(piv, 0.0))
        use = piv > RANK_TOL**2
        safe = np.where(use, piv, 1.0)
        col = np.where(use[:, None], A[:, j + 1 :, j], 0.0)
        A[:, j + 1 :, j + 1 :] -= col[:, :, None] * col[:, None, :] / safe[:, None, None]
    good = (n > 0) & np.all(np.isfinite(A.reshape(s, -1)), axis=1)
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
#: relative error is about this number times the rounding unit (2.2e-16), so
#: both paths agree far below 1e-10; a design past it (nearly collinear
#: columns, spline bases) takes QR, whose error grows only with the square
#: root. Below it the scaled R's diagonal entries are within a factor
#: sqrt(GRAM_COND_MAX) of each other, far from ``RANK_TOL``: such a design
#: has full rank by the rank rule, so the verdict needs no QR.
GRAM_COND_MAX = 1e3
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
    (R and Q'y without forming Q) does, and decides the rank. A second
    pass sums the squared residuals.
    """
    X, Y, W, single = _stack(X, y, weights, function)
    assert Y is not None
    s, n, p = X.shape
    used = W > 0
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
    if fast.any():
        L = np.linalg.cholesky(A[fast])
        r[fast] = np.swapaxes(L, 1, 2)
        z[fast] = np.linalg.solve(L, Gs[fast, :p, p][:, :, None])[:, :, 0]
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
    rss = _residual_ss(X, Y, centre, ybar, c / scale, used)
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
    (penalised, for Firth) log likelihood; ``separation`` (single models with
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


def _logit_state(
    Xs: np.ndarray, Y: np.ndarray, W: np.ndarray, beta: np.ndarray, firth: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """mu, weights, information and (penalised) log likelihood at beta."""
    eta = (Xs @ beta[:, :, None])[:, :, 0]
    mu = _expit(eta)
    w = mu * (1 - mu) * W
    # X'WX through BLAS (a three-operand einsum loops in C without it: 10x slower at 10**6 rows).
    info = np.swapaxes(Xs, 1, 2) @ (Xs * w[:, :, None])
    ll = np.einsum("sn,sn->s", W, Y * eta - np.logaddexp(0.0, eta))
    if firth:
        sign, logdet = np.linalg.slogdet(info)
        ll = np.where(sign > 0, ll + 0.5 * logdet, -np.inf)
    return mu, w, info, ll


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
) -> LogisticFit:
    """Maximum-likelihood or Firth logistic regression (the rules of the module).

    ``X`` (n, p) or (s, n, p) with 0/1 ``y`` (n,) / (s, n); ``weights`` 0/1
    marks the rows used. A single design is checked for rank (ModelError
    naming ``names``) and, when ``check_separation``, for separation; a
    separated single ML fit returns NaN estimates with ``separation`` set.
    Stacks skip the linear program: a diverging or non-converged data set
    has ``converged = False``.
    """
    X, Y, W, single = _stack(X, y, weights, function)
    assert Y is not None
    s, n, p = X.shape
    used = W > 0
    if not np.all(np.isin(Y[used], (0.0, 1.0))):
        raise ParameterError(f"{function}: y must be coded 0/1.")
    max_iter = (FIRTH_MAX_ITER if firth else LOGIT_MAX_ITER) if max_iter is None else max_iter
    tol = (FIRTH_TOL if firth else LOGIT_TOL) if tol is None else tol
    centre, scale, Xs, _ = _scaling(X, W)
    Xs = np.where(used[:, :, None], Xs, 0.0)
    Yw = np.where(used, Y, 0.0)
    if single:
        _, r = np.linalg.qr(Xs[0])
        if not _rank_ok(r[None])[0]:
            _raise_collinear(X[0][used[0]], names, function)
    separation: str | None = None
    sep_cols: tuple[int, ...] = ()
    if single and check_separation and firth:
        separation, direction = _separation_scaled(Xs[0][used[0]], Yw[0][used[0]])
        sep_cols = tuple(int(j) for j in np.flatnonzero(direction))

    beta = np.zeros((s, p))
    mu, w, info, ll = _logit_state(Xs, Yw, W, beta, firth)
    active = np.ones(s, bool)
    converged = np.zeros(s, bool)
    iters = np.zeros(s, int)
    eye = np.eye(p)
    for _ in range(max_iter):
        if not active.any():
            break
        a = np.flatnonzero(active)
        inf_a = info[a]
        good = np.isfinite(inf_a).all(axis=(1, 2)) & (np.linalg.cond(inf_a) < 1e15)
        inf_a = np.where(good[:, None, None], inf_a, eye)
        resid = (Yw[a] - mu[a]) * W[a]
        if firth:
            inv = np.linalg.inv(inf_a)
            h = w[a] * np.einsum("sni,sij,snj->sn", Xs[a], inv, Xs[a])
            resid = resid + h * (0.5 - mu[a])
        score = np.einsum("snp,sn->sp", Xs[a], resid)
        step = np.linalg.solve(inf_a, score[:, :, None])[:, :, 0]
        size = np.max(np.abs(step), axis=1)
        step = cap_step(step)
        t = np.ones(len(a))
        new = beta[a] + step
        st = _logit_state(Xs[a], Yw[a], W[a], new, firth)
        for _ in range(MAX_HALVINGS):
            worse = ~(st[3] >= ll[a] - HALVING_SLACK * np.abs(ll[a]))
            if not worse.any():
                break
            t = np.where(worse, t / 2, t)
            new = beta[a] + t[:, None] * step
            st = _logit_state(Xs[a], Yw[a], W[a], new, firth)
        beta[a] = new
        mu[a], w[a], info[a], ll[a] = st
        iters[a] += 1
        done = good & (size < tol)
        bad = ~good | ~np.isfinite(size)
        if not firth:  # diverging towards separation: stop, not converged
            bad |= np.max(np.abs(beta[a]), axis=1) > DIVERGED
        converged[a[done]] = True
        active[a[done | bad]] = False

    if single and check_separation and not firth:
        # A converged fit whose score equations certify that no separating
        # direction exists (see _no_separation) needs no linear program; the
        # answer is the same, without two LPs over every row.
        rows = used[0]
        if not (converged[0] and _no_separation(Xs[0][rows], Yw[0][rows], mu[0][rows])):
            separation, direction = _separation_scaled(Xs[0][rows], Yw[0][rows])
            sep_cols = tuple(int(j) for j in np.flatnonzero(direction))
            if separation is not None:
                nan = np.full(p, np.nan)
                return LogisticFit(
                    nan, np.full((p, p), np.nan), False, 0, np.nan, separation, sep_cols
                )

    finite = np.isfinite(info).all(axis=(1, 2))
    finite[finite] = np.linalg.cond(info[finite]) < 1e15
    cov_s = np.linalg.inv(np.where(finite[:, None, None], info, eye))
    cov_s[~finite] = np.nan
    diverged = np.max(np.abs(beta), axis=1) > DIVERGED if not firth else np.zeros(s, bool)
    converged &= finite & ~diverged
    coef, cov = _back(beta, cov_s, centre, scale)
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
def _no_separation(A0: np.ndarray, y: np.ndarray, mu: np.ndarray) -> bool:
    """True when the fitted probabilities ``mu`` prove that the first linear
    program of `_separation_scaled` stays below ``SEPARATION_TOL`` per
    observation, so the data are not separated.

    With ``a_i = s_i x_i / scale`` (the LP's rows, ``s_i = 2 y_i - 1``) and
    ``lambda_i = 1 - mu_i`` (``y_i = 1``) or ``mu_i`` (``y_i = 0``), both
    positive, ``A' lambda = r`` is the scaled score ``X'(y - mu) / scale``:
    near zero at the maximum-likelihood estimate. For every ``b`` the LP
    allows (``A b >= 0``, ``|b_j| <= 1``), ``sum_i a_i' b <= (lambda' A b) /
    min(lambda) = r' b / min(lambda) <= |r|_1 / min(lambda)`` (Gordan's
    alternative, made quantitative). A bound at most half the LP's threshold
    leaves the solver's own rounding far behind; otherwise the LP decides.
    """
    n = len(y)
    if n == 0:
        return False
    scale = np.max(np.abs(A0), axis=0)
    scale[scale == 0] = 1.0
    resid = y - mu
    lam = np.where(y > 0.5, 1.0 - mu, mu)
    lam_min = float(lam.min())
    if not lam_min > 0:
        return False
    r = (resid @ A0) / scale
    # |r|_1 plus a generous allowance for the rounding of its n-term sums.
    bound = (float(np.abs(r).sum()) + 1e-12 * n * A0.shape[1]) / lam_min
    return bool(bound <= 0.5 * SEPARATION_TOL * n)


def _separation_scaled(A0: np.ndarray, y: np.ndarray) -> tuple[str | None, np.ndarray]:
    from scipy.optimize import linprog

    scale = np.max(np.abs(A0), axis=0)
    scale[scale == 0] = 1.0
    A = (2 * y - 1)[:, None] * (A0 / scale)
    n, p = A.shape
    res = linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(n), bounds=[(-1, 1)] * p, method="highs")
    if res.status != 0 or -res.fun <= SEPARATION_TOL * n:
        return None, np.zeros(p)
    direction = np.where(np.abs(res.x) > 1e-9, res.x, 0.0) / scale
    # Complete separation: every observation strictly on its side.
    c = np.zeros(p + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-A, np.ones((n, 1))])
    res2 = linprog(c, A_ub=A_ub, b_ub=np.zeros(n), bounds=[(-1, 1)] * p + [(0, 1)], method="highs")
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
