"""``sarcostat examples``: copy the tutorial's example files into a folder."""

from __future__ import annotations

NAME = "examples"
HELP = "copy the tutorial's SYNTHETIC example files (Excel cohort, map, ELISA plates, panel)"
ORDER = 95
DESCRIPTION = (
    "Copy the example files of the tutorial (docs/tutorial.md) into OUTDIR: "
    "clinic_baseline.xlsx with its column map clinic_map.toml, two ELISA plate exports "
    "(SoftMax Pro and Gen5) with their layouts under elisa/, and panel.csv, a biomarker "
    "panel for 'screen'. Every value is SYNTHETIC (simulated). Existing files are never "
    "overwritten: if OUTDIR already holds one of them, nothing is copied."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTDIR",
        default="sarcostat-examples",
        help="folder to copy into (created if missing; default: sarcostat-examples)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")


def run(args) -> int:
    from sarcostat.datasets import copy_examples

    written = copy_examples(args.output)
    if not args.quiet:
        print(f"Copied {len(written)} SYNTHETIC example files into {args.output}:")
        for p in written:
            print(f"  {p}")
    return 0
