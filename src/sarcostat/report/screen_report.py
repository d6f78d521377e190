"""HTML report of a biomarker screen: a ranked table and a volcano plot per outcome.

Reads only `ScreenResult` (its ``table``,
``families`` and ``notes``); numbers are formatted by
`sarcostat.report.format`. The page is one self-contained file (the
figure is embedded as PNG), so it can be mailed or archived as is.

Names are shown as labels where one is known: ``labels`` (raw column name ->
label; the command builds it from the cohort map's biomarkers and a
``--labels`` file) first, then the study's variable labels
(`sarcostat.study.labels.VARIABLES`, through `FormatConfig`) for
outcomes and covariates, else the column name itself. A labelled biomarker
keeps its column name beside the label, so a row can be found in the results
file. ``synthetic=True`` puts a SYNTHETIC mark on the page and in the figure.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path

from sarcostat.report.format import DEFAULT_FORMAT, FormatConfig
from sarcostat.report.output import withhold_ids

__all__ = [
    "volcano_figure",
    "repel_labels",
    "render_screen_html",
    "screen_notes",
    "write_screen_html",
]

_HIT = "#b2182b"
_REST = "#9a9a9a"

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Biomarker screen</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;max-width:75em;color:#222}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0 2em}
th,td{padding:.2em .6em;text-align:right;border-bottom:1px solid #ddd}
th{border-bottom:2px solid #444}
td.l,th.l{text-align:left}
tr.hit td{font-weight:600}
.note{color:#555;font-size:.9em}
img{max-width:100%}
.raw{color:#666;font-size:.85em;font-family:ui-monospace,monospace}
.synthetic{border:2px solid #b00020;color:#b00020;padding:.6rem .8rem;font-weight:bold}
</style></head><body>
<h1>Biomarker screen</h1>
{% if synthetic %}<p class="synthetic">These data are SYNTHETIC: simulated participants, not real ones. Do not interpret or cite the results.</p>{% endif %}
<p>{{ n_biomarkers }} biomarker(s) &times; {{ outcomes|length }} outcome(s);
adjusted for {{ adjustment }}. Rows in bold have q &lt; {{ alpha }}
(Benjamini&ndash;Hochberg within each outcome).</p>
{% if figure %}<img alt="Volcano plot per outcome" src="data:image/png;base64,{{ figure }}">{% endif %}
{% for block in blocks %}
<h2>{{ block.label }} <span class="note">({{ block.model }}; {{ block.family }})</span></h2>
<p class="note">{{ block.n_hits }} biomarker(s) with q &lt; {{ alpha }}.
{% if block.n_failed %}{{ block.n_failed }} biomarker(s) without an estimate (see message).{% endif %}
{% if block.shown < block.total %}Top {{ block.shown }} of {{ block.total }} by P shown; the results file has all rows.{% endif %}</p>
<table>
<thead><tr><th>Rank</th><th class="l">Biomarker</th><th>n</th>{% if block.logistic %}<th>Events</th><th>OR per SD (95% CI)</th>{% else %}<th>B (SE)</th><th>Std. &beta;</th>{% endif %}<th>P</th><th>q</th><th class="l">Message</th></tr></thead>
<tbody>
{% for r in block.rows %}<tr{% if r.hit %} class="hit"{% endif %}><td>{{ r.rank }}</td><td class="l">{{ r.label }}{% if r.label != r.biomarker %} <span class="raw">{{ r.biomarker }}</span>{% endif %}</td><td>{{ r.n }}</td>{% if block.logistic %}<td>{{ r.events }}</td><td>{{ r.effect }}</td>{% else %}<td>{{ r.effect }}</td><td>{{ r.beta }}</td>{% endif %}<td>{{ r.p }}</td><td>{{ r.q }}</td><td class="l">{{ r.message }}</td></tr>
{% endfor %}</tbody></table>
{% endfor %}
<h2>Notes</h2>
<ul class="note">{% for n in notes %}<li>{{ n }}</li>{% endfor %}</ul>
</body></html>
"""


def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


#: Columns the screen command derives, by what they hold.
_DERIVED = {"sex_male": "Sex (male = 1)"}


