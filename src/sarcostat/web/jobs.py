"""What each action of the web app does, by calling the public layers.

Nothing here computes a number of its own: the column suggestions are
`sarcostat.io.mapping`'s, validation is `sarcostat.io.read_cohort`,
the plan is `sarcostat.study.Plan`, classification is
`sarcostat.assess.classify_cohort`, and ``analyze`` / ``elisa`` /
``classify -o`` are run as ``python -m sarcostat ...`` with the same
arguments a user would type, so their files are the CLI's files.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
import zipfile
from pathlib import Path
from typing import Any

from sarcostat.exceptions import SarcostatError
from sarcostat.web.workspace import Dataset, Job, Workspace, dump_toml

#: How many distinct values a column may have for the page to offer value codes.
MAX_CODES = 12
#: Rows of the per-participant classification shown in the page (all are in the CSV).
PREVIEW_ROWS = 50
CATEGORY_TARGETS = ("sex", "muscle_mass_method")
#: Plan sections shown unfolded: the report's parts, the exposure, the
#: definition and the covariates; the statistical details are folded.
OPEN_SECTIONS = ("study", "biomarker", "assessment", "model")


class ActionError(Exception):
    """A user mistake in a web action; its text is shown as is (plain words)."""


# -- columns and mapping ------------------------------------------------------------
def _cell_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def inspect_columns(ds: Dataset) -> None:
    """Fill ``ds.columns`` (header, samples, suggestion) and ``ds.auto_note``.

    The suggestion is what ``sarcostat validate`` would do without a map
    (`resolve_columns`); when that refuses
    (two columns could be the same variable), each header's own match is
    shown instead and the refusal is the note.
    """
    from sarcostat.io.mapping import (
        ColumnMap,
        match_biomarker_header,
        match_header,
        resolve_columns,
    )
    from sarcostat.io.readers import is_blank, read_table

    raw = read_table(ds.path, sheet=ds.sheet)
    try:
        res = resolve_columns(list(raw.headers), ColumnMap(), file=ds.name)
        resolved = res.columns
        biomarkers = set(res.biomarkers)
        ds.auto_note = ""
    except SarcostatError as exc:
        resolved = None
        biomarkers = set()
        ds.auto_note = str(exc)
    cols = []
    for h in raw.headers:
        distinct: list[str] = []
        for cell in raw.columns[h]:
            if is_blank(cell):
                continue
            t = _cell_text(cell)
            if t not in distinct:
                distinct.append(t)
                if len(distinct) > MAX_CODES:
                    break
        if resolved is not None:
            hit = resolved.get(h)
            if hit is None:
                sug = None
            else:
                kind = "biomarker" if hit[0] in biomarkers else "variable"
                sug = {"kind": kind, "name": hit[0], "unit": hit[1] or ""}
        else:
            m = match_header(h)
            b = match_biomarker_header(h)
            if m is not None:
                sug = {"kind": "variable", "name": m[0], "unit": m[1] or ""}
            elif b is not None:
                sug = {"kind": "biomarker", "name": b[0], "unit": b[1]}
            else:
                sug = None
        labels = raw.labels.get(h) or {}
        cols.append(
            {
                "header": h,
                "samples": distinct[:3],
                "values": distinct if len(distinct) <= MAX_CODES else [],
                "labels": {_cell_text(k): str(v) for k, v in labels.items()},
                "suggestion": sug,
            }
        )
    ds.columns = cols


def variable_choices() -> list[dict]:
    """Canonical columns a header can be mapped to, with their accepted units."""
    from sarcostat.io import VARIABLES

    out = []
    for v in VARIABLES:
        if v.kind == "flag" or v.name == "grip_<n>_kg":
            continue
        out.append({"name": v.name, "meaning": v.meaning, "units": [u for u in v.units if u]})
    return out


def current_target(ds: Dataset, header: str) -> dict:
    """How the map assigns ``header`` now: {"target", "unit", "biomarker", "lod"}."""
    m = ds.mapping
    spec = (m.get("columns") or {}).get(header)
    if spec is not None:
        if isinstance(spec, str):
            return {"target": spec, "unit": "", "biomarker": "", "lod": ""}
        return {"target": spec["name"], "unit": spec.get("unit", ""), "biomarker": "", "lod": ""}
    for name, b in (m.get("biomarkers") or {}).items():
        if isinstance(b, dict) and b.get("column") == header:
            lod = b.get("lod")
            return {
                "target": "biomarker",
                "unit": b.get("unit", ""),
                "biomarker": name,
                "lod": "" if lod is None else _cell_text(lod),
            }
    return {"target": "auto", "unit": "", "biomarker": "", "lod": ""}


def code_columns(ds: Dataset) -> dict[str, dict]:
    """For sex and muscle_mass_method: the column that holds it and its values."""
    out = {}
    for target in CATEGORY_TARGETS:
        for col in ds.columns:
            cur = current_target(ds, col["header"])["target"]
            sug = col["suggestion"]
            if cur == target or (cur == "auto" and sug is not None and sug["name"] == target):
                codes = (ds.mapping.get("codes") or {}).get(target, {})
                out[target] = {
                    "header": col["header"],
                    "values": [
                        {"raw": v, "label": col["labels"].get(v, ""), "chosen": codes.get(v, "")}
                        for v in col["values"]
                    ],
                }
                break
    return out


def _float(text: str, what: str) -> float:
    try:
        return float(str(text).strip().replace(",", "."))
    except ValueError:
        raise ActionError(f"{what} must be a number; got '{text}'.") from None


def mapping_from_form(ds: Dataset, form) -> dict[str, Any]:
    """The map a submitted mapping form describes (not yet checked)."""
    columns: dict[str, Any] = {}
    biomarkers: dict[str, Any] = {}
    codes: dict[str, dict] = {}
    for i, col in enumerate(ds.columns):
        h = col["header"]
        target = (form.get(f"col-{i}-target") or "auto").strip()
        unit = (form.get(f"col-{i}-unit") or "").strip()
        if target == "auto":
            continue
        if target == "biomarker":
            name = (form.get(f"col-{i}-biomarker") or "").strip() or h
            if not unit:
                raise ActionError(
                    f"Column '{h}' is marked as a biomarker; give its unit (for example pmol/L)."
                )
            spec: dict[str, Any] = {"unit": unit, "column": h}
            lod = (form.get(f"col-{i}-lod") or "").strip()
            if lod:
                spec["lod"] = _float(lod, f"The detection limit of '{h}'")
            biomarkers[name] = spec
        else:
            columns[h] = {"name": target, "unit": unit} if unit else target
    for target in CATEGORY_TARGETS:
        j = 0
        table = {}
        while f"code-{target}-{j}-raw" in form:
            value = (form.get(f"code-{target}-{j}") or "").strip()
            if value:
                table[form.get(f"code-{target}-{j}-raw")] = value
            j += 1
        if table:
            codes[target] = table
    protocol = {
        k: v
        for k, v in (ds.mapping.get("protocol") or {}).items()
        if k not in ("muscle_mass_method", "gait_distance_m")
    }
    method = (form.get("protocol-muscle_mass_method") or "").strip()
    if method:
        protocol["muscle_mass_method"] = method
    dist = (form.get("protocol-gait_distance_m") or "").strip()
    if dist:
        protocol["gait_distance_m"] = _float(dist, "The walk distance")
    return {"columns": columns, "codes": codes, "biomarkers": biomarkers, "protocol": protocol}


def set_mapping(ds: Dataset, mapping: dict[str, Any]) -> None:
    """Check ``mapping`` with the CLI's map parser and keep it (with its TOML file)."""
    from sarcostat.io import load_mapping

    if not isinstance(mapping, dict):
        raise ActionError(
            "A map must be a table with [columns], [codes], [biomarkers], [protocol]."
        )
    from sarcostat.io.mapping import resolve_columns

    mapping = {k: v for k, v in mapping.items() if v}
    # The CLI's parser and column resolution: their SchemaError messages are shown as is.
    cmap = load_mapping(mapping)
    cmap.source = "the map"
    resolve_columns([c["header"] for c in ds.columns], cmap, file=ds.name)
    ds.mapping = mapping
    write_map(ds)


