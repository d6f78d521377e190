"""Every route of the web app through the ASGI test client: pages, the HTTP API,
and the same numbers as the CLI."""

from __future__ import annotations

import io
import json
import tomllib
import zipfile
from html.parser import HTMLParser

import pandas as pd
import pytest
from web_helpers import CLINIC_MAP, DEMO, cli, clinic_cohort, mapped_dataset, run_wait, upload

from sarcostat.cli import main


class _Controls(HTMLParser):
    """Form controls without a label, and help links, of one page."""

    def __init__(self):
        super().__init__()
        self.ids_labelled = set()
        self.controls = []
        self.help = []
        self.in_label = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.ids_labelled.add(a["for"])
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append((a.get("id"), self.in_label > 0, a.get("name")))
        if tag == "a" and (a.get("href") or "").startswith("/help#"):
            self.help.append(a["href"])

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1

    def unlabelled(self):
        return [c for c in self.controls if not (c[1] or c[0] in self.ids_labelled)]


def check_page(html: str, section: str):
    p = _Controls()
    p.feed(html)
    assert p.unlabelled() == []
    assert f"/help#{section}" in p.help
    assert 'href="#main"' in html  # skip link for keyboard users


def test_session(client):
    s = client.get("/api/session").json()
    assert s["csrf_token"] == client.csrf and s["max_upload_mb"] == 200


@pytest.mark.parametrize("path,section", [("/", "upload"), ("/help", "top"), ("/elisa", "elisa")])
def test_static_pages_are_labelled_and_link_their_help(client, path, section):
    r = client.get(path)
    assert r.status_code == 200
    check_page(r.text, section)


def test_help_page_has_a_section_per_page(client):
    html = client.get("/help").text
    for section in ("upload", "map", "validate", "plan", "run", "classify", "elisa", "security"):
        assert f'id="{section}"' in html


def test_upload_shows_columns_with_the_cli_suggestions(client, tmp_path):
    r = upload(client, clinic_cohort(tmp_path / "clinic.csv"))
    assert r.status_code == 201
    d = r.json()
    cols = {c["header"]: c for c in d["columns"]}
    assert cols["Gender"]["suggestion"] == {"kind": "variable", "name": "sex", "unit": ""}
    assert cols["grip_1_kg"]["suggestion"]["name"] == "grip_1_kg"
    assert cols["SOST"]["suggestion"] is None  # no unit: not recognised as a biomarker
    assert cols["Gender"]["values"] == ["2", "1"]
    html = client.get(f"/datasets/{d['id']}/map").text
    check_page(html, "map")
    assert "Value codes of sex" in html and "“1”" in html
    assert client.get(f"/datasets/{d['id']}", follow_redirects=False).status_code == 303


def test_upload_of_the_example_cohort_matches_resolve_columns(client):
    from sarcostat.io.mapping import ColumnMap, resolve_columns
    from sarcostat.io.readers import read_table

    path = DEMO.parent / "example_cohort.csv"
    d = upload(client, path).json()
    raw = read_table(path)
    res = resolve_columns(raw.headers, ColumnMap(), file=path.name)
    for c in d["columns"]:
        hit = res.columns.get(c["header"])
        assert (c["suggestion"] or {}).get("name") == (hit[0] if hit else None)


def test_ambiguous_columns_are_explained_not_guessed(client, tmp_path):
    p = tmp_path / "two.csv"
    p.write_text("id,HGS,grip strength,sex\nA,30,31,male\n")
    d = upload(client, p).json()
    assert "does not guess" in d["automatic_mapping_note"]
    assert "Needs your choice" in client.get(f"/datasets/{d['id']}/map").text