def _labeller(labels: dict | None, fmt: FormatConfig, *, short: bool = False):
    """name -> display label: ``labels`` first, then the study's variable
    labels (``short``: without the unit, for a list in a sentence), else the
    name itself."""
    labels = {**_DERIVED, **dict(labels or {})}

    def label(name) -> str:
        name = str(name)
        if name in labels:
            return str(labels[name])
        return fmt.short(name) if short else fmt.label(name)

    return label


#: The SYNTHETIC mark of the figure (the page has its own banner).
SYNTHETIC_MARK = "SYNTHETIC DATA"


def _overlaps(box, placed) -> bool:
    return any(box.overlaps(other) for other in placed)


def repel_labels(ax, points, texts, *, fontsize: float = 7, pad: float = 1.5) -> list:
    """Label points of ``ax`` without two labels overlapping (deterministic).

    ``points`` are (x, y) in data units, ``texts`` their labels, most
    important first. Each label tries positions around its point (right,
    left, above, below, the diagonals) at growing distances (3 to 45
    points); it takes the first whose box, ``pad`` pixels larger, overlaps
    no label placed before, the legend or a labelled point, and lies inside
    the axes; a label moved away from
    its point gets a thin leader line. A label with no free position is left
    out. Lay the figure out (``tight_layout``) before calling: the boxes are
    measured in display units. Returns the annotations placed.
    """
    import numpy as np
    from matplotlib.transforms import Bbox

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    # Obstacles besides the labels: the legend and the labelled points.
    placed_boxes: list = []
    legend = ax.get_legend()
    if legend is not None:
        placed_boxes.append(legend.get_window_extent(renderer))
    r = 2.5 * fig.dpi / 72
    for px, py in ax.transData.transform(np.asarray(points, dtype=float).reshape(-1, 2)):
        placed_boxes.append(Bbox.from_extents(px - r, py - r, px + r, py + r))
    placed: list = []
    directions = [(1, 0.2), (-1, 0.2), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]
    for (x, y), text in zip(points, texts):
        done = False
        for dist in (3, 8, 14, 22, 32, 45):
            for dx, dy in directions:
                ox, oy = dx * dist, dy * dist
                ann = ax.annotate(
                    text,
                    (x, y),
                    xytext=(ox, oy),
                    textcoords="offset points",
                    fontsize=fontsize,
                    ha="left" if dx > 0 else ("right" if dx < 0 else "center"),
                    va="bottom" if dy > 0 else ("top" if dy < 0 else "center"),
                    annotation_clip=False,
                )
                b = ann.get_window_extent(renderer)
                box = Bbox.from_extents(b.x0 - pad, b.y0 - pad, b.x1 + pad, b.y1 + pad)
                inside = (
                    box.x0 >= frame.x0
                    and box.x1 <= frame.x1
                    and box.y0 >= frame.y0
                    and box.y1 <= frame.y1
                )
                if inside and not _overlaps(box, placed_boxes):
                    if dist > 8:
                        ann.remove()
                        ann = ax.annotate(
                            text,
                            (x, y),
                            xytext=(ox, oy),
                            textcoords="offset points",
                            fontsize=fontsize,
                            ha="left" if dx > 0 else ("right" if dx < 0 else "center"),
                            va="bottom" if dy > 0 else ("top" if dy < 0 else "center"),
                            annotation_clip=False,
                            arrowprops={"arrowstyle": "-", "color": "#777", "lw": 0.5},
                        )
                    placed_boxes.append(box)
                    placed.append(ann)
                    done = True
                    break
                ann.remove()
            if done:
                break
    return placed


