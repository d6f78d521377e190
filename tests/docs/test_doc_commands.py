"""Every command of the README, the tutorial and the install page runs on the bundled files.

The documents' ``$ sarcostat ...`` lines (and their Python blocks) are run in
order in an empty temporary folder, in-process through ``sarcostat.cli.main``
so the whole set stays fast; ``test_install.py`` runs the tutorial again with
the console script of an installed wheel. A command must end with the exit
code the document states (0 unless it says ``# exit N``) and without a
traceback, so the documents cannot drift from what sarcostat does.
"""

import os
from pathlib import Path

import pytest
from doc_commands import steps

from sarcostat.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOCS = ["README.md", "docs/tutorial.md", "docs/install.md"]


def run_document(doc: Path, workdir: Path, capsys) -> list[str]:
    """Run the document's steps in ``workdir``; return the lines skipped."""
    skipped = []
    cwd = Path(workdir)
    namespace: dict = {}
    old = Path.cwd()
    try:
        for step in steps(doc):
            os.chdir(cwd)
            if step.kind == "cd":
                cwd = (cwd / step.argv[1]).resolve()
                assert cwd.is_dir(), step.where(doc)
            elif step.kind == "sarcostat":
                code = main(list(step.argv[1:]))
                out = capsys.readouterr()
                text = out.out + out.err
                assert code == step.exit_code, f"{step.where(doc)} -> exit {code}\n{text}"
                assert "Traceback" not in text, step.where(doc)
            elif step.kind == "python":
                try:
                    exec(compile(step.text, f"{doc.name}:{step.line}", "exec"), namespace)
                except Exception as exc:  # name the document's line in the failure
                    raise AssertionError(f"{step.where(doc)}: {exc!r}") from exc
                capsys.readouterr()
            else:
                skipped.append(step.text)
    finally:
        os.chdir(old)
    return skipped


@pytest.mark.parametrize("doc", DOCS)
def test_document_commands_run_on_the_bundled_files(doc, tmp_path, capsys):
    skipped = run_document(ROOT / doc, tmp_path, capsys)
    # only installation lines may be left to the reader
    for line in skipped:
        assert line.split()[0] in ("pip", "pipx", "python", "python3", "py", "make", "source"), line


@pytest.mark.parametrize("doc", DOCS)
def test_documents_have_runnable_commands(doc):
    kinds = [s.kind for s in steps(ROOT / doc)]
    assert kinds.count("sarcostat") >= 3


def test_every_example_file_the_documents_name_is_bundled():
    from sarcostat.datasets import example_files

    bundled = set(example_files())
    text = "\n".join((ROOT / d).read_text() for d in DOCS)
    for name in (
        "clinic_baseline.xlsx",
        "clinic_map.toml",
        "dkk1_plan.toml",
        "panel.csv",
        "elisa/run1_softmax.txt",
        "elisa/run2_gen5.txt",
        "elisa/layout_run1.csv",
        "elisa/layout_run2.csv",
    ):
        assert name in bundled
    assert "clinic_baseline.xlsx" in text and "elisa/run2_gen5.txt" in text
