"""Whole-pipeline benchmark: `validate`, `classify` and `analyze` against pandas' reader.

Simulates cohorts of the given sizes with `sarcostat simulate` (written once
into --workdir and reused), stores each as CSV and as Parquet, and times every
command as a whole process (start-up, imports, reading, output), next to a
bare `python -c "import pandas; pandas.read_csv(f)"` (or `read_parquet`) of
the same file in the same run (and, on Linux, the same reader with
NUMPY_MADVISE_HUGEPAGE=0, as sarcostat's CLI runs NumPy). Each process runs under a small wrapper that
reads the child's peak resident memory from `resource.getrusage(RUSAGE_CHILDREN)`.
Runs alternate command by command, so a change of load falls on all of them;
the median of --repeat runs is reported.

    python benchmarks/pipeline.py --readme benchmarks/README.md          # 1e4, 1e5, 1e6
    python benchmarks/pipeline.py --sizes 1e4,1e5 --formats csv          # a quick run
    python benchmarks/pipeline.py --sizes 1e6 --commands validate,classify

Targets (issue 20, 2 cores, 10^6 rows): validate <= 3x and analyze <= 10x the
time of pandas.read_csv on the same file; peak RSS <= 3x that of the bare
pandas process; time growing no faster than linearly from 10^5 to 10^6 rows.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- pipeline-results:start -->", "<!-- pipeline-results:end -->"
COMMANDS = ("validate", "classify", "analyze")
#: Label of the bare reader run with NumPy's huge-page advice off.
NO_HUGE = "pandas.{reader}, no huge pages"

# Runs argv[1:] and prints its wall time, CPU time and peak RSS as JSON. The
# wrapper is a fresh process per run, so RUSAGE_CHILDREN holds that child only.
_WRAP = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "cpu": u.ru_utime + u.ru_stime, "rss_kb": u.ru_maxrss}))
"""


