"""The report directory: HTML, DOCX, JSON, CSV, figures and a manifest.

`write_report` stages every file through
`OutputFolder` and renames them into place
only when all were written, so a failure or a signal never leaves a partial
report behind, and only files of an earlier report are ever replaced.
"""

from __future__ import annotations

import functools
import json
import math
import platform
import sys
from importlib import metadata
from pathlib import Path

from sarcostat._version import __version__
from sarcostat.report.methods import methods_text
from sarcostat.report.output import (
    OutputFolder,
    file_sha256,
    participant_ids,
    report_time,
    withhold_ids_all,
)

#: The completed data sets of multiple imputation, in long format.
IMPUTATIONS_FILE = "imputations.csv"


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


def results_dict(result, ids=None) -> dict:
    """Every number of the report at full precision, keyed by part and row.

    Warnings carry no participant id (`withhold_ids`).
    """
    if ids is None:
        ids = participant_ids(result)
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
    out["warnings"] = withhold_ids_all(result.warnings, ids)
    out["methods"] = methods_text(result)
    return out


def package_versions() -> dict[str, str]:
    out = {"sarcostat": __version__, "python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def manifest(
    result, *, command=None, input_path=None, files=(), ids=(), report_options=None
) -> dict:
    """Provenance: input hash, plan, report options, versions, command line,
    time, warnings. ``report_options`` are recorded as
    `to_dict` gives them (the
    defaults when None), so ``ReportOptions.from_dict`` reads them back."""
    from sarcostat.report.options import DEFAULT_OPTIONS

    inp = input_path or result.source
    info = {
        "created": report_time().isoformat(timespec="seconds"),
        "command": command if command is not None else " ".join(sys.argv),
        "input": None,
        "plan": result.plan.to_dict(),
        "plan_source": Path(result.plan.source).name if result.plan.source else None,
        "biomarker": result.biomarker,
        "report_options": (report_options or DEFAULT_OPTIONS).to_dict(),
        "synthetic": bool(result.synthetic),
        "versions": package_versions(),
        "platform": platform.platform(),
        "warnings": withhold_ids_all(result.warnings, ids),
        "files": sorted(files),
    }
    if inp is not None and Path(inp).is_file():
        info["input"] = {
            # The name only: the manifest is shared with the report.
            "path": Path(inp).name,
            "sha256": file_sha256(inp),
            "bytes": Path(inp).stat().st_size,
        }
    return info


def _resolved(png):
    """PNG bytes from bytes or a future of them."""
    return png if isinstance(png, bytes) else png.result()


