"""Routes of the web app: server-rendered pages and the HTTP API they use.

Every action is one API call (``/api/...``, documented in docs/web.md). A
browser's form post gets a redirect to the next page (303); any other
client gets JSON. The pages read the same records the API returns.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from jinja2 import PackageLoader
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sarcostat import __version__
from sarcostat.exceptions import SarcostatError
from sarcostat.report.html import environment
from sarcostat.web import jobs
from sarcostat.web.security import REPORT_CSP, Guard, check_csrf, csrf_for
from sarcostat.web.workspace import COHORT_SUFFIXES, Dataset, Workspace, safe_name

STATIC = Path(__file__).parent / "static"
STEPS = (
    ("upload", "Upload"),
    ("map", "Map columns"),
    ("validate", "Validate"),
    ("plan", "Plan"),
    ("run", "Run and report"),
)

# The report layer's one HTML environment (autoescaping on for every
# template), overlaid with the app's templates: user text in a page, like in
# a report, always shows as text.
_env = environment().overlay(
    loader=PackageLoader("sarcostat.web", "templates"),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _fmt(v) -> str:
    """Numbers in tables: 3 decimals for fractions, as written otherwise."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.3f}" if abs(v) < 1000 else f"{v:.1f}"
    return str(v)


_env.filters["fmt"] = _fmt


# -- helpers ------------------------------------------------------------------------------
def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def page(request: Request, template: str, *, status: int = 200, **context) -> HTMLResponse:
    ws: Workspace = request.app.state.ws
    flash = ws_flash(request).pop(request.url.path, None)
    html = _env.get_template(template).render(
        csrf=request.app.state.csrf,
        version=__version__,
        flash=flash,
        steps=STEPS,
        max_upload_mb=request.app.state.max_upload_mb,
        datasets=list(ws.datasets.values()),
        **context,
    )
    return HTMLResponse(html, status_code=status)


def ws_flash(request: Request) -> dict:
    return request.app.state.flash


def done(request: Request, next_url: str, payload: dict, status: int = 200) -> Response:
    """A browser goes on to the next page; a script gets the JSON."""
    if wants_html(request):
        return RedirectResponse(next_url, status_code=303)
    return JSONResponse(payload, status_code=status)


def failed(request: Request, back_url: str, message: str, status: int = 400) -> Response:
    """A refused action: the page it came from shows the message; a script gets JSON."""
    if wants_html(request):
        ws_flash(request)[back_url] = message
        return RedirectResponse(back_url, status_code=303)
    return JSONResponse({"error": message}, status_code=status)


