"""The seed-reproduction table as a self-contained HTML page and a CSV."""

from __future__ import annotations

from pathlib import Path

from sarcostat.report.format import DEFAULT_FORMAT, FormatConfig

_TOLERANCES = [
    ("counts", "exact"),
    (
        "means, SDs, percentages",
        "within rounding of the printed value (the reproduced value rounds to the printed digits)",
    ),
    ("standardized \u03b2", "stated tolerance \u00b10.05"),
    ("odds ratios and CI limits", "stated tolerance: within 10% (|log ratio| \u2264 0.1)"),
    (
        "P values",
        "stated tolerance: \u201c<0.001\u201d is met by P<0.001; otherwise "
        "|difference| \u2264 max(0.005, 25% of the printed P)",
    ),
]

_TARGETS = [
    (
        "calibrated",
        "the demo cohort was simulated to match this number (group sizes, sex counts, "
        "Table 1 means and SDs, sclerostin by group, unadjusted \u03b2); a miss here would be a bug.",
    ),
    (
        "not calibrated",
        "the number follows from the synthetic data (P values, adjusted estimates, "
        "P for trend, odds ratios); a miss says the simulated cohort differs from the real one, "
        "not that a method is wrong.",
    ),
    (
        "ruled out by the paper",
        "the paper's own other numbers make the printed value impossible; "
        "the note says why. No coherent cohort can reproduce it. The note column also says when a "
        "printed P fits only some tests (e.g. only a one-sided one; recomputed from the printed "
        "inputs as 'sarcostat check-table' does).",
    ),
]


def _yes_no(v) -> str:
    import pandas as pd

    return "" if v is None or pd.isna(v) else ("yes" if bool(v) else "NO")


def render_reproduce_html(
    table, summary: str, *, synthetic: bool = True, fmt: FormatConfig = DEFAULT_FORMAT
) -> str:
    from sarcostat.report.html import environment

    def show(kind, v):
        if v != v:  # NaN
            return "not computed"
        if kind == "p":
            return fmt.p(v)
        if kind == "count":
            return str(int(round(v)))
        return f"{v:.4f}".rstrip("0").rstrip(".") if abs(v) < 1e6 else f"{v:g}"

    rows = [
        {
            "item": r["item"],
            "published": r["published"],
            "reproduced": show(r["kind"], r["reproduced"]),
            "difference": "" if r["difference"] != r["difference"] else f"{r['difference']:+.4f}",
            "within": _yes_no(r["within_tolerance"]),
            "direction": _yes_no(r["direction_agrees"]),
            "significance": _yes_no(r["significance_agrees"]),
            "target": r.get("target", ""),
            "note": r.get("note", ""),
        }
        for r in table.to_dict("records")
    ]
    return (
        environment()
        .get_template("reproduce.html.j2")
        .render(
            rows=rows,
            summary=summary,
            tolerances=_TOLERANCES,
            targets=_TARGETS,
            synthetic=synthetic,
        )
    )


def write_reproduce(table, summary: str, out, *, synthetic: bool = True) -> list[Path]:
    """Stage reproduce.html and reproduce.csv on ``out``, an
    `OutputFolder`."""
    return [
        out.write_text(
            "reproduce.html", render_reproduce_html(table, summary, synthetic=synthetic)
        ),
        out.write_csv("reproduce.csv", table),
    ]
