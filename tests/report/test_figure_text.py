"""Every text a report figure shows is what a reader should see: log axes
label their ticks with plain numbers (matplotlib's own log labels are
mathtext, which sarcostat's figures do not interpret: they showed as
"$\\mathdefault{10^{-1}}$" in the spline and forest plots)."""

import re

import numpy as np
import pytest

import sarcostat
from sarcostat.datasets import demo_cohort_path
from sarcostat.report import figures
from sarcostat.report.parts import FIGURES


def _labels(axis):
    """The labels drawn: of the ticks inside the axis' view."""
    fig = axis.axes.figure
    fig.draw_without_rendering()
    lo, hi = sorted(axis.get_view_interval())

    def shown(locs, labels):
        return [
            t.get_text()
            for v, t in zip(locs, labels, strict=True)
            if lo <= v <= hi and t.get_text()
        ]

    return (
        shown(axis.get_majorticklocs(), axis.get_ticklabels()),
        shown(axis.get_minorticklocs(), axis.get_ticklabels(minor=True)),
    )


def _axes(lo, hi, which="y", **kw):
    fig = figures._new_figure((3.0, 3.0))
    ax = fig.subplots()
    data = np.array([lo, hi])
    if which == "y":
        ax.plot([0, 1], data)
    else:
        ax.plot(data, [0, 1])
    figures.log_axis(ax, which, **kw)
    return ax.yaxis if which == "y" else ax.xaxis


def test_decades_are_plain_numbers():
    major, minor = _labels(_axes(0.002, 300))
    inside = [v for v in ("0.01", "0.1", "1", "10", "100") if v in major]
    assert inside == ["0.01", "0.1", "1", "10", "100"]
    assert all(float(t) > 0 for t in major)
    assert minor == []  # five decades: minor ticks unlabelled


def test_one_decade_or_less_labels_2_and_5_too():
    major, minor = _labels(_axes(0.15, 1.2, which="x"))
    assert major == ["1"]
    assert minor == ["0.2", "0.5"]


def test_a_narrow_axis_labels_every_minor_tick():
    major, minor = _labels(_axes(0.55, 1.05))
    assert major == ["1"]
    assert minor == ["0.6", "0.7", "0.8", "0.9"]


def test_steps_put_major_ticks_at_1_2_5():
    major, minor = _labels(_axes(1.5, 120, which="x", steps=(1.0, 2.0, 5.0)))
    assert major == ["2", "5", "10", "20", "50", "100"]
    assert minor == []


@pytest.fixture(scope="module")
def demo_result():
    return sarcostat.analyze(demo_cohort_path())


@pytest.mark.parametrize("name", ["fig1", "fig2", "roc", "spline", "quartile_or", "flow"])
def test_no_report_figure_shows_mathtext_markup(demo_result, name):
    with figures.style_context():
        fig = FIGURES[name](demo_result)
        fig.draw_without_rendering()
        texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    shown = [t for t in texts if t]
    assert shown
    assert not [t for t in shown if re.search(r"\$|\\mathdefault|\\times", t)]
