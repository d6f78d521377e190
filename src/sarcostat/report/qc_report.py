"""Self-contained HTML QC report for an immunoassay run.

One page a laboratory reader can sign off: per plate, the acceptance verdict
with every rule of the preset that decided it, the limits (LOD / LLOQ /
ULOQ, or the reason one cannot be computed), a heat map of the signal in
each well with the flagged wells marked, the standard curve with its fitted
4PL/5PL and a residuals panel, and the flagged wells with their reasons in
words. Figures are drawn by matplotlib (no pyplot state) and embedded as
inline SVG, so the file opens offline and can be archived with the data; the
same figures are handed back as PNG and SVG files for the output folder.

Rendered by the shared template environment
(`sarcostat.report.html.environment`, autoescaped): plate names, ids,
file names and messages show as text. The QC numbers themselves are
computed in `sarcostat.assay` (``AssayResult``: ``qc``, ``verdicts``,
``flagged_wells()``); this module only draws and formats them.
Concentrations are shown to 3 significant digits
(`sarcostat.report.format.significant`); ``results.json`` keeps full
precision. Sample ids are participant ids: the page shows the sample's row
number in ``samples.csv`` instead unless ``include_ids``.
"""

from __future__ import annotations

import io
import math
import re

import numpy as np
from markupsafe import Markup

from sarcostat.report.format import significant
from sarcostat.report.output import withhold_ids

#: Columns holding concentrations (3 significant digits in tables for reading).
CONCENTRATION_COLUMNS = (
    "conc_well",
    "concentration",
    "lod",
    "lloq",
    "uloq",
    "nominal_conc",
    "back_calc",
    "target_low",
    "target_high",
    "mean",
    "sd",
)
_FLAGGED = "#d55e00"  # Okabe-Ito vermillion: flagged wells and points
_FIT = "#333333"
_STD = "#0072b2"  # Okabe-Ito blue
_SAMPLE = "#cc79a7"
_CONTROL = "#009e73"


def _fmt_cell(column, v, digits=4):
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if v is None:
        return ""
    if column == "reported" and isinstance(v, str) and v:
        # '58.0369' -> '58', '<1.5' stays: the value written for the cohort, to 3 digits
        sign = v[0] if v[0] in "<>" else ""
        try:
            return sign + significant(float(v[len(sign) :]), 3)
        except ValueError:
            return v
    if isinstance(v, (float, np.floating, int, np.integer)) and not isinstance(v, bool):
        v = float(v)
        if not np.isfinite(v):
            return ""
        if column in CONCENTRATION_COLUMNS:
            return significant(v, 3)
        if column.endswith("_pct"):
            return f"{v:.1f}"
        if float(v).is_integer() and abs(v) < 1e15:
            return str(int(v))
        # round-off below 1e-9 (e.g. the CV of identical readings) reads as 0
        return f"{0.0 if abs(v) < 1e-9 else v:.{digits}g}"
    try:
        if v != v:  # pd.NA, NaT
            return ""
    except (TypeError, ValueError):
        return ""
    return str(v)


_HEADERS = {
    "nominal_conc": "nominal",
    "n_wells": "wells",
    "mean_signal": "mean signal",
    "pct_b_b0": "%B/B0",
    "back_calc": "back-calculated",
    "recovery_pct": "recovery %",
    "low_limit_pct": "low limit %",
    "high_limit_pct": "high limit %",
    "cv_pct": "CV %",
    "target_low": "range low",
    "target_high": "range high",
    "conc_well": "in well",
    "concentration": "concentration",
}


def _table(df, *, left=(), caption=None, cls="data"):
    """An escaped HTML table; every cell and header is text, only tags are markup."""
    cols = list(df.columns)

    def cell(tag, c, text):
        classes = ["l"] if c in left else []
        if tag == "td" and c == "result":
            classes.append("pass" if text == "pass" else "FAIL")
        attr = f' class="{" ".join(classes)}"' if classes else ""
        return Markup(f"<{tag}{attr}>{{}}</{tag}>").format(text)

    head = Markup("").join(cell("th", c, _HEADERS.get(c, c.replace("_", " "))) for c in cols)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(
            Markup("").join(cell("td", c, _fmt_cell(c, v)) for c, v in zip(cols, row))
        )
        for row in df.itertuples(index=False)
    )
    cap = Markup("<caption>{}</caption>").format(caption) if caption else Markup("")
    return Markup('<table class="{}">{}<thead><tr>{}</tr></thead><tbody>{}</tbody></table>').format(
        cls, cap, head, body
    )


