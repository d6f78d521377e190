"""Start-up time of the light commands (issue: `sarcostat --help` and
`sarcostat validate` start in under 0.3 s).

Runs each command several times in a fresh process and reports the median
and best wall time, with the machine's load average, as a markdown table.
`--readme FILE` replaces the section between the startup markers in FILE.

    python benchmarks/startup.py [--repeat 15] [--readme benchmarks/README.md]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "sarcostat" / "datasets"
START, END = "<!-- startup-results:start -->", "<!-- startup-results:end -->"


def _time(cmd: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t0)
    return times


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--readme", metavar="FILE")
    args = ap.parse_args(argv)
    exe = [sys.executable, "-m", "sarcostat"]
    cases = [
        ("`sarcostat --help`", exe + ["--help"]),
        (
            "`sarcostat validate` (demo cohort, 129 rows)",
            exe
            + ["validate", str(DATA / "demo_cohort.csv"), "--map", str(DATA / "demo_cohort.toml")],
        ),
        ("bare `python -c pass` (interpreter floor)", [sys.executable, "-c", "pass"]),
    ]
    load0 = os.getloadavg()[0]
    rows = []
    for label, cmd in cases:
        _time(cmd, 2)  # warm the file cache
        t = _time(cmd, args.repeat)
        rows.append(f"| {label} | {statistics.median(t):.3f} | {min(t):.3f} |")
    load1 = os.getloadavg()[0]
    table = "\n".join(
        [
            f"{args.repeat} runs each, fresh process, wall time in seconds; load average "
            f"{load0:.1f} at start, {load1:.1f} at end; Python {sys.version.split()[0]}.",
            "",
            "| command | median | best |",
            "|---|---|---|",
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
