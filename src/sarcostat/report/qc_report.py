"""Self-contained HTML QC report for an immunoassay run.

One page, inline CSS, each plate's standard curve drawn as inline SVG
(matplotlib, Agg backend) with the standards, samples, controls and the
LOD / LLOQ / ULOQ; no external requests, so the file opens offline and can
be archived with the data.

Rendered by the shared template environment
(`sarcostat.report.html.environment`, autoescaped): plate names, ids,
file names and messages show as text. The QC numbers themselves are
computed in `sarcostat.assay` (``AssayResult``); this module only draws
and formats them. Sample ids are participant ids: the page shows the
sample's row number in ``samples.csv`` instead unless ``include_ids``.
"""

from __future__ import annotations

import io
import re

import numpy as np
from markupsafe import Markup

from sarcostat.report.output import withhold_ids


def _table(df, digits=4):
    def fmt(v):
        if isinstance(v, (bool, np.bool_)):
            return "yes" if v else "no"
        if isinstance(v, (float, np.floating)):
            # round-off below 1e-9 (e.g. the CV of identical readings) reads as 0
            return "" if not np.isfinite(v) else f"{0.0 if abs(v) < 1e-9 else v:.{digits}g}"
        return "" if v is None else str(v)

    # Every cell and header is escaped here; only the table tags are markup.
    head = Markup("").join(Markup("<th>{}</th>").format(c) for c in df.columns)
    body = Markup("").join(
        Markup("<tr>{}</tr>").format(
            Markup("").join(Markup("<td>{}</td>").format(fmt(v)) for v in row)
        )
        for row in df.itertuples(index=False)
    )
    return Markup("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(head, body)


def _limit_flagged(flags):
    return flags.fillna("").str.contains("LOD|LLOQ|ULOQ|no_inverse|saturated", regex=True)


def curve_figure(curve, std_wells, smp, ctl, qc_row, unit):
    """The standard-curve plot of one plate as a matplotlib Figure (caller closes it).

    Log concentration axis; points with no place on it (zero standard, readings
    beyond an asymptote) are drawn at the edge they belong to: the zero
    standard and low-side readings at the left, high-side readings at the right.
    """
    from sarcostat.report.figures import _pyplot

    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
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
        color="#333",
        lw=1.2,
        label=f"{curve.model.upper()} fit",
        zorder=1,
    )
    ax.scatter(
        pos["nominal_conc"],
        pos["signal"],
        marker="o",
        facecolor="none",
        edgecolor="#1f77b4",
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
            color="#1f77b4",
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
            color="#d62728",
            s=22,
            label="samples (mean signal)",
            zorder=4,
        )
        if out.any():
            ax.scatter(
                x[out],
                y[out],
                marker="x",
                color="#ff9f1c",
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
            color="#2ca02c",
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
            color="#ff9f1c",
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
    top = ax.get_ylim()[1]
    for v, labs in limits.items():
        ax.axvline(v, ls=":" if labs == ["LOD"] else "--", color="#777", lw=1, zorder=0)
        ax.text(v, top, " " + " = ".join(labs), va="top", ha="left", fontsize=8, color="#444")
    ax.set_xlabel(f"concentration in well ({unit}, log scale)")
    ax.set_ylabel("signal")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.set_title(
        f"plate {qc_row['plate']} ({curve.model.upper()}, "
        f"{'competitive' if curve.direction == 'falling' else 'sandwich'})",
        fontsize=10,
    )
    return fig


def _svg(*args):
    import matplotlib
    import matplotlib.pyplot as plt

    fig = curve_figure(*args)
    buf = io.StringIO()
    # fixed hash salt and no date: the same run gives the same report bytes
    with matplotlib.rc_context({"svg.hashsalt": "sarcostat", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buf.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>", "", text[text.find("<svg") :], flags=re.S)
    # matplotlib escapes the text it writes into the SVG (plate names, units).
    return Markup(text)


def _sample_ids(result) -> list[str]:
    s = result.samples
    return [str(i) for i in s["id"].dropna()] if "id" in s.columns else []


def render_qc_report(result, *, analyte="sclerostin", title=None, include_ids=False) -> str:
    """The HTML QC report of an `AssayResult` as a string.

    Parameters
    ----------
    result : AssayResult
    analyte : str, default "sclerostin"
    title : str, optional
    include_ids : bool, default False
        Show sample ids (participant ids). By default the samples tables show
        ``sample``, the row number of the sample in ``samples.csv`` (1-based),
        and ids are withheld from notes and messages.
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
    unit = result.meta.get("unit", "")
    plates = []
    for row in result.qc.to_dict("records"):
        name = row["plate"]
        if row["status"] == "failed":
            plates.append({"name": name, "failed": True, "message": private(row["message"])})
            continue
        curve = result.curves[name]
        wells = result.wells[result.wells["plate"] == name]
        std_wells = wells[(wells["type"] == "standard") & wells["used"]]
        smp = result.samples[result.samples["plate"] == name]
        ctl = result.controls[result.controls["plate"] == name]
        p = curve.params
        eq = (
            Markup("y = D + (A \u2212 D) / (1 + (x/C)<sup>B</sup>)")
            + (Markup("<sup>E</sup>") if curve.model == "5pl" else "")
            + "; "
            + ", ".join(f"{k} = {v:.5g}" for k, v in p.items())
            + f"; R\u00b2 = {curve.r_squared:.5f}, residual SE = {curve.sigma:.4g}; "
            f"direction: {curve.direction}"
            + (" (competitive)" if curve.direction == "falling" else " (sandwich)")
        )
        shown = smp.copy()
        if not include_ids:
            # The row number in samples.csv, so a flagged sample can be looked up.
            position = {
                (pl, str(i)): k + 1
                for k, (pl, i) in enumerate(zip(samples_all["plate"], samples_all["id"]))
            }
            shown["id"] = [position.get((name, str(i)), "") for i in shown["id"]]
            shown = shown.rename(columns={"id": "sample"})
        id_col = "id" if include_ids else "sample"
        st = result.standards[result.standards["plate"] == name].drop(columns="plate")
        plates.append(
            {
                "name": name,
                "failed": False,
                "qc_pass": bool(row["qc_pass"]),
                "message": private(row["message"]),
                "svg": _svg(curve, std_wells, smp, ctl, row, unit),
                "equation": eq,
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
                    ]
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
                    ]
                ),
            }
        )
    qc_cols = [
        "plate",
        "status",
        "qc_pass",
        "message",
        "direction",
        "r_squared",
        "n_levels_passed",
        "n_levels_judged",
        "lod",
        "lod_source",
        "lloq",
        "uloq",
        "intra_cv_pct",
        "n_samples",
        "controls_passed",
        "n_controls",
    ]
    intra = result.meta.get("intra_assay_cv_pct", np.nan)
    inter = result.meta.get("inter_assay_cv_pct", np.nan)
    qc = result.qc.reindex(columns=qc_cols).copy()
    qc["message"] = [private(m) for m in qc["message"]]
    return (
        environment()
        .get_template("qc_report.html.j2")
        .render(
            title=title or f"{analyte} immunoassay QC report",
            analyte=analyte,
            unit=unit,
            meta={k: str(v) for k, v in result.meta.items()},
            qc_table=_table(qc),
            intra=f"{intra:.1f}%" if np.isfinite(intra) else "not available",
            inter=f"{inter:.1f}%"
            if np.isfinite(inter)
            else "not available (needs controls on >= 2 plates)",
            inter_table=_table(result.inter_assay) if len(result.inter_assay) else "",
            notes=[private(n) for n in result.notes],
            plates=plates,
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
