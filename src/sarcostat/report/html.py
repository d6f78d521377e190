"""The self-contained HTML report (jinja2 template, inline CSS, embedded PNGs).

Nothing is fetched when the page opens: styles are inline and figures are
base64 PNG data URIs, so the file can be mailed, opened offline on a phone,
or printed.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from sarcostat import __version__
from sarcostat.report import figures, tables
from sarcostat.report.format import DEFAULT_FORMAT, FormatConfig, capitalized, covariate_phrase


def environment():
    """The jinja2 environment of the package's report templates (autoescaped)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("sarcostat.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )


def sample_sizes(result) -> list[tuple[str, str, str]]:
    """(analysis, n unadjusted, n adjusted) rows: the complete-case n of every model."""
    fmt = DEFAULT_FORMAT
    f = result.frames
    c = result.cohort
    rows: dict[str, dict[str, str]] = {}

    def put(label, model, text):
        rows.setdefault(label, {})[model] = text

    if len(f["table1"]):
        rows["Table 1"] = {
            "unadjusted": f"{c.get('n_group', 0) + c.get('n_nogroup', 0)} classified"
        }
    for (status, model), sub in f["fig1"].groupby(["status", "model"], sort=False):
        put(f"Figure 1: {fmt.short(status)}", model, str(int(sub["n"].sum())))
    for rec in f["table2"].to_dict("records"):
        put(f"Table 2: {fmt.short(rec['outcome'])}", rec["model"], str(int(rec["n"])))
    for (outcome, model), sub in f["fig2"].groupby(["outcome", "model"], sort=False):
        put(f"Figure 2: {fmt.short(outcome)}", model, str(int(sub["n"].sum())))
    for rec in f["table3"].to_dict("records"):
        put(
            f"Table 3: {fmt.short(rec['outcome'])}",
            rec["model"],
            f"{int(rec['n'])} ({int(rec['events'])} events)",
        )
    return [(label, m.get("unadjusted", ""), m.get("adjusted", "")) for label, m in rows.items()]


def render_html(
    result, *, fmt: FormatConfig = DEFAULT_FORMAT, figure_pngs=None, timestamp: str | None = None
) -> str:
    """Render ``result`` (a StudyResult) to one HTML string.

    ``figure_pngs`` may pass already-rendered PNG bytes ``(fig1, fig2)`` so
    the figures are drawn once when the report directory is written.
    """
    if figure_pngs is None:
        figure_pngs = (
            figures.png_bytes(figures.figure1(result, fmt=fmt)),
            figures.png_bytes(figures.figure2(result, fmt=fmt)),
        )
    c = result.cohort
    cov = covariate_phrase(result.plan.model.covariates)
    cards = [
        ("participants", c.get("n")),
        ("men", f"{c.get('n_male')} ({fmt.number(c.get('pct_male'), 1)}%)"),
        (
            "mean age, yr",
            f"{fmt.number(c.get('age_mean'), 1)}\u00b1{fmt.number(c.get('age_sd'), 1)}",
        ),
        (
            f"with {result.plan.table1.group.replace('_', ' ')}",
            f"{c.get('n_group')} ({fmt.number(c.get('pct_group'), 1)}%)",
        ),
        ("indeterminate status", c.get("n_indeterminate", 0)),
        (f"{result.biomarker_label} below LOD", result.censoring.n_censored),
    ]
    context = {
        "title": f"{capitalized(result.biomarker_label)} and sarcopenia: study report",
        "version": __version__,
        "source": result.source or "in-memory data",
        "plan_source": result.plan.source,
        "n": c.get("n"),
        "timestamp": timestamp or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "synthetic": result.synthetic,
        "cohort_cards": cards,
        "warnings": list(result.warnings),
        "tables": tables.all_tables(result, fmt),
        "fig1_values": tables.figure1_values(result, fmt),
        "fig2_values": tables.figure2_values(result, fmt),
        "fig1": base64.b64encode(figure_pngs[0]).decode("ascii"),
        "fig2": base64.b64encode(figure_pngs[1]).decode("ascii"),
        "biomarker_label": result.biomarker_label,
        "fig1_caption": (
            f"{capitalized(result.biomarker_label)}"
            f"{f' ({result.biomarker_unit})' if result.biomarker_unit else ''} according to sarcopenia status and abnormalities in "
            f"sarcopenia-related parameters (A) before and (B) after adjusting for {cov}. Values "
            f"are least-squares means with {result.plan.ancova.confidence:.0%} confidence intervals; "
            f"P values compare participants with and without each status."
        ),
        "fig2_caption": (
            f"Sarcopenia-related parameters according to quartiles of {result.biomarker_label}, "
            f"adjusted for {cov}. Values are least-squares means with "
            f"{result.plan.ancova.confidence:.0%} confidence intervals."
        ),
        "methods": result.methods_text(),
        "samples": sample_sizes(result),
    }
    return environment().get_template("report.html.j2").render(**context)
