"""The outputs of ``sarcostat classify``: tables, prevalence chart, files and console summary.

The numbers come from `sarcostat.assess.classify_cohort` (and
`sarcostat.assess.frailty_cohort`); this module only lays them out:

* `prevalence_table`: per definition and group, the participants
  classifiable (the denominator), the cases, the prevalence with its Wilson
  95% CI, the number not classified and why; a definition that could
  classify nobody reads "not classifiable (n=0)", never 0.0%;
* `agreement_table`: Cohen's kappa with its 95% CI per pair of
  definitions; where kappa says nothing, the reason in words and no number;
* `note_kinds`: the notes grouped by kind, with counts;
* `prevalence_figure`: a bar chart of the prevalences with their CIs
  (Okabe-Ito colours, as every report figure);
* `write_classify_outputs`: ``-o OUT.csv`` writes the per-participant
  table there and the other tables and the chart beside it
  (``OUT_prevalence.csv``, ``OUT_agreement.csv``, ``OUT_notes.csv``,
  ``OUT_prevalence.png``); ``-o OUT.xlsx`` writes one workbook, a sheet
  each and the chart inside. Every file goes through
  `sarcostat.report.output.write_files` (checked before the
  computation, written atomically, inputs and existing files never
  replaced without ``--overwrite``).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from sarcostat.exceptions import ParameterError

#: The file of each table beside ``OUT.csv`` (and the sheet of ``OUT.xlsx``).
PARTS = ("participants", "prevalence", "agreement", "notes")
#: Suffix of each extra file beside ``OUT.csv``.
SUFFIX = {
    "prevalence": "_prevalence.csv",
    "agreement": "_agreement.csv",
    "notes": "_notes.csv",
    "chart": "_prevalence.png",
}
#: Rows an Excel sheet holds below its header.
XLSX_MAX_ROWS = 1_048_575
CI_METHOD = "Wilson score"
NOT_CLASSIFIABLE = "not classifiable (n=0)"


def _title(name: str) -> str:
    from sarcostat.assess.definitions import REGISTRY

    if name in REGISTRY:
        return REGISTRY[name].title
    from sarcostat.assess.frailty import PHENOTYPES

    if name in PHENOTYPES:
        return PHENOTYPES[name].title
    return {"frailty_index": "Frailty index", "osteosarcopenia": "Osteosarcopenia"}.get(name, name)


def _pct(v: float) -> str:
    return f"{100 * v:.1f}%"


def _frailty_prevalence(frailty, sex: pd.Series | None) -> pd.DataFrame:
    """FrailtyResult.prevalence in the columns of the sarcopenia table."""
    from sarcostat.assess.frailty import STATUS
    from sarcostat.assess.summary import missing_reasons

    prev = frailty.prevalence.rename(columns={"n_frail": "n_sarcopenia"}).copy()
    reasons = []
    for row in prev.itertuples():
        res = frailty.results[row.definition]
        if row.group == "overall":
            mask = pd.Series(True, index=res.index)
        elif sex is not None:
            mask = (sex.reindex(res.index).astype("string").str.lower() == row.group).fillna(False)
        else:
            reasons.append("")
            continue
        und = res[STATUS[row.definition]][mask].isna().to_numpy()
        reasons.append(missing_reasons(res["missing_inputs"][mask][und]) if und.any() else "")
    prev["not_classified_reasons"] = reasons
    prev["classifiable"] = prev["n_classified"] > 0
    return prev


def prevalence_table(result, frailty=None, *, sex: pd.Series | None = None) -> pd.DataFrame:
    """The prevalence table of the files: one row per definition and group.

    Columns: ``definition``, ``title``, ``condition`` (what is counted),
    ``group``, ``n``, ``n_classifiable`` (the denominator), ``n_cases``,
    ``prevalence``, ``ci_lower``, ``ci_upper`` (proportions, full
    precision; empty when not classifiable), ``ci_method``, ``result``
    (``"17.6% (10.6–27.8%)"`` or ``"not classifiable (n=0)"``),
    ``n_not_classified`` and ``not_classified_reasons``.
    """
    frames = []
    if result is not None and len(result.prevalence):
        p = result.prevalence.copy()
        p["condition"] = "sarcopenia"
        frames.append(p)
    if frailty is not None and len(frailty.prevalence):
        p = _frailty_prevalence(frailty, sex)
        p["condition"] = p["status"]
        frames.append(p)
    if not frames:
        return pd.DataFrame()
    p = pd.concat(frames, ignore_index=True)
    ok = p["classifiable"].astype(bool) & (p["n_classified"] > 0)
    text = [
        f"{_pct(v)} ({_pct(lo)}–{_pct(hi)})" if good else NOT_CLASSIFIABLE
        for v, lo, hi, good in zip(p["prevalence"], p["ci_lower"], p["ci_upper"], ok)
    ]
    out = pd.DataFrame(
        {
            "definition": p["definition"],
            "title": p["definition"].map(_title),
            "condition": p["condition"],
            "group": p["group"],
            "n": p["n"],
            "n_classifiable": p["n_classified"].where(ok, 0),
            "n_cases": p["n_sarcopenia"].where(ok, 0),
            "prevalence": p["prevalence"].where(ok),
            "ci_lower": p["ci_lower"].where(ok),
            "ci_upper": p["ci_upper"].where(ok),
            "ci_method": CI_METHOD,
            "result": text,
            "n_not_classified": p["n"] - p["n_classified"].where(ok, 0),
            "not_classified_reasons": p["not_classified_reasons"].fillna(""),
        }
    )
    return out


def agreement_table(result, frailty=None) -> pd.DataFrame:
    """Cohen's kappa per pair, with the reason in words where it says nothing.

    Columns: ``definition_a``, ``definition_b``, ``n_both_classified``,
    ``n_both``, ``n_a_only``, ``n_b_only``, ``n_neither``,
    ``observed_agreement``, ``kappa``, ``ci_lower``, ``ci_upper`` (empty
    where kappa is undefined or not estimable), ``result`` (``"0.28 (0.00
    to 0.55)"`` or the reason).
    """
    frames = []
    blocked: dict[str, str] = {}
    if result is not None and len(result.agreement):
        frames.append(result.agreement)
    if result is not None:
        from sarcostat.assess.summary import unclassifiable

        blocked = unclassifiable(result.results)
    if frailty is not None and len(frailty.agreement):
        fa = frailty.agreement.copy()
        sarc = set(result.results) if result is not None else set()
        # pairs of two sarcopenia definitions are already in the sarcopenia table
        fa = fa[~(fa["definition_a"].isin(sarc) & fa["definition_b"].isin(sarc))]
        for i in fa.index:
            why = "; ".join(
                blocked[d]
                for d in (fa.at[i, "definition_a"], fa.at[i, "definition_b"])
                if d in blocked
            )
            if why:
                fa.at[i, "note"] = f"not estimable: {why}."
        frames.append(fa)
    cols = [
        "definition_a",
        "definition_b",
        "n_both_classified",
        "n_both",
        "n_a_only",
        "n_b_only",
        "n_neither",
        "observed_agreement",
        "kappa",
        "ci_lower",
        "ci_upper",
        "result",
    ]
    if not frames:
        return pd.DataFrame(columns=cols)
    a = pd.concat(frames, ignore_index=True)
    note = a["note"].fillna("") if "note" in a.columns else pd.Series("", index=a.index)
    fine = note == ""
    text = [
        f"{k:.2f} ({lo:.2f} to {hi:.2f})" if good else str(why)
        for k, lo, hi, good, why in zip(a["kappa"], a["ci_lower"], a["ci_upper"], fine, note)
    ]
    out = pd.DataFrame(
        {
            "definition_a": a["definition_a"],
            "definition_b": a["definition_b"],
            "n_both_classified": a["n"],
            **{
                c: a[c].astype("Int64") if c in a.columns else pd.array([pd.NA] * len(a), "Int64")
                for c in ("n_both", "n_a_only", "n_b_only", "n_neither")
            },
            # agreement among the ruled-out participants of a definition that
            # could find no case says nothing either
            "observed_agreement": a["observed_agreement"].where(
                ~note.str.startswith("not estimable")
            ),
            "kappa": a["kappa"].where(fine),
            "ci_lower": a["ci_lower"].where(fine),
            "ci_upper": a["ci_upper"].where(fine),
            "result": text,
        }
    )
    return out[cols]


#: How each kind of note is summed up on the console.
_KIND_LINE = {
    "protocol": "what was measured",
    "SPPB total": "SPPB total disagrees with its components",
    "definition caveat": "how a definition is applied",
    "no severity grade": "no severity grade ('severe' is empty)",
    "unverified cut-off": "cut-off not verified against the primary paper",
    "frailty definition": "frailty / bone definition",
}
#: Kinds of note shown in full on the console: what this cohort measured
#: changes what the statuses mean.
_IN_FULL = ("protocol", "tests left out")


def note_kinds(notes: pd.DataFrame) -> pd.DataFrame:
    """The notes by kind: ``kind``, ``n``, ``definitions`` (with counts), ``summary``."""
    rows = []
    for kind, sub in notes.groupby("kind", sort=False):
        defs = sub["definition"][sub["definition"] != ""]
        counts = defs.map(_title).value_counts(sort=False)
        by_def = ", ".join(f"{t} {n}" if n > 1 else t for t, n in counts.items())
        if kind in _IN_FULL:
            summary = " ".join(sub["note"])
        elif by_def:
            summary = f"{_KIND_LINE.get(str(kind), kind)}: {by_def}"
        else:
            summary = _KIND_LINE.get(str(kind), str(kind))
        rows.append({"kind": kind, "n": len(sub), "definitions": by_def, "summary": summary})
    return pd.DataFrame(rows, columns=["kind", "n", "definitions", "summary"])


def console_summary(prevalence: pd.DataFrame, agreement: pd.DataFrame, kinds: pd.DataFrame) -> str:
    """The short console summary: prevalence overall per definition with its
    denominator, kappa per pair (the undefined ones in one line), one line per
    kind of note with its count."""
    lines = []
    overall = prevalence[prevalence["group"] == "overall"] if len(prevalence) else prevalence
    if len(overall):
        lines.append(
            "Prevalence (overall; cases / participants classifiable, "
            f"95% CI: {CI_METHOD.split()[0]}):"
        )
        width = max(len(t) for t in overall["title"]) + 2
        for r in overall.itertuples():
            head = f"  {r.title:<{width}}"
            if r.result == NOT_CLASSIFIABLE:
                lines.append(f"{head}{NOT_CLASSIFIABLE}: {r.not_classified_reasons}")
                continue
            what = f"{r.condition}: " if r.condition != "sarcopenia" else ""
            tail = (
                f"; {r.n_not_classified} not classified ({r.not_classified_reasons})"
                if r.n_not_classified
                else ""
            )
            lines.append(f"{head}{what}{r.n_cases}/{r.n_classifiable} = {r.result}{tail}")
    if len(agreement):
        fine = agreement["kappa"].notna()
        lines.append("")
        lines.append(f"Agreement (Cohen's kappa, 95% CI; {len(agreement)} pair(s)):")
        names = [
            f"{_title(a)} vs {_title(b)}"
            for a, b in zip(agreement["definition_a"], agreement["definition_b"])
        ]
        width = max(len(n) for n in names) + 2
        for name, r, ok in zip(names, agreement.itertuples(), fine):
            if ok:
                lines.append(f"  {name:<{width}}n={r.n_both_classified:<5} kappa {r.result}")
        bad = agreement[~fine]
        if len(bad):
            if len(bad) <= 3:
                for name, r, ok in zip(names, agreement.itertuples(), fine):
                    if not ok:
                        lines.append(f"  {name:<{width}}kappa {r.result}")
            else:
                reasons = bad["result"].str.split(":").str[0].value_counts()
                lines.append(
                    f"  kappa not reported for {len(bad)} pairs ("
                    + ", ".join(f"{k} {v}" for k, v in reasons.items())
                    + "; the reason of each is in the agreement table)"
                )
    if len(kinds):
        lines.append("")
        lines.append("Notes (one line per kind; each note in full in the notes table of -o):")
        for r in kinds.itertuples():
            lines.append(f"  {r.kind} ({r.n}): {r.summary}")
    return "\n".join(lines)


def prevalence_figure(prevalence: pd.DataFrame, *, width: float | None = None):
    """Bar chart of the prevalence (%) per definition, overall and by sex, with 95% CIs.

    Okabe-Ito colours (`sarcostat.report.figures.OKABE_ITO`); a
    definition that could classify nobody gets no bar but the words "not
    classifiable" at its place, so an empty bar is never read as 0%.
    """
    from sarcostat.report.figures import OKABE_ITO, _new_figure, _wrap_label

    defs = list(dict.fromkeys(prevalence["definition"]))
    groups = list(dict.fromkeys(prevalence["group"]))
    n_def = max(1, len(defs))
    fig = _new_figure((width or max(4.5, 1.0 + 1.1 * n_def), 3.6))
    ax = fig.subplots()
    fig.subplots_adjust(left=0.1, right=0.99, top=0.9, bottom=0.25)
    bar = 0.8 / max(1, len(groups))
    top = prevalence["ci_upper"].max()
    top = 100 * float(top) if pd.notna(top) and top > 0 else 10.0
    for j, group in enumerate(groups):
        sub = prevalence[prevalence["group"] == group].set_index("definition")
        colour = OKABE_ITO[j % len(OKABE_ITO)]
        for i, d in enumerate(defs):
            if d not in sub.index:
                continue
            r = sub.loc[d]
            x = i - 0.4 + bar * (j + 0.5)
            if pd.isna(r["prevalence"]):
                continue
            est = 100 * float(r["prevalence"])
            ax.bar(x, est, width=bar * 0.92, color=colour, label=group if i == 0 else None)
            ax.errorbar(
                x,
                est,
                yerr=[
                    [max(0.0, est - 100 * r["ci_lower"])],
                    [max(0.0, 100 * r["ci_upper"] - est)],
                ],
                fmt="none",
                ecolor="black",
                capsize=2.5,
                lw=0.9,
            )
    handles, labels = ax.get_legend_handles_labels()
    for i, d in enumerate(defs):
        rows = prevalence[prevalence["definition"] == d]
        if rows["prevalence"].isna().all():
            ax.text(
                i,
                top * 0.03,
                "not\nclassifiable",
                ha="center",
                va="bottom",
                fontsize=7,
                color="#444444",
            )
    if not labels:  # nothing classifiable: keep the legend of the groups
        from matplotlib.patches import Patch

        handles = [Patch(color=OKABE_ITO[j % len(OKABE_ITO)]) for j in range(len(groups))]
        labels = groups
    ax.set_xticks(range(len(defs)))
    ax.set_xticklabels([_wrap_label(_title(d)) for d in defs], fontsize=8)
    ax.set_ylim(0, math.ceil(top * 1.1 / 5) * 5 or 5)
    ax.set_xlim(-0.6, len(defs) - 0.4)
    ax.set_ylabel("Prevalence (%)", fontsize=9)
    ax.tick_params(axis="y", labelsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(
        "Prevalence by definition (error bars: 95% CI, Wilson)", fontsize=9, loc="left", pad=8
    )
    # the legend under the axis labels, where no bar or title can meet it
    fig.legend(
        handles,
        labels,
        fontsize=8,
        frameon=False,
        ncols=len(labels),
        loc="lower center",
        borderaxespad=0.3,
    )
    return fig


def output_paths(path) -> dict[str, Path]:
    """The files ``-o path`` writes: ``{part: path}`` (one entry for a workbook)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        return {"workbook": target}
    if suffix == ".csv":
        stem = target.with_suffix("")
        out = {"participants": target}
        for part, tail in SUFFIX.items():
            out[part] = stem.with_name(stem.name + tail)
        return out
    raise ParameterError(
        f"The '-o' option of classify must name a .csv file (the tables and the chart are "
        f"written beside it) or an .xlsx workbook. Got {str(path)!r} instead."
    )