def _limit_flagged(flags):
    return flags.fillna("").str.contains("LOD|LLOQ|ULOQ|no_inverse|saturated", regex=True)


def _figure(width, height, nrows=1, height_ratios=None):
    from sarcostat.report.figures import _new_figure

    fig = _new_figure((width, height))
    if nrows == 1:
        fig.add_subplot(1, 1, 1)
    else:
        gs = fig.add_gridspec(nrows, 1, height_ratios=height_ratios, hspace=0.08)
        first = fig.add_subplot(gs[0])
        for k in range(1, nrows):
            fig.add_subplot(gs[k], sharex=first)
    return fig


def curve_figure(curve, std_wells, smp, ctl, qc_row, unit):
    """The standard-curve plot of one plate as a matplotlib Figure.

    Two panels sharing a log concentration axis: the fitted curve with the
    standards, samples, controls and the LOD / LLOQ / ULOQ (``fig.axes[0]``),
    and the residuals of the standard wells, observed minus fitted signal,
    with a band of +/- 2 residual SE (``fig.axes[1]``). Points with no place
    on the axis (zero standard, readings beyond an asymptote) are drawn at
    the edge they belong to: the zero standard and low-side readings at the
    left, high-side readings at the right.
    """
    fig = _figure(7.8, 5.6, nrows=2, height_ratios=[3, 1.15])
    ax, axr = fig.axes
    pos = std_wells[std_wells["nominal_conc"] > 0]
    xs = [pos["nominal_conc"].min() / 2, pos["nominal_conc"].max() * 2]
    for df in (smp, ctl):
        c = df["conc_well"].to_numpy(float) if len(df) else np.array([])
        xs += list(c[np.isfinite(c) & (c > 0)])
    xs += [
        v
        for v in (qc_row.get(k, np.nan) for k in ("lod", "lloq", "uloq"))
        if np.isfinite(v) and v > 0
    ]
    # the two edges hold the points that have no concentration
    xmin, xmax = min(xs) / 1.6, max(xs) * 1.6
    grid = np.geomspace(xmin, xmax, 300)
    ax.plot(
        grid,
        curve.predict(grid),
        color=_FIT,
        lw=1.2,
        label=f"{curve.model.upper()} fit",
        zorder=1,
    )
    ax.scatter(
        pos["nominal_conc"],
        pos["signal"],
        marker="o",
        facecolor="none",
        edgecolor=_STD,
        s=30,
        label="standard wells",
        zorder=3,
    )
    zero = std_wells[std_wells["nominal_conc"] == 0]
    if len(zero):
        ax.scatter(
            np.full(len(zero), xmin),
            zero["signal"],
            marker="<",
            color=_STD,
            s=30,
            label="zero standard (left edge)",
            zorder=3,
            clip_on=False,
        )

    def place(df):
        """x of each row: its in-well concentration, or the edge of its side."""
        x = df["conc_well"].to_numpy(float).copy()
        high = df["flags"].fillna("").str.contains(">ULOQ").to_numpy()
        none = ~np.isfinite(x) | (x <= 0)
        x[none & high] = xmax
        x[none & ~high] = xmin
        return x

    read = smp[smp["mean_signal"].notna()] if len(smp) else smp
    if len(read):
        x, y = place(read), read["mean_signal"].to_numpy(float)
        out = _limit_flagged(read["flags"]).to_numpy()
        ax.scatter(
            x[~out],
            y[~out],
            marker="x",
            color=_SAMPLE,
            s=22,
            label="samples (mean signal)",
            zorder=4,
        )
        if out.any():
            ax.scatter(
                x[out],
                y[out],
                marker="x",
                color=_FLAGGED,
                s=22,
                label="samples flagged (limits, saturated)",
                zorder=4,
                clip_on=False,
            )
    if len(ctl):
        ax.scatter(
            place(ctl),
            ctl["mean_signal"],
            marker="D",
            color=_CONTROL,
            s=26,
            label="controls",
            zorder=5,
            clip_on=False,
        )
    ax.set_xscale("log")
    ax.set_xlim(xmin, xmax)
    # samples whose every replicate was off-scale have no signal: a marker on the top edge
    off = (
        smp[smp["mean_signal"].isna() & smp["flags"].fillna("").str.contains("saturated")]
        if len(smp)
        else smp
    )
    if len(off):
        bottom, top = ax.get_ylim()
        ax.scatter(
            place(off),
            np.full(len(off), top),
            marker="^",
            color=_FLAGGED,
            s=30,
            label="samples off-scale (every well)",
            zorder=4,
            clip_on=False,
        )
        ax.set_ylim(bottom, top)
    # vertical limit lines; labels of coinciding limits are joined (LOD = LLOQ is common
    # with a declared kit LOD equal to the lowest standard)
    limits = {}
    for key, lab in (("lod", "LOD"), ("lloq", "LLOQ"), ("uloq", "ULOQ")):
        v = qc_row.get(key, np.nan)
        if np.isfinite(v) and v > 0:
            limits.setdefault(round(float(v), 12), []).append(lab)
    # A label close to the previous one (LOD 3.2 beside LLOQ 2.5) goes one line lower.
    lo, hi = (math.log10(x) for x in ax.get_xlim())
    prev, line = -1.0, 0
    for v, labs in sorted(limits.items()):
        for a in (ax, axr):
            a.axvline(v, ls=":" if labs == ["LOD"] else "--", color="#777", lw=1, zorder=0)
        at = (math.log10(v) - lo) / (hi - lo) if hi > lo else 0.0
        line = line + 1 if at - prev < 0.08 else 0
        prev = at
        ax.text(
            v,
            1.0 - 0.07 * line,
            " " + " = ".join(labs),
            va="top",
            ha="left",
            fontsize=8,
            color="#444",
            transform=ax.get_xaxis_transform(),
        )
    ax.set_ylabel("signal")
    ax.tick_params(labelbottom=False)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.set_title(
        f"plate {qc_row['plate']} ({curve.model.upper()}, "
        f"{'competitive' if curve.direction == 'falling' else 'sandwich'})",
        fontsize=10,
    )
    # residuals: observed - fitted signal of every standard well used in the fit
    fitted = curve.predict(pos["nominal_conc"].to_numpy(float))
    res = pos["signal"].to_numpy(float) - fitted
    axr.axhline(0, color=_FIT, lw=0.8, zorder=1)
    sigma = float(curve.sigma) if np.isfinite(curve.sigma) else np.nan
    if np.isfinite(sigma) and sigma > 0:
        axr.axhspan(-2 * sigma, 2 * sigma, color="#dddddd", zorder=0, label="\u00b12 residual SE")
    axr.scatter(
        pos["nominal_conc"],
        res,
        marker="o",
        facecolor="none",
        edgecolor=_STD,
        s=22,
        zorder=3,
        label="standard wells",
    )
    if len(zero):
        zres = zero["signal"].to_numpy(float) - float(curve.predict(np.array([0.0]))[0])
        axr.scatter(
            np.full(len(zero), xmin), zres, marker="<", color=_STD, s=22, zorder=3, clip_on=False
        )
    lim = np.nanmax(np.abs(np.r_[res, 2 * sigma if np.isfinite(sigma) else 0.0, 1e-12]))
    axr.set_ylim(-1.25 * lim, 1.25 * lim)
    from sarcostat.report.figures import log_axis

    log_axis(axr, "x", steps=(1.0, 2.0, 5.0))  # plain numbers: 1, 2, 5, 10, ...
    axr.set_xlim(xmin, xmax)
    axr.set_ylabel("residual")
    axr.set_xlabel(f"concentration in well ({unit}, log scale)")
    axr.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    return fig