def map_toml(ds: Dataset) -> str:
    auto = [
        f"  {c['header']!r} -> {c['suggestion']['name']}"
        + (f" ({c['suggestion']['unit']})" if c["suggestion"]["unit"] else "")
        for c in ds.columns
        if c["suggestion"] is not None and current_target(ds, c["header"])["target"] == "auto"
    ]
    header = (
        f"sarcostat column map for {ds.name}, written by 'sarcostat serve'.\n"
        f"Use it with: sarcostat analyze {ds.name} --map map.toml --plan plan.toml -o report/\n"
    )
    if auto:
        header += "Columns recognised automatically (no entry needed):\n" + "\n".join(auto) + "\n"
    return dump_toml(ds.mapping, header)


def write_map(ds: Dataset) -> None:
    ds.map_path.write_text(map_toml(ds), encoding="utf-8")


def parse_toml_upload(data: bytes, what: str) -> dict:

    from sarcostat.io.readers import parse_toml

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ActionError(f"The {what} must be UTF-8 text.") from None
    return parse_toml(text, where=f"The {what}", error=ActionError)


# -- validation ----------------------------------------------------------------------
def read(ds: Dataset):
    """The cohort as the CLI reads it with ``--map map.toml``."""
    from sarcostat.io import read_cohort

    write_map(ds)
    return read_cohort(ds.path, mapping=str(ds.map_path), sheet=ds.sheet)


