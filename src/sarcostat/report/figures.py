"""Figures 1 and 2 of the report, and the writers of every report figure.

Both functions take a `StudyResult` and only
visual parameters, and return a matplotlib Figure; `save_figure`
writes it as PNG and SVG. Figure 1 shows the biomarker's LS means with 95%
CIs for each status (A unadjusted, B adjusted); Figure 2 one panel per
outcome across biomarker quartiles (adjusted) with P for trend.
`save_figure` writes any figure as PNG, SVG, PDF, TIFF or EPS at a
given dpi; `set_width` and `to_greyscale` prepare it for a
journal's column width and black-and-white print.
"""

from __future__ import annotations

import io
import math
from typing import Any

from sarcostat.report.format import DEFAULT_FORMAT, FormatConfig, covariate_phrase

#: Okabe-Ito colours (Okabe & Ito 2008, "Color Universal Design"): told
#: apart with any colour-vision deficiency, and blue vs orange stay two
#: distinct greys (luminance 0.34 vs 0.64) when printed in black and white.
OKABE_ITO = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#000000",
)
_WITH = OKABE_ITO[0]
_WITHOUT = OKABE_ITO[1]

#: Participant-level figures switch to a summary form above this many points:
#: an ROC curve (one vertex per distinct biomarker value) is drawn through the
#: vertices that move it by at least 1/``LARGE_N`` of the unit square
#: (`thin_curve`), a scatter plot as hexagonal-bin density
#: (`scatter_or_density`). Below it every point is drawn. The numbers
#: (AUC, Youden point, CSV tables) always use every participant; the figure
#: files and the HTML report stay small (no per-participant coordinates).
LARGE_N = 2000


def log_axis(ax, which: str, *, steps: tuple[float, ...] | None = None) -> None:
    """Put ``ax``'s ``which`` axis ("x" or "y") on a log scale whose tick
    labels are plain numbers: "0.1", "1", "10" at the decades; when the axis
    spans one decade or less, also "0.2" and "0.5" (and every minor tick
    within 0.4 of a decade, matplotlib's own thresholds for labelling minor
    ticks). ``steps``: major ticks at these multiples of each decade
    instead (``(1, 2, 5)``: 1, 2, 5, 10, 20, ...), minor ticks unlabelled.
    Give label sizes with ``tick_params(which="both", ...)``: minor labels
    are sized apart from major ones.

    matplotlib's own log labels are mathtext ("$\\mathdefault{10^{-1}}$"),
    and sarcostat draws with mathtext off (labels come from user data, in
    which a "$" is text), so they would show as written.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    getattr(ax, f"set_{which}scale")("log")
    axis = ax.xaxis if which == "x" else ax.yaxis
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    if steps is not None:
        axis.set_major_locator(LogLocator(base=10, subs=steps))
        axis.set_minor_formatter(NullFormatter())
        return

    def minor(value, _pos):
        lo, hi = sorted(abs(v) for v in axis.get_view_interval())
        if not (lo > 0 and value > 0) or hi / lo > 10:
            return ""
        mantissa = round(value / 10 ** math.floor(math.log10(value) + 1e-9), 6)
        shown = math.log10(hi / lo) <= 0.4 or mantissa in (2.0, 5.0)
        return f"{value:g}" if shown else ""

    axis.set_minor_formatter(FuncFormatter(minor))


def thin_curve(x, y, *, resolution: int = LARGE_N):
    """Vertices of a monotone curve in the unit square (an ROC curve) kept for drawing.

    Up to ``resolution`` points the curve is returned as it is. Above, the
    path is cut into stretches of length ``1/resolution`` (distance travelled
    in x plus y) and the first vertex of each stretch is kept, with the last
    vertex. Every vertex left out lies within ``1/resolution`` of a kept one,
    so the drawn line departs from the full curve by less than that on each
    axis (a fraction of a pixel at print size), and a curve in the unit
    square keeps at most ``2 * resolution + 2`` vertices whatever the
    cohort's size.

    >>> import numpy as np
    >>> x = np.linspace(0, 1, 10**6); xs, ys = thin_curve(x, x**0.5)
    >>> len(xs) <= 2 * LARGE_N + 2, xs[0], xs[-1]
    (True, np.float64(0.0), np.float64(1.0))
    """
    import numpy as np

    from sarcostat.stats.roc import curve_vertices

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = curve_vertices(x, y, resolution)
    return x[keep], y[keep]


def scatter_or_density(ax, x, y, *, color, large_n: int = LARGE_N, **kw):
    """A scatter plot up to ``large_n`` finite points, hexagonal-bin density above.

    Returns the artist. The density form draws cell counts (log colour
    scale), never one mark per participant."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if int(ok.sum()) <= large_n:
        return ax.scatter(x[ok], y[ok], color=color, **kw)
    return ax.hexbin(x[ok], y[ok], gridsize=60, bins="log", mincnt=1, cmap="Blues", linewidths=0)


