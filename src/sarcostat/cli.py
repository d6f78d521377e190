"""Command-line interface: ``sarcostat COMMAND ...``.

This module stays thin: it builds the parser, hands the parsed arguments to
one command module, and turns :class:`~sarcostat.exceptions.SarcostatError`
into a one-line message and an exit code. Each subcommand lives in its own
module under :mod:`sarcostat.commands` exposing ``NAME``, ``HELP``,
``ORDER``, ``add_arguments(parser)`` and ``run(args) -> int``. Command
modules import heavy libraries inside ``run`` only, so ``--help`` is fast.

Exit codes: 0 success, 1 the data has errors (reported), 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from sarcostat._version import __version__

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors, which is what we want; this
    subclass only makes the message name the program and suggest --help."""

    def error(self, message):  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_USAGE,
            f"{self.prog}: error: {message}\nTry '{self.prog} --help' for more information.\n",
        )


def _command_modules():
    import sarcostat.commands as pkg

    mods = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_"):
            continue
        mods.append(importlib.import_module(f"sarcostat.commands.{info.name}"))
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 100), m.NAME))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sarcostat",
        description=(
            "Sarcopenia and biomarker statistics that match SPSS and R. "
            "Run 'sarcostat COMMAND --help' for the options of one command."
        ),
    )
    parser.add_argument("--version", action="version", version=f"sarcostat {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full Python traceback on errors"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for mod in _command_modules():
        p = sub.add_parser(
            mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP)
        )
        p.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show the full Python traceback on errors",
        )
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


#: Documentation pages that explain the errors of a command: (title, path in
#: the source tree's docs/; the same page is on the documentation site).
_DOCS = {
    "plan": ("Analysis plan keys", "docs/plan.md"),
    "data": ("Map your columns", "docs/howto/map-columns.md"),
    "elisa": ("ELISA", "docs/assay.md"),
    "screen": ("Biomarker screening", "docs/screen.md"),
    "power": ("Power and published tables", "docs/power.md"),
    "check-table": ("Power and published tables", "docs/power.md"),
}


def docs_pointer(command: str | None, exc: BaseException) -> str:
    """' [docs: <title>, <path>]' for an error that a documentation page explains, else ''."""
    from sarcostat.exceptions import DataError, PlanError, ReadError

    if isinstance(exc, PlanError):
        key = "plan"
    elif command in ("elisa", "screen", "power", "check-table"):
        key = command
    elif (
        isinstance(exc, DataError)
        and not isinstance(exc, ReadError)
        and command in ("validate", "classify", "analyze", "demo")
    ):
        key = "data"
    else:
        return ""
    title, path = _DOCS[key]
    return f" [docs: {title}, {path}]"


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code (also the console-script entry)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return int(exc.code or 0)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    from sarcostat.exceptions import SarcostatError

    try:
        return int(args._run(args) or 0)
    except SarcostatError as exc:
        if args.debug:
            raise
        print(
            f"sarcostat {args.command}: error: {exc}{docs_pointer(args.command, exc)}",
            file=sys.stderr,
        )
        return exc.exit_code
    except KeyboardInterrupt:
        print("sarcostat: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `sarcostat ... | head` closed our stdout: not an error of the user's.
        # Point stdout at devnull so the interpreter's final flush stays quiet.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