def validate(ds: Dataset) -> dict[str, Any]:
    """Findings of the cohort as ``sarcostat validate`` lists them."""
    from sarcostat.io.findings import sort_findings

    try:
        cohort = read(ds)
    except SarcostatError as exc:
        return {"ok": False, "error": str(exc), "summary": "", "findings": [], "biomarkers": []}
    findings = [
        {
            "severity": f.severity,
            "rule": f.rule,
            "row": f.row,
            "id": None if f.participant_id is None else str(f.participant_id),
            "column": f.column,
            "value": None if f.value is None else str(f.value),
            "problem": f.detail or f.message,
        }
        for f in sort_findings(cohort.issues)
    ]
    return {
        "ok": not cohort.has_errors,
        "error": "",
        "summary": cohort.summary(),
        "findings": findings,
        "biomarkers": list(cohort.biomarkers),
        "counts": {  # problems, not lines: a summary of unlisted rows counts each row
            s: sum(f.count for f in cohort.issues if f.severity == s)
            for s in ("error", "warning", "info")
        },
    }


# -- plan --------------------------------------------------------------------------
def plan_of(ds: Dataset):
    from sarcostat.study import Plan

    return Plan() if ds.plan is None else Plan.from_dict(ds.plan, source="plan.toml")


def _doc_line(klass) -> str:
    first = (klass.__doc__ or "").strip().splitlines()[0] if klass.__doc__ else ""
    return re.sub(r"^``\[[^\]]*\]``:\s*", "", first)


def plan_form(plan, *, biomarkers=(), columns=()) -> list[dict]:
    """The plan as form sections: every key of every section, with its choices.

    Read from the plan's own section dataclasses (their field metadata:
    comment, options, kind), so sections that plan steps bring (supplementary
    analyses) appear without changes here.
    """
    sections = []
    for name in plan.to_dict():
        sec = plan.section(name)
        fields = []
        for f in dataclasses.fields(sec):
            value = getattr(sec, f.name)
            kind = f.metadata.get("kind")
            options = f.metadata.get("options")
            if callable(options):
                options = options()
            options = list(options) if options else None
            if kind == "list" or isinstance(value, tuple):
                kind = "checks" if options else "list"
            elif kind == "bool" or isinstance(value, bool):
                kind = "bool"
            elif kind == "level" or isinstance(value, float):
                kind = "number"
            elif options:
                kind = "select"
            else:
                kind = "text"
            field = {
                "name": f"plan.{name}.{f.name}",
                "key": f.name,
                "kind": kind,
                "value": list(value) if isinstance(value, tuple) else value,
                "options": options,
                "comment": f.metadata.get("comment", ""),
            }
            if (name, f.name) == ("biomarker", "column") and biomarkers:
                field["kind"] = "select"
                field["options"] = ["auto", *biomarkers]
                if value not in field["options"]:
                    field["options"].append(value)
            if (name, f.name) == ("model", "covariates") and columns:
                field["kind"] = "checks"
                field["options"] = list(dict.fromkeys([*value, *columns]))
            if field["kind"] == "checks":
                # chosen ones first, in their order (the order of report parts matters)
                field["options"] = list(dict.fromkeys([*field["value"], *field["options"]]))
            fields.append(field)
        sections.append(
            {
                "name": name,
                "title": _doc_line(type(sec)),
                "fields": fields,
                "open": name in OPEN_SECTIONS,
            }
        )
    return sections


