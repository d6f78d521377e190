"""The report directory: HTML, DOCX, JSON, CSV, figures and a manifest.

:func:`write_report` renders everything into a temporary directory next to
OUTDIR and moves it into place only when every file was written, so a
failure never leaves a partial report behind.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import secrets
import shutil
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from sarcostat._version import __version__
from sarcostat.exceptions import ParameterError
from sarcostat.report.methods import methods_text


def _keys(name: str) -> tuple[str, ...]:
    """Key columns that address one row of a step's frame in results.json."""
    from sarcostat.study.steps import get

    return get(name).keys


_PACKAGES = (
    "numpy",
    "pandas",
    "scipy",
    "statsmodels",
    "matplotlib",
    "python-docx",
    "jinja2",
    "openpyxl",
    "pyreadstat",
    "pyarrow",
)


def _plain(value):
    """JSON-safe Python value at full precision (NaN/NA -> null)."""
    import numpy as np
    import pandas as pd

    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _nest(df, keys):
    out: dict = {}
    for rec in df.to_dict("records"):
        node = out
        path = [rec[k] for k in keys]
        # An empty key (e.g. the level of a continuous Table 1 row) is skipped.
        path = [
            str(_plain(p))
            for p in path
            if p not in ("", None) and not (isinstance(p, float) and math.isnan(p))
        ]
        for p in path[:-1]:
            node = node.setdefault(p, {})
        node[path[-1]] = {k: _plain(v) for k, v in rec.items() if k not in keys}
    return out


def results_dict(result) -> dict:
    """Every number of the report at full precision, keyed by part and row."""
    out = {
        "sarcostat_version": __version__,
        "synthetic": bool(result.synthetic),
        "biomarker": {
            "column": result.biomarker,
            "label": result.biomarker_label,
            "unit": result.biomarker_unit,
        },
        "cohort": _plain(result.cohort),
        "censoring": result.censoring.to_dict(),
    }
    for part, frame in result.frames.items():
        out[part] = _nest(frame, _keys(part))
    skipped = getattr(result, "skipped", None)
    if skipped:
        out["skipped"] = dict(skipped)
    out["warnings"] = list(result.warnings)
    out["methods"] = methods_text(result)
    return out


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def package_versions() -> dict[str, str]:
    out = {"sarcostat": __version__, "python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def manifest(result, *, command=None, input_path=None, files=()) -> dict:
    """Provenance: input hash, plan, versions, command line, time, warnings."""
    inp = input_path or result.source
    info = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command if command is not None else " ".join(sys.argv),
        "input": None,
        "plan": result.plan.to_dict(),
        "plan_source": result.plan.source,
        "biomarker": result.biomarker,
        "synthetic": bool(result.synthetic),
        "versions": package_versions(),
        "platform": platform.platform(),
        "warnings": list(result.warnings),
        "files": sorted(files),
    }
    if inp is not None and Path(inp).is_file():
        info["input"] = {
            "path": str(Path(inp).resolve()),
            "sha256": file_sha256(inp),
            "bytes": Path(inp).stat().st_size,
        }
    return info


def _prepare_target(outdir: Path) -> None:
    if outdir.exists():
        if not outdir.is_dir():
            raise ParameterError(f"{outdir}: exists and is not a directory; choose another -o.")
        entries = list(outdir.iterdir())
        if entries and not (outdir / "manifest.json").is_file():
            raise ParameterError(
                f"{outdir}: exists, is not empty and is not a sarcostat report directory; "
                f"choose another -o (an existing report directory is replaced)."
            )


def _move_into_place(tmp: Path, outdir: Path) -> None:
    if outdir.exists():
        old = outdir.with_name(f".{outdir.name}.old-{os.getpid()}")
        os.replace(outdir, old)
        try:
            os.replace(tmp, outdir)
        except OSError:
            os.replace(old, outdir)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, outdir)


def write_report(
    result, outdir, *, command=None, input_path=None, progress=None, extra=None
) -> Path:
    """Write report.html, tables.docx, results.json, CSVs, figures, manifest.json.

    Parameters
    ----------
    result : StudyResult
    outdir : path
        Created (with parents) if absent; an existing sarcostat report
        directory is replaced; any other non-empty directory is refused.
    command : str, optional
        Command line recorded in the manifest (default: ``sys.argv``).
    input_path : path, optional
        Input file hashed into the manifest (default: ``result.source``).
    progress : callable, optional
        Called with one short message per file group written.
    extra : callable, optional
        ``extra(tmpdir)`` writes additional files before the move (reproduce).

    Returns
    -------
    pathlib.Path
        The report directory.
    """
    from sarcostat.report import figures
    from sarcostat.report.docx import write_docx
    from sarcostat.report.html import render_html
    from sarcostat.report.parts import FIGURES

    say = progress or (lambda msg: None)
    outdir = Path(outdir)
    _prepare_target(outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    # mkdir (not tempfile.mkdtemp, which is always 0700) so the report folder
    # gets the permissions of any folder the user creates (the umask).
    tmp = outdir.parent / f".{outdir.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        skipped = getattr(result, "skipped", None) or {}
        drawn = [n for n in result.frames if n in FIGURES and n not in skipped]
        if drawn:
            say(f"figures ({', '.join(drawn)}: PNG + SVG)")
        pngs = {}
        for name in drawn:
            paths = figures.save_figure(FIGURES[name](result), tmp / name)
            # The HTML embeds the same PNG: the figure is drawn once per format.
            pngs[name] = paths[0].read_bytes()
        say("tables (results.json, CSV)")
        for part, frame in result.frames.items():
            frame.to_csv(tmp / f"{part}.csv", index=False)
        (tmp / "results.json").write_text(
            json.dumps(results_dict(result), indent=2, ensure_ascii=False, allow_nan=False),
            encoding="utf-8",
        )
        say("tables.docx")
        write_docx(result, tmp / "tables.docx")
        say("report.html")
        (tmp / "report.html").write_text(render_html(result, figure_pngs=pngs), encoding="utf-8")
        if extra is not None:
            extra(tmp)
        files = [p.name for p in tmp.iterdir()] + ["manifest.json"]
        (tmp / "manifest.json").write_text(
            json.dumps(
                manifest(result, command=command, input_path=input_path, files=files),
                indent=2,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        _move_into_place(tmp, outdir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return outdir
