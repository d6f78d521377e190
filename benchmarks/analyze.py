"""Speed of `sarcostat analyze` (full report) against R doing the same statistics.

Usage::

    .venv/bin/python benchmarks/analyze.py [--n 200] [--repeat 3]

Generates a synthetic cohort of ``--n`` participants (the package's own
simulator, fixed seed), then times, as wall clock and median of
``--repeat`` runs, each in a fresh process:

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


def _time(cmd: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU (user + sys of the child) seconds of each run."""
    times, cpu = [], []
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
        times.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return times, cpu


def _r_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    probe = subprocess.run(["Rscript", "-e", "library(emmeans); library(car); library(jsonlite)"],
                           capture_output=True)
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

    # Warm-up (file cache, .pyc) so both sides are measured warm.
    subprocess.run([sys.executable, "-m", "sarcostat", "--version"], check=True,
                   capture_output=True)
    py = _time([sys.executable, "-m", "sarcostat", "analyze", str(csv), "-o",
                str(work / "out"), "-q"], args.repeat)
    rows = [("sarcostat analyze (full report)", py)]

    agree = None
    if _r_available():
        result = analyze(csv)
        cols = ["sclerostin", "age_yr", "sex", "sex_male", "bmi", "weight_kg", "height_cm",
                "asm_kg", "smi", "grip_kg", "gait_speed_m_s", "chair_stand_5x_s",
                "sppb_total", "sps", "sarcopenia", "low_muscle_mass", "low_strength",
                "low_performance"]
        rin = work / "analysis.csv"
        result.data[cols].to_csv(rin, index=False)
        rout = work / "r.json"
        subprocess.run(["Rscript", str(R_SCRIPT), str(rin), "sclerostin", str(rout)],
                       check=True, capture_output=True)
        r = _time(["Rscript", str(R_SCRIPT), str(rin), "sclerostin", str(rout)], args.repeat)
        rows.append(("Rscript analyze_ref.R (statistics only)", r))
        rj = json.loads(rout.read_text())
        t3 = result.table3.set_index(["outcome", "model"])
        t2 = result.table2.set_index(["outcome", "model"])
        f2 = result.fig2.drop_duplicates(["outcome", "model"]).set_index(["outcome", "model"])
        diffs = [
            abs(t3.at[("sarcopenia", "adjusted"), "odds_ratio"]
                / rj["table3"]["sarcopenia"]["adjusted"]["odds_ratio"] - 1),
            abs(t2.at[("smi", "adjusted"), "std_beta"]
                / rj["table2"]["smi"]["adjusted"]["std_beta"] - 1),
            abs(f2.at[("grip_kg", "adjusted"), "p_trend"]
                / rj["fig2"]["grip_kg"]["adjusted"]["p_trend"] - 1),
        ]
        agree = max(diffs)

    load = os.getloadavg()[0]
    print(f"n = {args.n}, median of {args.repeat} runs, fresh process each; "
          f"{os.cpu_count()} CPUs ({platform.machine()}), load average {load:.1f} at the end; "
          f"Python {platform.python_version()}")
    print()
    print("| command | wall median (s) | wall runs (s) | CPU median (s) |")
    print("|---|---|---|---|")
    for name, (t, c) in rows:
        print(f"| {name} | {statistics.median(t):.2f} | "
              f"{', '.join(f'{x:.2f}' for x in t)} | {statistics.median(c):.2f} |")
    if len(rows) == 2:
        ratio = statistics.median(rows[0][1][0]) / statistics.median(rows[1][1][0])
        cratio = statistics.median(rows[0][1][1]) / statistics.median(rows[1][1][1])
        print()
        print(f"wall ratio sarcostat / R = {ratio:.2f} (target <= 2); CPU ratio = {cratio:.2f}; "
              f"largest relative difference of the checked numbers = {agree:.1e}")
    else:
        print("\nRscript with emmeans/car/jsonlite not found: R timing skipped.")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
