"""Issue 13, point 4, end to end: no participant id in any default output,
whatever the ids look like (see privacy_diff for the method).

Each command runs twice on the same data, once with hostile ids ('7', 'male',
'12', '0.5', 18 digits, '00042', markup, ...) and once with canary ids; the
default outputs must hold no canary and be identical between the runs. The
per-participant files keep the ids, exactly as written.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from corpus_outputs import assert_unchanged, snapshot, workspace
from privacy_diff import HOSTILE_IDS, canary_ids, cohort_with_ids, leaks, text_of

from sarcostat.cli import main
from sarcostat.datasets import demo_mapping_path

RUNS = {"hostile": HOSTILE_IDS, "canary": canary_ids()}


def cli(capsys, *args):
    rc = main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def outputs(folder: Path, skip=()) -> dict[str, str]:
    return {
        p.name: text_of(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name not in skip
    }


def compare(texts: dict[str, dict[str, str]], names: dict[str, str]) -> None:
    problems = leaks(texts["hostile"], texts["canary"], names)
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------- classify


def test_classify_console_names_no_participant_and_the_file_keeps_ids(tmp_path, capsys):
    texts, files = {}, {}
    for run, ids in RUNS.items():
        d = tmp_path / run
        d.mkdir()
        cohort = cohort_with_ids(d / "cohort.csv", ids)
        snap = snapshot([cohort])
        out = d / "classified.csv"
        rc, stdout, err = cli(
            capsys, "classify", cohort, "--map", demo_mapping_path(), "--definition",
            "awgs2019,ewgsop2,fnih2014,sdoc2020", "-o", out,
        )  # fmt: skip
        assert rc == 0, err
        assert_unchanged(snap)
        texts[run] = {"stdout": stdout.replace(str(d), "<d>"), "stderr": err.replace(str(d), "<d>")}
        files[run] = pd.read_csv(out, dtype=str, keep_default_na=False)
    compare(texts, {})
    # The per-participant table keeps every id exactly as written.
    assert list(files["hostile"]["id"][: len(HOSTILE_IDS)]) == HOSTILE_IDS


# ----------------------------------------------------------------- screen


def _panel(cohort: Path, path: Path) -> Path:
    ids = pd.read_csv(cohort, dtype=str, keep_default_na=False)["id"]
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"id": ids})
    for k in range(3):
        frame[f"mk{k}"] = np.round(rng.normal(10, 2, len(ids)), 3).astype(object)
    frame.loc[0, "mk1"] = "abc"  # a text value: the row's message names a participant
    frame.loc[1, "mk2"] = "1e400"
    frame = frame.drop(index=[2, 3])  # cohort participants without a panel row
    extra = pd.DataFrame({"id": ["x-" + i for i in ids[:3]], "mk0": [1.0, 2.0, 3.0]})
    pd.concat([frame, extra]).to_csv(path, index=False)
    return path


def test_screen_outputs_are_the_same_whatever_the_ids(tmp_path, capsys):
    texts = {}
    for run, ids in RUNS.items():
        d = tmp_path / run
        d.mkdir()
        cohort = cohort_with_ids(d / "cohort.csv", ids)
        panel = _panel(cohort, d / "panel.csv")
        (d / "out").mkdir()
        snap = snapshot([cohort, panel])
        rc, stdout, err = cli(
            capsys, "screen", cohort, panel, "--map", demo_mapping_path(), "-o", d / "out" / "s.csv",
            "--outcomes", "smi,sarcopenia", "--quiet",
        )  # fmt: skip
        assert rc == 0, err
        assert_unchanged(snap)
        texts[run] = outputs(d / "out")
        texts[run]["stdout"] = stdout.replace(str(d), "<d>")
    compare(texts, {})


# ----------------------------------------------------------------- elisa


def _hostile_plate(ws, ids: list[str]) -> None:
    """Rename the layout's samples S001.. to ``ids`` (grid cells; '@' dilutions kept)."""
    text = ws.layout.read_text(encoding="utf-8")
    for k, pid in enumerate(ids):
        text = re.sub(rf"(?<![\w])S{k + 1:03d}(?![\w])", pid.replace(",", ";"), text)
    ws.layout.write_text(text, encoding="utf-8")


