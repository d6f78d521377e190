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


def test_panel_columns():
    assert figures.panel_columns(None, 7, 4) == 4
    assert figures.panel_columns(None, 2, 4) == 2
    assert figures.panel_columns(85, 4, 4) == 2  # single journal column
    assert figures.panel_columns(180, 7, 4) == 4  # double column
    assert figures.panel_columns(30, 4, 4) == 1
    assert figures.panel_columns(85, 2, 2, panel_mm=80) == 1


def _columns(fig):
    return len({round(ax.get_position().x0, 3) for ax in fig.axes if ax.get_visible()})


def _text_boxes(fig):
    """(text, window box, size) of every text drawn: tick labels inside their
    axis' view (matplotlib keeps others, undrawn), titles, axis labels,
    legends and the figure's own texts."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    renderer = FigureCanvasAgg(fig).get_renderer()
    ticks, drawn = set(), []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for locs, labels in (
                (axis.get_majorticklocs(), axis.get_ticklabels()),
                (axis.get_minorticklocs(), axis.get_ticklabels(minor=True)),
            ):
                for v, t in zip(locs, labels, strict=False):
                    ticks.add(id(t))
                    if ax.get_visible() and lo <= v <= hi:
                        drawn.append(t)
    for t in fig.findobj(Text):
        ax = getattr(t, "axes", None)
        if id(t) not in ticks and (ax is None or ax.get_visible()):
            drawn.append(t)
    out = []
    for t in drawn:
        if not (t.get_visible() and t.get_text().strip()):
            continue
        box = t.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            out.append((t.get_text(), box, t.get_fontsize()))
    return out


def _clashes(boxes):
    """Pairs of texts that overlap (a title, a tick label, a legend entry, the
    figure's own x label); touching by a pixel is allowed."""
    return [
        (a, b)
        for i, (a, box_a, _) in enumerate(boxes)
        for b, box_b, _ in boxes[i + 1 :]
        if min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > 1
        and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > 1
    ]


@pytest.mark.parametrize("name, columns", [("fig1", 1), ("fig2", 2), ("roc", 2), ("spline", 2)])
def test_a_single_column_figure_rearranges_its_panels(demo_result, name, columns):
    with figures.style_context():
        fig = FIGURES[name](demo_result, width_mm=85)
        figures.set_width(fig, 85)
        fig.draw_without_rendering()
        assert fig.get_size_inches()[0] * 25.4 == pytest.approx(85, abs=0.5)
        assert _columns(fig) == columns
        boxes = _text_boxes(fig)
    assert min(size for _, _, size in boxes) >= figures.MIN_FONT_PT
    assert _clashes(boxes) == []


@pytest.mark.parametrize("width_mm", [None, 180])
@pytest.mark.parametrize("name", ["fig1", "fig2", "roc", "spline", "quartile_or", "flow"])
def test_report_figures_have_no_overlapping_text(demo_result, name, width_mm):
    with figures.style_context():
        fig = FIGURES[name](demo_result, width_mm=width_mm)
        if width_mm is not None:
            figures.set_width(fig, width_mm)
        fig.draw_without_rendering()
        boxes = _text_boxes(fig)
    assert _clashes(boxes) == []