def _row_index(label) -> int:
    """'A' -> 0, 'H' -> 7, 'AA' -> 26 (384/1536-well plates)."""
    k = 0
    for ch in str(label).upper():
        k = k * 26 + (ord(ch) - 64)
    return k - 1


def heatmap_figure(wells, flagged, *, plate):
    """The signal of every well of one plate as a heat map (Figure).

    Colour: the signal (viridis, colour-blind safe; grey where there is no
    reading). Each well shows what it holds (``std 40``, ``blank``, the
    control name, ``smp`` for samples: sample ids are not drawn) and its
    signal; flagged wells (``flagged``: the ``well`` column of
    `AssayResult.flagged_wells` for this plate) get a thick vermillion
    frame, masked wells a cross.
    """
    import matplotlib.patches as mpatches
    from matplotlib import colormaps

    w = wells
    n_rows = max(8, max((_row_index(r) + 1 for r in w["row"]), default=8))
    n_cols = max(12, int(max(w["col"], default=12)))
    grid = np.full((n_rows, n_cols), np.nan)
    for r in w.itertuples(index=False):
        grid[_row_index(r.row), int(r.col) - 1] = r.signal
    fig = _figure(min(0.72 * n_cols + 1.6, 14), 0.62 * n_rows + 1.4)
    ax = fig.axes[0]
    cmap = colormaps["viridis"].with_extremes(bad="#e6e6e6")
    finite = grid[np.isfinite(grid)]
    vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    im = ax.imshow(np.ma.masked_invalid(grid), cmap=cmap, vmin=vmin, vmax=vmax, aspect="equal")
    cb = fig.colorbar(im, ax=ax, fraction=0.035, pad=0.02)
    cb.set_label("signal", fontsize=8)
    cb.ax.tick_params(labelsize=7)
    flagged = set(flagged)
    small = n_cols > 12
    for r in w.itertuples(index=False):
        i, j = _row_index(r.row), int(r.col) - 1
        if r.type == "standard":
            what = f"std {r.nominal_conc:g}" if np.isfinite(r.nominal_conc) else "std"
        elif r.type == "control":
            what = str(r.sample_id)[:8]
        elif r.type == "sample":
            what = "smp"
        else:
            what = str(r.type)[:6]
        sig = significant(r.signal, 3) if np.isfinite(r.signal) else str(r.raw or "")[:7]
        v = r.signal
        light = np.isfinite(v) and (v - vmin) / ((vmax - vmin) or 1) > 0.55
        colour = "#111111" if (light or not np.isfinite(v)) else "white"
        ax.text(
            j,
            i,
            f"{what}\n{sig}" if not small else sig,
            ha="center",
            va="center",
            fontsize=5.8 if not small else 4,
            color=colour,
            linespacing=1.1,
        )
        if bool(r.masked):
            ax.plot([j - 0.42, j + 0.42], [i - 0.42, i + 0.42], color="#111", lw=0.8)
            ax.plot([j - 0.42, j + 0.42], [i + 0.42, i - 0.42], color="#111", lw=0.8)
        if r.well in flagged:
            ax.add_patch(
                mpatches.Rectangle(
                    (j - 0.46, i - 0.46), 0.92, 0.92, fill=False, ec=_FLAGGED, lw=2.0, zorder=5
                )
            )
    ax.set_xticks(range(n_cols), [str(c + 1) for c in range(n_cols)], fontsize=7)
    labels = []
    for k in range(n_rows):
        s, q = "", k + 1
        while q:
            q, rem = divmod(q - 1, 26)
            s = chr(65 + rem) + s
        labels.append(s)
    ax.set_yticks(range(n_rows), labels, fontsize=7)
    ax.tick_params(length=0)
    ax.xaxis.tick_top()
    for s in ax.spines.values():
        s.set_visible(False)
    handles = [
        mpatches.Patch(fill=False, ec=_FLAGGED, lw=2.0, label="flagged well (see the table)"),
        mpatches.Patch(fc="#e6e6e6", label="no reading / not in the layout"),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.02),
        ncol=2,
        fontsize=7,
        frameon=False,
    )
    ax.set_title(f"plate {plate}: signal per well", fontsize=10, pad=18)
    return fig