def measure(cmd: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(out.stdout)


def cohort(workdir: Path, n: int, env: dict[str, str]) -> tuple[Path, Path, Path]:
    """(csv, parquet, map) of a simulated cohort of n rows, made once."""
    csv = workdir / f"cohort_{n}.csv"
    cmap = csv.with_suffix(".toml")
    pq = csv.with_suffix(".parquet")
    if not csv.exists():
        subprocess.run(
            [sys.executable, "-m", "sarcostat", "simulate", "--n", str(n), "--seed", "20"]
            + ["-o", str(csv), "--force"],
            check=True,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    if not pq.exists():
        import pandas as pd

        # the same cells, typed as pandas reads them (ids stay text)
        pd.read_csv(csv, dtype={"id": str}).to_parquet(pq, index=False)
    return csv, pq, cmap


#: Other ways the same cohort is written (CSV), timed at the largest size only.
SHAPES = {
    "full": "measurements written to full precision (pandas `to_csv` of floats)",
    "quoted": "every cell quoted (`csv.QUOTE_ALL`)",
    "r": "as R's `write.csv` writes it (row names, quoted text, `NA`)",
    "extra": "full precision plus 10 unknown number columns and 2 unknown text columns",
    "wide": "40 unknown number columns at one decimal, one of them 5% blank (a biobank extract)",
    "missing": "4% of each measurement blank or `NA`, 3% of the biomarker `<3.2` and 1% `ND`, "
    "sex as M/F, a visit date and a centre name (also timed with `analyze`: models on "
    "complete cases that differ by outcome)",
    "biobank": "a UK Biobank-style extract read through its own map: integer ids, field-code "
    "headers (`31-0.0` sex coded 0/1, `46-0.0`/`47-0.0` grip of each hand ...), gait speed "
    "instead of a walk time, no chair stand, balance or SPPB (also timed with `analyze`: "
    "AWGS 2019 performance from gait speed alone)",
}
#: Shapes also timed with `analyze` (the others with validate and classify only).
ANALYZE_SHAPES = ("missing", "biobank")

#: The "biobank" shape's headers (UK Biobank field codes where the field
#: exists; the rest named as in an extract) for the simulated columns.
_BIOBANK_FIELDS = {
    "id": "eid",
    "sex": "31-0.0",
    "age_yr": "21003-0.0",
    "height_cm": "50-0.0",
    "weight_kg": "21002-0.0",
    "asm_kg": "appendicular_lean_mass",
    "grip_1_kg": "46-0.0",
    "grip_2_kg": "47-0.0",
    "gait_speed_m_s": "gait_speed",
}


def shaped(csv: Path, shape: str) -> Path:
    """The simulated cohort ``csv`` written in another way (see SHAPES), made once."""
    import csv as csvmod

    import numpy as np
    import pandas as pd

    out = csv.with_name(f"{csv.stem}_{shape}.csv")
    if out.exists():
        return out
    cells = pd.read_csv(csv, dtype=str, keep_default_na=False)
    typed = pd.read_csv(csv, dtype={"id": str})
    rng = np.random.default_rng(5)
    floats = [c for c in typed.columns if typed[c].dtype == float]
    full = typed.copy()
    for c in floats:  # about one distinct cell per row, within each column's range
        full[c] = typed[c] * (1 - rng.uniform(0, 1e-6, len(typed)))
    tmp = out.with_suffix(".tmp")
    if shape == "full":
        full.to_csv(tmp, index=False)
    elif shape == "quoted":
        cells.to_csv(tmp, index=False, quoting=csvmod.QUOTE_ALL)
    elif shape == "r":
        typed.index = pd.RangeIndex(1, len(typed) + 1)
        typed.to_csv(tmp, index_label="", quoting=csvmod.QUOTE_NONNUMERIC, na_rep="NA")
    elif shape == "extra":
        for k in range(10):
            full[f"marker_{k}"] = rng.lognormal(2, 0.5, len(full))
        full["sample_code"] = [f"{k * 2654435761 % 2**40:010x}" for k in range(len(full))]
        full["comment"] = [f"visit note {k % 97}" for k in range(len(full))]
        full.to_csv(tmp, index=False)
    elif shape == "wide":
        wide = typed.copy()
        for k in range(40):
            wide[f"field_{k}"] = np.round(rng.normal(50, 10, len(wide)), 1)
        wide.loc[rng.random(len(wide)) < 0.05, "field_3"] = np.nan
        wide.to_csv(tmp, index=False)
    elif shape == "missing":
        messy = cells.copy()
        n = len(messy)
        for c in [c for c in floats if c != "sclerostin"]:
            gone = rng.random(n) < 0.04
            messy.loc[gone, c] = np.where(rng.random(int(gone.sum())) < 0.5, "NA", "")
        lod = rng.random(n)
        messy.loc[lod < 0.03, "sclerostin"] = "<3.2"
        messy.loc[(lod >= 0.03) & (lod < 0.04), "sclerostin"] = "ND"
        messy["sex"] = messy["sex"].map({"male": "M", "female": "F"}).fillna(messy["sex"])
        days = pd.to_timedelta(rng.integers(0, 1500, n), unit="D")
        messy["visit_date"] = (pd.Timestamp("2008-01-01") + days).strftime("%Y-%m-%d")
        messy["centre"] = rng.choice(["Leeds", "Bristol", "Glasgow", "Cardiff", "Newcastle"], n)
        messy.to_csv(tmp, index=False)
    elif shape == "biobank":
        ukb = pd.DataFrame({"eid": np.arange(1_000_001, 1_000_001 + len(typed))})
        ukb["31-0.0"] = (typed["sex"] == "male").astype(int)
        for c in ("age_yr", "height_cm", "weight_kg", "asm_kg", "grip_1_kg", "grip_2_kg"):
            ukb[_BIOBANK_FIELDS[c]] = typed[c]
        ukb["gait_speed"] = np.round(4.0 / typed["gait_time_4m_s"], 2)
        ukb["sclerostin"] = cells["sclerostin"]
        ukb.to_csv(tmp, index=False)
        biobank_map(csv.with_suffix(".toml"), out.with_suffix(".toml"))
    else:
        raise ValueError(shape)
    tmp.replace(out)
    return out


def biobank_map(cmap: Path, out: Path) -> None:
    """The "biobank" shape's map: its headers, sex codes, the simulated
    cohort's biomarker and protocol (taken from that cohort's map ``cmap``)."""
    import tomllib

    given = tomllib.loads(cmap.read_text())
    lines = ["[columns]"]
    lines += [f'"{header}" = "{name}"' for name, header in _BIOBANK_FIELDS.items()]
    lines += ["", "[codes]", 'sex = {0 = "female", 1 = "male"}', "", "[biomarkers]"]
    for name, spec in given.get("biomarkers", {}).items():
        fields = ", ".join(f"{k} = {json.dumps(v)}" for k, v in spec.items())
        lines.append(f"{name} = {{{fields}}}")
    lines += ["", "[protocol]"]
    lines += [
        f"{k} = {json.dumps(v)}"
        for k, v in given.get("protocol", {}).items()
        if k != "gait_distance_m"  # the extract gives the speed
    ]
    out.write_text("\n".join(lines) + "\n")


def commands(path: Path, cmap: Path, out: Path, which: list[str]) -> dict[str, list[str]]:
    exe = [sys.executable, "-m", "sarcostat"]
    reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    bare = [sys.executable, "-c", f"import pandas; pandas.{reader}({str(path)!r})"]
    cmds = {f"pandas.{reader}": bare}
    if sys.platform.startswith("linux"):
        # The same reader with the setting sarcostat's CLI runs with (no
        # transparent huge pages for NumPy's arrays; sarcostat.cli): shows
        # how much of a ratio is the bare reader's own page faults, not ours.
        cmds[NO_HUGE.format(reader=reader)] = ["env", "NUMPY_MADVISE_HUGEPAGE=0", *bare]
    if "validate" in which:
        cmds["validate"] = exe + ["validate", str(path), "--map", str(cmap)]
    if "classify" in which:
        cmds["classify"] = exe + ["classify", str(path), "--map", str(cmap)]
    if "analyze" in which:
        cmds["analyze"] = exe + ["analyze", str(path), "--map", str(cmap), "-o", str(out)]
        cmds["analyze"] += ["--overwrite", "-q"]
    return cmds


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1e4,1e5,1e6", help="comma-separated row counts")
    ap.add_argument("--formats", default="csv,parquet", help="csv, parquet or both")
    ap.add_argument("--commands", default=",".join(COMMANDS), help="of " + ", ".join(COMMANDS))
    ap.add_argument("--repeat", type=int, default=3, help="runs per command (median reported)")
    ap.add_argument(
        "--analyze-max",
        type=float,
        default=None,
        metavar="N",
        help="time analyze only on cohorts of at most N rows (default: every size)",
    )
    ap.add_argument(
        "--shapes",
        default=",".join(SHAPES),
        help="other ways of writing the largest CSV cohort, timed with validate and classify: "
        + "; ".join(f"{k}: {v}" for k, v in SHAPES.items()).replace("%", "%%")
        + " ('' for none)",
    )
    ap.add_argument("--workdir", type=Path, default=None, help="where cohorts are kept (reused)")
    ap.add_argument("--readme", metavar="FILE", help="replace the pipeline section of FILE")
    args = ap.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",") if s.strip()]
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    which = [c.strip() for c in args.commands.split(",") if c.strip()]
    shapes = [x.strip() for x in args.shapes.split(",") if x.strip()]
    bad = (
        [c for c in which if c not in COMMANDS]
        + [f for f in formats if f not in ("csv", "parquet")]
        + [x for x in shapes if x not in SHAPES]
    )
    if bad:
        ap.error(f"unknown command or format: {bad}")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    # As installed (the Makefile byte-compiles src/): without this, a machine
    # with PYTHONDONTWRITEBYTECODE would time the compilation of every module.
    import compileall

    compileall.compile_dir(ROOT / "src", quiet=1)
    workdir = args.workdir or Path(tempfile.gettempdir()) / "sarcostat_pipeline_bench"
    workdir.mkdir(parents=True, exist_ok=True)
    load0 = os.getloadavg()[0]
    results: list[dict] = []
    plan = []
    for n in sizes:
        csv, pq, cmap = cohort(workdir, n, env)
        skip = args.analyze_max is not None and n > args.analyze_max
        todo = [c for c in which if not (c == "analyze" and skip)]
        plan += [(n, fmt, csv if fmt == "csv" else pq, cmap, todo) for fmt in formats]
        if n == max(sizes):
            kept = [c for c in which if c != "analyze"]
            for x in shapes:
                path = shaped(csv, x)
                own = path.with_suffix(".toml") if x == "biobank" else cmap
                plan.append((n, f"csv, {x}", path, own, todo if x in ANALYZE_SHAPES else kept))
    for n, fmt, path, cmap, todo in plan:
        out = workdir / f"report_{n}_{fmt.replace(', ', '_')}"
        cmds = commands(path, cmap, out, todo)
        runs: dict[str, list[dict]] = {k: [] for k in cmds}
        for _ in range(args.repeat):
            for label, cmd in cmds.items():
                runs[label].append(measure(cmd, env))
        size_mb = path.stat().st_size / 1e6
        for label, rs in runs.items():
            results.append(
                {
                    "n": n,
                    "format": fmt,
                    "file_mb": size_mb,
                    "command": label,
                    "rc": sorted({r["rc"] for r in rs}),
                    "wall": statistics.median(r["wall"] for r in rs),
                    "cpu": statistics.median(r["cpu"] for r in rs),
                    "rss_mb": statistics.median(r["rss_kb"] for r in rs) / 1024,
                }
            )
            r = results[-1]
            print(
                f"{n:>9,} {fmt:8s} {label:22s} wall {r['wall']:7.2f} s  cpu {r['cpu']:7.2f} s  "
                f"rss {r['rss_mb']:7.0f} MB  rc {r['rc']}",
                flush=True,
            )
    load1 = os.getloadavg()[0]
    text = render(results, args.repeat, load0, load1)
    print()
    print(text)
    if args.readme:
        write_readme(Path(args.readme), text)
    return 0