def _png(fig, dpi: int) -> bytes:
    from sarcostat.report.figures import png_bytes

    return png_bytes(fig, dpi=dpi)


def _workbook_writer(tables: dict[str, pd.DataFrame], png: bytes):
    from sarcostat.report.output import neutralize_frame

    def write(tmp: Path) -> None:
        from openpyxl.drawing.image import Image

        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, frame in tables.items():
                neutralize_frame(frame).to_excel(xw, sheet_name=name, index=False)
            ws = xw.book.create_sheet("chart")
            ws["A1"] = "Prevalence by definition (error bars: 95% CI, Wilson score)"
            img = Image(io.BytesIO(png))
            ws.add_image(img, "A3")

    return write


def write_classify_outputs(
    path,
    tables: dict[str, pd.DataFrame],
    figure,
    *,
    command: str = "classify",
    inputs=(),
    overwrite: bool = False,
    dpi: int = 300,
    deferred: Mapping[str, Callable] | None = None,
) -> list[Path]:
    """Write the classify tables and chart to ``path`` (.csv + siblings, or one .xlsx).

    ``tables`` holds `PARTS` (``participants`` keeps the ids: it is the
    per-participant file). All files are checked first, then written
    atomically together (`sarcostat.report.output.write_files`).
    ``deferred`` maps participant columns (present in the table as
    placeholders) to functions of a row slice giving their texts
    (`sarcostat.assess.classification.reason_texts`), made slice by slice
    as the file is written.
    """
    from sarcostat.report.output import neutralize_frame, neutralize_texts, write_files

    paths = output_paths(path)
    png = _png(figure, dpi)
    people = tables["participants"]
    deferred = dict(deferred or {})
    if deferred and "workbook" in paths:  # a sheet is written whole (small cohorts only)
        people = people.assign(**{c: texts(slice(0, len(people))) for c, texts in deferred.items()})
        tables = {**tables, "participants": people}
        deferred = {}
    # by position: the written headers are the neutralized names
    at = {list(people.columns).index(c): neutralize_texts(texts) for c, texts in deferred.items()}
    if "workbook" in paths:
        n = len(tables["participants"])
        if n > XLSX_MAX_ROWS:
            raise ParameterError(
                f"{n:,} participants do not fit an Excel sheet ({XLSX_MAX_ROWS:,} rows); "
                "write -o OUT.csv instead."
            )
        files = {paths["workbook"]: _workbook_writer(tables, png)}
    else:

        def csv_writer(frame, deferred=None):
            safe = neutralize_frame(frame)
            return lambda p: write_csv(safe, p, deferred)

        files = {
            paths[part]: csv_writer(tables[part], at if part == "participants" else None)
            for part in PARTS
        }
        files[paths["chart"]] = lambda p: Path(p).write_bytes(png)
    return write_files(files, command=command, inputs=inputs, overwrite=overwrite)