def test_upload_refusals_in_plain_words(client, tmp_path):
    bad = tmp_path / "notes.docx"
    bad.write_bytes(b"PK")
    r = upload(client, bad)
    assert r.status_code == 400 and "not a cohort format" in r.json()["error"]
    r = client.post("/api/datasets", data={"csrf_token": client.csrf})
    assert r.status_code == 400 and "Choose a cohort file" in r.json()["error"]
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    r = upload(client, empty)
    assert r.status_code == 400 and "Traceback" not in r.text
    # a browser is sent back to the page, which shows the message once
    with open(bad, "rb") as fh:
        r = client.post(
            "/api/datasets",
            files={"file": (bad.name, fh)},
            data={"csrf_token": client.csrf},
            headers={"accept": "text/html"},
        )
    assert r.status_code == 200 and "not a cohort format" in r.text
    assert "not a cohort format" not in client.get("/", headers={"accept": "text/html"}).text


def test_mapping_form_builds_the_map_and_toml_round_trips(client, tmp_path):
    d = upload(client, clinic_cohort(tmp_path / "clinic.csv")).json()
    did = d["id"]
    i = [c["header"] for c in d["columns"]].index("SOST")
    form = {
        "csrf_token": client.csrf,
        f"col-{i}-target": "biomarker",
        f"col-{i}-unit": "pmol/L",
        f"col-{i}-biomarker": "sclerostin",
        f"col-{i}-lod": "3.2",
        "code-sex-0-raw": "2",
        "code-sex-0": "female",
        "code-sex-1-raw": "1",
        "code-sex-1": "male",
        "protocol-muscle_mass_method": "bia",
    }
    r = client.post(f"/api/datasets/{did}/mapping", data=form)
    assert r.status_code == 200, r.text
    m = r.json()["mapping"]
    assert m["biomarkers"] == {"sclerostin": {"unit": "pmol/L", "column": "SOST", "lod": 3.2}}
    assert m["codes"] == {"sex": {"2": "female", "1": "male"}}
    t = client.get(f"/api/datasets/{did}/map.toml")
    assert t.headers["content-disposition"] == 'attachment; filename="map.toml"'
    assert tomllib.loads(t.text) == m
    assert "'Gender' -> sex" in t.text  # automatic ones listed as comments
    # the browser goes on to validation
    r = client.post(f"/api/datasets/{did}/mapping", data=form, headers={"accept": "text/html"})
    assert r.url.path.endswith("/validate")


def test_mapping_errors_are_the_cli_messages(client, tmp_path):
    did = upload(client, clinic_cohort(tmp_path / "clinic.csv")).json()["id"]
    h = {"x-csrf-token": client.csrf}
    r = client.post(
        f"/api/datasets/{did}/mapping", json={"columns": {"Nope": "height_cm"}}, headers=h
    )
    assert r.status_code == 400 and "'Nope'" in r.json()["error"]
    r = client.post(f"/api/datasets/{did}/mapping", json={"columns": {"Gender": "sexx"}}, headers=h)
    assert "not a canonical column" in r.json()["error"]
    r = client.post(
        f"/api/datasets/{did}/mapping",
        data={"csrf_token": client.csrf, "col-0-target": "biomarker"},
    )
    assert r.status_code == 400 and "give its unit" in r.json()["error"]


def test_mapping_from_an_uploaded_toml(client, tmp_path):
    did = upload(client, clinic_cohort(tmp_path / "clinic.csv")).json()["id"]
    text = (
        '[columns]\n"Subject ID" = "id"\n[codes]\nsex = {1 = "male", 2 = "female"}\n'
        '[biomarkers]\nsclerostin = {unit = "pmol/L", column = "SOST"}\n'
    )
    r = client.post(
        f"/api/datasets/{did}/mapping",
        files={"map_file": ("map.toml", text.encode())},
        data={"csrf_token": client.csrf},
    )
    assert r.status_code == 200
    assert r.json()["mapping"]["biomarkers"]["sclerostin"]["column"] == "SOST"
    r = client.post(
        f"/api/datasets/{did}/mapping",
        files={"map_file": ("map.toml", b"[columns\n")},
        data={"csrf_token": client.csrf},
    )
    assert r.status_code == 400 and "not a valid TOML file" in r.json()["error"]


