"""The screen's HTML page and volcano plot read the result and format only."""

import pytest

from sarcostat.report.screen_report import render_screen_html, volcano_figure
from sarcostat.stats.screen import screen

COVS = ["age_yr", "sex_male", "bmi"]


@pytest.fixture(scope="module")
def result(data):
    cohort, bio = data
    bio = bio.assign(**{"<b>odd</b>": 1.0})
    return screen(cohort, bio, outcomes=["smi", "sarcopenia"], covariates=COVS)


def test_volcano_has_one_panel_per_outcome(result):
    import matplotlib.pyplot as plt

    fig = volcano_figure(result)
    axes = [a for a in fig.axes if a.get_visible()]
    assert [a.get_xlabel() for a in axes] == ["Standardized \u03b2", "ln OR per SD"]
    # every finite estimate is plotted
    n_points = sum(len(c.get_offsets()) for c in axes[0].collections)
    assert n_points == result.table.query("outcome == 'smi'")["p_value"].notna().sum()
    plt.close(fig)


def test_html_ranks_by_p_escapes_names_and_limits_rows(result):
    full = render_screen_html(result, top=100, figure=False)
    assert "&lt;b&gt;odd&lt;/b&gt;" in full and "<b>odd</b>" not in full
    assert "biomarker is constant" in full
    html = render_screen_html(result, top=3, figure=False)
    assert "Top 3 of 13 by P shown" in html
    top_smi = result.ranked("smi")["biomarker"].iloc[0]
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    assert f">{top_smi}<" in first_row
    assert "OR per SD (95% CI)" in html and "Std. &beta;" in html


def _label_boxes(fig):
    """Each panel's label boxes: the text alone (an Annotation's own extent
    also spans its leader line)."""
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    return [
        [Text.get_window_extent(t, renderer) for t in ax.texts if t.get_text()]
        for ax in fig.axes
        if ax.get_visible()
    ]


def test_volcano_labels_do_not_overlap(data):
    """Crowded top: many strong, similar biomarkers with long labels."""
    import matplotlib.pyplot as plt
    import numpy as np

    cohort, bio = data
    rng = np.random.default_rng(0)
    bio = bio.copy()
    for i in range(8):
        bio[f"clone_{i}"] = cohort["smi"].to_numpy() + rng.normal(0, 0.8, len(cohort))
    res = screen(cohort, bio, outcomes=["smi", "sarcopenia"], covariates=COVS)
    labels = {c: f"Interleukin-{i} long assay name (pg/mL)" for i, c in enumerate(bio.columns[1:])}
    fig = volcano_figure(res, labels=labels, label_top=8, synthetic=True)
    panels = _label_boxes(fig)
    assert sum(len(p) for p in panels) >= 8
    for boxes in panels:
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.overlaps(b)
    # the labels are the labels, and the figure says SYNTHETIC
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert all(t.startswith("Interleukin-") for t in texts)
    assert fig._suptitle is not None and fig._suptitle.get_text() == "SYNTHETIC DATA"
    # deterministic: the same figure twice places the same labels
    again = volcano_figure(res, labels=labels, label_top=8, synthetic=True)
    pos = [[t.get_position() for t in ax.texts] for ax in fig.axes]
    assert pos == [[t.get_position() for t in ax.texts] for ax in again.axes]
    plt.close(fig)
    plt.close(again)


def test_html_labels_and_synthetic(result):
    raw = result.ranked("smi")["biomarker"].iloc[0]
    html = render_screen_html(
        result, figure=False, labels={raw: "Nice name", "smi": "Muscle index"}, synthetic=True
    )
    assert f'Nice name <span class="raw">{raw}</span>' in html
    assert "<h2>Muscle index " in html
    assert "These data are SYNTHETIC" in html
    assert "SYNTHETIC" not in render_screen_html(result, figure=False)
