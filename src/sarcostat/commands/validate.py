"""``sarcostat validate FILE``: read a cohort file and report every problem found.

Exit code 0 when the data has no errors (warnings and notes allowed), 1 when
it has errors or cannot be read, 2 for usage errors. The input file is only
read, never written.
"""

from __future__ import annotations

from sarcostat.commands import add_read_options, read_options

NAME = "validate"
HELP = "check a cohort file: column mapping, values, ranges, units, ids"
ORDER = 10
DESCRIPTION = (
    "Read a cohort file (.csv/.tsv/.txt, .xlsx, SPSS .sav, Stata .dta, .parquet), map its "
    "columns to sarcostat's canonical names and check every value. Prints each automatic "
    "mapping, a table of findings and a one-line summary. Exit code 0 when there are no "
    "errors, 1 when the data has errors. The file is never modified."
)

_MAX_VALUE = 24


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="cohort data file")
    parser.add_argument(
        "--map",
        dest="map",
        metavar="MAP.toml",
        default=None,
        help="TOML column map: [columns], [codes], [biomarkers], [protocol] "
        "(see docs/variables.md)",
    )
    parser.add_argument(
        "--sheet",
        metavar="NAME",
        default=None,
        help="Excel sheet name or 0-based index (default: the first sheet)",
    )
    add_read_options(parser)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args) -> int:
    from sarcostat.io import read_cohort

    cohort = read_cohort(args.file, mapping=args.map, sheet=args.sheet, **read_options(args))
    print(render(cohort))
    return 1 if cohort.has_errors else 0


def render(cohort) -> str:
    """Mapping lines, the findings table and the summary line, as printed."""
    lines = [
        f.detail for f in cohort.issues if f.rule == "mapping" and f.detail.startswith("mapped ")
    ]
    rest = [
        f for f in cohort.issues if not (f.rule == "mapping" and f.detail.startswith("mapped "))
    ]
    if rest:
        if lines:
            lines.append("")
        lines += _table(rest)
    lines += ["", cohort.summary()]
    return "\n".join(lines)


def _short(v) -> str:
    if v is None:
        return ""
    text = str(v).replace("\n", " ")
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _table(findings) -> list[str]:
    from sarcostat.io.findings import sort_findings

    items = sort_findings(findings)
    head = ("severity", "rule", "row", "id", "column", "value", "problem")
    rows = [
        (
            f.severity,
            f.rule,
            "" if f.row is None else str(f.row),
            _short(f.participant_id),
            _short(f.column),
            _short(f.value),
            f.detail or f.message,
        )
        for f in items
    ]
    widths = [max(len(head[k]), *(len(r[k]) for r in rows)) for k in range(len(head) - 1)]

    def fmt(r):
        return "  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1]

    return [fmt(head), fmt(tuple("-" * w for w in widths) + ("-------",))] + [fmt(r) for r in rows]
