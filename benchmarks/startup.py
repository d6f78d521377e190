"""Start-up time of the light commands (issue: `sarcostat --help` and
`sarcostat validate` start in under 0.3 s), and the fixed cost of a report
(issue 20: `sarcostat analyze` on the 129-row demo cohort, where reading and
the models take little and imports and report writing take the rest).

Runs each command several times in a fresh process and reports the median
and best wall time and the median CPU time (user + system of the child, which
a shared machine's load disturbs less than wall time), with the machine's
load average, as a markdown table. `--readme FILE` replaces the section
between the startup markers in FILE.

    python benchmarks/startup.py [--repeat 15] [--readme benchmarks/README.md]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "sarcostat" / "datasets"
START, END = "<!-- startup-results:start -->", "<!-- startup-results:end -->"


def _time(cmd: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (the child's user + system) of each run."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument(
        "--repeat-analyze", type=int, default=3, help="runs of the (slower) analyze case"
    )
    ap.add_argument("--readme", metavar="FILE")
    args = ap.parse_args(argv)
    exe = [sys.executable, "-m", "sarcostat"]
    demo = [str(DATA / "demo_cohort.csv"), "--map", str(DATA / "demo_cohort.toml")]
    out = Path(tempfile.mkdtemp(prefix="sarcostat-startup-")) / "report"
    cases = [
        ("`sarcostat --help`", exe + ["--help"], args.repeat),
        ("`sarcostat validate` (demo cohort, 129 rows)", exe + ["validate", *demo], args.repeat),
        (
            "`sarcostat analyze -q` (demo cohort, 129 rows, full report)",
            exe + ["analyze", *demo, "-o", str(out), "-q", "--overwrite"],
            args.repeat_analyze,
        ),
        ("bare `python -c pass` (interpreter floor)", [sys.executable, "-c", "pass"], args.repeat),
    ]
    load0 = os.getloadavg()[0]
    rows = []
    for label, cmd, repeat in cases:
        _time(cmd, 1 if "analyze" in label else 2)  # warm the file cache
        wall, cpu = _time(cmd, repeat)
        rows.append(
            f"| {label} | {repeat} | {statistics.median(wall):.3f} | {min(wall):.3f} "
            f"| {statistics.median(cpu):.3f} |"
        )
    load1 = os.getloadavg()[0]
    table = "\n".join(
        [
            f"Fresh process each run, seconds; load average {load0:.1f} at start, {load1:.1f} "
            f"at end; Python {sys.version.split()[0]}.",
            "",
            "| command | runs | median wall | best wall | median CPU |",
            "|---|---|---|---|---|",
            *rows,
        ]
    )
    print(table)
    if args.readme:
        path = Path(args.readme)
        text = path.read_text(encoding="utf-8")
        block = f"{START}\n{table}\n{END}"
        if START in text and END in text:
            text = text[: text.index(START)] + block + text[text.index(END) + len(END) :]
        else:
            text = text.rstrip("\n") + "\n\n## startup\n\n" + block + "\n"
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
