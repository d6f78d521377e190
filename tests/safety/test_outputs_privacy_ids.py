"""Issue 13, point 4: participant ids reach message text through one marker
(:func:`sarcostat.io.privacy.mention_ids`), so the writers drop them whatever
the ids look like -- short numbers ('7', '12'), words, values that also occur
as data -- unless ``--include-ids``.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from corpus_outputs import assert_unchanged, snapshot, workspace

from sarcostat.assay.quantify import _saturation_notes
from sarcostat.cli import main
from sarcostat.io.privacy import ID_MENTION, mention_ids, strip_id_mentions
from sarcostat.report.output import withhold_ids


def cli(capsys, *args):
    rc = main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def tokens(text: str) -> set[str]:
    return set(re.findall(r"[\w.-]+", text))


# ----------------------------------------------------------------- the marker


@pytest.mark.parametrize(
    ("ids", "marker"),
    [
        ("7", "(id=7)"),
        (12, "(id=12)"),
        (["7", "12"], "(ids=7, 12)"),
        (["smi", "female", "yes"], "(ids=smi, female, yes)"),
        ("a(b)", "(id=a[b])"),
        ([], ""),
        (None, ""),
    ],
)
def test_mention_ids_writes_one_marker(ids, marker):
    assert mention_ids(ids) == marker


def test_mention_ids_limit_names_only_the_first():
    assert mention_ids(["7", "12", "31", "40"], limit=3) == "(ids=7, 12, 31)"


@pytest.mark.parametrize("ids", ["7", ["7", "12"], ["female", "7"], "x)y(z", ["1,5", "2"]])
def test_strip_removes_every_id_of_the_marker(ids):
    note = f"n=12 participants; 3 have no biomarker row, e.g. {mention_ids(ids)}; mean 7.0."
    out = strip_id_mentions(note)
    assert ID_MENTION.search(out) is None
    assert "(id withheld)" in out
    # The numbers that are data, not ids, stay.
    assert out.startswith("n=12 participants; 3 have") and out.endswith("mean 7.0.")
    assert "female" not in out and "x]y[z" not in out
    assert withhold_ids(note) == out


def test_withhold_ids_removes_short_marked_ids_but_not_counts():
    note = f"Value 'abc' {mention_ids('7')} is not a number; n=12, 7 of 12 fitted."
    out = withhold_ids(note, ["7", "12"])
    assert "(id=" not in out and "n=12, 7 of 12 fitted." in out


# ----------------------------------------------------------------- ELISA


def test_saturation_note_carries_sample_ids_in_the_marker():
    w = pd.DataFrame(
        {
            "reading_problem": ["saturated", "saturated", ""],
            "type": ["sample", "sample", "sample"],
            "masked": [False, False, False],
            "well": ["A1", "B2", "C3"],
            "sample_id": ["7", "12", "9"],
            "raw": ["OVER", "OVER", "0.4"],
        }
    )
    (note,) = _saturation_notes(SimpleNamespace(name="p1"), w)
    assert "(id=7)" in note and "(id=12)" in note
    stripped = strip_id_mentions(note)
    assert not {"7", "12"} & tokens(stripped)
    assert "A1" in stripped and "B2" in stripped  # the wells stay: the user re-assays them


def test_elisa_console_summary_withholds_sample_ids(tmp_path):
    import dataclasses

    from sarcostat.assay import quantify, read_plates

    ws = workspace(tmp_path / "study")
    res = quantify(read_plates([ws.plate], layout=ws.layout))
    note = f"plate p1: saturated well(s): A1 {mention_ids('P7Q')} ('OVER')."
    res = dataclasses.replace(res, notes=(*res.notes, note))
    assert "P7Q" not in res.summary()
    assert "(id withheld)" in res.summary()
    assert "P7Q" in res.summary(include_ids=True)


# ----------------------------------------------------------------- screen


@pytest.fixture
def short_id_panel(tmp_path):
    """The demo cohort plus panel rows whose ids are a short number, a word and
    a value that also occurs in the data; one participant's value is text."""
    ws = workspace(tmp_path / "study")
    cohort_ids = list(pd.read_csv(ws.cohort, dtype=str)["id"])
    rng = np.random.default_rng(11)
    extra = ["7", "P7Q", "female"]
    frame = pd.DataFrame({"id": cohort_ids + extra})
    frame["mk1"] = np.round(rng.normal(0, 1, len(frame)), 3)
    frame["mk2"] = np.round(rng.normal(0, 1, len(frame)), 3).astype(object)
    frame.loc[0, "mk2"] = "abc"  # names the first cohort participant in the row's message
    panel = ws.root / "panel_short.csv"
    frame.to_csv(panel, index=False)
    return ws, panel, extra, cohort_ids[0]


def _screen(capsys, ws, panel, out, *extra):
    return cli(
        capsys,
        "screen",
        ws.cohort,
        panel,
        "--map",
        ws.mapping,
        "-o",
        out,
        "--outcomes",
        "smi",
        "--quiet",
        *extra,
    )


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_screen_outputs_name_no_participant_by_default(short_id_panel, capsys, suffix):
    ws, panel, extra, first = short_id_panel
    snap = snapshot([*ws.inputs, panel])
    out = ws.root / f"screen{suffix}"
    rc, stdout, err = _screen(capsys, ws, panel, out)
    assert rc == 0, err
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    table = pd.read_parquet(out) if suffix == ".parquet" else pd.read_csv(out, dtype=str)
    table_text = table.astype(str).to_csv(index=False)
    for text in (stdout, html, table_text):
        assert "(id=" not in text and "(ids=" not in text
        assert "P7Q" not in text and first not in text
    assert "3 biomarker row id(s) are not in the cohort" in stdout
    # The row with the text value still says why it has no estimate.
    msg = table.loc[table["biomarker"] == "mk2", "message"].astype(str)
    assert msg.str.contains("not numeric").any()
    assert_unchanged(snap)


def test_screen_include_ids_names_them(short_id_panel, capsys):
    ws, panel, extra, first = short_id_panel
    out = ws.root / "screen_ids.csv"
    rc, stdout, err = _screen(capsys, ws, panel, out, "--include-ids")
    assert rc == 0, err
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    for text in (stdout, html):
        assert "(ids=7, P7Q, female)" in text
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert table["message"].str.contains(f"(id={first})", regex=False).any()


def test_screen_api_notes_carry_ids_only_in_the_marker(short_id_panel):
    """The Python API keeps the ids (the caller asked for the object); the
    writers' helper drops them structurally, short numbers included."""
    from sarcostat.report.screen_report import screen_notes
    from sarcostat.stats.screen import screen

    ws, panel, extra, first = short_id_panel
    data = pd.read_csv(ws.cohort)
    data = data.assign(smi=np.random.default_rng(1).normal(7, 1, len(data)))
    res = screen(data, panel, outcomes=["smi"], covariates=[])
    joined = " ".join(res.notes)
    assert "(ids=7, P7Q, female)" in joined
    private = " ".join(screen_notes(res))
    assert ID_MENTION.search(private) is None
    assert not {"7", "P7Q", "female"} & tokens(private)
