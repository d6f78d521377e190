"""Licence, CITATION.cff and the founding study's citation in README, docs and Methods."""

import dataclasses
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOI = "10.3803/EnM.2022.1428"


def test_licence_file_is_bsd3_and_declared_in_pyproject():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("BSD 3-Clause License")
    assert "Neither the name of the copyright holder" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "BSD-3-Clause"
    assert project["license-files"] == ["LICENSE"]


def _cffconvert():
    exe = Path(sys.executable).with_name("cffconvert")
    return str(exe) if exe.exists() else shutil.which("cffconvert")


@pytest.mark.skipif(_cffconvert() is None, reason="cffconvert not installed (dev extra)")
def test_citation_cff_is_valid_per_cffconvert():
    run = subprocess.run(
        [_cffconvert(), "--validate", "-i", str(ROOT / "CITATION.cff")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "valid" in run.stdout


def test_citation_cff_names_sarcostat_and_the_founding_study():
    # cffconvert's own reader: the file parses, the reference carries the DOI
    text = (ROOT / "CITATION.cff").read_text()
    import yaml  # PyYAML comes with mkdocs/pre-commit; skip if absent

    data = yaml.safe_load(text)
    assert data["title"].startswith("sarcostat")
    assert data["license"] == "BSD-3-Clause"
    from sarcostat import __version__

    assert str(data["version"]) == __version__
    (seed,) = [r for r in data["references"] if r.get("doi") == DOI]
    assert seed["title"] == "Decreased serum level of sclerostin in older adults with sarcopenia"
    assert (seed["year"], seed["volume"], seed["start"], seed["end"]) == (2022, 37, 487, 496)
    assert [a["family-names"] for a in seed["authors"]] == ["Ahn", "Jung", "Lee"]


@pytest.mark.parametrize("doc", ["README.md", "docs/index.md", "docs/validation.md"])
def test_founding_study_is_cited_in_the_documents(doc):
    text = (ROOT / doc).read_text()
    assert DOI in text and "Decreased serum level of sclerostin" in text


@pytest.fixture(scope="module")
def demo_result():
    import sarcostat
    from sarcostat.datasets import demo_cohort_path, demo_mapping_path

    return sarcostat.analyze(demo_cohort_path(), mapping=demo_mapping_path())


def test_methods_of_a_seed_plan_report_cite_the_founding_study(demo_result):
    text = demo_result.methods_text()
    assert "The analysis plan follows that of the founding study (Ahn SH, Jung HW, Lee E" in text
    assert f"doi:{DOI}" in text
    # another biomarker, same design: still the seed plan
    other = demo_result.plan.replace(biomarker={"column": "irisin"})
    assert DOI in dataclasses.replace(demo_result, plan=other).methods_text()


def test_methods_of_an_own_design_do_not_attribute_it_to_the_founding_study(demo_result):
    own = demo_result.plan.replace(model={"covariates": ["age_yr", "sex"]})
    assert DOI not in dataclasses.replace(demo_result, plan=own).methods_text()


def test_report_html_of_the_demo_carries_the_citation(demo_result):
    html = demo_result.to_html()
    assert DOI in html


@pytest.mark.parametrize(
    "argv, page",
    [
        (["validate", "{tmp}/bad.csv", "--map", "{tmp}/map.toml"], "docs/howto/map-columns.md"),
        (["plan", "--check", "{tmp}/bad.toml"], "docs/plan.md"),
        (["elisa", "{tmp}/bad.csv", "--layout", "{tmp}/bad.csv", "-o", "{tmp}/o"], "docs/assay.md"),
    ],
)
def test_error_messages_name_their_documentation_page(argv, page, tmp_path, capsys):
    from sarcostat.cli import main

    (tmp_path / "bad.csv").write_text("id,sex\n1,male\n1,female\n")
    (tmp_path / "bad.toml").write_text("[nonsense]\nkey = 1\n")
    (tmp_path / "map.toml").write_text('[columns]\n"Grip" = "grip_kg"\n')
    code = main([a.format(tmp=tmp_path) for a in argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    line = [ln for ln in err if ": error: " in ln][-1]
    assert line.endswith(f"{page}]"), line
    assert (ROOT / page).exists()
