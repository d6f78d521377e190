"""The self-contained HTML report (jinja2 template, inline CSS, embedded PNGs).

Nothing is fetched when the page opens: styles are inline and figures are
base64 PNG data URIs, so the file can be mailed, opened offline on a phone,
or printed.
"""

from __future__ import annotations

from sarcostat._version import __version__
from sarcostat.report.format import DEFAULT_FORMAT, FormatConfig, capitalized
from sarcostat.report.output import participant_ids, report_time, withhold_ids_all

_ENV = None


def environment():
    """The one jinja2 environment of every HTML page sarcostat writes.

    Autoescaping is on for every template, file-based or from a string
    (``environment().from_string(...)``): user text (cells, headers, file,
    plate and column names, labels) always shows as text. Markup that the
    code builds itself is passed as ``markupsafe.Markup`` after escaping its
    parts. Callers that add filters use ``environment().overlay()``.
    """
    global _ENV
    if _ENV is None:
        import jinja2

        _ENV = jinja2.Environment(
            loader=jinja2.PackageLoader("sarcostat.report", "templates"),
            autoescape=True,
            trim_blocks=False,
            lstrip_blocks=False,
            keep_trailing_newline=True,
        )
    return _ENV


def sample_sizes(result) -> list[tuple[str, str, str]]:
    """(analysis, n unadjusted, n adjusted) rows: the complete-case n of every model."""
    import pandas as pd

    fmt = DEFAULT_FORMAT
    f = result.frames
    c = result.cohort
    rows: dict[str, dict[str, str]] = {}
    empty = pd.DataFrame(
        columns=["status", "outcome", "model", "n", "events"]
    )  # a part the plan does not run

    def part(name):
        return f.get(name, empty)

    def put(label, model, text):
        rows.setdefault(label, {})[model] = text

    if len(part("table1")):
        rows["Table 1"] = {
            "unadjusted": f"{fmt.count(c.get('n_group', 0) + c.get('n_nogroup', 0))} classified"
        }
    for (status, model), sub in part("fig1").groupby(["status", "model"], sort=False):
        put(f"Figure 1: {fmt.short(status)}", model, fmt.count(int(sub["n"].sum())))
    for rec in part("table2").to_dict("records"):
        put(f"Table 2: {fmt.short(rec['outcome'])}", rec["model"], fmt.count(int(rec["n"])))
    for (outcome, model), sub in part("fig2").groupby(["outcome", "model"], sort=False):
        put(f"Figure 2: {fmt.short(outcome)}", model, fmt.count(int(sub["n"].sum())))
    for rec in part("table3").to_dict("records"):
        put(
            f"Table 3: {fmt.short(rec['outcome'])}",
            rec["model"],
            f"{fmt.count(int(rec['n']))} ({fmt.count(int(rec['events']))} events)",
        )
    return [(label, m.get("unadjusted", ""), m.get("adjusted", "")) for label, m in rows.items()]


def _filters(fmt: FormatConfig) -> dict:
    """Number and label filters for step templates: ``{{ row.p_value | p }}``."""
    return {
        "p": fmt.p,
        "p_inline": fmt.p_inline,
        "number": fmt.number,
        "beta": fmt.beta,
        "or_ci": fmt.or_ci,
        "count_pct": fmt.count_pct,
        "label": fmt.label,
        "short": fmt.short,
    }


def _name(path) -> str | None:
    """The file name of ``path`` (no folders), None for none."""
    if path is None:
        return None
    from pathlib import PureWindowsPath

    return PureWindowsPath(str(path)).name or str(path)


def render_html(
    result,
    *,
    fmt: FormatConfig = DEFAULT_FORMAT,
    figure_pngs=None,
    timestamp: str | None = None,
    ids=None,
    parts=None,
) -> str:
    """Render ``result`` (a StudyResult) to one HTML string.

    Each plan step is rendered by its own template (``step.template``, under
    ``report/templates/``) with ``part`` (`Part`)
    in its context. ``figure_pngs`` may pass PNG bytes already drawn, as a
    dict by step name (or the pair ``(fig1, fig2)``), so the figures are
    drawn once when the report directory is written. ``parts`` may pass the
    `step_parts` already built (with these figures) for tables.docx.
    """
    from sarcostat.report.notes import group_warnings
    from sarcostat.report.parts import step_parts

    if isinstance(figure_pngs, (tuple, list)):
        figure_pngs = dict(zip(("fig1", "fig2"), figure_pngs))
    c = result.cohort
    cards = [
        ("participants", fmt.count(c.get("n"))),
        ("men", f"{fmt.count(c.get('n_male'))} ({fmt.number(c.get('pct_male'), 1)}%)"),
        (
            "mean age, yr",
            f"{fmt.number(c.get('age_mean'), 1)}\u00b1{fmt.number(c.get('age_sd'), 1)}",
        ),
        (
            f"with {result.plan.table1.group.replace('_', ' ')}",
            f"{fmt.count(c.get('n_group'))} ({fmt.number(c.get('pct_group'), 1)}%)",
        ),
        ("indeterminate status", fmt.count(c.get("n_indeterminate", 0))),
        (f"{result.biomarker_label} below LOD", fmt.count(result.censoring.n_censored)),
    ]
    context = {
        "title": f"{capitalized(result.biomarker_label)} and sarcopenia: study report",
        "version": __version__,
        # File names only: a report is shared, the user's folders are not.
        "source": _name(result.source) or "in-memory data",
        "plan_source": _name(result.plan.source),
        "n": fmt.count(c.get("n")),
        "timestamp": timestamp or report_time().strftime("%Y-%m-%d %H:%M UTC"),
        "synthetic": result.synthetic,
        "cohort_cards": cards,
        # One note per kind of warning, each item kept (report/notes.py).
        "warnings": group_warnings(
            withhold_ids_all(result.warnings, ids if ids is not None else participant_ids(result))
        ),
        "parts": parts if parts is not None else step_parts(result, fmt, figure_pngs),
        "result": result,
        "plan": result.plan,
        "biomarker_label": result.biomarker_label,
        "methods": result_methods(result, fmt),
        "samples": sample_sizes(result),
    }
    env = environment().overlay()
    env.filters.update(_filters(fmt))
    return env.get_template("report.html.j2").render(**context)


def result_methods(result, fmt: FormatConfig = DEFAULT_FORMAT) -> str:
    """The Methods paragraph (the report layer's own, for any StudyResult)."""
    from sarcostat.report.methods import methods_text

    return methods_text(result, fmt)
