"""CPU time and peak memory of the linear models at biobank scale (issue 20).

Usage::

    .venv/bin/python benchmarks/linear.py [--n 1000000] [--p 6]

Two parts, timed as CPU time (``time.process_time``, all threads) so the
load of a shared machine matters less than for wall clock:

* ``least_squares`` on one synthetic (n, p) design: the Cholesky path
  (well-conditioned columns) and the QR path (the same design with two
  nearly collinear columns, and the well-conditioned one with QR forced by
  ``GRAM_COND_MAX = 0``), with the peak of traced memory of each fit
  (tracemalloc; the design itself, n * p * 8 bytes, is made beforehand);
* the linear analyses of the seed study on a simulated cohort of n
  participants prepared as ``sarcostat.analyze`` prepares it (assessment,
  ``sex_male``, statuses): ``linear_regression`` (Table 2, adjusted and
  unadjusted), ``ls_means`` (Figure 1), ``quartile_trend`` (Figure 2),
  ``spline_regression(kind="linear")`` and ``log_effects(kind="linear")``.

Prints a markdown table (paste into benchmarks/README.md). Not a test:
timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import time
import tracemalloc
import warnings

import numpy as np


def _cpu(f, repeat: int = 3):
    best, out = np.inf, None
    for _ in range(repeat):
        c0 = time.process_time()
        out = f()
        best = min(best, time.process_time() - c0)
    return best, out


def _peak(f) -> float:
    tracemalloc.start()
    f()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def core(n: int, p: int) -> list[str]:
    from sarcostat.stats import fitting

    rng = np.random.default_rng(20)
    X = np.column_stack([np.ones(n), rng.normal(50, 10, (n, p - 1))])
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    ill = X.copy()
    ill[:, -1] = ill[:, -2] + 1e-4 * rng.normal(size=n)
    rows = []

    def forced_qr():
        old = fitting.GRAM_COND_MAX
        fitting.GRAM_COND_MAX = 0.0
        try:
            return fitting.least_squares(X, y)
        finally:
            fitting.GRAM_COND_MAX = old

    fast_t, fast = _cpu(lambda: fitting.least_squares(X, y))
    qr_t, qr = _cpu(forced_qr)
    ill_t, ill_fit = _cpu(lambda: fitting.least_squares(ill, y))
    diff = np.max(np.abs(fast.coef - qr.coef) / np.abs(qr.coef))
    for label, t, fit, peak in (
        ("well conditioned", fast_t, fast, _peak(lambda: fitting.least_squares(X, y))),
        ("well conditioned, QR forced", qr_t, qr, _peak(forced_qr)),
        (
            "two nearly collinear columns",
            ill_t,
            ill_fit,
            _peak(lambda: fitting.least_squares(ill, y)),
        ),
    ):
        rows.append(f"| {label} | {fit.path} | {t * 1000:.0f} ms | {peak:.0f} MB |")
    design = n * p * 8 / 1e6
    return [
        f"`least_squares`, n = {n:,}, p = {p} (the design: {design:.0f} MB); "
        f"Cholesky and QR estimates agree to {diff:.1e} (largest relative difference).",
        "",
        "| design | path | CPU | traced peak |",
        "|---|---|---|---|",
        *rows,
    ]


def analyses(n: int) -> list[str]:
    import sarcostat
    from sarcostat.datasets.simulate import simulate_cohort
    from sarcostat.stats.ancova import ls_means
    from sarcostat.stats.dose_response import log_effects
    from sarcostat.stats.regression import linear_regression
    from sarcostat.stats.splines import spline_regression
    from sarcostat.stats.trend import quartile_trend, quartiles

    warnings.simplefilter("ignore")
    raw = simulate_cohort(n, seed=20)
    res = sarcostat.analyze(raw, plan={"study": {"steps": ["table2"]}}, biomarker="sclerostin")
    d, bm, covs = res.data, res.biomarker, res.meta["covariates_model"]
    groups = quartiles(d[bm])
    work = {
        "linear_regression x3 (smi, grip, gait; + unadjusted)": lambda: [
            linear_regression(d, outcome=o, predictor=bm, covariates=covs, unadjusted="own")
            for o in ("smi", "grip_kg", "gait_speed_m_s")
        ],
        "ls_means x2 (sarcopenia, low strength; + unadjusted)": lambda: [
            ls_means(d, outcome=bm, group=s, covariates=covs, unadjusted="own")
            for s in ("sarcopenia", "low_strength")
        ],
        "quartile_trend x2 (smi, grip; + unadjusted)": lambda: [
            quartile_trend(
                d, outcome=o, biomarker=bm, covariates=covs, groups=groups, unadjusted="own"
            )
            for o in ("smi", "grip_kg")
        ],
        "spline_regression linear x2": lambda: [
            spline_regression(d, outcome=o, predictor=bm, covariates=covs, kind="linear")
            for o in ("smi", "grip_kg")
        ],
        "log_effects linear x2": lambda: [
            log_effects(d, outcome=o, biomarker=bm, covariates=covs, kind="linear")
            for o in ("smi", "grip_kg")
        ],
    }
    rows, total = [], 0.0
    for label, f in work.items():
        t, _ = _cpu(f, repeat=1)
        total += t
        rows.append(f"| {label} | {t:.2f} s |")
    return [
        f"Linear analyses of a simulated cohort of {n:,} (seed 20), adjusted for "
        f"{', '.join(covs)}:",
        "",
        "| analysis | CPU |",
        "|---|---|",
        *rows,
        f"| total | {total:.2f} s |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--p", type=int, default=6)
    parser.add_argument("--core-only", action="store_true", help="skip the cohort analyses")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    lines = core(args.n, args.p)
    if not args.core_only:
        lines += ["", *analyses(args.n)]
    lines += ["", f"Load average {load:.1f} at start (1-minute), {os.cpu_count()} cores."]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
