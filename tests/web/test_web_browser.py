"""The web app end to end in a real browser: Debian's Chromium driven by
Selenium through upload -> map -> validate -> plan -> run -> report -> ZIP.

The ZIP's results.json must equal what ``sarcostat analyze`` writes for the
same file with the map and plan the pages produced. Marker ``chromium``
(`make test-browser`, run by .ci/run); skipped with the reason where
Chromium, chromedriver or Selenium is missing. Screenshots of each step go
to $SARCOSTAT_SCREENSHOTS (docs/web/ when refreshing the documentation).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from web_helpers import Server, cli, clinic_cohort

pytestmark = pytest.mark.chromium


def _exe(*names):
    for n in names:
        p = shutil.which(n) or (n if os.path.exists(n) else None)
        if p:
            return p
    return None


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    chrome = _exe("chromium", "chromium-browser", "/usr/bin/chromium")
    driver_exe = _exe("chromedriver", "/usr/bin/chromedriver")
    if chrome is None or driver_exe is None:
        pytest.skip("Chromium or chromedriver is not installed (Debian: chromium chromium-driver)")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = chrome
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--disable-background-networking",
        "--no-first-run",
    ):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(driver_exe), options=opts)
    drv.set_page_load_timeout(60)
    yield drv
    drv.quit()


def _shot(drv, name, tmp_path):
    folder = Path(os.environ.get("SARCOSTAT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    height = drv.execute_script("return document.body.scrollHeight")
    drv.set_window_size(1280, min(max(height, 700), 2400))
    time.sleep(0.5)  # let the resized page (and its report frame) paint
    drv.save_screenshot(str(folder / f"{name}.png"))
    drv.set_window_size(1280, 1000)


def _wait(drv, predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:  # bounded
        if predicate():
            return True
        time.sleep(0.25)
    raise AssertionError(f"timed out on {drv.current_url}: {drv.page_source[:2000]}")


def _select(drv, element_id, text):
    from selenium.webdriver.support.ui import Select

    Select(drv.find_element("id", element_id)).select_by_visible_text(text)


def test_upload_map_validate_run_report_zip(browser, tmp_path):
    drv = browser
    cohort = clinic_cohort(tmp_path / "clinic.csv")
    srv = Server()
    try:
        drv.get(srv.url)
        assert "token" not in drv.current_url  # moved into a cookie
        _shot(drv, "01-upload", tmp_path)
        drv.find_element("id", "file").send_keys(str(cohort))
        drv.find_element("css selector", "form button[type=submit]").click()
        _wait(drv, lambda: "/map" in drv.current_url)

        # map: SOST is a biomarker in pmol/L; Gender is coded 1 = male, 2 = female
        rows = drv.find_elements("css selector", "table.map tbody tr")
        headers = [r.find_element("css selector", "th").text for r in rows]
        i = headers.index("SOST")
        _select(drv, f"col-{i}-target", "a biomarker")
        drv.find_element("id", f"col-{i}-unit").send_keys("pmol/L")
        drv.find_element("id", f"col-{i}-biomarker").send_keys("sclerostin")
        drv.find_element("id", f"col-{i}-lod").send_keys("3.2")
        _select(drv, "code-sex-0", "male" if "“1”" in drv.page_source else "female")
        labels = drv.find_elements("css selector", "label[for^=code-sex-]")
        for k, lab in enumerate(labels):
            _select(drv, f"code-sex-{k}", "male" if "“1”" in lab.text else "female")
        _select(drv, "protocol-muscle_mass_method", "BIA")
        _shot(drv, "02-map", tmp_path)
        drv.find_element("css selector", "#mapform button[type=submit]").click()
        _wait(drv, lambda: "/validate" in drv.current_url)
        summary = drv.find_element("css selector", ".summary").text
        assert "0 errors" in summary, summary
        _shot(drv, "03-validate", tmp_path)

        drv.find_element("link text", "Next: choose the analysis plan").click()
        _wait(drv, lambda: "/plan" in drv.current_url)
        _shot(drv, "04-plan", tmp_path)
        drv.find_element("id", "run-button").click()
        _wait(drv, lambda: "/runs/" in drv.current_url)
        _wait(drv, lambda: drv.find_elements("id", "zip"), timeout=150)
        assert drv.find_element("id", "state").text == "Finished"
        assert drv.find_element("id", "bar").get_attribute("value") == "100"
        _shot(drv, "05-report", tmp_path)

        # the report page shows the report; the ZIP holds every output
        frame = drv.find_element("css selector", "iframe.report")
        drv.switch_to.frame(frame)
        assert "Table 1" in drv.page_source
        drv.switch_to.default_content()
        zip_url = drv.find_element("id", "zip").get_attribute("href")
        req = urllib.request.Request(zip_url, headers={"Authorization": f"Bearer {srv.token}"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            z = zipfile.ZipFile(io.BytesIO(resp.read()))
    finally:
        srv.stop()
    names = set(z.namelist())
    for part in ("report.html", "results.json", "tables.docx", "manifest.json", "fig1.png"):
        assert f"report/{part}" in names
    (tmp_path / "map.toml").write_bytes(z.read("map.toml"))
    (tmp_path / "plan.toml").write_bytes(z.read("plan.toml"))
    mapping = (tmp_path / "map.toml").read_text()
    assert 'sclerostin = {unit = "pmol/L", column = "SOST", lod = 3.2}' in mapping
    out = tmp_path / "cli"
    done = cli(
        "analyze", str(cohort), "--map", str(tmp_path / "map.toml"),
        "--plan", str(tmp_path / "plan.toml"), "-o", str(out), "-q",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    web = json.loads(z.read("report/results.json"))
    ref = json.loads((out / "results.json").read_text())
    assert web == ref
    assert web["cohort"]["n"] == 129


def test_classify_and_elisa_pages(browser, tmp_path):
    from simulate import write_plate
    from web_helpers import DEMO

    drv = browser
    p1 = write_plate(tmp_path, "p1", "competitive", [0.0, 20.0, 60.0], seed=1)
    p2 = write_plate(tmp_path, "p2", "competitive", [0.0, 20.0, 60.0], seed=2)
    srv = Server()
    try:
        drv.get(srv.url)
        drv.find_element("id", "file").send_keys(str(DEMO.parent / "example_cohort.csv"))
        drv.find_element("css selector", "form button[type=submit]").click()
        _wait(drv, lambda: "/map" in drv.current_url)
        drv.get(drv.current_url.replace("/map", "/classify"))
        drv.find_element("id", "def-ewgsop2").click()
        drv.find_element("css selector", "form.card button[type=submit]").click()
        _wait(drv, lambda: "/classify/" in drv.current_url)
        text = drv.find_element("tag name", "main").text
        assert "Prevalence" in text and "Agreement between definitions" in text
        assert "classification.csv" in text
        _shot(drv, "06-classify", tmp_path)

        drv.find_element("link text", "ELISA").click()
        _wait(drv, lambda: drv.current_url.endswith("/elisa"))
        drv.find_element("id", "plates").send_keys(f"{p1[0]}\n{p2[0]}")
        drv.find_element("id", "layout").send_keys(str(p1[1]))
        drv.find_element("id", "lod").send_keys("3.2")
        drv.find_element("css selector", "form.card button[type=submit]").click()
        _wait(drv, lambda: "/elisa/" in drv.current_url)
        text = drv.find_element("tag name", "main").text
        assert "p1: 4PL falling" in text and "concentrations.csv" in text
        drv.switch_to.frame(drv.find_element("css selector", "iframe.report"))
        assert "LLOQ" in drv.page_source
        drv.switch_to.default_content()
        _shot(drv, "07-elisa", tmp_path)

        # the merge step: upload a cohort, get the merged cohort to download
        cohort = tmp_path / "cohort.csv"
        cohort.write_text("id,sex,age_yr\nS001,male,70\nS002,female,71\nS099,male,72\n")
        first = drv.current_url
        drv.find_element("id", "step-cohort").send_keys(str(cohort))
        drv.find_element("css selector", "#merge-step + form button[type=submit]").click()
        _wait(drv, lambda: "/elisa/" in drv.current_url and drv.current_url != first)
        text = drv.find_element("tag name", "main").text
        assert "Merged cohort" in text and "Download cohort_with_sclerostin.csv" in text
        assert "2 of 3 rows got a value, 1 of them below the detection limit" in text
        assert "S099" not in text  # counts on the page; the ids are in merge_unmatched.csv
        link = drv.find_element("link text", "Download cohort_with_sclerostin.csv")
        assert link.get_attribute("href").endswith("cohort_with_sclerostin.csv?download=1")
        _shot(drv, "08-elisa-merge", tmp_path)
    finally:
        srv.stop()