async def read_body(request: Request) -> dict:
    """The submitted fields (form or JSON), after the CSRF check.

    Every state-changing route starts with this call, so none can skip the check.
    """
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        check_csrf(request, form)
        return {"form": form}
    check_csrf(request)
    if ctype.startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            raise HTTPException(400, "The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise HTTPException(400, "The request body must be a JSON object.")
        return {"json": body}
    return {}


def _dataset(request: Request) -> Dataset:
    ds = request.app.state.ws.dataset(request.path_params["did"])
    if ds is None:
        raise HTTPException(404, "No such cohort here (the server may have been restarted).")
    return ds


def _job(request: Request, kind: str | None = None):
    job = request.app.state.ws.job(request.path_params["jid"], kind)
    if job is None:
        raise HTTPException(404, "No such result here (the server may have been restarted).")
    return job


def _save_upload(upload, folder: Path, default: str) -> Path:
    name = safe_name(getattr(upload, "filename", None), default)
    dest = folder / name
    k = 1
    while dest.exists():
        k += 1
        dest = folder / f"{k}-{name}"
    with open(dest, "wb") as fh:
        shutil.copyfileobj(upload.file, fh)
    return dest


def _is_upload(v) -> bool:
    return hasattr(v, "filename") and hasattr(v, "file")


def dataset_json(ds: Dataset) -> dict:
    return {
        "id": ds.id,
        "name": ds.name,
        "sheet": ds.sheet,
        "origin": ds.origin,
        "columns": ds.columns,
        "automatic_mapping_note": ds.auto_note,
        "mapping": ds.mapping,
        "plan": jobs.plan_of(ds).to_dict(),
    }


# -- pages ------------------------------------------------------------------------------------
async def home(request: Request):
    return page(request, "home.html.j2", title="Analyze a cohort", step="upload", help="upload")


async def help_page(request: Request):
    return page(request, "help.html.j2", title="Help", help="top")


async def map_page(request: Request):
    ds = _dataset(request)
    rows = []
    for i, col in enumerate(ds.columns):
        rows.append({"i": i, **col, **jobs.current_target(ds, col["header"])})
    return page(
        request,
        "map.html.j2",
        title=f"Map the columns of {ds.name}",
        step="map",
        help="map",
        ds=ds,
        rows=rows,
        variables=jobs.variable_choices(),
        codes=jobs.code_columns(ds),
        protocol=ds.mapping.get("protocol") or {},
    )


async def validate_page(request: Request):
    ds = _dataset(request)
    result = jobs.validate(ds)
    return page(
        request,
        "validate.html.j2",
        title=f"Check {ds.name}",
        step="validate",
        help="validate",
        ds=ds,
        v=result,
    )


async def plan_page(request: Request):
    ds = _dataset(request)
    biomarkers, columns = jobs.cohort_columns(ds)
    plan = jobs.plan_of(ds)
    return page(
        request,
        "plan.html.j2",
        title=f"Choose the analysis plan for {ds.name}",
        step="plan",
        help="plan",
        ds=ds,
        sections=jobs.plan_form(plan, biomarkers=biomarkers, columns=columns),
        definitions=jobs.definitions(),
    )


async def run_page(request: Request):
    job = _job(request, "run")
    ds = request.app.state.ws.dataset(job.dataset_id)
    return page(
        request,
        "run.html.j2",
        title="Run and report",
        step="run",
        help="run",
        job=job,
        ds=ds,
    )


async def classify_page(request: Request):
    ds = _dataset(request)
    return page(
        request,
        "classify.html.j2",
        title=f"Classify {ds.name}",
        help="classify",
        ds=ds,
        definitions=jobs.definitions(),
        job=None,
    )


async def classify_result_page(request: Request):
    job = _job(request, "classify")
    ds = request.app.state.ws.dataset(job.dataset_id)
    return page(
        request,
        "classify.html.j2",
        title=f"Classification of {ds.name if ds else 'the cohort'}",
        help="classify",
        ds=ds,
        definitions=jobs.definitions(),
        job=job,
    )


async def elisa_page(request: Request):
    return page(
        request,
        "elisa.html.j2",
        title="ELISA plates to concentrations",
        help="elisa",
        options=jobs.ELISA_OPTIONS,
        merge=jobs.elisa_merge_supported(request.app.state.ws),
        job=None,
    )


async def elisa_result_page(request: Request):
    job = _job(request, "elisa")
    return page(
        request,
        "elisa.html.j2",
        title="ELISA results",
        help="elisa",
        options=jobs.ELISA_OPTIONS,
        merge=jobs.elisa_merge_supported(request.app.state.ws),
        job=job,
        cohort_files=[
            n
            for n in job.files
            if n.lower().endswith(COHORT_SUFFIXES) and n not in jobs.ELISA_OWN_FILES
        ],
    )


# -- API ---------------------------------------------------------------------------------------
async def api_session(request: Request):
    return JSONResponse(
        {
            "csrf_token": request.app.state.csrf,
            "version": __version__,
            "max_upload_mb": request.app.state.max_upload_mb,
        }
    )


async def api_datasets(request: Request):
    ws: Workspace = request.app.state.ws
    return JSONResponse({"datasets": [{"id": d.id, "name": d.name} for d in ws.datasets.values()]})


def _new_dataset(ws: Workspace, path: Path, name: str, sheet, origin: str) -> Dataset:
    did = path.parent.name
    ds = Dataset(did, name, path, sheet=sheet, origin=origin)
    jobs.inspect_columns(ds)  # raises SarcostatError for an unreadable file
    jobs.write_map(ds)
    ws.datasets[did] = ds
    return ds


async def api_upload(request: Request):
    ws: Workspace = request.app.state.ws
    body = await read_body(request)
    form = body.get("form")
    upload = form.get("file") if form is not None else None
    if not _is_upload(upload) or not upload.filename:
        return failed(request, "/", "Choose a cohort file to upload.")
    name = safe_name(upload.filename, "cohort.csv")
    if not name.lower().endswith(COHORT_SUFFIXES):
        return failed(
            request,
            "/",
            f"'{name}' is not a cohort format sarcostat reads; use CSV, TSV, XLSX, "
            "SPSS (.sav), Stata (.dta) or Parquet.",
        )
    sheet = (form.get("sheet") or "").strip() or None
    if sheet is not None and sheet.isdigit():
        sheet = int(sheet)
    did, folder = ws.folder("datasets")
    path = _save_upload(upload, folder, "cohort.csv")
    try:
        ds = _new_dataset(ws, path, name, sheet, "upload")
    except SarcostatError as exc:
        shutil.rmtree(folder, ignore_errors=True)  # safe: the folder made for this upload
        return failed(request, "/", jobs._hide_paths(str(exc), ws))
    map_file = form.get("map_file")
    if _is_upload(map_file) and map_file.filename:
        try:
            jobs.set_mapping(ds, jobs.parse_toml_upload(await map_file.read(), "map file"))
        except (jobs.ActionError, SarcostatError) as exc:
            ws_flash(request)[f"/datasets/{ds.id}/map"] = str(exc)
    return done(request, f"/datasets/{ds.id}/map", dataset_json(ds), 201)


async def api_dataset(request: Request):
    return JSONResponse(dataset_json(_dataset(request)))


async def api_mapping(request: Request):
    body = await read_body(request)
    ds = _dataset(request)
    back = f"/datasets/{ds.id}/map"
    try:
        if "json" in body:
            mapping = body["json"].get("mapping", body["json"])
        else:
            form = body.get("form") or {}
            upload = form.get("map_file") if form else None
            if _is_upload(upload) and upload.filename:
                mapping = jobs.parse_toml_upload(await upload.read(), "map file")
            else:
                mapping = jobs.mapping_from_form(ds, form)
        jobs.set_mapping(ds, mapping)
    except (jobs.ActionError, SarcostatError) as exc:
        return failed(request, back, str(exc))
    return done(request, f"/datasets/{ds.id}/validate", {"mapping": ds.mapping})


async def api_map_toml(request: Request):
    ds = _dataset(request)
    return Response(
        jobs.map_toml(ds),
        media_type="application/toml; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="map.toml"'},
    )


async def api_validation(request: Request):
    return JSONResponse(jobs.validate(_dataset(request)))


async def api_plan_get(request: Request):
    ds = _dataset(request)
    return JSONResponse({"plan": jobs.plan_of(ds).to_dict()})


async def api_plan(request: Request):
    from sarcostat.study import Plan

    body = await read_body(request)
    ds = _dataset(request)
    back = f"/datasets/{ds.id}/plan"
    form = body.get("form")
    try:
        if "json" in body:
            plan = Plan.from_dict(body["json"].get("plan", body["json"]), source="plan (API)")
        elif form is not None and _is_upload(form.get("plan_file")) and form["plan_file"].filename:
            data = jobs.parse_toml_upload(await form["plan_file"].read(), "plan file")
            plan = Plan.from_dict(data, source=safe_name(form["plan_file"].filename))
        elif form is not None:
            plan = jobs.plan_from_form(jobs.plan_of(ds), form)
        else:
            raise jobs.ActionError("Send the plan as form fields, JSON or a TOML file.")
        jobs.set_plan(ds, plan)
    except (jobs.ActionError, SarcostatError) as exc:
        return failed(request, back, str(exc))
    if form is not None and form.get("action") == "run":
        job = jobs.start_analyze(request.app.state.ws, ds)
        return done(request, f"/runs/{job.id}", job.public(), 202)
    ws_flash(request)[back] = "Plan saved."
    return done(request, back, {"plan": plan.to_dict()})


async def api_plan_toml(request: Request):
    ds = _dataset(request)
    return Response(
        jobs.plan_of(ds).to_toml() + "\n",
        media_type="application/toml; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="plan.toml"'},
    )


async def api_run(request: Request):
    body = await read_body(request)
    fields = body.get("json") or body.get("form") or {}
    ds = request.app.state.ws.dataset(str(fields.get("dataset", "")))
    if ds is None:
        return failed(request, "/", "Name the cohort to analyze (field 'dataset').", 404)
    wait = str(fields.get("wait", "")).lower() in ("1", "true", "yes")
    job = jobs.start_analyze(request.app.state.ws, ds, wait=wait)
    return done(request, f"/runs/{job.id}", job.public(), 202)


async def api_job(request: Request):
    job = _job(request)
    payload = job.public()
    if job.kind != "run":
        payload["data"] = job.data
    return JSONResponse(payload)


async def api_file(request: Request):
    job = _job(request)
    name = request.path_params["name"]
    path = job.files.get(name)  # only files the job wrote: no path is built from the request
    if path is None or not path.is_file():
        raise HTTPException(404, "No such file in this result.")
    download = request.query_params.get("download") == "1"
    suffix = path.suffix.lower()
    if suffix == ".html" and not download:
        return FileResponse(
            path,
            media_type="text/html; charset=utf-8",
            headers={"content-security-policy": REPORT_CSP},
        )
    if suffix == ".png" and not download:
        return FileResponse(path, media_type="image/png")
    return FileResponse(
        path,
        filename=path.name,
        content_disposition_type="attachment",
        headers={"content-security-policy": REPORT_CSP},
    )


async def api_classify(request: Request):
    body = await read_body(request)
    ds = _dataset(request)
    back = f"/datasets/{ds.id}/classify"
    if "json" in body:
        raw = body["json"].get("definitions", "awgs2019")
        names = raw if isinstance(raw, list) else str(raw).split(",")
    else:
        form = body.get("form")
        names = [n for v in (form.getlist("definitions") if form else []) for n in v.split(",")]
    names = [str(n).strip() for n in names]
    if names == ["all"]:
        names = [d for d, _ in jobs.definitions()]
    try:
        job = jobs.run_classify(request.app.state.ws, ds, names)
    except (jobs.ActionError, SarcostatError) as exc:
        return failed(request, back, str(exc))
    payload = job.public() | {"data": job.data}
    return done(request, f"/classify/{job.id}", payload, 200 if job.status == "done" else 400)


async def _merge_cohort(ws: Workspace, form) -> Dataset | None:
    """The cohort to merge into: a new upload (``cohort``, with ``cohort_map`` and
    ``cohort_sheet``), or a cohort of the session (``merge``); None for neither.

    Raises ActionError / SarcostatError with a message for the user.
    """
    upload = form.get("cohort")
    if _is_upload(upload) and upload.filename:
        name = safe_name(upload.filename, "cohort.csv")
        if not name.lower().endswith(COHORT_SUFFIXES):
            raise jobs.ActionError(
                f"'{name}' is not a cohort format sarcostat reads; use CSV, TSV, XLSX, "
                "SPSS (.sav), Stata (.dta) or Parquet."
            )
        sheet = str(form.get("cohort_sheet") or "").strip() or None
        if sheet is not None and sheet.isdigit():
            sheet = int(sheet)
        _did, dfolder = ws.folder("datasets")
        path = _save_upload(upload, dfolder, "cohort.csv")
        try:
            ds = _new_dataset(ws, path, name, sheet, "elisa")
        except SarcostatError as exc:
            shutil.rmtree(dfolder, ignore_errors=True)  # safe: the folder made for this upload
            raise jobs.ActionError(jobs._hide_paths(str(exc), ws)) from None
        map_file = form.get("cohort_map")
        if _is_upload(map_file) and map_file.filename:
            jobs.set_mapping(ds, jobs.parse_toml_upload(await map_file.read(), "map file"))
        return ds
    if form.get("merge"):
        ds = ws.dataset(str(form.get("merge")))
        if ds is None:
            raise jobs.ActionError("The cohort chosen for merging is not here.")
        return ds
    return None


async def api_elisa(request: Request):
    ws: Workspace = request.app.state.ws
    body = await read_body(request)
    form = body.get("form")
    if form is None:
        return failed(request, "/elisa", "Send the plates and the layout as multipart form data.")
    plates = [u for u in form.getlist("plates") if _is_upload(u) and u.filename]
    layouts = [u for u in form.getlist("layout") if _is_upload(u) and u.filename]
    if not plates or not layouts:
        return failed(request, "/elisa", "Choose at least one plate file and the plate layout.")
    try:
        merge = await _merge_cohort(ws, form)
    except (jobs.ActionError, SarcostatError) as exc:
        return failed(request, "/elisa", str(exc))
    jid, folder = ws.folder("elisa")
    (folder / "plates").mkdir()
    (folder / "layouts").mkdir()
    plate_paths = [_save_upload(u, folder / "plates", "plate.csv") for u in plates]
    layout_paths = [_save_upload(u, folder / "layouts", "layout.csv") for u in layouts]
    options = {}
    for key in (*jobs.ELISA_OPTIONS, *jobs.ELISA_TEXT):
        value = form.get(key)
        if isinstance(value, str) and value.strip():
            options[key] = value.strip()
    try:
        job = jobs.run_elisa(
            ws,
            jid,
            folder,
            plate_paths,
            layout_paths,
            options,
            merge,
            replace=bool(form.get("merge_replace")),
        )
    except (jobs.ActionError, SarcostatError) as exc:
        return failed(request, "/elisa", str(exc))
    return done(
        request,
        f"/elisa/{job.id}",
        job.public() | {"data": job.data},
        200 if job.status == "done" else 400,
    )


async def api_elisa_merge(request: Request):
    """The merge step of a finished ELISA run: ``sarcostat elisa`` again on the same
    uploaded plates and options, with ``--merge`` the cohort given here (a new run)."""
    ws: Workspace = request.app.state.ws
    body = await read_body(request)
    job = _job(request, "elisa")
    back = f"/elisa/{job.id}"
    form = body.get("form")
    inputs = job.data.get("inputs")
    if form is None or not inputs:
        return failed(request, back, "Send the cohort as multipart form data.")
    try:
        merge = await _merge_cohort(ws, form)
    except (jobs.ActionError, SarcostatError) as exc:
        return failed(request, back, str(exc))
    if merge is None:
        return failed(request, back, "Choose a cohort file to add the concentrations to.")
    jid, folder = ws.folder("elisa")
    copied = {}
    for kind in ("plates", "layouts"):
        (folder / kind).mkdir()
        copied[kind] = []
        for rel in inputs[kind]:
            dest = folder / rel
            shutil.copyfile(job.folder / rel, dest)
            copied[kind].append(dest)
    try:
        new = jobs.run_elisa(
            ws,
            jid,
            folder,
            copied["plates"],
            copied["layouts"],
            dict(inputs["options"]),
            merge,
            replace=bool(form.get("merge_replace")),
        )
    except (jobs.ActionError, SarcostatError) as exc:
        return failed(request, back, str(exc))
    return done(
        request,
        f"/elisa/{new.id}",
        new.public() | {"data": new.data},
        200 if new.status == "done" else 400,
    )


async def api_elisa_use(request: Request):
    """Open a cohort file an ELISA job wrote (the merged cohort) as a new dataset."""
    ws: Workspace = request.app.state.ws
    body = await read_body(request)
    job = _job(request, "elisa")
    fields = body.get("json") or body.get("form") or {}
    name = str(fields.get("file", ""))
    src = job.files.get(name)
    back = f"/elisa/{job.id}"
    if src is None or not name.lower().endswith(COHORT_SUFFIXES) or name in jobs.ELISA_OWN_FILES:
        return failed(request, back, "Choose a cohort file written by this ELISA run.", 404)
    did, folder = ws.folder("datasets")
    dest = folder / safe_name(Path(name).name, "merged.csv")
    shutil.copyfile(src, dest)
    try:
        ds = _new_dataset(ws, dest, dest.name, None, "elisa")
    except SarcostatError as exc:
        return failed(request, back, str(exc))
    return done(request, f"/datasets/{ds.id}/map", dataset_json(ds), 201)


async def not_found(request: Request, exc: HTTPException):
    if request.url.path.startswith("/api/") and not wants_html(request):
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
    return page(
        request,
        "error.html.j2",
        status=exc.status_code,
        title="Something was refused" if exc.status_code != 404 else "Not found",
        help="security" if exc.status_code in (403, 413) else "top",
        message=exc.detail,
    )


def create_app(
    ws: Workspace,
    *,
    token: str,
    allowed_hosts,
    max_upload_mb: float = 200,
    cookie_name: str = "sarcostat_token",
) -> Starlette:
    """The ASGI app for one workspace, wrapped in the security `Guard`."""
    D = "/datasets/{did:str}"
    A = "/api/datasets/{did:str}"
    routes = [
        Route("/", home),
        Route("/help", help_page),
        Route(D, lambda r: RedirectResponse(f"/datasets/{r.path_params['did']}/map", 303)),
        Route(D + "/map", map_page),
        Route(D + "/validate", validate_page),
        Route(D + "/plan", plan_page),
        Route(D + "/classify", classify_page),
        Route("/runs/{jid:str}", run_page),
        Route("/classify/{jid:str}", classify_result_page),
        Route("/elisa", elisa_page),
        Route("/elisa/{jid:str}", elisa_result_page),
        Route("/api/session", api_session),
        Route("/api/datasets", api_datasets, methods=["GET"]),
        Route("/api/datasets", api_upload, methods=["POST"]),
        Route(A, api_dataset),
        Route(A + "/mapping", api_mapping, methods=["POST"]),
        Route(A + "/map.toml", api_map_toml),
        Route(A + "/validation", api_validation),
        Route(A + "/plan", api_plan_get, methods=["GET"]),
        Route(A + "/plan", api_plan, methods=["POST"]),
        Route(A + "/plan.toml", api_plan_toml),
        Route(A + "/classify", api_classify, methods=["POST"]),
        Route("/api/runs", api_run, methods=["POST"]),
        Route("/api/elisa", api_elisa, methods=["POST"]),
        Route("/api/elisa/{jid:str}/use", api_elisa_use, methods=["POST"]),
        Route("/api/elisa/{jid:str}/merge", api_elisa_merge, methods=["POST"]),
        Route("/api/jobs/{jid:str}", api_job),
        Route("/api/jobs/{jid:str}/files/{name:path}", api_file),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found})
    app.state.ws = ws
    app.state.csrf = csrf_for(token)
    app.state.flash = {}
    app.state.max_upload_mb = max_upload_mb
    return Guard(
        app,
        token=token,
        allowed_hosts=allowed_hosts,
        max_body=int(max_upload_mb * 1_000_000),
        cookie_name=cookie_name,
    )
