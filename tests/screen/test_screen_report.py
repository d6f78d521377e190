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
