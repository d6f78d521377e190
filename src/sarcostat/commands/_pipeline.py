"""Shared driver of ``sarcostat analyze``, ``demo`` and ``reproduce`` (not a subcommand).

Prints one progress line per step to stderr (so stdout carries only the
summary), runs `analyze`, writes the report
directory atomically and prints the key findings.
"""

from __future__ import annotations

import sys
import time


class Progress:
    """Numbered progress lines with elapsed time: ``[ 3] 0.4s  Table 1 ...``."""

    def __init__(self, quiet: bool = False, stream=None):
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.k = 0

    def __call__(self, message: str) -> None:
        self.k += 1
        if not self.quiet:
            elapsed = time.perf_counter() - self.start
            print(f"[{self.k:2d}] {elapsed:5.1f}s  {message}", file=self.stream, flush=True)


def command_line(name: str, args, positional=(), options=()) -> str:
    """The command as the user would type it, rebuilt from parsed arguments.

    Rebuilt rather than taken from ``sys.argv``, which is the test runner's
    when ``cli.main([...])`` is called in-process. Paths are reduced to file
    names: the manifest travels with the report, the user's folders do not.
    """
    import shlex
    from pathlib import PureWindowsPath

    def bare(value):
        text = str(value)
        if "/" in text or "\\" in text:
            return PureWindowsPath(text).name or text
        return text

    parts = ["sarcostat", name]
    parts += [bare(getattr(args, a)) for a in positional]
    for flag, attr in options:
        value = getattr(args, attr, None)
        if value is True:
            parts.append(flag)
        elif value not in (None, False):
            parts += [flag, bare(value)]
    return " ".join(shlex.quote(p) for p in parts)


def run_to_directory(
    path,
    *,
    plan=None,
    biomarker=None,
    mapping=None,
    sheet=None,
    outdir,
    quiet=False,
    synthetic=None,
    command=None,
    read=None,
    **write_options,
) -> int:
    """analyze(path) -> write(outdir) -> print summary; returns the exit code 0.

    ``write_options`` (``overwrite``, ``output_command``, ``inputs``) go to
    `StudyReport.write`."""
    from sarcostat.report.study_report import analyze

    progress = Progress(quiet)
    result = analyze(
        path,
        plan,
        biomarker=biomarker,
        mapping=mapping,
        sheet=sheet,
        synthetic=synthetic,
        progress=progress,
        **(read or {}),
    )
    out = result.write(outdir, command=command, input_path=path, progress=progress, **write_options)
    if not quiet:
        print(f"[done] {time.perf_counter() - progress.start:5.1f}s", file=sys.stderr)
    print(result.summary())
    print(f"Report: {(out / 'report.html').resolve()}")
    return 0