#: Rows per slice of `write_csv` at most (its texts are freed slice by slice).
CSV_ROWS = 1 << 16
#: About how many bytes of text a slice of `write_csv` makes, at most.
CSV_BYTES = 16 << 20
#: Rows `write_csv` measures the row length on.
CSV_PROBE = 1024
# what pandas' writer (Python's csv module, QUOTE_MINIMAL, lineterminator
# "\n") quotes: the delimiter, the quote character and the line terminator
_CSV_QUOTE = '[,"\n]'


def write_csv(frame: pd.DataFrame, path, deferred: Mapping[int, Callable] | None = None) -> None:
    """``frame.to_csv(path, index=False)``, byte for byte, built by Arrow.

    ``deferred`` maps a column's position to a function of a row slice
    giving that column's texts (`sarcostat.assess.classification.reason_texts`):
    they are made slice by slice as the rows are written, never held whole,
    and what the frame holds in that column is not read.

    pandas' writer turns every cell into a Python object (5 s for the
    10^6-row participants table); here each column becomes text column-wise
    (a float or boolean written once per distinct value, as pandas writes
    it; a text quoted where it holds a comma, a quote or a newline, as
    pandas' csv writer does) and the rows are joined in slices. A column of
    another type makes the frame go through pandas as before.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    # the system allocator gives each slice's memory back (Arrow's own pool keeps it)
    pool = pa.system_memory_pool()
    deferred = dict(deferred or {})
    cells = [
        _text_cells(deferred[j], pool) if j in deferred else _csv_cells(frame.iloc[:, j], pool)
        for j in range(frame.shape[1])
    ]
    if len(cells) < 2 or any(c is None for c in cells):  # (one column: csv quotes "")
        if deferred:  # pandas' writer needs every column whole
            frame = frame.copy()
            for j, texts in deferred.items():
                frame.isetitem(j, texts(slice(0, len(frame))))  # the column, in its own dtype
        frame.to_csv(path, index=False)
        return
    head = [_csv_quote_word(str(c)) for c in frame.columns]

    def lines(rows: slice):
        parts = [cell(rows) for cell in cells]  # type: ignore[misc]
        line = pc.binary_join_element_wise(*parts, _word(","), memory_pool=pool)
        return pc.binary_join_element_wise(line, _word("\n"), _word(""), memory_pool=pool)

    # Rows per slice: CSV_ROWS, fewer where the rows are long (reasons of
    # several definitions: 2 kB a row), so that a slice's texts stay near
    # CSV_BYTES, measured on the first rows.
    step = CSV_ROWS
    if len(frame) > CSV_PROBE:
        probe = _text_bytes(lines(slice(0, CSV_PROBE))).nbytes / CSV_PROBE
        step = int(min(CSV_ROWS, max(CSV_PROBE, CSV_BYTES // max(probe, 1.0))))
    with open(path, "wb") as fh:
        fh.write((",".join(head) + "\n").encode("utf-8"))
        for start in range(0, len(frame), step):
            fh.write(_text_bytes(lines(slice(start, start + step))))


def _word(text: str):
    import pyarrow as pa

    return pa.scalar(text, pa.large_string())


def _csv_quote_word(word: str) -> str:
    import re

    return '"' + word.replace('"', '""') + '"' if re.search(_CSV_QUOTE, word) else word


def _text_bytes(arr) -> memoryview:
    """The characters of an Arrow text array, end to end."""
    import numpy as np

    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8)
    return memoryview(data)[int(off[0]) : int(off[-1])]


def _csv_cells(column: pd.Series, pool):
    """A function of a row slice giving the column's CSV cells (Arrow text),
    or None for a type left to pandas."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return None
    if pd.api.types.is_bool_dtype(dtype):
        # True/False as Python writes them; <NA> (nullable boolean) as ""
        missing = np.asarray(column.isna(), dtype=bool)
        code = np.where(missing, 2, np.asarray(column.fillna(False), dtype=bool).astype(np.int8))
        words = pa.array(["False", "True", ""], pa.large_string())
        return lambda rows: pc.take(words, code[rows], memory_pool=pool)
    nullable_int = isinstance(dtype, pd.api.extensions.ExtensionDtype) and (
        pd.api.types.is_integer_dtype(dtype)
    )
    if nullable_int or dtype == np.float64 or dtype == np.int64:
        # Each distinct value written once, as pandas' writer writes it
        # (numpy's str); "" where missing (NaN, <NA>).
        missing = np.asarray(column.isna(), dtype=bool)
        if dtype == np.float64:
            # distinct by bit pattern: -0.0 equals 0.0 but is written "-0.0"
            values = column.to_numpy()
            codes, bits = pd.factorize(np.where(missing, 0, values.view(np.int64)))
            uniq = np.asarray(bits, dtype=np.int64).view(np.float64)
        else:  # integers (nullable ones: the criteria counts, levels)
            codes, uniq = pd.factorize(column.to_numpy(dtype=np.int64, na_value=0))
        words = pa.array(list(np.asarray(uniq).astype(str)) + [""], pa.large_string())
        codes = np.where(missing, len(uniq), codes)
        return lambda rows: pc.take(words, codes[rows], memory_pool=pool)
    if pd.api.types.is_string_dtype(dtype) and not pd.api.types.is_object_dtype(dtype):
        values = column.array
        # only each slice is converted (an Arrow-backed column is not copied whole)
        return _text_cells(lambda rows: values[rows], pool)
    return None


