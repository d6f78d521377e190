"""The QC report's standard-curve figure puts every point where it belongs."""

import math

import matplotlib
import numpy as np
import pytest
from simulate import curve, write_plate

from sarcostat.assay import quantify, read_plates
from sarcostat.report.qc_report import curve_figure, write_qc_report

matplotlib.use("Agg")


@pytest.fixture
def edge_run(tmp_path):
    # noise-free competitive plate, declared LOD 2.5 = lowest standard (LOD = LLOQ):
    # S001 reads at B0 (low side, no inverse), S002 below D (high side, no inverse),
    # S003 in range, S004 at 1 pmol/L (below the LOD but invertible)
    truths = [0.0, 20.0, 40.0, 1.0]
    rd, lay, _ = write_plate(
        tmp_path,
        "edge",
        "competitive",
        truths,
        seed=1,
        cv=0,
        sd0=0,
        override={"E3": "0.0500", "E4": "0.0500"},
    )
    return quantify(read_plates(rd, layout=lay), lod=2.5)


def _figure(res):
    name = res.qc["plate"].iloc[0]
    w = res.wells
    return curve_figure(
        res.curves[name],
        w[(w.type == "standard") & w.used],
        res.samples,
        res.controls,
        res.qc.iloc[0].to_dict(),
        "pmol/L",
    )


def _points(ax, label):
    (coll,) = [c for c in ax.collections if c.get_label() == label]
    return coll.get_offsets()


def test_points_without_a_concentration_sit_at_their_own_edge(edge_run):
    import matplotlib.pyplot as plt

    s = edge_run.samples.set_index("id")
    assert s.loc["S001", "flags"] == "no_inverse;<LOD;<LLOQ"
    assert s.loc["S002", "flags"] == "no_inverse;>ULOQ"
    fig = _figure(edge_run)
    ax = fig.axes[0]
    xmin, xmax = ax.get_xlim()
    beyond = _points(ax, "samples flagged (limits, saturated)")
    by_signal = {round(float(y), 6): float(x) for x, y in beyond}
    assert by_signal[round(s.loc["S001", "mean_signal"], 6)] == pytest.approx(
        xmin
    )  # low side: left
    assert by_signal[round(s.loc["S002", "mean_signal"], 6)] == pytest.approx(
        xmax
    )  # high side: right
    assert by_signal[round(s.loc["S004", "mean_signal"], 6)] == pytest.approx(
        s.loc["S004", "conc_well"]
    )
    inside = _points(ax, "samples (mean signal)")
    assert list(inside[:, 0]) == pytest.approx(list(s.loc[["S003"], "conc_well"]))
    zero = _points(ax, "zero standard (left edge)")
    assert np.allclose(zero[:, 0], xmin) and np.allclose(
        zero[:, 1], curve("competitive", 0), atol=1e-4
    )
    # every limit is inside the axis, and coinciding limits share one label
    qc = edge_run.qc.iloc[0]
    assert xmin < qc["lod"] == qc["lloq"] < qc["uloq"] < xmax
    texts = [t.get_text().strip() for t in ax.texts]
    assert sorted(texts) == ["LOD = LLOQ", "ULOQ"]
    plt.close(fig)


def test_report_is_byte_reproducible(edge_run, tmp_path):
    a = write_qc_report(edge_run, tmp_path / "a.html").read_bytes()
    b = write_qc_report(edge_run, tmp_path / "b.html").read_bytes()
    assert a == b
    html = a.decode()
    assert html.count("<svg") == 2 and "LOD = LLOQ" in html and "ACCEPTED" in html


def test_off_scale_samples_are_drawn_on_the_top_edge(tmp_path):
    import matplotlib.pyplot as plt

    # sandwich: S001 every well OVRFLW (top right), S002 one well off-scale (flagged colour)
    rd, lay, _ = write_plate(
        tmp_path,
        "sat",
        "sandwich",
        [100.0, 300.0, 200.0],
        seed=2,
        cv=0,
        sd0=0,
        override={"D3": "OVRFLW", "D4": "OVRFLW", "E3": "OVRFLW"},
    )
    res = quantify(read_plates(rd, layout=lay))
    fig = _figure(res)
    ax = fig.axes[0]
    ((x, y),) = _points(ax, "samples off-scale (every well)")
    assert x == pytest.approx(ax.get_xlim()[1]) and y == pytest.approx(ax.get_ylim()[1])
    s2 = res.samples.set_index("id").loc["S002"]
    flagged = _points(ax, "samples flagged (limits, saturated)")
    assert [tuple(p) for p in flagged] == [pytest.approx((s2["conc_well"], s2["mean_signal"]))]
    plt.close(fig)