def plan_from_form(plan, form):
    """A Plan from submitted form fields ``plan.<section>.<key>`` (checked by Plan)."""
    from sarcostat.study import Plan

    data = plan.to_dict()
    for section in plan_form(plan):
        for f in section["fields"]:
            name = f["name"]
            sec, key = section["name"], f["key"]
            if f["kind"] == "bool":
                data[sec][key] = (form.get(name) or "").lower() in ("on", "true", "1", "yes")
            elif f["kind"] in ("list", "checks"):
                if name not in form and f"{name}.shown" not in form:
                    continue
                if any(isinstance(v, dict) for v in f["value"]):
                    continue  # tables (e.g. frailty-index deficits) are edited in plan.toml
                items = [x.strip() for v in form.getlist(name) for x in v.split(",")]
                items = [x for x in items if x]
                numbers = f["value"] and all(
                    isinstance(v, int | float) and not isinstance(v, bool) for v in f["value"]
                )
                # A list of numbers (e.g. frailty-index cut-offs) comes back as text.
                data[sec][key] = [_float(x, f"[{sec}] {key}") for x in items] if numbers else items
            elif name not in form:
                continue
            elif f["kind"] == "number":
                data[sec][key] = _float(form.get(name), f"[{sec}] {key}")
            else:
                data[sec][key] = form.get(name).strip()
    return Plan.from_dict(data, source="plan (web form)")


def set_plan(ds: Dataset, plan) -> None:
    ds.plan = plan.to_dict()
    ds.plan_path.write_text(plan.to_toml() + "\n", encoding="utf-8")


def cohort_columns(ds: Dataset) -> tuple[list[str], list[str]]:
    """(biomarkers, numeric covariate candidates) of a readable cohort; ([], []) if not."""
    try:
        cohort = read(ds)
        if cohort.has_errors:
            return [], []
        data = cohort.data
    except SarcostatError:
        return [], []
    bms = list(cohort.biomarkers)
    skip = {"id", *bms, *(f"{b}_lod" for b in bms)}
    cands = [
        c
        for c in data.columns
        if c not in skip and (c == "sex" or str(data[c].dtype).startswith(("float", "int")))
    ]
    return bms, cands


# -- jobs that run the CLI -------------------------------------------------------------
_STEP = re.compile(r"^\[\s*(\d+)\]\s+[\d.]+s\s+(.*)$")


def _record(job: Job, line: str, other: list[str]) -> None:
    m = _STEP.match(line.strip())
    if m:
        job.steps.append(m.group(2))
    elif line.strip() and not line.startswith("[done]"):
        other.append(line.rstrip("\n"))


def cli_command() -> tuple[list[str], dict[str, str]]:
    """``python -m sarcostat`` of this very installation, and its environment.

    The folder holding the imported ``sarcostat`` package goes first on
    PYTHONPATH, so the child runs the same code as the server.
    """
    import os
    import sys

    import sarcostat

    src = str(Path(sarcostat.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    env["PYTHONIOENCODING"] = "utf-8"
    return [sys.executable, "-m", "sarcostat"], env


def run_cli(ws: Workspace, job: Job, argv: list[str], cwd: Path | None = None) -> int:
    """``sarcostat ARGV`` as a child process, its output captured into ``job``.

    The web package sits below the CLI and does not import it: it runs the
    very command a user would type, so files and numbers are the CLI's, and
    the CLI's numbered progress lines (stderr) become the job's steps as
    they arrive.
    """
    import subprocess

    base, env = cli_command()
    other: list[str] = []
    out_chunks: list[str] = []
    with ws.compute_lock:
        job.status = "running"
        proc = subprocess.Popen(
            [*base, *argv],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            cwd=cwd or job.folder,
        )
        ws.children.add(proc)
        reader = threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()))
        reader.start()
        for line in proc.stderr:
            _record(job, line, other)
        rc = proc.wait()
        reader.join()
        ws.children.discard(proc)
    job.stdout = _hide_paths("".join(out_chunks), ws)
    if rc != 0 and not other:
        other.append(f"sarcostat stopped unexpectedly (exit code {rc}).")
    job.error = "" if rc == 0 else _hide_paths("\n".join(other).strip(), ws)
    job.data["warnings"] = [] if rc != 0 else [_hide_paths(x, ws) for x in other]
    return rc


