"""The documentation site builds with --strict and its pages load nothing from the network.

Run by ``make docs`` right after its own ``mkdocs build --strict`` (marked
slow: it builds the site when ``site/`` is not there).
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=\"(?:https?:)?//[^\"]*\"")


def _mkdocs():
    exe = Path(sys.executable).with_name("mkdocs")
    return str(exe) if exe.exists() else shutil.which("mkdocs")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    built = ROOT / "site"
    if (built / "index.html").exists() and os.environ.get("SARCOSTAT_DOCS_BUILT"):
        return built
    if _mkdocs() is None:
        pytest.skip("mkdocs not installed (the docs extra)")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(
        [_mkdocs(), "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out


@pytest.mark.slow
def test_site_has_every_page_of_the_issue(site):
    for page in (
        "index.html",
        "install.html",
        "tutorial.html",
        "howto/map-columns.html",
        "howto/choose-definition.html",
        "howto/write-plan.html",
        "howto/read-report.html",
        "definitions.html",
        "api.html",
        "validation.html",
        "citing.html",
        "changelog.html",
    ):
        assert (site / page).exists(), page
    api = (site / "api.html").read_text()
    # generated from the docstrings, not written by hand
    assert "read_cohort" in api and "Parameters" in api and "ls_means" in api
    assert "10.3803/EnM.2022.1428" in (site / "index.html").read_text()


@pytest.mark.slow
def test_site_pages_load_nothing_remote(site):
    offenders = {}
    for page in site.rglob("*.html"):
        hits = REMOTE.findall(page.read_text(encoding="utf-8"))
        if hits:
            offenders[page.relative_to(site).as_posix()] = hits[:2]
    assert not offenders, offenders
    assert not any("fonts.googleapis" in p.read_text() for p in site.rglob("*.css"))


@pytest.mark.slow
def test_api_page_shows_no_raw_sphinx_roles(site):
    """mkdocstrings renders markdown: a Sphinx role would be printed as typed."""
    html = (site / "api.html").read_text(encoding="utf-8")
    assert "sarcostat.report.study_report.analyze" in html
    assert not re.search(r":(?:py:)?(?:func|class|meth|mod|data|attr|exc|obj):", html)
