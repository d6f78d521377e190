"""What each plan step contributes to the report: tables, figure, template.

The study layer declares a step (`sarcostat.study.registry.Step`):
its name, heading, frame and the template that renders it. This module
turns a finished step into a `Part` the writers use:

- ``tables``: display tables (text cells). The seed steps have journal
  layouts (`sarcostat.report.tables`); any other step gets one plain
  table of its frame (`frame_table`), so a new step needs no code
  here to appear in ``tables.docx``;
- ``figure``: the PNG of its figure, for steps with a drawing function in
  `FIGURES` (written as ``<name>.png`` / ``.svg``);
- ``skipped``: the note of a step the cohort lacked the columns for;
- the labels "Table 2", "Table S3", "Figure 1", "Figure S2" of its tables
  and figure, given by `number_parts`, the one numbering both the HTML
  report and ``tables.docx`` use.

HTML: the step's template (``report/templates/<step.template>``) is
rendered with ``part`` and the whole report's context; DOCX: the tables
of the steps in `DOCX_PARTS`, and of every step that is not a seed
step.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sarcostat.report import figures, missing_report, supp_figures, tables
from sarcostat.report.format import (
    DEFAULT_FORMAT,
    FormatConfig,
    capitalized,
    count_text,
    covariate_phrase,
)

#: Display-table builders of the seed steps, by step name.
DISPLAY: dict[str, tuple[Callable, ...]] = {
    "table1": (tables.table1,),
    "fig1": (tables.figure1_values,),
    "table2": (tables.table2,),
    "fig2": (tables.figure2_values,),
    "table3": (tables.table3,),
}
#: Seed steps whose tables go into tables.docx (the figures' values do not).
DOCX_PARTS = ("table1", "table2", "table3")
#: Template of a step that names none: its heading and display tables.
GENERIC_TEMPLATE = "steps/_generic.html.j2"
#: Figure drawing functions, by step name: ``draw(result, fmt=...) -> Figure``.
FIGURES: dict[str, Callable] = {"fig1": figures.figure1, "fig2": figures.figure2}

# The supplementary analyses bring their own tables and figures.
DISPLAY.update(supp_figures.DISPLAY)
DOCX_PARTS = DOCX_PARTS + tuple(supp_figures.DISPLAY)
FIGURES.update(supp_figures.FIGURES)
# So do the missing-data steps ([missing] method = "mice").
DISPLAY.update(missing_report.DISPLAY)
DOCX_PARTS = DOCX_PARTS + tuple(missing_report.DISPLAY)
FIGURES.update(missing_report.FIGURES)


def _fig1_caption(result, fmt: FormatConfig) -> str:
    cov = covariate_phrase(result.plan.model.covariates)
    unit = f" ({result.biomarker_unit})" if result.biomarker_unit else ""
    return (
        f"{capitalized(result.biomarker_label)}{unit} according to sarcopenia status and "
        f"abnormalities in sarcopenia-related parameters (A) before and (B) after adjusting for "
        f"{cov}. Values are least-squares means with {result.plan.ancova.confidence:.0%} "
        f"confidence intervals; P values compare participants with and without each status."
    )


def _fig2_caption(result, fmt: FormatConfig) -> str:
    cov = covariate_phrase(result.plan.model.covariates)
    return (
        f"Sarcopenia-related parameters according to quartiles of {result.biomarker_label}, "
        f"adjusted for {cov}. Values are least-squares means with "
        f"{result.plan.ancova.confidence:.0%} confidence intervals."
    )


#: Figure captions, by step name.
CAPTIONS: dict[str, Callable] = {"fig1": _fig1_caption, "fig2": _fig2_caption}
CAPTIONS.update(supp_figures.CAPTIONS)
CAPTIONS.update(missing_report.CAPTIONS)


@dataclass
class Part:
    """One step of the report, ready to render."""

    name: str
    heading: str
    template: str
    frame: Any
    tables: list = field(default_factory=list)
    figure: str | None = None  # base64 PNG
    caption: str = ""
    skipped: str | None = None
    in_docx: bool = True
    #: "Figure 1" / "Figure S2" (`number_parts`); empty without a figure.
    figure_label: str = ""
    #: True for a supplementary analysis (numbered S1, S2, ...).
    supplementary: bool = False

    @property
    def rows(self) -> list[dict]:
        """The frame's rows as dicts (for templates)."""
        return self.frame.to_dict("records")


def _cell(value, column: str, fmt: FormatConfig) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    counts = column in ("n", "events") or column.startswith("n_")
    if counts and isinstance(value, (int, float)):
        return count_text(int(value))  # 201,317 (a year or a quartile number has none)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if column.startswith("p_") or column == "p_value" or column.startswith("q_"):
            return fmt.p(value)
        if column == "df" and value.is_integer():
            return str(int(value))  # Welch's fractional df keep their decimals
        return fmt.number(value, 3)
    return fmt.in_words(value) if isinstance(value, str) else str(value)