def render(results: list[dict], repeat: int, load0: float, load1: float) -> str:
    base = {(r["n"], r["format"]): r for r in results if _is_reader(r["command"])}
    lines = [
        f"Median of {repeat} runs per command, each a fresh process, commands alternating; "
        f"{os.cpu_count()} CPUs, {platform.platform()}, Python {sys.version.split()[0]}; load "
        f"average {load0:.1f} at start, {load1:.1f} at end. Cohorts simulated by `sarcostat "
        'simulate` (15 columns; Parquet: the same cells; "csv, <shape>": the largest CSV '
        "written another way, "
        + "; ".join(f"{k}: {v}" for k, v in SHAPES.items())
        + "). Ratios are to the bare pandas reader "
        "of the same file (`read_csv` for CSV, `read_parquet` for Parquet) in the same run; "
        "CPU is user + system time of the process and its threads. The rows "
        '"pandas.read_csv, no huge pages" time the same bare reader with '
        "`NUMPY_MADVISE_HUGEPAGE=0`, the setting sarcostat's data commands run with "
        "(`sarcostat.cli`): the targets are against the reader as a user runs it, and "
        "also, for time, against that one.",
        "",
        "| rows | format | file | command | wall (s) | × pandas | CPU (s) | × pandas | peak RSS (MB) | × pandas | exit |",
        "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        b = base[(r["n"], r["format"])]
        lines.append(
            f"| {r['n']:,} | {r['format']} | {r['file_mb']:.1f} MB | `{r['command']}` | "
            f"{r['wall']:.2f} | {r['wall'] / b['wall']:.2f} | {r['cpu']:.2f} | "
            f"{r['cpu'] / b['cpu']:.2f} | {r['rss_mb']:.0f} | {r['rss_mb'] / b['rss_mb']:.2f} | "
            f"{','.join(map(str, r['rc']))} |"
        )
    growth = []
    by = {(r["n"], r["format"], r["command"]): r for r in results}
    for (n, fmt, cmd), r in sorted(by.items()):
        small = by.get((n // 10, fmt, cmd))
        if small is not None:
            growth.append(
                f"| {cmd} | {fmt} | {n // 10:,} → {n:,} | {r['wall'] / small['wall']:.1f}x | "
                f"{r['cpu'] / small['cpu']:.1f}x |"
            )
    lines += targets(results, base, by)
    if growth:
        lines += [
            "",
            "Growth with 10× the rows (10× is linear; start-up makes small sizes look sub-linear):",
            "",
            "| command | format | rows | wall | CPU |",
            "|---|---|---|---:|---:|",
            *growth,
        ]
    return "\n".join(lines)


def _is_reader(label: str) -> bool:
    return label in ("pandas.read_csv", "pandas.read_parquet")


def _no_huge(by: dict, n: int, fmt: str) -> dict | None:
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    return by.get((n, fmt, NO_HUGE.format(reader=reader)))


# Issue 20's targets on 2 cores at the largest size: (command, limit on the
# time ratio to the bare reader or None, limit on the peak-RSS ratio).
TARGETS = (("validate", 3.0, 3.0), ("classify", None, 3.0), ("analyze", 10.0, 3.0))


def targets(results: list[dict], base: dict, by: dict) -> list[str]:
    """Rows of the verdict table: each target of issue 20 at the largest size
    measured, and the growth of time from a tenth of it (no faster than linear)."""
    if not results:
        return []
    n = max(r["n"] for r in results)
    rows = []
    for fmt in dict.fromkeys(r["format"] for r in results):
        b = base.get((n, fmt))
        for cmd, t_max, m_max in TARGETS:
            r = by.get((n, fmt, cmd))
            if r is None or b is None:
                continue
            ratio, mem = r["wall"] / b["wall"], r["rss_mb"] / b["rss_mb"]
            if t_max is not None:
                rows.append(
                    _verdict(
                        f"{cmd} time <= {t_max:g}x the reader ({fmt}, {n:,} rows)",
                        f"{ratio:.1f}x wall ({r['cpu'] / b['cpu']:.1f}x CPU)",
                        ratio <= t_max,
                    )
                )
                quiet = _no_huge(by, n, fmt)
                if quiet is not None:  # the same, against the reader as sarcostat runs
                    q = r["wall"] / quiet["wall"]
                    rows.append(
                        _verdict(
                            f"{cmd} time <= {t_max:g}x the reader without huge pages "
                            f"({fmt}, {n:,} rows)",
                            f"{q:.1f}x wall ({r['cpu'] / quiet['cpu']:.1f}x CPU)",
                            q <= t_max,
                        )
                    )
            rows.append(
                _verdict(
                    f"{cmd} peak RSS <= {m_max:g}x the reader ({fmt}, {n:,} rows)",
                    f"{mem:.1f}x ({r['rss_mb']:.0f} MB)",
                    mem <= m_max,
                )
            )
            small = by.get((n // 10, fmt, cmd))
            if small is not None:
                g = r["wall"] / small["wall"]
                rows.append(
                    _verdict(
                        f"{cmd} time {n // 10:,} → {n:,} rows no faster than linear ({fmt})",
                        f"{g:.1f}x for 10x the rows",
                        g <= 10.0,
                    )
                )
    if not rows:
        return []
    return [
        "",
        "Targets of issue 20 (2 cores, wall time):",
        "",
        "| target | result |",
        "|---|---|",
        *rows,
    ]


def _verdict(target: str, value: str, met: bool) -> str:
    return f"| {target} | {value}: {'met' if met else '**not met**'} |"


def write_readme(path: Path, text: str) -> None:
    readme = path.read_text(encoding="utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in readme and END in readme:
        head, rest = readme.split(START, 1)
        readme = head + block + rest.split(END, 1)[1]
    else:
        readme = readme.rstrip("\n") + "\n\n## pipeline\n\n" + block + "\n"
    path.write_text(readme, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