def _tight_bbox(fig):
    """The figure's content box in inches, padded as ``bbox_inches="tight"`` does;
    computed once and reused by every file of the figure (one drawing pass less each)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw_without_rendering()
    return fig.get_tightbbox(renderer).padded(0.1)


def _inline_svg(data: bytes) -> Markup:
    text = data.decode("utf-8")
    text = re.sub(r"<metadata>.*?</metadata>", "", text[text.find("<svg") :], flags=re.S)
    # matplotlib escapes the text it writes into the SVG (plate names, units).
    return Markup(text)


def figure_bytes(fig, fmt: str, *, dpi: int = 150, bbox=None) -> bytes:
    """``fig`` as a file of format ``fmt`` (png, svg, pdf, tiff, eps), cropped to its
    content (the legends sit outside the axes); the resolution is stored in PNG and
    TIFF (LZW); no date or software metadata, so reruns give the same bytes."""
    buf = io.BytesIO()
    kw: dict = {"bbox_inches": "tight" if bbox is None else bbox, "dpi": dpi}
    if fmt == "png":
        kw["metadata"] = {"Software": None}
    elif fmt == "svg":
        kw["metadata"] = {"Date": None, "Creator": None}
    elif fmt == "pdf":
        kw["metadata"] = {"CreationDate": None, "Producer": None}
    elif fmt == "tiff":
        kw["pil_kwargs"] = {"compression": "tiff_lzw"}
    elif fmt != "eps":
        raise ValueError(f"unknown figure format {fmt!r}")
    fig.savefig(buf, format=fmt, **kw)
    return buf.getvalue()


def _file_stem(name: str, taken: set) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", str(name)).strip("._") or "plate"
    base, k = stem, 2
    while stem in taken:
        stem, k = f"{base}_{k}", k + 1
    taken.add(stem)
    return stem


def _sample_ids(result) -> list[str]:
    s = result.samples
    return [str(i) for i in s["id"].dropna()] if "id" in s.columns else []


def _limit_text(value, source, reason, unit):
    if value is not None and np.isfinite(value):
        return f"{significant(value, 3)} {unit}" + (f" ({source})" if source else "")
    return f"not determined: {reason or 'no rule could compute it'}"


def render_qc_report(
    result,
    *,
    analyte="sclerostin",
    title=None,
    include_ids=False,
    figure_files=None,
    figure_formats=("png", "svg"),
    dpi=150,
) -> str:
    """The HTML QC report of an `sarcostat.assay.AssayResult` as a string.

    Parameters
    ----------
    result : AssayResult
    analyte : str, default "sclerostin"
    title : str, optional
    include_ids : bool, default False
        Show sample ids (participant ids). By default the samples tables show
        ``sample``, the row number of the sample in ``samples.csv`` (1-based),
        and ids are withheld from notes and messages.
    figure_files : dict, optional
        When given, filled with ``{file name: bytes}`` of every figure of the
        page in each of ``figure_formats``: ``qc_<plate>_heatmap.png``,
        ``qc_<plate>_curve.svg``, ... (the CLI writes them beside the page).
    figure_formats : tuple of str, default ("png", "svg")
        Any of png, svg, pdf, tiff, eps.
    dpi : int, default 150
        Resolution of PNG and TIFF files.
    """
    from sarcostat._version import __version__
    from sarcostat.report.html import environment

    ids = [] if include_ids else _sample_ids(result)
    control_ids = (
        {str(i) for i in result.controls["id"]} if "id" in result.controls.columns else set()
    )
    ids = [i for i in ids if i not in control_ids]

    def private(text):
        return text if include_ids else withhold_ids("" if text is None else str(text), ids)

    samples_all = result.samples.reset_index(drop=True)
    # The row number in samples.csv, so a flagged sample can be looked up.
    position = {}
    for k, (pl, i) in enumerate(zip(samples_all["plate"], samples_all["id"])):
        position.setdefault((pl, str(i)), k + 1)
    unit = result.meta.get("unit", "")
    flagged_all = result.flagged_wells()
    verdicts = result.verdicts
    taken: set = set()
    plates = []
    summary_rows = []
    for row in result.qc.to_dict("records"):
        name = row["plate"]
        if row["status"] == "failed":
            plates.append({"name": name, "failed": True, "message": private(row["message"])})
            summary_rows.append(
                {
                    "plate": name,
                    "verdict": "not processed",
                    "failed": True,
                    "why": private(row["message"]),
                }
            )
            continue
        curve = result.curves[name]
        wells = result.wells[result.wells["plate"] == name]
        std_wells = wells[(wells["type"] == "standard") & wells["used"]]
        smp = result.samples[result.samples["plate"] == name]
        ctl = result.controls[result.controls["plate"] == name]
        flagged = flagged_all[flagged_all["plate"] == name].drop(columns="plate").copy()
        stem = _file_stem(name, taken)
        figs = []
        for kind, make, caption in (
            (
                "heatmap",
                lambda: heatmap_figure(wells, flagged["well"], plate=name),
                "Signal in each well (colour and value); the label says what the well "
                "holds (standard and its concentration, blank, control, smp = sample). "
                "Flagged wells have a vermillion frame (reasons in the table below); "
                "masked wells a cross.",
            ),
            (
                "curve",
                lambda: curve_figure(curve, std_wells, smp, ctl, row, unit),
                f"Standard curve: the fitted {curve.model.upper()} with the standard wells, "
                "the samples and controls at their mean signal, and the LOD / LLOQ / ULOQ. "
                "Lower panel: residuals of the standard wells (observed \u2212 fitted "
                "signal), grey band \u00b12 residual SE.",
            ),
        ):
            fig = make()
            bbox = _tight_bbox(fig)
            svg_file = figure_bytes(fig, "svg", bbox=bbox)
            svg = _inline_svg(svg_file)
            if figure_files is not None:
                for fmt in figure_formats:
                    figure_files[f"qc_{stem}_{kind}.{fmt}"] = (
                        svg_file if fmt == "svg" else figure_bytes(fig, fmt, dpi=dpi, bbox=bbox)
                    )
            figs.append(
                {
                    "svg": svg,
                    "caption": caption,
                    "files": [f"qc_{stem}_{kind}.{fmt}" for fmt in figure_formats],
                }
            )
        p = curve.params
        eq = (
            Markup("y = D + (A \u2212 D) / (1 + (x/C)<sup>B</sup>)")
            + (Markup("<sup>E</sup>") if curve.model == "5pl" else "")
            + "; "
            + ", ".join(f"{k} = {v:.4g}" for k, v in p.items())
            + f"; R\u00b2 = {curve.r_squared:.4f}, residual SE = {curve.sigma:.3g}; "
            f"direction: {curve.direction}"
            + (" (competitive)" if curve.direction == "falling" else " (sandwich)")
        )
        shown = smp.copy()
        id_col = "id"
        if not include_ids:
            shown["id"] = [position.get((name, str(i)), "") for i in shown["id"]]
            shown = shown.rename(columns={"id": "sample"})
            id_col = "sample"
            sample_ids = set(map(str, smp["id"]))
            flagged["id"] = [
                f"sample {position.get((name, str(i)), '?')}"
                if t == "sample" and str(i) in sample_ids
                else ("(withheld)" if t == "sample" else i)
                for t, i in zip(flagged["type"], flagged["id"])
            ]
            flagged["reasons"] = [private(r) for r in flagged["reasons"]]
        st = result.standards[result.standards["plate"] == name].drop(columns="plate")
        rules = verdicts[verdicts["plate"] == name].drop(columns=["plate", "reason"]).copy()
        rules["passed"] = ["pass" if bool(v) else "FAIL" for v in rules["passed"]]
        rules = rules.rename(columns={"passed": "result"})
        n_fail = int((rules["result"] == "FAIL").sum())
        verdict_text = (
            f"Run accepted: every rule of the {result.meta.get('acceptance', '')} preset passed."
            if row["qc_pass"]
            else f"Run rejected: {n_fail} of {len(rules)} rules of the "
            f"{result.meta.get('acceptance', '')} preset failed; its samples are left out "
            "of concentrations.csv."
        )
        limits = [
            (
                "LOD",
                _limit_text(row["lod"], row.get("lod_source"), row.get("lod_reason"), unit),
                "limit of detection",
            ),
            (
                "LLOQ",
                _limit_text(
                    row["lloq"], "lowest standard within limits", row.get("lloq_reason"), unit
                ),
                "lower limit of quantification",
            ),
            (
                "ULOQ",
                _limit_text(
                    row["uloq"], "highest standard within limits", row.get("uloq_reason"), unit
                ),
                "upper limit of quantification",
            ),
        ]
        plates.append(
            {
                "name": name,
                "failed": False,
                "qc_pass": bool(row["qc_pass"]),
                "message": private(row["message"]),
                "verdict": verdict_text,
                "rules": _table(rules, left=("rule", "requirement", "observed", "result")),
                "limits": limits,
                "figures": figs,
                "equation": eq,
                "flagged": _table(
                    flagged[["well", "type", "id", "signal", "reasons"]],
                    left=("well", "type", "id", "reasons"),
                )
                if len(flagged)
                else "",
                "standards": _table(st),
                "controls": _table(
                    ctl[
                        [
                            "id",
                            "n_wells",
                            "mean_signal",
                            "concentration",
                            "nominal_conc",
                            "target_low",
                            "target_high",
                            "recovery_pct",
                            "cv_pct",
                            "passed",
                        ]
                    ],
                    left=("id",),
                )
                if len(ctl)
                else "",
                "samples": _table(
                    shown[
                        [
                            id_col,
                            "dilution",
                            "n_wells",
                            "mean_signal",
                            "pct_b_b0",
                            "concentration",
                            "cv_pct",
                            "flags",
                            "reported",
                        ]
                    ],
                    left=(id_col, "flags"),
                ),
            }
        )
        summary_rows.append(
            {
                "plate": name,
                "verdict": "accepted" if row["qc_pass"] else "rejected",
                "failed": not row["qc_pass"],
                "why": private(row["message"]) or "every rule passed",
                "r_squared": f"{row['r_squared']:.4f}",
                "lod": significant(row["lod"], 3) or "\u2013",
                "lloq": significant(row["lloq"], 3) or "\u2013",
                "uloq": significant(row["uloq"], 3) or "\u2013",
                "n_samples": row["n_samples"],
                "n_flagged": len(flagged),
            }
        )
    intra = result.meta.get("intra_assay_cv_pct", np.nan)
    inter = result.meta.get("inter_assay_cv_pct", np.nan)
    return (
        environment()
        .get_template("qc_report.html.j2")
        .render(
            title=title or f"{analyte} immunoassay QC report",
            analyte=analyte,
            unit=unit,
            meta={k: str(v) for k, v in result.meta.items()},
            summary=summary_rows,
            intra=f"{intra:.1f}%" if np.isfinite(intra) else "not available",
            inter=f"{inter:.1f}%"
            if np.isfinite(inter)
            else "not available (needs controls on >= 2 plates)",
            inter_table=_table(result.inter_assay, left=("control",))
            if len(result.inter_assay)
            else "",
            notes=[private(n) for n in result.notes],
            plates=plates,
            with_files=figure_files is not None,
            version=__version__,
        )
    )


def write_qc_report(
    result, path, *, analyte="sclerostin", title=None, include_ids=False, overwrite=True
):
    """Write `render_qc_report` to ``path`` atomically; returns the path.

    ``overwrite=False`` refuses an existing file (the CLI writes through
    `OutputFolder` instead).
    """
    from sarcostat.report.output import write_text

    text = render_qc_report(result, analyte=analyte, title=title, include_ids=include_ids)
    return write_text(path, text, command="write_qc_report", overwrite=overwrite, option="path")