def test_validation_lists_row_level_messages(client, tmp_path):
    d = pd.read_csv(DEMO, dtype=str)
    d.loc[4, "grip_1_kg"] = "-3"
    d.loc[7, "height_cm"] = "abc"
    p = tmp_path / "bad.csv"
    d.to_csv(p, index=False)
    did = upload(client, p).json()["id"]
    v = client.get(f"/api/datasets/{did}/validation").json()
    assert v["ok"] is False and v["counts"]["error"] >= 2
    errors = {(f["row"], f["id"], f["column"]) for f in v["findings"] if f["severity"] == "error"}
    assert (6, "D005", "grip_1_kg") in errors and (9, "D008", "height_cm") in errors
    html = client.get(f"/datasets/{did}/validate").text
    check_page(html, "validate")
    assert "D005" in html and "Nothing is analysed while there are errors" in html
    # the same findings as the CLI's validate
    from sarcostat.io import read_cohort

    cohort = read_cohort(p)
    assert len(v["findings"]) == len(cohort.issues)


def test_a_map_that_does_not_fit_the_file_is_refused(client, ws, tmp_path):
    did = upload(client, DEMO).json()["id"]
    r = client.post(
        f"/api/datasets/{did}/mapping",
        json={"biomarkers": {"irisin": {"unit": "ng/mL"}}},
        headers={"x-csrf-token": client.csrf},
    )
    assert r.status_code == 400 and "irisin" in r.json()["error"]
    assert client.get(f"/api/datasets/{did}/validation").json()["ok"] is True
    # a file that no longer fits its map (as after a map given at upload) is explained
    ws.datasets[did].mapping = {"biomarkers": {"irisin": {"unit": "ng/mL"}}}
    v = client.get(f"/api/datasets/{did}/validation").json()
    assert v["ok"] is False and "irisin" in v["error"]
    assert "could not be read" in client.get(f"/datasets/{did}/validate").text


def test_plan_form_json_and_toml(client, tmp_path):
    from sarcostat.study import Plan

    did = mapped_dataset(client, tmp_path)
    html = client.get(f"/datasets/{did}/plan").text
    check_page(html, "plan")
    assert 'value="sclerostin"' in html  # the cohort's biomarker offered
    assert client.get(f"/api/datasets/{did}/plan").json()["plan"] == Plan().to_dict()
    r = client.post(
        f"/api/datasets/{did}/plan",
        data={
            "csrf_token": client.csrf,
            "plan.assessment.definition": "ewgsop2",
            "plan.model.covariates": ["age_yr", "sex"],
            "plan.model.covariates.shown": "1",
            "plan.table3.firth": "on",
            "plan.ancova.confidence": "0.9",
            "plan.study.steps": ["table1", "table3"],
            "plan.study.steps.shown": "1",
        },
    )
    assert r.status_code == 200, r.text
    plan = r.json()["plan"]
    assert plan["study"]["steps"] == ["table1", "table3"]
    assert plan["assessment"]["definition"] == "ewgsop2"
    assert plan["model"]["covariates"] == ["age_yr", "sex"]
    assert plan["table3"]["firth"] is True and plan["ancova"]["confidence"] == 0.9
    toml = client.get(f"/api/datasets/{did}/plan.toml")
    assert Plan.from_dict(tomllib.loads(toml.text)).to_dict() == plan
    # JSON and a TOML file
    r = client.post(
        f"/api/datasets/{did}/plan",
        json={"plan": {"trend": {"trend": "median"}}},
        headers={"x-csrf-token": client.csrf},
    )
    assert r.json()["plan"]["trend"]["trend"] == "median"
    r = client.post(
        f"/api/datasets/{did}/plan",
        files={"plan_file": ("p.toml", b'[assessment]\ndefinition = "bogus"\n')},
        data={"csrf_token": client.csrf},
    )
    assert r.status_code == 400 and "bogus" in r.json()["error"]
    r = client.post(
        f"/api/datasets/{did}/plan",
        data={"csrf_token": client.csrf, "plan.ancova.confidence": "high"},
    )
    assert r.status_code == 400 and "must be a number" in r.json()["error"]


