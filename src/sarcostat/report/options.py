"""Options of the written report: figure files, Word page, P-value style.

One frozen `ReportOptions` travels from the command line (or the
Python API) to every writer, so the figure files, ``tables.docx`` and the
HTML report agree. `parse_figure_formats` and friends turn option text
into values and raise `ParameterError` with the
option's name on bad input.
"""

from __future__ import annotations

from dataclasses import dataclass

from sarcostat.exceptions import ParameterError

#: Figure file formats the report can write (matplotlib writers; TIFF via Pillow).
FIGURE_FORMATS = ("png", "svg", "pdf", "tiff", "eps")
#: Journal column widths in millimetres (Elsevier/BMC/Springer: 85-90 and 170-190 mm).
FIGURE_WIDTHS = {"single": 85.0, "double": 180.0}
#: Page sizes (width, height) in millimetres, portrait.
PAPERS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
P_STYLES = ("apa", "nejm", "exact")
MAX_DPI = 1200
MIN_DPI = 72


@dataclass(frozen=True)
class ReportOptions:
    """How the report's files are written (not what is computed).

    Attributes
    ----------
    figure_formats : tuple of str
        Each figure is written once per format (default PNG + SVG).
    dpi : int
        Resolution of raster figures (PNG, TIFF), stored in the file (default 300).
    figure_width_mm : float or None
        Width of every figure; its height scales with it. None keeps the
        drawn size (about 150-240 mm).
    greyscale : bool
        Figures in shades of grey (for print-only journals).
    paper : str
        Page size of tables.docx: "a4" (default) or "letter".
    font : str
        Font family of tables.docx and the figures' text (default Arial).
    p_style : str
        "apa" (3 decimals, <.001, no leading zero), "nejm" (2 decimals, 3
        below 0.01, <0.001) or "exact" (3 significant digits, never a bound).
        None keeps the seed paper's style (3 decimals, <0.001).
    """

    figure_formats: tuple = ("png", "svg")
    dpi: int = 300
    figure_width_mm: float | None = None
    greyscale: bool = False
    paper: str = "a4"
    font: str = "Arial"
    p_style: str | None = None

    def to_dict(self) -> dict:
        """The options as JSON values (the manifest's ``report_options``)."""
        from dataclasses import asdict

        d = asdict(self)
        d["figure_formats"] = list(self.figure_formats)
        return d

    @classmethod
    def from_dict(cls, data: dict) -> ReportOptions:
        """The options back from `to_dict` (a manifest's ``report_options``)."""
        d = dict(data)
        if "figure_formats" in d:
            d["figure_formats"] = tuple(d["figure_formats"])
        return cls(**d)

    def to_flags(self) -> list[str]:
        """The command-line flags that give these options (defaults left out):
        what ``analyze``, ``demo`` and ``reproduce`` parse back to equal options."""
        d = DEFAULT_OPTIONS
        out: list[str] = []
        if self.figure_formats != d.figure_formats:
            out += ["--figure-format", ",".join(self.figure_formats)]
        if self.dpi != d.dpi:
            out += ["--dpi", str(self.dpi)]
        if self.figure_width_mm is not None:
            out += ["--figure-width", f"{self.figure_width_mm:g}"]
        if self.greyscale:
            out.append("--greyscale")
        if self.paper != d.paper:
            out += ["--paper", self.paper]
        if self.font != d.font:
            out += ["--font", self.font]
        if self.p_style is not None:
            out += ["--p-style", self.p_style]
        return out


DEFAULT_OPTIONS = ReportOptions()


def parse_figure_formats(text: str) -> tuple:
    """``"tiff,pdf"`` -> ("tiff", "pdf"); "tif" is read as "tiff"."""
    out = []
    for item in str(text).split(","):
        name = item.strip().lower().lstrip(".")
        if not name:
            continue
        name = {"tif": "tiff", "jpg": "jpeg"}.get(name, name)
        if name not in FIGURE_FORMATS:
            raise ParameterError(
                f"--figure-format: {item.strip()!r} is not a figure format; "
                f"choose any of {', '.join(FIGURE_FORMATS)} (comma-separated)."
            )
        if name not in out:
            out.append(name)
    if not out:
        raise ParameterError(
            f"--figure-format: give at least one of {', '.join(FIGURE_FORMATS)} (comma-separated)."
        )
    return tuple(out)


def parse_dpi(value) -> int:
    try:
        dpi = int(str(value))
    except ValueError:
        raise ParameterError(f"--dpi: {value!r} is not a whole number of dots per inch.") from None
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ParameterError(f"--dpi: {dpi} is outside {MIN_DPI}-{MAX_DPI}.")
    return dpi


def parse_figure_width(text) -> float | None:
    """``single`` (85 mm), ``double`` (180 mm) or a width in millimetres (30-300)."""
    if text is None:
        return None
    key = str(text).strip().lower()
    if key in FIGURE_WIDTHS:
        return FIGURE_WIDTHS[key]
    try:
        mm = float(key.removesuffix("mm"))
    except ValueError:
        raise ParameterError(
            f"--figure-width: {text!r} is not single, double or a width in millimetres."
        ) from None
    if not 30 <= mm <= 300:
        raise ParameterError(f"--figure-width: {mm:g} mm is outside 30-300 mm.")
    return mm