#: Headers of the frame columns a plain table shows often; any other column
#: is its name with spaces for underscores.
_HEADERS = {
    "p_value": "P",
    "ci_lower": "CI lower",
    "ci_upper": "CI upper",
    "se": "SE",
    "sd_log": "SD of log",
    "n": "n",
    "df": "df",
}


def _header(column: str) -> str:
    text = _HEADERS.get(column, column.replace("_", " "))
    return text[:1].upper() + text[1:] if text not in ("n", "df") else text


def frame_table(result, name: str, heading: str, fmt: FormatConfig = DEFAULT_FORMAT):
    """A plain display table of a step's frame: one column per frame column,
    P values in the report's P style, other numbers to 3 decimals."""
    df = result.frames[name]
    cols = list(df.columns)
    rows = [
        tables.DisplayRow([_cell(rec[c], c, fmt) for c in cols], key=str(rec.get(cols[0], "")))
        for rec in df.to_dict("records")
    ]
    return tables.DisplayTable(title=heading, header=[[(_header(c), 1) for c in cols]], rows=rows)


def step_parts(result, fmt: FormatConfig = DEFAULT_FORMAT, figure_pngs=None) -> list[Part]:
    """The `Part` of every step of ``result``, in report order.

    ``figure_pngs`` maps step names to PNG bytes already drawn (the writer
    draws each figure once); a figure not given is drawn here.
    """
    import base64

    from sarcostat.study.steps import get

    pngs = dict(figure_pngs or {})
    skipped = getattr(result, "skipped", {}) or {}
    out = []
    for name in result.frames:
        step = get(name)
        part = Part(
            name=name,
            heading=step.heading or name,
            template=step.template or GENERIC_TEMPLATE,
            frame=result.frames[name],
            skipped=skipped.get(name),
            in_docx=name in DOCX_PARTS or name not in DISPLAY,
            supplementary=is_supplementary(step),
        )
        if part.skipped is None:
            builders = DISPLAY.get(name)
            if builders is None:
                part.tables = [frame_table(result, name, part.heading, fmt)]
            else:
                part.tables = [build(result, fmt) for build in builders]
            if name in FIGURES:
                png = pngs.get(name)
                if png is None:
                    png = figures.png_bytes(FIGURES[name](result, fmt=fmt))
                part.figure = base64.b64encode(png).decode("ascii")
                part.caption = CAPTIONS[name](result, fmt) if name in CAPTIONS else ""
        out.append(part)
    return number_parts(out)


_NUMBER_HEADING = re.compile(r"^(Table|Figure) S?\d+$")


def is_supplementary(step) -> bool:
    """A step of the supplementary analyses: its ``supplementary`` attribute
    when it sets one, else whether it reads the ``[supplementary]`` section."""
    flag = getattr(step, "supplementary", None)
    return bool(flag) if flag is not None else step.section == "supplementary"


def number_parts(parts: list[Part]) -> list[Part]:
    """Number the tables and figures of ``parts`` in report order: the one
    numbering of the HTML report and ``tables.docx``.

    Every table that goes into ``tables.docx`` gets a label ("Table 1", ...),
    those of supplementary steps their own series ("Table S1", ...); figures
    likewise ("Figure 1", "Figure S1"). A skipped step takes no number, so the
    series have no gaps. The values tables under Figures 1 and 2 (HTML only)
    stay unnumbered. Labels are set on the parts and their tables, in place.
    """
    count = {"table": 0, "table_s": 0, "figure": 0, "figure_s": 0}
    for part in parts:
        if part.skipped is not None:
            continue
        suffix, prefix = ("_s", "S") if part.supplementary else ("", "")
        labels = []
        if part.in_docx:
            for t in part.tables:
                count["table" + suffix] += 1
                t.label = f"Table {prefix}{count['table' + suffix]}"
                labels.append(t.label)
        if part.figure is not None:
            count["figure" + suffix] += 1
            part.figure_label = f"Figure {prefix}{count['figure' + suffix]}"
            labels.append(part.figure_label)
        # A heading that is just a number ("Table 2", the seed steps') follows
        # the numbering, so a plan without Table 1 shows "Table 1" above its table.
        m = _NUMBER_HEADING.match(part.heading)
        same_kind = [x for x in labels if m and x.startswith(m.group(1))]
        if same_kind:
            part.heading = same_kind[0]
    return parts


def docx_tables(result, fmt: FormatConfig = DEFAULT_FORMAT) -> list:
    """The display tables that go into tables.docx, in report order."""
    out = []
    skipped = getattr(result, "skipped", {}) or {}
    for name in result.frames:
        if name in skipped or not (name in DOCX_PARTS or name not in DISPLAY):
            continue
        builders = DISPLAY.get(name)
        if builders is None:
            from sarcostat.study.steps import get

            out.append(frame_table(result, name, get(name).heading or name, fmt))
        else:
            out += [build(result, fmt) for build in builders]
    return out