def volcano_figure(
    result,
    *,
    alpha: float = 0.05,
    fmt: FormatConfig = DEFAULT_FORMAT,
    ncols: int = 2,
    panel_size: float = 4.0,
    label_top: int = 5,
    labels: dict | None = None,
    synthetic: bool = False,
):
    """Volcano plot: effect (standardized β or ln OR per SD) vs -log10 P.

    One panel per outcome; points with q < ``alpha`` in colour, the
    ``label_top`` smallest P values labelled (by ``labels`` where given)
    without overlapping (`repel_labels`). ``synthetic`` writes
    "SYNTHETIC DATA" across the top. Returns a matplotlib Figure.
    """
    import numpy as np

    from sarcostat.report.figures import _pyplot, scatter_or_density

    plt = _pyplot()
    label = _labeller(labels, fmt)
    to_label = []
    outcomes = list(result.outcomes)
    ncols = max(1, min(ncols, len(outcomes)))
    nrows = math.ceil(len(outcomes) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(panel_size * ncols, panel_size * nrows), squeeze=False
    )
    t = result.table
    for i, outcome in enumerate(outcomes):
        ax = axes[i // ncols][i % ncols]
        d = t[(t["outcome"] == outcome) & t["p_value"].notna()]
        logistic = d["model"].str.startswith("logistic").any() or (d["model"] == "score").any()
        x = (d["estimate"] if logistic else d["std_beta"]).to_numpy(float)
        y = -np.log10(np.maximum(d["p_value"].to_numpy(float), 1e-300))
        hit = (d["q_value"] < alpha).to_numpy()
        finite = np.isfinite(x)
        # Tens of thousands of biomarkers: density above LARGE_N points.
        scatter_or_density(ax, x[finite & ~hit], y[finite & ~hit], color=_REST, s=8, linewidths=0)
        ax.scatter(
            x[finite & hit], y[finite & hit], s=10, c=_HIT, linewidths=0, label=f"q < {alpha:g}"
        )
        ax.axvline(0, color="#444", lw=0.6)
        order = [j for j in np.argsort(-y, kind="stable") if finite[j]][:label_top]
        to_label.append(
            (ax, [(x[j], y[j]) for j in order], [label(d["biomarker"].iloc[j]) for j in order])
        )
        if len(order):
            # Head room above the top points for their labels.
            ax.set_ylim(top=ax.get_ylim()[1] * 1.12)
        title = labels.get(str(outcome)) if labels else None
        ax.set_title(title or fmt.short(outcome), fontsize=10)
        ax.set_xlabel("ln OR per SD" if logistic else "Standardized \u03b2")
        ax.set_ylabel("\u2212log\u2081\u2080 P")
        if hit.any():
            ax.legend(fontsize=7, frameon=False, loc="upper left")
    for j in range(len(outcomes), nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
    if synthetic:
        fig.suptitle(SYNTHETIC_MARK, color="#b00020", fontweight="bold", fontsize=11)
    fig.tight_layout()
    # Labels last: their boxes are measured on the final layout.
    for ax, points, texts in to_label:
        repel_labels(ax, points, texts)
    return fig


def render_screen_html(
    result,
    *,
    top: int = 100,
    alpha: float = 0.05,
    fmt: FormatConfig = DEFAULT_FORMAT,
    figure: bool = True,
    include_ids: bool = False,
    labels: dict | None = None,
    synthetic: bool = False,
) -> str:
    """The screen as one HTML page: volcano plot, then a ranked table per outcome.

    Parameters
    ----------
    result : ScreenResult
    top : int, default 100
        Rows shown per outcome (smallest P first); the results file has all.
    alpha : float, default 0.05
        q-value threshold for highlighting.
    figure : bool, default True
        Embed the volcano plot.
    include_ids : bool, default False
        Keep participant ids in the notes (e.g. the unmatched ids) and in the
        rows' messages (the participant whose value is not a number).
    labels : dict, optional
        Column name -> label for biomarkers, outcomes and covariates (see the
        module docstring); outcomes and covariates otherwise get the study's
        variable labels.
    synthetic : bool, default False
        The data are simulated: the page and the figure say SYNTHETIC.
    """
    from sarcostat.report.figures import png_bytes
    from sarcostat.report.html import environment

    fam = (
        {(r.outcome, r.model): r for r in result.families.itertuples()}
        if len(result.families)
        else {}
    )
    label = _labeller(labels, fmt)
    blocks = []
    for outcome in result.outcomes:
        d = result.ranked(outcome)
        model = d["model"].iloc[0] if len(d) else ""
        logistic = bool(len(d)) and d["model"].isin(["logistic", "logistic-firth", "score"]).any()
        fam_row = next((f for (o, _), f in fam.items() if o == outcome), None)
        rows = []
        for rank, r in enumerate(d.head(top).itertuples(), start=1):
            if logistic:
                effect = (
                    ""
                    if _nan(r.odds_ratio)
                    else fmt.or_ci(r.odds_ratio, r.or_ci_lower, r.or_ci_upper)
                )
                beta = ""
            else:
                effect = "" if _nan(r.estimate) else f"{_sig(r.estimate, fmt)} ({_sig(r.se, fmt)})"
                beta = fmt.beta(r.std_beta)
            rows.append(
                {
                    "rank": rank if not _nan(r.p_value) else "",
                    "biomarker": str(r.biomarker),
                    "label": label(r.biomarker),
                    "n": "" if r.n is None or str(r.n) == "<NA>" else int(r.n),
                    "events": "" if str(r.events) == "<NA>" else int(r.events),
                    "effect": effect,
                    "beta": beta,
                    "p": _p_full(r.p_value),
                    "q": _p_full(r.q_value),
                    "message": r.message if include_ids else withhold_ids(r.message),
                    "hit": (not _nan(r.q_value)) and r.q_value < alpha,
                }
            )
        blocks.append(
            {
                "label": label(outcome),
                "model": model
                if not logistic
                else ("logistic, OR per SD" if model != "score" else "score pre-screen / logistic"),
                "family": f"{fam_row.n_tests} tests, {fam_row.correction}" if fam_row else "",
                "n_hits": int((d["q_value"] < alpha).sum()),
                "n_failed": int((d["message"] != "").sum()),
                "shown": min(top, len(d)),
                "total": len(d),
                "logistic": logistic,
                "rows": rows,
            }
        )
    png = None
    if figure and len(result.outcomes):
        fig = volcano_figure(result, alpha=alpha, fmt=fmt, labels=labels, synthetic=synthetic)
        png = base64.b64encode(png_bytes(fig)).decode("ascii")
        import matplotlib.pyplot as plt

        plt.close(fig)
    covs = list(result.covariates)
    return (
        environment()
        .from_string(_TEMPLATE)
        .render(
            n_biomarkers=result.n_biomarkers,
            outcomes=list(result.outcomes),
            adjustment=(
                ", ".join(_labeller(labels, fmt, short=True)(c) for c in covs)
                if covs
                else "nothing (unadjusted)"
            ),
            synthetic=synthetic,
            alpha=alpha,
            figure=png,
            blocks=blocks,
            notes=screen_notes(result, include_ids=include_ids),
        )
    )


def screen_notes(result, *, include_ids: bool = False) -> list[str]:
    """The screen's notes; participant ids withheld unless ``include_ids``."""
    if include_ids:
        return list(result.notes)
    join = (getattr(result, "meta", None) or {}).get("join", {}) or {}
    ids = [
        str(i)
        for key in ("cohort_ids_without_biomarkers", "biomarker_ids_not_in_cohort")
        for i in (join.get(key) or ())
    ]
    return [withhold_ids(n, ids) for n in result.notes]


def write_screen_html(result, path, *, overwrite: bool = True, **kwargs) -> Path:
    """Write `render_screen_html` to ``path`` (UTF-8, atomically); returns the path."""
    from sarcostat.report.output import write_text

    return write_text(
        path,
        render_screen_html(result, **kwargs),
        command="write_screen_html",
        overwrite=overwrite,
        option="path",
    )


def _sig(v, fmt: FormatConfig) -> str:
    """4 significant digits: biomarker units span orders of magnitude."""
    if _nan(v):
        return ""
    text = f"{v:.4g}"
    return fmt.minus + text[1:] if text.startswith("-") else text


def _p_full(v) -> str:
    """P or q in a screen: scientific below 0.001 (ranking needs the digits)."""
    if _nan(v):
        return ""
    return f"{v:.2e}" if v < 0.001 else f"{v:.3f}"
