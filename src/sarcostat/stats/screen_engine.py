"""Batched kernels of the biomarker screen: many one-biomarker models at once.

Every biomarker j gets its own complete-case sample (rows where it is observed
and the outcome's shared rows are usable), yet nothing is fitted in a Python
loop over biomarkers. Each model's sufficient statistics are sums over rows of
products of columns, and a sum over the rows in biomarker j's mask is a matrix
product against the 0/1 mask matrix ``M`` (N x chunk), computed as the column
total minus the rows at j's missing entries. So one BLAS call per kind of
sum (per row block) gives every biomarker's small Gram matrix, and one
batched ``numpy.linalg.solve`` solves them all. The element-wise work
feeding those calls runs in compiled loops (`_screen_kernels`). No
N x P residual matrix is formed: the covariates are partialled out of each
biomarker inside its own (k + 1) x (k + 1) Gram matrix (Frisch-Waugh-Lovell
via the Schur complement).

Inputs are centred by the caller (approximate global means, which leave
every slope, t, z and p unchanged and keep the normal equations well
conditioned; the logistic kernel also wants unit scale for its step
tolerance), and rows that are unusable for the outcome carry weight 0.

Status codes (``STATUS_MESSAGES``) say per biomarker why no estimate was
produced; they are numbers so a block of results is one float array (cheap to
move between Dask workers).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from scipy import special
from scipy import stats as sps

from sarcostat.stats import _screen_kernels as _k
from sarcostat.stats.fitting import (
    DIVERGED,
    FIRTH_MAX_ITER,
    FIRTH_TOL,
    HALVING_SLACK,
    LOGIT_MAX_ITER,
    LOGIT_TOL,
    MAX_HALVINGS,
    cap_step,
    gram_rank_ok,
    logistic_fit,
)

__all__ = [
    "FIELDS",
    "STATUS_MESSAGES",
    "METHODS",
    "linear_prepare",
    "linear_block",
    "linear_rows",
    "linear_results",
    "logistic_prepare",
    "logistic_block",
    "logistic_rows",
    "logistic_sums",
    "score_block",
    "fit_null_logistic",
]

#: Result fields of one (biomarker, outcome) pair, in the order of the arrays.
FIELDS = (
    "n",
    "events",
    "estimate",
    "se",
    "std_beta",
    "statistic",
    "df",
    "p_value",
    "ci_lower",
    "ci_upper",
    "odds_ratio",
    "or_ci_lower",
    "or_ci_upper",
    "sd_biomarker",
    "sd_outcome",
    "status",
    "method",
    "iterations",
)
F = {name: i for i, name in enumerate(FIELDS)}

(
    OK,
    TOO_FEW,
    CONSTANT,
    COLLINEAR,
    COV_SINGULAR,
    ONE_CLASS,
    NO_CONVERGE,
    NON_NUMERIC,
    NO_IDS,
    NO_ROWS,
    FIRTH_NO_CONVERGE,
) = range(11)

STATUS_MESSAGES = {
    OK: "",
    TOO_FEW: "too few complete cases for the model",
    CONSTANT: "biomarker is constant among its complete cases",
    COLLINEAR: "biomarker is collinear with the covariates among its complete cases",
    COV_SINGULAR: "covariates are collinear or constant among this biomarker's complete cases",
    ONE_CLASS: "outcome has a single class among this biomarker's complete cases",
    NO_CONVERGE: "logistic model did not converge (possible separation; try firth=True)",
    NON_NUMERIC: "biomarker column is not numeric",
    NO_IDS: "no biomarker row matches a cohort participant id",
    NO_ROWS: "no participant has the outcome and all covariates",
    FIRTH_NO_CONVERGE: "Firth iterations did not converge within max_iter",
}

METHODS = {0: "linear", 1: "logistic", 2: "logistic-firth", 3: "score"}

#: Largest Newton step of a converged maximum-likelihood column. Each step
#: carries a second-order (Halley) correction, so the estimate's error is of
#: the order step³ = 2.7e-17: within `LOGIT_TOL`,
#: the single-model rule, at one pass over the data fewer.
ML_STEP_TOL = 3e-6
assert ML_STEP_TOL**3 < LOGIT_TOL

# A biomarker is constant among its complete cases when its sum of squares
# about its mean is below this fraction of its sum of squares about the
# (approximate) centre: rounding noise of that difference, not spread.
# Collinearity is not decided here but by the core's rank rule
# (`gram_rank_ok`, ``RANK_TOL`` = 1e-7 as R lm).
_CONST_TOL = 1e-10


def _pairs(k: int) -> Any:
    return np.triu_indices(k)


def _sym_from_pairs(rows: np.ndarray, k: int) -> np.ndarray:
    """(q, c) upper-triangle sums -> (c, k, k) symmetric matrices."""
    ia, ib = _pairs(k)
    c = rows.shape[1]
    out = np.empty((c, k, k))
    out[:, ia, ib] = rows.T
    out[:, ib, ia] = rows.T
    return out


def _triples(k: int) -> np.ndarray:
    """(t, 3) index triples a <= b <= c of the covariates (t = k(k+1)(k+2)/6)."""
    return np.array(list(itertools.combinations_with_replacement(range(k), 3)), dtype=int).reshape(
        -1, 3
    )


def _sym3_index(k: int) -> np.ndarray:
    """Where T[a, b, c] of a [Z, x] design lives in the stacked rows
    [zzz triples, zzx pairs, zxx, xxx] of `_sym3`."""
    d = k + 1
    tri = {tuple(t): i for i, t in enumerate(_triples(k))}
    ia, ib = _pairs(k)
    pair = {(a, b): i for i, (a, b) in enumerate(zip(ia, ib))}
    t, q = len(tri), len(pair)
    idx = np.empty((d, d, d), dtype=int)
    for a, b, c in itertools.product(range(d), repeat=3):
        a_, b_, c_ = sorted((a, b, c))
        if c_ < k:
            idx[a, b, c] = tri[(a_, b_, c_)]
        elif b_ < k:
            idx[a, b, c] = t + pair[(a_, b_)]
        elif a_ < k:
            idx[a, b, c] = t + q + a_
        else:
            idx[a, b, c] = t + q + k
    return idx


def _sym3(Tzzz: Any, Tzzx: Any, Tzxx: Any, Txxx: Any, k: Any) -> Any:
    """Third-derivative sums T_abc = sum w(1 - 2 mu) v_a v_b v_c of each
    column's [Z, x] design -> (c, k+1, k+1, k+1)."""
    rows = np.concatenate([Tzzz, Tzzx, Tzxx, Txxx[None, :]], axis=0)  # (R, c)
    return np.moveaxis(rows[_sym3_index(k)], -1, 0)


