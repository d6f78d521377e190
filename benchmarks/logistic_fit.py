"""CPU time of one large logistic model (issue 20): the core routine
`sarcostat.stats.fitting.logistic_fit` as it runs (blocked state, subsample
start, separation certificate) against the same iteration from zero
(``WARM_MIN_ROWS`` raised above n), on simulated designs like Table 3's
(biomarker, age, sex, BMI; outcome prevalence about 5 % and 0.5 %).

    python benchmarks/logistic_fit.py [--n 1000000] [--repeat 3]

Prints CPU seconds (best of ``--repeat``), full-data iterations and the
largest relative difference of the estimates and SEs between the two. The
target of issue 20 this serves: the 60 logistic fits of ``analyze`` at
10**6 rows in <= 8 s CPU on 2 cores (about 48 s before).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import sarcostat.stats.fitting as fitting


def design(n: int, rare: bool, seed: int = 20) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    age = rng.normal(75, 7, n)
    male = (rng.random(n) < 0.45).astype(float)
    bmi = rng.normal(26, 4, n)
    bio = rng.lognormal(3.7, 0.35, n) + 0.05 * age
    eta = -9 + 0.08 * age - 0.6 * male - 0.05 * bmi + 0.03 * bio - (2.5 if rare else 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return np.column_stack([np.ones(n), bio, age, male, bmi]), y


def timed(X: np.ndarray, y: np.ndarray, repeat: int) -> tuple[float, fitting.LogisticFit]:
    best, fit = np.inf, None
    for _ in range(repeat):
        t = time.process_time()
        fit = fitting.logistic_fit(X, y)
        best = min(best, time.process_time() - t)
    assert fit is not None
    return best, fit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10**6)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    warm_min = fitting.WARM_MIN_ROWS
    print("| outcome | n | path | CPU s | iterations | max rel. diff |")
    print("|---|---|---|---|---|---|")
    for rare in (False, True):
        X, y = design(args.n, rare)
        label = f"{y.mean():.1%} events"
        fitting.WARM_MIN_ROWS = warm_min
        t_fast, fast = timed(X, y, args.repeat)
        fitting.WARM_MIN_ROWS = 10**15
        t_zero, zero = timed(X, y, args.repeat)
        fitting.WARM_MIN_ROWS = warm_min
        se_f, se_z = np.sqrt(np.diag(fast.cov)), np.sqrt(np.diag(zero.cov))
        diff = max(
            float(np.max(np.abs(fast.coef - zero.coef) / np.abs(zero.coef))),
            float(np.max(np.abs(se_f - se_z) / se_z)),
        )
        print(f"| {label} | {args.n:,} | as run | {t_fast:.3f} | {fast.iterations} | {diff:.1e} |")
        print(f"| {label} | {args.n:,} | from zero | {t_zero:.3f} | {zero.iterations} | |")


if __name__ == "__main__":
    main()
