"""Benchmark of the biomarker screen against a per-biomarker statsmodels loop.

Synthetic cohort of N participants x P biomarkers with 5% missing biomarker
values, 4 continuous outcomes (linear) and 1 binary outcome (logistic), all
adjusted for age, sex and BMI. Reports wall time, models/s and peak memory of
the batched engine and of a statsmodels loop (run on a subset of biomarkers
and extrapolated linearly, stated as such), the largest relative difference
between the two, and the ratio of the engine's time to one memory pass over
the biomarker matrix (N*P*8 bytes at the measured copy bandwidth).

Usage::

    python benchmarks/screen.py                      # N=50,000 x P=3,000
    python benchmarks/screen.py --n 20000 --p 500    # smaller
    python benchmarks/screen.py --readme benchmarks/README.md   # write the table

Not part of ``make test`` (it allocates N*P*8 bytes several times).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path


def _args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=50_000, help="participants (default 50,000)")
    p.add_argument("--p", type=int, default=3_000, help="biomarkers (default 3,000)")
    p.add_argument(
        "--loop-p",
        type=int,
        default=20,
        help="biomarkers for the statsmodels loop, extrapolated to P (default 20)",
    )
    p.add_argument("--chunk-size", type=int, default=128)
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="screen(threads=...) for every engine timing (default: the "
        "library's default, the usable cores); with more than 1 the "
        "in-memory linear and logistic screens are also timed with 1",
    )
    p.add_argument(
        "--blas-threads",
        type=int,
        default=None,
        help="set OPENBLAS/OMP/MKL_NUM_THREADS before numpy loads",
    )
    p.add_argument(
        "--dask",
        action="store_true",
        help="also time the Dask path (local cluster, 2 workers x 1 thread)",
    )
    p.add_argument("--skip-logistic", action="store_true")
    p.add_argument("--json", metavar="FILE", help="write the results as JSON")
    p.add_argument(
        "--readme",
        metavar="FILE",
        help="replace the results table between the screen markers in FILE",
    )
    p.add_argument("--note", default="", help="free text for the README (machine load...)")
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args(argv)


ARGS = _args() if __name__ == "__main__" else None
if ARGS is not None and ARGS.blas_threads:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.blas_threads)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

CONT = ["smi", "grip_kg", "gait_speed_m_s", "chair_stand_5x_s"]
BIN = ["sarcopenia"]
COVS = ["age_yr", "sex_male", "bmi"]


def bandwidth_gb_s(mb: int = 512) -> float:
    """Read bandwidth: bytes summed per second by one pass (best of 5)."""
    a = np.ones(mb * 2**20 // 8)
    best = np.inf
    for _ in range(5):
        t = time.perf_counter()
        a.sum()
        best = min(best, time.perf_counter() - t)
    return a.nbytes / best / 1e9


def panel_passes(X, chunk):
    """Best-of-3 seconds of one read of the benchmark's own panel, two ways:
    one ``sum`` over the whole N x P array (row-major, in memory order: how
    the linear engine sweeps a panel held row by row) and one ``sum`` per
    strip of ``chunk`` columns (how the chunked logistic path reads it: a
    short segment of every row per strip). Reported beside the 512 MB
    bandwidth figure that defines "one memory pass"; they do not replace it.
    """
    whole = strips = np.inf
    p = X.shape[1]
    for _ in range(3):
        t = time.perf_counter()
        X.sum()
        whole = min(whole, time.perf_counter() - t)
        t = time.perf_counter()
        for c in range(0, p, chunk):
            X[:, c : c + chunk].sum()
        strips = min(strips, time.perf_counter() - t)
    return whole, strips


def make(n, p, seed):
    rng = np.random.default_rng(seed)
    age = rng.normal(70, 6, n)
    sex = rng.integers(0, 2, n).astype(float)
    bmi = rng.normal(24, 3, n)
    X = rng.standard_normal((n, p))
    X *= rng.uniform(0.5, 20, p)
    X += rng.uniform(0, 100, p)
    X[rng.random((n, p)) < 0.05] = np.nan
    signal = np.nan_to_num((X[:, 0] - np.nanmean(X[:, 0])) / np.nanstd(X[:, 0]))
    cohort = pd.DataFrame(
        {"id": np.arange(n).astype(str), "age_yr": age, "sex_male": sex, "bmi": bmi}
    )
    for j, o in enumerate(CONT):
        cohort[o] = 0.3 * signal * (j == 0) + 0.5 * sex - 0.02 * age + rng.normal(size=n)
        cohort.loc[rng.random(n) < 0.02, o] = np.nan
    lin = -1.2 + 0.5 * signal + 0.03 * (age - 70)
    cohort["sarcopenia"] = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(float)
    names = [f"b{j:05d}" for j in range(p)]
    return cohort, X, names


CPU = {}


def _cpu_ticks():
    """(busy, steal) seconds of the whole machine so far, from /proc/stat
    (None elsewhere): busy minus this process's CPU time is what other
    processes used during a timing, the honest measure of a "quiet" run."""
    try:
        with open("/proc/stat") as fh:
            f = [int(v) for v in fh.readline().split()[1:]]
    except OSError:
        return None
    hz = os.sysconf("SC_CLK_TCK")
    # user nice system idle iowait irq softirq steal
    return (f[0] + f[1] + f[2] + f[5] + f[6]) / hz, f[7] / hz


OTHERS: dict = {}


def peak(fn, label=None, memory=True):
    """Run fn(); return (result, seconds, peak traced bytes above the start).

    The timing run is untraced: tracemalloc hooks every allocation and
    slowed the engine by 20-70% (and a loop of small fits even more), so
    with ``memory`` the peak comes from a second, traced run of fn, and
    without it the peak is 0.

    Also records the process CPU seconds under ``label`` in ``CPU``: on a
    shared machine the wall time moves with the other jobs' load, the CPU
    time of this process (BLAS threads 1) much less. With worker threads
    the CPU time is the sum over threads, so it exceeds the wall time.
    """
    import tracemalloc

    t, c, m = time.perf_counter(), time.process_time(), _cpu_ticks()
    out = fn()
    sec = time.perf_counter() - t
    if label:
        CPU[label] = time.process_time() - c
        m2 = _cpu_ticks()
        if m is not None and m2 is not None:
            OTHERS[label] = {
                "wall_s": sec,
                "others_cpu_s": max(0.0, m2[0] - m[0] - CPU[label]),
                "steal_s": m2[1] - m[1],
            }
    pk = 0
    if memory:
        tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        pk = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
    return out, sec, pk


def loop_linear(cohort, X, names, cols):
    import statsmodels.api as sm

    rows = []
    for j in cols:
        for o in CONT:
            d = cohort[[o, *COVS]].assign(x=X[:, j]).dropna()
            fit = sm.OLS(d[o].to_numpy(), sm.add_constant(d[["x", *COVS]].to_numpy())).fit()
            rows.append((o, names[j], fit.params[1], fit.bse[1], fit.pvalues[1]))
    return rows


def loop_logistic(cohort, X, names, cols):
    import statsmodels.api as sm

    rows = []
    for j in cols:
        d = cohort[["sarcopenia", *COVS]].assign(x=X[:, j]).dropna()
        z = (d["x"] - d["x"].mean()) / d["x"].std()
        Xd = sm.add_constant(np.column_stack([z, d[COVS].to_numpy()]))
        fit = sm.Logit(d["sarcopenia"].to_numpy(), Xd).fit(disp=0, method="newton", tol=1e-12)
        rows.append(("sarcopenia", names[j], fit.params[1], fit.bse[1], fit.pvalues[1]))
    return rows


def max_rel(table, rows):
    t = table.set_index(["outcome", "biomarker"])
    worst = 0.0
    for o, b, est, se, pv in rows:
        r = t.loc[(o, b)]
        for ours, ref in ((r["estimate"], est), (r["se"], se), (r["p_value"], pv)):
            worst = max(worst, abs(ours - ref) / abs(ref))
    return worst


def _numba_version() -> str:
    import numba

    return numba.__version__


def main(args) -> dict:
    from sarcostat.stats import screen as screen_mod

    threads = args.threads if args.threads is not None else screen_mod.usable_cores()

    def screen(*a, **kw):
        kw.setdefault("threads", threads)
        return screen_mod.screen(*a, **kw)

    n, p = args.n, args.p
    res = {
        "n": n,
        "p": p,
        "missing": 0.05,
        "chunk_size": args.chunk_size,
        "threads": threads,
        "cpu_count": os.cpu_count(),
        "machine": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": _numba_version(),
        "blas_threads": args.blas_threads or "library default",
        "loadavg_start": os.getloadavg()[0],
        "note": args.note,
    }
    res["bandwidth_gb_s"] = bandwidth_gb_s()
    one_pass = n * p * 8 / (res["bandwidth_gb_s"] * 1e9)  # read the data once
    res["one_memory_pass_s"] = one_pass
    print(
        f"read bandwidth {res['bandwidth_gb_s']:.1f} GB/s; one pass over N*P*8 = {one_pass:.3f} s",
        flush=True,
    )

    # Warm-up: imports and first-call costs are not part of either timing.
    wc, wx, wn = make(300, 4, 0)
    wf = pd.DataFrame(wx, columns=wn)
    wf.insert(0, "id", wc["id"].to_numpy())
    screen(wc, wf, outcomes=CONT + BIN, covariates=COVS)
    loop_linear(wc, wx, wn, [0])
    loop_logistic(wc, wx, wn, [0])

    cohort, X, names = make(n, p, args.seed)
    res["panel_pass_s"], res["strip_pass_s"] = panel_passes(X, args.chunk_size)
    print(
        f"one sum over the panel itself: {res['panel_pass_s']:.3f} s; over its "
        f"{args.chunk_size}-column strips: {res['strip_pass_s']:.3f} s",
        flush=True,
    )
    frame = pd.DataFrame(X, columns=names, copy=False)
    frame.insert(0, "id", cohort["id"].to_numpy())
    # The small warm-up above does not reach every compiled kernel (a panel
    # this size takes the row-sweep path, with arrays of other layouts), and
    # neither did a call on a slice of the panel: with an empty Numba cache (a
    # fresh clone) the timed calls then included 2-5 s of compilation. One
    # untimed call of each timed screen compiles (or loads from Numba's cache)
    # exactly what the timed calls use.
    screen(cohort, frame, outcomes=CONT, covariates=COVS, chunk_size=args.chunk_size)
    if not args.skip_logistic:
        screen(cohort, frame, outcomes=BIN, covariates=COVS, chunk_size=args.chunk_size)

    # Linear, in memory.
    lin, t_lin, m_lin = peak(
        lambda: screen(cohort, frame, outcomes=CONT, covariates=COVS, chunk_size=args.chunk_size),
        "linear",
    )
    res.update(
        linear_s=t_lin,
        linear_models=4 * p,
        linear_peak_mb=m_lin / 2**20,
        linear_models_per_s=4 * p / t_lin,
        linear_vs_one_pass=t_lin / one_pass,
    )
    print(
        f"linear engine: {t_lin:.2f} s, {4 * p / t_lin:,.0f} models/s, peak "
        f"{m_lin / 2**20:,.0f} MB",
        flush=True,
    )
    cols = np.linspace(1, p - 1, min(args.loop_p, p - 1)).astype(int)
    rows, t_loop, _ = peak(lambda: loop_linear(cohort, X, names, cols), "loop_linear", memory=False)
    per = t_loop / len(rows)
    res.update(
        loop_linear_models=len(rows),
        loop_linear_s=t_loop,
        loop_linear_extrapolated_s=per * 4 * p,
        linear_speedup=per * 4 * p / t_lin,
        linear_max_rel_diff=max_rel(lin.table, rows),
    )
    print(
        f"statsmodels OLS loop: {len(rows)} models in {t_loop:.2f} s -> {per * 4 * p:.0f} s "
        f"extrapolated; speed-up {res['linear_speedup']:.0f}x; max rel diff "
        f"{res['linear_max_rel_diff']:.1e}",
        flush=True,
    )

    if threads > 1:
        # The same screen on one thread, right after: the threads' gain on
        # this machine under the same load.
        _, t1, _ = peak(
            lambda: screen(
                cohort, frame, outcomes=CONT, covariates=COVS, chunk_size=args.chunk_size, threads=1
            ),
            "linear_1t",
            memory=False,
        )
        res["linear_1thread_s"] = t1
        print(f"linear engine, 1 thread: {t1:.2f} s", flush=True)

    if not args.skip_logistic:
        log, t_log, m_log = peak(
            lambda: screen(
                cohort, frame, outcomes=BIN, covariates=COVS, chunk_size=args.chunk_size
            ),
            "logistic",
        )
        res.update(
            logistic_s=t_log,
            logistic_models=p,
            logistic_peak_mb=m_log / 2**20,
            logistic_models_per_s=p / t_log,
            logistic_vs_one_pass=t_log / one_pass,
        )
        print(
            f"logistic engine: {t_log:.2f} s, {p / t_log:,.0f} models/s, peak "
            f"{m_log / 2**20:,.0f} MB",
            flush=True,
        )
        lcols = cols
        rows, t_loop, _ = peak(
            lambda: loop_logistic(cohort, X, names, lcols), "loop_logistic", memory=False
        )
        per = t_loop / len(rows)
        res.update(
            loop_logistic_models=len(rows),
            loop_logistic_s=t_loop,
            loop_logistic_extrapolated_s=per * p,
            logistic_speedup=per * p / t_log,
            logistic_max_rel_diff=max_rel(log.table, rows),
        )
        print(
            f"statsmodels Logit loop: {len(rows)} models in {t_loop:.2f} s -> {per * p:.0f} s "
            f"extrapolated; speed-up {res['logistic_speedup']:.0f}x; max rel diff "
            f"{res['logistic_max_rel_diff']:.1e}",
            flush=True,
        )
        if threads > 1:
            _, t1, _ = peak(
                lambda: screen(
                    cohort,
                    frame,
                    outcomes=BIN,
                    covariates=COVS,
                    chunk_size=args.chunk_size,
                    threads=1,
                ),
                "logistic_1t",
                memory=False,
            )
            res["logistic_1thread_s"] = t1
            print(f"logistic engine, 1 thread: {t1:.2f} s", flush=True)

    # End to end from Parquet: read columns lazily, screen, write the results.
    with tempfile.TemporaryDirectory() as tmp:
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = Path(tmp) / "biomarkers.parquet"
        table = pa.table(
            {"id": cohort["id"].to_numpy(), **{nm: X[:, j] for j, nm in enumerate(names)}}
        )
        pq.write_table(table, path)
        del table, frame
        res["parquet_mb"] = path.stat().st_size / 2**20
        out = Path(tmp) / "results.parquet"

        def e2e(**kw):
            r = screen(
                cohort, path, outcomes=CONT, covariates=COVS, chunk_size=args.chunk_size, **kw
            )
            r.table.to_parquet(out, index=False)
            return r

        _, t_e2e, m_e2e = peak(e2e, "end_to_end")
        res.update(end_to_end_s=t_e2e, end_to_end_peak_mb=m_e2e / 2**20)
        print(
            f"end to end from Parquet (4 linear outcomes): {t_e2e:.2f} s, peak "
            f"{m_e2e / 2**20:,.0f} MB",
            flush=True,
        )
        if args.dask:
            from distributed import Client, LocalCluster

            with (
                LocalCluster(
                    n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
                ) as cluster,
                Client(cluster) as client,
            ):
                t = time.perf_counter()
                e2e(dask=client)
                res["end_to_end_dask_s"] = time.perf_counter() - t
            print(
                f"end to end with Dask (2 workers x 1 BLAS thread): "
                f"{res['end_to_end_dask_s']:.2f} s",
                flush=True,
            )
    import resource

    res["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res.update({f"{k}_cpu_s": v for k, v in CPU.items()})
    res["others"] = OTHERS
    if "linear" in CPU:
        res["linear_cpu_speedup"] = (
            CPU["loop_linear"] / res["loop_linear_models"] * 4 * p / CPU["linear"]
        )
    if "logistic" in CPU:
        res["logistic_cpu_speedup"] = (
            CPU["loop_logistic"] / res["loop_logistic_models"] * p / CPU["logistic"]
        )
    res["loadavg_end"] = os.getloadavg()[0]
    return res


def markdown(res: dict) -> str:
    def yes(ok):
        return "met" if ok else "**not met**"

    n, p = res["n"], res["p"]
    lines = [
        f"N = {n:,} participants x P = {p:,} biomarkers, {res['missing']:.0%} missing "
        f"biomarker values, adjusted for age, sex, BMI; chunk size {res['chunk_size']}; "
        f"float64. Machine: {res['cpu_count']} cores, {res['machine']}, Python "
        f"{res['python']}, NumPy {res['numpy']}, Numba {res.get('numba', '-')}, BLAS threads: {res['blas_threads']}, "
        f"engine threads: {res.get('threads', 1)}. "
        f"Load average {res['loadavg_start']:.1f} at start, {res['loadavg_end']:.1f} at end "
        f"(1-minute averages; they include this benchmark). Timings are of untraced "
        f"runs (engine and loops alike); each peak comes from a second run of the "
        f"same screen under tracemalloc. {res['note']}",
        "",
        "| | engine | statsmodels loop (extrapolated) | speed-up (wall) | speed-up (CPU) | "
        "max rel. diff | engine / one memory pass |",
        "|---|---|---|---|---|---|---|",
        f"| linear, 4 outcomes ({4 * p:,} models) | {res['linear_s']:.2f} s "
        f"(CPU {res['linear_cpu_s']:.2f} s), "
        f"{res['linear_models_per_s']:,.0f} models/s, peak {res['linear_peak_mb']:,.0f} MB | "
        f"{res['loop_linear_extrapolated_s']:,.0f} s (from {res['loop_linear_models']} models "
        f"in {res['loop_linear_s']:.1f} s) | {res['linear_speedup']:,.0f}x | "
        f"{res['linear_cpu_speedup']:,.0f}x | "
        f"{res['linear_max_rel_diff']:.1e} | {res['linear_vs_one_pass']:,.0f}x |",
    ]
    if "logistic_s" in res:
        lines.append(
            f"| logistic, 1 outcome ({p:,} models) | {res['logistic_s']:.2f} s "
            f"(CPU {res['logistic_cpu_s']:.2f} s), "
            f"{res['logistic_models_per_s']:,.0f} models/s, peak "
            f"{res['logistic_peak_mb']:,.0f} MB | {res['loop_logistic_extrapolated_s']:,.0f} s "
            f"(from {res['loop_logistic_models']} models in {res['loop_logistic_s']:.1f} s) | "
            f"{res['logistic_speedup']:,.0f}x | {res['logistic_cpu_speedup']:,.0f}x | "
            f"{res['logistic_max_rel_diff']:.1e} | "
            f"{res['logistic_vs_one_pass']:,.0f}x |"
        )
    if "linear_1thread_s" in res:
        one = [f"linear {res['linear_1thread_s']:.2f} s (CPU {res['linear_1t_cpu_s']:.2f} s)"]
        if "logistic_1thread_s" in res:
            one.append(
                f"logistic {res['logistic_1thread_s']:.2f} s (CPU {res['logistic_1t_cpu_s']:.2f} s)"
            )
        lines += [
            "",
            f"The same screens with `threads=1`, timed right after each: "
            f"{', '.join(one)}; the {res['threads']} threads' gain: linear "
            f"{res['linear_1thread_s'] / res['linear_s']:.2f}x"
            + (
                f", logistic {res['logistic_1thread_s'] / res['logistic_s']:.2f}x"
                if "logistic_1thread_s" in res
                else ""
            )
            + ".",
        ]
    oth = res.get("others", {})
    eng_labels = [
        k for k in ("linear", "linear_1t", "logistic", "logistic_1t", "end_to_end") if k in oth
    ]
    if eng_labels:
        lines += [
            "",
            "CPU used by other processes during each engine timing (from "
            "/proc/stat, minus this process; 2 cores give 2 CPU-s per second): "
            + ", ".join(
                f"{k} {oth[k]['others_cpu_s']:.2f} CPU-s in {oth[k]['wall_s']:.2f} s"
                for k in eng_labels
            )
            + f"; hypervisor steal {sum(oth[k]['steal_s'] for k in eng_labels):.2f} s "
            f"in all.",
        ]
    lines += [
        "",
        f"End to end from Parquet ({res['parquet_mb']:,.0f} MB file; read column chunks, "
        f"screen 4 linear outcomes, write results): {res['end_to_end_s']:.2f} s "
        f"(CPU {res['end_to_end_cpu_s']:.2f} s, including Parquet reader threads), traced peak "
        f"{res['end_to_end_peak_mb']:,.0f} MB."
        + (
            f" With `--dask` (local cluster, 2 workers x 1 BLAS thread): "
            f"{res['end_to_end_dask_s']:.2f} s."
            if "end_to_end_dask_s" in res
            else ""
        ),
        f"Read bandwidth {res['bandwidth_gb_s']:.1f} GB/s (one `sum` over 512 MB), so one pass over "
        f"N*P*8 bytes takes {res['one_memory_pass_s']:.2f} s."
        + (
            f" Measured on the panel itself (not the definition of the ratios above, "
            f"which is the 512 MB figure): one `sum` over the whole N x P array, "
            f"row-major as the linear engine sweeps it, {res['panel_pass_s']:.3f} s "
            f"(linear {res['linear_s'] / res['panel_pass_s']:,.0f}x that); one `sum` per "
            f"{res['chunk_size']}-column strip, as the chunked logistic path reads it, "
            f"{res['strip_pass_s']:.3f} s"
            + (
                f" (logistic {res['logistic_s'] / res['strip_pass_s']:,.0f}x that)"
                if "logistic_s" in res
                else ""
            )
            + "."
            if "panel_pass_s" in res
            else ""
        )
        + f" Process max RSS "
        f"{res['max_rss_mb']:,.0f} MB (includes the in-memory copy of the data the "
        f"benchmark itself holds).",
        "",
        "| target (2-core machine, N=50,000 x P=3,000) | result |",
        "|---|---|",
    ]
    full = n >= 50_000 and p >= 3_000
    scale = "" if full else " (smaller size than the target; not comparable)"
    lines.append(
        f"| linear >= 100x the loop | {res['linear_speedup']:,.1f}x wall, "
        f"{res['linear_cpu_speedup']:,.0f}x CPU: "
        f"{yes(res['linear_speedup'] >= 100)} |"
    )
    if "logistic_s" in res:
        lines.append(
            f"| logistic >= 20x the loop | {res['logistic_speedup']:,.1f}x wall, "
            f"{res['logistic_cpu_speedup']:,.0f}x CPU: "
            f"{yes(res['logistic_speedup'] >= 20)} |"
        )
    lines.append(
        f"| 4 continuous outcomes < 5 s compute | {res['linear_s']:.1f} s "
        f"(CPU {res['linear_cpu_s']:.1f} s): "
        f"{yes(res['linear_s'] < 5)}{scale} |"
    )
    lines.append(
        f"| end to end from Parquet < 30 s | {res['end_to_end_s']:.1f} s: "
        f"{yes(res['end_to_end_s'] < 30)}{scale} |"
    )
    lines.append(
        f"| linear <= 8x one memory pass (issue 20) | {res['linear_vs_one_pass']:,.0f}x: "
        f"{yes(res['linear_vs_one_pass'] <= 8)}{scale} |"
    )
    if "logistic_s" in res:
        lines.append(
            f"| logistic <= 25x one memory pass (issue 20) | "
            f"{res['logistic_vs_one_pass']:,.0f}x: "
            f"{yes(res['logistic_vs_one_pass'] <= 25)}{scale} |"
        )
    if "logistic_s" in res:
        lines.append(
            f"| 1 binary outcome < 5 s | {res['logistic_s']:.1f} s "
            f"(CPU {res['logistic_cpu_s']:.1f} s): "
            f"{yes(res['logistic_s'] < 5)}{scale} |"
        )
    return "\n".join(lines)


START = "<!-- screen-results:start -->"
END = "<!-- screen-results:end -->"


def write_readme(path: Path, text: str) -> None:
    body = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{START}\n{text}\n{END}"
    if START in body and END in body:
        body = body[: body.index(START)] + block + body[body.index(END) + len(END) :]
    else:
        body = body.rstrip() + "\n\n" + block + "\n"
    path.write_text(body, encoding="utf-8")


if __name__ == "__main__":
    results = main(ARGS)
    md = markdown(results)
    print()
    print(md)
    if ARGS.json:
        Path(ARGS.json).write_text(json.dumps(results, indent=2))
    if ARGS.readme:
        write_readme(Path(ARGS.readme), md)
    sys.exit(0)