def _safe_solve(A: np.ndarray, B: np.ndarray, ok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve A[j] x = B[j] for the rows with ok[j]; others get NaN.

    The caller has already decided which matrices are usable (the rank rule
    on the structural Gram matrix); the others are replaced by I so that one
    batched LAPACK call serves all, and a non-finite solution is not ok.
    """
    A = A.copy()
    k = A.shape[-1]
    A[~ok] = np.eye(k)
    try:
        x = np.linalg.solve(A, B)
    except np.linalg.LinAlgError:
        x = np.full(B.shape, np.nan)
    x[~ok] = np.nan
    ok = ok & np.all(np.isfinite(x.reshape(len(x), -1)), axis=1)
    return x, ok


def _rank_status(G: np.ndarray, status: np.ndarray) -> np.ndarray:
    """COV_SINGULAR / COLLINEAR where the core's rank rule fails on each
    column's Gram matrix of [Z, x] (intercept first), for the columns still
    OK; `gram_rank_ok` is the single-model
    ``RANK_TOL`` rule, so a biomarker is collinear here exactly when
    ``linear_regression`` (and R ``lm``, NA coefficient) finds it so."""
    status = status.copy()
    idx = np.flatnonzero(status == OK)
    if len(idx):
        rank = gram_rank_ok(G[idx])
        cov_ok = np.all(rank[:, :-1], axis=1)
        status[idx[~cov_ok]] = COV_SINGULAR
        status[idx[cov_ok & ~rank[:, -1]]] = COLLINEAR
    return status


def _newton_step(info: np.ndarray, U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batched Newton step info[j] s[j] = U[j] (all NaN if a matrix is
    singular), capped by the core's rule (`cap_step`),
    and the largest absolute entry of the full step.

    The cap (as logistf's maxstep) keeps a diverging column (separation)
    from overflowing; it does not change a converged fit.
    """
    try:
        step = np.linalg.solve(info, U[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        step = np.full_like(U, np.nan)
    return cap_step(step), np.max(np.abs(step), axis=1)


def _empty(c: int) -> np.ndarray:
    out = np.full((c, len(FIELDS)), np.nan)
    out[:, F["status"]] = OK
    return out


#: Bytes of one row block's N x c temporaries in `_masked_sums` (three of
#: them: staged block, values, squares) and of the terms W of `_ml_pass`.
#: Sized for a core's own cache level (1 MB of L2 per core on the benchmark
#: machine): with 2 MB and 3 MB blocks (sized for L3) a logistic chunk took
#: about 12% more CPU time, and two threads shared the L3 between them
#: (benchmarks/README.md, screen).
_ROW_BYTES = 256 << 10
_ML_BYTES = 1 << 20
#: Columns of one tile of `_screen_kernels.logistic_pass` (a chunk's width).
_ML_TILE = 128
#: Entries (rows x active columns) from which `_ml_pass` cuts the rows into
#: parts for threads: a panel's passes (also its later ones over the few
#: dozen columns not yet converged), not one chunk's.
_ML_PARTS_FROM = 1 << 20


def _row_blocks(N: int, c: int) -> Any:
    """Row ranges whose N x c temporaries stay in cache (``_ROW_BYTES`` each)."""
    size = max(256, _ROW_BYTES // (8 * max(c, 1)))
    return [(s, min(N, s + size)) for s in range(0, N, size)]


def _pad8(L: np.ndarray) -> np.ndarray:
    """L with zero columns appended up to a multiple of 8 (C order): the
    row kernel adds a row of L per missing entry, and a width of whole
    SIMD vectors has no scalar remainder (measured: 8% of the row sweep).
    The zero columns' sums are zero and never read (as ``A``'s in
    `linear_prepare`)."""
    n, w = L.shape
    out = np.zeros((n, -(-w // 8) * 8))
    out[:, :w] = L
    return out


def linear_prepare(Z: np.ndarray, Y: np.ndarray, R: np.ndarray) -> dict:
    """The biomarker-independent left factors of `linear_block`'s sums.

    Computed once per screen (not per chunk). Rows usable for any outcome
    (``u``) carry the shared factors: products of covariate pairs and the
    covariates themselves (summed against each biomarker's mask and
    zero-filled values), Z*y and y^2 per outcome. Outcomes differ in their
    usable rows only on the few rows where some outcome is missing (``S``),
    so each row pattern's covariate sums are the shared sums minus a
    correction over those rows only: one matrix product over all rows
    serves every outcome, instead of one per pattern.
    """
    N, k = Z.shape
    m = Y.shape[1]
    ia, ib = _pairs(k)
    P = Z[:, ia] * Z[:, ib]  # (N, q) products of covariate pairs
    patterns: dict[bytes, int] = {}
    pat_of: list[int] = []
    pat_cols: list[np.ndarray] = []
    for o in range(m):
        key = np.packbits(R[:, o] > 0).tobytes()
        if key not in patterns:
            patterns[key] = len(pat_cols)
            pat_cols.append(R[:, o])
        pat_of.append(patterns[key])
    Rp = np.column_stack(pat_cols) if pat_cols else np.empty((N, 0))
    g = Rp.shape[1]
    u = np.zeros(N)
    for h in range(g):  # the largest 0/1 weight per row, column by column
        np.maximum(u, Rp[:, h], out=u)
    # [pairs | Z y per outcome | y^2 per outcome], written row by row (a
    # compiled loop) into the width `linear_row_sums` wants (a multiple of
    # 8, zero padded).
    q = P.shape[1]
    A = np.empty((N, -(-(q + m * k + m) // 8) * 8))
    _k.linear_factors(P, u, Z, np.ascontiguousarray(R * Y), np.ascontiguousarray(Y), A)
    B = np.concatenate([Z * u[:, None], R * Y], axis=1)
    drop = u[:, None] - Rp  # 1 where a pattern leaves out a usable row
    S = np.flatnonzero(drop.any(axis=1))
    dS = drop[S]
    Ac = (
        np.concatenate([P[S] * dS[:, [h]] for h in range(g)], axis=1)
        if g
        else np.empty((len(S), 0))
    )
    Bc = (
        np.concatenate([Z[S] * dS[:, [h]] for h in range(g)], axis=1)
        if g
        else np.empty((len(S), 0))
    )
    # The same corrections pattern by pattern, for `linear_rows`: the rows
    # a pattern leaves out (row indices into X, read in place) with their
    # covariate pairs and covariates (a row left out by two patterns is in
    # both). A quarter of the factors of the stacked form above, whose
    # rows carry zero weight for every pattern that keeps them.
    by_pattern = []
    for h in range(g):
        rows = np.flatnonzero(drop[:, h] > 0)
        by_pattern.append(
            (rows, _pad8(P[rows]), np.ascontiguousarray(Z[rows]), np.ones((len(rows), 1)))
        )
    return {
        "A": A,
        "A_total": A.sum(axis=0),
        "B": B,
        "u": u,
        "S": S,
        "Ac": Ac,
        "Bc": Bc,
        "Cc": dS,
        "by_pattern": by_pattern,
        "pat_of": pat_of,
        "k": k,
        "m": m,
        "q": P.shape[1],
        "g": g,
    }


def _masked_sums(
    X: Any,
    left_m: Any,
    left_x: Any,
    left_xx: Any,
    *,
    usable: Any = None,
    center: Any = None,
    scale: Any = None,
    g3: Any = None,
    total_m: Any = None,
) -> Any:
    """Sums over each column's observed (and usable) rows, block by block.

    Returns left_m' M, left_x' x0 and left_xx' x0² ((R, c) each) and the
    cubic sums g3' x0³ ((c,)), where x0 is the column centred and scaled
    ((x - center) * scale), 0 where missing or the row unusable, and M its
    0/1 mask. left_m' M is the column total of left_m over the usable rows
    (``total_m`` if given) minus its rows at each column's missing entries:
    with few missing values far cheaper than a product against M.
    """
    N, c = X.shape
    usable = np.ones(N, dtype=np.bool_) if usable is None else usable
    center = np.zeros(c) if center is None else center
    scale = np.ones(c) if scale is None else scale
    g3 = np.zeros(N) if g3 is None else g3
    if total_m is None:
        total_m = usable.astype(np.float64) @ left_m
    missing = np.zeros((c, left_m.shape[1]))
    KX = np.zeros((left_x.shape[1], c))
    QX = np.zeros((left_xx.shape[1], c))
    GX = np.zeros(c)
    blocks = _row_blocks(N, c)
    size = blocks[0][1] - blocks[0][0] if blocks else 0
    X0, X2, stage = np.empty((size, c)), np.empty((size, c)), np.empty((size, c))
    miss_i, miss_j = np.empty(size * c, dtype=np.int64), np.empty(size * c, dtype=np.int64)
    for s, e in blocks:
        h = e - s
        Xb = _c_order(X[s:e], stage)
        cnt = _k.masked_powers(
            Xb, usable[s:e], center, scale, g3[s:e], X0[:h], X2[:h], GX, miss_i, miss_j
        )
        _k.add_missing_rows(np.ascontiguousarray(left_m[s:e]), miss_i, miss_j, cnt, missing)
        KX += left_x[s:e].T @ X0[:h]
        QX += left_xx[s:e].T @ X2[:h]
    return total_m[:, None] - missing.T, KX, QX, GX


def _c_order(Xb: Any, stage: Any) -> Any:
    """The row block itself if C-contiguous, else a copy in ``stage`` (the
    compiled kernels want unit-stride rows; a DataFrame's columns hand out
    blocks with a wide row stride)."""
    if Xb.flags.c_contiguous:
        return Xb
    out = stage[: Xb.shape[0]]
    np.copyto(out, Xb)
    return out


def linear_block(
    X: np.ndarray,
    Z: np.ndarray,
    Y: np.ndarray,
    R: np.ndarray,
    *,
    confidence: float = 0.95,
    prep: dict | None = None,
    center: np.ndarray | None = None,
) -> list[np.ndarray]:
    """OLS of each outcome on [Z, x_j] over each biomarker's complete cases.

    Parameters
    ----------
    X : (N, c) float array, NaN where the biomarker is missing (centred).
    Z : (N, k) covariates with an intercept column first (standardized,
        zero where unusable).
    Y : (N, m) continuous outcomes (standardized, zero where unusable).
    R : (N, m) 0/1 weights: row usable for outcome o (outcome and all
        covariates present).
    prep : dict, optional
        `linear_prepare` (Z, Y, R), to reuse across chunks.
    center : (c,) array, optional
        Subtracted from X block by block (saves a pass over X); slopes, t
        and p do not depend on it, the conditioning of the sums does.

    Returns
    -------
    list of m arrays (c, len(FIELDS)), one per outcome, in the units of X
    and the standardized Y (the caller rescales estimate, se and the CI).
    """
    if prep is None:
        prep = linear_prepare(Z, Y, R)
    A, B, u, S = prep["A"], prep["B"], prep["u"], prep["S"]
    AM, BX, CX, _ = _masked_sums(X, A, B, u[:, None], center=center, total_m=prep["A_total"])
    # The same sums over the rows that some outcome leaves out, per pattern.
    AMc, BXc, CXc, _ = _masked_sums(X[S], prep["Ac"], prep["Bc"], prep["Cc"], center=center)
    return linear_results((AM, BX, CX[0], AMc, BXc, CXc), prep, confidence=confidence)


#: Rows per partial sum of `linear_rows` and `logistic_rows` (a fixed
#: partition, so the sums do not depend on how many threads add them up).
_ROW_PART = 4096


def _row_parts(N: int) -> list[tuple[int, int]]:
    """The fixed partition of N rows into the row sweeps' parts: parts of
    ``_ROW_PART`` rows, then the last two parts' rows in parts a quarter
    that size, so that two threads finish within a small part of each
    other (with equal parts to the end, one thread waited for the other's
    last part: about half a part, 0.01 s of a 0.2 s sweep)."""
    small = _ROW_PART // 4
    big = max(0, (N - 2 * _ROW_PART) // _ROW_PART * _ROW_PART)
    parts = [(s, s + _ROW_PART) for s in range(0, big, _ROW_PART)]
    return parts + [(s, min(N, s + small)) for s in range(big, N, small)]


def _add_parts(sums: Any) -> tuple:
    """The element-wise total of the row parts' sums (tuples of arrays),
    added in the parts' order as each comes in (from ``pool.map``: while
    the workers sweep the next parts, not after the last; not all held at
    once), into the first part's arrays. The same order whatever the
    number of threads, so the same total bit for bit."""
    total = next(sums)
    for more in sums:
        for acc, part in zip(total, more, strict=True):
            acc += part
    return total


def linear_rows(
    X: np.ndarray,
    prep: dict,
    center: np.ndarray,
    *,
    threads: int = 1,
    progress: Any = None,
) -> tuple:
    """`linear_block`'s sums for every column of a row-major X at once.

    One sweep over the rows of X (N x P, unit column stride: a table held
    row by row, as a NumPy array or a DataFrame built from one), by the
    compiled `linear_row_sums`: the memory is read
    in order, which a strip of a few hundred columns (the chunked path) is
    not. The rows are cut into fixed parts of ``_ROW_PART`` rows whose sums
    are added in order, whatever ``threads`` (worker threads taking parts;
    the kernel releases the GIL), so the result is the same bit for bit.
    ``progress(rows_done)`` is called after each part. Returns the sums for
    `linear_results`.
    """
    N, P = X.shape
    A, B, u = prep["A"], prep["B"], prep["u"]
    U = np.ascontiguousarray(u[:, None])
    parts = _row_parts(N)
    center = np.ascontiguousarray(center, dtype=np.float64)

    def run(rows: tuple) -> tuple:
        s, e = rows
        outT = np.zeros((P, A.shape[1]))
        KX = np.zeros((B.shape[1], P))
        QX = np.zeros((1, P))
        idx = np.arange(s, e, dtype=np.int64)
        _k.linear_row_sums(X, idx, center, A[s:e], B[s:e], U[s:e], outT, KX, QX, _scratch())
        return outT, KX, QX

    # The rows some outcome leaves out (a few percent), pattern by pattern,
    # read in place; stacked as `linear_block`'s corrections.
    k, q, g = prep["k"], prep["q"], prep["g"]

    def corrections() -> tuple:
        AMc, KXc, QXc = np.zeros((g * q, P)), np.zeros((g * k, P)), np.zeros((g, P))
        for h, (rows, Lh, Zh, ones) in enumerate(prep["by_pattern"]):
            outT = np.zeros((P, Lh.shape[1]))
            _k.linear_row_sums(
                X,
                rows,
                center,
                Lh,
                Zh,
                ones,
                outT,
                KXc[h * k : (h + 1) * k],
                QXc[h : h + 1],
                _scratch(),
            )
            AMc[h * q : (h + 1) * q] = Lh[:, :q].sum(axis=0)[:, None] - outT[:, :q].T
        return AMc, KXc, QXc

    if threads > 1 and len(parts) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            # The corrections as one more task beside the row parts (after
            # the sweep they ran on one core while the other waited).
            extra = pool.submit(corrections)
            outT, KX, QX = _add_parts(pool.map(run, parts))
            AMc, KXc, QXc = extra.result()
    else:
        outT, KX, QX = _add_parts(map(run, parts))
        AMc, KXc, QXc = corrections()
    if progress:
        progress(N)
    AM = prep["A_total"][:, None] - outT.T
    return AM, KX, QX[0], AMc, KXc, QXc


def _scratch() -> np.ndarray:
    """`linear_row_sums`' tile: 4 rows x 256 columns (8 KB, in L1)."""
    return np.empty((4, 256))


def linear_results(sums: tuple, prep: dict, *, confidence: float = 0.95) -> list[np.ndarray]:
    """The OLS results of `linear_block` from its sums (any columns).

    ``sums`` = (AM, BX, CX, AMc, BXc, CXc): the mask, value and square sums
    over every outcome's usable rows and their per-pattern corrections, as
    `linear_block` and `linear_rows` compute them.
    """
    AM, BX, CX, AMc, BXc, CXc = sums
    c = BX.shape[1]
    pat_of = prep["pat_of"]
    k, m, q = prep["k"], prep["m"], prep["q"]
    t_q = (1 + confidence) / 2
    results = []
    for o in range(m):
        h = pat_of[o]
        out = _empty(c)
        out[:, F["method"]] = 0
        Gzz = _sym_from_pairs(AM[:q] - AMc[h * q : (h + 1) * q], k)
        gzx = (BX[:k] - BXc[h * k : (h + 1) * k]).T  # (c, k)
        gzy = AM[q + o * k : q + (o + 1) * k].T  # (c, k)
        syy = AM[q + m * k + o]
        sxy = BX[k + o]
        sxx = CX - CXc[h]
        n = Gzz[:, 0, 0]
        out[:, F["n"]] = n
        df = n - k - 1
        ok = df >= 1
        sx = gzx[:, 0]
        sy = gzy[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            ssx = sxx - sx * sx / n
            ssy = syy - sy * sy / n
            const = ssx <= _CONST_TOL * sxx
        status = np.where(ok, OK, TOO_FEW)
        status = np.where((status == OK) & const, CONSTANT, status)
        status = _rank_status(_assemble_gram(Gzz, gzx, sxx), status)
        ok = status == OK
        sol, solved = _safe_solve(Gzz, np.stack([gzx, gzy], axis=2), ok)
        status = np.where(ok & ~solved, COV_SINGULAR, status)
        ok = status == OK
        a = sol[:, :, 0]
        b = sol[:, :, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            xmx = sxx - np.einsum("ij,ij->i", gzx, a)  # x' M_Z x
            xmy = sxy - np.einsum("ij,ij->i", gzx, b)  # x' M_Z y
            ymy = syy - np.einsum("ij,ij->i", gzy, b)  # y' M_Z y
            # The rank rule above decided collinearity; this only guards
            # against a Schur complement that rounding left non-positive.
            coll = ~(xmx > 0)
            status = np.where(ok & coll, COLLINEAR, status)
            ok = status == OK
            beta = xmy / xmx
            rss = ymy - beta * xmy
            sigma2 = rss / df
            se = np.sqrt(sigma2 / xmx)
            tval = beta / se
            sdx = np.sqrt(ssx / (n - 1))
            sdy = np.sqrt(ssy / (n - 1))
            p = 2 * sps.t.sf(np.abs(tval), df)
            tcrit = _t_quantile(t_q, df)
        vals = {
            "estimate": beta,
            "se": se,
            "std_beta": beta * sdx / sdy,
            "statistic": tval,
            "df": df,
            "p_value": p,
            "ci_lower": beta - tcrit * se,
            "ci_upper": beta + tcrit * se,
            "sd_biomarker": sdx,
            "sd_outcome": sdy,
        }
        for name, v in vals.items():
            out[:, F[name]] = np.where(ok, v, np.nan)
        out[:, F["status"]] = status
        results.append(out)
    return results


def _t_quantile(q: float, df: np.ndarray) -> np.ndarray:
    """``scipy.stats.t.ppf(q, df)`` for each entry of df, computed once per
    distinct df (the complete-case sizes of a panel take a few hundred
    values among thousands of columns): the same numbers, a tenth of the
    inverse-distribution calls."""
    values, where = np.unique(df, return_inverse=True)
    return np.asarray(sps.t.ppf(q, values))[where.reshape(df.shape)]


def fit_null_logistic(Z: np.ndarray, y: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Covariate-only logistic fit on the rows with r = 1 (warm start), by the
    core routine `sarcostat.stats.fitting.logistic_fit`; NaN when the
    covariates are collinear on those rows."""
    fit = logistic_fit(Z, y, weights=r, check_separation=False, names=None)
    coef = np.asarray(fit.coef, dtype=float)
    return coef if np.all(np.isfinite(coef)) else np.full(Z.shape[1], np.nan)


def _info_parts(P: Any, Z: Any, X0: Any, w: Any) -> tuple[Any, Any, Any]:
    """Fisher information blocks of each column's [Z, x] design with weights w."""
    Izz = P.T @ w  # (q, c)
    wx = w * X0
    Izx = Z.T @ wx  # (k, c)
    Ixx = np.einsum("ij,ij->j", wx, X0)  # (c,)
    return Izz, Izx, Ixx


def _assemble_gram(Gzz: Any, gzx: Any, sxx: Any) -> Any:
    """(c, k, k), (c, k), (c,) blocks -> (c, k + 1, k + 1) Gram matrices of [Z, x]."""
    c, k = gzx.shape
    G = np.empty((c, k + 1, k + 1))
    G[:, :k, :k] = Gzz
    G[:, :k, k] = gzx
    G[:, k, :k] = gzx
    G[:, k, k] = sxx
    return G


def _assemble(Izz: Any, Izx: Any, Ixx: Any, k: Any) -> Any:
    c = Ixx.shape[0]
    info = np.empty((c, k + 1, k + 1))
    info[:, :k, :k] = _sym_from_pairs(Izz, k)
    info[:, :k, k] = Izx.T
    info[:, k, :k] = Izx.T
    info[:, k, k] = Ixx
    return info


def _structure(X0: Any, M: Any, P: Any, Z: Any, y: Any, k: Any) -> Any:
    """n, events, complete-case SD of x and structural status per column."""
    n = M.sum(axis=0)
    events = y @ M
    sx = Z[:, 0] @ X0
    sxx = np.einsum("ij,ij->j", X0, X0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ssx = sxx - sx * sx / n
        sdx = np.sqrt(ssx / (n - 1))
    status = np.full(n.shape, OK)
    status[n < k + 2] = TOO_FEW
    status[(status == OK) & ((events == 0) | (events == n))] = ONE_CLASS
    status[(status == OK) & (ssx <= _CONST_TOL * np.maximum(sxx, 1.0))] = CONSTANT
    # Structural rank check (the core's rule) on the unweighted Gram matrix of [Z, x].
    if (status == OK).any():
        status = _rank_status(_assemble(*_info_parts(P, Z, X0, M), k), status)
    return n, events, sdx, status


def _masked(X: Any, r: Any) -> Any:
    """Mask (rows observed and usable) and zero-filled X, both float64."""
    M = ~np.isnan(X)
    M &= (r > 0)[:, None]
    X0 = np.where(M, X, 0.0)
    return M.astype(np.float64), X0


def logistic_prepare(Z: np.ndarray, y: np.ndarray, r: np.ndarray, gamma0: np.ndarray) -> dict:
    """The biomarker-independent factors of the maximum-likelihood passes.

    Computed once per binary outcome (not per chunk): the covariate pair and
    triple products, and the warm-start left factors of
    `_ml_prepass`, summed against each column's mask (L), centred
    value (K), its square (Q) and its cube (g0), with L's total over the
    usable rows.
    """
    N, k = Z.shape
    ia, ib = _pairs(k)
    P = Z[:, ia] * Z[:, ib]
    tri = _triples(k)
    Z3 = Z[:, tri[:, 0]] * Z[:, tri[:, 1]] * Z[:, tri[:, 2]]
    usable = r > 0
    ok0 = np.all(np.isfinite(gamma0))
    mu0 = special.expit(Z @ gamma0) if ok0 else np.full(N, 0.5)
    w0 = mu0 * (1 - mu0) * r
    e0 = (y - mu0) * r
    g0 = w0 * (1 - 2 * mu0)  # d w / d eta: third derivative weights
    L = np.concatenate([P, P * w0[:, None], Z * e0[:, None], y[:, None], Z3 * g0[:, None]], axis=1)
    K = np.concatenate([Z, Z * w0[:, None], e0[:, None], P * g0[:, None]], axis=1)
    Q = np.column_stack([np.ones(N), w0, Z * g0[:, None]])
    return {
        # C order: `_screen_kernels.logistic_pass` sums a block of their rows
        # at a time with BLAS, which wants contiguous blocks.
        "P": np.ascontiguousarray(P),
        "Z3": np.ascontiguousarray(Z3),
        "L": L,
        "K": K,
        "Q": Q,
        "g0": g0,
        "usable": usable,
        "L_total": usable.astype(np.float64) @ L,
        "k": k,
        "Z": np.ascontiguousarray(Z, dtype=np.float64),
        "y": np.ascontiguousarray(y, dtype=np.float64),
    }


def _ml_prepass(X: Any, prep: Any, center: Any = None, scale: Any = None, sums: Any = None) -> Any:
    """One blocked pass: sample sizes, events, complete-case SDs, structural
    checks, and the information, score and third-derivative sums of the
    log likelihood at the warm start.

    At the warm start (covariate-only fit, slope 0) every column shares the
    fitted values μ0, so all of these are sums of fixed row vectors against
    each column's mask or zero-filled values (or their powers): matrix
    products, block by block, with no exponential per element. ``sums``:
    those sums already computed for X's columns (`logistic_rows`, one
    sweep over a row-major panel); X is then not read.
    """
    P, Z3, k = prep["P"], prep["Z3"], prep["k"]
    q, t = P.shape[1], Z3.shape[1]
    if sums is None:
        sums = logistic_sums(X, prep, center, scale)
    LM, KX, QX, GX = sums
    c = X.shape[1]
    n, events, sx, sxx = LM[0], LM[2 * q + k], KX[0], QX[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ssx = sxx - sx * sx / n
        sdx = np.sqrt(ssx / (n - 1))
    status = np.full(c, OK)
    status[n < k + 2] = TOO_FEW
    status[(status == OK) & ((events == 0) | (events == n))] = ONE_CLASS
    status[(status == OK) & (ssx <= _CONST_TOL * np.maximum(sxx, 1.0))] = CONSTANT
    if (status == OK).any():  # structural rank of [Z, x] on the column's rows (the core's rule)
        status = _rank_status(_assemble(LM[:q], KX[:k], sxx, k), status)
    info0 = _assemble(LM[q : 2 * q], KX[k : 2 * k], QX[1], k)
    U0 = np.empty((c, k + 1))
    U0[:, :k] = LM[2 * q : 2 * q + k].T
    U0[:, k] = KX[2 * k]
    off = 2 * q + k + 1
    T0 = _sym3(LM[off : off + t], KX[2 * k + 1 :], QX[2:], GX, k)
    return n, events, sdx, status, info0, U0, T0


def logistic_sums(X: Any, prep: dict, center: Any, scale: Any) -> Any:
    """The sums `logistic_rows` gives for X's columns, by `_masked_sums` over
    column blocks (the chunked path, and the reference for the row sweep)."""
    return _masked_sums(
        X,
        prep["L"],
        prep["K"],
        prep["Q"],
        usable=prep["usable"],
        center=center,
        scale=scale,
        g3=prep["g0"],
        total_m=prep["L_total"],
    )


def logistic_rows(
    X: np.ndarray,
    prep: dict,
    center: np.ndarray,
    scale: np.ndarray,
    *,
    threads: int = 1,
) -> tuple:
    """`_ml_prepass`'s warm-start sums for every column of a row-major X at once.

    One sweep over the rows of X (N x P, unit column stride), by the
    compiled `logistic_row_sums`, instead of one strided read
    of each chunk of columns (the same sums; summed in another order, so
    equal to rounding). Rows are cut into fixed parts of ``_ROW_PART``
    rows whose sums are added in order, whatever ``threads``, so the result
    is the same bit for bit for any number of threads. Returns (LM, KX, QX,
    GX), each with one column per column of X; `logistic_block`
    takes a chunk's columns of them as ``sums``.
    """
    N, P = X.shape
    factors = (prep["L"], prep["K"], prep["Q"], prep["g0"][:, None])
    if not prep["usable"].all():
        # Rows that are not usable enter no sum: their factor rows are zero.
        r = prep["usable"].astype(np.float64)[:, None]
        factors = tuple(f * r for f in factors)
    L, K, Q, G = (np.ascontiguousarray(f) for f in factors)
    RL = L.shape[1]
    L = _pad8(L)
    center = np.ascontiguousarray(center, dtype=np.float64)
    scale = np.ascontiguousarray(scale, dtype=np.float64)
    parts = _row_parts(N)

    def run(rows: tuple) -> tuple:
        s, e = rows
        outT = np.zeros((P, L.shape[1]))
        KX = np.zeros((K.shape[1], P))
        QX = np.zeros((Q.shape[1], P))
        GX = np.zeros((1, P))
        _k.logistic_row_sums(
            X, s, e, center, scale, L, K, Q, G, outT, KX, QX, GX, np.empty((12, 256))
        )
        return outT, KX, QX, GX

    if threads > 1 and len(parts) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            outT, KX, QX, GX = _add_parts(pool.map(run, parts))
    else:
        outT, KX, QX, GX = _add_parts(map(run, parts))
    return prep["L_total"][:, None] - outT[:, :RL].T, KX, QX, GX[0]


def _halley(info: Any, T: Any, s1: Any) -> Any:
    """A Newton step s1 = I⁻¹U with its second-order (Halley-type) correction.

    The score along a step s is U(θ + s) = U - I s - T[s, s]/2 + O(|s|³)
    (T the third-derivative sums at θ), so s = I⁻¹(U - T[s1, s1]/2) lands
    within O(|s1|³) of the root instead of O(|s1|²). The correction is
    kept only where it is small against s1: far from the estimate the
    expansion means nothing, and plain Newton is the safer step there.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        try:
            corr = (
                -0.5
                * np.linalg.solve(info, np.einsum("jabc,jb,jc->ja", T, s1, s1)[:, :, None])[:, :, 0]
            )
        except np.linalg.LinAlgError:
            return s1
        small = np.max(np.abs(corr), axis=1) <= 0.1 * np.max(np.abs(s1), axis=1)
    return s1 + np.where(small[:, None], corr, 0.0)


def _halley_start(info0: Any, U0: Any, T0: Any) -> Any:
    """First step from the warm start: `_halley` with the warm-start
    sums (pure matrix products, no exponential per element).

    Only a starting point: the exact Newton passes that follow decide
    convergence. Zero where the warm-start information is unusable.
    """
    d = info0.shape[-1]
    good = np.all(np.isfinite(info0.reshape(len(info0), -1)), axis=1)
    A = np.where(good[:, None, None], info0, np.eye(d))
    try:
        s1 = np.linalg.solve(A, U0[:, :, None])[:, :, 0]
    except np.linalg.LinAlgError:
        return np.zeros_like(U0)
    step = _halley(A, T0, s1)
    ok = good & np.all(np.isfinite(step), axis=1)
    return np.where(ok[:, None], cap_step(step), 0.0)


def _flat(X: Any) -> tuple[Any, int, int]:
    """(flat, rs, cs): X's entry (i, j) is flat[i * rs + j * cs], flat a
    1-D unit-stride view of X's memory from its first entry to its last
    (no copy where X's strides are positive multiples of 8 bytes, as a
    column range of a row-major panel; else a C-order copy)."""
    N, c = X.shape
    s0, s1 = X.strides
    if X.dtype == np.float64 and N and c and s0 > 0 and s1 > 0 and not (s0 % 8 or s1 % 8):
        rs, cs = s0 // 8, s1 // 8
        span = (N - 1) * rs + (c - 1) * cs + 1
        return np.lib.stride_tricks.as_strided(X, shape=(span,), strides=(8,)), rs, cs
    Xc = np.ascontiguousarray(X, dtype=np.float64)
    return Xc.reshape(-1), c, 1


def _ml_pass(
    th: Any,
    cols: Any,
    X: Any,
    prep: Any,
    center: Any = None,
    scale: Any = None,
    threads: int = 1,
) -> Any:
    """Information, score and third-derivative sums of each column at th,
    in cache-sized row blocks.

    The same sums as the unblocked form, accumulated block by block by the
    compiled `_screen_kernels.logistic_pass`: every element-wise term
    (mask, η, μ, weights, residuals) is written to a block of a few hundred
    rows and a chunk's width of columns that stays in cache, so X is read
    from memory once per pass. The third-derivative sums T (weights
    w(1 - 2μ)) let the caller move the information to the end of a
    column's last Newton step without another pass (see `_newton_ml`).

    X may be a whole row-major panel (the pass then reads it row by row);
    its rows are cut into fixed parts (`_row_parts`) whose sums are added in
    order, on ``threads`` threads, so the sums are the same bit for bit for
    any number of threads.
    """
    Z, P, Z3, y, usable, k = prep["Z"], prep["P"], prep["Z3"], prep["y"], prep["usable"], prep["k"]
    a = len(cols)
    q, t = P.shape[1], Z3.shape[1]
    idx = np.ascontiguousarray(cols, dtype=np.int64)
    center = np.zeros(a) if center is None else np.ascontiguousarray(center[idx], dtype=np.float64)
    scale = np.ones(a) if scale is None else np.ascontiguousarray(scale[idx], dtype=np.float64)
    thz, thx = np.ascontiguousarray(th[:, :k].T), np.ascontiguousarray(th[:, k])
    flat, rs, cs = _flat(X)
    tile = _ML_TILE
    # Row blocks whose terms (``_ML_BYTES``) stay in cache.
    size = max(64, _ML_BYTES // (48 * min(a, tile)))
    N = X.shape[0]

    def run(rows: tuple) -> tuple:
        out = np.zeros((t, a)), np.zeros((q, 2 * a)), np.zeros((k, 3 * a)), np.zeros((3, a))
        _k.logistic_pass(
            flat,
            rs,
            cs,
            idx,
            rows[0],
            rows[1],
            usable,
            center,
            scale,
            Z,
            thz,
            thx,
            y,
            P,
            Z3,
            size,
            tile,
            *out,
        )
        return out

    # Parts only where each is worth a thread (the same parts whatever
    # ``threads``: the sums do not depend on it).
    parts = _row_parts(N) if N * a >= _ML_PARTS_FROM else [(0, N)]
    if len(parts) > 1 and threads > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            Tzzz, PB, ZB, S = _add_parts(pool.map(run, parts))
    else:
        Tzzz, PB, ZB, S = _add_parts(map(run, parts))
    Izz, Tzzx = PB[:, :a], PB[:, a:]
    Uz, Izx, Tzxx = ZB[:, :a], ZB[:, a : 2 * a], ZB[:, 2 * a :]
    Ux, Ixx, Txxx = S[0], S[1], S[2]
    U = np.empty((a, k + 1))
    U[:, :k] = Uz.T
    U[:, k] = Ux
    return _assemble(Izz, Izx, Ixx, k), U, _sym3(Tzzz, Tzzx, Tzxx, Txxx, k)


def _newton_ml(
    theta: Any,
    final_info: Any,
    iters: Any,
    status: Any,
    active: Any,
    X: Any,
    prep: Any,
    *,
    max_iter: Any,
    tol: Any,
    center: Any = None,
    scale: Any = None,
    threads: int = 1,
) -> Any:
    """Maximum-likelihood Newton iterations for the active columns (in place).

    Each step is one blocked pass (`_ml_pass`) at the current
    estimate, and the step is Newton's with the second-order correction
    from the same pass's third-derivative sums T (`_halley`). A
    column stops after a step s smaller than ``tol``; its estimate is then
    accurate to O(|s|³), and the information for its standard error is moved
    to the end of that step by I(θ + s) = I(θ) + T[s], accurate to O(|s|²)
    (about 1e-11 relative at the default tol 3e-6), instead of one more
    pass over the data.
    """
    k = prep["k"]
    for _ in range(max_iter):
        if not len(active):
            return
        info, U, T = _ml_pass(theta[active], active, X, prep, center, scale, threads)
        good = np.all(np.isfinite(info.reshape(len(active), -1)), axis=1)
        info[~good] = np.eye(k + 1)
        U[~good] = 0
        step, size = _newton_step(info, U)
        bad = ~np.isfinite(size) | ~good
        step = cap_step(_halley(info, T, step))
        size = np.max(np.abs(step), axis=1)
        theta[active] += np.where(np.isfinite(step), step, 0.0)
        # The core's divergence rule: a unit-SD slope beyond DIVERGED is separation.
        bad |= np.abs(theta[active, k]) > DIVERGED
        status[active[bad]] = NO_CONVERGE
        iters[active] += 1
        done = (size < tol) & ~bad
        if done.any():
            final_info[active[done]] = info[done] + np.einsum("jabc,jc->jab", T[done], step[done])
        active = active[~(done | bad)]
    status[active] = NO_CONVERGE


def _firth_state(th: Any, Xa: Any, Ma: Any, Z: Any, P: Any, yc: Any, k: Any) -> Any:
    """Fitted state of the columns in ``th``: mu, w, information and Firth's
    penalized log likelihood l + log|I|/2.

    Written with in-place operations: each N x chunk temporary costs a
    memory pass, and those passes are the bulk of the time.
    """
    eta = Z @ th[:, :k].T
    eta += Xa * th[:, k]
    obj = np.einsum("ij,ij->j", Ma, yc * eta - np.logaddexp(0.0, eta))
    mu = special.expit(eta, out=eta)
    w = 1.0 - mu
    w *= mu
    w *= Ma
    info = _assemble(*_info_parts(P, Z, Xa, w), k)
    sign, logdet = np.linalg.slogdet(info)
    obj = np.where(sign > 0, obj + 0.5 * logdet, -np.inf)
    return {"mu": mu, "w": w, "info": info, "obj": obj}


def _firth_score(state: Any, Xa: Any, Ma: Any, Z: Any, P: Any, yc: Any, k: Any) -> Any:
    """Firth's modified score U* = X'(y - mu + h(1/2 - mu)) of each active
    column, with the (possibly replaced) information and its usability.

    The leverages h_i = w_i [z_i, x_i] I^-1 [z_i, x_i]' come from products of
    the blocks of each column's inverse information with covariate pairs, so
    no N x N hat matrix is formed.
    """
    ia, ib = _pairs(k)
    pairs_w = np.where(ia == ib, 1.0, 2.0)
    mu, w, info = state["mu"], state["w"], state["info"]
    resid = yc - mu
    resid *= Ma
    good = np.all(np.isfinite(info.reshape(len(info), -1)), axis=1)
    info = np.where(good[:, None, None], info, np.eye(k + 1))
    try:
        inv = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        inv = np.full_like(info, np.nan)
    azz = inv[:, ia, ib].T * pairs_w[:, None]
    quad = P @ azz + 2 * Xa * (Z @ inv[:, :k, k].T) + Xa * Xa * inv[:, k, k]
    resid = resid + w * quad * (0.5 - mu)
    U = np.empty((len(info), k + 1))
    U[:, :k] = (Z.T @ resid).T
    U[:, k] = np.einsum("ij,ij->j", resid, Xa)
    U[~good] = 0
    return U, info, good


def _halve_where_worse(
    new: Any, old_obj: Any, th: Any, new_th: Any, step: Any, size: Any, Xa: Any, Ma: Any, args: Any
) -> Any:
    """Step halving (the core's rule) where the penalized likelihood fell (in place)."""
    for _ in range(MAX_HALVINGS):
        worse = ~(new["obj"] >= old_obj - HALVING_SLACK * np.abs(old_obj)) & np.isfinite(size)
        if not worse.any():
            return
        step[worse] /= 2
        new_th[worse] = th[worse] + step[worse]
        part = _firth_state(new_th[worse], Xa[:, worse], Ma[:, worse], *args)
        for key in ("mu", "w"):
            new[key][:, worse] = part[key]
        new["info"][worse] = part["info"]
        new["obj"][worse] = part["obj"]


def _newton_firth(
    theta: Any,
    final_info: Any,
    iters: Any,
    status: Any,
    active: Any,
    X0: Any,
    M: Any,
    Z: Any,
    P: Any,
    y: Any,
    *,
    max_iter: Any,
    tol: Any,
) -> Any:
    """Firth iterations for the active columns (in place): unblocked passes,
    the modified score, capped steps halved while the penalized likelihood
    falls (as logistf and `sarcostat.stats.fitting.logistic_fit`).
    Views, not copies, while every column is active."""
    k = Z.shape[1]
    args = (Z, P, y[:, None], k)
    c = X0.shape[1]
    Xa, Ma = (X0, M) if len(active) == c else (X0[:, active], M[:, active])
    state = _firth_state(theta[active], Xa, Ma, *args)
    for _ in range(max_iter):
        if not len(active):
            break
        th = theta[active]
        U, info, good = _firth_score(state, Xa, Ma, *args)
        step, size = _newton_step(info, U)
        new_th = th + step
        old_obj = state["obj"]
        state = None  # free the old N x chunk arrays before the new ones
        new = _firth_state(new_th, Xa, Ma, *args)
        _halve_where_worse(new, old_obj, th, new_th, step, size, Xa, Ma, args)
        theta[active] = new_th
        iters[active] += 1
        state = new
        bad = ~np.isfinite(size) | ~good
        status[active[bad]] = NO_CONVERGE
        done = (size < tol) | bad
        if done.any():
            final_info[active[done]] = state["info"][done]
            keep = ~done
            active = active[keep]
            Xa, Ma = Xa[:, keep], Ma[:, keep]
            state = {
                "mu": state["mu"][:, keep],
                "w": state["w"][:, keep],
                "info": state["info"][keep],
                "obj": state["obj"][keep],
            }
    status[active] = NO_CONVERGE


def _wald_fields(
    out: Any,
    theta: Any,
    final_info: Any,
    status: Any,
    sdx: Any,
    *,
    k: Any,
    confidence: Any,
    firth: Any,
) -> Any:
    """Estimates, Wald tests and intervals per complete-case SD of each
    converged column into ``out``; a non-finite SE or a diverging ML slope
    (the core's rule) turns the status to not converged (in place)."""
    ok = np.flatnonzero(status == OK)
    if not len(ok):
        return
    th = theta[ok]
    # Information at the final estimate (evaluated after the last step).
    cov = np.linalg.inv(final_info[ok])
    beta = th[:, k]
    se = np.sqrt(cov[:, k, k])
    z = beta / se
    zc = sps.norm.ppf((1 + confidence) / 2)
    sd = sdx[ok]
    # Per SD of the biomarker's own complete cases (n - 1), as or_per_sd.
    est, se_sd = beta * sd, se * sd
    vals = {
        "estimate": est,
        "se": se_sd,
        "statistic": z,
        "p_value": 2 * sps.norm.sf(np.abs(z)),
        "ci_lower": est - zc * se_sd,
        "ci_upper": est + zc * se_sd,
        "odds_ratio": np.exp(est),
        "or_ci_lower": np.exp(est - zc * se_sd),
        "or_ci_upper": np.exp(est + zc * se_sd),
        "sd_biomarker": sd,
    }
    for name, v in vals.items():
        out[ok, F[name]] = v
    big = ~np.isfinite(se)
    if not firth:  # the core's divergence rule (Firth estimates stay finite)
        big |= np.abs(beta) > DIVERGED
    status[ok[big]] = NO_CONVERGE


def logistic_block(
    X: np.ndarray,
    Z: np.ndarray,
    y: np.ndarray,
    r: np.ndarray,
    gamma0: np.ndarray,
    *,
    firth: bool = False,
    confidence: float = 0.95,
    max_iter: int | None = None,
    tol: float | None = None,
    center: np.ndarray | None = None,
    scale: np.ndarray | None = None,
    prep: dict | None = None,
    sums: tuple | None = None,
    threads: int = 1,
) -> np.ndarray:
    """Logistic regression of y on [Z, x_j] over each biomarker's complete cases.

    Batched Newton-Raphson (= IRLS for the canonical link) over all columns
    at once, warm-started at the covariate-only fit ``gamma0`` with slope 0;
    converged columns leave the active set. Convergence: largest step below
    ``tol`` on the unit-SD scale. Maximum likelihood: every step is Newton's
    with a second-order (Halley-type) correction from the third-derivative
    sums, the first from the warm-start sums (`_halley_start`), so the
    estimate is accurate to about tol³, and the information used for the
    standard errors is moved to the end of the last step by those sums
    (`_newton_ml`), accurate to about tol². Default tol 3e-6 (about
    1e-16 and 1e-11; with 1e-5 a heavy-tailed biomarker's SE was off by
    1.6e-9). Firth: the information is evaluated after the last
    step; default tol 1e-10, because that iteration (Fisher scoring on the
    modified score) converges only linearly. With ``firth=True`` the
    score is Firth's modified score U*(θ) = X'(y - μ + h(1/2 - μ)); the
    leverages h_i = w_i x_i' I⁻¹ x_i come from products of the blocks of each
    column's inverse information with covariate pairs, so no N x N hat
    matrix is formed, and steps are halved while the penalized likelihood
    falls (as logistf). Standard errors come from the inverse Fisher
    information at the estimate (Wald), also for Firth.

    ``prep``: `logistic_prepare` (Z, y, r, gamma0), to reuse across
    chunks. ``sums``: the warm-start sums of X's columns from
    `logistic_rows` (maximum likelihood only; computed here
    when not given). ``threads``: threads for the exact passes over a
    large X (a whole panel; the results do not depend on it).

    The model is fitted to x_j = (X[:, j] - center[j]) * scale[j] (by
    default X itself): the caller centres and scales each column to about
    unit SD, since ``tol`` is on that scale, and the maximum-likelihood
    passes apply it on the fly instead of copying the chunk.

    Returns one (c, len(FIELDS)) array; ``estimate`` is the log odds ratio
    per complete-case SD of the biomarker; ``sd_biomarker`` is that SD on
    the centred and scaled values.
    """
    N, c = X.shape
    k = Z.shape[1]
    if tol is None:
        tol = FIRTH_TOL if firth else ML_STEP_TOL
    if max_iter is None:
        max_iter = FIRTH_MAX_ITER if firth else LOGIT_MAX_ITER
    ia, ib = _pairs(k)
    if not firth and prep is None:
        prep = logistic_prepare(Z, y, r, gamma0)
    P = prep["P"] if prep is not None else Z[:, ia] * Z[:, ib]
    out = _empty(c)
    out[:, F["method"]] = 2 if firth else 1
    if firth:
        if center is not None or scale is not None:
            X = (X - (0.0 if center is None else center)) * (1.0 if scale is None else scale)
        M, X0 = _masked(X, r)
        n, events, sdx, status = _structure(X0, M, P, Z, y, k)
    else:
        n, events, sdx, status, info0, U0, T0 = _ml_prepass(X, prep, center, scale, sums)
    out[:, F["n"]] = n
    out[:, F["events"]] = events
    if not np.all(np.isfinite(gamma0)):
        status[status == OK] = COV_SINGULAR

    theta = np.zeros((c, k + 1))
    theta[:, :k] = gamma0
    iters = np.zeros(c)
    final_info = np.full((c, k + 1, k + 1), np.nan)
    active = np.flatnonzero(status == OK)
    if firth:
        _newton_firth(
            theta, final_info, iters, status, active, X0, M, Z, P, y, max_iter=max_iter, tol=tol
        )
    else:
        if len(active):
            theta[active] += _halley_start(info0[active], U0[active], T0[active])
            iters[active] += 1
        _newton_ml(
            theta,
            final_info,
            iters,
            status,
            active,
            X,
            prep,
            max_iter=max_iter - 1,
            tol=tol,
            center=center,
            scale=scale,
            threads=threads,
        )
    _wald_fields(out, theta, final_info, status, sdx, k=k, confidence=confidence, firth=firth)
    if firth:
        status[status == NO_CONVERGE] = FIRTH_NO_CONVERGE
    out[:, F["iterations"]] = iters
    out[:, F["status"]] = status
    bad = status != OK
    keep_cols = [F[f] for f in ("n", "events", "status", "method", "iterations")]
    mask = np.ones(len(FIELDS), bool)
    mask[keep_cols] = False
    out[np.ix_(bad, mask)] = np.nan
    return out


def score_block(
    X: np.ndarray, Z: np.ndarray, y: np.ndarray, r: np.ndarray, gamma0: np.ndarray
) -> np.ndarray:
    """Rao score test of the biomarker slope at the covariate-only fit.

    The efficient score U_x - I_xz I_zz⁻¹ U_z and its variance
    I_xx - I_xz I_zz⁻¹ I_zx are built from the mask-restricted sums at the
    null fit on the outcome's shared rows. Without missing biomarker values
    U_z = 0 and this is exactly the score test; with missing values it is the
    score test after one Newton step of the null model on the biomarker's own
    rows (an approximation, used only to pre-screen).
    """
    N, c = X.shape
    k = Z.shape[1]
    M, X0 = _masked(X, r)
    ia, ib = _pairs(k)
    P = Z[:, ia] * Z[:, ib]
    out = _empty(c)
    out[:, F["method"]] = 3
    n, events, sdx, status = _structure(X0, M, P, Z, y, k)
    out[:, F["n"]] = n
    out[:, F["events"]] = events
    mu = special.expit(Z @ gamma0)
    w0 = mu * (1 - mu) * r
    e = (y - mu) * r
    Ux = e @ X0
    Uz = (Z * e[:, None]).T @ M  # (k, c)
    Izz = _sym_from_pairs((P * w0[:, None]).T @ M, k)
    Izx = ((Z * w0[:, None]).T @ X0).T  # (c, k)
    Ixx = w0 @ (X0 * X0)
    ok = status == OK
    sol, solved = _safe_solve(Izz, np.stack([Izx, Uz.T], axis=2), ok)
    status[ok & ~solved] = COV_SINGULAR
    ok = status == OK
    with np.errstate(divide="ignore", invalid="ignore"):
        u = Ux - np.einsum("ij,ij->i", Izx, sol[:, :, 1])
        v = Ixx - np.einsum("ij,ij->i", Izx, sol[:, :, 0])
        stat = u * u / v
        p = sps.chi2.sf(stat, 1)
    out[:, F["statistic"]] = np.where(ok, stat, np.nan)
    out[:, F["p_value"]] = np.where(ok, p, np.nan)
    out[:, F["sd_biomarker"]] = np.where(ok, sdx, np.nan)
    out[:, F["status"]] = status
    return out