def _text_cells(texts, pool):
    """A function of a row slice giving CSV cells of the text column whose
    slice ``texts(rows)`` gives (a pandas string array; missing as "")."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def cells(rows):
        got = pa.array(texts(rows), from_pandas=True, memory_pool=pool)
        if isinstance(got, pa.ChunkedArray):
            got = got.combine_chunks(memory_pool=pool)
        text = pc.cast(got, pa.large_string(), memory_pool=pool)
        part = pc.coalesce(text, _word(""), memory_pool=pool)
        quote = pc.match_substring_regex(part, _CSV_QUOTE, memory_pool=pool)
        if not pc.any(quote).as_py():
            return part
        doubled = pc.replace_substring(part, '"', '""', memory_pool=pool)
        quoted = pc.binary_join_element_wise(
            _word('"'), doubled, _word('"'), _word(""), memory_pool=pool
        )
        return pc.if_else(quote, quoted, part, memory_pool=pool)

    return cells


def check_classify_outputs(path, *, command: str = "classify", inputs=(), overwrite=False):
    """Refuse ``-o path`` (or a file beside it) before any computation."""
    from sarcostat.report.output import check_output_file

    # the path itself first: naming an input is refused as such, whatever its extension
    check_output_file(path, command=command, inputs=inputs, overwrite=overwrite)
    for target in output_paths(path).values():
        check_output_file(target, command=command, inputs=inputs, overwrite=overwrite)