def write_report(
    result,
    outdir,
    *,
    command=None,
    input_path=None,
    progress=None,
    extra=None,
    output_command=None,
    overwrite=False,
    inputs=(),
    report_options=None,
) -> Path:
    """Write report.html, tables.docx, results.json, CSVs, figures, manifest.json.

    Parameters
    ----------
    result : StudyResult
    outdir : path
        Created if absent (its parent must exist). An earlier output of the
        same command there is replaced file by file (only the files its
        manifest lists); any other non-empty folder is refused unless
        ``overwrite`` (which never replaces a file sarcostat did not write).
        See `sarcostat.report.output`.
    command : str, optional
        Command line recorded in the manifest (default: ``sys.argv``).
    input_path : path, optional
        Input file hashed into the manifest (default: ``result.source``).
    progress : callable, optional
        Called with one short message per file group written.
    extra : callable, optional
        ``extra(out)`` stages additional files on the
        `OutputFolder` (reproduce).
    output_command : str, optional
        Command name recorded in the manifest's marker (default "analyze").
    overwrite : bool
        Write into a non-empty folder that is not an earlier output.
    inputs : paths
        Further input files that must not be written over (map, plan).
    report_options : ReportOptions, optional
        Figure formats, dpi, width, greyscale; Word paper and font; P style
        (`sarcostat.report.options.ReportOptions`; default PNG + SVG
        at 300 dpi, A4, the seed paper's P style).

    Returns
    -------
    pathlib.Path
        The report directory.
    """
    from concurrent.futures import ThreadPoolExecutor
    from dataclasses import replace

    from sarcostat import _fork
    from sarcostat.report import figures
    from sarcostat.report.docx import write_docx
    from sarcostat.report.format import DEFAULT_FORMAT
    from sarcostat.report.html import render_html
    from sarcostat.report.options import DEFAULT_OPTIONS
    from sarcostat.report.parts import FIGURES, step_parts

    opts = report_options or DEFAULT_OPTIONS
    fmt = replace(DEFAULT_FORMAT, p_style=opts.p_style)
    say = progress or (lambda msg: None)
    # withhold_ids removes id mentions by their marker, never by comparing
    # words with the ids: no list of a million ids to build here.
    ids: list[str] = []
    plan_source = getattr(result.plan, "source", None)
    with OutputFolder(
        outdir,
        command=output_command or "analyze",
        inputs=[p for p in (input_path or result.source, plan_source, *inputs) if p],
        overwrite=overwrite,
    ) as out:
        skipped = getattr(result, "skipped", None) or {}
        drawn = [n for n in result.frames if n in FIGURES and n not in skipped]
        kinds = ", ".join(f.upper() for f in opts.figure_formats)
        if drawn:
            say(f"figures ({', '.join(drawn)}: {kinds}, {opts.dpi} dpi)")
        # The figures are drawn on two processes where that is safe (a forked
        # copy of this one takes figures from the same queue, see `_fork`);
        # here the PNGs are compressed on another thread while this one draws
        # the next figure and its SVG (zlib runs without the interpreter
        # lock); every file is written once every figure is drawn.
        with ThreadPoolExecutor(max_workers=1) as encoder:

            def draw(name, encoder):
                # The printed width sets the columns of panels (single column: two).
                fig = FIGURES[name](result, fmt=fmt, width_mm=opts.figure_width_mm)
                if opts.greyscale:
                    figures.to_greyscale(fig)
                # One drawing per output format: the PNG file, the Word picture
                # and the HTML embed (screen resolution, the drawn size) come
                # from one raster (figures.figure_outputs).
                return figures.figure_outputs(
                    fig,
                    opts.figure_formats,
                    dpi=opts.dpi,
                    width_mm=opts.figure_width_mm,
                    encoder=encoder,
                )

            def here(name):
                files, html_png, word_png = draw(name, encoder)
                # SVG, PDF, EPS are drawn now (beside the copy), the PNG is
                # being compressed; all are written below, in one order.
                files = {k: w if k == "png" else figures.output_bytes(w) for k, w in files.items()}
                return files, html_png, word_png

            def there(name):
                files, html_png, word_png = draw(name, None)
                return {k: figures.output_bytes(w) for k, w in files.items()}, html_png, word_png

            with figures.style_context(opts):
                figures.load_drawing_modules(opts.figure_formats)
                drawings = _fork.split(drawn, here, there)
            pngs = {}
            word_pngs = {}
            later = []
            for name in drawn:
                files, pngs[name], word_pngs[name] = drawings[name]
                for kind, writer in files.items():
                    if isinstance(writer, bytes):
                        writer = functools.partial(figures.write_bytes, data=writer)
                    if kind == "png":
                        later.append((f"{name}.{kind}", writer))
                    else:
                        out.write(f"{name}.{kind}", writer)
            for file_name, writer in later:
                out.write(file_name, writer)
            pngs = {name: _resolved(png) for name, png in pngs.items()}
            word_pngs = {name: _resolved(png) for name, png in word_pngs.items()}
        say("tables (results.json, CSV)")
        for part, frame in result.frames.items():
            out.write_csv(f"{part}.csv", frame)
        imputed = getattr(result, "imputations", None)
        if imputed is not None:
            # Participant-level data like the cohort itself (it keeps the ids,
            # so a peer can re-pool it with mice::as.mids); the report says so.
            say("imputations.csv (participant-level: the completed data sets)")
            out.write_csv(IMPUTATIONS_FILE, imputed)
        out.write_text(
            "results.json",
            json.dumps(
                results_dict(result, ids=ids), indent=2, ensure_ascii=False, allow_nan=False
            ),
        )
        # The display tables of every step, built once for both documents.
        parts = step_parts(result, fmt, pngs)
        say("tables.docx")
        out.write(
            "tables.docx",
            lambda p: write_docx(result, p, fmt, options=opts, figure_pngs=word_pngs, parts=parts),
        )
        say("report.html")
        out.write_text(
            "report.html", render_html(result, figure_pngs=pngs, ids=ids, fmt=fmt, parts=parts)
        )
        if extra is not None:
            extra(out)
        out.manifest.update(
            manifest(
                result,
                command=command,
                input_path=input_path,
                files=[*out.names, "manifest.json"],
                ids=ids,
                report_options=opts,
            )
        )
    return out.path