def _hide_paths(text: str, ws: Workspace) -> str:
    """Messages name files by their names, not by the workspace path."""
    text = re.sub(re.escape(str(ws.root)) + r"[/\\](?:[^/\\\s]+[/\\])*", "", text)
    return text


def _collect(folder: Path) -> dict[str, Path]:
    return {
        p.relative_to(folder).as_posix(): p
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def start_analyze(ws: Workspace, ds: Dataset, *, wait: bool = False) -> Job:
    """``sarcostat analyze FILE --map map.toml --plan plan.toml -o report`` in a thread."""
    jid, folder = ws.folder("runs")
    job = Job(jid, "run", folder, ds.id)
    write_map(ds)
    if ds.plan is None:
        set_plan(ds, plan_of(ds))
    # Run in the cohort's folder with names relative to it, so the report and
    # manifest name "clinic.csv" and "plan.toml", not the workspace's path.
    argv = [
        "analyze",
        ds.path.name,
        f"--map={ds.map_path.name}",
        f"--plan={ds.plan_path.name}",
        f"--output={os.path.relpath(folder / 'report', ds.folder)}",
    ]
    if ds.sheet is not None:
        argv.append(f"--sheet={ds.sheet}")
    inputs = {"map.toml": ds.map_path.read_bytes(), "plan.toml": ds.plan_path.read_bytes()}

    def work():
        rc = run_cli(ws, job, argv, cwd=ds.folder)
        if rc == 0:
            report = folder / "report"
            job.files = _collect(report)
            zpath = folder / "sarcostat-report.zip"
            with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as z:
                for name, p in job.files.items():
                    z.write(p, f"report/{name}")
                for name, data in inputs.items():
                    z.writestr(name, data)
            job.files[zpath.name] = zpath
            job.status = "done"
        else:
            job.status = "failed"

    ws.jobs[jid] = job
    if wait:
        work()
    else:
        threading.Thread(target=work, name=f"sarcostat-run-{jid}", daemon=True).start()
    return job


def definitions() -> list[tuple[str, str]]:
    from sarcostat.assess import list_definitions

    t = list_definitions()
    return list(zip(t["definition"], t["title"]))


def run_classify(ws: Workspace, ds: Dataset, names: list[str]) -> Job:
    """Prevalence, agreement and the per-participant table by ``names``."""
    from sarcostat.assess import classify_cohort

    known = [d for d, _ in definitions()]
    names = [n for n in names if n]
    bad = [n for n in names if n not in known]
    if not names or bad:
        raise ActionError(
            "Choose one or more definitions among "
            + ", ".join(known)
            + (f" (unknown: {', '.join(bad)})." if bad else ".")
        )
    jid, folder = ws.folder("classify")
    job = Job(jid, "classify", folder, ds.id, total_steps=1)
    ws.jobs[jid] = job
    cohort = read(ds)
    if cohort.has_errors:
        job.status = "failed"
        job.error = "The cohort has errors; fix them on the validation page first."
        return job
    with ws.compute_lock:
        res = classify_cohort(cohort, names)
    argv = [
        "classify",
        ds.path.name,
        f"--definition={','.join(names)}",
        f"--map={ds.map_path.name}",
        f"--output={os.path.relpath(folder / 'classification.csv', ds.folder)}",
    ]
    rc = run_cli(ws, job, argv, cwd=ds.folder)
    job.files = _collect(folder)
    job.status = "done" if rc == 0 else "failed"
    job.data.update(
        definitions=names,
        prevalence=_records(res.prevalence),
        agreement=_records(res.agreement),
        notes=list(res.notes),
        preview=_records(res.table.head(PREVIEW_ROWS)),
        n_rows=len(res.table),
    )
    return job


def _records(frame) -> dict[str, Any]:
    """A DataFrame as {"columns": [...], "rows": [[...]]} with JSON-safe cells."""
    import math

    def cell(v):
        if v is None:
            return None
        if hasattr(v, "item"):
            v = v.item()
        if isinstance(v, float) and not math.isfinite(v):
            return None
        try:
            import pandas as pd

            if pd.isna(v):
                return None
        except (TypeError, ValueError):
            pass
        return v if isinstance(v, (bool, int, float, str)) else str(v)

    return {
        "columns": [str(c) for c in frame.columns],
        "rows": [[cell(v) for v in row] for row in frame.itertuples(index=False)],
    }


def elisa_merge_supported(ws: Workspace) -> bool:
    """True once ``sarcostat elisa`` has ``--merge`` (read once from its --help)."""
    if "elisa_merge" not in ws.facts:
        import subprocess

        base, env = cli_command()
        try:
            done = subprocess.run(
                [*base, "elisa", "--help"], capture_output=True, text=True, env=env, timeout=60
            )
            ws.facts["elisa_merge"] = "--merge" in done.stdout
        except (OSError, subprocess.TimeoutExpired):
            ws.facts["elisa_merge"] = False
    return ws.facts["elisa_merge"]


ELISA_OPTIONS = {
    "model": ("4pl", "5pl"),
    "weights": ("none", "1/y2", "1/yhat2", "1/y"),
    "fit_to": ("means", "replicates"),
    "acceptance": ("research", "kit", "ich-m10"),
    "censor": ("lod", "lloq"),
}
#: Files every ELISA run writes; any other cohort-like file is the merged cohort.
ELISA_OWN_FILES = ("concentrations.csv", "samples.csv", "qc.csv", "merge_unmatched.csv")
ELISA_TEXT = ("analyte", "unit", "lod", "cv_limit", "wavelength", "reference", "mw", "to_unit")


def run_elisa(
    ws: Workspace,
    jid: str,
    folder: Path,
    plates: list[Path],
    layouts: list[Path],
    options: dict,
    merge: Dataset | None,
    *,
    replace: bool = False,
) -> Job:
    """``sarcostat elisa PLATES --layout L ... -o out`` on files uploaded into ``folder``;
    with ``merge``, ``--merge`` that cohort (its map and sheet as the app keeps them)."""
    job = Job(jid, "elisa", folder, merge.id if merge else None, total_steps=1)
    ws.jobs[jid] = job
    out = folder / "out"
    argv = ["elisa", *(p.relative_to(folder).as_posix() for p in plates)]
    argv += [f"--layout={p.relative_to(folder).as_posix()}" for p in layouts]
    argv.append("--outdir=out")
    for key, value in options.items():
        if value in (None, ""):
            continue
        if key not in ELISA_OPTIONS and key not in ELISA_TEXT:
            raise ActionError(f"Unknown ELISA option '{key}'.")
        argv.append(f"--{key.replace('_', '-')}={value}")
    if merge is not None:
        argv.append(f"--merge={merge.path}")
        if merge.map_path.is_file():
            argv.append(f"--map={merge.map_path}")
        if merge.sheet is not None:
            argv.append(f"--sheet={merge.sheet}")
        if replace:
            argv.append("--merge-replace")
    rc = run_cli(ws, job, argv, cwd=folder)
    job.files = _collect(out) if out.is_dir() else {}
    job.status = "done" if rc == 0 else "failed"
    # what a later merge step re-runs: the same uploaded files and options
    job.data["inputs"] = {
        "plates": [str(p.relative_to(folder)) for p in plates],
        "layouts": [str(p.relative_to(folder)) for p in layouts],
        "options": dict(options),
    }
    job.data["merge"] = None
    if merge is not None and "results.json" in job.files:
        import json

        try:
            summary = json.loads(job.files["results.json"].read_text(encoding="utf-8"))["merge"]
        except (OSError, ValueError, KeyError):
            summary = None
        if summary:
            job.data["merge"] = summary | {"cohort": merge.name}
    return job