def test_run_gives_the_cli_numbers_and_a_zip_of_everything(client, tmp_path):
    did = mapped_dataset(client, tmp_path)
    job = run_wait(client, did)
    assert job["status"] == "done", job["error"]
    assert job["progress"] == 1.0 and len(job["steps"]) >= 8
    assert "participants" in job["output"] and str(tmp_path) not in job["output"]
    z = zipfile.ZipFile(
        io.BytesIO(client.get(f"/api/jobs/{job['id']}/files/sarcostat-report.zip").content)
    )
    names = set(z.namelist())
    assert {f"report/{n}" for n in job["files"] if n != "sarcostat-report.zip"} <= names
    assert {"map.toml", "plan.toml"} <= names
    (tmp_path / "map.toml").write_bytes(z.read("map.toml"))
    (tmp_path / "plan.toml").write_bytes(z.read("plan.toml"))
    out = tmp_path / "cli"
    done = cli(
        "analyze", str(tmp_path / "clinic.csv"), "--map", str(tmp_path / "map.toml"),
        "--plan", str(tmp_path / "plan.toml"), "-o", str(out), "-q",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(z.read("report/results.json")) == json.loads(
        (out / "results.json").read_text()
    )
    page = client.get(f"/runs/{job['id']}").text
    check_page(page, "run")
    assert "<iframe" in page and "sandbox" in page and "Download every output" in page
    assert client.get(f"/api/jobs/{job['id']}").json()["status"] == "done"
    # the report is shown sandboxed (no script runs in it); other files are downloads
    rep = client.get(f"/api/jobs/{job['id']}/files/report.html")
    assert rep.status_code == 200 and rep.headers["content-type"].startswith("text/html")
    csp = rep.headers["content-security-policy"]
    assert "sandbox" in csp and "script-src" not in csp and "default-src 'none'" in csp
    svg = client.get(f"/api/jobs/{job['id']}/files/fig1.svg")
    assert svg.headers["content-disposition"].startswith("attachment")


def test_run_in_the_background_reports_progress(client, tmp_path):
    import time

    did = mapped_dataset(client, tmp_path)
    r = client.post("/api/runs", data={"csrf_token": client.csrf, "dataset": did})
    assert r.status_code == 202
    jid = r.json()["id"]
    deadline = time.monotonic() + 120
    seen = []
    while time.monotonic() < deadline:  # bounded
        s = client.get(f"/api/jobs/{jid}").json()
        seen.append(s["progress"])
        if s["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert s["status"] == "done" and seen == sorted(seen)
    html = client.get(f"/runs/{jid}").text
    assert "Finished" in html


def test_a_failing_run_says_why_in_one_line(client, tmp_path):
    did = mapped_dataset(client, tmp_path)
    client.post(
        f"/api/datasets/{did}/plan",
        json={"plan": {"biomarker": {"column": "irisin"}}},
        headers={"x-csrf-token": client.csrf},
    )
    job = run_wait(client, did)
    assert job["status"] == "failed" and job["files"] == []
    assert "'irisin'" in job["error"] and "Traceback" not in job["error"]
    assert len(job["error"].splitlines()) == 1
    assert str(tmp_path) not in job["error"]
    assert "The analysis stopped" in client.get(f"/runs/{job['id']}").text


def test_run_needs_a_known_dataset(client):
    r = client.post("/api/runs", json={"dataset": "nope"}, headers={"x-csrf-token": client.csrf})
    assert r.status_code == 404


def test_plan_form_run_button_starts_the_run(client, tmp_path):
    did = mapped_dataset(client, tmp_path)
    r = client.post(
        f"/api/datasets/{did}/plan",
        data={"csrf_token": client.csrf, "action": "run"},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/runs/")


def test_classify_same_as_the_layers_and_the_cli(client, tmp_path):
    from sarcostat.assess import classify_cohort
    from sarcostat.io import read_cohort

    did = mapped_dataset(client, tmp_path)
    check_page(client.get(f"/datasets/{did}/classify").text, "classify")
    r = client.post(
        f"/api/datasets/{did}/classify",
        data={"csrf_token": client.csrf, "definitions": ["awgs2019", "ewgsop2"]},
    )
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    (tmp_path / "m.toml").write_text(
        client.get(f"/api/datasets/{did}/map.toml").text, encoding="utf-8"
    )
    ref = classify_cohort(
        read_cohort(tmp_path / "clinic.csv", mapping=tmp_path / "m.toml"), ["awgs2019", "ewgsop2"]
    )
    prev = pd.DataFrame(data["prevalence"]["rows"], columns=data["prevalence"]["columns"])
    pd.testing.assert_frame_equal(prev, ref.prevalence.reset_index(drop=True), check_dtype=False)
    assert len(data["agreement"]["rows"]) == 1 and data["n_rows"] == 129
    csv = client.get(f"/api/jobs/{r.json()['id']}/files/classification.csv")
    assert csv.headers["content-disposition"].startswith("attachment")
    out = tmp_path / "cli.csv"
    assert main(["classify", str(tmp_path / "clinic.csv"), "--definition", "awgs2019,ewgsop2",
                 "--map", str(tmp_path / "m.toml"), "-o", str(out)]) == 0  # fmt: skip
    assert csv.content == out.read_bytes()
    html = client.get(f"/classify/{r.json()['id']}").text
    assert "Prevalence" in html and "Cohen" in html and "Per participant" in html
    r = client.post(
        f"/api/datasets/{did}/classify",
        json={"definitions": ["nope"]},
        headers={"x-csrf-token": client.csrf},
    )
    assert r.status_code == 400 and "unknown: nope" in r.json()["error"]
    r = client.post(
        f"/api/datasets/{did}/classify", json={"definitions": "all"},
        headers={"x-csrf-token": client.csrf},
    )  # fmt: skip
    assert len(r.json()["data"]["definitions"]) == 7


def _elisa_files(tmp_path):
    from simulate import write_plate

    r1 = write_plate(tmp_path, "p1", "competitive", [0.0, 20.0, 60.0], seed=1)
    r2 = write_plate(tmp_path, "p2", "competitive", [0.0, 20.0, 60.0], seed=2)
    return [r1[0], r2[0]], r1[1]


def test_elisa_same_files_as_the_cli(client, tmp_path):
    plates, layout = _elisa_files(tmp_path)
    files = [("plates", (p.name, p.read_bytes())) for p in plates]
    files.append(("layout", (layout.name, layout.read_bytes())))
    r = client.post(
        "/api/elisa",
        files=files,
        data={"csrf_token": client.csrf, "lod": "3.2", "acceptance": "kit", "model": "4pl"},
    )
    assert r.status_code == 200, r.text
    job = r.json()
    assert job["status"] == "done" and "p1: 4PL falling" in job["output"]
    assert {"concentrations.csv", "samples.csv", "qc.csv", "qc_report.html"} <= set(job["files"])
    out = tmp_path / "cli"
    assert main(["elisa", *map(str, plates), "--layout", str(layout), "-o", str(out),
                 "--lod", "3.2", "--acceptance", "kit"]) == 0  # fmt: skip
    got = client.get(f"/api/jobs/{job['id']}/files/concentrations.csv").content
    assert got == (out / "concentrations.csv").read_bytes()
    qc = pd.read_csv(io.BytesIO(client.get(f"/api/jobs/{job['id']}/files/qc.csv").content))
    ref = pd.read_csv(out / "qc.csv")
    # 'source' names the plate file, which lives in another folder
    pd.testing.assert_frame_equal(qc.drop(columns="source"), ref.drop(columns="source"))
    qc = client.get(f"/api/jobs/{job['id']}/files/qc_report.html")
    assert "sandbox" in qc.headers["content-security-policy"]
    html = client.get(f"/elisa/{job['id']}").text
    check_page(html, "elisa")
    assert "QC report" in html and "Analyze concentrations.csv" not in html


def test_elisa_refusals(client, tmp_path):
    r = client.post("/api/elisa", data={"csrf_token": client.csrf})
    assert r.status_code == 400 and "plate file" in r.json()["error"]
    bad = tmp_path / "junk.csv"
    bad.write_text("not,a,plate\n")
    r = client.post(
        "/api/elisa",
        files=[("plates", ("junk.csv", bad.read_bytes())), ("layout", ("l.csv", b"x\n"))],
        data={"csrf_token": client.csrf},
    )
    assert r.status_code == 400
    job = r.json()
    assert job["status"] == "failed" and job["error"] and "Traceback" not in job["error"]
    r = client.post(
        "/api/elisa",
        files=[("plates", ("junk.csv", b"1")), ("layout", ("l.csv", b"x"))],
        data={"csrf_token": client.csrf, "model": "7pl"},
    )
    assert r.status_code == 400 and "invalid choice" in r.json()["error"]


def test_elisa_use_refuses_files_that_are_not_a_merged_cohort(client, tmp_path):
    plates, layout = _elisa_files(tmp_path)
    files = [("plates", (p.name, p.read_bytes())) for p in plates]
    files.append(("layout", (layout.name, layout.read_bytes())))
    jid = client.post("/api/elisa", files=files, data={"csrf_token": client.csrf}).json()["id"]
    for name in ("concentrations.csv", "../x.csv", "qc_report.html"):
        r = client.post(
            f"/api/elisa/{jid}/use", json={"file": name}, headers={"x-csrf-token": client.csrf}
        )
        assert r.status_code == 404


def _small_cohort(path):
    # S002 and S003 were assayed; S009 was not; S001 (assayed) is not in the cohort
    pd.DataFrame(
        {"id": ["S002", "S003", "S009"], "sex": ["male", "female", "male"], "age_yr": [70, 71, 72]}
    ).to_csv(path, index=False)
    return path


def test_elisa_merge_upload_then_download_the_merged_cohort(client, tmp_path):
    plates, layout = _elisa_files(tmp_path)
    cohort = _small_cohort(tmp_path / "cohort.csv")
    before = cohort.read_bytes()
    files = [("plates", (p.name, p.read_bytes())) for p in plates]
    files += [("layout", (layout.name, layout.read_bytes())), ("cohort", ("cohort.csv", before))]
    r = client.post(
        "/api/elisa",
        files=files,
        data={"csrf_token": client.csrf, "lod": "3.2", "acceptance": "kit"},
    )
    assert r.status_code == 200, r.text
    job = r.json()
    assert "cohort_with_sclerostin.csv" in job["files"] and "merge_unmatched.csv" in job["files"]
    m = job["data"]["merge"]
    assert (m["cohort_rows"], m["matched_rows"]) == (3, 2)
    assert (m["cohort_ids_not_assayed"], m["assayed_ids_not_in_cohort"]) == (1, 1)
    # the same bytes as the CLI on the same files
    out = tmp_path / "cli"
    assert main(["elisa", *map(str, plates), "--layout", str(layout), "-o", str(out),
                 "--lod", "3.2", "--acceptance", "kit", "--merge", str(cohort)]) == 0  # fmt: skip
    got = client.get(f"/api/jobs/{job['id']}/files/cohort_with_sclerostin.csv?download=1")
    assert got.content == (out / "cohort_with_sclerostin.csv").read_bytes()
    assert cohort.read_bytes() == before
    html = client.get(f"/elisa/{job['id']}").text
    check_page(html, "elisa")
    assert "Merged cohort" in html and "Download cohort_with_sclerostin.csv" in html
    assert "S009" not in html  # counts on the page, ids only in the files


def test_elisa_merge_step_after_a_run(client, tmp_path):
    plates, layout = _elisa_files(tmp_path)
    files = [("plates", (p.name, p.read_bytes())) for p in plates]
    files.append(("layout", (layout.name, layout.read_bytes())))
    job = client.post("/api/elisa", files=files, data={"csrf_token": client.csrf}).json()
    html = client.get(f"/elisa/{job['id']}").text
    assert f"/api/elisa/{job['id']}/merge" in html
    check_page(html, "elisa")
    cohort = _small_cohort(tmp_path / "c.csv")
    r = client.post(
        f"/api/elisa/{job['id']}/merge",
        files=[("cohort", ("c.csv", cohort.read_bytes()))],
        data={"csrf_token": client.csrf},
    )
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["id"] != job["id"] and "c_with_sclerostin.csv" in new["files"]
    merged = pd.read_csv(
        io.BytesIO(client.get(f"/api/jobs/{new['id']}/files/c_with_sclerostin.csv").content),
        dtype=str,
    )
    assert list(merged.columns) == ["id", "sex", "age_yr", "sclerostin"]
    assert merged["sclerostin"].isna().tolist() == [False, False, True]
    # a clash is refused with a message, and nothing is written
    clash = tmp_path / "clash.csv"
    clash.write_text("id,sclerostin\nS002,1\n")
    r = client.post(
        f"/api/elisa/{job['id']}/merge",
        files=[("cohort", ("clash.csv", clash.read_bytes()))],
        data={"csrf_token": client.csrf},
    )
    assert r.status_code == 400 and "already has a column" in r.json()["error"]
    # no cohort: refused; without the CSRF field: refused
    r = client.post(f"/api/elisa/{job['id']}/merge", data={"csrf_token": client.csrf})
    assert r.status_code == 400 and "cohort" in r.json()["error"]
    r = client.post(f"/api/elisa/{job['id']}/merge", files=[("cohort", ("c.csv", b"id\n"))])
    assert r.status_code == 403


def test_home_lists_the_session_cohorts(client, tmp_path):
    did = mapped_dataset(client, tmp_path)
    html = client.get("/").text
    assert f"/datasets/{did}/plan" in html and "clinic.csv" in html
    assert client.get("/api/datasets").json()["datasets"][0]["id"] == did
    assert client.get(f"/api/datasets/{did}").json()["mapping"] == {
        k: v for k, v in CLINIC_MAP.items() if v
    }


def test_method_not_allowed_is_refused(client):
    assert client.put("/api/datasets", headers={"x-csrf-token": client.csrf}).status_code == 405


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet", ".sav", ".dta", ".tsv"])
def test_every_cohort_format_uploads(client, tmp_path, suffix):
    d = pd.read_csv(DEMO)
    p = tmp_path / f"cohort{suffix}"
    if suffix == ".xlsx":
        d.to_excel(p, index=False)
    elif suffix == ".parquet":
        d.to_parquet(p, index=False)
    elif suffix == ".tsv":
        d.to_csv(p, sep="\t", index=False)
    else:
        import pyreadstat

        (pyreadstat.write_sav if suffix == ".sav" else pyreadstat.write_dta)(d, str(p))
    r = upload(client, p)
    assert r.status_code == 201, r.text
    cols = {c["header"]: c["suggestion"] for c in r.json()["columns"]}
    assert cols["grip_1_kg"]["name"] == "grip_1_kg" and cols["sex"]["name"] == "sex"
    v = client.get(f"/api/datasets/{r.json()['id']}/validation").json()
    assert "129 participants" in v["summary"]