def load_drawing_modules(formats=("png", "svg")) -> None:
    """Import what drawing and saving figures in ``formats`` uses, once, before
    `sarcostat._fork` copies the process: the copy then starts
    drawing at once instead of importing them a second time."""
    import importlib

    backends = {"svg": "svg", "pdf": "pdf", "eps": "ps"}  # the matplotlib backend of a format
    names = ["matplotlib.figure", "matplotlib.backends.backend_agg", "PIL.Image"]
    names += [f"matplotlib.backends.backend_{backends[k]}" for k in formats if k in backends]
    for name in names:
        importlib.import_module(name)


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
    matplotlib.rcParams["axes.prop_cycle"] = matplotlib.cycler(color=list(OKABE_ITO))
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


#: Narrowest panel of a multi-panel figure, in mm at its printed size:
#: below it the axis labels (6 pt at least) leave no room for the data.
MIN_PANEL_MM = 42.0


def panel_columns(
    width_mm: float | None, panels: int, most: int, *, panel_mm: float = MIN_PANEL_MM
) -> int:
    """Columns of panels for a figure printed ``width_mm`` wide (None: the
    drawn size, ``most`` columns): as many as fit ``panel_mm`` each, at
    most ``most`` and at least one. A single-column journal figure (85 mm)
    takes two columns of panels instead of four; a double-column one
    (180 mm) keeps four."""
    cap = max(1, min(most, panels))
    if width_mm is None:
        return cap
    return max(1, min(cap, int(width_mm // panel_mm)))


def figure1(
    result,
    *,
    fmt: FormatConfig = DEFAULT_FORMAT,
    width: float = 9.0,
    height: float = 3.8,
    width_mm: float | None = None,
):
    """LS means (95% CI) of the biomarker with / without each status.

    ``width_mm``: the printed width; where panels A and B do not fit side by
    side (`panel_columns`), B goes under A."""
    df = result.frames["fig1"]
    statuses = list(dict.fromkeys(df["status"]))
    # Fixed margins instead of constrained layout: the layout solver costs
    # more than drawing the figure, and these panels have a known shape.
    # A panel of four pairs of bars needs about 80 mm.
    if panel_columns(width_mm, 2, 2, panel_mm=80.0) == 2:
        fig = _new_figure((width, height))
        axes = fig.subplots(1, 2, sharey=True)
        fig.subplots_adjust(left=0.08, right=0.99, top=0.90, bottom=0.24, wspace=0.06)
    else:
        fig = _new_figure((width / 2, 2 * height))
        axes = fig.subplots(2, 1, sharey=True)
        fig.subplots_adjust(left=0.15, right=0.98, top=0.95, bottom=0.13, hspace=0.45)
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
    fig.legend(handles, labels, fontsize=8, frameon=False, loc="outside lower center", ncols=2)
    return fig


def figure2(
    result,
    *,
    fmt: FormatConfig = DEFAULT_FORMAT,
    ncols: int = 4,
    panel_size: tuple[float, float] = (2.4, 2.2),
    width_mm: float | None = None,
):
    """Adjusted LS means (95% CI) of each outcome by biomarker quartile
    (``width_mm``: the printed width, which sets the columns of panels,
    `panel_columns`)."""
    df = result.frames["fig2"]
    adj = df[df["model"] == "adjusted"]
    outcomes = list(dict.fromkeys(df["outcome"]))
    ncols = panel_columns(width_mm, len(outcomes), ncols)
    nrows = max(1, math.ceil(len(outcomes) / ncols))
    fig = _new_figure((panel_size[0] * ncols, panel_size[1] * nrows + 0.4))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    fig.subplots_adjust(
        left=0.07,
        right=0.99,
        top=1 - 0.55 / (panel_size[1] * nrows + 0.4),
        bottom=0.7 / (panel_size[1] * nrows + 0.4),
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
            color=OKABE_ITO[0],
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
    # At matplotlib's own place (y=0.01): placed by hand, a narrowed figure's
    # layout would not leave room for it.
    fig.supxlabel(f"Quartile of {result.biomarker_label}", fontsize=9)
    return fig


def _wrap_label(text: str) -> str:
    words = text.split()
    if len(words) <= 1:
        return text
    half = math.ceil(len(words) / 2)
    return " ".join(words[:half]) + "\n" + " ".join(words[half:])


def _rc(options):
    """matplotlib settings of the written figures: fonts embedded as TrueType
    (Type 42) in PDF/EPS, as text in SVG, the chosen family first."""
    return {
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
        "svg.hashsalt": "sarcostat",
        "font.family": "sans-serif",
        "font.sans-serif": [options.font, "Arial", "Liberation Sans", "DejaVu Sans"],
        "text.parse_math": False,
    }


def style_context(options=None):
    """A context in which figures are drawn and saved with ``options``' style."""
    import logging

    import matplotlib

    from sarcostat.report.options import DEFAULT_OPTIONS

    # A font family the machine lacks falls back silently to the next one.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    return matplotlib.rc_context(_rc(options or DEFAULT_OPTIONS))


def to_greyscale(fig) -> None:
    """Recolour every artist of ``fig`` to its luminance (ITU-R BT.601 weights)."""
    import numpy as np
    from matplotlib.colors import to_rgba_array

    def grey(c):
        if isinstance(c, str) and c.lower() == "none":
            return c
        arr = to_rgba_array(c)
        y = arr[:, :3] @ np.array([0.299, 0.587, 0.114])
        arr[:, 0] = arr[:, 1] = arr[:, 2] = y
        return arr if len(arr) != 1 else tuple(arr[0])

    pairs = (
        ("get_facecolor", "set_facecolor"),
        ("get_edgecolor", "set_edgecolor"),
        ("get_color", "set_color"),
        ("get_markerfacecolor", "set_markerfacecolor"),
        ("get_markeredgecolor", "set_markeredgecolor"),
    )
    for artist in fig.findobj():
        for get, put in pairs:
            if hasattr(artist, get) and hasattr(artist, put):
                try:
                    c = getattr(artist, get)()
                    if c is None or (hasattr(c, "__len__") and len(c) == 0):
                        continue
                    getattr(artist, put)(grey(c))
                except (ValueError, TypeError):
                    # Colours matplotlib cannot name (e.g. 'auto') stay as drawn.
                    continue


#: Smallest text size after narrowing a figure (journals ask 6-8 pt).
MIN_FONT_PT = 6.0


def set_width(fig, width_mm: float) -> None:
    """Make ``fig`` ``width_mm`` wide (height in proportion), text scaled with it
    (never below `MIN_FONT_PT`); a narrowed figure is laid out again."""
    from matplotlib.text import Text

    w, h = fig.get_size_inches()
    factor = width_mm / 25.4 / w
    fig.set_size_inches(w * factor, h * factor)
    # Tick labels made at drawing time take the axis' size, not that of the
    # labels scaled below: scale that too.
    ticks = []
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            for which, labels in (
                ("major", axis.get_ticklabels()),
                ("minor", axis.get_ticklabels(minor=True)),
            ):
                if labels:
                    ticks.append((ax, name, which, labels[0].get_fontsize()))
    for text in fig.findobj(Text):
        text.set_fontsize(max(MIN_FONT_PT, text.get_fontsize() * factor))
    for ax, name, which, size in ticks:
        ax.tick_params(axis=name, which=which, labelsize=max(MIN_FONT_PT, size * factor))
    if factor < 1:
        # Text at its floor takes relatively more room than in the drawn
        # layout: let matplotlib place the panels again so nothing overlaps.
        import warnings

        fig.set_layout_engine("constrained")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.draw_without_rendering()
        if any("constrained_layout not applied" in str(w.message) for w in caught):
            # Too many panels for the width: keep the drawn layout, scaled.
            fig.set_layout_engine("none")


#: zlib level of every PNG sarcostat writes. Level 3 encodes the report's
#: figures in about 55% of the time of the default level 6 (measured on the
#: six figures of a 10^4-row report at 300 dpi: 0.31 s vs 0.54 s) and the
#: files, written as RGB when the figure is opaque, are 2-3% larger than
#: matplotlib's default RGBA PNGs. The pixels are the same whatever the level.
PNG_COMPRESS_LEVEL = 3

#: Resolution of the PNGs embedded in report.html (screen resolution; the
#: figure files and tables.docx follow ``--dpi``).
HTML_DPI = 150


def raster(fig, dpi: float):
    """``fig`` drawn once at ``dpi`` (one ``savefig``), as a PIL image.

    The image is RGB when every pixel is opaque (every sarcostat figure is:
    the background is white), else RGBA; ``image.info["dpi"]`` holds ``dpi``.
    `encode_png`, `encode_tiff` and `resample` make every raster output of
    the figure from it, so a figure is drawn once whatever the number of
    PNG/TIFF files, HTML embeds and Word pictures made of it.
    """
    import matplotlib
    import numpy as np
    from PIL import Image

    sizes = []
    if matplotlib.rcParams["savefig.bbox"] != "tight":
        buf = io.BytesIO()
        fig.savefig(buf, format="raw", dpi=dpi)
        data = buf.getbuffer()
        # The canvas size: matplotlib truncates size * dpi to whole pixels,
        # after rounding errors of its own (3.1 in at 300 dpi: 930 or 929).
        w_in, h_in = fig.get_size_inches()
        sizes = [
            (w, h)
            for w in {int(w_in * dpi), round(w_in * dpi)}
            for h in {int(h_in * dpi), round(h_in * dpi)}
            if w * h * 4 == len(data)
        ]
    if len(sizes) != 1:
        # A cropped canvas (savefig.bbox = tight in the user's matplotlibrc):
        # matplotlib knows its size; let it write a PNG and read that back.
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
        with Image.open(buf) as png:
            data = png.convert("RGBA").tobytes()
            width, height = png.size
    else:
        width, height = sizes[0]
    pixels = np.frombuffer(data, dtype=np.uint8).reshape(height, width, 4)
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    if int(pixels[:, :, 3].min()) == 255:
        image = image.convert("RGB")
    else:
        image = image.copy()  # detached from the buffer
    image.info["dpi"] = (dpi, dpi)
    return image


def resample(image, dpi: float):
    """``image`` (a `raster`) at the lower resolution ``dpi``, same physical size:
    an exact box average when the ratio is a whole number (300 -> 150 dpi),
    Lanczos otherwise. The result's size is the one a drawing at ``dpi`` has."""
    from PIL import Image

    src = float(image.info["dpi"][0])
    if dpi >= src:
        raise ValueError(f"resample only lowers the resolution ({src} -> {dpi} dpi)")
    w_in, h_in = image.size[0] / src, image.size[1] / src
    size = (max(1, int(round(w_in * dpi))), max(1, int(round(h_in * dpi))))
    ratio = src / dpi
    if float(ratio).is_integer() and all(n % int(ratio) == 0 for n in image.size):
        out = image.reduce(int(ratio))
    else:
        out = image.resize(size, Image.Resampling.LANCZOS)
    out.info["dpi"] = (dpi, dpi)
    return out


def encode_png(image) -> bytes:
    """A `raster` as PNG bytes, its resolution stored (pHYs), no metadata text."""
    buf = io.BytesIO()
    image.save(buf, format="png", dpi=image.info["dpi"], compress_level=PNG_COMPRESS_LEVEL)
    return buf.getvalue()


def encode_tiff(image, path) -> None:
    """A `raster` as an LZW-compressed TIFF file, its resolution stored."""
    image.save(path, format="tiff", dpi=image.info["dpi"], compression="tiff_lzw")


def save_figure(fig, path, fmt: str, *, dpi: int = 300) -> None:
    """``fig`` as one file of format ``fmt`` (png, svg, pdf, tiff, eps) at ``dpi``.

    The resolution is stored in PNG (pHYs) and TIFF (LZW-compressed); PDF
    and EPS embed their fonts; SVG keeps text as text. Metadata that would
    change on each run (dates, software) is left out, so reruns are identical.
    (A writer of several outputs of one figure draws a `raster` once and
    encodes it, see `FigureOutputs`.)
    """
    if fmt == "png":
        save_png(fig, path, dpi=dpi)
    elif fmt == "svg":
        save_svg(fig, path)
    elif fmt == "tiff":
        encode_tiff(raster(fig, dpi), path)
    elif fmt == "pdf":
        fig.savefig(path, format="pdf", dpi=dpi, metadata={"CreationDate": None, "Producer": None})
    elif fmt == "eps":
        # Written through a file object: given a path, matplotlib would put the
        # (temporary) file name in the header; the date follows SOURCE_DATE_EPOCH.
        if hasattr(path, "write"):
            fig.savefig(path, format="eps", dpi=dpi)
        else:
            with open(path, "wb") as fh:
                fig.savefig(fh, format="eps", dpi=dpi)
    else:
        raise ValueError(f"unknown figure format {fmt!r}")


def save_png(fig, path, *, dpi: int = 150) -> None:
    """The figure as a PNG file (format given: the path may be a temporary name)."""
    with open(path, "wb") as fh:
        fh.write(png_bytes(fig, dpi=dpi))


def save_svg(fig, path) -> None:
    """The figure as an SVG file."""
    fig.savefig(path, format="svg", metadata={"Date": None, "Creator": None})


def png_bytes(fig, *, dpi: int = 150) -> bytes:
    """The figure as PNG bytes (for embedding in the HTML report)."""
    return encode_png(raster(fig, dpi))


def figure_outputs(
    fig,
    formats=("png", "svg"),
    *,
    dpi: int = 300,
    word_dpi: int | None = None,
    width_mm: float | None = None,
    html_dpi: int = HTML_DPI,
    encoder=None,
):
    """Every output of one report figure, each drawn at most once.

    Returns ``(files, html_png, word_png)``: ``files`` maps each format of
    ``formats`` to a writer ``writer(path)``; ``html_png`` is the PNG embedded
    in report.html (``html_dpi``, the drawn size); ``word_png`` the PNG put in
    tables.docx (``word_dpi``, default ``min(dpi, 300)``, at ``width_mm``).

    The figure is drawn once as a `raster` at ``dpi`` (when a PNG or TIFF file
    is asked; else at ``word_dpi``): the PNG file, the TIFF file and the Word
    picture at the same resolution are that raster's bytes, a lower
    resolution is resampled from it. The HTML embed is the same raster at
    ``html_dpi`` (the same bytes when ``dpi`` is ``html_dpi``); only when the
    figure is narrowed (``width_mm``: the HTML keeps the drawn size) or drawn
    below ``html_dpi`` is the HTML image drawn on its own, once. SVG, PDF and
    EPS are drawn once each, when asked.

    ``encoder``: a `concurrent.futures.Executor` that compresses the PNGs
    (zlib, which lets other threads run) while the caller draws on; then
    ``html_png`` and ``word_png`` are futures of the bytes, and the PNG
    file's writer waits for its own. Without it, everything is done here.
    """
    word_dpi = min(dpi, 300) if word_dpi is None else word_dpi
    html_png = None
    if width_mm is not None:
        html_png = png_bytes(fig, dpi=html_dpi)
        set_width(fig, width_mm)
    base_dpi = dpi if ("png" in formats or "tiff" in formats) else word_dpi
    base = raster(fig, base_dpi)
    encoded: dict[float, Any] = {}

    def png_at(res: float) -> Any:
        if res not in encoded:
            image = base if res == base_dpi else resample(base, res)
            encoded[res] = (
                encode_png(image) if encoder is None else encoder.submit(encode_png, image)
            )
        return encoded[res]

    word_png = png_at(word_dpi)
    if html_png is None:
        html_png = png_at(html_dpi) if base_dpi >= html_dpi else png_bytes(fig, dpi=html_dpi)
    if encoder is not None and isinstance(html_png, bytes):
        html_png = _done(html_png)
    files = {}
    for kind in formats:
        if kind == "png":
            data = png_at(base_dpi)
            files[kind] = lambda p, data=data: write_bytes(
                p, data if encoder is None else data.result()
            )
        elif kind == "tiff":
            # A copy when the encoder thread may be saving ``base`` as PNG:
            # PIL keeps each save's settings on the image object, so two
            # saves of one image at once can swap them (a TIFF written
            # without its compression, or a TypeError).
            files[kind] = lambda p: encode_tiff(base if encoder is None else base.copy(), p)
        else:
            files[kind] = lambda p, kind=kind: save_figure(fig, p, kind, dpi=dpi)
    return files, html_png, word_png


def _done(value):
    """A future that already holds ``value``."""
    from concurrent.futures import Future

    future: Future = Future()
    future.set_result(value)
    return future


def output_bytes(writer) -> bytes:
    """What a writer of `figure_outputs` writes, as bytes (each writer takes
    a path or a binary file object)."""
    buf = io.BytesIO()
    writer(buf)
    return buf.getvalue()


def write_bytes(path, data: bytes) -> None:
    """``data`` to a path or a binary file object."""
    if hasattr(path, "write"):
        path.write(data)
        return
    with open(path, "wb") as fh:
        fh.write(data)
