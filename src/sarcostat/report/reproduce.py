"""The seed-reproduction table as a self-contained HTML page and a CSV."""

from __future__ import annotations

from pathlib import Path

from sarcostat.report.format import DEFAULT_FORMAT, FormatConfig

_TOLERANCES = [
    ("counts", "exact"),
    ("means, SDs, percentages", "round to the printed value"),
    ("standardized \u03b2", "\u00b10.05"),
    ("odds ratios and CI limits", "within 10% (|log ratio| \u2264 0.1)"),
    ("P values", "\u201c<0.001\u201d met by P<0.001; else |difference| \u2264 max(0.005, 25% of P)"),
]


def _yes_no(v) -> str:
    if v is None or v is getattr(__import__("pandas"), "NA"):
        return ""
    try:
        return "yes" if bool(v) else "NO"
    except TypeError:
        return ""


def render_reproduce_html(table, summary: str, *, synthetic: bool = True,
                          fmt: FormatConfig = DEFAULT_FORMAT) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("sarcostat.report", "templates"),
                             autoescape=True)

    def show(kind, v):
        if v != v:  # NaN
            return "not computed"
        if kind == "p":
            return fmt.p(v)
        if kind == "count":
            return str(int(round(v)))
        return f"{v:.4f}".rstrip("0").rstrip(".") if abs(v) < 1e6 else f"{v:g}"

    rows = [{"item": r["item"], "published": r["published"],
             "reproduced": show(r["kind"], r["reproduced"]),
             "difference": "" if r["difference"] != r["difference"] else f"{r['difference']:+.4f}",
             "within": _yes_no(r["within_tolerance"]),
             "direction": _yes_no(r["direction_agrees"]),
             "significance": _yes_no(r["significance_agrees"])}
            for r in table.to_dict("records")]
    return env.get_template("reproduce.html.j2").render(
        rows=rows, summary=summary, tolerances=_TOLERANCES, synthetic=synthetic)


def write_reproduce(table, summary: str, directory, *, synthetic: bool = True) -> list[Path]:
    """Write reproduce.html and reproduce.csv into ``directory``."""
    d = Path(directory)
    table.to_csv(d / "reproduce.csv", index=False)
    (d / "reproduce.html").write_text(render_reproduce_html(table, summary, synthetic=synthetic),
                                      encoding="utf-8")
    return [d / "reproduce.html", d / "reproduce.csv"]