def test_flagged_wells_say_why_in_words(edge_run):
    f = edge_run.flagged_wells().set_index("well")
    # S001 reads at B0 (no inverse, below the LOD); S002 below the bottom asymptote
    s001 = edge_run.wells.query("sample_id == 'S001'")["well"]
    for w in s001:
        assert "signal beyond the curve's asymptote" in f.loc[w, "reasons"]
        assert "below the LOD" in f.loc[w, "reasons"]
    assert "above the ULOQ" in f.loc["E3", "reasons"]
    assert set(f["type"]) == {"sample"}


def test_significant_digits_rule():
    from sarcostat.report.format import round_significant, significant

    assert [significant(v) for v in (1234.5, 0.012345, 2.5, 160.0, 99999.0, -12.345)] == [
        "1230",
        "0.0123",
        "2.5",
        "160",
        "100000",
        "-12.3",
    ]
    assert significant(float("nan")) == "" and significant(None) == ""
    assert round_significant(21.23456) == 21.2 and math.isnan(round_significant(float("nan")))


def test_page_rounds_to_3_digits_json_keeps_full_precision_verdict_and_lod_reason(tmp_path):
    import json

    import pandas as pd

    from sarcostat.cli import main
    from sarcostat.report.format import round_significant, significant

    # no blank and no zero standard (masked) and no --lod: the LOD cannot be computed;
    # both controls outside their declared ranges: the run is rejected by one rule
    rd, lay, _ = write_plate(
        tmp_path,
        "rej",
        "competitive",
        [21.23456, 47.0],
        seed=5,
        controls={"QC1": (12.0, 30.0, 40.0), "QC2": (60.0, 100.0, 120.0)},
        mask=("A1", "A2", "A3", "A4"),
    )
    out = tmp_path / "out"
    assert main(["elisa", str(rd), "--layout", str(lay), "-o", str(out)]) == 0
    doc = json.loads((out / "results.json").read_text())
    # results.json withholds sample ids (row k of samples.csv is "sample k")
    assert all(not str(s["id"]).startswith("S0") for s in doc["samples"])
    row = pd.read_csv(out / "samples.csv")["id"].tolist().index("S001")
    full = {s["id"]: s["concentration"] for s in doc["samples"]}[f"sample {row + 1}"]
    assert full != round_significant(full)  # has more than 3 digits to lose
    html = (out / "qc_report.html").read_text()
    assert f"<td>{significant(full)}</td>" in html and f"{full:.5g}" not in html
    samples = pd.read_csv(out / "samples.csv").set_index("id")
    assert samples.loc["S001", "concentration"] == round_significant(full)
    assert doc["concentrations"] == []  # the rejected plate's samples are left out
    # LOD: the reason in qc.csv, results.json and on the page
    reason = "no declared LOD (--lod) and fewer than 2 blank or zero-standard wells"
    qc = pd.read_csv(out / "qc.csv", keep_default_na=False)
    assert qc.loc[0, "lod"] == "" and qc.loc[0, "lod_reason"].startswith(reason)
    assert doc["qc"][0]["lod"] is None and doc["qc"][0]["lod_reason"].startswith(reason)
    assert f"not determined: {reason}" in html
    assert qc.loc[0, "lloq_reason"] == "" and "2.5 pmol/L (lowest standard within limits)" in html
    # verdict: rejected by the controls rule, the standards rule passed
    rules = {v["rule"]: v for v in doc["verdicts"]}
    assert rules["controls within range"]["passed"] is False
    assert rules["controls within range"]["observed"] == "0/2"
    assert rules["standard levels within limits"]["passed"] is True
    assert "REJECTED" in html and "Run rejected: 1 of 2 rules of the research preset" in html
    assert '<td class="l pass">pass</td>' in html and '<td class="l FAIL">FAIL</td>' in html
    assert "control outside 30-40 pmol/L" in html  # flagged-wells table
    for kind in ("heatmap", "curve"):
        assert (out / f"qc_rej_{kind}.png").read_bytes()[:4] == b"\x89PNG"
        assert (out / f"qc_rej_{kind}.svg").read_text().lstrip().startswith("<?xml")


def test_labels_of_close_limits_do_not_overprint(tmp_path):
    # LOD 3.2 declared beside the LLOQ of the lowest standard (2.5): their
    # labels go on two lines; the ULOQ, far away, on the first.
    rd, lay, _ = write_plate(tmp_path, "near", "competitive", [20.0], seed=1)
    res = quantify(read_plates(rd, layout=lay), lod=3.2)
    ax = _figure(res).axes[0]
    labels = {
        t.get_text().strip(): t for t in ax.texts if t.get_text().strip() in ("LOD", "LLOQ", "ULOQ")
    }
    assert set(labels) == {"LOD", "LLOQ", "ULOQ"}
    y = {k: t.get_position()[1] for k, t in labels.items()}
    assert y["LLOQ"] == y["ULOQ"] == 1.0
    assert y["LOD"] < y["LLOQ"]