def test_elisa_report_and_qc_table_name_no_sample(tmp_path, capsys):
    per_sample = {"concentrations.csv", "samples.csv"}
    texts, conc = {}, {}
    for run, ids in RUNS.items():
        ws = workspace(tmp_path / run)
        _hostile_plate(ws, ids)
        # plate1: saturated sample wells (a note naming samples); plate2: an
        # unreadable sample well (the plate fails, its message names the sample).
        lines = ws.plate.read_text(encoding="utf-8").splitlines()
        sat = [re.sub(r"^(D,[^,]*,[^,]*,)[^,]*", r"\1OVER", line) for line in lines]
        bad = [re.sub(r"^(E,[^,]*,[^,]*,)[^,]*", r"\1n/a?", line) for line in lines]
        ws.plate.write_text("\n".join(sat) + "\n", encoding="utf-8")
        plate2 = ws.root / "plate2.csv"
        plate2.write_text("\n".join(bad) + "\n", encoding="utf-8")
        snap = snapshot([*ws.inputs, plate2])
        out = ws.root / "elisa_out"
        rc, stdout, err = cli(capsys, "elisa", ws.plate, plate2, "--layout", ws.layout, "-o", out)
        assert rc == 1, err  # plate2 failed; plate1 processed
        assert "Traceback" not in err
        assert_unchanged(snap)
        texts[run] = outputs(out, skip=per_sample)
        texts[run]["console"] = (stdout + err).replace(str(ws.root), "<d>")
        conc[run] = pd.read_csv(out / "samples.csv", dtype=str, keep_default_na=False)
    compare(texts, {})
    sid = next(c for c in conc["hostile"].columns if c in ("sample_id", "id"))
    assert set(HOSTILE_IDS[:4]) <= set(conc["hostile"][sid])  # the plate has 4 samples


# ----------------------------------------------------------------- analyze


#: Files of analyze with one row per participant, which keep the ids.
ANALYZE_PER_PARTICIPANT = {"imputations.csv"}
MICE_PLAN = '[missing]\nmethod = "mice"\nimputations = 2\niterations = 2\n'


@pytest.mark.slow
@pytest.mark.parametrize("plan", [None, MICE_PLAN], ids=["default", "mice"])
def test_analyze_report_is_the_same_whatever_the_ids(tmp_path, capsys, plan):
    if plan is not None:
        from sarcostat.study.plan import Plan

        try:
            Plan.from_dict({"missing": {"method": "mice"}}, source="probe")
        except Exception:  # noqa: BLE001 - a sarcostat without multiple imputation
            pytest.skip("[missing] method = 'mice' is not available")
    texts = {}
    for run, ids in RUNS.items():
        d = tmp_path / run
        d.mkdir()
        cohort = cohort_with_ids(d / "cohort.csv", ids)
        extra = []
        if plan is not None:
            (d / "plan.toml").write_text(plan, encoding="utf-8")
            extra = ["--plan", d / "plan.toml"]
        snap = snapshot([cohort])
        rc, stdout, err = cli(
            capsys, "analyze", cohort, "--map", demo_mapping_path(), "-o", d / "out", "-q", *extra,
        )  # fmt: skip
        assert rc == 0, err
        assert_unchanged(snap)
        texts[run] = outputs(d / "out", skip=ANALYZE_PER_PARTICIPANT)
        texts[run]["console"] = (stdout + err).replace(str(d), "<d>")
    compare(texts, {})
    # The report's own words survive ids such as 'male' and 'total'.
    assert "male" in texts["hostile"]["report.html"]
