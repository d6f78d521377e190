"""Figures 1 and 2 of the report (matplotlib Agg / SVG writers, PNG + SVG).

Both functions take a :class:`~sarcostat.study.result.StudyResult` and only
visual parameters, and return a matplotlib Figure; :func:`save_figure`
writes it as PNG and SVG. Figure 1 shows the biomarker's LS means with 95%
CIs for each status (A unadjusted, B adjusted); Figure 2 one panel per
outcome across biomarker quartiles (adjusted) with P for trend.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from sarcostat.report.format import DEFAULT_FORMAT, FormatConfig, covariate_phrase

_WITH = "#b2182b"
_WITHOUT = "#8c8c8c"


def _new_figure(figsize):
    # matplotlib.figure.Figure without pyplot: importing pyplot (backend
    # machinery, global figure registry) costs about a second and buys nothing
    # for files. savefig picks the Agg / SVG writer from the format.
    import matplotlib
    from matplotlib.figure import Figure

    # Deterministic SVG ids and text kept as text, so reruns give identical files.
    matplotlib.rcParams["svg.hashsalt"] = "sarcostat"
    matplotlib.rcParams["svg.fonttype"] = "none"
    # Labels come from user data (column names, labels, plate names): a '$'
    # there is text, not TeX; a broken '$x^' must not end the run.
    matplotlib.rcParams["text.parse_math"] = False
    return Figure(figsize=figsize)


def _pyplot():
    """pyplot on the Agg backend, same rcParams (kept for report.screen_report)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "sarcostat"
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["text.parse_math"] = False
    return plt


def figure1(result, *, fmt: FormatConfig = DEFAULT_FORMAT, width: float = 9.0, height: float = 3.8):
    """LS means (95% CI) of the biomarker with / without each status."""
    df = result.frames["fig1"]
    statuses = list(dict.fromkeys(df["status"]))
    # Fixed margins instead of constrained layout: the layout solver costs
    # more than drawing the figure, and these panels have a known shape.
    fig = _new_figure((width, height))
    axes = fig.subplots(1, 2, sharey=True)
    fig.subplots_adjust(left=0.08, right=0.99, top=0.90, bottom=0.24, wspace=0.06)
    ymax = float(df["ci_upper"].max()) if len(df) else math.nan
    if not math.isfinite(ymax) or ymax <= 0:
        ymax = 1.0
    for ax, model, letter in zip(axes, ("unadjusted", "adjusted"), "AB"):
        sub = df[df["model"] == model]
        for i, status in enumerate(statuses):
            rows = sub[sub["status"] == status].set_index("level")
            for j, (level, colour) in enumerate((("with", _WITH), ("without", _WITHOUT))):
                if level not in rows.index:
                    continue
                r = rows.loc[level]
                x = i + (-0.18 if j == 0 else 0.18)
                ax.bar(
                    x,
                    r["estimate"],
                    width=0.34,
                    color=colour,
                    alpha=0.85,
                    label=("With" if j == 0 else "Without") if i == 0 else None,
                )
                ax.errorbar(
                    x,
                    r["estimate"],
                    yerr=[[r["estimate"] - r["ci_lower"]], [r["ci_upper"] - r["estimate"]]],
                    fmt="none",
                    ecolor="black",
                    capsize=3,
                    lw=1,
                )
            if len(rows):
                p = rows["p_value"].iloc[0]
                ax.text(i, ymax * 1.04, fmt.p_inline(p), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(range(len(statuses)))
        ax.set_xticklabels([_wrap_label(fmt.short(s)) for s in statuses], fontsize=8)
        ax.set_ylim(0, ymax * 1.15)
        title = (
            "Unadjusted"
            if model == "unadjusted"
            else f"Adjusted for {covariate_phrase(result.plan.model.covariates)}"
        )
        ax.set_title(f"({letter}) {title}", fontsize=9, loc="left", y=1.0)
        ax.spines[["top", "right"]].set_visible(False)
    unit = f" ({result.biomarker_unit})" if result.biomarker_unit else ""
    axes[0].set_ylabel(f"{result.biomarker_label}{unit}", fontsize=9)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=8, frameon=False, loc="lower center", ncols=2)
    return fig


def figure2(
    result,
    *,
    fmt: FormatConfig = DEFAULT_FORMAT,
    ncols: int = 4,
    panel_size: tuple[float, float] = (2.4, 2.2),
):
    """Adjusted LS means (95% CI) of each outcome by biomarker quartile."""
    df = result.frames["fig2"]
    adj = df[df["model"] == "adjusted"]
    outcomes = list(dict.fromkeys(df["outcome"]))
    ncols = max(1, min(ncols, len(outcomes)))
    nrows = max(1, math.ceil(len(outcomes) / ncols))
    fig = _new_figure((panel_size[0] * ncols, panel_size[1] * nrows + 0.4))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    fig.subplots_adjust(
        left=0.07,
        right=0.99,
        top=1 - 0.55 / (panel_size[1] * nrows + 0.4),
        bottom=0.55 / (panel_size[1] * nrows + 0.4),
        wspace=0.42,
        hspace=0.75,
    )
    for k, ax in enumerate(axes.flat):
        if k >= len(outcomes):
            ax.set_visible(False)
            continue
        outcome = outcomes[k]
        sub = adj[adj["outcome"] == outcome].sort_values("quartile")
        x = sub["quartile"].to_numpy()
        y = sub["estimate"].to_numpy()
        ax.errorbar(
            x,
            y,
            yerr=[y - sub["ci_lower"].to_numpy(), sub["ci_upper"].to_numpy() - y],
            fmt="o-",
            color="#2166ac",
            ecolor="black",
            capsize=3,
            lw=1.2,
            ms=4,
        )
        ax.set_xticks([1, 2, 3, 4])
        ax.set_xticklabels(["Q1", "Q2", "Q3", "Q4"], fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        p = sub["p_trend"].iloc[0] if len(sub) else float("nan")
        ax.set_title(f"{fmt.short(outcome)}\nP for trend{fmt.p_inline(p)[1:]}", fontsize=9, y=1.0)
        unit = fmt.variables.get(outcome, {}).get("unit")
        if unit:
            ax.set_ylabel(unit, fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(x=0.15)
    fig.supxlabel(f"Quartile of {result.biomarker_label}", fontsize=9, y=0.01)
    return fig


def _wrap_label(text: str) -> str:
    words = text.split()
    if len(words) <= 1:
        return text
    half = math.ceil(len(words) / 2)
    return " ".join(words[:half]) + "\n" + " ".join(words[half:])


def save_figure(fig, stem: str | Path, *, dpi: int = 150) -> list[Path]:
    """Write ``stem.png`` and ``stem.svg``; return both paths."""
    stem = Path(stem)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    save_png(fig, paths[0], dpi=dpi)
    save_svg(fig, paths[1])
    return paths


def save_png(fig, path, *, dpi: int = 150) -> None:
    """The figure as a PNG file (format given: the path may be a temporary name)."""
    fig.savefig(path, format="png", dpi=dpi, metadata={"Software": None})


def save_svg(fig, path) -> None:
    """The figure as an SVG file."""
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})


def png_bytes(fig, *, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (for embedding in the HTML report)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
