"""Speed of `sarcostat analyze` (full report) against R doing the same statistics.

Usage::

    .venv/bin/python benchmarks/analyze.py [--n 200] [--repeat 3]

Generates a synthetic cohort of ``--n`` participants (the package's own
simulator, fixed seed), then times, as wall clock, CPU time and median of
``--repeat`` runs, each in a fresh process, the two commands alternating
(so a change of load during the run falls on both):

* ``sarcostat analyze cohort.csv -o OUT -q``: read, validate, classify, every
  analysis, and the full report (HTML, DOCX, CSV, JSON, PNG/SVG figures);
* ``Rscript benchmarks/analyze_ref.R``: the same statistics with emmeans +
  car + glm on the analysis dataset sarcostat derived (R does no reading
  checks, classification, figures or documents). Skipped where ``Rscript``
  or its packages are absent.

It also checks that R and sarcostat agree on a few numbers (adjusted OR per
SD, adjusted standardized beta, adjusted P for trend), so the two timings are
of the same work. Prints a markdown table for benchmarks/README.md. Not a
test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
R_SCRIPT = HERE / "analyze_ref.R"


def _run_once(cmd: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + sys of the child) seconds of one run."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime


def _time(cmds: list[list[str]], repeat: int) -> list[tuple[list[float], list[float]]]:
    """(wall runs, CPU runs) per command, the commands alternating run by run.

    Alternating (Python, R, Python, R, ...) rather than all runs of one then
    all of the other, so that a change in the machine's load during the
    benchmark falls on both sides alike.
    """
    out = [([], []) for _ in cmds]
    for _ in range(repeat):
        for (walls, cpus), cmd in zip(out, cmds):
            w, c = _run_once(cmd)
            walls.append(w)
            cpus.append(c)
    return out


def _r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(
        ["Rscript", "-e", "library(emmeans); library(car); library(jsonlite)"], capture_output=True
    )
    return probe.returncode == 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=12345)
    args = ap.parse_args(argv)

    from sarcostat.datasets.simulate import simulate_cohort
    from sarcostat.study.run import analyze

    work = Path(tempfile.mkdtemp(prefix="sarcostat-bench-"))
    cohort = simulate_cohort(args.n, seed=args.seed)
    cohort = cohort.rename(columns={"sclerostin": "Sclerostin (pmol/L)"})
    csv = work / "cohort.csv"
    cohort.to_csv(csv, index=False)

    py_cmd = [sys.executable, "-m", "sarcostat", "analyze", str(csv), "-o", str(work / "out"), "-q"]
    # Warm-up (file cache, .pyc) so both sides are measured warm.
    subprocess.run(py_cmd, check=True, capture_output=True)
    load_start = os.getloadavg()[0]
    agree = None
    if _r_available():
        result = analyze(csv)
        cols = [
            "sclerostin",
            "age_yr",
            "sex",
            "sex_male",
            "bmi",
            "weight_kg",
            "height_cm",
            "asm_kg",
            "smi",
            "grip_kg",
            "gait_speed_m_s",
            "chair_stand_5x_s",
            "sppb_total",
            "sps",
            "sarcopenia",
            "low_muscle_mass",
            "low_strength",
            "low_performance",
        ]
        rin = work / "analysis.csv"
        result.data[cols].to_csv(rin, index=False)
        rout = work / "r.json"
        r_cmd = ["Rscript", str(R_SCRIPT), str(rin), "sclerostin", str(rout)]
        subprocess.run(r_cmd, check=True, capture_output=True)  # warm-up, and rout
        py, r = _time([py_cmd, r_cmd], args.repeat)
        rows = [
            ("sarcostat analyze (full report)", py),
            ("Rscript analyze_ref.R (statistics only)", r),
        ]
        rj = json.loads(rout.read_text())
        t3 = result.table3.set_index(["outcome", "model"])
        t2 = result.table2.set_index(["outcome", "model"])
        f2 = result.fig2.drop_duplicates(["outcome", "model"]).set_index(["outcome", "model"])
        diffs = [
            abs(
                t3.at[("sarcopenia", "adjusted"), "odds_ratio"]
                / rj["table3"]["sarcopenia"]["adjusted"]["odds_ratio"]
                - 1
            ),
            abs(
                t2.at[("smi", "adjusted"), "std_beta"] / rj["table2"]["smi"]["adjusted"]["std_beta"]
                - 1
            ),
            abs(
                f2.at[("grip_kg", "adjusted"), "p_trend"]
                / rj["fig2"]["grip_kg"]["adjusted"]["p_trend"]
                - 1
            ),
        ]
        agree = max(diffs)
    else:
        (py,) = _time([py_cmd], args.repeat)
        rows = [("sarcostat analyze (full report)", py)]

    load = os.getloadavg()[0]
    print(
        f"n = {args.n}, median of {args.repeat} runs, fresh process each, Python and R "
        f"alternating; {os.cpu_count()} CPUs ({platform.machine()}), load average "
        f"{load_start:.1f} at the start, {load:.1f} at the end; "
        f"Python {platform.python_version()}"
    )
    print()
    print("| command | wall median (s) | wall runs (s) | CPU median (s) |")
    print("|---|---|---|---|")
    for name, (t, c) in rows:
        print(
            f"| {name} | {statistics.median(t):.2f} | "
            f"{', '.join(f'{x:.2f}' for x in t)} | {statistics.median(c):.2f} |"
        )
    if len(rows) == 2:
        ratio = statistics.median(rows[0][1][0]) / statistics.median(rows[1][1][0])
        cratio = statistics.median(rows[0][1][1]) / statistics.median(rows[1][1][1])
        print()
        print(
            f"wall ratio sarcostat / R = {ratio:.2f} (target <= 2); CPU ratio = {cratio:.2f}; "
            f"largest relative difference of the checked numbers = {agree:.1e}"
        )
    else:
        print("\nRscript with emmeans/car/jsonlite not found: R timing skipped.")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
